/*
 * session.c: the sessions table (session.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "collector/db.h"
#include "collector/session.h"
#include "common/log.h"

static int
session_fail(sqlite3 *h, const char *what, sqlite3_stmt *st)
{
	log_err("session: %s: %s", what, sqlite3_errmsg(h));
	sqlite3_finalize(st);
	return -1;
}

/* A cookie value as this program makes them: 64 lower-case hex digits. */
static int
session_id_valid(const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0'; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		      (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return i == AUTH_SECRET_HEX;
}

static int
session_purge(sqlite3 *h, int64_t now)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(h,
	                       "DELETE FROM sessions WHERE expires <= ?1 "
	                       "OR last_used <= ?1 - ?2",
	                       -1, &st, NULL) != SQLITE_OK)
		return session_fail(h, "purge", st);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, SESSION_IDLE_S);
	if (sqlite3_step(st) != SQLITE_DONE)
		return session_fail(h, "purge", st);
	sqlite3_finalize(st);
	return 0;
}

int
session_create(struct db *db, const char *user, const char *address,
               int64_t now, char id[AUTH_SECRET_HEX + 1], struct session *s)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	char digest[AUTH_DIGEST_HEX + 1];
	int rc;

	memset(s, 0, sizeof *s);
	if (session_purge(h, now) == -1 || auth_random_hex(id) == -1 ||
	    auth_random_hex(s->csrf) == -1)
		return -1;
	auth_digest_hex(id, digest);
	if (sqlite3_prepare_v2(
	        h,
	        "INSERT INTO sessions (id_hash, user_id, csrf, created, "
	        "last_used, expires, address) SELECT ?, id, ?, ?, ?, ?, ? "
	        "FROM users WHERE name = ? AND disabled = 0 RETURNING "
	        "(SELECT role FROM users WHERE name = ?7)",
	        -1, &st, NULL) != SQLITE_OK)
		return session_fail(h, "create", st);
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now + SESSION_MAX_S);
	sqlite3_bind_text(st, 6, address ? address : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, user, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		explicit_bzero(id, AUTH_SECRET_HEX + 1);
		if (rc != SQLITE_DONE)
			return session_fail(h, "create", st);
		/* no row: the user is unknown or disabled */
		sqlite3_finalize(st);
		return -1;
	}
	if (auth_role_parse((const char *)sqlite3_column_text(st, 0),
	                    &s->role) == -1)
		s->role = 0;
	sqlite3_step(st);
	sqlite3_finalize(st);
	snprintf(s->user, sizeof s->user, "%s", user);
	s->created = now;
	s->last_used = now;
	s->expires = now + SESSION_MAX_S;
	return 0;
}

int
session_lookup(struct db *db, const char *id, int64_t now, struct session *s)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	char digest[AUTH_DIGEST_HEX + 1];
	const unsigned char *t;
	int rc;

	memset(s, 0, sizeof *s);
	if (id == NULL || !session_id_valid(id))
		return 0;
	auth_digest_hex(id, digest);
	/*
	 * The primary key finds the row by the digest; no comparison of a
	 * secret happens here that a timing could leak.
	 */
	if (sqlite3_prepare_v2(
	        h,
	        "SELECT u.name, u.role, s.csrf, s.created, s.last_used, "
	        "s.expires FROM sessions s JOIN users u ON u.id = s.user_id "
	        "WHERE s.id_hash = ? AND u.disabled = 0",
	        -1, &st, NULL) != SQLITE_OK)
		return session_fail(h, "lookup", st);
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 0;
	}
	if (rc != SQLITE_ROW)
		return session_fail(h, "lookup", st);
	t = sqlite3_column_text(st, 0);
	snprintf(s->user, sizeof s->user, "%s", t ? (const char *)t : "");
	if (auth_role_parse((const char *)sqlite3_column_text(st, 1),
	                    &s->role) == -1)
		s->role = 0;
	t = sqlite3_column_text(st, 2);
	snprintf(s->csrf, sizeof s->csrf, "%s", t ? (const char *)t : "");
	s->created = sqlite3_column_int64(st, 3);
	s->last_used = sqlite3_column_int64(st, 4);
	s->expires = sqlite3_column_int64(st, 5);
	sqlite3_finalize(st);
	if (now >= s->expires || now >= s->last_used + SESSION_IDLE_S ||
	    s->role == 0) {
		session_delete(db, id);
		memset(s, 0, sizeof *s);
		return 0;
	}
	if (now - s->last_used >= SESSION_TOUCH_S) {
		if (sqlite3_prepare_v2(h,
		                       "UPDATE sessions SET last_used = ? "
		                       "WHERE id_hash = ?",
		                       -1, &st, NULL) != SQLITE_OK)
			return session_fail(h, "touch", st);
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return session_fail(h, "touch", st);
		sqlite3_finalize(st);
		s->last_used = now;
	}
	return 1;
}

int
session_delete(struct db *db, const char *id)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	char digest[AUTH_DIGEST_HEX + 1];

	if (id == NULL || !session_id_valid(id))
		return 0;
	auth_digest_hex(id, digest);
	if (sqlite3_prepare_v2(h, "DELETE FROM sessions WHERE id_hash = ?", -1,
	                       &st, NULL) != SQLITE_OK)
		return session_fail(h, "delete", st);
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return session_fail(h, "delete", st);
	sqlite3_finalize(st);
	return 0;
}

int
session_csrf_ok(const struct session *s, const char *token)
{
	return s->csrf[0] != '\0' && auth_equal(s->csrf, token);
}
