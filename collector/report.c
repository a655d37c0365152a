/*
 * report.c: the table model every report fills, the list of reports, and
 * the one entry point that builds a report and renders it (report.h).
 *
 * A builder only fills tables (mostly one SQL query per table through
 * report_fill_sql); totals, subtotals, formatting and the three output
 * formats live here and in report_json.c, report_csv.c, report_pdf.c, so a
 * new report is a list of columns and a query.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector/report.h"
#include "common/log.h"
#include "common/names.h"
#include "common/timeutil.h"

struct report_def {
	const char *name;
	const char *title_id, *title_en;
	int (*build)(struct report *, sqlite3 *, char *, size_t);
};

static const struct report_def report_defs[] = {
    {"assets", "Daftar Aset", "Asset Register", report_build_assets},
    {"print-volume", "Volume Cetak", "Print Volume", report_build_print},
    {"maintenance", "Pemeliharaan", "Maintenance", report_build_maintenance},
    {"availability", "Ketersediaan Perangkat", "Device Availability",
     report_build_availability},
    {"daily", "Laporan Harian", "Daily Report", report_build_daily},
};

#define REPORT_NDEFS (sizeof(report_defs) / sizeof(report_defs[0]))

const char *const report_names[] = {
    "assets", "print-volume", "maintenance", "availability", "daily", NULL};

static const struct report_def *
report_find(const char *name)
{
	size_t i;

	for (i = 0; i < REPORT_NDEFS; i++)
		if (strcmp(report_defs[i].name, name) == 0)
			return &report_defs[i];
	return NULL;
}

int
report_opts_parse(struct report_opts *o, const char *name, const char *site,
                  const char *from, const char *to, const char *format,
                  const char *lang, char *err, size_t errsz)
{
	memset(o, 0, sizeof(*o));
	if (name == NULL || report_find(name) == NULL) {
		snprintf(err, errsz,
		         "unknown report '%s': expected assets, print-volume, "
		         "maintenance, availability or daily",
		         name != NULL ? name : "");
		return -1;
	}
	o->name = report_find(name)->name;
	if (site != NULL) {
		if (!name_id_valid(site)) {
			snprintf(err, errsz, "bad site id");
			return -1;
		}
		snprintf(o->site, sizeof(o->site), "%s", site);
	}
	if (from != NULL && time_parse_local_date(from, &o->from) == -1) {
		snprintf(err, errsz, "bad 'from': expected YYYY-MM-DD");
		return -1;
	}
	if (to != NULL && time_parse_local_date(to, &o->to) == -1) {
		snprintf(err, errsz, "bad 'to': expected YYYY-MM-DD");
		return -1;
	}
	if (o->from != 0 && o->to != 0 && o->to <= o->from) {
		snprintf(err, errsz, "'to' must be after 'from'");
		return -1;
	}
	if (format == NULL || strcmp(format, "json") == 0)
		o->format = REPORT_JSON;
	else if (strcmp(format, "csv") == 0)
		o->format = REPORT_CSV;
	else if (strcmp(format, "pdf") == 0)
		o->format = REPORT_PDF;
	else {
		snprintf(err, errsz, "format '%s': expected json, csv or pdf",
		         format);
		return -1;
	}
	if (fmt_lang_parse(lang, &o->lang) == -1) {
		snprintf(err, errsz, "lang '%s': expected id or en", lang);
		return -1;
	}
	return 0;
}

struct report_table *
report_add_table(struct report *r, const char *key, const char *title_id,
                 const char *title_en, const struct report_col *cols,
                 size_t ncols)
{
	struct report_table *nt, *t;

	nt = realloc(r->tables, (r->ntables + 1) * sizeof(*nt));
	if (nt == NULL)
		return NULL;
	r->tables = nt;
	t = &nt[r->ntables++];
	memset(t, 0, sizeof(*t));
	t->key = key;
	t->title_id = title_id;
	t->title_en = title_en;
	t->cols = cols;
	t->ncols = ncols;
	t->group_col = -1;
	t->chart_label = -1;
	t->chart_value = -1;
	return t;
}

struct report_cell *
report_add_row(struct report_table *t)
{
	struct report_cell *nc, *row;
	size_t i, cap;

	if (t->nrows == t->cap) {
		cap = t->cap != 0 ? t->cap * 2 : 64;
		nc = realloc(t->cells, cap * t->ncols * sizeof(*nc));
		if (nc == NULL)
			return NULL;
		t->cells = nc;
		t->cap = cap;
	}
	row = &t->cells[t->nrows++ * t->ncols];
	for (i = 0; i < t->ncols; i++) {
		row[i].null = 1;
		row[i].i = 0;
		row[i].s = NULL;
	}
	return row;
}

int
report_set_text(struct report_cell *row, size_t col, const char *s)
{
	free(row[col].s);
	row[col].s = NULL;
	row[col].null = 1;
	if (s == NULL)
		return 0;
	if ((row[col].s = strdup(s)) == NULL)
		return -1;
	row[col].null = 0;
	return 0;
}

void
report_set_int(struct report_cell *row, size_t col, int64_t v)
{
	row[col].null = 0;
	row[col].i = v;
}

static int
report_kind_text(enum report_kind k)
{
	return k == REPORT_TEXT || k == REPORT_DATE;
}

int
report_fill_sql(struct report_table *t, sqlite3 *h, const char *sql,
                const struct report *r, char *err, size_t errsz)
{
	struct report_cell *row;
	sqlite3_stmt *s;
	size_t i;
	int rc;

	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) {
		log_err("report %s: %s", r->name, sqlite3_errmsg(h));
		snprintf(err, errsz, "report %s: %s", r->name,
		         sqlite3_errmsg(h));
		return -1;
	}
	sqlite3_bind_text(s, 1, r->site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, r->from);
	sqlite3_bind_int64(s, 3, r->to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((row = report_add_row(t)) == NULL)
			goto nomem;
		for (i = 0; i < t->ncols; i++) {
			if (sqlite3_column_type(s, (int)i) == SQLITE_NULL)
				continue;
			if (!report_kind_text(t->cols[i].kind))
				report_set_int(row, i,
				               sqlite3_column_int64(s, (int)i));
			else if (report_set_text(
			             row, i,
			             (const char *)sqlite3_column_text(
			                 s, (int)i)) == -1)
				goto nomem;
		}
	}
	if (rc != SQLITE_DONE) {
		log_err("report %s: %s", r->name, sqlite3_errmsg(h));
		snprintf(err, errsz, "report %s: %s", r->name,
		         sqlite3_errmsg(h));
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;

nomem:
	snprintf(err, errsz, "out of memory");
	sqlite3_finalize(s);
	return -1;
}

int
report_has_table(sqlite3 *h, const char *name)
{
	sqlite3_stmt *s;
	int n = 0;

	if (sqlite3_prepare_v2(h,
	                       "SELECT count(*) FROM sqlite_master WHERE "
	                       "type IN ('table', 'view') AND name = ?1",
	                       -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n > 0;
}

const struct report_cell *
report_cell(const struct report_table *t, size_t row, size_t col)
{
	return &t->cells[row * t->ncols + col];
}

static int64_t
report_sum(const struct report_table *t, size_t col, size_t r0, size_t r1,
           int *null)
{
	const struct report_cell *c;
	int64_t sum = 0;
	size_t i;

	*null = 1;
	for (i = r0; i < r1; i++) {
		c = report_cell(t, i, col);
		if (!c->null) {
			sum += c->i;
			*null = 0;
		}
	}
	return sum;
}

int64_t
report_total(const struct report_table *t, size_t col, size_t r0, size_t r1,
             int *null)
{
	const struct report_col *c = &t->cols[col];
	int64_t num, den;
	int nn, dn;

	*null = 1;
	if (c->ratio_num >= 0 && c->ratio_den >= 0 && (c->flags & REPORT_SUM)) {
		num = report_sum(t, (size_t)c->ratio_num, r0, r1, &nn);
		den = report_sum(t, (size_t)c->ratio_den, r0, r1, &dn);
		if (nn || dn || den <= 0)
			return 0;
		*null = 0;
		/* rounded to the nearest basis point, or unit (a mean) */
		if (c->kind == REPORT_PCT)
			num *= 10000;
		return (num + den / 2) / den;
	}
	if (!(c->flags & REPORT_SUM) || report_kind_text(c->kind))
		return 0;
	return report_sum(t, col, r0, r1, null);
}

