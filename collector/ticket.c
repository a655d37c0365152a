/*
 * ticket.c: the ticket store (ticket.h, docs/tickets.md).
 *
 * Tickets and their timeline live in the tables of migration 002.  Every
 * change is a row of ticket_notes with who and when, written in the same
 * savepoint as the change, so the timeline never misses one.  Statements
 * are prepared per call: tickets are opened and edited a few times a day,
 * and the functions must work on any connection (the event loop's, the
 * HTTP thread's, pantauctl's).
 *
 * "One open ticket per device and fault": ticket_open() with a dedup_key
 * looks for an open ticket of the same site, device and key and appends a
 * note to it; the partial unique index tickets_open_dedup backs that up.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "collector/db.h"
#include "collector/ticket.h"
#include "collector/ticket_store.h"
#include "common/log.h"

static const char *const ticket_kinds[] = {"fault", "preventive", "request"};
static const char *const ticket_states[] = {
    "open", "in_progress", "waiting", "resolved", "closed", NULL};

const char *
ticket_kind_name(enum ticket_kind k)
{
	return (unsigned)k < 3 ? ticket_kinds[k] : "fault";
}

int
ticket_kind_parse(const char *s, enum ticket_kind *out)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, ticket_kinds[i]) == 0) {
			*out = (enum ticket_kind)i;
			return 0;
		}
	return -1;
}

int
ticket_state_valid(const char *s)
{
	for (int i = 0; ticket_states[i] != NULL; i++)
		if (strcmp(s, ticket_states[i]) == 0)
			return 1;
	return 0;
}

/* Logs a failed statement of 'what' on the connection. */
static void
ticket_fail(sqlite3 *h, const char *what)
{
	log_err("tickets: %s: %s", what, sqlite3_errmsg(h));
}

sqlite3_stmt *
ticket_prepare(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		ticket_fail(h, "prepare");
		return NULL;
	}
	return st;
}

void
ticket_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Runs a statement without rows to the end and finalizes it. */
int
ticket_exec(sqlite3 *h, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		ticket_fail(h, what);
		return -1;
	}
	return 0;
}

/* Savepoints, so each change is whole whether or not a transaction is open. */
int
ticket_sp(sqlite3 *h, const char *verb)
{
	char sql[64];

	snprintf(sql, sizeof sql, "%s ticket_sp", verb);
	if (sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK) {
		ticket_fail(h, sql);
		return -1;
	}
	return 0;
}

int
ticket_sp_end(sqlite3 *h, int ok)
{
	if (!ok) {
		sqlite3_exec(h, "ROLLBACK TO ticket_sp", NULL, NULL, NULL);
		sqlite3_exec(h, "RELEASE ticket_sp", NULL, NULL, NULL);
		return -1;
	}
	return ticket_sp(h, "RELEASE");
}

