/*
 * db_priv.h: what the files of the database module share (db.c, which
 * owns the connection, the statement cache, migrations and writes, and
 * db_query.c, the reads).  Nothing outside collector/db*.c includes it.
 */
#ifndef PANTAU_COLLECTOR_DB_PRIV_H
#define PANTAU_COLLECTOR_DB_PRIV_H

#include <sqlite3.h>

#include "collector/db.h"

/* Every statement the module runs; the SQL is in db.c's db_sql[]. */
enum db_stmt {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_SITE_ENSURE,
	S_DEVICE_ENSURE,
	S_DEVICE_METRICS,
	S_LATEST_UPSERT,
	S_INVENTORY_STORE,
	S_EVENT_STORE,
	S_STATE_SET,
	S_PRESENCE_CLOSE,
	S_PRESENCE_OPEN,
	S_DEVICES_QUERY,
	S_DEVICE_GET,
	S_LATEST_LOAD,
	S_INVENTORY_LOAD,
	S_PRESENCE_LOAD,
	S_NSTMTS
};

struct db {
	sqlite3 *h;
	int readonly;
	sqlite3_stmt *st[S_NSTMTS];
	char lasterr[256]; /* the last failure logged */
	unsigned long errors;
	char *path;
	struct db_latest_buf *lat; /* latest values of the transaction (db.c) */
};

/* Logs a failure of 'what' once per distinct message and counts it. */
void db_fail(struct db *db, const char *what);

/* The cached statement 'id', prepared on first use; NULL (logged) on error. */
sqlite3_stmt *db_stmt(struct db *db, enum db_stmt id);

/*
 * Runs a statement one step.  Returns SQLITE_ROW or SQLITE_DONE, or -1
 * (logged, statement reset).  The caller resets after the last row.
 */
int db_step(struct db *db, sqlite3_stmt *st, const char *what);

/* Binds a string that outlives the step, or NULL. */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);

#endif
