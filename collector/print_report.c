/*
 * print_report.c: print volume per printer, per user, per month, and the
 * reconciliation per printer per day (print_report.h).
 *
 * Every table is one SQL query over print_jobs (and printer_meter_daily
 * for the device's own counter); the rows are then written as cJSON or as
 * CSV by the same column list, so the two formats cannot drift apart.
 * A column is an integer, a text, or "pages": an integer that is NULL
 * when every job of the row had unknown pages, written as null in JSON and
 * "unknown" in CSV: the rule that a raw queue never reads as 0 pages.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "collector/print_report.h"
#include "common/log.h"
#include "common/names.h"
#include "common/timeutil.h"

enum print_col_kind {
	COL_INT, /* NULL: null / empty */
	COL_TEXT,
	COL_PAGES, /* NULL: null / "unknown" */
};

struct print_col {
	const char *name;
	enum print_col_kind kind;
};

struct print_table_def {
	const char *name;
	const char *json_key;
	const char *sql;
	struct print_col cols[12];
};

/*
 * The parameters of every query: ?1 site ("" all), ?2 from, ?3 to (Unix
 * seconds, 0 open).  The meter delta of a day is its last value minus the
 * last value of the previous recorded day (or minus its own first value);
 * a negative delta (a replaced board, a reset) is unknown.
 */
#define PRINT_WHERE_JOBS                                                       \
	"j.final = 1 AND j.completed IS NOT NULL "                             \
	"AND (?1 = '' OR j.site = ?1) AND (?2 = 0 OR j.completed >= ?2) "      \
	"AND (?3 = 0 OR j.completed < ?3) "
#define PRINT_METER_CTE                                                        \
	"meter AS (SELECT site, device, day, CASE WHEN d >= 0 THEN d END "     \
	"AS pages FROM (SELECT site, device, day, last_total - "               \
	"coalesce(lag(last_total) OVER (PARTITION BY site, device ORDER BY "   \
	"day), first_total) AS d FROM printer_meter_daily)) "

