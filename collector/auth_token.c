/*
 * auth_token.c: the api_tokens table (auth_token.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "collector/auth_token.h"
#include "collector/db.h"
#include "collector/user.h"
#include "common/log.h"

static int
auth_token_fail(sqlite3 *h, const char *what, sqlite3_stmt *st)
{
	log_err("token: %s: %s", what, sqlite3_errmsg(h));
	sqlite3_finalize(st);
	return -1;
}

int
auth_token_create(struct db *db, const char *name, unsigned role, int64_t now,
                  char token[AUTH_TOKEN_LEN + 1])
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	const char *rname = auth_role_name(role);
	char digest[AUTH_DIGEST_HEX + 1];
	int rc;

	if (rname == NULL || !auth_name_valid(name))
		return -1;
	memcpy(token, AUTH_TOKEN_PREFIX, 4);
	if (auth_random_hex(token + 4) == -1)
		return -1;
	auth_digest_hex(token, digest);
	if (sqlite3_prepare_v2(h,
	                       "INSERT INTO api_tokens (name, role, hash, "
	                       "created) VALUES (?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rname, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, digest, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 0;
	}
	explicit_bzero(token, AUTH_TOKEN_LEN + 1);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		sqlite3_finalize(st);
		return USER_EXISTS;
	}
fail:
	explicit_bzero(token, AUTH_TOKEN_LEN + 1);
	return auth_token_fail(h, "create", st);
}

static int
auth_token_valid(const char *token)
{
	size_t i;

	if (token == NULL || strncmp(token, AUTH_TOKEN_PREFIX, 4) != 0)
		return 0;
	for (i = 4; token[i] != '\0'; i++)
		if (!((token[i] >= '0' && token[i] <= '9') ||
		      (token[i] >= 'a' && token[i] <= 'f')))
			return 0;
	return i == AUTH_TOKEN_LEN;
}

static void
auth_token_row(sqlite3_stmt *st, struct auth_token *t)
{
	const unsigned char *s = sqlite3_column_text(st, 0);

	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", s ? (const char *)s : "");
	if (auth_role_parse((const char *)sqlite3_column_text(st, 1),
	                    &t->role) == -1)
		t->role = 0;
	t->created = sqlite3_column_int64(st, 2);
	t->last_used = sqlite3_column_int64(st, 3);
	t->revoked = sqlite3_column_int64(st, 4);
}

int
auth_token_lookup(struct db *db, const char *token, int64_t now,
                  struct auth_token *t)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	char digest[AUTH_DIGEST_HEX + 1];
	int rc;

	memset(t, 0, sizeof *t);
	if (!auth_token_valid(token))
		return 0;
	auth_digest_hex(token, digest);
	if (sqlite3_prepare_v2(h,
	                       "SELECT name, role, created, last_used, revoked "
	                       "FROM api_tokens WHERE hash = ? AND revoked IS "
	                       "NULL",
	                       -1, &st, NULL) != SQLITE_OK)
		return auth_token_fail(h, "lookup", st);
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 0;
	}
	if (rc != SQLITE_ROW)
		return auth_token_fail(h, "lookup", st);
	auth_token_row(st, t);
	sqlite3_finalize(st);
	if (t->role == 0)
		return 0;
	if (now - t->last_used >= 60) {
		if (sqlite3_prepare_v2(h,
		                       "UPDATE api_tokens SET last_used = ? "
		                       "WHERE hash = ?",
		                       -1, &st, NULL) != SQLITE_OK)
			return auth_token_fail(h, "touch", st);
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return auth_token_fail(h, "touch", st);
		sqlite3_finalize(st);
		t->last_used = now;
	}
	return 1;
}

int
auth_token_list(struct db *db, struct auth_token **out, size_t *n)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	struct auth_token *v = NULL, *p;
	size_t len = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(h,
	                       "SELECT name, role, created, last_used, revoked "
	                       "FROM api_tokens ORDER BY name",
	                       -1, &st, NULL) != SQLITE_OK)
		return auth_token_fail(h, "list", st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((p = realloc(v, (len + 1) * sizeof *v)) == NULL) {
			free(v);
			sqlite3_finalize(st);
			return -1;
		}
		v = p;
		auth_token_row(st, &v[len++]);
	}
	if (rc != SQLITE_DONE) {
		free(v);
		return auth_token_fail(h, "list", st);
	}
	sqlite3_finalize(st);
	*out = v;
	*n = len;
	return 0;
}

int
auth_token_revoke(struct db *db, const char *name, int64_t now)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(h,
	                       "UPDATE api_tokens SET revoked = ? WHERE name = "
	                       "? AND revoked IS NULL",
	                       -1, &st, NULL) != SQLITE_OK)
		return auth_token_fail(h, "revoke", st);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return auth_token_fail(h, "revoke", st);
	sqlite3_finalize(st);
	return sqlite3_changes(h) > 0 ? 0 : USER_NOT_FOUND;
}
