/*
 * ticket_edit.c: changing and reading tickets for the API and pantauctl
 * (ticket_store.h, docs/tickets.md).
 *
 * A change compares each field with the stored value and records only
 * real differences in the timeline, so "PATCH state=closed" twice leaves
 * one line.  Reads build cJSON documents that the API sends as they are
 * and pantauctl prints as a table, CSV or JSON.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "collector/db.h"
#include "collector/ticket_store.h"
#include "common/log.h"

#define TICKET_COLUMNS                                                         \
	"id, kind, state, title, description, site, device, asset_tag, "       \
	"priority, assignee, cost_idr, parts, dedup_key, opened_by, "          \
	"opened_at, updated_at, resolved_at, closed_at"

/* Sets one column and writes the timeline row. */
static int
ticket_set(struct db *db, int64_t id, const char *col, const char *oldv,
           const char *newv, int64_t inew, int is_int, const char *actor,
           int64_t now)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	char sql[128], text[600];

	snprintf(sql, sizeof sql, "UPDATE tickets SET %s = ? WHERE id = ?",
	         col);
	if ((st = ticket_prepare(h, sql)) == NULL)
		return -1;
	if (is_int)
		sqlite3_bind_int64(st, 1, inew);
	else if (strcmp(col, "assignee") == 0 && newv[0] == '\0')
		sqlite3_bind_null(st, 1);
	else
		ticket_bind_text(st, 1, newv);
	sqlite3_bind_int64(st, 2, id);
	if (ticket_exec(h, st, "change ticket") != 0)
		return -1;
	snprintf(text, sizeof text, "%s: %s -> %s", col,
	         oldv[0] != '\0' ? oldv : "-", newv[0] != '\0' ? newv : "-");
	return ticket_note_kind(db, id, actor, "change", text, now);
}

static int
ticket_stamp(sqlite3 *h, int64_t id, const char *col, int64_t now)
{
	sqlite3_stmt *st;
	char sql[96];

	snprintf(sql, sizeof sql, "UPDATE tickets SET %s = ? WHERE id = ?",
	         col);
	if ((st = ticket_prepare(h, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return ticket_exec(h, st, "stamp ticket");
}

static void
ticket_col(sqlite3_stmt *st, int i, char *out, size_t outsz)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(out, outsz, "%s", t != NULL ? (const char *)t : "");
}

int
ticket_update(struct db *db, int64_t id, const struct ticket_change *c,
              const char *actor, int64_t now, int *found)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	char state[32], assignee[128], parts[1024], buf[64], nbuf[64];
	int64_t priority, cost;
	int ok = 0, rc;

	*found = 0;
	if (ticket_sp(h, "SAVEPOINT") != 0)
		return -1;
	st = ticket_prepare(h, "SELECT state, assignee, priority, cost_idr, "
	                       "parts FROM tickets WHERE id = ?");
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		ticket_col(st, 0, state, sizeof state);
		ticket_col(st, 1, assignee, sizeof assignee);
		priority = sqlite3_column_int64(st, 2);
		cost = sqlite3_column_int64(st, 3);
		ticket_col(st, 4, parts, sizeof parts);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		ok = rc == SQLITE_DONE; /* not found is no error */
		goto out;
	}
	if (c->state != NULL && strcmp(c->state, state) != 0) {
		if (ticket_set(db, id, "state", state, c->state, 0, 0, actor,
		               now) != 0)
			goto out;
		if (strcmp(c->state, "resolved") == 0 &&
		    ticket_stamp(h, id, "resolved_at", now) != 0)
			goto out;
		if (strcmp(c->state, "closed") == 0 &&
		    ticket_stamp(h, id, "closed_at", now) != 0)
			goto out;
	}
	if (c->assignee != NULL && strcmp(c->assignee, assignee) != 0 &&
	    ticket_set(db, id, "assignee", assignee, c->assignee, 0, 0, actor,
	               now) != 0)
		goto out;
	if (c->priority != 0 && c->priority != priority) {
		snprintf(buf, sizeof buf, "%lld", (long long)priority);
		snprintf(nbuf, sizeof nbuf, "%d", c->priority);
		if (ticket_set(db, id, "priority", buf, nbuf, c->priority, 1,
		               actor, now) != 0)
			goto out;
	}
	if (c->cost_idr >= 0 && c->cost_idr != cost) {
		snprintf(buf, sizeof buf, "%lld", (long long)cost);
		snprintf(nbuf, sizeof nbuf, "%lld", (long long)c->cost_idr);
		if (ticket_set(db, id, "cost_idr", buf, nbuf, c->cost_idr, 1,
		               actor, now) != 0)
			goto out;
	}
	if (c->parts != NULL && strcmp(c->parts, parts) != 0 &&
	    ticket_set(db, id, "parts", parts, c->parts, 0, 0, actor, now) != 0)
		goto out;
	if (c->note != NULL && c->note[0] != '\0' &&
	    ticket_add_note(db, id, actor, c->note, now) != 0)
		goto out;
	ok = 1;
out:
	return ticket_sp_end(h, ok);
}

/* Column i as a JSON string, or null. */
static void
ticket_json_text(cJSON *o, const char *key, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	if (t == NULL)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddStringToObject(o, key, (const char *)t);
}

