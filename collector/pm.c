/*
 * pm.c: the preventive maintenance engine (pm.h, docs/pm.md).
 *
 * For every active plan and every asset it applies to, pm_evaluate()
 * works out from the last completion (pm_state) when the next service
 * falls due: by the calendar (the due day starts at 00:00 UTC), by the
 * counter (the linked device's newest reading from the latest-values
 * table), or whichever comes first.  What is reached gets a preventive
 * ticket through ticket.h; what is near gets "due soon" with a forecast.
 *
 * Completion needs no callback from the ticket module: the evaluation
 * looks at the open ticket of each (plan, asset) and, once it is resolved
 * or closed, re-arms from that time and the reading it finds then (the
 * evaluation runs every minute, so that is the reading at completion).
 *
 * The forecast comes from the module's own readings table: one reading
 * per device, metric and UTC day, recorded by each acting evaluation.
 * The rate is the rise from the oldest reading of the last
 * PM_RATE_DAYS days to the newest.  RRD files would hold the same
 * history, but reading them needs rrdcached flushes and the RRD path
 * layout in this module; a day's resolution is all a forecast in days
 * needs.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "collector/asset_priv.h"
#include "collector/db.h"
#include "collector/pm.h"
#include "collector/ticket.h"
#include "common/log.h"
#include "common/timeutil.h"

#define PM_DAY 86400
#define PM_RATE_DAYS 30       /* the forecast's window */
#define PM_RATE_MIN_SPAN 3600 /* readings closer than this give no rate */
#define PM_READINGS_KEEP 400  /* days */

static const char *const pm_status_names[] = {
    [PM_OK] = "ok",           [PM_DUE_SOON] = "due_soon", [PM_DUE] = "due",
    [PM_OVERDUE] = "overdue", [PM_UNKNOWN] = "unknown",
};

const char *
pm_status_name(enum pm_status s)
{
	return (unsigned)s <= PM_UNKNOWN ? pm_status_names[s] : "unknown";
}

/* The stored progress of one (plan, asset). */
struct pm_state {
	int found;
	int64_t base_at;
	int has_base_counter;
	double base_counter;
	int64_t ticket_id;
	int64_t due_since;
};

static int64_t
pm_day_start(int64_t t)
{
	return t - ((t % PM_DAY) + PM_DAY) % PM_DAY;
}

/* The day 'months' calendar months after t's day (clamped to the month's
 * end: 31 January + 1 month is 28 or 29 February), at 00:00 UTC. */
