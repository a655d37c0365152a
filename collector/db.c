/*
 * db.c: the collector's SQLite database (db.h, docs/database.md): the
 * connection, its statement cache, migrations, transactions and the writes.
 * The reads are in db_query.c.
 *
 * One struct db is one connection.  The event loop owns a read-write one
 * and groups a batch of messages into a transaction (db_begin/db_commit);
 * the HTTP thread owns a read-only one.  WAL lets the reader see the last
 * committed batch while the writer carries on.
 *
 * Every statement is prepared once per connection, on first use, and kept
 * (SQLITE_PREPARE_PERSISTENT); values are always bound, never pasted into
 * SQL text.  Functions that write several rows wrap them in a SAVEPOINT, so
 * a failure leaves nothing half-done whether or not the caller opened a
 * transaction.
 *
 * The schema lives in collector/schema/NNN-name.sql, compiled in by db.mk as
 * db_migrations[] (db_schema.h).  PRAGMA user_version is the number of
 * migrations applied.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "collector/db.h"
#include "collector/db_priv.h"
#include "collector/db_schema.h"
#include "common/log.h"
#include "common/timeutil.h"

#define DB_BUSY_TIMEOUT_MS 5000

/*
 * Per connection.  synchronous=NORMAL: in WAL mode a power cut loses at
 * most the last transactions, never consistency, and commits need no
 * fsync.  temp_store=MEMORY also keeps statement and savepoint journals in
 * small in-memory chunks: on file-backed temp storage SQLite allocates and
 * frees a 64 KiB spill buffer per write statement, and glibc returning it
 * to the kernel each time cost 7x in throughput (docs/database.md).  A
 * larger page cache (16 MiB) keeps the latest-values index of a province
 * in memory.
 */
#define DB_PRAGMAS                                                             \
	"PRAGMA synchronous = NORMAL; "                                        \
	"PRAGMA foreign_keys = ON; "                                           \
	"PRAGMA temp_store = MEMORY; "                                         \
	"PRAGMA cache_size = -16384"

/* The columns db_device_row() reads, in its order. */
#define DEVICE_COLUMNS                                                         \
	"s.name, d.name, d.type, d.state, d.state_since, d.first_seen, "       \
	"d.last_seen, d.last_received, d.interval, d.last_seq"

#define DEVICE_ID_OF(s, d)                                                     \
	"(SELECT d.id FROM devices d JOIN sites s ON s.id = d.site_id "        \
	"WHERE s.name = " s " AND d.name = " d ")"

