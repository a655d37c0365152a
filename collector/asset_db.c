/*
 * asset_db.c: the asset register in the database (asset.h, tables
 * assets, asset_history, asset_suggestions of 003-assets-pm.sql).
 *
 * These are administrative writes (an import, a move, a link), rare next
 * to the ingest path, so statements are prepared per call on the
 * connection's SQLite handle rather than cached.  Values are always
 * bound.  Every change that touches several rows runs in a savepoint so
 * that it works inside or outside the caller's transaction and never
 * leaves half of itself behind.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "collector/asset.h"
#include "collector/asset_priv.h"
#include "collector/db.h"
#include "common/log.h"
#include "common/vec.h"

#define ASSET_COLUMNS                                                          \
	"tag, name, type, brand, model, serial, site, room, funding, "         \
	"budget_year, purchase_date, price_idr, supplier, warranty_until, "    \
	"condition, device, disposed_at, disposal_note, created_at, "          \
	"updated_at"

void
asset_db_fail(struct db *db, const char *what)
{
	log_err("assets: %s: %s", what, sqlite3_errmsg(db_sqlite(db)));
}

sqlite3_stmt *
asset_db_prepare(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		asset_db_fail(db, "prepare");
		return NULL;
	}
	return st;
}

int
asset_db_exec(struct db *db, const char *sql)
{
	if (sqlite3_exec(db_sqlite(db), sql, NULL, NULL, NULL) != SQLITE_OK) {
		asset_db_fail(db, sql);
		return -1;
	}
	return 0;
}

int
asset_db_begin(struct db *db)
{
	return asset_db_exec(db, "SAVEPOINT asset_op");
}

int
asset_db_end(struct db *db, int ok)
{
	if (ok)
		return asset_db_exec(db, "RELEASE asset_op");
	sqlite3_exec(db_sqlite(db), "ROLLBACK TO asset_op; RELEASE asset_op",
	             NULL, NULL, NULL);
	return -1;
}

void
asset_db_text(sqlite3_stmt *st, int col, char *buf, size_t bufsz)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(buf, bufsz, "%s", s != NULL ? (const char *)s : "");
}

/* Binds "" as NULL (optional dates and the device). */
static void
asset_bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL || s[0] == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static void
asset_bind(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s != NULL ? s : "", -1, SQLITE_TRANSIENT);
}

/* One row of ASSET_COLUMNS into *a. */
static void
asset_row(sqlite3_stmt *st, struct asset *a)
{
	memset(a, 0, sizeof *a);
	asset_db_text(st, 0, a->tag, sizeof a->tag);
	asset_db_text(st, 1, a->name, sizeof a->name);
	asset_db_text(st, 2, a->type, sizeof a->type);
	asset_db_text(st, 3, a->brand, sizeof a->brand);
	asset_db_text(st, 4, a->model, sizeof a->model);
	asset_db_text(st, 5, a->serial, sizeof a->serial);
	asset_db_text(st, 6, a->site, sizeof a->site);
	asset_db_text(st, 7, a->room, sizeof a->room);
	asset_db_text(st, 8, a->funding, sizeof a->funding);
	a->budget_year = sqlite3_column_int(st, 9);
	asset_db_text(st, 10, a->purchase_date, sizeof a->purchase_date);
	a->price_idr = sqlite3_column_int64(st, 11);
	asset_db_text(st, 12, a->supplier, sizeof a->supplier);
	asset_db_text(st, 13, a->warranty_until, sizeof a->warranty_until);
	asset_db_text(st, 14, a->condition, sizeof a->condition);
	asset_db_text(st, 15, a->device, sizeof a->device);
	a->disposed_at = sqlite3_column_int64(st, 16);
	asset_db_text(st, 17, a->disposal_note, sizeof a->disposal_note);
	a->created_at = sqlite3_column_int64(st, 18);
	a->updated_at = sqlite3_column_int64(st, 19);
}

