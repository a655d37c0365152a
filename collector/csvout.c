/*
 * csvout.c: RFC 4180 CSV output (csvout.h).
 *
 * libcsv's csv_fwrite quotes every field; spreadsheets read that fine, but
 * a quoted number is text to some importers, so fields are quoted here
 * only when RFC 4180 requires it.
 */
#include "config.h"

#include <string.h>

#include "collector/csvout.h"

void
csvout_init(struct csvout *c, FILE *out, int bom)
{
	c->out = out;
	c->nfields = 0;
	c->err = 0;
	if (bom && fputs("\xef\xbb\xbf", out) == EOF)
		c->err = 1;
}

void
csvout_field(struct csvout *c, const char *s)
{
	const char *p;

	if (s == NULL)
		s = "";
	if (c->nfields++ > 0 && putc(',', c->out) == EOF)
		c->err = 1;
	if (s[strcspn(s, ",\"\r\n")] == '\0') {
		if (fputs(s, c->out) == EOF)
			c->err = 1;
		return;
	}
	if (putc('"', c->out) == EOF)
		c->err = 1;
	for (p = s; *p != '\0'; p++)
		if ((*p == '"' && putc('"', c->out) == EOF) ||
		    putc(*p, c->out) == EOF)
			c->err = 1;
	if (putc('"', c->out) == EOF)
		c->err = 1;
}

void
csvout_int(struct csvout *c, int64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	csvout_field(c, num);
}

void
csvout_eol(struct csvout *c)
{
	if (fputs("\r\n", c->out) == EOF)
		c->err = 1;
	c->nfields = 0;
}

int
csvout_status(const struct csvout *c)
{
	return c->err || ferror(c->out) ? -1 : 0;
}
