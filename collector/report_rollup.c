/*
 * report_rollup.c: every report's per-site table summed per regency, the
 * view a province manager reads (issue 13, docs/reports.md).
 *
 * A province collector holds hundreds of sites; the funders ask per
 * kabupaten/kota and for the province.  Rather than a second query per
 * report, the roll-up works on the model: it takes the per-site table a
 * report already built, looks up each site's regency in the sites table
 * (filled from [site NAME], collector/site.c), and adds a "by_regency"
 * table of the same numbers: one row per regency (and per key column such
 * as the month), the count of sites, every summed column, and each ratio
 * column recomputed from its summed numerator and denominator, never
 * averaged.  The table's totals row is the province.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collector/report.h"
#include "common/log.h"

/* Which table of which report rolls up, and what else keys a row. */
struct rollup_def {
	const char *report, *table;
	const char *keys[2]; /* column keys besides the site, NULL-ended */
};

static const struct rollup_def rollup_defs[] = {
    {"assets", "summary", {"funding", NULL}},
    {"print-volume", "by_printer", {"month", NULL}},
    {"maintenance", "by_site", {NULL}},
    {"availability", "by_site", {"month", NULL}},
    {"daily", "daily", {"day", NULL}},
};

#define NDEFS (sizeof(rollup_defs) / sizeof(rollup_defs[0]))

/* One source row and where it goes. */
struct rollup_row {
	size_t row;
	const char *site;
	const char *regency; /* NULL: none recorded */
};

/* The site -> regency map, sorted by site. */
struct rollup_site {
	char *site, *regency;
};

struct rollup {
	const struct report_table *src;
	int site_col;
	int key_cols[2];
	size_t nkeys;
	struct rollup_site *map;
	size_t nmap;
};

static int
rollup_site_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rollup_site *)a)->site,
	              ((const struct rollup_site *)b)->site);
}

/*
 * Loads the sites and their regencies.  A database from before schema 5
 * has no regency column: every site is then "no regency".
 */
static int
rollup_load_map(struct rollup *ru, sqlite3 *h)
{
	static const char sql[] = "SELECT name, regency FROM sites "
	                          "WHERE regency IS NOT NULL ORDER BY name";
	struct rollup_site *nm;
	sqlite3_stmt *st;
	const char *s, *g;
	size_t cap = 0;
	int rc;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(st, 0);
		g = (const char *)sqlite3_column_text(st, 1);
		if (s == NULL || g == NULL)
			continue;
		if (ru->nmap == cap) {
			cap = cap != 0 ? cap * 2 : 32;
			if ((nm = realloc(ru->map, cap * sizeof(*nm))) == NULL)
				goto nomem;
			ru->map = nm;
		}
		ru->map[ru->nmap].site = strdup(s);
		ru->map[ru->nmap].regency = strdup(g);
		if (ru->map[ru->nmap].site == NULL ||
		    ru->map[ru->nmap].regency == NULL) {
			free(ru->map[ru->nmap].site);
			free(ru->map[ru->nmap].regency);
			goto nomem;
		}
		ru->nmap++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("report: sites: %s", sqlite3_errmsg(h));
		return -1;
	}
	/* ORDER BY uses SQLite's collation; bsearch needs strcmp's */
	if (ru->nmap > 1)
		qsort(ru->map, ru->nmap, sizeof(*ru->map), rollup_site_cmp);
	return 0;
nomem:
	sqlite3_finalize(st);
	return -1;
}

static const char *
rollup_regency(const struct rollup *ru, const char *site)
{
	struct rollup_site key = {(char *)(uintptr_t)site, NULL}, *f;

	if (site == NULL || ru->nmap == 0)
		return NULL;
	f = bsearch(&key, ru->map, ru->nmap, sizeof(*ru->map), rollup_site_cmp);
	return f != NULL ? f->regency : NULL;
}

/* NULL sorts after every regency: "no regency" closes the table. */
static int
rollup_strcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

static int
rollup_cell_cmp(const struct report_cell *a, const struct report_cell *b)
{
	if (a->null || b->null)
		return a->null - b->null;
	if (a->s != NULL || b->s != NULL)
		return rollup_strcmp(a->s, b->s);
	return (a->i > b->i) - (a->i < b->i);
}

/* qsort has no context argument: the roll-up being sorted. */
static const struct rollup *rollup_sorting;

