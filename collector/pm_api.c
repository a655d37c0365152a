/*
 * pm_api.c: /api/v1/pm (docs/api.md, docs/pm.md).
 *
 *   GET  /api/v1/pm?due=1|overdue=1&site=S   plans and where each asset
 *                                            stands (as "pm list")
 *   POST /api/v1/pm                          a new plan
 *   POST /api/v1/pm/PLAN/done                {"tag": ...} optional: done
 *
 * The list is computed without acting (pm_evaluate with act 0), on the
 * HTTP thread's read-only connection; the collector's timer does the
 * rest.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/api.h"
#include "collector/audit.h"
#include "collector/pm.h"
#include "collector/pm_json.h"
#include "common/conf.h"
#include "common/names.h"
#include "common/timeutil.h"

int
api_pm_list(struct http_req *req)
{
	const char *due = http_req_arg(req, "due");
	const char *overdue = http_req_arg(req, "overdue");
	const char *site = http_req_arg(req, "site");
	struct db *db = http_req_db(req);
	struct pm_plan *plans = NULL;
	struct pm_item *items = NULL;
	size_t nplans = 0, nitems = 0, i, k = 0;
	cJSON *doc = NULL, *arr, *o;
	int only = 0;

	if (overdue != NULL && strcmp(overdue, "1") == 0)
		only = 2;
	else if (due != NULL && strcmp(due, "1") == 0)
		only = 1;
	if (site != NULL && !name_id_valid(site))
		return http_reply_error(req, 400,
		                        "bad site: expected a site id");
	if (pm_plans_load(db, &plans, &nplans) == -1 ||
	    pm_evaluate(db, time_now(), 0, &items, &nitems) == -1) {
		free(plans);
		return http_reply_error(req, 500, "database error");
	}
	for (i = 0; i < nitems; i++)
		if (site == NULL || strcmp(items[i].site, site) == 0)
			items[k++] = items[i];
	if ((doc = pm_json_items(items, k, only)) == NULL ||
	    (arr = cJSON_AddArrayToObject(doc, "plans")) == NULL)
		goto fail;
	for (i = 0; i < nplans; i++) {
		if ((o = pm_json_plan(&plans[i])) == NULL)
			goto fail;
		cJSON_AddItemToArray(arr, o);
	}
	free(plans);
	free(items);
	return http_reply_json(req, 200, doc);
fail:
	free(plans);
	free(items);
	cJSON_Delete(doc);
	return http_reply_error(req, 500, "out of memory");
}

/* The body as a JSON object, or NULL (none, or not an object). */
static cJSON *
pm_api_body(struct http_req *req)
{
	size_t len;
	const char *body = http_req_body(req, &len);
	cJSON *o = body != NULL ? cJSON_ParseWithLength(body, len) : NULL;

	if (o != NULL && !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		o = NULL;
	}
	return o;
}

int
api_pm_create(struct http_req *req)
{
	struct db *db = http_req_db_rw(req);
	const char *actor = http_req_user(req);
	struct pm_plan p;
	char err[256];
	size_t len;
	cJSON *o;
	int rc;

	if (db == NULL)
		return http_reply_error(req, 500, "database unavailable");
	if ((o = pm_api_body(req)) == NULL)
		return http_reply_error(req, 400, "expected a JSON object");
	rc = pm_json_parse_plan(o, &p, err, sizeof err);
	cJSON_Delete(o);
	if (rc == -1)
		return http_reply_error(req, 400, err);
	if (pm_plan_add(db, &p, time_now()) == -1)
		return http_reply_error(req, 500, "database error");
	snprintf(err, sizeof err, "pm/%lld", (long long)p.id);
	audit_log(db, actor != NULL ? actor : "system", "pm.create", err,
	          http_req_body(req, &len), time_now());
	return http_reply_json(req, 201, pm_json_plan(&p));
}

int
api_pm_done(struct http_req *req)
{
	struct db *db = http_req_db_rw(req);
	const char *plan_s = http_req_param(req, 0), *tag = NULL;
	const char *actor = http_req_user(req);
	char err[256], what[128];
	cJSON *o;
	long plan;
	int rc;

	if (db == NULL)
		return http_reply_error(req, 500, "database unavailable");
	if (plan_s == NULL || conf_parse_long(plan_s, &plan) == -1 || plan < 1)
		return http_reply_error(req, 404, "no such plan");
	o = pm_api_body(req);
	if (o != NULL)
		tag = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(o, "tag"));
	snprintf(what, sizeof what, "%s", tag != NULL ? tag : "");
	rc = pm_done(db, plan, tag, actor != NULL ? actor : "api", time_now(),
	             err, sizeof err);
	cJSON_Delete(o);
	if (rc == 1)
		return http_reply_error(req, 404, err);
	if (rc == -1)
		return http_reply_error(req, 500, "database error");
	snprintf(err, sizeof err, "pm/%ld", plan);
	audit_log(db, actor != NULL ? actor : "system", "pm.done", err, what,
	          time_now());
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddNumberToObject(o, "plan", (double)plan) == NULL ||
	    cJSON_AddStringToObject(o, "result", "re-armed") == NULL) {
		cJSON_Delete(o);
		return http_reply_error(req, 500, "out of memory");
	}
	return http_reply_json(req, 200, o);
}
