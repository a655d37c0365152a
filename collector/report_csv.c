/*
 * report_csv.c: one table of a report as CSV (report.h, csvout.h).
 *
 * A header row of the column keys (stable, the same in every language, so
 * a spreadsheet or script written once keeps working), then one line per
 * row with the raw values: integers without grouping (Rupiah, pages,
 * minutes, basis points), dates as ISO text, NULL as the column's null
 * text.  No total lines: a spreadsheet sums the columns itself, and a
 * file that is all data reads back without special cases.
 */
#include "config.h"

#include "collector/csvout.h"
#include "collector/report.h"

int
report_render_csv(const struct report *r, const struct report_table *t, int bom,
                  FILE *out)
{
	const struct report_cell *v;
	struct csvout c;
	size_t i, j;

	(void)r;
	csvout_init(&c, out, bom);
	for (j = 0; j < t->ncols; j++)
		csvout_field(&c, t->cols[j].key);
	csvout_eol(&c);
	for (i = 0; i < t->nrows && csvout_status(&c) == 0; i++) {
		for (j = 0; j < t->ncols; j++) {
			v = report_cell(t, i, j);
			if (v->null)
				csvout_field(&c, t->cols[j].null_csv);
			else if (t->cols[j].kind == REPORT_TEXT ||
			         t->cols[j].kind == REPORT_DATE)
				csvout_field(&c, v->s);
			else
				csvout_int(&c, v->i);
		}
		csvout_eol(&c);
	}
	return csvout_status(&c);
}