static const struct print_table_def print_tables[PRINT_NTABLES] = {
    [PRINT_BY_USER] =
        {"user",
         "by_user",
         "SELECT strftime('%Y-%m', j.completed, 'unixepoch', 'localtime'), "
         "j.site, j.device, s.name, j.queue, j.user, count(*), "
         "sum(j.pages), sum(j.pages IS NULL), sum(j.sheets) "
         "FROM print_jobs j JOIN cups_servers s ON s.id = j.server_id "
         "WHERE " PRINT_WHERE_JOBS
         "GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6",
         {{"month", COL_TEXT},
          {"site", COL_TEXT},
          {"printer", COL_TEXT},
          {"server", COL_TEXT},
          {"queue", COL_TEXT},
          {"user", COL_TEXT},
          {"jobs", COL_INT},
          {"pages", COL_PAGES},
          {"unknown_jobs", COL_INT},
          {"sheets", COL_INT},
          {NULL, COL_INT}}},
    [PRINT_BY_PRINTER] =
        {"printer",
         "by_printer",
         "WITH " PRINT_METER_CTE ", "
         "cups AS (SELECT strftime('%Y-%m', j.completed, 'unixepoch', "
         "'localtime') AS month, j.site AS site, j.device AS device, "
         "CASE WHEN j.device IS NULL THEN s.name END AS server, "
         "CASE WHEN j.device IS NULL THEN j.queue END AS queue, "
         "count(*) AS jobs, sum(j.pages) AS pages, "
         "sum(j.pages IS NULL) AS unknown, sum(j.sheets) AS sheets "
         "FROM print_jobs j JOIN cups_servers s ON s.id = j.server_id "
         "WHERE " PRINT_WHERE_JOBS "GROUP BY 1, 2, 3, 4, 5), "
         "mmonth AS (SELECT site, device, substr(day, 1, 7) AS month, "
         "sum(pages) AS pages FROM meter WHERE (?2 = 0 OR day >= "
         "date(?2, 'unixepoch', 'localtime')) AND (?3 = 0 OR day < "
         "date(?3, 'unixepoch', 'localtime')) GROUP BY 1, 2, 3) "
         "SELECT c.month, c.site, c.device, c.server, c.queue, c.jobs, "
         "c.pages, c.unknown, c.sheets, m.pages, m.pages - c.pages "
         "FROM cups c LEFT JOIN mmonth m ON m.site = c.site AND "
         "m.device = c.device AND m.month = c.month "
         "ORDER BY 1, 2, 3, 4, 5",
         {{"month", COL_TEXT},
          {"site", COL_TEXT},
          {"printer", COL_TEXT},
          {"server", COL_TEXT},
          {"queue", COL_TEXT},
          {"jobs", COL_INT},
          {"pages", COL_PAGES},
          {"unknown_jobs", COL_INT},
          {"sheets", COL_INT},
          {"meter_pages", COL_INT},
          {"difference", COL_INT},
          {NULL, COL_INT}}},
    [PRINT_BY_DAY] =
        {"day",
         "by_day",
         "WITH " PRINT_METER_CTE ", "
         "cups AS (SELECT j.site AS site, j.device AS device, "
         "date(j.completed, 'unixepoch', 'localtime') AS day, "
         "count(*) AS jobs, sum(j.pages) AS pages, "
         "sum(j.pages IS NULL) AS unknown FROM print_jobs j "
         "WHERE j.device IS NOT NULL AND " PRINT_WHERE_JOBS
         "GROUP BY 1, 2, 3), "
         "keys AS (SELECT site, device, day FROM meter UNION "
         "SELECT site, device, day FROM cups) "
         "SELECT k.day, k.site, k.device, coalesce(c.jobs, 0), "
         "CASE WHEN c.jobs IS NULL THEN 0 ELSE c.pages END, "
         "coalesce(c.unknown, 0), m.pages, m.pages - "
         "CASE WHEN c.jobs IS NULL THEN 0 ELSE c.pages END "
         "FROM keys k LEFT JOIN cups c ON c.site = k.site AND "
         "c.device = k.device AND c.day = k.day LEFT JOIN meter m ON "
         "m.site = k.site AND m.device = k.device AND m.day = k.day "
         "WHERE (?1 = '' OR k.site = ?1) AND (?2 = 0 OR k.day >= "
         "date(?2, 'unixepoch', 'localtime')) AND (?3 = 0 OR k.day < "
         "date(?3, 'unixepoch', 'localtime')) ORDER BY 2, 3, 1",
         {{"day", COL_TEXT},
          {"site", COL_TEXT},
          {"printer", COL_TEXT},
          {"jobs", COL_INT},
          {"cups_pages", COL_PAGES},
          {"unknown_jobs", COL_INT},
          {"meter_pages", COL_INT},
          {"difference", COL_INT},
          {NULL, COL_INT}}},
};

int
print_report_table(const char *s, enum print_table *out)
{
	int i;

	for (i = 0; i < PRINT_NTABLES; i++)
		if (strcmp(print_tables[i].name, s) == 0) {
			*out = (enum print_table)i;
			return 0;
		}
	return -1;
}

const char *
print_report_sql(enum print_table t)
{
	return print_tables[t].sql;
}

int
print_report_filter(struct print_filter *f, const char *site, const char *from,
                    const char *to, const char *limit, char *err, size_t errsz)
{
	char *end;
	long n;

	memset(f, 0, sizeof(*f));
	if (site != NULL) {
		if (!name_id_valid(site)) {
			snprintf(err, errsz, "bad site id");
			return -1;
		}
		snprintf(f->site, sizeof(f->site), "%s", site);
	}
	if (from != NULL && time_parse_local_date(from, &f->from) == -1) {
		snprintf(err, errsz, "bad 'from': expected YYYY-MM-DD");
		return -1;
	}
	if (to != NULL && time_parse_local_date(to, &f->to) == -1) {
		snprintf(err, errsz, "bad 'to': expected YYYY-MM-DD");
		return -1;
	}
	if (f->from != 0 && f->to != 0 && f->to <= f->from) {
		snprintf(err, errsz, "'to' must be after 'from'");
		return -1;
	}
	if (limit != NULL) {
		errno = 0;
		n = strtol(limit, &end, 10);
		if (errno != 0 || end == limit || *end != '\0' || n < 1 ||
		    n > 100000) {
			snprintf(err, errsz, "bad 'limit': expected 1..100000");
			return -1;
		}
		f->limit = (size_t)n;
	}
	return 0;
}

static sqlite3_stmt *
print_prepare(sqlite3 *h, const char *sql, const struct print_filter *f)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) {
		log_err("print report: %s", sqlite3_errmsg(h));
		return NULL;
	}
	sqlite3_bind_text(s, 1, f->site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, f->from);
	sqlite3_bind_int64(s, 3, f->to);
	return s;
}