static int64_t
pm_add_months(int64_t t, unsigned months)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
	                              31, 31, 30, 31, 30, 31};
	char buf[32];
	int y, m, d, dim;
	int64_t out;

	if (time_format_iso(t, buf, sizeof buf) == NULL ||
	    sscanf(buf, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return t + (int64_t)months * 30 * PM_DAY;
	m += (int)months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	dim = mdays[m - 1] +
	      (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (d > dim)
		d = dim;
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	if (time_parse_iso(buf, &out) == -1)
		return t + (int64_t)months * 30 * PM_DAY;
	return out;
}

/* The newest value of 'metric' of site/device (counter first, then
 * gauge).  1 found, 0 none, -1 error. */
static int
pm_reading(struct db *db, const char *site, const char *device,
           const char *metric, double *v, int64_t *ts)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = asset_db_prepare(
	         db, "SELECT l.value, l.ts FROM latest l "
	             "JOIN devices d ON d.id = l.device_id "
	             "JOIN sites s ON s.id = d.site_id "
	             "WHERE s.name = ?1 AND d.name = ?2 AND l.metric = ?3 "
	             "ORDER BY l.kind = 'counter' DESC LIMIT 1")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, device, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, metric, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_double(st, 0);
		*ts = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	asset_db_fail(db, "read counter");
	return -1;
}

/* Keeps the newest reading of its day; drops readings past the keep. */
static int
pm_reading_store(struct db *db, const char *site, const char *device,
                 const char *metric, double v, int64_t ts)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = asset_db_prepare(
	         db, "INSERT INTO pm_readings (site, device, metric, day, ts, "
	             "value) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	             "ON CONFLICT DO UPDATE SET ts = excluded.ts, "
	             "value = excluded.value WHERE excluded.ts >= ts")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, device, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, metric, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, ts / PM_DAY);
	sqlite3_bind_int64(st, 5, ts);
	sqlite3_bind_double(st, 6, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		asset_db_fail(db, "store reading");
		return -1;
	}
	if ((st = asset_db_prepare(db, "DELETE FROM pm_readings WHERE "
	                               "site = ?1 AND device = ?2 AND "
	                               "metric = ?3 AND day < ?4")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, device, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, metric, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, ts / PM_DAY - PM_READINGS_KEEP);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Units per day from the oldest reading of the window to (v, ts); 0
 * when there is no usable history (or the counter went backwards). */
static double
pm_rate(struct db *db, const char *site, const char *device, const char *metric,
        double v, int64_t ts)
{
	sqlite3_stmt *st;
	double rate = 0, old;
	int64_t old_ts;

	if ((st = asset_db_prepare(
	         db, "SELECT value, ts FROM pm_readings WHERE site = ?1 AND "
	             "device = ?2 AND metric = ?3 AND day >= ?4 "
	             "ORDER BY day LIMIT 1")) == NULL)
		return 0;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, device, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, metric, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, ts / PM_DAY - PM_RATE_DAYS);
	if (sqlite3_step(st) == SQLITE_ROW) {
		old = sqlite3_column_double(st, 0);
		old_ts = sqlite3_column_int64(st, 1);
		if (ts - old_ts >= PM_RATE_MIN_SPAN && v > old)
			rate = (v - old) * PM_DAY / (double)(ts - old_ts);
	}
	sqlite3_finalize(st);
	return rate;
}

static int
pm_state_get(struct db *db, int64_t plan, const char *tag, struct pm_state *s)
{
	sqlite3_stmt *st;
	int rc;

	memset(s, 0, sizeof *s);
	if ((st = asset_db_prepare(
	         db, "SELECT base_at, base_counter, coalesce(ticket_id, 0), "
	             "coalesce(due_since, 0) FROM pm_state "
	             "WHERE plan_id = ?1 AND tag = ?2")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	sqlite3_bind_text(st, 2, tag, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->found = 1;
		s->base_at = sqlite3_column_int64(st, 0);
		s->has_base_counter = sqlite3_column_type(st, 1) != SQLITE_NULL;
		s->base_counter = sqlite3_column_double(st, 1);
		s->ticket_id = sqlite3_column_int64(st, 2);
		s->due_since = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		asset_db_fail(db, "read plan state");
		return -1;
	}
	return 0;
}

/* Writes the state; 'done' adds one completion. */
static int
pm_state_put(struct db *db, int64_t plan, const char *tag,
             const struct pm_state *s, int done)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = asset_db_prepare(
	         db, "INSERT INTO pm_state (plan_id, tag, base_at, "
	             "base_counter, ticket_id, due_since, done_count) VALUES "
	             "(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO UPDATE SET "
	             "base_at = ?3, base_counter = ?4, ticket_id = ?5, "
	             "due_since = ?6, done_count = done_count + ?7")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, plan);
	sqlite3_bind_text(st, 2, tag, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, s->base_at);
	if (s->has_base_counter)
		sqlite3_bind_double(st, 4, s->base_counter);
	if (s->ticket_id)
		sqlite3_bind_int64(st, 5, s->ticket_id);
	if (s->due_since)
		sqlite3_bind_int64(st, 6, s->due_since);
	sqlite3_bind_int(st, 7, done);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		asset_db_fail(db, "store plan state");
		return -1;
	}
	return 0;
}

