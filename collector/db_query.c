/*
 * db_query.c: the database reads (db.h): the device list and one device,
 * its latest values, its inventory and its presence history.  The HTTP
 * thread runs them on its read-only connection; presence.c loads the
 * device list at start.  Each result is copied out of SQLite into a
 * malloc'd array and the statement reset at once, so no read transaction
 * outlives the call (an open one would hold back WAL checkpoints).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/db_priv.h"
#include "common/log.h"
#include "common/vec.h"

/* Fills 'd' from a row of DEVICE_COLUMNS. */
static void
db_device_row(sqlite3_stmt *st, struct db_device *d)
{
	const char *s;

	memset(d, 0, sizeof *d);
	if ((s = (const char *)sqlite3_column_text(st, 0)) != NULL)
		snprintf(d->site, sizeof d->site, "%s", s);
	if ((s = (const char *)sqlite3_column_text(st, 1)) != NULL)
		snprintf(d->device, sizeof d->device, "%s", s);
	s = (const char *)sqlite3_column_text(st, 2);
	d->has_type = s != NULL && wire_type_parse(s, &d->type) == 0;
	if (!d->has_type)
		d->type = DEV_NTYPES;
	s = (const char *)sqlite3_column_text(st, 3);
	if (s == NULL || dev_state_parse(s, &d->state) == -1)
		d->state = STATE_UNKNOWN;
	d->state_since = sqlite3_column_int64(st, 4);
	d->first_seen = sqlite3_column_int64(st, 5);
	d->last_seen = sqlite3_column_int64(st, 6);
	d->last_received = sqlite3_column_int64(st, 7);
	d->interval = (unsigned)sqlite3_column_int64(st, 8);
	d->last_seq = (uint64_t)sqlite3_column_int64(st, 9);
}

/* Collects every device row 'st' returns, then resets it. */
static int
db_device_rows(struct db *db, sqlite3_stmt *st, struct db_device **out,
               size_t *n)
{
	struct db_device *arr = NULL, *grown;
	size_t cap = 0, cnt = 0;
	int rc;

	while ((rc = db_step(db, st, "read devices")) == SQLITE_ROW) {
		if ((grown = vec_grow(arr, &cap, cnt, sizeof *arr)) == NULL) {
			log_err("database %s: out of memory", db->path);
			rc = -1;
			break;
		}
		arr = grown;
		db_device_row(st, &arr[cnt++]);
	}
	sqlite3_reset(st);
	if (rc == -1) {
		free(arr);
		return -1;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

int
db_devices_query(struct db *db, const char *site, size_t limit,
                 struct db_device **out, size_t *n)
{
	sqlite3_stmt *st;

	*out = NULL;
	*n = 0;
	if ((st = db_stmt(db, S_DEVICES_QUERY)) == NULL)
		return -1;
	db_bind_text(st, 1, site);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	return db_device_rows(db, st, out, n);
}

int
db_devices_load(struct db *db, struct db_device **out, size_t *n)
{
	return db_devices_query(db, NULL, 0, out, n);
}

int
db_device_get(struct db *db, const char *site, const char *device,
              struct db_device *out, int *found)
{
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	if ((st = db_stmt(db, S_DEVICE_GET)) == NULL)
		return -1;
	db_bind_text(st, 1, site);
	db_bind_text(st, 2, device);
	if ((rc = db_step(db, st, "read device")) == -1)
		return -1;
	if (rc == SQLITE_ROW) {
		db_device_row(st, out);
		*found = 1;
	}
	sqlite3_reset(st);
	return 0;
}

int
db_latest_load(struct db *db, const char *site, const char *device,
               struct db_value **out, size_t *n)
{
	struct db_value *arr = NULL, *grown, *v;
	sqlite3_stmt *st;
	size_t cap = 0, cnt = 0;
	const char *s;
	int rc;

	*out = NULL;
	*n = 0;
	if ((st = db_stmt(db, S_LATEST_LOAD)) == NULL)
		return -1;
	db_bind_text(st, 1, site);
	db_bind_text(st, 2, device);
	while ((rc = db_step(db, st, "read latest values")) == SQLITE_ROW) {
		if ((grown = vec_grow(arr, &cap, cnt, sizeof *arr)) == NULL) {
			log_err("database %s: out of memory", db->path);
			rc = -1;
			break;
		}
		arr = grown;
		v = &arr[cnt++];
		memset(v, 0, sizeof *v);
		s = (const char *)sqlite3_column_text(st, 0);
		v->counter = s != NULL && strcmp(s, "counter") == 0;
		if ((s = (const char *)sqlite3_column_text(st, 1)) != NULL)
			snprintf(v->name, sizeof v->name, "%s", s);
		v->value = sqlite3_column_double(st, 2);
		v->ts = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (rc == -1) {
		free(arr);
		return -1;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

int
db_inventory_load(struct db *db, const char *site, const char *device,
                  char **json, int64_t *ts)
{
	sqlite3_stmt *st;
	const char *s;
	int rc;

	*json = NULL;
	*ts = 0;
	if ((st = db_stmt(db, S_INVENTORY_LOAD)) == NULL)
		return -1;
	db_bind_text(st, 1, site);
	db_bind_text(st, 2, device);
	if ((rc = db_step(db, st, "read inventory")) == -1)
		return -1;
	if (rc == SQLITE_ROW &&
	    (s = (const char *)sqlite3_column_text(st, 0)) != NULL) {
		if ((*json = strdup(s)) == NULL) {
			log_err("database %s: out of memory", db->path);
			sqlite3_reset(st);
			return -1;
		}
		*ts = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return 0;
}

int
db_presence_load(struct db *db, const char *site, const char *device,
                 int64_t from, int64_t to, struct db_presence **out, size_t *n)
{
	struct db_presence *arr = NULL, *grown, *p;
	sqlite3_stmt *st;
	size_t cap = 0, cnt = 0;
	const char *s;
	int rc;

	*out = NULL;
	*n = 0;
	if ((st = db_stmt(db, S_PRESENCE_LOAD)) == NULL)
		return -1;
	db_bind_text(st, 1, site);
	db_bind_text(st, 2, device);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	while ((rc = db_step(db, st, "read presence")) == SQLITE_ROW) {
		if ((grown = vec_grow(arr, &cap, cnt, sizeof *arr)) == NULL) {
			log_err("database %s: out of memory", db->path);
			rc = -1;
			break;
		}
		arr = grown;
		p = &arr[cnt++];
		memset(p, 0, sizeof *p);
		s = (const char *)sqlite3_column_text(st, 0);
		if (s == NULL || dev_state_parse(s, &p->state) == -1)
			p->state = STATE_UNKNOWN;
		p->since = sqlite3_column_int64(st, 1);
		p->until = sqlite3_column_int64(st, 2);
		if ((s = (const char *)sqlite3_column_text(st, 3)) != NULL)
			snprintf(p->cause, sizeof p->cause, "%s", s);
	}
	sqlite3_reset(st);
	if (rc == -1) {
		free(arr);
		return -1;
	}
	*out = arr;
	*n = cnt;
	return 0;
}
