/*
 * alert.c: the alert engine (alert.h, docs/alerts.md).
 *
 * Ingest targets 50,000 samples a second, and every sample passes here,
 * so the work per sample is one hash lookup: each device keeps a table of
 * its series (metric names, event codes, and one presence series), and
 * each series caches which rules apply to it, found once with fnmatch()
 * when the series is first seen (or when the rules change).  Most series
 * match no rule and cost the lookup alone.  The database is touched only
 * at transitions.
 *
 * A rule on a series is OK, PENDING (breached, waiting for 'for') or
 * FIRING.  Metric rules run on the sample's time; a PENDING rule whose
 * next sample no longer breaches goes back to OK (a spike opens nothing);
 * a FIRING one resolves only past the clear threshold (hysteresis).  Event
 * rules fire on "raised" and resolve on "cleared".  Presence rules wait on
 * the collector's clock, checked by alert_engine_tick().
 *
 * Flapping: an alert that fires flap_count times within flap_window is
 * recorded as flapping and neither notifies nor touches its ticket until
 * it calms down.  Silences record the alert but open no ticket and send
 * nothing.  Site outages are in alert_site.c.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/alert_engine.h"
#include "collector/ticket_store.h"
#include "common/log.h"

#define ALERT_SILENCE_REFRESH 10 /* s between reloads of the silences */

static uint64_t
alert_hash(const char *a, const char *b)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (const unsigned char *s = (const unsigned char *)a; *s; s++)
		h = (h ^ *s) * 1099511628211ULL;
	h = (h ^ '/') * 1099511628211ULL;
	for (const unsigned char *s = (const unsigned char *)b; *s; s++)
		h = (h ^ *s) * 1099511628211ULL;
	return h;
}

static uint64_t
alert_hash1(const char *a)
{
	uint64_t h = 14695981039346656037ULL;

	for (const unsigned char *s = (const unsigned char *)a; *s; s++)
		h = (h ^ *s) * 1099511628211ULL;
	return h;
}

struct adev *
alert_dev_find(struct alert_engine *e, const char *site, const char *device)
{
	struct adev *d;

	d = e->devs[alert_hash(site, device) & (e->ndevb - 1)];
	for (; d != NULL; d = d->next)
		if (strcmp(d->device, device) == 0 &&
		    strcmp(d->site->name, site) == 0)
			return d;
	return NULL;
}

static void
alert_dev_grow(struct alert_engine *e)
{
	struct adev **nb, *d, *next;
	size_t nn = e->ndevb * 2, b;

	if (e->ndev < e->ndevb || (nb = calloc(nn, sizeof *nb)) == NULL)
		return;
	for (size_t i = 0; i < e->ndevb; i++)
		for (d = e->devs[i]; d != NULL; d = next) {
			next = d->next;
			b = alert_hash(d->site->name, d->device) & (nn - 1);
			d->next = nb[b];
			nb[b] = d;
		}
	free(e->devs);
	e->devs = nb;
	e->ndevb = nn;
}

/* The device's entry, created (with its site) when new; NULL on ENOMEM. */
struct adev *
alert_dev_get(struct alert_engine *e, const char *site, const char *device)
{
	struct adev *d;
	size_t b;

	if ((d = alert_dev_find(e, site, device)) != NULL)
		return d;
	if ((d = calloc(1, sizeof *d)) == NULL)
		return NULL;
	if ((d->site = alert_site_get(e, site)) == NULL) {
		free(d);
		return NULL;
	}
	snprintf(d->device, sizeof d->device, "%s", device);
	d->type = DEV_NTYPES;
	d->pstate = STATE_UNKNOWN;
	d->site->ndev++;
	alert_dev_grow(e);
	b = alert_hash(site, device) & (e->ndevb - 1);
	d->next = e->devs[b];
	e->devs[b] = d;
	e->ndev++;
	return d;
}