/* The assets a plan applies to (in service); *out malloc'd. */
static int
pm_targets(struct db *db, const struct pm_plan *p, struct asset **out,
           size_t *n)
{
	struct asset_filter f = {0};
	struct asset *v;
	size_t i, k = 0;

	if (strcmp(p->target_kind, "type") == 0)
		f.type = p->target;
	if (asset_list(db, &f, &v, n) != ASSET_OK)
		return -1;
	for (i = 0; i < *n; i++) {
		if ((strcmp(p->target_kind, "asset") == 0 &&
		     strcmp(v[i].tag, p->target) != 0) ||
		    (strcmp(p->target_kind, "model") == 0 &&
		     strcasecmp(v[i].model, p->target) != 0))
			continue;
		v[k++] = v[i];
	}
	*n = k;
	*out = v;
	return 0;
}

/* Fills the due points and the status of 'it' from the state. */
static void
pm_compute(const struct pm_plan *p, const struct pm_state *s,
           struct pm_item *it, int64_t now)
{
	int reached = 0, time_part = p->every_days || p->every_months;
	int64_t lead = (int64_t)p->lead_days * PM_DAY;

	it->base_at = s->base_at;
	it->ticket_id = s->ticket_id;
	it->due_since = s->due_since;
	it->due_at = 0;
	it->forecast_at = 0;
	if (p->every_days)
		it->due_at =
		    pm_day_start(s->base_at) + (int64_t)p->every_days * PM_DAY;
	else if (p->every_months)
		it->due_at =
		    pm_add_months(pm_day_start(s->base_at), p->every_months);
	if (it->due_at && now >= it->due_at)
		reached = 1;
	if (it->has_counter && s->has_base_counter) {
		it->base_counter = s->base_counter;
		it->due_counter = s->base_counter + p->counter_every;
		if (it->counter >= it->due_counter) {
			reached = 1;
			it->forecast_at = now;
		} else if (it->rate_per_day > 0) {
			it->forecast_at =
			    now +
			    (int64_t)ceil((it->due_counter - it->counter) /
			                  it->rate_per_day * PM_DAY);
		}
	}
	it->next_at = it->due_at;
	if (it->forecast_at && (!it->next_at || it->forecast_at < it->next_at))
		it->next_at = it->forecast_at;
	if (s->ticket_id)
		it->status = now - s->due_since >= PM_DAY ? PM_OVERDUE : PM_DUE;
	else if (reached)
		it->status = it->due_at && now - it->due_at >= PM_DAY
		                 ? PM_OVERDUE
		                 : PM_DUE;
	else if (!time_part && !it->has_counter)
		it->status = PM_UNKNOWN;
	else if (it->next_at && it->next_at - now <= lead)
		it->status = PM_DUE_SOON;
	else
		it->status = PM_OK;
}

/* Opens the preventive ticket of a reached (plan, asset). */
static int
pm_open_ticket(struct db *db, const struct pm_plan *p, struct pm_item *it,
               int64_t now)
{
	struct ticket_new t = {0};
	char key[128], title[512], desc[512], day[32];
	int64_t id;
	int created;

	if (strcmp(p->target_kind, "asset") == 0)
		snprintf(key, sizeof key, "pm:%lld", (long long)p->id);
	else
		snprintf(key, sizeof key, "pm:%lld:%s", (long long)p->id,
		         it->tag);
	snprintf(title, sizeof title, "%s: %s", p->name, it->tag);
	if (it->has_counter && it->counter >= it->due_counter)
		snprintf(desc, sizeof desc,
		         "Preventive maintenance (plan %lld): %s reached %.0f, "
		         "due at %.0f.",
		         (long long)p->id, p->counter_metric, it->counter,
		         it->due_counter);
	else
		snprintf(desc, sizeof desc,
		         "Preventive maintenance (plan %lld): due on %.10s.",
		         (long long)p->id,
		         time_format_iso(it->due_at, day, sizeof day) ? day
		                                                      : "?");
	t.kind = TICKET_PREVENTIVE;
	t.title = title;
	t.description = desc;
	t.site = it->site;
	t.device = it->device[0] != '\0' ? it->device : NULL;
	t.asset_tag = it->tag;
	t.priority = 3;
	t.dedup_key = key;
	t.actor = "system";
	if (ticket_open(db, &t, now, &id, &created) == -1)
		return -1;
	it->ticket_id = id;
	it->due_since = now;
	if (created)
		log_info("pm: plan %lld due for %s: ticket %lld opened",
		         (long long)p->id, it->tag, (long long)id);
	return 0;
}

