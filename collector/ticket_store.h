/*
 * ticket_store.h: what the ticket and alert files share beyond ticket.h:
 * statement helpers on a connection's SQLite handle, and the reads behind
 * the API and pantauctl (ticket_edit.c).
 */
#ifndef PANTAU_COLLECTOR_TICKET_STORE_H
#define PANTAU_COLLECTOR_TICKET_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "collector/ticket.h"

struct cJSON;

/* Helpers over sqlite3 (ticket.c); each logs its failures. */
sqlite3_stmt *ticket_prepare(sqlite3 *h, const char *sql);
void ticket_bind_text(sqlite3_stmt *st, int i, const char *s); /* NULL ok */
int ticket_exec(sqlite3 *h, sqlite3_stmt *st, const char *what);
int ticket_sp(sqlite3 *h, const char *verb); /* SAVEPOINT / RELEASE */
int ticket_sp_end(sqlite3 *h, int ok);       /* release, or roll back: -1 */
int ticket_table_exists(sqlite3 *h, const char *name);

/* A timeline row of 'kind' ("note", "change", "alert", "open"). */
int ticket_note_kind(struct db *db, int64_t id, const char *actor,
                     const char *kind, const char *text, int64_t now);

/*
 * Reads as JSON (caller deletes).  List filters may be NULL; state
 * "active" means open, in_progress or waiting.  limit 0: 1000.
 * ticket_get_json: NULL with *found 0 when there is no such ticket, NULL
 * with *found 1 on a database error.  It carries the timeline ("notes")
 * and, when the asset register exists and names the ticket's asset, the
 * asset's supplier and warranty end ("asset").
 */
struct cJSON *ticket_list_json(struct db *db, const char *state,
                               const char *site, long limit);
struct cJSON *ticket_get_json(struct db *db, int64_t id, int64_t now,
                              int *found);

#endif
