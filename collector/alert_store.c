/*
 * alert_store.c: the rows of tables alerts and silences that the engine
 * writes and reads (alert_priv.h).
 *
 * The engine writes only at transitions (an alert fires, is resolved,
 * gets its ticket), never per sample, so statements are prepared per
 * call.  The caller's transaction (ingest's batch) covers the writes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "collector/alert_priv.h"
#include "collector/ticket_store.h"
#include "common/log.h"
#include "common/vec.h"

int
alert_store_fire(struct db *db, const struct alert_row *a, int64_t *id)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;

	*id = 0;
	st = ticket_prepare(
	    h, "INSERT INTO alerts (rule, site, device, subject, severity, "
	       "state, value, text, started_at, fired_at, silenced, flapping) "
	       "VALUES (?, ?, ?, ?, ?, 'firing', ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	ticket_bind_text(st, 1, a->rule);
	ticket_bind_text(st, 2, a->site);
	ticket_bind_text(st, 3, a->device);
	ticket_bind_text(st, 4, a->subject);
	ticket_bind_text(st, 5, alert_sev_name(a->severity));
	if (a->has_value)
		sqlite3_bind_double(st, 6, a->value);
	else
		sqlite3_bind_null(st, 6);
	ticket_bind_text(st, 7, a->text != NULL ? a->text : "");
	sqlite3_bind_int64(st, 8, a->started_at);
	sqlite3_bind_int64(st, 9, a->fired_at);
	sqlite3_bind_int(st, 10, a->silenced);
	sqlite3_bind_int(st, 11, a->flapping);
	if (ticket_exec(h, st, "store alert") != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(h);
	return 0;
}

static int
alert_store_set(struct db *db, const char *sql, int64_t id, int64_t v)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;

	if ((st = ticket_prepare(h, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, v);
	sqlite3_bind_int64(st, 2, id);
	return ticket_exec(h, st, "update alert");
}

int
alert_store_value(struct db *db, int64_t id, double value)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;

	st = ticket_prepare(h, "UPDATE alerts SET value = ? WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_double(st, 1, value);
	sqlite3_bind_int64(st, 2, id);
	return ticket_exec(h, st, "update alert");
}

int
alert_store_resolve(struct db *db, int64_t id, int64_t now, const char *why)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;

	st = ticket_prepare(h, "UPDATE alerts SET state = 'resolved', "
	                       "resolved_at = ?, text = CASE WHEN ? = '' "
	                       "THEN text ELSE text || ' (' || ? || ')' END "
	                       "WHERE id = ? AND state != 'resolved'");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	ticket_bind_text(st, 2, why != NULL ? why : "");
	ticket_bind_text(st, 3, why != NULL ? why : "");
	sqlite3_bind_int64(st, 4, id);
	return ticket_exec(h, st, "resolve alert");
}

int
alert_store_ticket(struct db *db, int64_t id, int64_t ticket_id)
{
	return alert_store_set(
	    db, "UPDATE alerts SET ticket_id = ? WHERE id = ?", id, ticket_id);
}

int
alert_store_flapping(struct db *db, int64_t id)
{
	return alert_store_set(
	    db, "UPDATE alerts SET flapping = ? WHERE id = ?", id, 1);
}

static const char *
alert_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? (const char *)t : NULL;
}

int
alert_store_firing(struct db *db, alert_store_firing_fn *fn, void *arg)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	int rc;

	st = ticket_prepare(h, "SELECT id, rule, site, device, subject, "
	                       "started_at, ifnull(ticket_id, 0) FROM alerts "
	                       "WHERE state = 'firing' ORDER BY id");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(st, 0), alert_col(st, 1),
		   alert_col(st, 2), alert_col(st, 3), alert_col(st, 4),
		   sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("alerts: load firing: %s", sqlite3_errmsg(h));
		return -1;
	}
	return 0;
}

int
alert_store_silences(struct db *db, int64_t now, struct alert_silence **out,
                     size_t *n)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	struct alert_silence *v = NULL, *nv, *s;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	st = ticket_prepare(h, "SELECT id, site, ifnull(device, ''), "
	                       "ifnull(rule, ''), starts_at, ends_at FROM "
	                       "silences WHERE ends_at > ? ORDER BY id");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = vec_grow(v, &cap, *n, sizeof *v)) == NULL)
			goto fail;
		v = nv;
		s = &v[(*n)++];
		memset(s, 0, sizeof *s);
		s->id = sqlite3_column_int64(st, 0);
		snprintf(s->site, sizeof s->site, "%s", alert_col(st, 1));
		snprintf(s->device, sizeof s->device, "%s", alert_col(st, 2));
		snprintf(s->rule, sizeof s->rule, "%s", alert_col(st, 3));
		s->starts_at = sqlite3_column_int64(st, 4);
		s->ends_at = sqlite3_column_int64(st, 5);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	*out = v;
	return 0;
fail:
	log_err("alerts: load silences: %s", sqlite3_errmsg(h));
	sqlite3_finalize(st);
	free(v);
	*n = 0;
	return -1;
}

int64_t
alert_silence_add(struct db *db, const char *site, const char *device,
                  const char *rule, int64_t now, unsigned secs,
                  const char *actor, const char *comment)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;

	st = ticket_prepare(h, "INSERT INTO silences (site, device, rule, "
	                       "starts_at, ends_at, created_by, created_at, "
	                       "comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	ticket_bind_text(st, 1, site);
	ticket_bind_text(st, 2, device);
	ticket_bind_text(st, 3, rule);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now + secs);
	ticket_bind_text(st, 6, actor);
	sqlite3_bind_int64(st, 7, now);
	ticket_bind_text(st, 8, comment != NULL ? comment : "");
	if (ticket_exec(h, st, "add silence") != 0)
		return -1;
	return sqlite3_last_insert_rowid(h);
}