static const char *const db_sql[S_NSTMTS] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_SAVEPOINT] = "SAVEPOINT db_op",
    [S_RELEASE] = "RELEASE db_op",
    [S_ROLLBACK_TO] = "ROLLBACK TO db_op",
    [S_SITE_ENSURE] = "INSERT INTO sites (name, first_seen) VALUES (?1, ?2) "
                      "ON CONFLICT (name) DO NOTHING",
    /* ?1 site ?2 device ?3 type or NULL ?4 now */
    [S_DEVICE_ENSURE] =
        "INSERT INTO devices (site_id, name, type, first_seen, state_since) "
        "VALUES ((SELECT id FROM sites WHERE name = ?1), ?2, ?3, ?4, ?4) "
        "ON CONFLICT (site_id, name) DO UPDATE SET "
        "type = coalesce(excluded.type, devices.type) "
        "RETURNING id, state",
    /*
     * ?1 site ?2 device ?3 type ?4 received ?5 ts ?6 seq ?7 interval.
     * In SET, bare column names are the old row: last_seq and interval
     * follow the newest ts only, so a late message leaves them alone.
     */
    [S_DEVICE_METRICS] =
        "INSERT INTO devices (site_id, name, type, first_seen, state_since, "
        "last_seen, last_received, last_seq, interval) "
        "VALUES ((SELECT id FROM sites WHERE name = ?1), ?2, ?3, ?4, ?4, "
        "?5, ?4, ?6, ?7) "
        "ON CONFLICT (site_id, name) DO UPDATE SET "
        "type = excluded.type, "
        "last_received = "
        "max(coalesce(last_received, 0), excluded.last_received), "
        "last_seq = CASE WHEN last_seen IS NULL "
        "OR excluded.last_seen >= last_seen "
        "THEN excluded.last_seq ELSE last_seq END, "
        "interval = CASE WHEN last_seen IS NULL "
        "OR excluded.last_seen >= last_seen "
        "THEN excluded.interval ELSE interval END, "
        "last_seen = "
        "max(coalesce(last_seen, excluded.last_seen), excluded.last_seen) "
        "RETURNING id",
    /* ?1 device id ?2 kind ?3 metric ?4 value ?5 ts */
    [S_LATEST_UPSERT] =
        "INSERT INTO latest (device_id, kind, metric, value, ts) "
        "VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (device_id, kind, metric) DO UPDATE SET "
        "value = excluded.value, ts = excluded.ts "
        "WHERE excluded.ts >= latest.ts",
    [S_INVENTORY_STORE] =
        "UPDATE devices SET inventory = ?2, inventory_ts = ?3, "
        "type = coalesce(?4, type) "
        "WHERE id = ?1 AND (inventory_ts IS NULL OR inventory_ts <= ?3)",
    [S_EVENT_STORE] =
        "INSERT INTO events "
        "(device_id, ts, received, code, severity, state, text) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
    [S_STATE_SET] =
        "UPDATE devices SET state = ?2, state_since = ?3 WHERE id = ?1",
    [S_PRESENCE_CLOSE] =
        "UPDATE presence SET until = ?2 WHERE device_id = ?1 AND until IS NULL",
    [S_PRESENCE_OPEN] = "INSERT INTO presence (device_id, state, since, cause) "
                        "VALUES (?1, ?2, ?3, ?4)",
    /* ?1 site or NULL, ?2 limit (-1: none) */
    [S_DEVICES_QUERY] = "SELECT " DEVICE_COLUMNS " FROM devices d "
                        "JOIN sites s ON s.id = d.site_id "
                        "WHERE ?1 IS NULL OR s.name = ?1 "
                        "ORDER BY s.name, d.name LIMIT ?2",
    [S_DEVICE_GET] = "SELECT " DEVICE_COLUMNS " FROM devices d "
                     "JOIN sites s ON s.id = d.site_id "
                     "WHERE s.name = ?1 AND d.name = ?2",
    [S_LATEST_LOAD] = "SELECT kind, metric, value, ts FROM latest "
                      "WHERE device_id = " DEVICE_ID_OF(
                          "?1", "?2") " "
                                      "ORDER BY kind = 'counter', metric",
    [S_INVENTORY_LOAD] = "SELECT d.inventory, d.inventory_ts FROM devices d "
                         "JOIN sites s ON s.id = d.site_id "
                         "WHERE s.name = ?1 AND d.name = ?2",
    /* ?3 from ?4 to */
    [S_PRESENCE_LOAD] =
        "SELECT state, since, until, cause FROM presence "
        "WHERE device_id = " DEVICE_ID_OF(
            "?1", "?2") " "
                        "AND since < ?4 AND (until IS NULL OR until > ?3) "
                        "ORDER BY since, id",
};

static const char *const dev_state_names[STATE_NSTATES] = {
    [STATE_UNKNOWN] = "unknown", [STATE_ONLINE] = "online",
    [STATE_OFFLINE] = "offline", [STATE_UNREACHABLE] = "unreachable",
    [STATE_STALE] = "stale",
};

const char *
dev_state_name(enum dev_state s)
{
	if ((unsigned)s >= STATE_NSTATES)
		return "unknown";
	return dev_state_names[s];
}

int
dev_state_parse(const char *s, enum dev_state *out)
{
	for (int i = 0; i < STATE_NSTATES; i++) {
		if (strcmp(s, dev_state_names[i]) == 0) {
			*out = (enum dev_state)i;
			return 0;
		}
	}
	return -1;
}