int
asset_history_add(struct db *db, const char *tag, const char *field,
                  const char *old, const char *new_, const char *note,
                  const char *actor, int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = asset_db_prepare(
	         db, "INSERT INTO asset_history "
	             "(tag, ts, actor, field, old, new, note) "
	             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")) == NULL)
		return -1;
	asset_bind(st, 1, tag);
	sqlite3_bind_int64(st, 2, now);
	asset_bind(st, 3, actor != NULL ? actor : "system");
	asset_bind(st, 4, field);
	asset_bind(st, 5, old);
	asset_bind(st, 6, new_);
	asset_bind(st, 7, note);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		asset_db_fail(db, "history");
		return -1;
	}
	return 0;
}

int
asset_get(struct db *db, const char *tag, struct asset *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = asset_db_prepare(db, "SELECT " ASSET_COLUMNS
	                               " FROM assets WHERE tag = ?1")) == NULL)
		return ASSET_ERR;
	asset_bind(st, 1, tag);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		asset_row(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return ASSET_OK;
	if (rc == SQLITE_DONE)
		return ASSET_NOTFOUND;
	asset_db_fail(db, "read asset");
	return ASSET_ERR;
}

/* Records the change of one field when old and new differ. */
static int
asset_note_change(struct db *db, const char *tag, const char *field,
                  const char *old, const char *new_, const char *note,
                  const char *actor, int64_t now)
{
	if (strcmp(old, new_) == 0)
		return 0;
	return asset_history_add(db, tag, field, old, new_, note, actor, now);
}

int
asset_put(struct db *db, const struct asset *a, const char *actor, int64_t now,
          int *created)
{
	struct asset old;
	sqlite3_stmt *st = NULL;
	int found, ok = 0;

	if (asset_db_begin(db) == -1)
		return ASSET_ERR;
	if ((found = asset_get(db, a->tag, &old)) == ASSET_ERR)
		goto out;
	*created = found == ASSET_NOTFOUND;
	if ((st = asset_db_prepare(
	         db,
	         "INSERT INTO assets (" ASSET_COLUMNS ") VALUES (?1, ?2, ?3, "
	         "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
	         "NULL, '', ?17, ?17) ON CONFLICT (tag) DO UPDATE SET "
	         "name = ?2, type = ?3, brand = ?4, model = ?5, serial = ?6, "
	         "site = ?7, room = ?8, funding = ?9, budget_year = ?10, "
	         "purchase_date = ?11, price_idr = ?12, supplier = ?13, "
	         "warranty_until = ?14, condition = ?15, device = ?16, "
	         "updated_at = ?17")) == NULL)
		goto out;
	asset_bind(st, 1, a->tag);
	asset_bind(st, 2, a->name);
	asset_bind(st, 3, a->type);
	asset_bind(st, 4, a->brand);
	asset_bind(st, 5, a->model);
	asset_bind(st, 6, a->serial);
	asset_bind(st, 7, a->site);
	asset_bind(st, 8, a->room);
	asset_bind(st, 9, a->funding);
	sqlite3_bind_int(st, 10, a->budget_year);
	asset_bind_opt(st, 11, a->purchase_date);
	sqlite3_bind_int64(st, 12, a->price_idr);
	asset_bind(st, 13, a->supplier);
	asset_bind_opt(st, 14, a->warranty_until);
	asset_bind(st, 15, a->condition);
	asset_bind_opt(st, 16, a->device);
	sqlite3_bind_int64(st, 17, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		asset_db_fail(db, "store asset");
		goto out;
	}
	if (*created) {
		if (asset_history_add(db, a->tag, "created", "", a->condition,
		                      "", actor, now) == -1)
			goto out;
	} else if (asset_note_change(db, a->tag, "condition", old.condition,
	                             a->condition, "", actor, now) == -1 ||
	           asset_note_change(db, a->tag, "site", old.site, a->site, "",
	                             actor, now) == -1 ||
	           asset_note_change(db, a->tag, "room", old.room, a->room, "",
	                             actor, now) == -1 ||
	           asset_note_change(db, a->tag, "device", old.device,
	                             a->device, "", actor, now) == -1) {
		goto out;
	}
	ok = 1;
out:
	sqlite3_finalize(st);
	return asset_db_end(db, ok) == 0 ? ASSET_OK : ASSET_ERR;
}

