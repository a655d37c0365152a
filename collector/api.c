/*
 * api.c: the JSON API under /api/v1/ (docs/api.md).
 *
 * Handlers turn database reads into cJSON documents.  Everything that
 * comes from the request (path parts, query arguments) is checked with
 * common/names.h or a typed parser before use and only ever reaches SQLite
 * as a bound value.  A malformed name in the path is a 404 (there is no
 * such resource); a malformed query argument is a 400.
 *
 * Times are Unix seconds (UTC); a time not known yet is null.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/api.h"
#include "collector/print_report.h"
#include "collector/db.h"
#include "common/conf.h"
#include "common/names.h"

#define API_LIMIT_MAX 100000

/* Adds 'v' as a number, or null when it is 0 (not known). */
static int
api_add_time(cJSON *o, const char *key, int64_t v)
{
	if (v == 0)
		return cJSON_AddNullToObject(o, key) ? 0 : -1;
	return cJSON_AddNumberToObject(o, key, (double)v) ? 0 : -1;
}

/* The fields every device listing shows. */
static cJSON *
api_device_summary(const struct db_device *d)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddStringToObject(o, "site", d->site) == NULL ||
	    cJSON_AddStringToObject(o, "device", d->device) == NULL ||
	    (d->has_type
	         ? cJSON_AddStringToObject(o, "type", wire_type_name(d->type))
	         : cJSON_AddNullToObject(o, "type")) == NULL ||
	    cJSON_AddStringToObject(o, "state", dev_state_name(d->state)) ==
	        NULL ||
	    api_add_time(o, "state_since", d->state_since) == -1 ||
	    api_add_time(o, "last_seen", d->last_seen) == -1 ||
	    cJSON_AddNumberToObject(o, "interval", d->interval) == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int
api_devices_list(struct http_req *req)
{
	const char *site = http_req_arg(req, "site");
	const char *limit_s = http_req_arg(req, "limit");
	struct db_device *devs;
	cJSON *doc, *arr, *o;
	size_t n, i;
	long limit = 0;

	if (site != NULL && !name_id_valid(site))
		return http_reply_error(req, 400,
		                        "bad site: expected a site id");
	if (limit_s != NULL && (conf_parse_long(limit_s, &limit) == -1 ||
	                        limit < 1 || limit > API_LIMIT_MAX))
		return http_reply_error(req, 400,
		                        "bad limit: expected 1 to 100000");
	if (db_devices_query(http_req_db(req), site, (size_t)limit, &devs,
	                     &n) == -1)
		return http_reply_error(req, 500, "database error");
	if ((doc = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(doc, "devices")) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((o = api_device_summary(&devs[i])) == NULL)
			goto fail;
		cJSON_AddItemToArray(arr, o);
	}
	if (cJSON_AddNumberToObject(doc, "count", (double)n) == NULL)
		goto fail;
	free(devs);
	return http_reply_json(req, 200, doc);

fail:
	free(devs);
	cJSON_Delete(doc);
	return http_reply_error(req, 500, "out of memory");
}

/* {"gauges": {name: {"value": v, "ts": t}}, "counters": {...}} into 'o'. */
static int
api_add_latest(cJSON *o, const struct db_value *vals, size_t n)
{
	cJSON *gauges, *counters, *v;

	if ((gauges = cJSON_AddObjectToObject(o, "gauges")) == NULL ||
	    (counters = cJSON_AddObjectToObject(o, "counters")) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if ((v = cJSON_CreateObject()) == NULL)
			return -1;
		cJSON_AddItemToObject(vals[i].counter ? counters : gauges,
		                      vals[i].name, v);
		if (cJSON_AddNumberToObject(v, "value", vals[i].value) ==
		        NULL ||
		    cJSON_AddNumberToObject(v, "ts", (double)vals[i].ts) ==
		        NULL)
			return -1;
	}
	return 0;
}

/*
 * The stored inventory, re-parsed so it is embedded as an object; null
 * when none was received (or, impossibly, it no longer parses).
 */
static int
api_add_inventory(cJSON *o, const char *json, int64_t ts)
{
	cJSON *inv = json ? cJSON_Parse(json) : NULL;

	if (inv == NULL)
		return cJSON_AddNullToObject(o, "inventory") &&
		               cJSON_AddNullToObject(o, "inventory_ts")
		           ? 0
		           : -1;
	cJSON_AddItemToObject(o, "inventory", inv);
	return api_add_time(o, "inventory_ts", ts);
}

int
api_device_show(struct http_req *req)
{
	const char *site = http_req_param(req, 0);
	const char *device = http_req_param(req, 1);
	struct db *db = http_req_db(req);
	struct db_device d;
	struct db_value *vals = NULL;
	size_t nvals = 0;
	char *inv = NULL;
	int64_t inv_ts;
	cJSON *o = NULL;
	int found;

	if (site == NULL || device == NULL || !name_id_valid(site) ||
	    !name_id_valid(device))
		return http_reply_error(req, 404, "no such device");
	if (db_device_get(db, site, device, &d, &found) == -1)
		return http_reply_error(req, 500, "database error");
	if (!found)
		return http_reply_error(req, 404, "no such device");
	if (db_latest_load(db, site, device, &vals, &nvals) == -1 ||
	    db_inventory_load(db, site, device, &inv, &inv_ts) == -1) {
		free(vals);
		return http_reply_error(req, 500, "database error");
	}
	if ((o = api_device_summary(&d)) == NULL ||
	    api_add_time(o, "first_seen", d.first_seen) == -1 ||
	    api_add_time(o, "last_received", d.last_received) == -1 ||
	    cJSON_AddNumberToObject(o, "last_seq", (double)d.last_seq) ==
	        NULL ||
	    api_add_latest(o, vals, nvals) == -1 ||
	    api_add_inventory(o, inv, inv_ts) == -1) {
		cJSON_Delete(o);
		o = NULL;
	}
	free(vals);
	free(inv);
	if (o == NULL)
		return http_reply_error(req, 500, "out of memory");
	return http_reply_json(req, 200, o);
}

/* GET /api/v1/print-jobs?site=&from=&to=&limit= (docs/printing.md) */
int
api_print_jobs(struct http_req *req)
{
	unsigned status = 500;
	char err[256];
	cJSON *body;

	body = print_report_api_jobs(
	    http_req_db_path(req), http_req_arg(req, "site"),
	    http_req_arg(req, "from"), http_req_arg(req, "to"),
	    http_req_arg(req, "limit"), &status, err, sizeof(err));
	if (body == NULL)
		return http_reply_error(req, status, err);
	return http_reply_json(req, 200, body);
}