int
db_schema_latest(void)
{
	return (int)db_nmigrations;
}

unsigned long
db_errors(const struct db *db)
{
	return db->errors;
}

sqlite3 *
db_sqlite(struct db *db)
{
	return db->h;
}

/*
 * Logs a failure of 'what', once per distinct message: a disk that is full
 * fails every batch the same way, and one line says it.  db_commit() clears
 * the memory, so the failure is told again if it comes back later.
 */
void
db_fail(struct db *db, const char *what)
{
	char msg[sizeof db->lasterr];

	db->errors++;
	snprintf(msg, sizeof msg, "%s: %s: %s", db->path, what,
	         sqlite3_errmsg(db->h));
	if (strcmp(msg, db->lasterr) == 0)
		return;
	log_err("database %s", msg);
	memcpy(db->lasterr, msg, sizeof msg);
}

sqlite3_stmt *
db_stmt(struct db *db, enum db_stmt id)
{
	if (db->st[id] == NULL &&
	    sqlite3_prepare_v3(db->h, db_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
	                       &db->st[id], NULL) != SQLITE_OK) {
		db_fail(db, "prepare");
		return NULL;
	}
	return db->st[id];
}

/*
 * Runs a prepared statement one step.  Returns SQLITE_ROW or SQLITE_DONE,
 * or -1 (logged, statement reset).  The caller resets after the last row.
 */
int
db_step(struct db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	db_fail(db, what);
	sqlite3_reset(st);
	return -1;
}

/* Runs a statement that returns no rows.  0 or -1. */
static int
db_exec_stmt(struct db *db, enum db_stmt id, const char *what)
{
	sqlite3_stmt *st = db_stmt(db, id);
	int rc;

	if (st == NULL)
		return -1;
	rc = db_step(db, st, what);
	sqlite3_reset(st);
	return rc == -1 ? -1 : 0;
}

void
db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static const char *
db_type_text(enum dev_type t)
{
	return (unsigned)t < DEV_NTYPES ? wire_type_name(t) : NULL;
}

static int
db_savepoint(struct db *db)
{
	return db_exec_stmt(db, S_SAVEPOINT, "savepoint");
}

static int
db_release(struct db *db)
{
	return db_exec_stmt(db, S_RELEASE, "release");
}

/* Undoes the work since db_savepoint() and ends the savepoint. */
static void
db_undo(struct db *db)
{
	db_exec_stmt(db, S_ROLLBACK_TO, "rollback to savepoint");
	db_exec_stmt(db, S_RELEASE, "release");
}

static int db_latest_flush(struct db *db);
static void db_latest_free(struct db_latest_buf *b);

int
db_begin(struct db *db)
{
	return db_exec_stmt(db, S_BEGIN, "begin");
}

int
db_commit(struct db *db)
{
	int r = db_latest_flush(db);

	if (db_exec_stmt(db, S_COMMIT, "commit") == -1) {
		/* A failed COMMIT may leave the transaction open. */
		if (!sqlite3_get_autocommit(db->h))
			db_exec_stmt(db, S_ROLLBACK, "rollback");
		return -1;
	}
	if (db->lasterr[0] != '\0') {
		log_info("database %s: writing again", db->path);
		db->lasterr[0] = '\0';
	}
	return r;
}

int
db_in_transaction(const struct db *db)
{
	return !sqlite3_get_autocommit(db->h);
}

/* Runs one SQL string outside the cache (set-up, migrations). */
static int
db_exec(struct db *db, const char *sql, const char *what)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(db, what);
		return -1;
	}
	return 0;
}

static int
db_user_version(struct db *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK) {
		db_fail(db, "read schema version");
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		db_fail(db, "read schema version");
	sqlite3_finalize(st);
	return v;
}

int
db_schema_version(struct db *db)
{
	return db_user_version(db);
}