/*
 * The filters bound as ?1..?6; NULL (or "") binds NULL, which the WHERE
 * clause reads as "any".
 */
int
asset_list(struct db *db, const struct asset_filter *f, struct asset **out,
           size_t *n)
{
	sqlite3_stmt *st;
	struct asset *v = NULL, *nv;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((st = asset_db_prepare(
	         db,
	         "SELECT " ASSET_COLUMNS " FROM assets WHERE "
	         "(?1 IS NULL OR site = ?1) AND (?2 IS NULL OR type = ?2) AND "
	         "(?3 IS NULL OR funding = ?3) AND "
	         "(?4 IS NULL OR condition = ?4) AND "
	         "(?5 IS NULL OR instr(lower(tag || ' ' || name || ' ' || "
	         "brand || ' ' || model || ' ' || serial || ' ' || room), "
	         "lower(?5)) > 0) AND (?6 OR disposed_at IS NULL) "
	         "ORDER BY site, tag")) == NULL)
		return ASSET_ERR;
	asset_bind_opt(st, 1, f->site);
	asset_bind_opt(st, 2, f->type);
	asset_bind_opt(st, 3, f->funding);
	asset_bind_opt(st, 4, f->condition);
	asset_bind_opt(st, 5, f->q);
	sqlite3_bind_int(st, 6, f->disposed);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = vec_grow(v, &cap, *n, sizeof *v)) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		asset_row(st, &v[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		asset_db_fail(db, "list assets");
		free(v);
		*n = 0;
		return ASSET_ERR;
	}
	*out = v;
	return ASSET_OK;
}

/* Runs an UPDATE of one asset bound as ?1 tag plus the callers' values. */
static int
asset_update(struct db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		asset_db_fail(db, what);
		return -1;
	}
	return 0;
}

int
asset_release_device(struct db *db, const char *tag, const char *site,
                     const char *device, const char *actor, int64_t now)
{
	char other[ASSET_TAG_MAX + 1];
	sqlite3_stmt *st;
	int rc;

	if ((st = asset_db_prepare(db, "UPDATE assets SET device = NULL, "
	                               "updated_at = ?4 WHERE site = ?1 AND "
	                               "device = ?2 AND tag <> ?3 "
	                               "RETURNING tag")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, device, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, tag, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	other[0] = '\0';
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		asset_db_text(st, 0, other, sizeof other);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		asset_db_fail(db, "unlink");
		return -1;
	}
	/* the unique index allows one holder: at most one row changed */
	if (other[0] != '\0' &&
	    asset_history_add(db, other, "device", device, "",
	                      "linked to another asset", actor, now) == -1)
		return -1;
	return 0;
}

int
asset_link(struct db *db, const char *tag, const char *site, const char *device,
           const char *actor, int64_t now)
{
	struct asset a;
	sqlite3_stmt *st;
	int rc, ok = 0;

	if (asset_db_begin(db) == -1)
		return ASSET_ERR;
	if ((rc = asset_get(db, tag, &a)) != ASSET_OK)
		goto out;
	rc = ASSET_ERR;
	/* the device can be one asset's only: unlink the previous owner */
	if (device != NULL &&
	    asset_release_device(db, tag, site, device, actor, now) == -1)
		goto out;
	if ((st = asset_db_prepare(db, "UPDATE assets SET site = ?2, "
	                               "device = ?3, updated_at = ?4 "
	                               "WHERE tag = ?1")) == NULL)
		goto out;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, site, -1, SQLITE_TRANSIENT);
	asset_bind_opt(st, 3, device);
	sqlite3_bind_int64(st, 4, now);
	if (asset_update(db, st, "link") == -1 ||
	    asset_note_change(db, tag, "site", a.site, site, "", actor, now) ==
	        -1 ||
	    asset_note_change(db, tag, "device", a.device,
	                      device != NULL ? device : "", "", actor,
	                      now) == -1)
		goto out;
	if ((st = asset_db_prepare(db, "DELETE FROM asset_suggestions "
	                               "WHERE tag = ?1 OR (site = ?2 AND "
	                               "device = ?3)")) == NULL)
		goto out;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, site, -1, SQLITE_TRANSIENT);
	asset_bind_opt(st, 3, device);
	if (asset_update(db, st, "drop suggestions") == -1)
		goto out;
	ok = 1;
	rc = ASSET_OK;
