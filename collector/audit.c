/*
 * audit.c: the audit log (audit.h).
 *
 * A plain append to audit_log with every value bound.  The statement is
 * prepared per call: audit rows come at human speed (a sign-in, a ticket
 * edit), so caching it per connection would buy nothing and would tie this
 * module to the connection's lifetime.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "collector/audit.h"
#include "collector/db.h"
#include "common/log.h"

/*
 * The length of 's' cut to at most 'max' bytes without splitting a UTF-8
 * sequence, so a long detail never leaves half a character behind.
 */
static int
audit_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return (int)n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

static void
audit_bind(sqlite3_stmt *st, int i, const char *s, size_t max)
{
	if (s == NULL)
		s = "";
	sqlite3_bind_text(st, i, s, audit_cut(s, max), SQLITE_TRANSIENT);
}

int
audit_log(struct db *db, const char *actor, const char *action,
          const char *object, const char *detail, int64_t now)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	int rc;

	if (actor == NULL || action == NULL)
		return -1;
	if (sqlite3_prepare_v2(h,
	                       "INSERT INTO audit_log (ts, actor, action, "
	                       "object, detail) VALUES (?, ?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	audit_bind(st, 2, actor, AUDIT_ACTOR_MAX);
	audit_bind(st, 3, action, AUDIT_ACTION_MAX);
	audit_bind(st, 4, object, AUDIT_OBJECT_MAX);
	audit_bind(st, 5, detail, AUDIT_DETAIL_MAX);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	return 0;
fail:
	log_err("audit: %s %s: %s", action, object ? object : "",
	        sqlite3_errmsg(h));
	if (st != NULL)
		sqlite3_finalize(st);
	return -1;
}

void
audit_entries_free(struct audit_entry *e, size_t n)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < n; i++)
		free(e[i].detail);
	free(e);
}

static void
audit_copy(char *dst, size_t dstsz, const unsigned char *src)
{
	snprintf(dst, dstsz, "%s", src ? (const char *)src : "");
}

int
audit_query(struct db *db, const struct audit_filter *f,
            struct audit_entry **out, size_t *n)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	struct audit_entry *v = NULL, *e;
	size_t limit = f->limit ? f->limit : 100, len = 0;
	const char *action = f->action ? f->action : "";
	size_t alen = strlen(action);
	int prefix = alen > 0 && action[alen - 1] == '.';
	int rc;

	*out = NULL;
	*n = 0;
	/*
	 * Unused filters bind values that match everything, so one statement
	 * serves every combination.  substr() rather than LIKE: an action
	 * carries '_' and LIKE would read it as a wildcard.
	 */
	if (sqlite3_prepare_v2(
	        h,
	        "SELECT id, ts, actor, action, object, detail FROM audit_log "
	        "WHERE ts >= ?1 AND (?2 = 0 OR ts < ?2) "
	        "AND (?3 IS NULL OR actor = ?3) "
	        "AND (?4 = '' OR (?5 AND substr(action, 1, length(?4)) = ?4) "
	        "     OR (NOT ?5 AND action = ?4)) "
	        "AND (?6 = 0 OR id < ?6) "
	        "ORDER BY id DESC LIMIT ?7",
	        -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, f->from);
	sqlite3_bind_int64(st, 2, f->to);
	if (f->actor != NULL)
		sqlite3_bind_text(st, 3, f->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, prefix);
	sqlite3_bind_int64(st, 6, f->before_id);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)limit);
	if ((v = calloc(limit, sizeof *v)) == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && len < limit) {
		e = &v[len];
		e->id = sqlite3_column_int64(st, 0);
		e->ts = sqlite3_column_int64(st, 1);
		audit_copy(e->actor, sizeof e->actor,
		           sqlite3_column_text(st, 2));
		audit_copy(e->action, sizeof e->action,
		           sqlite3_column_text(st, 3));
		audit_copy(e->object, sizeof e->object,
		           sqlite3_column_text(st, 4));
		e->detail =
		    strdup(sqlite3_column_text(st, 5)
		               ? (const char *)sqlite3_column_text(st, 5)
		               : "");
		len++;
		if (e->detail == NULL)
			goto fail;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		goto fail;
	sqlite3_finalize(st);
	if (len == 0) {
		free(v);
		return 0;
	}
	*out = v;
	*n = len;
	return 0;
fail:
	log_err("audit: query: %s", sqlite3_errmsg(h));
	audit_entries_free(v, len);
	if (st != NULL)
		sqlite3_finalize(st);
	return -1;
}
