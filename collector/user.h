/*
 * user.h: the people who sign in, table users of 004-auth.sql (issue 9).
 *
 * A user has a name, one role and a password hash (auth.h).  Users are
 * disabled rather than deleted, so the audit log and ticket notes keep
 * naming them.  The last enabled admin can be neither disabled nor given
 * another role: somebody must be left to manage users.  Changing a
 * password or disabling a user ends its sessions.
 *
 * Functions return USER_OK (0), -1 on a database error (logged), or one of
 * the positive outcomes below.
 */
#ifndef PANTAU_COLLECTOR_USER_H
#define PANTAU_COLLECTOR_USER_H

#include <stddef.h>
#include <stdint.h>

#include "collector/auth.h"

struct db;

enum user_rc {
	USER_OK = 0,
	USER_EXISTS = 1,     /* user_add: the name is taken */
	USER_NOT_FOUND = 2,  /* no such user */
	USER_LAST_ADMIN = 3, /* would leave no enabled admin */
};

struct user {
	char name[AUTH_NAME_MAX + 1];
	unsigned role; /* one enum http_role bit */
	int disabled;
	int64_t created;
	int64_t updated;
	int64_t last_login; /* 0: never */
};

/* Adds a user with a hash from auth_password_hash(). */
int user_add(struct db *db, const char *name, unsigned role, const char *hash,
             int64_t now);

/*
 * One user; with 'hash' non-NULL also its password hash (hashsz at least
 * AUTH_HASH_MAX + 1).  USER_OK or USER_NOT_FOUND.
 */
int user_get(struct db *db, const char *name, struct user *u, char *hash,
             size_t hashsz);

/* Every user by name; *out malloc'd, the caller frees it. */
int user_list(struct db *db, struct user **out, size_t *n);

/* A new password hash; ends the user's sessions. */
int user_set_password(struct db *db, const char *name, const char *hash,
                      int64_t now);

/* A new role (USER_LAST_ADMIN when it would demote the last admin). */
int user_set_role(struct db *db, const char *name, unsigned role, int64_t now);

/* Disables (ending its sessions) or enables a user. */
int user_set_disabled(struct db *db, const char *name, int disabled,
                      int64_t now);

/* Records a successful sign-in. */
int user_touch_login(struct db *db, const char *name, int64_t now);

/* How many users exist (0 on a fresh install), or -1. */
int user_count(struct db *db);

#endif
