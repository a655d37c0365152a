/*
 * asset_csv.h: the asset register as CSV (DESIGN.md section 9,
 * docs/assets.md): import with validation of every row, export in
 * RFC 4180.
 */
#ifndef PANTAU_COLLECTOR_ASSET_CSV_H
#define PANTAU_COLLECTOR_ASSET_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct asset;
struct db;

/* At most this many problems are listed; the rest are counted. */
#define ASSET_CSV_ERRORS_MAX 100

/* Problems found in a file, "row N, column X: problem" each. */
struct asset_csv_errors {
	char *msg[ASSET_CSV_ERRORS_MAX];
	size_t n;    /* listed */
	size_t more; /* found beyond the list */
};

void asset_csv_errors_clear(struct asset_csv_errors *e);

/*
 * Parses and checks the CSV text 'buf' (UTF-8, a BOM tolerated; the header
 * row names the columns, Indonesian aliases accepted).  Row numbers count
 * records as a spreadsheet shows them: the header is row 1.  Returns 0
 * with *rows (malloc'd, the caller frees) and *n when every row is valid;
 * -1 with the problems in 'errs' (and nothing in *rows) otherwise.
 */
int asset_csv_parse(const char *buf, size_t len, struct asset **rows, size_t *n,
                    struct asset_csv_errors *errs);

/*
 * Reads 'path', checks it all, and stores every row in one savepoint: all
 * or nothing.  Returns 0 with the counts, -1 with the problems in 'errs'
 * (a file that cannot be read, or bad rows), or -2 on a database error
 * (logged; nothing stored).
 */
int asset_csv_import(struct db *db, const char *path, const char *actor,
                     int64_t now, size_t *created, size_t *updated,
                     struct asset_csv_errors *errs);

/*
 * Writes the assets as CSV (header with the English column names, CRLF
 * line ends, fields quoted when they need it).  Returns 0, or -1 on a
 * write error.
 */
int asset_csv_write(FILE *f, const struct asset *v, size_t n);

/*
 * Checks 'value' for the canonical column 'column' ("tag", "price_idr",
 * ...; the API's field names) with the rules of the import, and stores it
 * in *a.  "" means absent (an error for a required column).  Returns 0,
 * or -1 with the problem in err ("'x' is not a year").
 */
int asset_csv_field(struct asset *a, const char *column, const char *value,
                    char *err, size_t errsz);

/* The i-th canonical column name (export order), NULL past the end. */
const char *asset_csv_column(size_t i);

#endif