/* Adds column i of the current row to 'o' by its kind. */
static int
print_json_col(cJSON *o, sqlite3_stmt *s, int i, const struct print_col *c)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return cJSON_AddNullToObject(o, c->name) != NULL ? 0 : -1;
	if (c->kind == COL_TEXT)
		return cJSON_AddStringToObject(
		           o, c->name,
		           (const char *)sqlite3_column_text(s, i)) != NULL
		           ? 0
		           : -1;
	return cJSON_AddNumberToObject(
	           o, c->name, (double)sqlite3_column_int64(s, i)) != NULL
	           ? 0
	           : -1;
}

static cJSON *
print_table_json(sqlite3 *h, const struct print_filter *f, enum print_table t)
{
	const struct print_table_def *d = &print_tables[t];
	sqlite3_stmt *s;
	cJSON *arr, *o;
	int i, rc;

	if ((s = print_prepare(h, d->sql, f)) == NULL)
		return NULL;
	if ((arr = cJSON_CreateArray()) == NULL)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((o = cJSON_CreateObject()) == NULL)
			goto fail;
		if (!cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			goto fail;
		}
		for (i = 0; d->cols[i].name != NULL; i++)
			if (print_json_col(o, s, i, &d->cols[i]) == -1)
				goto fail;
	}
	if (rc != SQLITE_DONE) {
		log_err("print report: %s", sqlite3_errmsg(h));
		goto fail;
	}
	sqlite3_finalize(s);
	return arr;

fail:
	sqlite3_finalize(s);
	cJSON_Delete(arr);
	return NULL;
}

static int
print_add_date(cJSON *o, const char *key, int64_t t)
{
	char buf[32];

	if (t == 0)
		return cJSON_AddNullToObject(o, key) != NULL ? 0 : -1;
	return cJSON_AddStringToObject(
	           o, key, time_format_iso(t, buf, sizeof(buf))) != NULL
	           ? 0
	           : -1;
}

cJSON *
print_report_json(sqlite3 *h, const struct print_filter *f)
{
	cJSON *o, *t;
	int i;

	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "report", "print-volume") == NULL ||
	    print_add_date(o, "from", f->from) == -1 ||
	    print_add_date(o, "to", f->to) == -1 ||
	    (f->site[0] != '\0' ? cJSON_AddStringToObject(o, "site", f->site)
	                        : cJSON_AddNullToObject(o, "site")) == NULL)
		goto fail;
	for (i = 0; i < PRINT_NTABLES; i++) {
		if ((t = print_table_json(h, f, (enum print_table)i)) == NULL)
			goto fail;
		cJSON_AddItemToObject(o, print_tables[i].json_key, t);
	}
	return o;

fail:
	cJSON_Delete(o);
	return NULL;
}

int
print_report_csv_field(FILE *out, const char *s)
{
	const char *p;

	if (s[strcspn(s, ",\"\r\n")] == '\0')
		return fputs(s, out) == EOF ? -1 : 0;
	if (putc('"', out) == EOF)
		return -1;
	for (p = s; *p != '\0'; p++)
		if ((*p == '"' && putc('"', out) == EOF) ||
		    putc(*p, out) == EOF)
			return -1;
	return putc('"', out) == EOF ? -1 : 0;
}

int
print_report_csv(sqlite3 *h, const struct print_filter *f, enum print_table t,
                 FILE *out)
{
	const struct print_table_def *d = &print_tables[t];
	sqlite3_stmt *s;
	char num[32];
	const char *v;
	int i, rc, bad = 0;

	if ((s = print_prepare(h, d->sql, f)) == NULL)
		return -1;
	for (i = 0; d->cols[i].name != NULL; i++)
		bad |= (i > 0 && putc(',', out) == EOF) ||
		       print_report_csv_field(out, d->cols[i].name) == -1;
	bad |= fputs("\r\n", out) == EOF;
	while (!bad && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (i = 0; d->cols[i].name != NULL; i++) {
			if (sqlite3_column_type(s, i) == SQLITE_NULL)
				v = d->cols[i].kind == COL_PAGES ? "unknown"
				                                 : "";
			else if (d->cols[i].kind == COL_TEXT)
				v = (const char *)sqlite3_column_text(s, i);
			else {
				snprintf(num, sizeof(num), "%lld",
				         (long long)sqlite3_column_int64(s, i));
				v = num;
			}
			bad |= (i > 0 && putc(',', out) == EOF) ||
			       print_report_csv_field(out, v) == -1;
		}
		bad |= fputs("\r\n", out) == EOF;
	}
	if (!bad && rc != SQLITE_DONE) {
		log_err("print report: %s", sqlite3_errmsg(h));
		bad = 1;
	}
	sqlite3_finalize(s);
	return bad ? -1 : 0;
}

