/*
 * print_report.h: print volume from the CUPS tables (issue 6, DESIGN.md 8-9).
 *
 * Three tables, per printer, per user and per month, read from what
 * cups_store.c stored:
 *   user     month, printer (site/device, or server/queue when the queue
 *            maps to no device), user: jobs, pages, sheets, unknown jobs;
 *   printer  month, printer: the same, beside the printer's own counter
 *            (printer.pages.total over SNMP) and the difference;
 *   day      the reconciliation per printer per day: CUPS pages against the
 *            device's meter, and the difference (copies made at the
 *            machine, jams, jobs printed around CUPS).
 * Pages a raw queue cannot count are "unknown": a group whose jobs are all
 * unknown shows pages null (JSON) / "unknown" (CSV), never 0, and every
 * row says how many of its jobs were unknown.  Months and days are in the
 * collector's local time zone, by the time a job completed.
 *
 * Wiring: `/api/v1/print-jobs` is print_report_api_jobs(); `/api/v1/reports/
 * print-volume` and `pantauctl report print-volume` are
 * print_report_write().  All read through their own read-only connection.
 */
#ifndef PANTAU_COLLECTOR_PRINT_REPORT_H
#define PANTAU_COLLECTOR_PRINT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

struct cJSON;

/* What to include.  Zeroed: everything. */
struct print_filter {
	char site[64]; /* "" all sites */
	int64_t from;  /* Unix seconds, inclusive; 0 open */
	int64_t to;    /* exclusive; 0 open */
	size_t limit;  /* rows of the job list; 0 no limit */
};

/*
 * Fills *f from the API's or pantauctl's text arguments (any may be
 * NULL): site an id, from/to ISO dates ("2026-11-01", local midnight) or
 * date-times (UTC, common/timeutil.h), limit 1..100000.  Returns 0, or -1
 * with a message for the user in 'err'.
 */
int print_report_filter(struct print_filter *f, const char *site,
                        const char *from, const char *to, const char *limit,
                        char *err, size_t errsz);

enum print_table {
	PRINT_BY_USER = 0,
	PRINT_BY_PRINTER,
	PRINT_BY_DAY,
	PRINT_NTABLES
};

/* "user", "printer", "day"; -1 for anything else. */
int print_report_table(const char *s, enum print_table *out);

/*
 * The query of table 't' (?1 site "" all, ?2 from, ?3 to, 0 open), whose
 * result columns are the CSV columns of that table in order: the reports
 * framework (collector/report_print.c) renders it as PDF too.
 */
const char *print_report_sql(enum print_table t);

/*
 * The jobs matching 'f', newest first: a JSON array of objects (server,
 * job_id, queue, site, device, user, title (only if stored), pages (null:
 * unknown), impressions, sheets, copies, k_octets, created, completed,
 * state).  Returns a cJSON the caller deletes, or NULL (logged).
 */
struct cJSON *print_report_jobs(sqlite3 *h, const struct print_filter *f);

/*
 * The print-volume report as one JSON object: {"report", "from", "to",
 * "site", "by_user": [...], "by_printer": [...], "by_day": [...]}.
 * Caller deletes; NULL on failure (logged).
 */
struct cJSON *print_report_json(sqlite3 *h, const struct print_filter *f);

/*
 * One table as CSV (RFC 4180: header row, CRLF line ends, fields with
 * comma, quote or line break quoted, quotes doubled) to 'out'.  Returns 0,
 * or -1 on a database or write error.
 */
int print_report_csv(sqlite3 *h, const struct print_filter *f,
                     enum print_table t, FILE *out);

/* Writes one CSV field (quoted when needed), without separator. */
int print_report_csv_field(FILE *out, const char *s);

/*
 * The whole wiring of pantauctl and /api/v1/reports/print-volume in one
 * call: opens 'db_path' read-only, writes format "json" (the report
 * object) or "csv" (table 'table', default "user") to 'out'.  Returns 0,
 * 1 on a failure (message in 'err'), 2 on a bad argument.
 */
int print_report_write(const char *db_path, const char *format,
                       const char *table, const struct print_filter *f,
                       FILE *out, char *err, size_t errsz);

/*
 * /api/v1/print-jobs in one call: the arguments as the API received them
 * (each may be NULL).  Returns the JSON body {"jobs": [...]} (caller
 * deletes), or NULL with *status (400 bad argument, 500 failure) and a
 * message in 'err'.
 */
struct cJSON *print_report_api_jobs(const char *db_path, const char *site,
                                    const char *from, const char *to,
                                    const char *limit, unsigned *status,
                                    char *err, size_t errsz);

/*
 * /api/v1/reports/print-volume in one call: the query arguments as
 * received (each may be NULL; format defaults to json, table to user).
 * Returns the body (malloc'd, caller frees) with its length and content
 * type ("application/json" or "text/csv; charset=utf-8", static), or NULL
 * with *status 400 (bad argument) or 500 and a message in 'err'.
 */
char *print_report_api(const char *db_path, const char *format,
                       const char *table, const char *site, const char *from,
                       const char *to, size_t *len, const char **content_type,
                       unsigned *status, char *err, size_t errsz);

/*
 * `pantauctl report print-volume [--site S] [--from D] [--to D]
 * [--format json|csv] [--table user|printer|day] [-o FILE]` in one call:
 * argv[0] is the report name, options follow (getopt_long; optind is
 * reset).  Writes to FILE or stdout, messages to stderr.  Returns the exit
 * status: 0 done, 1 failed, 2 usage error.
 */
int print_report_cli(const char *db_path, int argc, char **argv);

#endif
