/*
 * alert_api.c: /api/v1/alerts, /api/v1/silences and /api/v1/tickets
 * (api.h, docs/api.md).
 *
 * Reads go through the HTTP thread's read-only connection; changes
 * (acknowledgements, silences, tickets) through its writable one
 * (http_req_db_rw), with the signed-in user as the actor ("api" when
 * nobody signed in).  The engine on the ingest thread reads silences back
 * from the table every few seconds.  Every value from the request is
 * checked before use and reaches SQLite only bound.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "collector/alert_priv.h"
#include "collector/api.h"
#include "collector/ticket_store.h"
#include "common/conf.h"
#include "common/names.h"
#include "common/timeutil.h"

#define ALERT_API_LIMIT_MAX 100000

static const char *
alert_api_actor(const struct http_req *req)
{
	const char *u = http_req_user(req);

	return u != NULL ? u : "api";
}

/* ?limit=: 0 with *limit set (default 'def'), or -1 after replying 400. */
static int
alert_api_limit(struct http_req *req, long def, long *limit)
{
	const char *s = http_req_arg(req, "limit");

	*limit = def;
	if (s != NULL && (conf_parse_long(s, limit) == -1 || *limit < 1 ||
	                  *limit > ALERT_API_LIMIT_MAX)) {
		http_reply_error(req, 400, "bad limit: expected 1 to 100000");
		return -1;
	}
	return 0;
}

static int
alert_api_id(struct http_req *req, int64_t *id)
{
	long v;

	if (conf_parse_long(http_req_param(req, 0), &v) == -1 || v < 1)
		return -1;
	*id = v;
	return 0;
}

/* One result row as an object: columns named by the statement. */
static cJSON *
alert_api_row(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();
	const char *name;

	for (int i = 0; o != NULL && i < sqlite3_column_count(st); i++) {
		name = sqlite3_column_name(st, i);
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_NULL:
			cJSON_AddNullToObject(o, name);
			break;
		case SQLITE_INTEGER:
			cJSON_AddNumberToObject(
			    o, name, (double)sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT:
			cJSON_AddNumberToObject(o, name,
			                        sqlite3_column_double(st, i));
			break;
		default:
			cJSON_AddStringToObject(
			    o, name, (const char *)sqlite3_column_text(st, i));
			break;
		}
	}
	return o;
}

/* Runs 'st' and replies {"<key>": [rows], "count": n}. */
static int
alert_api_rows(struct http_req *req, sqlite3_stmt *st, const char *key)
{
	cJSON *doc, *arr, *o;
	int rc, n = 0;

	if ((doc = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(doc, key)) == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((o = alert_api_row(st)) == NULL)
			goto fail;
		cJSON_AddItemToArray(arr, o);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		cJSON_Delete(doc);
		return http_reply_error(req, 500, "database error");
	}
	cJSON_AddNumberToObject(doc, "count", n);
	return http_reply_json(req, 200, doc);
fail:
	sqlite3_finalize(st);
	cJSON_Delete(doc);
	return http_reply_error(req, 500, "out of memory");
}

int
api_alerts_list(struct http_req *req)
{
	const char *site = http_req_arg(req, "site");
	const char *state = http_req_arg(req, "state");
	sqlite3_stmt *st;
	long limit;

	if (site != NULL && !name_id_valid(site))
		return http_reply_error(req, 400,
		                        "bad site: expected a site id");
	if (state != NULL && strcmp(state, "firing") != 0 &&
	    strcmp(state, "resolved") != 0)
		return http_reply_error(
		    req, 400, "bad state: expected firing or resolved");
	if (alert_api_limit(req, 1000, &limit) != 0)
		return 0;
	st = ticket_prepare(
	    db_sqlite(http_req_db(req)),
	    "SELECT id, rule, site, device, subject, severity, state, value, "
	    "text, started_at, fired_at, resolved_at, acked_by, acked_at, "
	    "silenced, flapping, ticket_id FROM alerts WHERE "
	    "(?1 IS NULL OR site = ?1) AND (?2 IS NULL OR state = ?2) "
	    "ORDER BY id DESC LIMIT ?3");
	if (st == NULL)
		return http_reply_error(req, 500, "database error");
	ticket_bind_text(st, 1, site);
	ticket_bind_text(st, 2, state);
	sqlite3_bind_int64(st, 3, limit);
	return alert_api_rows(req, st, "alerts");
}

