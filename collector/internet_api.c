/*
 * internet_api.c: GET /api/v1/internet (internet.h, docs/api.md,
 * docs/internet.md): the internet link of every site, or of ?site=, with
 * its recent outages.
 *
 *   {"sites": [{"site": "asriloka", "state": "down", "since": 1764...,
 *               "reasons": ["cut"], "last_seen": 1764..., "step": 60,
 *               "current": true,
 *               "isp": {"name": "Telkom IndiHome", "contract": "...",
 *                       "until": "2027-12-31", "asset": "NET-01"},
 *               "outages": [{"state": "down", "start": ..., "end": ...,
 *                            "duration_min": 17, "reasons": ["cut"]}]}]}
 *
 * "current" is false when the last round is older than two steps: the
 * state is then the last one known, not the present (no agent reports).
 * Outages are the newest first, at most ?limit= (default 20) per site;
 * the open one has "end": null and its duration so far.  As in the
 * report, degraded periods shorter than 5 minutes are not listed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "collector/api.h"
#include "collector/db.h"
#include "collector/internet.h"
#include "common/names.h"
#include "common/timeutil.h"

static const char inet_api_sites_sql[] =
    "SELECT site, state, since, reasons, last_seen, step FROM "
    "internet_state WHERE until IS NULL AND (?1 IS NULL OR site = ?1) "
    "ORDER BY site";

static const char inet_api_outages_sql[] =
    "SELECT state, since, until, coalesce(until, last_seen + step), "
    "reasons FROM internet_state WHERE site = ?1 AND (state = 'down' OR "
    "(state = 'degraded' AND coalesce(until, last_seen + step) - since >= "
    "300)) ORDER BY since DESC LIMIT ?2";

/* "loss,cut" as ["loss", "cut"]; NULL when out of memory. */
static cJSON *
inet_api_reasons(const char *s)
{
	cJSON *a;
	char buf[64], *p, *save = NULL;

	if ((a = cJSON_CreateArray()) == NULL)
		return NULL;
	snprintf(buf, sizeof buf, "%s", s != NULL ? s : "");
	for (p = strtok_r(buf, ",", &save); p != NULL;
	     p = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(a, cJSON_CreateString(p));
	return a;
}

static int
inet_api_outages(sqlite3 *h, cJSON *o, const char *site, long limit)
{
	sqlite3_stmt *st;
	cJSON *list, *x;
	int rc;

	if ((list = cJSON_AddArrayToObject(o, "outages")) == NULL)
		return -1;
	if (sqlite3_prepare_v2(h, inet_api_outages_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((x = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddItemToArray(list, x);
		cJSON_AddStringToObject(
		    x, "state", (const char *)sqlite3_column_text(st, 0));
		cJSON_AddNumberToObject(x, "start",
		                        (double)sqlite3_column_int64(st, 1));
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			cJSON_AddNullToObject(x, "end");
		else
			cJSON_AddNumberToObject(
			    x, "end", (double)sqlite3_column_int64(st, 2));
		cJSON_AddNumberToObject(
		    x, "duration_min",
		    (double)((sqlite3_column_int64(st, 3) -
		              sqlite3_column_int64(st, 1) + 30) /
		             60));
		cJSON_AddItemToObject(
		    x, "reasons",
		    inet_api_reasons((const char *)sqlite3_column_text(st, 4)));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
inet_api_isp(struct db *db, cJSON *o, const char *site)
{
	struct internet_isp isp;
	cJSON *x;

	if (internet_isp_find(db, site, &isp) != 1) {
		cJSON_AddNullToObject(o, "isp");
		return;
	}
	if ((x = cJSON_AddObjectToObject(o, "isp")) == NULL)
		return;
	cJSON_AddStringToObject(x, "name", isp.isp);
	cJSON_AddStringToObject(x, "contract", isp.contract);
	cJSON_AddStringToObject(x, "until", isp.until);
	cJSON_AddStringToObject(x, "asset", isp.tag);
	cJSON_AddNumberToObject(x, "price_idr", (double)isp.price_idr);
}

int
api_internet(struct http_req *req)
{
	const char *site = http_req_arg(req, "site");
	const char *ls = http_req_arg(req, "limit");
	struct db *db = http_req_db(req);
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	cJSON *doc, *sites, *o;
	int64_t now = time_now(), last, step;
	long limit = 20;
	char *end;
	int rc;

	if (site != NULL && !name_id_valid(site))
		return http_reply_error(req, 400, "bad site");
	if (ls != NULL) {
		limit = strtol(ls, &end, 10);
		if (*ls == '\0' || *end != '\0' || limit < 0 || limit > 10000)
			return http_reply_error(req, 400, "bad limit");
	}
	if ((doc = cJSON_CreateObject()) == NULL ||
	    (sites = cJSON_AddArrayToObject(doc, "sites")) == NULL)
		goto fail_mem;
	if (sqlite3_prepare_v2(h, inet_api_sites_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail_db;
	if (site != NULL)
		sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((o = cJSON_CreateObject()) == NULL)
			goto fail_mem;
		cJSON_AddItemToArray(sites, o);
		site = (const char *)sqlite3_column_text(st, 0);
		last = sqlite3_column_int64(st, 4);
		step = sqlite3_column_int64(st, 5);
		cJSON_AddStringToObject(o, "site", site);
		cJSON_AddStringToObject(
		    o, "state", (const char *)sqlite3_column_text(st, 1));
		cJSON_AddNumberToObject(o, "since",
		                        (double)sqlite3_column_int64(st, 2));
		cJSON_AddItemToObject(
		    o, "reasons",
		    inet_api_reasons((const char *)sqlite3_column_text(st, 3)));
		cJSON_AddNumberToObject(o, "last_seen", (double)last);
		cJSON_AddNumberToObject(o, "step", (double)step);
		cJSON_AddBoolToObject(o, "current", now - last <= 2 * step);
		inet_api_isp(db, o, site);
		if (inet_api_outages(h, o, site, limit) != 0)
			goto fail_db;
	}
	if (rc != SQLITE_DONE)
		goto fail_db;
	sqlite3_finalize(st);
	return http_reply_json(req, 200, doc);
fail_db:
	sqlite3_finalize(st);
	cJSON_Delete(doc);
	return http_reply_error(req, 500, "database error");
fail_mem:
	sqlite3_finalize(st);
	cJSON_Delete(doc);
	return http_reply_error(req, 500, "out of memory");
}