static struct aseries *
alert_series_find(const struct adev *d, const char *name, uint64_t h)
{
	struct aseries *s;

	if (d->nb == 0)
		return NULL;
	for (s = d->b[h & (d->nb - 1)]; s != NULL; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* Whether rule 'r' watches series 'name' of a device. */
static int
alert_rule_matches(const struct arule *r, const struct adev *d,
                   const char *name, int counter)
{
	if (!alert_rule_scope(r, d->site->name, d->device, d->type))
		return 0;
	switch (r->kind) {
	case AR_METRIC:
		return r->rate == counter && fnmatch(r->pattern, name, 0) == 0;
	case AR_EVENT:
		return strncmp(name, "e:", 2) == 0 &&
		       fnmatch(r->pattern, name + 2, 0) == 0;
	case AR_PRESENCE:
		return strcmp(name, "p:") == 0;
	}
	return 0;
}

/*
 * (Re)computes the rules of series 's' against the engine's rules,
 * keeping the state of every rule that keeps its name ('old' the rules
 * the states refer to; NULL when new).  A FIRING state whose rule no
 * longer applies resolves.
 */
static void
alert_series_bind(struct alert_engine *e, struct adev *d, struct aseries *s,
                  const struct alert_rules *old, int64_t now)
{
	const struct alert_rules *rs = e->rules;
	struct astate *nst, *o;
	size_t n = 0, i, j;
	int counter = s->counter;

	nst = calloc(rs->n > 0 ? rs->n : 1, sizeof *nst);
	if (nst == NULL) {
		/* out of memory: no rules rather than indices into old ones */
		log_err("alerts: out of memory binding %s", s->name);
		free(s->st);
		s->st = NULL;
		s->nst = 0;
		return;
	}
	for (i = 0; i < rs->n; i++) {
		if (!alert_rule_matches(&rs->r[i], d, s->name, counter))
			continue;
		nst[n].rule = (uint16_t)i;
		for (j = 0; old != NULL && j < s->nst; j++) {
			o = &s->st[j];
			if (o->rule != UINT16_MAX &&
			    strcmp(old->r[o->rule].name, rs->r[i].name) == 0) {
				nst[n] = *o;
				nst[n].rule = (uint16_t)i;
				o->rule = UINT16_MAX; /* taken */
			}
		}
		n++;
		/* an event takes the first rule that matches */
		if (rs->r[i].kind == AR_EVENT)
			break;
	}
	for (j = 0; old != NULL && j < s->nst; j++)
		if (s->st[j].rule != UINT16_MAX && s->st[j].state == AS_FIRING)
			alert_store_resolve(e->db, s->st[j].alert_id, now,
			                    "rule changed");
	free(s->st);
	if (n == 0) {
		free(nst);
		nst = NULL;
	}
	s->st = nst;
	s->nst = (uint16_t)n;
	s->gen = e->gen;
}

static void
alert_series_grow(struct adev *d)
{
	struct aseries **nb, *s, *next;
	size_t nn = d->nb ? d->nb * 2 : 8, b;

	if (d->ns < d->nb || (nb = calloc(nn, sizeof *nb)) == NULL)
		return;
	for (size_t i = 0; i < d->nb; i++)
		for (s = d->b[i]; s != NULL; s = next) {
			next = s->next;
			b = alert_hash1(s->name) & (nn - 1);
			s->next = nb[b];
			nb[b] = s;
		}
	free(d->b);
	d->b = nb;
	d->nb = nn;
}

/* The series 'name' of 'd', bound to its rules; NULL on ENOMEM. */
struct aseries *
alert_series_get(struct alert_engine *e, struct adev *d, const char *name,
                 int counter, int64_t now)
{
	uint64_t h = alert_hash1(name);
	struct aseries *s;
	size_t len;

	if ((s = alert_series_find(d, name, h)) != NULL) {
		if (s->gen != e->gen)
			alert_series_bind(e, d, s, NULL, now);
		return s;
	}
	alert_series_grow(d);
	if (d->nb == 0)
		return NULL;
	len = strlen(name);
	if ((s = calloc(1, sizeof *s + len + 1)) == NULL)
		return NULL;
	memcpy(s->name, name, len + 1);
	s->counter = counter;
	alert_series_bind(e, d, s, NULL, now);
	s->next = d->b[h & (d->nb - 1)];
	d->b[h & (d->nb - 1)] = s;
	d->ns++;
	e->nseries++;
	return s;
}

/* 1 when a silence covers (site, device, rule) at 'now'. */
static int
alert_silenced(const struct alert_engine *e, const char *site,
               const char *device, const char *rule, int64_t now)
{
	const struct alert_silence *s;

	for (size_t i = 0; i < e->nsil; i++) {
		s = &e->sil[i];
		if (now >= s->starts_at && now < s->ends_at &&
		    strcmp(s->site, site) == 0 &&
		    (s->device[0] == '\0' ||
		     (device != NULL && strcmp(s->device, device) == 0)) &&
		    (s->rule[0] == '\0' || strcmp(s->rule, rule) == 0))
			return 1;
	}
	return 0;
}

/* Records a firing at 'now'; 1 when it makes the state flapping. */
static int
alert_flap(const struct alert_engine *e, struct astate *st, int64_t now)
{
	unsigned want = e->rules->flap_count, n = 0;

	if (want > ALERT_FLAP_MAX)
		want = ALERT_FLAP_MAX;
	st->fires[st->nfires++ % ALERT_FLAP_MAX] = now;
	for (unsigned i = 0; i < ALERT_FLAP_MAX; i++)
		if (st->fires[i] != 0 &&
		    now - st->fires[i] < (int64_t)e->rules->flap_window)
			n++;
	return n >= want;
}

static int
alert_priority(const struct arule *r, int sev)
{
	if (r->priority != 0)
		return r->priority;
	return sev == SEV_CRITICAL ? 2 : sev == SEV_WARNING ? 3 : 4;
}

/* The severity as an Indonesian reader sees it in a subject line. */
static const char *
alert_sev_name_id(int sev)
{
	const char *en = alert_sev_name(sev);

	if (strcmp(en, "critical") == 0)
		return "kritis";
	if (strcmp(en, "warning") == 0)
		return "peringatan";
	return en; /* "info" reads the same */
}

void
alert_notify(struct alert_engine *e, const char *event, int sev,
             const char *site, const char *device, const char *what_en,
             const char *what_id, int64_t now, int64_t alert_id,
             int64_t ticket_id)
{
	char sub_en[512], sub_id[512];
	struct notify_msg m;
	const char *on = device != NULL ? device : site;

	if (e->notify == NULL)
		return;
	snprintf(sub_en, sizeof sub_en, "[%s] %s/%s: %s%s", alert_sev_name(sev),
	         site, on, what_en,
	         strcmp(event, "alert.resolved") == 0 ||
	                 strcmp(event, "site.up") == 0
	             ? " (resolved)"
	             : "");
	snprintf(sub_id, sizeof sub_id, "[%s] %s/%s: %s%s",
	         alert_sev_name_id(sev), site, on, what_id,
	         strcmp(event, "alert.resolved") == 0 ||
	                 strcmp(event, "site.up") == 0
	             ? " (sudah pulih)"
	             : "");
	memset(&m, 0, sizeof m);
	m.event = event;
	m.severity = alert_sev_name(sev);
	m.site = site;
	m.device = device;
	m.subject_en = sub_en;
	m.subject_id = sub_id;
	m.text_en = sub_en;
	m.text_id = sub_id;
	m.ts = now;
	m.alert_id = alert_id;
	m.ticket_id = ticket_id;
	e->notify(e->notify_arg, &m);
}

/*
 * Fires state 'st' of rule 'r' for (d, subject): the row, the ticket, the
 * notification.  'value' NULL for events and presence.
 */
void
alert_fire(struct alert_engine *e, const char *site, const char *device,
           struct astate *st, const struct arule *r, const char *subject,
           int sev, const double *value, const char *extra, int64_t now)
{
	struct alert_row a;
	struct ticket_new t;
	char text[512], text_id[512], title[600], key[300];
	int64_t tid = 0;
	int created = 0;

	snprintf(text, sizeof text, "%s%s%s", r->text,
	         r->text[0] != '\0' && extra[0] != '\0' ? ": " : "", extra);
	snprintf(text_id, sizeof text_id, "%s%s%s",
	         r->text_id != NULL ? r->text_id : r->text,
	         r->text[0] != '\0' && extra[0] != '\0' ? ": " : "", extra);
	if (text[0] == '\0')
		snprintf(text, sizeof text, "%s", subject);
	memset(&a, 0, sizeof a);
	a.rule = r->name;
	a.site = site;
	a.device = device;
	a.subject = subject;
	a.text = text;
	a.severity = sev;
	a.has_value = value != NULL;
	a.value = value != NULL ? *value : 0;
	a.started_at = st->since != 0 ? st->since : now;
	a.fired_at = now;
	a.silenced = alert_silenced(e, site, device, r->name, now);
	a.flapping = alert_flap(e, st, now);
	if (alert_store_fire(e->db, &a, &st->alert_id) != 0)
		return; /* stays pending: tried again at the next sample */
	st->state = AS_FIRING;
	st->sev = (uint8_t)sev;
	st->quiet = (uint8_t)(a.silenced || a.flapping);
	st->ticket_id = 0;
	e->st.fired++;
	if (r->ticket && !st->quiet) {
		snprintf(title, sizeof title, "%s: %s", device ? device : site,
		         text);
		snprintf(key, sizeof key, "rule:%s:%s", r->name, subject);
		memset(&t, 0, sizeof t);
		t.kind = TICKET_FAULT;
		t.title = title;
		t.description = text;
		t.site = site;
		t.device = device;
		t.priority = alert_priority(r, sev);
		t.dedup_key = key;
		t.actor = "system";
		if (ticket_open(e->db, &t, now, &tid, &created) == 0 &&
		    tid != 0) {
			st->ticket_id = tid;
			alert_store_ticket(e->db, st->alert_id, tid);
			if (created) {
				e->st.tickets++;
				alert_notify(e, "ticket.opened", sev, site,
				             device, title, title, now, 0, tid);
			}
		}
	}
	log_info("alert #%lld %s %s/%s %s: firing%s%s", (long long)st->alert_id,
	         r->name, site, device ? device : "-", subject,
	         a.silenced ? " (silenced)" : "",
	         a.flapping ? " (flapping)" : "");
	if (!st->quiet)
		alert_notify(e, device != NULL ? "alert.firing" : "site.down",
		             sev, site, device, text, text_id, now,
		             st->alert_id, st->ticket_id);
}

void
alert_resolve(struct alert_engine *e, const char *site, const char *device,
              struct astate *st, const struct arule *r, const char *why,
              int64_t now)
{
	struct ticket_change c;
	char note[256], tstate[32];
	int64_t at;
	int found;

	if (st->state != AS_FIRING) {
		st->state = AS_OK;
		st->since = 0;
		return;
	}
	alert_store_resolve(e->db, st->alert_id, now, why);
	e->st.resolved++;
	if (st->ticket_id != 0 &&
	    ticket_state(e->db, st->ticket_id, tstate, sizeof tstate, &at,
	                 &found) == 0 &&
	    found && strcmp(tstate, "resolved") != 0 &&
	    strcmp(tstate, "closed") != 0) {
		snprintf(note, sizeof note, "alert #%lld cleared%s%s",
		         (long long)st->alert_id, why[0] ? ": " : "", why);
		ticket_note_kind(e->db, st->ticket_id, "system", "alert", note,
		                 now);
		if (r != NULL && r->resolve_ticket) {
			memset(&c, 0, sizeof c);
			c.state = "resolved";
			c.cost_idr = -1;
			ticket_update(e->db, st->ticket_id, &c, "system", now,
			              &found);
		}
	}
	log_info("alert #%lld %s/%s: resolved", (long long)st->alert_id, site,
	         device ? device : "-");
	if (!st->quiet)
		alert_notify(
		    e, device != NULL ? "alert.resolved" : "site.up", st->sev,
		    site, device, r != NULL ? r->text : "alert",
		    r != NULL && r->text_id ? r->text_id : "peringatan", now,
		    st->alert_id, st->ticket_id);
	st->state = AS_OK;
	st->since = 0;
	st->alert_id = 0;
	st->ticket_id = 0;
}

/* One sample against one rule. */
static void
alert_eval(struct alert_engine *e, struct adev *d, struct aseries *s,
           struct astate *st, double v, int64_t ts, int64_t now)
{
	const struct arule *r = &e->rules->r[st->rule];
	double thr = r->has_above ? r->above : r->below;
	double clr = r->has_clear ? r->clear : thr;
	int breach = r->has_above ? v > thr : v < thr;
	int cleared = r->has_above ? v <= clr : v >= clr;
	char extra[64];

	switch (st->state) {
	case AS_OK:
		if (!breach)
			return;
		st->state = AS_PENDING;
		st->since = ts;
		/* fall through */
	case AS_PENDING:
		if (!breach) {
			st->state = AS_OK;
			st->since = 0;
		} else if (ts - st->since >= (int64_t)r->for_s) {
			snprintf(extra, sizeof extra, "%s = %g", s->name, v);
			alert_fire(e, d->site->name, d->device, st, r, s->name,
			           r->severity, &v, extra, now);
		}
		return;
	case AS_FIRING:
		if (cleared) {
			snprintf(extra, sizeof extra, "%s = %g", s->name, v);
			alert_resolve(e, d->site->name, d->device, st, r, extra,
			              now);
		}
		return;
	}
}

static void
alert_sample(struct alert_engine *e, struct adev *d, const char *name, double v,
             int counter, int64_t ts, int64_t now)
{
	struct aseries *s;
	double x = v;

	e->st.samples++;
	if ((s = alert_series_get(e, d, name, counter, now)) == NULL ||
	    s->nst == 0)
		return;
	if (ts <= s->last_ts && s->last_ts != 0)
		return; /* late or repeated (a spool replay): already seen */
	if (counter) {
		/* the rate since the previous total; none across a reset */
		if (s->last_ts == 0 || v < s->prev) {
			s->prev = v;
			s->last_ts = ts;
			return;
		}
		x = (v - s->prev) / (double)(ts - s->last_ts);
		s->prev = v;
	}
	s->last_ts = ts;
	for (uint16_t i = 0; i < s->nst; i++)
		alert_eval(e, d, s, &s->st[i], x, ts, now);
}

void
alert_engine_metrics(struct alert_engine *e, const char *site,
                     const char *device, const struct wire_metrics *m,
                     int64_t now)
{
	struct adev *d;
	size_t i;

	if (e == NULL || (d = alert_dev_get(e, site, device)) == NULL)
		return;
	if (d->type != m->type) {
		d->type = m->type;
		d->gen = 0; /* scope by type changed: rebind the series */
	}
	if (d->gen != e->gen)
		alert_dev_rebind(e, d, now);
	for (i = 0; i < m->ngauges; i++)
		alert_sample(e, d, m->gauges[i].name, m->gauges[i].value, 0,
		             m->ts, now);
	for (i = 0; i < m->ncounters; i++)
		alert_sample(e, d, m->counters[i].name, m->counters[i].value, 1,
		             m->ts, now);
}

void
alert_engine_event(struct alert_engine *e, const char *site, const char *device,
                   const struct wire_event *ev, int64_t now)
{
	struct adev *d;
	struct aseries *s;
	struct astate *st;
	const struct arule *r;
	char name[NAME_METRIC_MAX + 3];
	int sev;

	if (e == NULL || (d = alert_dev_get(e, site, device)) == NULL)
		return;
	snprintf(name, sizeof name, "e:%s", ev->code);
	if ((s = alert_series_get(e, d, name, 0, now)) == NULL || s->nst == 0)
		return;
	if (ev->ts < s->last_ts)
		return; /* an older event redelivered */
	s->last_ts = ev->ts;
	st = &s->st[0];
	r = &e->rules->r[st->rule];
	if (r->ignore)
		return;
	if (ev->state == WIRE_EV_RAISED && st->state != AS_FIRING) {
		sev = r->severity >= 0                    ? r->severity
		      : ev->severity == WIRE_SEV_CRITICAL ? SEV_CRITICAL
		      : ev->severity == WIRE_SEV_WARNING  ? SEV_WARNING
		                                          : SEV_INFO;
		st->since = now;
		alert_fire(e, site, device, st, r, ev->code, sev, NULL,
		           ev->text, now);
	} else if (ev->state == WIRE_EV_CLEARED && st->state == AS_FIRING) {
		alert_resolve(e, site, device, st, r, "cleared by the agent",
		              now);
	}
}

void
alert_engine_stats(const struct alert_engine *e, struct alert_engine_stats *out)
{
	*out = e->st;
	out->series = e->nseries;
}

void
alert_engine_set_notify(struct alert_engine *e, alert_notify_fn *fn, void *arg)
{
	e->notify = fn;
	e->notify_arg = arg;
}

/* Every series of 'd' against the current rules. */
void
alert_dev_rebind(struct alert_engine *e, struct adev *d, int64_t now)
{
	struct aseries *s;

	for (size_t i = 0; i < d->nb; i++)
		for (s = d->b[i]; s != NULL; s = s->next)
			if (s->gen != e->gen || d->gen == 0)
				alert_series_bind(e, d, s, e->rules, now);
	d->gen = e->gen;
}

void
alert_engine_set_rules(struct alert_engine *e, struct alert_rules *rules)
{
	struct alert_rules *old = e->rules;
	struct adev *d;
	struct aseries *s;

	if (e == NULL || rules == NULL)
		return;
	e->rules = rules;
	e->gen++;
	for (size_t i = 0; i < e->ndevb; i++)
		for (d = e->devs[i]; d != NULL; d = d->next) {
			for (size_t j = 0; j < d->nb; j++)
				for (s = d->b[j]; s != NULL; s = s->next)
					alert_series_bind(e, d, s, old, e->now);
			d->gen = e->gen;
		}
	alert_rules_free(old);
}

/* Silences from the database every ALERT_SILENCE_REFRESH seconds. */
void
alert_silences_refresh(struct alert_engine *e, int64_t now, int force)
{
	struct alert_silence *v;
	size_t n;

	if (!force && now - e->sil_loaded < ALERT_SILENCE_REFRESH)
		return;
	e->sil_loaded = now;
	if (alert_store_silences(e->db, now, &v, &n) != 0)
		return;
	free(e->sil);
	e->sil = v;
	e->nsil = n;
}