int64_t
report_month_piece(int64_t lo, int64_t hi, char *month, size_t sz)
{
	time_t tt = (time_t)lo;
	struct tm tm;
	int64_t next;

	localtime_r(&tt, &tm);
	strftime(month, sz, "%Y-%m", &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mon++;
	tm.tm_isdst = -1; /* the next month's own offset */
	next = (int64_t)mktime(&tm);
	/* mktime failing (-1) must not loop forever */
	return next > hi || next <= lo ? hi : next;
}

const char *
report_tr(const struct report *r, const char *id, const char *en)
{
	return r->lang == FMT_EN && en != NULL ? en : id;
}

char *
report_cell_text(const struct report *r, const struct report_col *c,
                 const struct report_cell *v, char *buf, size_t sz)
{
	if (v->null) {
		snprintf(buf, sz, "%s",
		         c->null_csv != NULL && c->null_csv[0] != '\0'
		             ? report_tr(r, "tidak diketahui", "unknown")
		             : "");
		return buf;
	}
	switch (c->kind) {
	case REPORT_TEXT:
		snprintf(buf, sz, "%s", v->s);
		break;
	case REPORT_DATE:
		fmt_date(v->s, r->lang, buf, sz);
		break;
	case REPORT_INT:
		fmt_int(v->i, r->lang, buf, sz);
		break;
	case REPORT_IDR:
		fmt_idr(v->i, r->lang, buf, sz);
		break;
	case REPORT_PCT:
		fmt_pct(v->i, r->lang, buf, sz);
		break;
	case REPORT_MINUTES:
		fmt_minutes(v->i, r->lang, buf, sz);
		break;
	}
	return buf;
}

void
report_progress(const struct report *r, const char *what, size_t done,
                size_t total)
{
	if (!r->progress)
		return;
	fprintf(stderr, "\rpantauctl: report %s: %s %zu/%zu", r->name, what,
	        done, total);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

void
report_clear(struct report *r)
{
	struct report_table *t;
	size_t i, j;

	for (i = 0; i < r->ntables; i++) {
		t = &r->tables[i];
		for (j = 0; j < t->nrows * t->ncols; j++)
			free(t->cells[j].s);
		free(t->cells);
		free(t->cols_owned);
	}
	free(r->tables);
	r->tables = NULL;
	r->ntables = 0;
}

/*
 * Whether 't' is the table called 'name' (NULL: any): its key, or its key
 * without "by_" ("user" is "by_user", as print-volume always took it).
 */
static int
report_table_is(const struct report_table *t, const char *name)
{
	if (name == NULL || strcmp(t->key, name) == 0)
		return 1;
	return strncmp(t->key, "by_", 3) == 0 && strcmp(t->key + 3, name) == 0;
}

int
report_write(sqlite3 *h, const struct report_opts *o, FILE *out, char *err,
             size_t errsz)
{
	const struct report_def *d;
	const struct report_table *t = NULL;
	struct report r;
	size_t i;
	int rc = 0;

	if ((d = report_find(o->name)) == NULL) {
		snprintf(err, errsz, "unknown report '%s'", o->name);
		return 2;
	}
	memset(&r, 0, sizeof(r));
	r.name = d->name;
	r.title_id = d->title_id;
	r.title_en = d->title_en;
	snprintf(r.site, sizeof(r.site), "%s", o->site);
	r.from = o->from;
	r.to = o->to;
	r.now = o->now != 0 ? o->now : (int64_t)time(NULL);
	r.lang = o->lang;
	r.progress = o->progress;
	r.data_dir = o->data_dir;
	if (d->build(&r, h, err, errsz) == -1 ||
	    report_rollup(&r, h, err, errsz) == -1) {
		report_clear(&r);
		return 1;
	}
	if (o->format == REPORT_CSV) {
		for (i = 0; i < r.ntables && t == NULL; i++)
			if (report_table_is(&r.tables[i], o->table != NULL
			                                      ? o->table
			                                      : r.csv_table))
				t = &r.tables[i];
		if (t == NULL) {
			snprintf(err, errsz, "report %s has no table '%s'",
			         r.name, o->table);
			report_clear(&r);
			return 2;
		}
		rc = report_render_csv(&r, t, o->bom, out);
	} else if (o->format == REPORT_PDF)
		rc = report_render_pdf(&r, out);
	else
		rc = report_render_json(&r, out);
	if (rc == -1) {
		snprintf(err, errsz, "cannot write the report");
		rc = 1;
	}
	report_clear(&r);
	return rc;
}

int
report_write_path(const char *db_path, const struct report_opts *o, FILE *out,
                  char *err, size_t errsz)
{
	struct report_opts oo;
	const char *slash;
	char dir[4096];
	sqlite3 *h = NULL;
	int rc;

	if (sqlite3_open_v2(db_path, &h, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errsz, "cannot open %s: %s", db_path,
		         h != NULL ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return 1;
	}
	sqlite3_busy_timeout(h, 5000);
	/* DATA is where pantau.db lives (DESIGN.md section 10) */
	if (o->data_dir == NULL && (slash = strrchr(db_path, '/')) != NULL &&
	    (size_t)(slash - db_path) < sizeof(dir)) {
		memcpy(dir, db_path, (size_t)(slash - db_path));
		dir[slash - db_path] = '\0';
		oo = *o;
		oo.data_dir = dir;
		o = &oo;
	}
	rc = report_write(h, o, out, err, errsz);
	sqlite3_close(h);
	return rc;
}