int
api_alert_ack(struct http_req *req)
{
	struct db *db = http_req_db_rw(req);
	sqlite3_stmt *st;
	int64_t id;

	if (alert_api_id(req, &id) != 0)
		return http_reply_error(req, 404, "no such alert");
	if (db == NULL)
		return http_reply_error(req, 500, "database not writable");
	st = ticket_prepare(db_sqlite(db),
	                    "UPDATE alerts SET acked_by = ?, acked_at = ? "
	                    "WHERE id = ?");
	if (st == NULL)
		return http_reply_error(req, 500, "database error");
	ticket_bind_text(st, 1, alert_api_actor(req));
	sqlite3_bind_int64(st, 2, time_now());
	sqlite3_bind_int64(st, 3, id);
	if (ticket_exec(db_sqlite(db), st, "ack alert") != 0)
		return http_reply_error(req, 500, "database error");
	if (sqlite3_changes(db_sqlite(db)) == 0)
		return http_reply_error(req, 404, "no such alert");
	return http_reply_json(req, 200, cJSON_CreateTrue());
}

int
api_silences_list(struct http_req *req)
{
	sqlite3_stmt *st;

	st =
	    ticket_prepare(db_sqlite(http_req_db(req)),
	                   "SELECT id, site, device, rule, starts_at, ends_at, "
	                   "created_by, created_at, comment FROM silences "
	                   "WHERE ends_at > ? ORDER BY id");
	if (st == NULL)
		return http_reply_error(req, 500, "database error");
	sqlite3_bind_int64(st, 1, time_now());
	return alert_api_rows(req, st, "silences");
}

/* A string member, NULL when absent; -1 when present but not a string. */
static int
alert_api_str(const cJSON *o, const char *key, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return -1;
	*out = v->valuestring;
	return 0;
}

int
api_silence_add(struct http_req *req)
{
	struct db *db = http_req_db_rw(req);
	const char *site, *device, *rule, *dur, *comment, *body;
	int64_t id;
	unsigned secs = 0;
	size_t len;
	cJSON *in, *out;

	body = http_req_body(req, &len);
	if (body == NULL || (in = cJSON_Parse(body)) == NULL)
		return http_reply_error(req, 400, "expected a JSON object");
	if (alert_api_str(in, "site", &site) ||
	    alert_api_str(in, "device", &device) ||
	    alert_api_str(in, "rule", &rule) ||
	    alert_api_str(in, "duration", &dur) ||
	    alert_api_str(in, "comment", &comment) || site == NULL ||
	    !name_id_valid(site) ||
	    (device != NULL && !name_id_valid(device)) ||
	    (rule != NULL && !name_id_valid(rule)) || dur == NULL ||
	    conf_parse_duration(dur, &secs) != 0 || secs == 0) {
		cJSON_Delete(in);
		return http_reply_error(req, 400,
		                        "expected site, duration (\"2h\") and "
		                        "optionally device, rule, comment");
	}
	if (db == NULL)
		id = -1;
	else
		id = alert_silence_add(db, site, device, rule, time_now(), secs,
		                       alert_api_actor(req), comment);
	cJSON_Delete(in);
	if (id < 0)
		return http_reply_error(req, 500, "database error");
	if ((out = cJSON_CreateObject()) == NULL ||
	    cJSON_AddNumberToObject(out, "id", (double)id) == NULL) {
		cJSON_Delete(out);
		return http_reply_error(req, 500, "out of memory");
	}
	return http_reply_json(req, 201, out);
}

int
api_silence_end(struct http_req *req)
{
	struct db *db = http_req_db_rw(req);
	sqlite3_stmt *st;
	int64_t id, now = time_now();

	if (alert_api_id(req, &id) != 0)
		return http_reply_error(req, 404, "no such silence");
	if (db == NULL)
		return http_reply_error(req, 500, "database not writable");
	st = ticket_prepare(db_sqlite(db), "UPDATE silences SET ends_at = ? "
	                                   "WHERE id = ? AND ends_at > ?");
	if (st == NULL)
		return http_reply_error(req, 500, "database error");
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, now);
	if (ticket_exec(db_sqlite(db), st, "end silence") != 0)
		return http_reply_error(req, 500, "database error");
	if (sqlite3_changes(db_sqlite(db)) == 0)
		return http_reply_error(req, 404, "no such silence in force");
	return http_reply_json(req, 200, cJSON_CreateTrue());
}

int
api_tickets_list(struct http_req *req)
{
	const char *site = http_req_arg(req, "site");
	const char *state = http_req_arg(req, "state");
	cJSON *doc;
	long limit;

	if (site != NULL && !name_id_valid(site))
		return http_reply_error(req, 400,
		                        "bad site: expected a site id");
	if (state != NULL && !ticket_state_valid(state) &&
	    strcmp(state, "active") != 0)
		return http_reply_error(req, 400, "bad state");
	if (alert_api_limit(req, 1000, &limit) != 0)
		return 0;
	if ((doc = ticket_list_json(http_req_db(req), state, site, limit)) ==
	    NULL)
		return http_reply_error(req, 500, "database error");
	return http_reply_json(req, 200, doc);
}

