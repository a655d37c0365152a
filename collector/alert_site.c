/*
 * alert_site.c: presence alerts, site outages, the engine's timer and its
 * start (alert.h, docs/alerts.md).
 *
 * When a telecenter loses power or its link, every device goes offline
 * or stale within a minute or two.  One alert "site down" says that
 * better than twenty "device offline": while the share of a site's
 * devices that are down is at least site_outage_pct (and the site has at
 * least site_outage_min_devices), the site alert fires and device
 * presence alerts of that site are held back.  So that the first devices
 * to drop do not alert before the rest follow, a presence alert of a
 * site that large waits at least site_outage_window.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/alert_engine.h"
#include "common/log.h"

#define ALERT_DEV_BUCKETS 256

/* The site outage is a rule of its own, tuned in [alerts]. */
static const struct arule alert_site_rule = {
    .name = "site_outage",
    .kind = AR_PRESENCE,
    .severity = SEV_CRITICAL,
    .text = "most devices of the site are down (power or link)",
    .text_id = "sebagian besar perangkat di lokasi mati (listrik atau "
               "jaringan)",
    .ticket = 1,
    .priority = 1,
};

struct asite *
alert_site_get(struct alert_engine *e, const char *name)
{
	struct asite *s;

	for (s = e->sites; s != NULL; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	snprintf(s->name, sizeof s->name, "%s", name);
	s->next = e->sites;
	e->sites = s;
	return s;
}

static int
alert_down(enum dev_state s)
{
	return s == STATE_OFFLINE || s == STATE_STALE || s == STATE_UNREACHABLE;
}

static void
alert_site_check(struct alert_engine *e, struct asite *s, int64_t now)
{
	const struct alert_rules *rs = e->rules;
	int out =
	    s->ndev >= rs->site_outage_min &&
	    (uint64_t)s->ndown * 100 >= (uint64_t)rs->site_outage_pct * s->ndev;
	char extra[64];

	if (out && s->out.state != AS_FIRING) {
		snprintf(extra, sizeof extra, "%u of %u devices down", s->ndown,
		         s->ndev);
		s->out.since = now;
		alert_fire(e, s->name, NULL, &s->out, &alert_site_rule,
		           "offline", SEV_CRITICAL, NULL, extra, now);
	} else if (!out && s->out.state == AS_FIRING) {
		snprintf(extra, sizeof extra, "%u of %u devices down", s->ndown,
		         s->ndev);
		alert_resolve(e, s->name, NULL, &s->out, &alert_site_rule,
		              extra, now);
		s->recovered = now;
	}
}

/* Fires the presence alerts of 'd' whose wait is over. */
static void
alert_presence_due(struct alert_engine *e, struct adev *d, int64_t now)
{
	const struct alert_rules *rs = e->rules;
	struct aseries *s;
	struct astate *st;
	const struct arule *r;
	int64_t wait, start;

	if (d->site->out.state == AS_FIRING)
		return; /* the site alert says it all */
	if ((s = alert_series_get(e, d, "p:", 0, now)) == NULL)
		return;
	for (uint16_t i = 0; i < s->nst; i++) {
		st = &s->st[i];
		r = &rs->r[st->rule];
		if (st->state != AS_PENDING)
			continue;
		wait = r->for_s;
		if (d->site->ndev >= rs->site_outage_min &&
		    wait < (int64_t)rs->site_outage_window)
			wait = rs->site_outage_window;
		/*
		 * When the power or link comes back, the devices return one
		 * by one over a minute: those still down when the site
		 * alert resolved get the window again, not a page each.
		 */
		start = st->since;
		if (d->site->recovered > start)
			start = d->site->recovered;
		if (now - start >= wait)
			alert_fire(e, d->site->name, d->device, st, r,
			           dev_state_name(r->presence), r->severity,
			           NULL, "", now);
	}
}

/* Moves the presence series of 'd' to 'state' since 'since'. */
static void
alert_presence_set(struct alert_engine *e, struct adev *d, enum dev_state state,
                   int64_t since, int64_t now)
{
	struct aseries *s;
	struct astate *st;
	const struct arule *r;

	if (alert_down(d->pstate) != alert_down(state)) {
		if (alert_down(state))
			d->site->ndown++;
		else if (d->site->ndown > 0)
			d->site->ndown--;
	}
	d->pstate = state;
	if ((s = alert_series_get(e, d, "p:", 0, now)) == NULL)
		return;
	for (uint16_t i = 0; i < s->nst; i++) {
		st = &s->st[i];
		r = &e->rules->r[st->rule];
		if (r->presence == state) {
			if (st->state == AS_OK) {
				st->state = AS_PENDING;
				st->since = since;
			}
		} else {
			alert_resolve(e, d->site->name, d->device, st, r,
			              dev_state_name(state), now);
		}
	}
}

void
alert_engine_presence(struct alert_engine *e, const char *site,
                      const char *device, enum dev_type type,
                      enum dev_state state, int64_t now)
{
	struct adev *d;

	if (e == NULL || (d = alert_dev_get(e, site, device)) == NULL)
		return;
	e->now = now;
	if (type < DEV_NTYPES && type != d->type) {
		d->type = type;
		d->gen = 0;
		alert_dev_rebind(e, d, now);
	}
	alert_presence_set(e, d, state, now, now);
	alert_site_check(e, d->site, now);
	alert_presence_due(e, d, now);
}

void
alert_engine_presence_hook(void *arg, const char *site, const char *device,
                           enum dev_type type, enum dev_state state,
                           int64_t now)
{
	alert_engine_presence(arg, site, device, type, state, now);
}

void
alert_engine_tick(struct alert_engine *e, int64_t now)
{
	struct adev *d;
	struct asite *s;

	if (e == NULL)
		return;
	e->now = now;
	alert_silences_refresh(e, now, 0);
	for (s = e->sites; s != NULL; s = s->next)
		alert_site_check(e, s, now);
	for (size_t i = 0; i < e->ndevb; i++)
		for (d = e->devs[i]; d != NULL; d = d->next)
			if (alert_down(d->pstate))
				alert_presence_due(e, d, now);
}

/* A firing alert of an earlier run, back into its state. */
static void
alert_load_firing(void *arg, int64_t id, const char *rule, const char *site,
                  const char *device, const char *subject, int64_t started_at,
                  int64_t ticket_id)
{
	struct alert_engine *e = arg;
	const struct arule *r = NULL;
	struct astate *st = NULL;
	struct aseries *s;
	struct adev *d;
	struct asite *as;
	char name[NAME_METRIC_MAX + 3];
	size_t i;

	if (rule == NULL || site == NULL || subject == NULL)
		return;
	if (strncmp(rule, "internet_", 9) == 0)
		return; /* alert_internet.c's: internet.c takes them back */
	if (device == NULL) {
		if (strcmp(rule, alert_site_rule.name) == 0 &&
		    (as = alert_site_get(e, site)) != NULL) {
			st = &as->out;
			r = &alert_site_rule;
		}
		goto found;
	}
	for (i = 0; i < e->rules->n; i++)
		if (strcmp(e->rules->r[i].name, rule) == 0)
			r = &e->rules->r[i];
	if (r == NULL || (d = alert_dev_get(e, site, device)) == NULL)
		goto found;
	if (r->kind == AR_EVENT)
		snprintf(name, sizeof name, "e:%s", subject);
	else if (r->kind == AR_PRESENCE)
		snprintf(name, sizeof name, "p:");
	else
		snprintf(name, sizeof name, "%s", subject);
	if ((s = alert_series_get(e, d, name, r->rate, e->now)) == NULL)
		goto found;
	for (i = 0; i < s->nst; i++)
		if (&e->rules->r[s->st[i].rule] == r)
			st = &s->st[i];
found:
	if (st == NULL) {
		alert_store_resolve(e->db, id, e->now, "rule removed");
		return;
	}
	st->state = AS_FIRING;
	st->since = started_at;
	st->alert_id = id;
	st->ticket_id = ticket_id;
	st->sev = (uint8_t)(r->severity >= 0 ? r->severity : SEV_WARNING);
}

struct alert_engine *
alert_engine_new(struct db *db, struct alert_rules *rules, int64_t now)
{
	struct alert_engine *e;
	struct db_device *devs = NULL;
	struct adev *d;
	size_t n = 0, i;

	if (rules == NULL || (e = calloc(1, sizeof *e)) == NULL)
		goto fail_rules;
	e->db = db;
	e->rules = rules;
	e->gen = 1;
	e->now = now;
	e->ndevb = ALERT_DEV_BUCKETS;
	if ((e->devs = calloc(e->ndevb, sizeof *e->devs)) == NULL)
		goto fail;
	if (db_devices_load(db, &devs, &n) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((d = alert_dev_get(e, devs[i].site, devs[i].device)) ==
		    NULL)
			goto fail;
		d->type = devs[i].has_type ? devs[i].type : DEV_NTYPES;
		d->gen = e->gen;
		alert_presence_set(e, d, devs[i].state, devs[i].state_since,
		                   now);
	}
	free(devs);
	devs = NULL;
	if (alert_store_firing(db, alert_load_firing, e) != 0)
		goto fail;
	alert_silences_refresh(e, now, 1);
	return e;
fail:
	free(devs);
	alert_engine_free(e);
	return NULL;
fail_rules:
	alert_rules_free(rules);
	return NULL;
}

void
alert_engine_free(struct alert_engine *e)
{
	struct adev *d, *dn;
	struct aseries *s, *sn;
	struct asite *as, *asn;

	if (e == NULL)
		return;
	for (size_t i = 0; e->devs != NULL && i < e->ndevb; i++)
		for (d = e->devs[i]; d != NULL; d = dn) {
			dn = d->next;
			for (size_t j = 0; j < d->nb; j++)
				for (s = d->b[j]; s != NULL; s = sn) {
					sn = s->next;
					free(s->st);
					free(s);
				}
			free(d->b);
			free(d);
		}
	for (as = e->sites; as != NULL; as = asn) {
		asn = as->next;
		free(as);
	}
	free(e->devs);
	free(e->sil);
	alert_rules_free(e->rules);
	free(e);
}