/* Orders by regency, then the key columns; the site last, for counting. */
static int
rollup_row_cmp(const void *pa, const void *pb)
{
	const struct rollup_row *a = pa, *b = pb;
	const struct rollup *ru = rollup_sorting;
	size_t k;
	int c;

	if ((c = rollup_strcmp(a->regency, b->regency)) != 0)
		return c;
	for (k = 0; k < ru->nkeys; k++)
		if ((c = rollup_cell_cmp(
		         report_cell(ru->src, a->row, (size_t)ru->key_cols[k]),
		         report_cell(ru->src, b->row,
		                     (size_t)ru->key_cols[k]))) != 0)
			return c;
	if ((c = rollup_strcmp(a->site, b->site)) != 0)
		return c;
	return (a->row > b->row) - (a->row < b->row);
}

/* Whether two sorted rows fall in the same roll-up row. */
static int
rollup_same_group(const struct rollup *ru, const struct rollup_row *a,
                  const struct rollup_row *b)
{
	size_t k;

	if (rollup_strcmp(a->regency, b->regency) != 0)
		return 0;
	for (k = 0; k < ru->nkeys; k++)
		if (rollup_cell_cmp(
		        report_cell(ru->src, a->row, (size_t)ru->key_cols[k]),
		        report_cell(ru->src, b->row,
		                    (size_t)ru->key_cols[k])) != 0)
			return 0;
	return 1;
}

static int
rollup_col_find(const struct report_table *t, const char *key)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].key, key) == 0)
			return (int)i;
	return -1;
}

/*
 * The roll-up's columns: regency, sites, the key columns, then every
 * summed column of the source, ratios pointing at their new places.
 * 'map[i]' is the source column of roll-up column i (-1: regency, sites).
 * Returns the count, or 0 when out of memory.
 */
static size_t
rollup_columns(const struct rollup *ru, struct report_col **out, int **map)
{
	static const struct report_col head[] = {
	    {"regency", "Kabupaten/kota", "Regency", REPORT_TEXT, 0, 4, NULL,
	     -1, -1},
	    {"sites", "Lokasi", "Sites", REPORT_INT, REPORT_SUM, 1, NULL, -1,
	     -1},
	};
	const struct report_table *src = ru->src;
	struct report_col *cols;
	int *m, *where;
	size_t n = 2, i, k;

	cols = calloc(2 + ru->nkeys + src->ncols, sizeof(*cols));
	m = calloc(2 + ru->nkeys + src->ncols, sizeof(*m));
	where = malloc(src->ncols * sizeof(*where));
	if (cols == NULL || m == NULL || where == NULL) {
		free(cols);
		free(m);
		free(where);
		return 0;
	}
	memcpy(cols, head, sizeof(head));
	m[0] = m[1] = -1;
	for (i = 0; i < src->ncols; i++)
		where[i] = -1;
	for (k = 0; k < ru->nkeys; k++) {
		cols[n] = src->cols[ru->key_cols[k]];
		where[ru->key_cols[k]] = (int)n;
		m[n++] = ru->key_cols[k];
	}
	for (i = 0; i < src->ncols; i++)
		if ((src->cols[i].flags & REPORT_SUM) && where[i] == -1) {
			cols[n] = src->cols[i];
			where[i] = (int)n;
			m[n++] = (int)i;
		}
	for (i = 2; i < n; i++)
		if (cols[i].ratio_num >= 0 && cols[i].ratio_den >= 0) {
			cols[i].ratio_num = where[cols[i].ratio_num];
			cols[i].ratio_den = where[cols[i].ratio_den];
		}
	free(where);
	*out = cols;
	*map = m;
	return n;
}

