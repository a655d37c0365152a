/*
 * cups_store.h: the print accounting tables in pantau.db (issue 6).
 *
 * CUPS servers, their queues and every job they reported live in tables of
 * their own (collector/cups_schema.sql, versioned apart from the core
 * schema in the cups_schema table, so this module never edits db.c's
 * migrations).  A struct cups_store is one SQLite connection to the same
 * WAL file the rest of the collector uses; it belongs to one thread (the
 * CUPS worker, or a report).  Writes are idempotent: a job is keyed by
 * (server, job id), so a poll that repeats jobs only updates them.
 *
 * Functions return 0 on success and -1 on failure with the SQLite message
 * logged (once per distinct message).
 */
#ifndef PANTAU_COLLECTOR_CUPS_STORE_H
#define PANTAU_COLLECTOR_CUPS_STORE_H

#include <stdint.h>

#include <sqlite3.h>

#include "collector/cups_poll.h"

struct cups_store;

/*
 * Brings the print accounting tables of 'h' to the version this program
 * writes (creating them in an empty or core-only database).  Each step
 * runs in its own transaction.  Returns 0, or -1 (logged) on failure or
 * when the file is newer than this program.
 */
int cups_store_migrate(sqlite3 *h);

/* The version of the print accounting schema this program writes. */
int cups_store_schema_latest(void);

/*
 * Opens the database at 'path' (created if missing; WAL mode) and
 * migrates it; with 'readonly', opens an existing file for reading and
 * checks only that the tables exist.  Returns NULL with a message in
 * 'err' on failure.
 */
struct cups_store *cups_store_open(const char *path, int readonly, char *err,
                                   size_t errsz);
void cups_store_close(struct cups_store *st); /* NULL is a no-op */

/* The connection, for print_report.c's queries.  Owned by 'st'. */
sqlite3 *cups_store_db(struct cups_store *st);

/*
 * Where the next poll of 'server' starts: *last_id the highest job id
 * stored (0: none), *pending the lowest id of a stored job that was not
 * final yet (0: none), which must be asked for again.
 */
int cups_store_cursor(struct cups_store *st, const char *server, int *last_id,
                      int *pending);

/*
 * Stores one poll result in one transaction: the server's state, its
 * queues (mapped to devices of cfg->site: the [cups] map, else a device
 * whose inventory address is the device URI's host, else the host name
 * made an id), its jobs, and today's snapshot of each mapped printer's
 * own page counter (printer.pages.total) for the reconciliation report.
 * Jobs the server no longer knows although they were not final when last
 * seen are marked "vanished".  Then 'fn' is called with the messages the
 * ingest path needs (docs/printing.md): per mapped device a metrics
 * message (page counters, queue state, marker levels), an event for each
 * printer-state-reason raised or cleared, and a status when a queue goes
 * offline or comes back.  'fn' may be NULL.  A failed poll (r->ok false)
 * only records the server as down.
 */
int cups_store_result(struct cups_store *st, const struct cups_config *cfg,
                      const struct cups_result *r, cups_poll_msg_fn *fn,
                      void *arg);

#endif
