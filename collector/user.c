/*
 * user.c: the users table (user.h).
 *
 * Each change is one SQL statement, or a savepoint around two, so it is
 * atomic whether or not the caller's connection is inside a transaction.
 * The last-admin rule is part of the UPDATE's WHERE clause: checking first
 * and updating after would let two admins demote each other at once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "collector/db.h"
#include "collector/user.h"
#include "common/log.h"

/* True when the row is the only enabled admin. */
#define USER_IS_LAST_ADMIN                                                     \
	"(role = 'admin' AND disabled = 0 AND (SELECT count(*) FROM users "    \
	"WHERE role = 'admin' AND disabled = 0) <= 1)"

static int
user_fail(sqlite3 *h, const char *what, sqlite3_stmt *st)
{
	log_err("user: %s: %s", what, sqlite3_errmsg(h));
	sqlite3_finalize(st);
	return -1;
}

int
user_add(struct db *db, const char *name, unsigned role, const char *hash,
         int64_t now)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	const char *rname = auth_role_name(role);
	int rc;

	if (rname == NULL || !auth_name_valid(name))
		return -1;
	if (sqlite3_prepare_v2(h,
	                       "INSERT INTO users (name, role, hash, created, "
	                       "updated) VALUES (?, ?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		return user_fail(h, "add", st);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rname, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	rc = sqlite3_step(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		sqlite3_finalize(st);
		return USER_EXISTS;
	}
	if (rc != SQLITE_DONE)
		return user_fail(h, "add", st);
	sqlite3_finalize(st);
	return USER_OK;
}

static void
user_row(sqlite3_stmt *st, struct user *u)
{
	const unsigned char *s;

	memset(u, 0, sizeof *u);
	s = sqlite3_column_text(st, 0);
	snprintf(u->name, sizeof u->name, "%s", s ? (const char *)s : "");
	if (auth_role_parse((const char *)sqlite3_column_text(st, 1),
	                    &u->role) == -1)
		u->role = 0;
	u->disabled = sqlite3_column_int(st, 2) != 0;
	u->created = sqlite3_column_int64(st, 3);
	u->updated = sqlite3_column_int64(st, 4);
	u->last_login = sqlite3_column_int64(st, 5);
}

#define USER_COLUMNS "name, role, disabled, created, updated, last_login, hash"

int
user_get(struct db *db, const char *name, struct user *u, char *hash,
         size_t hashsz)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	const unsigned char *s;
	int rc;

	if (sqlite3_prepare_v2(
	        h, "SELECT " USER_COLUMNS " FROM users WHERE name = ?", -1, &st,
	        NULL) != SQLITE_OK)
		return user_fail(h, "get", st);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return USER_NOT_FOUND;
	}
	if (rc != SQLITE_ROW)
		return user_fail(h, "get", st);
	user_row(st, u);
	if (hash != NULL) {
		s = sqlite3_column_text(st, 6);
		snprintf(hash, hashsz, "%s", s ? (const char *)s : "");
	}
	sqlite3_finalize(st);
	return USER_OK;
}

int
user_list(struct db *db, struct user **out, size_t *n)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	struct user *v = NULL, *p;
	size_t len = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(
	        h, "SELECT " USER_COLUMNS " FROM users ORDER BY name", -1, &st,
	        NULL) != SQLITE_OK)
		return user_fail(h, "list", st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((p = realloc(v, (len + 1) * sizeof *v)) == NULL) {
			free(v);
			sqlite3_finalize(st);
			return -1;
		}
		v = p;
		user_row(st, &v[len++]);
	}
	if (rc != SQLITE_DONE) {
		free(v);
		return user_fail(h, "list", st);
	}
	sqlite3_finalize(st);
	*out = v;
	*n = len;
	return USER_OK;
}

/* Runs one statement on (name, value...) and tells how many rows changed. */
static int
user_exec(sqlite3 *h, const char *what, const char *sql, const char *name,
          const char *text, int64_t num, int64_t now)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return user_fail(h, what, st);
	/* named parameters: each statement uses the ones it needs */
	if (sqlite3_bind_parameter_index(st, ":name"))
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":name"),
		                  name, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_index(st, ":text"))
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":text"),
		                  text, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_index(st, ":num"))
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":num"),
		                   num);
	if (sqlite3_bind_parameter_index(st, ":now"))
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":now"),
		                   now);
	if (sqlite3_step(st) != SQLITE_DONE)
		return user_fail(h, what, st);
	sqlite3_finalize(st);
	return sqlite3_changes(h);
}

/* USER_NOT_FOUND or USER_LAST_ADMIN after an UPDATE that changed nothing. */
static int
user_why_not(struct db *db, const char *name)
{
	struct user u;
	int rc = user_get(db, name, &u, NULL, 0);

	return rc == USER_OK ? USER_LAST_ADMIN : rc;
}

/*
 * Runs 'sql' and, when it changed the row, deletes the user's sessions,
 * both inside one savepoint.
 */
static int
user_change(struct db *db, const char *what, const char *sql, const char *name,
            const char *text, int64_t num, int64_t now, int end_sessions)
{
	sqlite3 *h = db_sqlite(db);
	int n;

	if (sqlite3_exec(h, "SAVEPOINT user_change", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return user_fail(h, what, NULL);
	n = user_exec(h, what, sql, name, text, num, now);
	if (n > 0 && end_sessions &&
	    user_exec(h, what,
	              "DELETE FROM sessions WHERE user_id = "
	              "(SELECT id FROM users WHERE name = :name)",
	              name, NULL, 0, 0) < 0)
		n = -1;
	if (n < 0) {
		sqlite3_exec(h, "ROLLBACK TO user_change", NULL, NULL, NULL);
		sqlite3_exec(h, "RELEASE user_change", NULL, NULL, NULL);
		return -1;
	}
	if (sqlite3_exec(h, "RELEASE user_change", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return user_fail(h, what, NULL);
	return n > 0 ? USER_OK : user_why_not(db, name);
}

int
user_set_password(struct db *db, const char *name, const char *hash,
                  int64_t now)
{
	return user_change(db, "passwd",
	                   "UPDATE users SET hash = :text, updated = :now "
	                   "WHERE name = :name",
	                   name, hash, 0, now, 1);
}

int
user_set_role(struct db *db, const char *name, unsigned role, int64_t now)
{
	const char *rname = auth_role_name(role);

	if (rname == NULL)
		return -1;
	return user_change(
	    db, "role",
	    "UPDATE users SET role = :text, updated = :now "
	    "WHERE name = :name AND (:text = 'admin' OR NOT " USER_IS_LAST_ADMIN
	    ")",
	    name, rname, 0, now, 0);
}

int
user_set_disabled(struct db *db, const char *name, int disabled, int64_t now)
{
	return user_change(
	    db, "disable",
	    "UPDATE users SET disabled = :num, updated = :now "
	    "WHERE name = :name AND (:num = 0 OR NOT " USER_IS_LAST_ADMIN ")",
	    name, NULL, disabled ? 1 : 0, now, disabled);
}

int
user_touch_login(struct db *db, const char *name, int64_t now)
{
	return user_exec(
	           db_sqlite(db), "login",
	           "UPDATE users SET last_login = :now WHERE name = :name",
	           name, NULL, 0, now) < 0
	           ? -1
	           : USER_OK;
}

int
user_count(struct db *db)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	int n;

	if (sqlite3_prepare_v2(h, "SELECT count(*) FROM users", -1, &st,
	                       NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		return user_fail(h, "count", st);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}
