/*
 * asset_api.c: /api/v1/assets (docs/api.md, docs/assets.md).
 *
 *   GET   /api/v1/assets?site=&type=&funding=&condition=&q=&disposed=1
 *   GET   /api/v1/assets/TAG     the record, history, suggested links,
 *                                maintenance and total cost of ownership
 *   POST  /api/v1/assets         a new asset (the CSV fields as JSON)
 *   PATCH /api/v1/assets/TAG     changed fields; "device" links (null
 *                                unlinks); "disposed": true disposes;
 *                                "note" goes into the history
 *
 * Fields are checked with the rules of the CSV import (asset_csv_field),
 * so the API and the file accept the same values.  Writes go through the
 * HTTP thread's writable connection.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/api.h"
#include "collector/asset.h"
#include "collector/asset_csv.h"
#include "collector/asset_priv.h"
#include "collector/audit.h"
#include "common/names.h"
#include "common/timeutil.h"

int
api_assets_list(struct http_req *req)
{
	struct asset_filter f = {0};
	const char *d = http_req_arg(req, "disposed");
	struct asset *v;
	cJSON *doc, *arr, *o;
	size_t n, i;
	int64_t now = time_now();

	f.site = http_req_arg(req, "site");
	f.type = http_req_arg(req, "type");
	f.funding = http_req_arg(req, "funding");
	f.condition = http_req_arg(req, "condition");
	f.q = http_req_arg(req, "q");
	f.disposed = d != NULL && strcmp(d, "1") == 0;
	if (f.site != NULL && !name_id_valid(f.site))
		return http_reply_error(req, 400,
		                        "bad site: expected a site id");
	if (asset_list(http_req_db(req), &f, &v, &n) != ASSET_OK)
		return http_reply_error(req, 500, "database error");
	if ((doc = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(doc, "assets")) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((o = asset_json(&v[i], now)) == NULL)
			goto fail;
		cJSON_AddItemToArray(arr, o);
	}
	if (cJSON_AddNumberToObject(doc, "count", (double)n) == NULL)
		goto fail;
	free(v);
	return http_reply_json(req, 200, doc);
fail:
	free(v);
	cJSON_Delete(doc);
	return http_reply_error(req, 500, "out of memory");
}

int
api_asset_show(struct http_req *req)
{
	const char *tag = http_req_param(req, 0);
	cJSON *o;
	int found;

	if (tag == NULL || !asset_tag_valid(tag))
		return http_reply_error(req, 404, "no such asset");
	o = asset_json_full(http_req_db(req), tag, time_now(), &found);
	if (o == NULL)
		return found ? http_reply_error(req, 500, "database error")
		             : http_reply_error(req, 404, "no such asset");
	return http_reply_json(req, 200, o);
}

/* The JSON body as an object; NULL after replying 400. */
static cJSON *
asset_api_body(struct http_req *req)
{
	size_t len;
	const char *body = http_req_body(req, &len);
	cJSON *o = body != NULL ? cJSON_ParseWithLength(body, len) : NULL;

	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		http_reply_error(req, 400, "expected a JSON object");
		return NULL;
	}
	return o;
}

/*
 * Sets the fields present in 'o' on 'a' (all of them with 'all': absent
 * ones are then checked as empty).  A field is a string or, for
 * budget_year and price_idr, a whole number; null is empty.  Returns 0,
 * or -1 with "field: problem" in err.
 */
static int
asset_api_fields(const cJSON *o, struct asset *a, int all, char *err,
                 size_t errsz)
{
	const char *col;
	const cJSON *v;
	char num[32], msg[384];
	const char *s;

	for (size_t i = 0; (col = asset_csv_column(i)) != NULL; i++) {
		v = cJSON_GetObjectItemCaseSensitive(o, col);
		if (v == NULL && !all)
			continue;
		if (v == NULL || cJSON_IsNull(v)) {
			s = "";
		} else if (cJSON_IsString(v)) {
			s = v->valuestring;
		} else if (cJSON_IsNumber(v) &&
		           v->valuedouble == floor(v->valuedouble) &&
		           fabs(v->valuedouble) < 1e15) {
			snprintf(num, sizeof num, "%.0f", v->valuedouble);
			s = num;
		} else {
			snprintf(err, errsz, "%s: expected a string", col);
			return -1;
		}
		if (asset_csv_field(a, col, s, msg, sizeof msg) == -1) {
			snprintf(err, errsz, "%s: %s", col, msg);
			return -1;
		}
	}
	return 0;
}