int
ticket_note_kind(struct db *db, int64_t id, const char *actor, const char *kind,
                 const char *text, int64_t now)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;

	st = ticket_prepare(h, "INSERT INTO ticket_notes (ticket_id, ts, "
	                       "actor, kind, text) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	ticket_bind_text(st, 3, actor != NULL ? actor : "system");
	ticket_bind_text(st, 4, kind);
	ticket_bind_text(st, 5, text != NULL ? text : "");
	if (ticket_exec(h, st, "add note") != 0)
		return -1;
	st =
	    ticket_prepare(h, "UPDATE tickets SET updated_at = ? WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return ticket_exec(h, st, "touch ticket");
}

int
ticket_add_note(struct db *db, int64_t id, const char *actor, const char *text,
                int64_t now)
{
	return ticket_note_kind(db, id, actor, "note", text, now);
}

/* The open ticket of (site, device, key): 0 with *id (0 when none). */
static int
ticket_find_open(sqlite3 *h, const struct ticket_new *t, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	st = ticket_prepare(h, "SELECT id FROM tickets WHERE site = ? AND "
	                       "ifnull(device, '') = ifnull(?, '') AND "
	                       "dedup_key = ? AND state NOT IN "
	                       "('resolved', 'closed') ORDER BY id LIMIT 1");
	if (st == NULL)
		return -1;
	ticket_bind_text(st, 1, t->site);
	ticket_bind_text(st, 2, t->device);
	ticket_bind_text(st, 3, t->dedup_key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		ticket_fail(h, "find open ticket");
		return -1;
	}
	return 0;
}

/* 1 when a table of that name exists (the asset register is optional). */
int
ticket_table_exists(sqlite3 *h, const char *name)
{
	sqlite3_stmt *st;
	int found;

	st = ticket_prepare(h, "SELECT 1 FROM sqlite_master WHERE "
	                       "type = 'table' AND name = ?");
	if (st == NULL)
		return 0;
	ticket_bind_text(st, 1, name);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/*
 * The asset linked to (site, device), when the asset register (migration
 * 003) exists: its tag into 'tag'.  "" when none.
 */
static void
ticket_asset_of(sqlite3 *h, const char *site, const char *device, char *tag,
                size_t tagsz)
{
	sqlite3_stmt *st;

	tag[0] = '\0';
	if (device == NULL || !ticket_table_exists(h, "assets"))
		return;
	st = ticket_prepare(h, "SELECT tag FROM assets WHERE site = ? AND "
	                       "device = ? ORDER BY tag LIMIT 1");
	if (st == NULL)
		return;
	ticket_bind_text(st, 1, site);
	ticket_bind_text(st, 2, device);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL)
		snprintf(tag, tagsz, "%s",
		         (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/*
 * A fault on an asset still under warranty goes back to the supplier: the
 * line that says so, for the description ("" when not, or no register).
 */
static void
ticket_warranty(sqlite3 *h, const char *tag, int64_t now, char *out,
                size_t outsz)
{
	sqlite3_stmt *st;
	char today[16];
	time_t t = (time_t)now;
	struct tm tm;
	const unsigned char *w, *sup;

	out[0] = '\0';
	if (tag[0] == '\0' || !ticket_table_exists(h, "assets"))
		return;
	st = ticket_prepare(h, "SELECT warranty_until, supplier FROM assets "
	                       "WHERE tag = ?");
	if (st == NULL)
		return;
	ticket_bind_text(st, 1, tag);
	gmtime_r(&t, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (w = sqlite3_column_text(st, 0)) != NULL && w[0] != '\0' &&
	    strcmp((const char *)w, today) >= 0) {
		sup = sqlite3_column_text(st, 1);
		snprintf(out, outsz,
		         "Under warranty until %s, supplier %s "
		         "(bergaransi sampai %s, pemasok %s).",
		         (const char *)w, sup ? (const char *)sup : "?",
		         (const char *)w, sup ? (const char *)sup : "?");
	}
	sqlite3_finalize(st);
}

int
ticket_open(struct db *db, const struct ticket_new *t, int64_t now, int64_t *id,
            int *created)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	char tag[128], text[512], warranty[256], *desc = NULL;
	const char *actor = t->actor != NULL ? t->actor : "system";
	int ok = 0;

	*id = 0;
	*created = 0;
	if (t->title == NULL || t->site == NULL)
		return -1;
	if (ticket_sp(h, "SAVEPOINT") != 0)
		return -1;
	if (t->dedup_key != NULL && ticket_find_open(h, t, id) != 0)
		goto out;
	if (*id != 0) {
		snprintf(text, sizeof text, "again: %s", t->title);
		ok = ticket_note_kind(db, *id, actor, "alert", text, now) == 0;
		goto out;
	}
	if (t->asset_tag != NULL)
		snprintf(tag, sizeof tag, "%s", t->asset_tag);
	else
		ticket_asset_of(h, t->site, t->device, tag, sizeof tag);
	ticket_warranty(h, tag, now, warranty, sizeof warranty);
	if (warranty[0] != '\0' &&
	    asprintf(&desc, "%s%s%s", t->description ? t->description : "",
	             t->description && t->description[0] ? "\n" : "",
	             warranty) < 0)
		desc = NULL;
	st = ticket_prepare(
	    h, "INSERT INTO tickets (kind, state, title, description, site, "
	       "device, asset_tag, priority, dedup_key, opened_by, opened_at, "
	       "updated_at) VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		goto out;
	ticket_bind_text(st, 1, ticket_kind_name(t->kind));
	ticket_bind_text(st, 2, t->title);
	ticket_bind_text(st, 3,
	                 desc != NULL             ? desc
	                 : t->description != NULL ? t->description
	                                          : "");
	ticket_bind_text(st, 4, t->site);
	ticket_bind_text(st, 5, t->device);
	ticket_bind_text(st, 6, tag[0] != '\0' ? tag : NULL);
	sqlite3_bind_int(
	    st, 7, t->priority >= 1 && t->priority <= 4 ? t->priority : 3);
	ticket_bind_text(st, 8, t->dedup_key);
	ticket_bind_text(st, 9, actor);
	sqlite3_bind_int64(st, 10, now);
	sqlite3_bind_int64(st, 11, now);
	if (ticket_exec(h, st, "open ticket") != 0)
		goto out;
	*id = sqlite3_last_insert_rowid(h);
	*created = 1;
	ok = ticket_note_kind(db, *id, actor, "open", t->title, now) == 0;
out:
	free(desc);
	if (ticket_sp_end(h, ok) != 0) {
		*id = 0;
		*created = 0;
		return -1;
	}
	return 0;
}

int
ticket_state(struct db *db, int64_t id, char *state, size_t statesz,
             int64_t *resolved_at, int *found)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	*resolved_at = 0;
	if (statesz > 0)
		state[0] = '\0';
	st = ticket_prepare(h,
	                    "SELECT state, max(ifnull(resolved_at, 0), "
	                    "ifnull(closed_at, 0)) FROM tickets WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		snprintf(state, statesz, "%s",
		         (const char *)sqlite3_column_text(st, 0));
		*resolved_at = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		ticket_fail(h, "ticket state");
		return -1;
	}
	return 0;
}
