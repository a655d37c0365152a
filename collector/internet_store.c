/*
 * internet_store.c: the rows of table internet_state (006-internet.sql)
 * that the tracker writes, the firing internet alerts it takes back at
 * start, and the site's ISP from the asset register (internet.h).
 *
 * Writes happen inside the caller's transaction (ingest's batch): a
 * period opens or closes only at a transition; last_seen moves with every
 * round of probes, one small UPDATE.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "collector/asset.h"
#include "collector/db.h"
#include "collector/internet.h"
#include "common/log.h"

static sqlite3_stmt *
inet_prepare(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		log_err("internet: %s", sqlite3_errmsg(h));
		return NULL;
	}
	return st;
}

/* Runs a prepared statement to its end and finalizes it: 0 or -1. */
static int
inet_exec(sqlite3 *h, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("internet: store: %s", sqlite3_errmsg(h));
		return -1;
	}
	return 0;
}

int64_t
internet_store_open(struct db *db, const char *site, enum internet_state s,
                    unsigned reasons, int64_t since, unsigned step,
                    unsigned agents)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	char r[64];

	st = inet_prepare(h, "INSERT INTO internet_state (site, state, since, "
	                     "reasons, last_seen, step, agents) VALUES "
	                     "(?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, internet_state_name(s), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, since);
	sqlite3_bind_text(st, 4, internet_reasons_str(reasons, r, sizeof r), -1,
	                  SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, since);
	sqlite3_bind_int(st, 6, (int)step);
	sqlite3_bind_int(st, 7, (int)agents);
	if (inet_exec(h, st) != 0)
		return -1;
	return sqlite3_last_insert_rowid(h);
}

int
internet_store_close(struct db *db, int64_t row, int64_t until)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;

	st = inet_prepare(h, "UPDATE internet_state SET until = ?, "
	                     "last_seen = max(last_seen, ?) WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, until);
	sqlite3_bind_int64(st, 2, until);
	sqlite3_bind_int64(st, 3, row);
	return inet_exec(h, st);
}

int
internet_store_seen(struct db *db, int64_t row, int64_t last_seen,
                    unsigned step, unsigned reasons)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	char r[64];

	st = inet_prepare(h, "UPDATE internet_state SET last_seen = ?, "
	                     "step = ?, reasons = ? WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, last_seen);
	sqlite3_bind_int(st, 2, (int)step);
	sqlite3_bind_text(st, 3, internet_reasons_str(reasons, r, sizeof r), -1,
	                  SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, row);
	return inet_exec(h, st);
}

int
internet_store_restate(struct db *db, int64_t row, enum internet_state s,
                       unsigned reasons, unsigned agents)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	char r[64];

	st = inet_prepare(h, "UPDATE internet_state SET state = ?, "
	                     "reasons = ?, agents = ? WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, internet_state_name(s), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, internet_reasons_str(reasons, r, sizeof r), -1,
	                  SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, (int)agents);
	sqlite3_bind_int64(st, 4, row);
	return inet_exec(h, st);
}

int
internet_store_merge(struct db *db, const char *site, int64_t row, int64_t at,
                     enum internet_state s, struct internet_period *prev)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	int rc;

	st = inet_prepare(h, "SELECT id, since, reasons FROM internet_state "
	                     "WHERE site = ? AND until = ? AND state = ? "
	                     "ORDER BY id DESC LIMIT 1");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, internet_state_name(s), -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	prev->row = sqlite3_column_int64(st, 0);
	prev->since = sqlite3_column_int64(st, 1);
	prev->reasons =
	    internet_reasons_parse((const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	/* the open row goes first: one open row per site (unique index) */
	if ((st = inet_prepare(h, "DELETE FROM internet_state WHERE id = ?")) ==
	    NULL)
		return -1;
	sqlite3_bind_int64(st, 1, row);
	if (inet_exec(h, st) != 0)
		return -1;
	st = inet_prepare(h, "UPDATE internet_state SET until = NULL "
	                     "WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, prev->row);
	return inet_exec(h, st) == 0 ? 1 : -1;
}

int
internet_store_load(struct db *db, internet_store_fn *fn, void *arg)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	struct internet_period p;
	const char *site;
	int rc, s;

	st = inet_prepare(h, "SELECT id, site, state, reasons, since, "
	                     "last_seen, step FROM internet_state "
	                     "WHERE until IS NULL ORDER BY site");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&p, 0, sizeof p);
		p.row = sqlite3_column_int64(st, 0);
		site = (const char *)sqlite3_column_text(st, 1);
		s = internet_state_parse(
		    (const char *)sqlite3_column_text(st, 2));
		p.state = s >= 0 ? (enum internet_state)s : INET_UNKNOWN;
		p.reasons = internet_reasons_parse(
		    (const char *)sqlite3_column_text(st, 3));
		p.since = sqlite3_column_int64(st, 4);
		p.last_seen = sqlite3_column_int64(st, 5);
		p.step = (unsigned)sqlite3_column_int(st, 6);
		if (site != NULL)
			fn(arg, site, &p);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("internet: load: %s", sqlite3_errmsg(h));
		return -1;
	}
	return 0;
}

int
internet_store_firing(struct db *db, internet_firing_fn *fn, void *arg)
{
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st;
	const char *rule, *site;
	int rc, k;

	st = inet_prepare(h, "SELECT id, rule, site, started_at, "
	                     "ifnull(ticket_id, 0) FROM alerts WHERE "
	                     "state = 'firing' AND rule LIKE 'internet\\_%' "
	                     "ESCAPE '\\' ORDER BY id");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rule = (const char *)sqlite3_column_text(st, 1);
		site = (const char *)sqlite3_column_text(st, 2);
		if (rule == NULL || site == NULL ||
		    (k = internet_alert_kind(rule)) < 0)
			continue;
		fn(arg, site, (enum internet_alert_kind)k,
		   sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 4),
		   sqlite3_column_int64(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("internet: load alerts: %s", sqlite3_errmsg(h));
		return -1;
	}
	return 0;
}

/* Whether asset 'a' is the site's internet connection. */
static int
inet_isp_asset(const struct asset *a)
{
	return strcmp(a->device, "internet") == 0 ||
	       strcasestr(a->name, "internet") != NULL ||
	       strcasestr(a->model, "internet") != NULL;
}

int
internet_isp_find(struct db *db, const char *site, struct internet_isp *out)
{
	struct asset_filter f;
	struct asset *v = NULL, *a = NULL;
	size_t n = 0, i;

	memset(out, 0, sizeof *out);
	memset(&f, 0, sizeof f);
	f.site = site;
	f.type = "network";
	if (asset_list(db, &f, &v, &n) != ASSET_OK)
		return -1;
	/* the list is by tag: the first linked one, else the first named */
	for (i = 0; i < n && a == NULL; i++)
		if (strcmp(v[i].device, "internet") == 0)
			a = &v[i];
	for (i = 0; i < n && a == NULL; i++)
		if (inet_isp_asset(&v[i]))
			a = &v[i];
	if (a != NULL) {
		snprintf(out->tag, sizeof out->tag, "%s", a->tag);
		snprintf(out->isp, sizeof out->isp, "%s",
		         a->supplier[0] ? a->supplier
		         : a->brand[0]  ? a->brand
		                        : a->name);
		snprintf(out->contract, sizeof out->contract, "%s", a->serial);
		snprintf(out->until, sizeof out->until, "%s",
		         a->warranty_until);
		out->price_idr = a->price_idr;
	}
	free(v);
	return a != NULL;
}