/*
 * Applies migration 'i' (version i + 1) in a transaction of its own.  The
 * version is read again inside it, so two programs opening a new file at
 * once (the collector and pantauctl) do not apply a migration twice.
 */
static int
db_migrate_one(struct db *db, size_t i, char *err, size_t errsz)
{
	char sql[128];
	int v;

	if (db_exec(db, "BEGIN IMMEDIATE", "begin migration") == -1)
		goto fail;
	if ((v = db_user_version(db)) == -1)
		goto fail_rollback;
	if ((size_t)v > i) {
		db_exec(db, "ROLLBACK", "rollback");
		return 0;
	}
	snprintf(
	    sql, sizeof sql,
	    "PRAGMA user_version = %zu; "
	    "INSERT INTO schema_history (version, applied) VALUES (%zu, %lld)",
	    i + 1, i + 1, (long long)time_now());
	if (db_exec(db, db_migrations[i], "migration") == -1 ||
	    db_exec(db, sql, "migration") == -1 ||
	    db_exec(db, "COMMIT", "commit migration") == -1)
		goto fail_rollback;
	log_info("database %s: schema migrated to version %zu", db->path,
	         i + 1);
	return 0;

fail_rollback:
	snprintf(err, errsz, "%s: migration to schema version %zu failed: %s",
	         db->path, i + 1, sqlite3_errmsg(db->h));
	db_exec(db, "ROLLBACK", "rollback");
	return -1;
fail:
	snprintf(err, errsz, "%s: %s", db->path, sqlite3_errmsg(db->h));
	return -1;
}

/*
 * Brings the schema to db_schema_latest().  A file written by a newer
 * pantau is refused rather than guessed at; a read-only connection must
 * find the schema exactly current (the collector migrates at start).
 */
static int
db_migrate(struct db *db, char *err, size_t errsz)
{
	int v = db_user_version(db);

	if (v == -1) {
		snprintf(err, errsz, "%s: %s", db->path, sqlite3_errmsg(db->h));
		return -1;
	}
	if ((size_t)v > db_nmigrations) {
		snprintf(
		    err, errsz,
		    "%s: schema version %d is newer than this "
		    "program's %zu: run a newer pantau, or restore a backup",
		    db->path, v, db_nmigrations);
		return -1;
	}
	if (db->readonly) {
		if ((size_t)v < db_nmigrations) {
			snprintf(
			    err, errsz,
			    "%s: schema version %d, expected "
			    "%zu: start pantau-collector once to migrate it",
			    db->path, v, db_nmigrations);
			return -1;
		}
		return 0;
	}
	for (size_t i = (size_t)v; i < db_nmigrations; i++)
		if (db_migrate_one(db, i, err, errsz) == -1)
			return -1;
	return 0;
}

struct db *
db_open(const char *path, int readonly, char *err, size_t errsz)
{
	struct db *db;
	int flags;

	if ((db = calloc(1, sizeof *db)) == NULL ||
	    (db->path = strdup(path)) == NULL) {
		snprintf(err, errsz, "%s: out of memory", path);
		goto fail;
	}
	db->readonly = readonly;
	flags = readonly ? SQLITE_OPEN_READONLY
	                 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", path,
		         db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS);
	/* WAL is a property of the file, set by the writer; readers inherit it.
	 */
	if ((!readonly &&
	     db_exec(db, "PRAGMA journal_mode = WAL", "set WAL mode") == -1) ||
	    db_exec(db, DB_PRAGMAS, "set pragmas") == -1) {
		snprintf(err, errsz, "%s: %s", path, sqlite3_errmsg(db->h));
		goto fail;
	}
	if (db_migrate(db, err, errsz) == -1)
		goto fail;
	return db;

fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (int i = 0; i < S_NSTMTS; i++)
		sqlite3_finalize(db->st[i]);
	if (db->h != NULL && sqlite3_close(db->h) != SQLITE_OK)
		log_err("database %s: close: %s", db->path,
		        sqlite3_errmsg(db->h));
	db_latest_free(db->lat);
	free(db->path);
	free(db);
}