static const char print_jobs_sql[] =
    "SELECT s.name, j.job_id, j.queue, j.site, j.device, j.user, j.title, "
    "j.pages, j.impressions, j.sheets, j.copies, j.k_octets, j.created, "
    "j.completed, j.state FROM print_jobs j JOIN cups_servers s ON "
    "s.id = j.server_id WHERE (?1 = '' OR j.site = ?1) AND "
    "(?2 = 0 OR coalesce(j.completed, j.created) >= ?2) AND "
    "(?3 = 0 OR coalesce(j.completed, j.created) < ?3) "
    "ORDER BY coalesce(j.completed, j.created) DESC, j.id DESC "
    "LIMIT CASE WHEN ?4 > 0 THEN ?4 ELSE -1 END";

static const struct print_col print_job_cols[] = {
    {"server", COL_TEXT}, {"job_id", COL_INT},    {"queue", COL_TEXT},
    {"site", COL_TEXT},   {"device", COL_TEXT},   {"user", COL_TEXT},
    {"title", COL_TEXT},  {"pages", COL_PAGES},   {"impressions", COL_INT},
    {"sheets", COL_INT},  {"copies", COL_INT},    {"k_octets", COL_INT},
    {"created", COL_INT}, {"completed", COL_INT}, {"state", COL_TEXT},
    {NULL, COL_INT}};

cJSON *
print_report_jobs(sqlite3 *h, const struct print_filter *f)
{
	sqlite3_stmt *s;
	cJSON *arr, *o;
	int i, rc;

	if ((s = print_prepare(h, print_jobs_sql, f)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 4, (sqlite3_int64)f->limit);
	if ((arr = cJSON_CreateArray()) == NULL)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((o = cJSON_CreateObject()) == NULL)
			goto fail;
		if (!cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			goto fail;
		}
		for (i = 0; print_job_cols[i].name != NULL; i++) {
			/* a title that was not stored is not in the answer */
			if (i == 6 && sqlite3_column_type(s, i) == SQLITE_NULL)
				continue;
			if (print_json_col(o, s, i, &print_job_cols[i]) == -1)
				goto fail;
		}
	}
	if (rc != SQLITE_DONE) {
		log_err("print report: %s", sqlite3_errmsg(h));
		goto fail;
	}
	sqlite3_finalize(s);
	return arr;

fail:
	sqlite3_finalize(s);
	cJSON_Delete(arr);
	return NULL;
}

/*
 * A read-only connection that has the CUPS tables; NULL with *missing set
 * when the file has none yet (CUPS polling off or not started).
 */
