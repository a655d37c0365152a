/*
 * session.h: browser sessions, table sessions of 004-auth.sql (issue 9).
 *
 * A session id is 256 random bits (auth_random_hex) handed to the browser
 * once, in the cookie; the table keeps only its SHA-256, so reading the
 * database does not let anyone take over a session.  A session ends after
 * SESSION_IDLE_S without a request or SESSION_MAX_S after sign-in,
 * whichever comes first, when its user is disabled or changes password, or
 * at sign-out.  Each session has a CSRF token the UI sends back in
 * X-CSRF-Token on every change.
 *
 * Functions return 0 or -1 (database error, logged) unless noted.
 */
#ifndef PANTAU_COLLECTOR_SESSION_H
#define PANTAU_COLLECTOR_SESSION_H

#include <stdint.h>

#include "collector/auth.h"

struct db;

#define SESSION_IDLE_S (2 * 3600) /* a telecenter's working block */
#define SESSION_MAX_S (12 * 3600) /* one working day, then sign in again */
#define SESSION_TOUCH_S 60        /* last_used is written at most this often */

struct session {
	char user[AUTH_NAME_MAX + 1];
	unsigned role;
	char csrf[AUTH_SECRET_HEX + 1];
	int64_t created;
	int64_t last_used;
	int64_t expires; /* absolute end */
};

/*
 * Opens a session for the enabled user 'user' from 'address': writes the
 * cookie value to 'id' (the only copy) and fills *s.  Also deletes expired
 * sessions of everyone, so the table stays small.
 */
int session_create(struct db *db, const char *user, const char *address,
                   int64_t now, char id[AUTH_SECRET_HEX + 1],
                   struct session *s);

/*
 * Finds the live session of cookie value 'id' at 'now' and fills *s.
 * Returns 1 found (its last use recorded), 0 when unknown, expired or its
 * user disabled, -1 on error.  A malformed id is simply not found.
 */
int session_lookup(struct db *db, const char *id, int64_t now,
                   struct session *s);

/* Ends the session of cookie value 'id' (sign-out); unknown is fine. */
int session_delete(struct db *db, const char *id);

/*
 * 1 when 'token' (the X-CSRF-Token header, NULL when absent) is the
 * session's CSRF token, compared in constant time; 0 otherwise.
 */
int session_csrf_ok(const struct session *s, const char *token);

#endif