/* Fills roll-up row 'dst' from the sorted source rows [a, b). */
static int
rollup_fill_row(const struct rollup *ru, struct report *r,
                struct report_table *t, const int *map,
                const struct rollup_row *rows, size_t a, size_t b)
{
	const struct report_cell *c;
	struct report_cell *dst;
	int64_t sum;
	size_t i, j, sites = 0;
	int any, null;

	if ((dst = report_add_row(t)) == NULL ||
	    report_set_text(dst, 0,
	                    rows[a].regency != NULL
	                        ? rows[a].regency
	                        : report_tr(r, "(tanpa kabupaten/kota)",
	                                    "(no regency)")) == -1)
		return -1;
	for (j = a; j < b; j++)
		if (j == a || rollup_strcmp(rows[j].site, rows[j - 1].site))
			sites++;
	report_set_int(dst, 1, (int64_t)sites);
	for (i = 2; i < t->ncols; i++) {
		if (t->cols[i].ratio_num >= 0 && t->cols[i].ratio_den >= 0)
			continue; /* below, once the sums are in */
		if (!(t->cols[i].flags & REPORT_SUM)) { /* a key column */
			c = report_cell(ru->src, rows[a].row, (size_t)map[i]);
			if (c->s != NULL) {
				if (report_set_text(dst, i, c->s) == -1)
					return -1;
			} else if (!c->null)
				report_set_int(dst, i, c->i);
			continue;
		}
		for (sum = 0, any = 0, j = a; j < b; j++) {
			c = report_cell(ru->src, rows[j].row, (size_t)map[i]);
			if (!c->null) {
				sum += c->i;
				any = 1;
			}
		}
		if (any)
			report_set_int(dst, i, sum);
	}
	/* a ratio of this row's own sums, as report_total() totals it */
	for (i = 2; i < t->ncols; i++)
		if (t->cols[i].ratio_num >= 0 && t->cols[i].ratio_den >= 0) {
			sum = report_total(t, i, t->nrows - 1, t->nrows, &null);
			if (!null)
				report_set_int(dst, i, sum);
		}
	return 0;
}

/* Adds the roll-up of table 'src_i' of 'r'; 0 or -1 (out of memory). */
static int
rollup_add(struct report *r, struct rollup *ru, size_t src_i)
{
	struct rollup_row *rows = NULL;
	struct report_col *cols = NULL;
	struct report_table *t;
	int *map = NULL;
	size_t n, i, a, ncols;

	ru->src = &r->tables[src_i];
	n = ru->src->nrows;
	if ((ncols = rollup_columns(ru, &cols, &map)) == 0 ||
	    (rows = calloc(n + 1, sizeof(*rows))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		rows[i].row = i;
		rows[i].site = report_cell(ru->src, i, (size_t)ru->site_col)->s;
		rows[i].regency = rollup_regency(ru, rows[i].site);
	}
	rollup_sorting = ru;
	if (n > 1)
		qsort(rows, n, sizeof(*rows), rollup_row_cmp);
	rollup_sorting = NULL;
	if ((t = report_add_table(r, "by_regency", "Per kabupaten/kota",
	                          "Per regency", cols, ncols)) == NULL)
		goto nomem;
	t->cols_owned = cols;
	cols = NULL;
	ru->src = &r->tables[src_i]; /* the add may have moved the tables */
	for (a = 0, i = 1; i <= n; i++)
		if (i == n || !rollup_same_group(ru, &rows[a], &rows[i])) {
			if (a < n &&
			    rollup_fill_row(ru, r, t, map, rows, a, i) == -1)
				goto nomem;
			a = i;
		}
	free(rows);
	free(map);
	return 0;
nomem:
	free(rows);
	free(map);
	free(cols);
	return -1;
}

int
report_rollup(struct report *r, sqlite3 *h, char *err, size_t errsz)
{
	const struct rollup_def *d = NULL;
	struct rollup ru;
	size_t i, k, src = 0;
	int rc = -1;

	for (i = 0; i < NDEFS && d == NULL; i++)
		if (strcmp(rollup_defs[i].report, r->name) == 0)
			d = &rollup_defs[i];
	if (d == NULL)
		return 0;
	for (i = 0; i < r->ntables; i++)
		if (strcmp(r->tables[i].key, d->table) == 0)
			break;
	if (i == r->ntables)
		return 0; /* the report left that table out */
	src = i;
	memset(&ru, 0, sizeof(ru));
	if ((ru.site_col = rollup_col_find(&r->tables[src], "site")) < 0)
		return 0;
	for (k = 0; k < 2 && d->keys[k] != NULL; k++)
		if ((ru.key_cols[ru.nkeys] =
		         rollup_col_find(&r->tables[src], d->keys[k])) >= 0)
			ru.nkeys++;
	if (rollup_load_map(&ru, h) == 0 && rollup_add(r, &ru, src) == 0)
		rc = 0;
	else
		snprintf(err, errsz, "report %s: cannot roll up per regency",
		         r->name);
	for (i = 0; i < ru.nmap; i++) {
		free(ru.map[i].site);
		free(ru.map[i].regency);
	}
	free(ru.map);
	return rc;
}