static int
db_site_ensure(struct db *db, const char *site, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, S_SITE_ENSURE);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, site);
	sqlite3_bind_int64(st, 2, now);
	if (db_step(db, st, "add site") == -1)
		return -1;
	sqlite3_reset(st);
	return 0;
}

/*
 * The id and state of (site, device), creating both rows when new.  Must
 * run inside a savepoint or transaction.
 */
static int
db_device_ensure(struct db *db, const char *site, const char *device,
                 enum dev_type type, int64_t now, int64_t *id,
                 enum dev_state *state)
{
	sqlite3_stmt *st;
	const char *s;

	if (db_site_ensure(db, site, now) == -1 ||
	    (st = db_stmt(db, S_DEVICE_ENSURE)) == NULL)
		return -1;
	db_bind_text(st, 1, site);
	db_bind_text(st, 2, device);
	db_bind_text(st, 3, db_type_text(type));
	sqlite3_bind_int64(st, 4, now);
	if (db_step(db, st, "add device") != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	*id = sqlite3_column_int64(st, 0);
	s = (const char *)sqlite3_column_text(st, 1);
	if (s == NULL || dev_state_parse(s, state) == -1)
		*state = STATE_UNKNOWN;
	sqlite3_reset(st);
	return 0;
}

/*
 * The common start of a per-device write: opens a savepoint, makes sure the
 * device exists, and returns statement 'which' with the device id bound as
 * its first parameter.  On failure the savepoint is already undone.
 */
static sqlite3_stmt *
db_device_write(struct db *db, const char *site, const char *device,
                enum dev_type type, int64_t now, enum db_stmt which)
{
	sqlite3_stmt *st;
	enum dev_state state;
	int64_t id;