int
api_ticket_show(struct http_req *req)
{
	cJSON *doc;
	int64_t id;
	int found;

	if (alert_api_id(req, &id) != 0)
		return http_reply_error(req, 404, "no such ticket");
	doc = ticket_get_json(http_req_db(req), id, time_now(), &found);
	if (doc == NULL)
		return http_reply_error(req, found ? 500 : 404,
		                        found ? "database error"
		                              : "no such ticket");
	return http_reply_json(req, 200, doc);
}

/* The ticket as it is now, from the writable connection. */
static int
alert_api_ticket_reply(struct http_req *req, struct db *db, int64_t id,
                       unsigned status)
{
	cJSON *doc;
	int found;

	if ((doc = ticket_get_json(db, id, time_now(), &found)) == NULL)
		return http_reply_error(req, 500, "database error");
	return http_reply_json(req, status, doc);
}

int
api_ticket_open(struct http_req *req)
{
	struct db *db = http_req_db_rw(req);
	struct ticket_new t;
	const char *kind, *body;
	const cJSON *pri;
	cJSON *in;
	int64_t id;
	size_t len;
	int created;

	memset(&t, 0, sizeof t);
	body = http_req_body(req, &len);
	if (body == NULL || (in = cJSON_Parse(body)) == NULL)
		return http_reply_error(req, 400, "expected a JSON object");
	pri = cJSON_GetObjectItemCaseSensitive(in, "priority");
	t.priority = cJSON_IsNumber(pri) ? pri->valueint : 3;
	if (alert_api_str(in, "kind", &kind) ||
	    alert_api_str(in, "title", &t.title) ||
	    alert_api_str(in, "description", &t.description) ||
	    alert_api_str(in, "site", &t.site) ||
	    alert_api_str(in, "device", &t.device) ||
	    alert_api_str(in, "asset_tag", &t.asset_tag) || t.title == NULL ||
	    t.title[0] == '\0' || t.site == NULL || !name_id_valid(t.site) ||
	    (t.device != NULL && !name_id_valid(t.device)) ||
	    (kind != NULL && ticket_kind_parse(kind, &t.kind) != 0) ||
	    (pri != NULL && !cJSON_IsNumber(pri)) || t.priority < 1 ||
	    t.priority > 4) {
		cJSON_Delete(in);
		return http_reply_error(req, 400,
		                        "expected title, site and optionally "
		                        "kind, description, device, asset_tag, "
		                        "priority 1..4");
	}
	if (kind == NULL)
		t.kind = TICKET_REQUEST;
	t.actor = alert_api_actor(req);
	if (db == NULL || ticket_open(db, &t, time_now(), &id, &created) != 0) {
		cJSON_Delete(in);
		return http_reply_error(req, 500, "database error");
	}
	cJSON_Delete(in);
	return alert_api_ticket_reply(req, db, id, 201);
}

int
api_ticket_change(struct http_req *req)
{
	struct db *db = http_req_db_rw(req);
	struct ticket_change c;
	const cJSON *v;
	const char *body;
	cJSON *in;
	int64_t id;
	size_t len;
	int found, bad = 0;

	if (alert_api_id(req, &id) != 0)
		return http_reply_error(req, 404, "no such ticket");
	body = http_req_body(req, &len);
	if (body == NULL || (in = cJSON_Parse(body)) == NULL)
		return http_reply_error(req, 400, "expected a JSON object");
	if (!cJSON_IsObject(in)) {
		cJSON_Delete(in);
		return http_reply_error(req, 400, "expected a JSON object");
	}
	memset(&c, 0, sizeof c);
	c.cost_idr = -1;
	bad |= alert_api_str(in, "state", &c.state);
	bad |= alert_api_str(in, "assignee", &c.assignee);
	bad |= alert_api_str(in, "parts", &c.parts);
	bad |= alert_api_str(in, "note", &c.note);
	if ((v = cJSON_GetObjectItemCaseSensitive(in, "priority")) != NULL) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 1 ||
		    v->valuedouble > 4)
			bad = 1;
		else
			c.priority = v->valueint;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(in, "cost_idr")) != NULL) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
		    v->valuedouble > 1e15 ||
		    v->valuedouble != (double)(int64_t)v->valuedouble)
			bad = 1;
		else
			c.cost_idr = (int64_t)v->valuedouble;
	}
	if (c.state != NULL && !ticket_state_valid(c.state))
		bad = 1;
	if (bad) {
		cJSON_Delete(in);
		return http_reply_error(
		    req, 400,
		    "expected state, assignee, priority 1..4, "
		    "cost_idr (whole rupiah), parts, note");
	}
	if (db == NULL || ticket_update(db, id, &c, alert_api_actor(req),
	                                time_now(), &found) != 0) {
		cJSON_Delete(in);
		return http_reply_error(req, 500, "database error");
	}
	cJSON_Delete(in);
	if (!found)
		return http_reply_error(req, 404, "no such ticket");
	return alert_api_ticket_reply(req, db, id, 200);
}
