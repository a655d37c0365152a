/*
 * pm_json.c: preventive maintenance as JSON (pm_json.h).  Times are Unix
 * seconds, null when not known; counters are numbers.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/pm.h"
#include "collector/pm_json.h"
#include "common/timeutil.h"

int
pm_json_selected(const struct pm_item *it, int only)
{
	if (only == 2)
		return it->status == PM_OVERDUE;
	if (only == 1)
		return it->status == PM_DUE_SOON || it->status == PM_DUE ||
		       it->status == PM_OVERDUE;
	return 1;
}

static int
pm_json_time(cJSON *o, const char *key, int64_t v)
{
	if (v == 0)
		return cJSON_AddNullToObject(o, key) ? 0 : -1;
	return cJSON_AddNumberToObject(o, key, (double)v) ? 0 : -1;
}

static int
pm_json_num(cJSON *o, const char *key, int has, double v)
{
	if (!has)
		return cJSON_AddNullToObject(o, key) ? 0 : -1;
	return cJSON_AddNumberToObject(o, key, v) ? 0 : -1;
}

static cJSON *
pm_json_item(const struct pm_item *it)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddNumberToObject(o, "plan", (double)it->plan_id) == NULL ||
	    cJSON_AddStringToObject(o, "name", it->plan_name) == NULL ||
	    cJSON_AddStringToObject(o, "tag", it->tag) == NULL ||
	    cJSON_AddStringToObject(o, "site", it->site) == NULL ||
	    (it->device[0] ? cJSON_AddStringToObject(o, "device", it->device)
	                   : cJSON_AddNullToObject(o, "device")) == NULL ||
	    cJSON_AddStringToObject(o, "status", pm_status_name(it->status)) ==
	        NULL ||
	    pm_json_time(o, "base_at", it->base_at) == -1 ||
	    pm_json_time(o, "due_at", it->due_at) == -1 ||
	    pm_json_num(o, "counter", it->has_counter, it->counter) == -1 ||
	    pm_json_num(o, "base_counter", it->has_counter, it->base_counter) ==
	        -1 ||
	    pm_json_num(o, "due_counter", it->has_counter, it->due_counter) ==
	        -1 ||
	    pm_json_num(o, "rate_per_day", it->rate_per_day > 0,
	                it->rate_per_day) == -1 ||
	    pm_json_time(o, "forecast_at", it->forecast_at) == -1 ||
	    pm_json_time(o, "next_at", it->next_at) == -1 ||
	    pm_json_time(o, "ticket", it->ticket_id) == -1 ||
	    pm_json_time(o, "due_since", it->due_since) == -1) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *
pm_json_items(const struct pm_item *v, size_t n, int only)
{
	cJSON *doc, *arr, *o;
	size_t i, count = 0;

	if ((doc = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(doc, "items")) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if (!pm_json_selected(&v[i], only))
			continue;
		if ((o = pm_json_item(&v[i])) == NULL)
			goto fail;
		cJSON_AddItemToArray(arr, o);
		count++;
	}
	if (cJSON_AddNumberToObject(doc, "count", (double)count) == NULL)
		goto fail;
	return doc;
fail:
	cJSON_Delete(doc);
	return NULL;
}

cJSON *
pm_json_plan(const struct pm_plan *p)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddNumberToObject(o, "id", (double)p->id) == NULL ||
	    cJSON_AddStringToObject(o, "name", p->name) == NULL ||
	    cJSON_AddStringToObject(o, p->target_kind, p->target) == NULL ||
	    pm_json_num(o, "every_days", p->every_days != 0, p->every_days) ==
	        -1 ||
	    pm_json_num(o, "every_months", p->every_months != 0,
	                p->every_months) == -1 ||
	    (p->counter_metric[0]
	         ? cJSON_AddStringToObject(o, "counter", p->counter_metric)
	         : cJSON_AddNullToObject(o, "counter")) == NULL ||
	    pm_json_num(o, "count", p->counter_metric[0] != '\0',
	                p->counter_every) == -1 ||
	    cJSON_AddNumberToObject(o, "lead_days", p->lead_days) == NULL ||
	    pm_json_time(o, "start_at", p->start_at) == -1 ||
	    pm_json_time(o, "created_at", p->created_at) == -1) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* An optional whole number in [0, max]; 0 absent, 1 set, -1 bad. */
static int
pm_json_get_uint(const cJSON *o, const char *key, double max, unsigned *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > max ||
	    v->valuedouble != floor(v->valuedouble))
		return -1;
	*out = (unsigned)v->valuedouble;
	return 1;
}

int
pm_json_parse_plan(const cJSON *o, struct pm_plan *p, char *err, size_t errsz)
{
	static const char *const kinds[] = {"asset", "type", "model"};
	const cJSON *v;
	const char *s;
	size_t i;

	memset(p, 0, sizeof *p);
	p->lead_days = 7;
	if (!cJSON_IsObject(o)) {
		snprintf(err, errsz, "expected a JSON object");
		return -1;
	}
	if ((s = cJSON_GetStringValue(
	         cJSON_GetObjectItemCaseSensitive(o, "name"))) == NULL ||
	    strlen(s) > PM_NAME_MAX) {
		snprintf(err, errsz, "name: a string of 1 to %d bytes",
		         PM_NAME_MAX);
		return -1;
	}
	snprintf(p->name, sizeof p->name, "%s", s);
	for (i = 0; i < 3; i++) {
		v = cJSON_GetObjectItemCaseSensitive(o, kinds[i]);
		if (v == NULL)
			continue;
		if ((s = cJSON_GetStringValue(v)) == NULL ||
		    strlen(s) >= sizeof p->target || p->target_kind[0]) {
			snprintf(err, errsz,
			         "one of asset, type or model, as a string");
			return -1;
		}
		snprintf(p->target_kind, sizeof p->target_kind, "%s", kinds[i]);
		snprintf(p->target, sizeof p->target, "%s", s);
	}
	if (pm_json_get_uint(o, "every_days", 1e5, &p->every_days) == -1 ||
	    pm_json_get_uint(o, "every_months", 1e5, &p->every_months) == -1 ||
	    pm_json_get_uint(o, "lead_days", 1e5, &p->lead_days) == -1) {
		snprintf(err, errsz,
		         "every_days, every_months, lead_days: whole numbers");
		return -1;
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "counter");
	if (v != NULL && !cJSON_IsNull(v)) {
		if ((s = cJSON_GetStringValue(v)) == NULL ||
		    strlen(s) >= sizeof p->counter_metric) {
			snprintf(err, errsz, "counter: a metric name");
			return -1;
		}
		snprintf(p->counter_metric, sizeof p->counter_metric, "%s", s);
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "count");
	if (v != NULL && !cJSON_IsNull(v)) {
		if (!cJSON_IsNumber(v) || !(v->valuedouble > 0) ||
		    !isfinite(v->valuedouble)) {
			snprintf(err, errsz, "count: a positive number");
			return -1;
		}
		p->counter_every = v->valuedouble;
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "start");
	if (v != NULL && !cJSON_IsNull(v) &&
	    ((s = cJSON_GetStringValue(v)) == NULL || strlen(s) != 10 ||
	     time_parse_iso(s, &p->start_at) == -1)) {
		snprintf(err, errsz, "start: a date YYYY-MM-DD");
		return -1;
	}
	return pm_plan_check(p, err, errsz);
}
