/*
 * report.h: the reports for the secretary and the funders (issue 10,
 * docs/reports.md).
 *
 * A report is a list of tables; a table is columns, rows, an optional
 * grouping column (subtotals where its value changes) and totals.  Each
 * report (assets, print-volume, maintenance, availability, daily) is a
 * builder that fills the model from SQLite; three renderers write any
 * report as JSON (every table), CSV (one table, RFC 4180) or PDF (A4,
 * every table, headers, totals, page numbers, bar charts).  The numbers
 * are int64 everywhere: Rupiah, pages, minutes, basis points.
 */
#ifndef PANTAU_COLLECTOR_REPORT_H
#define PANTAU_COLLECTOR_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "collector/fmt_id.h"

/* How a column's value is stored and shown. */
enum report_kind {
	REPORT_TEXT,    /* text */
	REPORT_INT,     /* count: "12.345" */
	REPORT_IDR,     /* Rupiah: "Rp 12.345" */
	REPORT_PCT,     /* basis points: "99,50%" */
	REPORT_MINUTES, /* minutes: "12:34" */
	REPORT_DATE,    /* text "YYYY-MM-DD" or "YYYY-MM": "28 November 2026" */
};

/* Column flags. */
#define REPORT_SUM 0x1  /* totalled (numbers) */
#define REPORT_HIDE 0x2 /* in JSON and CSV only, not in the PDF table */

struct report_col {
	const char *key;      /* JSON key and CSV header */
	const char *label_id; /* PDF column heading */
	const char *label_en;
	enum report_kind kind;
	unsigned flags;
	unsigned width;       /* relative width in the PDF (0: 1) */
	const char *null_csv; /* a NULL value in CSV ("": empty) */
	/*
	 * A total that is a ratio of two other columns' totals: sum(num) /
	 * sum(den) (REPORT_PCT: * 10000), rounded; -1 none.
	 */
	int ratio_num, ratio_den;
};

struct report_cell {
	int null;
	int64_t i;
	char *s; /* text kinds */
};

struct report_table {
	const char *key; /* JSON key, CSV --table name */
	const char *title_id, *title_en;
	const struct report_col *cols;
	size_t ncols;
	int group_col;   /* subtotal when this column changes; -1 none */
	int chart_label; /* bar chart of chart_value by chart_label; -1 none */
	int chart_value;
	struct report_cell *cells; /* nrows * ncols */
	size_t nrows, cap;
	struct report_col *cols_owned; /* 'cols' when built at run time */
};

struct report {
	const char *name; /* "assets", "print-volume", ... */
	const char *title_id, *title_en;
	char site[64]; /* "" every site */
	int64_t from;  /* Unix seconds inclusive; 0 open */
	int64_t to;    /* exclusive; 0 open */
	int64_t now;   /* generation time; "to" of an open period */
	enum fmt_lang lang;
	int progress;                  /* show progress on stderr */
	const char *note_id, *note_en; /* a line under the header, or NULL */
	const char *csv_table; /* CSV without --table: this (NULL: first) */
	const char *data_dir;  /* for DATA/rrd/ (NULL: no RRD figures) */
	struct report_table *tables;
	size_t ntables;
};

enum report_format {
	REPORT_JSON,
	REPORT_CSV,
	REPORT_PDF,
};

/* What the caller asks for (pantauctl, the API, the monthly run). */
struct report_opts {
	const char *name;
	char site[64];
	int64_t from, to; /* 0 open */
	enum report_format format;
	enum fmt_lang lang;
	const char *table; /* CSV: which table (NULL: the first) */
	int bom;           /* CSV: UTF-8 byte order mark */
	int progress;
	int64_t now;          /* 0: time(NULL) */
	const char *data_dir; /* DATA (NULL: the directory of the database) */
};

/*
 * Fills 'o' from text arguments (each may be NULL): name, site id, from/to
 * ISO dates ("2026-11-01", local midnight; 'to' exclusive), format
 * json|csv|pdf (default json), lang id|en.  Returns 0, or -1 with a
 * message for the user in 'err'.
 */
int report_opts_parse(struct report_opts *o, const char *name, const char *site,
                      const char *from, const char *to, const char *format,
                      const char *lang, char *err, size_t errsz);

/* The names of the reports, NULL-terminated, for usage messages. */
extern const char *const report_names[];

/*
 * Builds report o->name over the database 'h' (read-only connection) and
 * writes it in o->format to 'out'.  Returns 0, 1 on a failure (message in
 * 'err'), 2 on a bad argument (unknown report or table).
 */
int report_write(sqlite3 *h, const struct report_opts *o, FILE *out, char *err,
                 size_t errsz);

/*
 * The same, opening 'db_path' read-only for the duration.
 */
int report_write_path(const char *db_path, const struct report_opts *o,
                      FILE *out, char *err, size_t errsz);

/*
 * `pantauctl report NAME [--site S] [--from D] [--to D]
 * [--format csv|pdf|json] [--lang id|en] [--table T] [--bom] [-o FILE]`:
 * argv[0] is "report", argv[1] the name, options follow (getopt_long;
 * optind is reset).  Progress on stderr when it is a terminal.  Returns
 * the exit status: 0 done, 1 failed, 2 usage error.
 */
int report_cli(const char *db_path, int argc, char **argv);

/*
 * GET /api/v1/reports/:name in one call: the arguments as received (each
 * may be NULL).  Returns the body (malloc'd) with its length and content
 * type (static), or NULL with *status (400, 404 unknown report, 500) and
 * a message in 'err'.
 */
