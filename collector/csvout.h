/*
 * csvout.h: an RFC 4180 CSV writer for the reports (issue 10).
 *
 * UTF-8, comma separated, CRLF line ends, a field quoted only when it
 * holds a comma, a quote, CR or LF (quotes doubled inside).  Optionally a
 * UTF-8 byte order mark first: Excel needs it to read UTF-8 instead of the
 * ANSI code page; LibreOffice and Python's csv module (encoding
 * "utf-8-sig") accept it.  A field that starts with = + - @ is written as
 * it is (numbers are negative): the reports hold no formulas, and the
 * text fields they carry come from the administrator's own inventory.
 */
#ifndef PANTAU_COLLECTOR_CSVOUT_H
#define PANTAU_COLLECTOR_CSVOUT_H

#include <stdint.h>
#include <stdio.h>

struct csvout {
	FILE *out;
	int nfields; /* fields written on the current line */
	int err;     /* a write failed */
};

/* Starts writing to 'out'; with 'bom' writes the byte order mark. */
void csvout_init(struct csvout *c, FILE *out, int bom);

/* One text field (NULL is empty). */
void csvout_field(struct csvout *c, const char *s);

/* One integer field. */
void csvout_int(struct csvout *c, int64_t v);

/* Ends the line (CRLF). */
void csvout_eol(struct csvout *c);

/* 0 if every write succeeded, else -1. */
int csvout_status(const struct csvout *c);

#endif