int
api_asset_create(struct http_req *req)
{
	struct db *db = http_req_db_rw(req);
	const char *actor = http_req_user(req);
	struct asset a, old;
	char err[512];
	cJSON *o, *out;
	size_t len;
	int created, rc, found;

	if (db == NULL)
		return http_reply_error(req, 500, "database unavailable");
	if ((o = asset_api_body(req)) == NULL)
		return 0;
	memset(&a, 0, sizeof a);
	rc = asset_api_fields(o, &a, 1, err, sizeof err);
	cJSON_Delete(o);
	if (rc == -1)
		return http_reply_error(req, 400, err);
	if ((rc = asset_get(db, a.tag, &old)) == ASSET_ERR)
		return http_reply_error(req, 500, "database error");
	if (rc == ASSET_OK)
		return http_reply_error(req, 409,
		                        "an asset with this tag exists");
	/* linking goes through asset_link, which frees the device first */
	snprintf(old.device, sizeof old.device, "%s", a.device);
	a.device[0] = '\0';
	if (asset_put(db, &a, actor, time_now(), &created) != ASSET_OK ||
	    (old.device[0] != '\0' &&
	     asset_link(db, a.tag, a.site, old.device, actor, time_now()) !=
	         ASSET_OK))
		return http_reply_error(req, 500, "database error");
	snprintf(err, sizeof err, "asset/%s", a.tag);
	audit_log(db, actor != NULL ? actor : "system", "asset.create", err,
	          http_req_body(req, &len), time_now());
	if ((out = asset_json_full(db, a.tag, time_now(), &found)) == NULL)
		return http_reply_error(req, 500, "database error");
	return http_reply_json(req, 201, out);
}

int
api_asset_update(struct http_req *req)
{
	struct db *db = http_req_db_rw(req);
	const char *tag = http_req_param(req, 0);
	const char *actor = http_req_user(req), *note = NULL, *dev = NULL;
	const cJSON *v;
	struct asset a;
	char err[512], device[64], site[64];
	cJSON *o, *out;
	size_t len;
	int created, rc, found, dispose = 0, link = 0;
	int64_t now = time_now();

	if (db == NULL)
		return http_reply_error(req, 500, "database unavailable");
	if (tag == NULL || !asset_tag_valid(tag))
		return http_reply_error(req, 404, "no such asset");
	if ((rc = asset_get(db, tag, &a)) == ASSET_NOTFOUND)
		return http_reply_error(req, 404, "no such asset");
	if (rc != ASSET_OK)
		return http_reply_error(req, 500, "database error");
	if ((o = asset_api_body(req)) == NULL)
		return 0;
	if ((v = cJSON_GetObjectItemCaseSensitive(o, "tag")) != NULL &&
	    (!cJSON_IsString(v) || strcmp(v->valuestring, tag) != 0)) {
		cJSON_Delete(o);
		return http_reply_error(req, 400, "tag: cannot be changed");
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "disposed");
	if (v != NULL && !cJSON_IsBool(v)) {
		cJSON_Delete(o);
		return http_reply_error(req, 400, "disposed: true or false");
	}
	dispose = cJSON_IsTrue(v) && a.disposed_at == 0;
	note =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "note"));
	snprintf(device, sizeof device, "%s", a.device);
	snprintf(site, sizeof site, "%s", a.site);
	link = cJSON_GetObjectItemCaseSensitive(o, "device") != NULL;
	if (asset_api_fields(o, &a, 0, err, sizeof err) == -1) {
		cJSON_Delete(o);
		return http_reply_error(req, 400, err);
	}
	/* the link is changed by asset_link (which frees the device) */
	if (link) {
		dev = a.device[0] != '\0' ? a.device : NULL;
		snprintf(err, sizeof err, "%s", a.device);
	}
	snprintf(a.device, sizeof a.device, "%s", device);
	/* a device id means nothing at another site (as asset_move) */
	if (!link && strcmp(site, a.site) != 0)
		a.device[0] = '\0';
	rc = asset_put(db, &a, actor, now, &created);
	if (rc == ASSET_OK && link)
		rc = asset_link(db, tag, a.site, dev != NULL ? err : NULL,
		                actor, now);
	if (rc == ASSET_OK && dispose)
		rc = asset_dispose(db, tag, note, actor, now);
	cJSON_Delete(o);
	if (rc != ASSET_OK)
		return http_reply_error(req, 500, "database error");
	snprintf(err, sizeof err, "asset/%s", tag);
	audit_log(db, actor != NULL ? actor : "system", "asset.update", err,
	          http_req_body(req, &len), now);
	if ((out = asset_json_full(db, tag, now, &found)) == NULL)
		return http_reply_error(req, 500, "database error");
	return http_reply_json(req, 200, out);
}