	if (db_savepoint(db) == -1)
		return NULL;
	if (db_device_ensure(db, site, device, type, now, &id, &state) == -1 ||
	    (st = db_stmt(db, which)) == NULL) {
		db_undo(db);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	return st;
}

static int
db_latest_upsert(struct db *db, sqlite3_stmt *st, int64_t id, const char *kind,
                 const char *name, double value, int64_t ts)
{
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, name);
	sqlite3_bind_double(st, 4, value);
	sqlite3_bind_int64(st, 5, ts);
	if (db_step(db, st, "store latest value") == -1)
		return -1;
	sqlite3_reset(st);
	return 0;
}

/*
 * Latest values are coalesced per transaction: inside one,
 * db_metrics_store() keeps the newest value of each (device, kind, metric)
 * in memory, and db_commit() writes each once, just before COMMIT.  A
 * busy event loop's batch holds several rounds of a device, and the
 * per-sample upserts were a quarter of the collector's CPU
 * (docs/bench.md).  The result is the same as upserting every sample,
 * since the upsert keeps the newest time stamp anyway (the later one on a
 * tie).  Outside a transaction values are written at once.
 */
struct db_latest {
	int64_t dev;
	const char *kind; /* "gauge" or "counter", static */
	int64_t ts;
	double value;
	char name[NAME_METRIC_MAX + 1];
};

struct db_latest_buf {
	struct db_latest *e;
	size_t n, cap;
	uint32_t *slot; /* index + 1; 0 is free */
	size_t nslots;  /* a power of two, 2 x cap */
};

static size_t
db_latest_hash(const struct db_latest_buf *b, int64_t dev, const char *kind,
               const char *name)
{
	uint32_t h = 2166136261u ^ (uint32_t)dev ^ (uint32_t)(kind[0] << 8);

	while (*name != '\0') {
		h ^= (unsigned char)*name++;
		h *= 16777619u;
	}
	return h & (b->nslots - 1);
}

/* The slot of (dev, kind, name): its entry's, or the free one to use. */
static size_t
db_latest_find(const struct db_latest_buf *b, int64_t dev, const char *kind,
               const char *name)
{
	size_t i = db_latest_hash(b, dev, kind, name);
	const struct db_latest *e;

	for (; b->slot[i] != 0; i = (i + 1) & (b->nslots - 1)) {
		e = &b->e[b->slot[i] - 1];
		if (e->dev == dev && e->kind == kind &&
		    strcmp(e->name, name) == 0)
			break;
	}
	return i;
}

static int
db_latest_grow(struct db_latest_buf *b)
{
	size_t cap = b->cap == 0 ? 1024 : b->cap * 2, i;
	struct db_latest *ne;
	uint32_t *ns;

	if (cap > UINT32_MAX / 2 ||
	    (ne = reallocarray(b->e, cap, sizeof(*ne))) == NULL)
		return -1;
	b->e = ne;
	if ((ns = calloc(2 * cap, sizeof(*ns))) == NULL)
		return -1;
	free(b->slot);
	b->slot = ns;
	b->nslots = 2 * cap;
	b->cap = cap;
	for (i = 0; i < b->n; i++)
		b->slot[db_latest_find(b, b->e[i].dev, b->e[i].kind,
		                       b->e[i].name)] = (uint32_t)(i + 1);
	return 0;
}

static int
db_latest_keep(struct db *db, int64_t dev, const char *kind,
               const struct wire_sample *s, int64_t ts)
{
	struct db_latest_buf *b = db->lat;
	struct db_latest *e;
	size_t i;

	if (b == NULL && (b = db->lat = calloc(1, sizeof(*b))) == NULL)
		return -1;
	if (b->n == b->cap && db_latest_grow(b) == -1)
		return -1;
	i = db_latest_find(b, dev, kind, s->name);
	if (b->slot[i] != 0) {
		e = &b->e[b->slot[i] - 1];
		if (ts >= e->ts) {
			e->ts = ts;
			e->value = s->value;
		}
		return 0;
	}
	e = &b->e[b->n];
	e->dev = dev;
	e->kind = kind;
	e->ts = ts;
	e->value = s->value;
	snprintf(e->name, sizeof(e->name), "%s", s->name);
	b->slot[i] = (uint32_t)++b->n;
	return 0;
}

/* Writes the coalesced latest values (in the transaction) and forgets them. */
static int
db_latest_flush(struct db *db)
{
	struct db_latest_buf *b = db->lat;
	sqlite3_stmt *up;
	size_t i;
	int r = 0;

	if (b == NULL || b->n == 0)
		return 0;
	if ((up = db_stmt(db, S_LATEST_UPSERT)) == NULL)
		r = -1;
	for (i = 0; up != NULL && i < b->n; i++)
		if (db_latest_upsert(db, up, b->e[i].dev, b->e[i].kind,
		                     b->e[i].name, b->e[i].value,
		                     b->e[i].ts) == -1)
			r = -1;
	b->n = 0;
	memset(b->slot, 0, b->nslots * sizeof(*b->slot));
	return r;
}

static void
db_latest_free(struct db_latest_buf *b)
{
	if (b == NULL)
		return;
	free(b->e);
	free(b->slot);
	free(b);
}

/* One latest value: kept for db_commit() in a transaction, else written. */
static int
db_latest_store(struct db *db, sqlite3_stmt *up, int txn, int64_t dev,
                const char *kind, const struct wire_sample *s, int64_t ts)
{
	if (txn)
		return db_latest_keep(db, dev, kind, s, ts);
	return db_latest_upsert(db, up, dev, kind, s->name, s->value, ts);
}

int
db_metrics_store(struct db *db, const char *site, const char *device,
                 const struct wire_metrics *m, int64_t received)
{
	sqlite3_stmt *st, *up;
	int64_t id;
	size_t i;
	int txn = !sqlite3_get_autocommit(db->h); /* before the savepoint */

	if (db_savepoint(db) == -1)
		return -1;
	if (db_site_ensure(db, site, received) == -1 ||
	    (st = db_stmt(db, S_DEVICE_METRICS)) == NULL ||
	    (up = db_stmt(db, S_LATEST_UPSERT)) == NULL)
		goto fail;
	db_bind_text(st, 1, site);
	db_bind_text(st, 2, device);
	db_bind_text(st, 3, db_type_text(m->type));
	sqlite3_bind_int64(st, 4, received);
	sqlite3_bind_int64(st, 5, m->ts);
	/* SQLite integers are signed: a seq past 2^63 is kept modulo. */
	sqlite3_bind_int64(st, 6, (sqlite3_int64)m->seq);
	sqlite3_bind_int64(st, 7, m->interval);
	if (db_step(db, st, "store device") != SQLITE_ROW) {
		sqlite3_reset(st);
		goto fail;
	}
	id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	for (i = 0; i < m->ngauges; i++)
		if (db_latest_store(db, up, txn, id, "gauge", &m->gauges[i],
		                    m->ts) == -1)
			goto fail;
	for (i = 0; i < m->ncounters; i++)
		if (db_latest_store(db, up, txn, id, "counter", &m->counters[i],
		                    m->ts) == -1)
			goto fail;
	return db_release(db);

fail:
	db_undo(db);
	return -1;
}

int
db_inventory_store(struct db *db, const char *site, const char *device,
                   const struct wire_inventory *inv, int64_t received)
{
	sqlite3_stmt *st;

	if ((st = db_device_write(db, site, device, inv->type, received,
	                          S_INVENTORY_STORE)) == NULL)
		return -1;
	db_bind_text(st, 2, inv->json);
	sqlite3_bind_int64(st, 3, inv->ts);
	db_bind_text(st, 4, db_type_text(inv->type));
	if (db_step(db, st, "store inventory") == -1)
		goto fail;
	sqlite3_reset(st);
	return db_release(db);

fail:
	db_undo(db);
	return -1;
}

int
db_event_store(struct db *db, const char *site, const char *device,
               const struct wire_event *ev, int64_t received)
{
	sqlite3_stmt *st;

	if ((st = db_device_write(db, site, device, DEV_NTYPES, received,
	                          S_EVENT_STORE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 2, ev->ts);
	sqlite3_bind_int64(st, 3, received);
	db_bind_text(st, 4, ev->code);
	db_bind_text(st, 5, wire_severity_name(ev->severity));
	db_bind_text(st, 6, wire_evstate_name(ev->state));
	db_bind_text(st, 7, ev->text);
	if (db_step(db, st, "store event") == -1)
		goto fail;
	sqlite3_reset(st);
	return db_release(db);

fail:
	db_undo(db);
	return -1;
}

int
db_state_store(struct db *db, const char *site, const char *device,
               enum dev_type type, enum dev_state state, int64_t ts,
               const char *cause)
{
	sqlite3_stmt *st;
	enum dev_state old;
	int64_t id;

	if (db_savepoint(db) == -1)
		return -1;
	if (db_device_ensure(db, site, device, type, ts, &id, &old) == -1)
		goto fail;
	if (old == state)
		return db_release(db);
	if ((st = db_stmt(db, S_STATE_SET)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, dev_state_name(state));
	sqlite3_bind_int64(st, 3, ts);
	if (db_step(db, st, "store state") == -1)
		goto fail;
	sqlite3_reset(st);
	if ((st = db_stmt(db, S_PRESENCE_CLOSE)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ts);
	if (db_step(db, st, "close presence") == -1)
		goto fail;
	sqlite3_reset(st);
	if ((st = db_stmt(db, S_PRESENCE_OPEN)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, dev_state_name(state));
	sqlite3_bind_int64(st, 3, ts);
	db_bind_text(st, 4, cause ? cause : "");
	if (db_step(db, st, "open presence") == -1)
		goto fail;
	sqlite3_reset(st);
	return db_release(db);

fail:
	db_undo(db);
	return -1;
}
