/*
 * audit.h: the audit log, who changed what (issue 9, docs/auth.md).
 *
 * Every module that changes state on a person's behalf (tickets, assets,
 * users, tokens, sign-in) appends one row with audit_log().  Rows are never
 * updated or deleted; GET /api/v1/audit (admin) and the tests read them
 * back with audit_query().  The table is audit_log of
 * collector/schema/004-auth.sql.
 */
#ifndef PANTAU_COLLECTOR_AUDIT_H
#define PANTAU_COLLECTOR_AUDIT_H

#include <stddef.h>
#include <stdint.h>

struct db;

/* Longest strings kept; longer ones are cut (on a UTF-8 boundary). */
#define AUDIT_ACTOR_MAX 64
#define AUDIT_ACTION_MAX 64
#define AUDIT_OBJECT_MAX 128
#define AUDIT_DETAIL_MAX 4096

/*
 * Appends a row.  'actor' is "system", a user name, or "token:NAME";
 * 'action' a dotted verb such as "ticket.update" or "user.create";
 * 'object' what was acted on, such as "ticket/12" (NULL: ""); 'detail'
 * free text or JSON (NULL: "").  Never pass a password or a token.
 * 'now' is Unix seconds.  Works inside or outside the caller's
 * transaction on 'db' (a writable connection).  Returns 0, or -1 with the
 * SQLite message logged.
 */
int audit_log(struct db *db, const char *actor, const char *action,
              const char *object, const char *detail, int64_t now);

/* One row read back. */
struct audit_entry {
	int64_t id;
	int64_t ts;
	char actor[AUDIT_ACTOR_MAX + 1];
	char action[AUDIT_ACTION_MAX + 1];
	char object[AUDIT_OBJECT_MAX + 1];
	char *detail; /* malloc'd; freed by audit_entries_free() */
};

/* Which rows audit_query() returns; zero fields do not filter. */
struct audit_filter {
	int64_t from;       /* ts >= from */
	int64_t to;         /* ts < to (0: no bound) */
	const char *actor;  /* exact match, or NULL */
	const char *action; /* exact, or a prefix ending in '.' ("user.") */
	int64_t before_id;  /* id < before_id, for paging (0: newest) */
	size_t limit;       /* 0: 100 */
};

/*
 * The rows matching 'f', newest first.  *out is a malloc'd array the
 * caller frees with audit_entries_free(); NULL with *n 0 when none or on
 * failure.  Returns 0 or -1.
 */
int audit_query(struct db *db, const struct audit_filter *f,
                struct audit_entry **out, size_t *n);
void audit_entries_free(struct audit_entry *e, size_t n);

#endif
