/*
 * pm_plan.c: preventive maintenance plans as rows (pm.h, table pm_plans
 * of 003-assets-pm.sql): checking, storing and loading them.  The engine
 * that decides what is due is pm.c.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "collector/asset_priv.h"
#include "collector/pm.h"
#include "common/vec.h"

#define PM_DAYS_MAX 3650
#define PM_MONTHS_MAX 120
#define PM_LEAD_MAX 365

int
pm_plan_check(const struct pm_plan *p, char *err, size_t errsz)
{
	enum asset_type t;

	if (p->name[0] == '\0') {
		snprintf(err, errsz, "name: required");
		return -1;
	}
	if (strcmp(p->target_kind, "asset") == 0) {
		if (!asset_tag_valid(p->target)) {
			snprintf(err, errsz, "asset: '%s' is not a tag",
			         p->target);
			return -1;
		}
	} else if (strcmp(p->target_kind, "type") == 0) {
		if (asset_type_parse(p->target, &t) == -1) {
			snprintf(err, errsz, "type: '%s' is not an asset type",
			         p->target);
			return -1;
		}
	} else if (strcmp(p->target_kind, "model") == 0) {
		if (p->target[0] == '\0') {
			snprintf(err, errsz, "model: required");
			return -1;
		}
	} else {
		snprintf(err, errsz, "one of asset, type or model is required");
		return -1;
	}
	if (p->every_days > PM_DAYS_MAX || p->every_months > PM_MONTHS_MAX) {
		snprintf(err, errsz, "every: at most %d days or %d months",
		         PM_DAYS_MAX, PM_MONTHS_MAX);
		return -1;
	}
	if (p->every_days != 0 && p->every_months != 0) {
		snprintf(err, errsz, "every: days or months, not both");
		return -1;
	}
	if (p->counter_metric[0] != '\0' &&
	    !name_metric_valid(p->counter_metric)) {
		snprintf(err, errsz, "counter: '%s' is not a metric name",
		         p->counter_metric);
		return -1;
	}
	if ((p->counter_metric[0] != '\0') !=
	    (p->counter_every > 0 && isfinite(p->counter_every))) {
		snprintf(err, errsz,
		         "counter: a metric and a positive count go together");
		return -1;
	}
	if (p->every_days == 0 && p->every_months == 0 &&
	    p->counter_metric[0] == '\0') {
		snprintf(err, errsz,
		         "a plan needs days, months or a counter (or both)");
		return -1;
	}
	if (p->lead_days > PM_LEAD_MAX) {
		snprintf(err, errsz, "lead: at most %d days", PM_LEAD_MAX);
		return -1;
	}
	return 0;
}

int
pm_plan_add(struct db *db, struct pm_plan *p, int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = asset_db_prepare(
	         db, "INSERT INTO pm_plans (name, target_kind, target, "
	             "every_days, every_months, counter_metric, counter_every, "
	             "lead_days, start_at, active, created_at) VALUES (?1, ?2, "
	             "?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10) RETURNING id")) ==
	    NULL)
		return -1;
	if (p->start_at == 0)
		p->start_at = now;
	sqlite3_bind_text(st, 1, p->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, p->target_kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, p->target, -1, SQLITE_TRANSIENT);
	if (p->every_days)
		sqlite3_bind_int(st, 4, (int)p->every_days);
	if (p->every_months)
		sqlite3_bind_int(st, 5, (int)p->every_months);
	if (p->counter_metric[0] != '\0') {
		sqlite3_bind_text(st, 6, p->counter_metric, -1,
		                  SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 7, p->counter_every);
	}
	sqlite3_bind_int(st, 8, (int)p->lead_days);
	sqlite3_bind_int64(st, 9, p->start_at);
	sqlite3_bind_int64(st, 10, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		p->id = sqlite3_column_int64(st, 0);
		p->created_at = now;
		p->active = 1;
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		asset_db_fail(db, "store plan");
		return -1;
	}
	return 0;
}

int
pm_plans_load(struct db *db, struct pm_plan **out, size_t *n)
{
	sqlite3_stmt *st;
	struct pm_plan *v = NULL, *nv, *p;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((st = asset_db_prepare(
	         db,
	         "SELECT id, name, target_kind, target, "
	         "coalesce(every_days, 0), coalesce(every_months, 0), "
	         "counter_metric, coalesce(counter_every, 0), lead_days, "
	         "start_at, created_at, active FROM pm_plans ORDER BY id")) ==
	    NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = vec_grow(v, &cap, *n, sizeof *v)) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		p = &v[(*n)++];
		memset(p, 0, sizeof *p);
		p->id = sqlite3_column_int64(st, 0);
		asset_db_text(st, 1, p->name, sizeof p->name);
		asset_db_text(st, 2, p->target_kind, sizeof p->target_kind);
		asset_db_text(st, 3, p->target, sizeof p->target);
		p->every_days = (unsigned)sqlite3_column_int(st, 4);
		p->every_months = (unsigned)sqlite3_column_int(st, 5);
		asset_db_text(st, 6, p->counter_metric,
		              sizeof p->counter_metric);
		p->counter_every = sqlite3_column_double(st, 7);
		p->lead_days = (unsigned)sqlite3_column_int(st, 8);
		p->start_at = sqlite3_column_int64(st, 9);
		p->created_at = sqlite3_column_int64(st, 10);
		p->active = sqlite3_column_int(st, 11);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		asset_db_fail(db, "load plans");
		free(v);
		*n = 0;
		return -1;
	}
	*out = v;
	return 0;
}
