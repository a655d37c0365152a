/*
 * asset_priv.h: what the files of the asset module share (asset_db.c,
 * asset_suggest.c, asset_csv.c, asset_api.c, asset_ctl.c) and pm*.c use
 * of it.  Nothing else includes it.
 */
#ifndef PANTAU_COLLECTOR_ASSET_PRIV_H
#define PANTAU_COLLECTOR_ASSET_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct cJSON;
struct db;
struct asset;

/* Logs "assets: what: <SQLite message>". */
void asset_db_fail(struct db *db, const char *what);

/* A statement on the connection (finalize it); NULL logged. */
sqlite3_stmt *asset_db_prepare(struct db *db, const char *sql);
int asset_db_exec(struct db *db, const char *sql); /* 0 or -1 */

/* SAVEPOINT asset_op ... asset_db_end(ok): release, or undo and release. */
int asset_db_begin(struct db *db);
int asset_db_end(struct db *db, int ok);

/* Column text into a buffer ("" for NULL), cut to fit. */
void asset_db_text(sqlite3_stmt *st, int col, char *buf, size_t bufsz);

int asset_history_add(struct db *db, const char *tag, const char *field,
                      const char *old, const char *new_, const char *note,
                      const char *actor, int64_t now);

/*
 * Unlinks site/device from every asset but 'tag' (with history), so that
 * 'tag' may take it.  0 or -1.
 */
int asset_release_device(struct db *db, const char *tag, const char *site,
                         const char *device, const char *actor, int64_t now);

/* asset_json.c: an asset as the API and "asset list --format json" show
 * it (with its book value today). */
struct cJSON *asset_json(const struct asset *a, int64_t now);

/* The whole record of "asset show" and GET /api/v1/assets/TAG: the asset,
 * history, suggestions, maintenance and cost of ownership.  NULL when the
 * asset is unknown (*found 0) or on error. */
struct cJSON *asset_json_full(struct db *db, const char *tag, int64_t now,
                              int *found);

#endif