static void
ticket_json_int(cJSON *o, const char *key, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key,
		                        (double)sqlite3_column_int64(st, i));
}

/* One row of TICKET_COLUMNS as an object. */
static cJSON *
ticket_row_json(sqlite3_stmt *st)
{
	static const char *const names[] = {
	    "id",          "kind",      "state",     "title",
	    "description", "site",      "device",    "asset_tag",
	    "priority",    "assignee",  "cost_idr",  "parts",
	    "dedup_key",   "opened_by", "opened_at", "updated_at",
	    "resolved_at", "closed_at"};
	static const char ints[] = {1, 0, 0, 0, 0, 0, 0, 0, 1,
	                            0, 1, 0, 0, 0, 1, 1, 1, 1};
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++) {
		if (ints[i])
			ticket_json_int(o, names[i], st, i);
		else
			ticket_json_text(o, names[i], st, i);
	}
	return o;
}

cJSON *
ticket_list_json(struct db *db, const char *state, const char *site, long limit)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	cJSON *doc, *arr, *o;
	int rc, n = 0;
	int active = state != NULL && strcmp(state, "active") == 0;

	st = ticket_prepare(
	    h, "SELECT " TICKET_COLUMNS " FROM tickets WHERE "
	       "(?1 IS NULL OR state = ?1) AND (?2 IS NULL OR site = ?2) AND "
	       "(?3 = 0 OR state NOT IN ('resolved', 'closed')) "
	       "ORDER BY id DESC LIMIT ?4");
	if (st == NULL)
		return NULL;
	ticket_bind_text(st, 1, active ? NULL : state);
	ticket_bind_text(st, 2, site);
	sqlite3_bind_int(st, 3, active);
	sqlite3_bind_int64(st, 4, limit > 0 ? limit : 1000);
	if ((doc = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(doc, "tickets")) == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((o = ticket_row_json(st)) == NULL)
			goto fail;
		cJSON_AddItemToArray(arr, o);
		n++;
	}
	if (rc != SQLITE_DONE) {
		log_err("tickets: list: %s", sqlite3_errmsg(h));
		goto fail;
	}
	sqlite3_finalize(st);
	cJSON_AddNumberToObject(doc, "count", n);
	return doc;
fail:
	sqlite3_finalize(st);
	cJSON_Delete(doc);
	return NULL;
}

static int
ticket_notes_json(sqlite3 *h, int64_t id, cJSON *o)
{
	sqlite3_stmt *st;
	cJSON *arr, *n;
	int rc;

	st = ticket_prepare(h, "SELECT ts, actor, kind, text FROM "
	                       "ticket_notes WHERE ticket_id = ? ORDER BY id");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((arr = cJSON_AddArrayToObject(o, "notes")) == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((n = cJSON_CreateObject()) == NULL)
			goto fail;
		cJSON_AddItemToArray(arr, n);
		ticket_json_int(n, "ts", st, 0);
		ticket_json_text(n, "actor", st, 1);
		ticket_json_text(n, "kind", st, 2);
		ticket_json_text(n, "text", st, 3);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
fail:
	sqlite3_finalize(st);
	return -1;
}

/*
 * "asset": the register's row for the ticket's tag, when that table
 * exists (migration 003, built separately): supplier and warranty end, and
 * whether the warranty still runs on 'now' (warranty_until is an ISO date).
 */
static void
ticket_asset_json(sqlite3 *h, const char *tag, int64_t now, cJSON *o)
{
	sqlite3_stmt *st;
	cJSON *a;
	char today[16];
	time_t t = (time_t)now;
	struct tm tm;
	const unsigned char *w;

	if (tag == NULL || !ticket_table_exists(h, "assets"))
		return;
	st = ticket_prepare(h, "SELECT tag, name, supplier, warranty_until "
	                       "FROM assets WHERE tag = ?");
	if (st == NULL)
		return;
	ticket_bind_text(st, 1, tag);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (a = cJSON_AddObjectToObject(o, "asset")) != NULL) {
		ticket_json_text(a, "tag", st, 0);
		ticket_json_text(a, "name", st, 1);
		ticket_json_text(a, "supplier", st, 2);
		ticket_json_text(a, "warranty_until", st, 3);
		gmtime_r(&t, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
		w = sqlite3_column_text(st, 3);
		cJSON_AddBoolToObject(a, "under_warranty",
		                      w != NULL && w[0] != '\0' &&
		                          strcmp((const char *)w, today) >= 0);
	}
	sqlite3_finalize(st);
}

cJSON *
ticket_get_json(struct db *db, int64_t id, int64_t now, int *found)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	cJSON *o = NULL, *tag;
	int rc;

	*found = 0;
	st = ticket_prepare(h, "SELECT " TICKET_COLUMNS
	                       " FROM tickets WHERE id = ?");
	if (st == NULL) {
		*found = 1;
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		o = ticket_row_json(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		*found = rc != SQLITE_DONE;
		return NULL;
	}
	*found = 1;
	if (o == NULL || ticket_notes_json(h, id, o) != 0) {
		cJSON_Delete(o);
		return NULL;
	}
	tag = cJSON_GetObjectItemCaseSensitive(o, "asset_tag");
	ticket_asset_json(h, cJSON_IsString(tag) ? tag->valuestring : NULL, now,
	                  o);
	return o;
}