/* Evaluates one (plan, asset) into 'it'; acts when asked. */
static int
pm_eval_one(struct db *db, const struct pm_plan *p, const struct asset *a,
            int64_t now, int act, struct pm_item *it)
{
	struct pm_state s;
	char state[32];
	int64_t ts = 0, resolved_at = 0;
	int found, r, rearm = 0;

	memset(it, 0, sizeof *it);
	it->plan_id = p->id;
	snprintf(it->plan_name, sizeof it->plan_name, "%s", p->name);
	snprintf(it->tag, sizeof it->tag, "%s", a->tag);
	snprintf(it->site, sizeof it->site, "%s", a->site);
	snprintf(it->device, sizeof it->device, "%s", a->device);
	if (pm_state_get(db, p->id, a->tag, &s) == -1)
		return -1;
	if (p->counter_metric[0] != '\0' && a->device[0] != '\0') {
		r = pm_reading(db, a->site, a->device, p->counter_metric,
		               &it->counter, &ts);
		if (r == -1)
			return -1;
		it->has_counter = r == 1;
		if (it->has_counter && act &&
		    pm_reading_store(db, a->site, a->device, p->counter_metric,
		                     it->counter, ts) == -1)
			return -1;
		if (it->has_counter)
			it->rate_per_day =
			    pm_rate(db, a->site, a->device, p->counter_metric,
			            it->counter, ts);
	}
	if (!s.found)
		s.base_at = p->start_at;
	/* the count starts at the last round number the first reading passed */
	if (it->has_counter && !s.has_base_counter) {
		s.has_base_counter = 1;
		s.base_counter =
		    floor(it->counter / p->counter_every) * p->counter_every;
		rearm = 1;
	}
	if (s.ticket_id) {
		if (ticket_state(db, s.ticket_id, state, sizeof state,
		                 &resolved_at, &found) == -1)
			return -1;
		if (!found) {
			s.ticket_id = 0;
			s.due_since = 0;
			rearm = 1;
		} else if (strcmp(state, "resolved") == 0 ||
		           strcmp(state, "closed") == 0) {
			s.base_at = resolved_at ? resolved_at : now;
			if (it->has_counter) {
				s.has_base_counter = 1;
				s.base_counter = it->counter;
			}
			s.ticket_id = 0;
			s.due_since = 0;
			if (act && pm_state_put(db, p->id, a->tag, &s, 1) == -1)
				return -1;
		}
	}
	if (act && (!s.found || rearm) &&
	    pm_state_put(db, p->id, a->tag, &s, 0) == -1)
		return -1;
	pm_compute(p, &s, it, now);
	if (act && !s.ticket_id &&
	    (it->status == PM_DUE || it->status == PM_OVERDUE)) {
		if (pm_open_ticket(db, p, it, now) == -1)
			return -1;
		s.ticket_id = it->ticket_id;
		s.due_since = it->due_since;
		if (pm_state_put(db, p->id, a->tag, &s, 0) == -1)
			return -1;
		pm_compute(p, &s, it, now);
	}
	return 0;
}

/* Soonest first; nothing due (0) last. */
static int
pm_item_cmp(const void *a, const void *b)
{
	const struct pm_item *x = a, *y = b;

	if ((x->next_at == 0) != (y->next_at == 0))
		return x->next_at == 0 ? 1 : -1;
	if (x->next_at != y->next_at)
		return x->next_at < y->next_at ? -1 : 1;
	if (x->plan_id != y->plan_id)
		return x->plan_id < y->plan_id ? -1 : 1;
	return strcmp(x->tag, y->tag);
}

