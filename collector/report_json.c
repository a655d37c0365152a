/*
 * report_json.c: a report as one JSON object (report.h).
 *
 *   {"report": NAME, "from": ISO|null, "to": ISO|null, "site": S|null,
 *    "generated": ISO, "TABLE": [{COL: value, ...}, ...], ...,
 *    "totals": {"TABLE": {COL: total, ...}, ...}}
 *
 * Values are what CSV holds: integers (Rupiah, minutes, basis points) and
 * texts, NULL as null; no formatting, so scripts need no parsing of
 * "Rp 12.345".  Only columns with a total appear under "totals".
 */
#include "config.h"

#include <stdlib.h>

#include <cjson/cJSON.h>

#include "collector/report.h"
#include "common/timeutil.h"

static int
report_json_time(cJSON *o, const char *key, int64_t t)
{
	char buf[32];

	if (t == 0)
		return cJSON_AddNullToObject(o, key) != NULL ? 0 : -1;
	return cJSON_AddStringToObject(
	           o, key, time_format_iso(t, buf, sizeof(buf))) != NULL
	           ? 0
	           : -1;
}

static cJSON *
report_json_value(const struct report_col *c, const struct report_cell *v)
{
	if (v->null)
		return cJSON_CreateNull();
	if (c->kind == REPORT_TEXT || c->kind == REPORT_DATE)
		return cJSON_CreateString(v->s);
	return cJSON_CreateNumber((double)v->i);
}

static int
report_json_table(cJSON *root, cJSON *totals, const struct report_table *t)
{
	cJSON *arr, *o, *v, *tot;
	size_t i, j;
	int64_t sum;
	int null;

	if ((arr = cJSON_AddArrayToObject(root, t->key)) == NULL)
		return -1;
	for (i = 0; i < t->nrows; i++) {
		if ((o = cJSON_CreateObject()) == NULL)
			return -1;
		if (!cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			return -1;
		}
		for (j = 0; j < t->ncols; j++) {
			v = report_json_value(&t->cols[j],
			                      report_cell(t, i, j));
			if (v == NULL ||
			    !cJSON_AddItemToObject(o, t->cols[j].key, v)) {
				cJSON_Delete(v);
				return -1;
			}
		}
	}
	if ((tot = cJSON_AddObjectToObject(totals, t->key)) == NULL)
		return -1;
	for (j = 0; j < t->ncols; j++) {
		if (!(t->cols[j].flags & REPORT_SUM))
			continue;
		sum = report_total(t, j, 0, t->nrows, &null);
		if ((null ? cJSON_AddNullToObject(tot, t->cols[j].key)
		          : cJSON_AddNumberToObject(tot, t->cols[j].key,
		                                    (double)sum)) == NULL)
			return -1;
	}
	return 0;
}

int
report_render_json(const struct report *r, FILE *out)
{
	cJSON *root, *totals;
	char *text = NULL;
	size_t i;
	int rc = -1;

	if ((root = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(root, "report", r->name) == NULL ||
	    report_json_time(root, "from", r->from) == -1 ||
	    report_json_time(root, "to", r->to) == -1 ||
	    (r->site[0] != '\0'
	         ? cJSON_AddStringToObject(root, "site", r->site)
	         : cJSON_AddNullToObject(root, "site")) == NULL ||
	    report_json_time(root, "generated", r->now) == -1 ||
	    (totals = cJSON_CreateObject()) == NULL)
		goto done;
	for (i = 0; i < r->ntables; i++)
		if (report_json_table(root, totals, &r->tables[i]) == -1) {
			cJSON_Delete(totals);
			goto done;
		}
	cJSON_AddItemToObject(root, "totals", totals);
	if ((text = cJSON_Print(root)) == NULL)
		goto done;
	if (fputs(text, out) != EOF && putc('\n', out) != EOF)
		rc = 0;

done:
	free(text);
	cJSON_Delete(root);
	return rc;
}
