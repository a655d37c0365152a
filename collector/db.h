/*
 * db.h: the collector's SQLite database, DATA/pantau.db (DESIGN.md 2, 10).
 *
 * WAL mode, so the HTTP thread reads through its own connection while the
 * event loop writes.  The schema is versioned: db_open() applies every
 * migration the file lacks, each in its own transaction, and refuses a file
 * newer than this program.  A struct db is one connection and belongs to
 * one thread.  Every function returns 0 on success and -1 on failure with
 * the SQLite message logged once per distinct failure.
 *
 * The event loop groups writes: db_begin() ... db_commit() around a batch of
 * messages, so one commit (and one WAL append) covers many of them.
 */
#ifndef PANTAU_COLLECTOR_DB_H
#define PANTAU_COLLECTOR_DB_H

#include <stdint.h>

#include "common/wire.h"

struct db;

enum dev_state {
	STATE_UNKNOWN = 0,
	STATE_ONLINE,
	STATE_OFFLINE,     /* the agent said so, or its Last Will */
	STATE_UNREACHABLE, /* a proxying agent cannot reach it */
	STATE_STALE,       /* no metrics for 3 intervals */
	STATE_NSTATES
};

const char *dev_state_name(enum dev_state s);            /* "online", ... */
int dev_state_parse(const char *s, enum dev_state *out); /* 0 or -1 */

struct db_device {
	char site[NAME_ID_MAX + 1];
	char device[NAME_ID_MAX + 1];
	enum dev_type type;
	enum dev_state state;
	int64_t state_since;
	int64_t first_seen;
	int64_t last_seen; /* time of the newest metrics (ts) */
	unsigned interval;
	uint64_t last_seq;
	/* Appended after the first contract; zero when unknown. */
	int64_t last_received; /* collector's clock at the newest metrics */
	int has_type;          /* 0: type not yet known (status came first) */
};

/* The newest value of one gauge or the raw total of one counter. */
struct db_value {
	char name[NAME_METRIC_MAX + 1];
	int counter; /* 0 gauge, 1 counter */
	double value;
	int64_t ts; /* sampling time it was taken */
};

/* One row of the presence history. */
struct db_presence {
	enum dev_state state;
	int64_t since;
	int64_t until; /* 0 while it lasts */
	char cause[64];
};

/*
 * Opens (creating if needed) and migrates the database at 'path'.  With
 * 'readonly' set, opens an existing file for reading only (the HTTP
 * thread).  Returns NULL with a message in err on failure.
 */
struct db *db_open(const char *path, int readonly, char *err, size_t errsz);
void db_close(struct db *db); /* NULL is a no-op */

int db_schema_version(struct db *db); /* the file's version, or -1 */
int db_schema_latest(void);           /* the version this program writes */

/* Failures since db_open() (each was logged once per distinct message). */
unsigned long db_errors(const struct db *db);

/*
 * The connection's SQLite handle, for modules with tables of their own
 * (alerts, tickets, assets: migrations 002-004).  They prepare their own
 * statements on it, bind every value, and leave no transaction of theirs
 * open.  Added for issue 7; the rest of this header is unchanged.
 */
struct sqlite3;
struct sqlite3 *db_sqlite(struct db *db);

int db_begin(struct db *db);
int db_commit(struct db *db);
int db_in_transaction(const struct db *db); /* 1 between begin and commit */

/*
 * A metrics message from (site, device): creates the site and device rows
 * on first sight, moves last_seen and last_seq forward, and replaces the
 * latest gauges and raw counter totals when m->ts is not older than what is
 * stored (a late message from a spool does not overwrite newer values).
 */
int db_metrics_store(struct db *db, const char *site, const char *device,
                     const struct wire_metrics *m, int64_t received);

/* The newest inventory of a device (older ts than stored: ignored). */
int db_inventory_store(struct db *db, const char *site, const char *device,
                       const struct wire_inventory *inv, int64_t received);

/* Appends an event to the device's event history. */
int db_event_store(struct db *db, const char *site, const char *device,
                   const struct wire_event *ev, int64_t received);

/*
 * Records a presence change at time 'ts': the device's state, and a row in
 * the presence history (closing the previous one) that availability reports
 * read.  'cause' is a short reason ("last will", "no metrics for 180 s").
 * A call that does not change the state is a no-op.  'type' DEV_NTYPES
 * means not known: the stored type is kept.  Creates the device when new.
 */
int db_state_store(struct db *db, const char *site, const char *device,
                   enum dev_type type, enum dev_state state, int64_t ts,
                   const char *cause);

/*
 * Every known device, for rebuilding the in-memory presence table.  *out is
 * a malloc'd array the caller frees (NULL when *n is 0).
 */
int db_devices_load(struct db *db, struct db_device **out, size_t *n);

/*
 * Reads for the API; all leave *out NULL and *n 0 on failure.
 *
 * db_devices_query: the devices of 'site' (NULL: all), ordered by site and
 * device, at most 'limit' (0: no limit).  *out is malloc'd, caller frees.
 */
int db_devices_query(struct db *db, const char *site, size_t limit,
                     struct db_device **out, size_t *n);

/* One device: 0 with *found 1 and *out filled, or *found 0 when unknown. */
int db_device_get(struct db *db, const char *site, const char *device,
                  struct db_device *out, int *found);

/*
 * The latest gauges and counter totals of a device, gauges first, each
 * sorted by name.  *out is malloc'd, caller frees.
 */
int db_latest_load(struct db *db, const char *site, const char *device,
                   struct db_value **out, size_t *n);

/*
 * The newest inventory: *json a malloc'd JSON object the caller frees, and
 * its ts; *json NULL when none was received.
 */
int db_inventory_load(struct db *db, const char *site, const char *device,
                      char **json, int64_t *ts);

/*
 * The presence history rows of a device overlapping [from, to), oldest
 * first.  *out is malloc'd, caller frees.
 */
int db_presence_load(struct db *db, const char *site, const char *device,
                     int64_t from, int64_t to, struct db_presence **out,
                     size_t *n);

#endif
