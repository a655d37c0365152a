/*
 * asset_json.c: an asset as JSON, for the API (asset_api.c) and
 * "pantauctl asset list --format json" / "asset show" (asset_ctl.c), so
 * both show the same fields with the same names (docs/assets.md).
 */
#include "config.h"

#include <stdlib.h>

#include <cjson/cJSON.h>

#include "collector/asset.h"
#include "collector/asset_priv.h"

/* A string, or null when empty. */
static int
asset_json_opt(cJSON *o, const char *key, const char *v)
{
	if (v[0] == '\0')
		return cJSON_AddNullToObject(o, key) ? 0 : -1;
	return cJSON_AddStringToObject(o, key, v) ? 0 : -1;
}

static int
asset_json_time(cJSON *o, const char *key, int64_t v)
{
	if (v == 0)
		return cJSON_AddNullToObject(o, key) ? 0 : -1;
	return cJSON_AddNumberToObject(o, key, (double)v) ? 0 : -1;
}

cJSON *
asset_json(const struct asset *a, int64_t now)
{
	cJSON *o;
	int64_t bv = asset_book_value_now(a, now);

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddStringToObject(o, "tag", a->tag) == NULL ||
	    cJSON_AddStringToObject(o, "name", a->name) == NULL ||
	    cJSON_AddStringToObject(o, "type", a->type) == NULL ||
	    cJSON_AddStringToObject(o, "brand", a->brand) == NULL ||
	    cJSON_AddStringToObject(o, "model", a->model) == NULL ||
	    cJSON_AddStringToObject(o, "serial", a->serial) == NULL ||
	    cJSON_AddStringToObject(o, "site", a->site) == NULL ||
	    cJSON_AddStringToObject(o, "room", a->room) == NULL ||
	    cJSON_AddStringToObject(o, "funding", a->funding) == NULL ||
	    cJSON_AddNumberToObject(o, "budget_year", a->budget_year) == NULL ||
	    asset_json_opt(o, "purchase_date", a->purchase_date) == -1 ||
	    cJSON_AddNumberToObject(o, "price_idr", (double)a->price_idr) ==
	        NULL ||
	    cJSON_AddStringToObject(o, "supplier", a->supplier) == NULL ||
	    asset_json_opt(o, "warranty_until", a->warranty_until) == -1 ||
	    cJSON_AddStringToObject(o, "condition", a->condition) == NULL ||
	    asset_json_opt(o, "device", a->device) == -1 ||
	    cJSON_AddNumberToObject(o, "life_years",
	                            asset_life_years(a->type)) == NULL ||
	    (bv < 0 ? cJSON_AddNullToObject(o, "book_value_idr")
	            : cJSON_AddNumberToObject(o, "book_value_idr",
	                                      (double)bv)) == NULL ||
	    asset_json_time(o, "disposed_at", a->disposed_at) == -1 ||
	    cJSON_AddStringToObject(o, "disposal_note", a->disposal_note) ==
	        NULL ||
	    asset_json_time(o, "created_at", a->created_at) == -1 ||
	    asset_json_time(o, "updated_at", a->updated_at) == -1) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
asset_json_history(struct db *db, const char *tag, cJSON *o)
{
	struct asset_event *v;
	cJSON *arr, *e;
	size_t n, i;
	int rc = -1;

	if (asset_history(db, tag, &v, &n) != ASSET_OK)
		return -1;
	if ((arr = cJSON_AddArrayToObject(o, "history")) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if ((e = cJSON_CreateObject()) == NULL)
			goto out;
		cJSON_AddItemToArray(arr, e);
		if (cJSON_AddNumberToObject(e, "ts", (double)v[i].ts) == NULL ||
		    cJSON_AddStringToObject(e, "actor", v[i].actor) == NULL ||
		    cJSON_AddStringToObject(e, "field", v[i].field) == NULL ||
		    cJSON_AddStringToObject(e, "old", v[i].old) == NULL ||
		    cJSON_AddStringToObject(e, "new", v[i].new_) == NULL ||
		    cJSON_AddStringToObject(e, "note", v[i].note) == NULL)
			goto out;
	}
	rc = 0;
out:
	free(v);
	return rc;
}

static int
asset_json_suggestions(struct db *db, const char *tag, cJSON *o)
{
	struct asset_suggestion *v;
	cJSON *arr, *e;
	size_t n, i;
	int rc = -1;

	if (asset_suggestions(db, tag, &v, &n) != ASSET_OK)
		return -1;
	if ((arr = cJSON_AddArrayToObject(o, "suggested_links")) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if ((e = cJSON_CreateObject()) == NULL)
			goto out;
		cJSON_AddItemToArray(arr, e);
		if (cJSON_AddStringToObject(e, "site", v[i].site) == NULL ||
		    cJSON_AddStringToObject(e, "device", v[i].device) == NULL ||
		    cJSON_AddStringToObject(e, "reason", v[i].reason) == NULL ||
		    cJSON_AddNumberToObject(e, "ts", (double)v[i].ts) == NULL)
			goto out;
	}
	rc = 0;
out:
	free(v);
	return rc;
}

static int
asset_json_tickets(struct db *db, const struct asset *a, cJSON *o)
{
	struct asset_ticket *v;
	cJSON *arr, *e;
	size_t n, i;
	int64_t cost;
	int rc = -1;

	if (asset_tickets(db, a->tag, &v, &n, &cost) != ASSET_OK)
		return -1;
	if ((arr = cJSON_AddArrayToObject(o, "maintenance")) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if ((e = cJSON_CreateObject()) == NULL)
			goto out;
		cJSON_AddItemToArray(arr, e);
		if (cJSON_AddNumberToObject(e, "id", (double)v[i].id) == NULL ||
		    cJSON_AddStringToObject(e, "kind", v[i].kind) == NULL ||
		    cJSON_AddStringToObject(e, "state", v[i].state) == NULL ||
		    cJSON_AddStringToObject(e, "title", v[i].title) == NULL ||
		    asset_json_time(e, "opened_at", v[i].opened_at) == -1 ||
		    asset_json_time(e, "resolved_at", v[i].resolved_at) == -1 ||
		    cJSON_AddNumberToObject(e, "cost_idr",
		                            (double)v[i].cost_idr) == NULL ||
		    cJSON_AddStringToObject(e, "parts", v[i].parts) == NULL)
			goto out;
	}
	if (cJSON_AddNumberToObject(o, "maintenance_cost_idr", (double)cost) ==
	        NULL ||
	    cJSON_AddNumberToObject(o, "total_cost_of_ownership_idr",
	                            (double)(a->price_idr + cost)) == NULL)
		goto out;
	rc = 0;
out:
	free(v);
	return rc;
}

cJSON *
asset_json_full(struct db *db, const char *tag, int64_t now, int *found)
{
	struct asset a;
	cJSON *o;
	int rc;

	*found = 0;
	if ((rc = asset_get(db, tag, &a)) != ASSET_OK) {
		*found = rc == ASSET_ERR;
		return NULL;
	}
	*found = 1;
	if ((o = asset_json(&a, now)) == NULL)
		return NULL;
	if (asset_json_history(db, tag, o) == -1 ||
	    asset_json_suggestions(db, tag, o) == -1 ||
	    asset_json_tickets(db, &a, o) == -1) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
