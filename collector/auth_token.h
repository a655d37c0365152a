/*
 * auth_token.h: API tokens for scripts, table api_tokens of 004-auth.sql
 * (issue 9, "pantauctl token create", "Authorization: Bearer").
 *
 * A token is "ptk_" and 64 hex digits (256 random bits); the prefix lets
 * secret scanners and people recognise one.  It is shown once, when
 * created; the table keeps its SHA-256.  A token carries one role, as a
 * user does; revoking it keeps the row so the name is not reused.
 *
 * Functions return 0, -1 on a database error (logged), or the user.h
 * outcomes USER_EXISTS / USER_NOT_FOUND.
 */
#ifndef PANTAU_COLLECTOR_AUTH_TOKEN_H
#define PANTAU_COLLECTOR_AUTH_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "collector/auth.h"

struct db;

#define AUTH_TOKEN_PREFIX "ptk_"
#define AUTH_TOKEN_LEN (4 + AUTH_SECRET_HEX)

struct auth_token {
	char name[AUTH_NAME_MAX + 1];
	unsigned role;
	int64_t created;
	int64_t last_used; /* 0: never */
	int64_t revoked;   /* 0: valid */
};

/* Creates token 'name'; its value goes to 'token' (the only copy). */
int auth_token_create(struct db *db, const char *name, unsigned role,
                      int64_t now, char token[AUTH_TOKEN_LEN + 1]);

/*
 * The valid token of value 'token': 1 and *t filled (its use recorded, at
 * most once a minute), 0 when unknown, malformed or revoked, -1 on error.
 */
int auth_token_lookup(struct db *db, const char *token, int64_t now,
                      struct auth_token *t);

/* Every token by name, revoked ones too; *out malloc'd, caller frees. */
int auth_token_list(struct db *db, struct auth_token **out, size_t *n);

/* Revokes 'name'; USER_NOT_FOUND when no valid token has that name. */
int auth_token_revoke(struct db *db, const char *name, int64_t now);

#endif