out:
	asset_db_end(db, ok);
	return rc;
}

int
asset_set_condition(struct db *db, const char *tag, const char *cond,
                    const char *note, const char *actor, int64_t now)
{
	struct asset a;
	sqlite3_stmt *st;
	int rc, ok = 0;

	if (asset_db_begin(db) == -1)
		return ASSET_ERR;
	if ((rc = asset_get(db, tag, &a)) != ASSET_OK)
		goto out;
	rc = ASSET_ERR;
	if ((st = asset_db_prepare(db, "UPDATE assets SET condition = ?2, "
	                               "updated_at = ?3 WHERE tag = ?1")) ==
	    NULL)
		goto out;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, cond, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	if (asset_update(db, st, "condition") == -1 ||
	    asset_note_change(db, tag, "condition", a.condition, cond, note,
	                      actor, now) == -1)
		goto out;
	ok = 1;
	rc = ASSET_OK;
out:
	asset_db_end(db, ok);
	return rc;
}

int
asset_move(struct db *db, const char *tag, const char *site, const char *room,
           const char *note, const char *actor, int64_t now)
{
	struct asset a;
	sqlite3_stmt *st;
	int rc, ok = 0, other_site;

	if (asset_db_begin(db) == -1)
		return ASSET_ERR;
	if ((rc = asset_get(db, tag, &a)) != ASSET_OK)
		goto out;
	rc = ASSET_ERR;
	other_site = strcmp(a.site, site) != 0;
	if (room == NULL)
		room = a.room;
	if ((st = asset_db_prepare(
	         db, "UPDATE assets SET site = ?2, room = ?3, "
	             "device = CASE WHEN ?4 THEN NULL ELSE device END, "
	             "updated_at = ?5 WHERE tag = ?1")) == NULL)
		goto out;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, room, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, other_site);
	sqlite3_bind_int64(st, 5, now);
	if (asset_update(db, st, "move") == -1 ||
	    asset_note_change(db, tag, "site", a.site, site, note, actor,
	                      now) == -1 ||
	    asset_note_change(db, tag, "room", a.room, room, note, actor,
	                      now) == -1 ||
	    (other_site && asset_note_change(db, tag, "device", a.device, "",
	                                     "moved", actor, now) == -1))
		goto out;
	ok = 1;
	rc = ASSET_OK;
out:
	asset_db_end(db, ok);
	return rc;
}

int
asset_dispose(struct db *db, const char *tag, const char *note,
              const char *actor, int64_t now)
{
	struct asset a;
	sqlite3_stmt *st;
	int rc, ok = 0;

	if (asset_db_begin(db) == -1)
		return ASSET_ERR;
	if ((rc = asset_get(db, tag, &a)) != ASSET_OK)
		goto out;
	rc = ASSET_ERR;
	if ((st = asset_db_prepare(
	         db, "UPDATE assets SET disposed_at = ?2, disposal_note = ?3, "
	             "device = NULL, updated_at = ?2 WHERE tag = ?1")) == NULL)
		goto out;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, note != NULL ? note : "", -1,
	                  SQLITE_TRANSIENT);
	if (asset_update(db, st, "dispose") == -1 ||
	    asset_history_add(db, tag, "disposed", "", "disposed", note, actor,
	                      now) == -1)
		goto out;
	ok = 1;
	rc = ASSET_OK;