static sqlite3 *
print_open(const char *db_path, int *missing, char *err, size_t errsz)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *s;
	int n = 0;

	*missing = 0;
	if (sqlite3_open_v2(db_path, &h, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errsz, "cannot open %s: %s", db_path,
		         h != NULL ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, 5000);
	if (sqlite3_prepare_v2(h,
	                       "SELECT count(*) FROM sqlite_master WHERE "
	                       "name = 'print_jobs'",
	                       -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	if (n != 1) {
		snprintf(err, errsz,
		         "%s has no print accounting tables "
		         "(no [cups] server polled yet)",
		         db_path);
		*missing = 1;
		sqlite3_close(h);
		return NULL;
	}
	return h;
}

int
print_report_write(const char *db_path, const char *format, const char *table,
                   const struct print_filter *f, FILE *out, char *err,
                   size_t errsz)
{
	enum print_table t = PRINT_BY_USER;
	cJSON *o;
	char *text;
	sqlite3 *h;
	int rc = 0, missing;

	if (format == NULL)
		format = "json";
	if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0) {
		snprintf(err, errsz,
		         "format '%s': expected json or csv "
		         "(pdf arrives with the reports)",
		         format);
		return 2;
	}
	if (table != NULL && print_report_table(table, &t) == -1) {
		snprintf(err, errsz,
		         "table '%s': expected user, printer or "
		         "day",
		         table);
		return 2;
	}
	if ((h = print_open(db_path, &missing, err, errsz)) == NULL)
		return 1;
	if (strcmp(format, "csv") == 0) {
		if (print_report_csv(h, f, t, out) == -1) {
			snprintf(err, errsz, "cannot write the report");
			rc = 1;
		}
	} else if ((o = print_report_json(h, f)) == NULL ||
	           (text = cJSON_Print(o)) == NULL) {
		cJSON_Delete(o);
		snprintf(err, errsz, "cannot build the report");
		rc = 1;
	} else {
		if (fputs(text, out) == EOF || putc('\n', out) == EOF) {
			snprintf(err, errsz, "cannot write the report");
			rc = 1;
		}
		free(text);
		cJSON_Delete(o);
	}
	sqlite3_close(h);
	return rc;
}

cJSON *
print_report_api_jobs(const char *db_path, const char *site, const char *from,
                      const char *to, const char *limit, unsigned *status,
                      char *err, size_t errsz)
{
	struct print_filter f;
	cJSON *body = NULL, *jobs;
	sqlite3 *h;
	int missing;

	if (print_report_filter(&f, site, from, to, limit, err, errsz) == -1) {
		*status = 400;
		return NULL;
	}
	if ((h = print_open(db_path, &missing, err, errsz)) == NULL) {
		/* no CUPS polled yet: no jobs, not a failure */
		if (missing && (body = cJSON_CreateObject()) != NULL &&
		    cJSON_AddArrayToObject(body, "jobs") != NULL)
			return body;
		cJSON_Delete(body);
		*status = 500;
		return NULL;
	}
	if ((jobs = print_report_jobs(h, &f)) == NULL ||
	    (body = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(jobs);
		snprintf(err, errsz, "cannot read the print jobs");
		*status = 500;
	} else
		cJSON_AddItemToObject(body, "jobs", jobs);
	sqlite3_close(h);
	return body;
}

char *
print_report_api(const char *db_path, const char *format, const char *table,
                 const char *site, const char *from, const char *to,
                 size_t *len, const char **content_type, unsigned *status,
                 char *err, size_t errsz)
{
	struct print_filter f;
	char *text = NULL;
	FILE *m;
	int rc;

	if (print_report_filter(&f, site, from, to, NULL, err, errsz) == -1) {
		*status = 400;
		return NULL;
	}
	if ((m = open_memstream(&text, len)) == NULL) {
		snprintf(err, errsz, "out of memory");
		*status = 500;
		return NULL;
	}
	rc = print_report_write(db_path, format, table, &f, m, err, errsz);
	if (fclose(m) != 0 && rc == 0) {
		snprintf(err, errsz, "out of memory");
		rc = 1;
	}
	if (rc != 0) {
		free(text);
		*status = rc == 2 ? 400 : 500;
		return NULL;
	}
	*content_type = format != NULL && strcmp(format, "csv") == 0
	                    ? "text/csv; charset=utf-8"
	                    : "application/json";
	return text;
}

int
print_report_cli(const char *db_path, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"site", required_argument, NULL, 's'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"format", required_argument, NULL, 'F'},
	    {"table", required_argument, NULL, 'T'},
	    {NULL, 0, NULL, 0},
	};
	const char *site = NULL, *from = NULL, *to = NULL, *format = "json";
	const char *table = NULL, *outpath = NULL;
	struct print_filter f;
	char err[512];
	FILE *out = stdout;
	int ch, rc;

	optind = 0; /* GNU getopt: start over, argv[0] is the report name */
	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			site = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'F':
			format = optarg;
			break;
		case 'T':
			table = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if (print_report_filter(&f, site, from, to, NULL, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "pantauctl: %s\n", err);
		return 2;
	}
	if (outpath != NULL && (out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "pantauctl: %s: %s\n", outpath,
		        strerror(errno));
		return 1;
	}
	rc = print_report_write(db_path, format, table, &f, out, err,
	                        sizeof(err));
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		snprintf(err, sizeof(err), "%s: %s", outpath, strerror(errno));
		rc = 1;
	}
	if (rc != 0)
		fprintf(stderr, "pantauctl: %s\n", err);
	return rc;

usage:
	fprintf(stderr, "usage: pantauctl report print-volume [--site S] "
	                "[--from YYYY-MM-DD] [--to YYYY-MM-DD] "
	                "[--format json|csv] [--table user|printer|day] "
	                "[-o FILE]\n");
	return 2;
}