char *report_api(const char *db_path, const char *name, const char *format,
                 const char *table, const char *site, const char *from,
                 const char *to, const char *lang, size_t *len,
                 const char **content_type, unsigned *status, char *err,
                 size_t errsz);

/*
 * The monthly run (issue 10): when the month before 'now' (local time)
 * has no DATA/reports/YYYY-MM/ yet, writes every report of that month for
 * every site together into it, as PDF and CSV, in 'lang'.  Reports whose
 * data does not exist (no print tables, no tickets yet) are skipped and
 * logged.  Returns the number of files written (0: nothing to do), or -1
 * (logged).  The directory appears only when complete (written under a
 * temporary name, then renamed), so a crash midway is retried.
 */
int report_monthly(const char *db_path, const char *data_dir, int64_t now,
                   enum fmt_lang lang, char *month_out, size_t month_sz);

/*
 * The collector's timer (main.c, once a second): from 5 minutes after the
 * start, at most once a minute, checks whether last month's reports exist, and
 * if not writes them with report_monthly() in a thread of their own, so the
 * event loop never waits for a PDF.  Cheap when there is nothing to do.
 */
void report_monthly_tick(const char *data_dir, int64_t now);

/*
 * Where report_monthly_tick() announces a finished month: one
 * "report.monthly" message (severity info, site "*") with the month's
 * files attached, submitted from the tick (the caller's thread), never
 * from the report thread.  'fn' is main.c's notify_submit() of the
 * moment; NULL turns it off.
 */
struct notify_msg;
typedef int (*report_notify_fn)(void *arg, const struct notify_msg *m);
void report_monthly_set_notify(report_notify_fn fn, void *arg);

/* ---- for the builders (report_*.c) ---- */

/* Adds a table to 'r' over the static columns; NULL when out of memory. */
struct report_table *report_add_table(struct report *r, const char *key,
                                      const char *title_id,
                                      const char *title_en,
                                      const struct report_col *cols,
                                      size_t ncols);

/* Appends an empty row (all NULL); NULL when out of memory. */
struct report_cell *report_add_row(struct report_table *t);

/* Sets a cell of a row from report_add_row; -1 when out of memory. */
int report_set_text(struct report_cell *row, size_t col, const char *s);
void report_set_int(struct report_cell *row, size_t col, int64_t v);

/*
 * Runs 'sql' with ?1 site ("" all), ?2 from, ?3 to (0 open) bound and
 * appends each result row: result column i is table column i (text kinds
 * read as text, the others as integers, NULL stays NULL).  Returns 0, or
 * -1 (logged, message in 'err').
 */
int report_fill_sql(struct report_table *t, sqlite3 *h, const char *sql,
                    const struct report *r, char *err, size_t errsz);

/* 1 when the database has table 'name'. */
int report_has_table(sqlite3 *h, const char *name);

/*
 * The total of column 'col' over rows [r0, r1): the sum, or for a ratio
 * column the ratio of the sums; *null when the column has no total or
 * every value was NULL.
 */
int64_t report_total(const struct report_table *t, size_t col, size_t r0,
                     size_t r1, int *null);

/* The cell of row 'row', column 'col'. */
const struct report_cell *report_cell(const struct report_table *t, size_t row,
                                      size_t col);

/* A cell as the PDF shows it, in the report's language. */
char *report_cell_text(const struct report *r, const struct report_col *c,
                       const struct report_cell *v, char *buf, size_t sz);

/*
 * The first piece of [lo, hi) inside one local month: that month as
 * "YYYY-MM" into 'month', and where the piece ends (the next month's
 * start, or 'hi').  Periods are split at local month bounds by calling it
 * until the piece ends at 'hi'.
 */
int64_t report_month_piece(int64_t lo, int64_t hi, char *month, size_t sz);

/* Localised text: 'id' or 'en' by r->lang. */
const char *report_tr(const struct report *r, const char *id, const char *en);

/* Progress on stderr ("\r" line) when r->progress; done == total ends it. */
void report_progress(const struct report *r, const char *what, size_t done,
                     size_t total);

/*
 * Adds the "by_regency" table: the report's per-site table summed per
 * regency from the sites table (report_rollup.c).  0, or -1 (message).
 */
int report_rollup(struct report *r, sqlite3 *h, char *err, size_t errsz);

/* Frees the tables of 'r' (not 'r'). */
void report_clear(struct report *r);

/* Renderers: 0, or -1 on a write error. */
int report_render_json(const struct report *r, FILE *out);
int report_render_csv(const struct report *r, const struct report_table *t,
                      int bom, FILE *out);
int report_render_pdf(const struct report *r, FILE *out);

/*
 * Releases what Pango keeps per thread after drawing (the font map and
 * its fonts); call before a thread that drew a PDF ends, or before exit.
 */
void report_pdf_release(void);

/* Builders: fill 'r' (name, site, period set); 0 or -1 (message). */
int report_build_assets(struct report *r, sqlite3 *h, char *err, size_t errsz);
int report_build_print(struct report *r, sqlite3 *h, char *err, size_t errsz);
int report_build_maintenance(struct report *r, sqlite3 *h, char *err,
                             size_t errsz);
int report_build_availability(struct report *r, sqlite3 *h, char *err,
                              size_t errsz);
int report_build_daily(struct report *r, sqlite3 *h, char *err, size_t errsz);

#endif