out:
	asset_db_end(db, ok);
	return rc;
}

int
asset_history(struct db *db, const char *tag, struct asset_event **out,
              size_t *n)
{
	sqlite3_stmt *st;
	struct asset_event *v = NULL, *nv, *e;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((st = asset_db_prepare(db, "SELECT ts, actor, field, old, new, "
	                               "note FROM asset_history WHERE tag = ?1 "
	                               "ORDER BY ts, id")) == NULL)
		return ASSET_ERR;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = vec_grow(v, &cap, *n, sizeof *v)) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		e = &v[(*n)++];
		e->ts = sqlite3_column_int64(st, 0);
		asset_db_text(st, 1, e->actor, sizeof e->actor);
		asset_db_text(st, 2, e->field, sizeof e->field);
		asset_db_text(st, 3, e->old, sizeof e->old);
		asset_db_text(st, 4, e->new_, sizeof e->new_);
		asset_db_text(st, 5, e->note, sizeof e->note);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		asset_db_fail(db, "history");
		free(v);
		*n = 0;
		return ASSET_ERR;
	}
	*out = v;
	return ASSET_OK;
}

int
asset_suggestions(struct db *db, const char *tag, struct asset_suggestion **out,
                  size_t *n)
{
	sqlite3_stmt *st;
	struct asset_suggestion *v = NULL, *nv, *s;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((st = asset_db_prepare(db, "SELECT site, device, reason, ts FROM "
	                               "asset_suggestions WHERE tag = ?1 "
	                               "ORDER BY site, device")) == NULL)
		return ASSET_ERR;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = vec_grow(v, &cap, *n, sizeof *v)) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		s = &v[(*n)++];
		asset_db_text(st, 0, s->site, sizeof s->site);
		asset_db_text(st, 1, s->device, sizeof s->device);
		asset_db_text(st, 2, s->reason, sizeof s->reason);
		s->ts = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		asset_db_fail(db, "suggestions");
		free(v);
		*n = 0;
		return ASSET_ERR;
	}
	*out = v;
	return ASSET_OK;
}

int
asset_tickets(struct db *db, const char *tag, struct asset_ticket **out,
              size_t *n, int64_t *cost_idr)
{
	sqlite3_stmt *st;
	struct asset_ticket *v = NULL, *nv, *t;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	*cost_idr = 0;
	if ((st = asset_db_prepare(
	         db, "SELECT id, kind, state, title, opened_at, "
	             "coalesce(resolved_at, closed_at, 0), cost_idr, parts "
	             "FROM tickets WHERE asset_tag = ?1 "
	             "ORDER BY opened_at DESC, id DESC")) == NULL)
		return ASSET_ERR;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = vec_grow(v, &cap, *n, sizeof *v)) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		t = &v[(*n)++];
		t->id = sqlite3_column_int64(st, 0);
		asset_db_text(st, 1, t->kind, sizeof t->kind);
		asset_db_text(st, 2, t->state, sizeof t->state);
		asset_db_text(st, 3, t->title, sizeof t->title);
		t->opened_at = sqlite3_column_int64(st, 4);
		t->resolved_at = sqlite3_column_int64(st, 5);
		t->cost_idr = sqlite3_column_int64(st, 6);
		asset_db_text(st, 7, t->parts, sizeof t->parts);
		*cost_idr += t->cost_idr;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		asset_db_fail(db, "maintenance history");
		free(v);
		*n = 0;
		return ASSET_ERR;
	}
	*out = v;
	return ASSET_OK;
}