int
pm_evaluate(struct db *db, int64_t now, int act, struct pm_item **out,
            size_t *n)
{
	struct pm_plan *plans = NULL;
	struct asset *targets = NULL;
	struct pm_item *items = NULL, *ni;
	size_t nplans = 0, nt, cap = 0, count = 0, i, j;
	int rc = -1;

	if (out != NULL)
		*out = NULL;
	if (n != NULL)
		*n = 0;
	if (pm_plans_load(db, &plans, &nplans) == -1)
		return -1;
	for (i = 0; i < nplans; i++) {
		if (!plans[i].active)
			continue;
		if (pm_targets(db, &plans[i], &targets, &nt) == -1)
			goto out;
		for (j = 0; j < nt; j++) {
			if (count == cap) {
				cap = cap ? cap * 2 : 16;
				if ((ni = realloc(items, cap * sizeof *ni)) ==
				    NULL)
					goto out;
				items = ni;
			}
			if (asset_db_begin(db) == -1)
				goto out;
			rc = pm_eval_one(db, &plans[i], &targets[j], now, act,
			                 &items[count]);
			asset_db_end(db, rc == 0);
			if (rc == -1)
				goto out;
			count++;
		}
		free(targets);
		targets = NULL;
	}
	if (count > 1)
		qsort(items, count, sizeof *items, pm_item_cmp);
	rc = 0;
out:
	free(plans);
	free(targets);
	if (rc == 0 && out != NULL) {
		*out = items;
		*n = count;
	} else {
		free(items);
	}
	return rc;
}

int
pm_done(struct db *db, int64_t plan_id, const char *tag, const char *actor,
        int64_t now, char *err, size_t errsz)
{
	struct pm_plan *plans = NULL, *p = NULL;
	struct asset *targets = NULL, *a = NULL;
	struct ticket_change ch = {.state = "resolved",
	                           .cost_idr = -1,
	                           .note = "preventive maintenance done"};
	struct pm_state s;
	struct pm_item it;
	size_t nplans, nt = 0, i;
	int rc = -1, ok = 0, found;

	if (pm_plans_load(db, &plans, &nplans) == -1)
		return -1;
	for (i = 0; i < nplans; i++)
		if (plans[i].id == plan_id)
			p = &plans[i];
	if (p == NULL) {
		snprintf(err, errsz, "no plan %lld", (long long)plan_id);
		rc = 1;
		goto out;
	}
	if (pm_targets(db, p, &targets, &nt) == -1)
		goto out;
	for (i = 0; i < nt; i++)
		if (tag == NULL ? nt == 1 : strcmp(targets[i].tag, tag) == 0)
			a = &targets[i];
	if (a == NULL) {
		if (tag != NULL)
			snprintf(err, errsz, "plan %lld does not apply to %s",
			         (long long)plan_id, tag);
		else
			snprintf(err, errsz,
			         "plan %lld applies to %zu assets: name one",
			         (long long)plan_id, nt);
		rc = 1;
		goto out;
	}
	if (asset_db_begin(db) == -1)
		goto out;
	/* the state as the evaluation sees it, then completed at 'now' */
	if (pm_eval_one(db, p, a, now, 1, &it) == -1 ||
	    pm_state_get(db, p->id, a->tag, &s) == -1)
		goto end;
	if (s.ticket_id &&
	    ticket_update(db, s.ticket_id, &ch, actor, now, &found) == -1)
		goto end;
	s.base_at = now;
	if (it.has_counter) {
		s.has_base_counter = 1;
		s.base_counter = it.counter;
	}
	s.ticket_id = 0;
	s.due_since = 0;
	if (pm_state_put(db, p->id, a->tag, &s, 1) == -1)
		goto end;
	ok = 1;
	rc = 0;
end:
	asset_db_end(db, ok);
out:
	free(plans);
	free(targets);
	return rc;
}

void
pm_tick(struct db *db, int64_t now)
{
	static int64_t last;

	if (last != 0 && now - last < PM_EVERY && now >= last)
		return;
	last = now;
	if (pm_evaluate(db, now, 1, NULL, NULL) == -1)
		log_warn("pm: evaluation failed (see the database errors)");
}
