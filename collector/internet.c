/*
 * internet.c: the tracker of every site's internet link (internet.h,
 * docs/internet.md).
 *
 * ingest.c hands over every accepted metrics message; those with link or
 * DNS probes update their agent's latest round, and the site's state is
 * derived again (internet_derive.c) at the round's own time stamp.  The
 * site keeps a clock of its own, the newest sample time evaluated: a
 * round older than it (one agent's spool arriving after the others'
 * rounds) updates that agent but is not evaluated into the past, which
 * would rewrite periods already closed.  Through a site broker's bridge
 * the rounds of all agents arrive in the order they were taken, so an
 * outage seen only after the link returns is recorded as it happened.
 *
 * State periods are rows of internet_state (internet_store.c).  When the
 * newest evaluation is more than stale_intervals steps after the one
 * before (every agent silent: the site closed, the power out, the
 * collector stopped), the gap is recorded as 'unknown' from the last
 * evaluation plus one step, not as more of the state before it.
 *
 * Alerts follow the state: internet_down while it is down (after
 * down_for), internet_loss / _latency / _dns while it is degraded for
 * that cause (after degraded_for), all in sample time.  An instant is
 * alerted on when the next one begins, once every agent's round of it had
 * its say (so one round late).  An unknown state leaves the alerts as
 * they are: not knowing is not a recovery.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/db.h"
#include "collector/internet.h"
#include "common/log.h"
#include "common/names.h"

#define INET_BUCKETS 256 /* sites hashed; a province has hundreds */

struct inet_site {
	struct inet_site *next;
	char name[NAME_ID_MAX + 1];
	char (*dev)[NAME_ID_MAX + 1]; /* agents' device ids */
	struct internet_agent *ag;    /* their latest rounds, same index */
	size_t nag, cap;
	enum internet_state state; /* of the open row */
	unsigned reasons;          /* of the open row, accumulated */
	int64_t row;               /* the open row; 0 none */
	int64_t since, last_seen;  /* of the open row */
	unsigned step;
	int64_t cond[INET_AL_N];      /* since when each alert's cause holds */
	struct internet_verdict pend; /* the newest instant's, not alerted */
	int64_t pend_t;               /* its time; 0 none */
	struct internet_alerts *al;
};

struct internet {
	struct db *db;
	struct alert_engine *alerts;
	struct internet_conf c;
	struct inet_site *b[INET_BUCKETS];
};

static unsigned
inet_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % INET_BUCKETS;
}

static struct inet_site *
inet_site_get(struct internet *in, const char *name)
{
	struct inet_site *s, **b = &in->b[inet_hash(name)];

	for (s = *b; s != NULL; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	if ((s->al = internet_alerts_new()) == NULL) {
		free(s);
		return NULL;
	}
	snprintf(s->name, sizeof s->name, "%s", name);
	s->step = 60;
	s->next = *b;
	*b = s;
	return s;
}

/* The agent's slot in 's'; NULL on ENOMEM. */
static struct internet_agent *
inet_agent_get(struct inet_site *s, const char *device)
{
	char(*nd)[NAME_ID_MAX + 1];
	struct internet_agent *na;
	size_t i, cap;

	for (i = 0; i < s->nag; i++)
		if (strcmp(s->dev[i], device) == 0)
			return &s->ag[i];
	if (s->nag == s->cap) {
		cap = s->cap != 0 ? s->cap * 2 : 4;
		if ((nd = realloc(s->dev, cap * sizeof *nd)) == NULL)
			return NULL;
		s->dev = nd;
		if ((na = realloc(s->ag, cap * sizeof *na)) == NULL)
			return NULL;
		s->ag = na;
		s->cap = cap;
	}
	snprintf(s->dev[s->nag], sizeof s->dev[0], "%s", device);
	memset(&s->ag[s->nag], 0, sizeof s->ag[0]);
	return &s->ag[s->nag++];
}

static void
inet_restore_row(void *arg, const char *site, const struct internet_period *p)
{
	struct internet *in = arg;
	struct inet_site *s;

	if ((s = inet_site_get(in, site)) == NULL)
		return;
	s->row = p->row;
	s->state = p->state;
	s->reasons = p->reasons;
	s->since = p->since;
	s->last_seen = p->last_seen;
	s->step = p->step != 0 ? p->step : 60;
}

static void
inet_restore_alert(void *arg, const char *site, enum internet_alert_kind k,
                   int64_t id, int64_t ticket_id, int64_t since)
{
	struct internet *in = arg;
	struct inet_site *s;

	if ((s = inet_site_get(in, site)) == NULL)
		return;
	internet_alerts_restore(s->al, k, id, ticket_id, since);
	s->cond[k] = since;
}

struct internet *
internet_new(struct db *db, struct alert_engine *alerts,
             const struct internet_conf *c)
{
	struct internet *in;

	if ((in = calloc(1, sizeof *in)) == NULL)
		return NULL;
	in->db = db;
	in->alerts = alerts;
	in->c = *c;
	if (internet_store_load(db, inet_restore_row, in) != 0 ||
	    internet_store_firing(db, inet_restore_alert, in) != 0) {
		internet_free(in);
		return NULL;
	}
	return in;
}

void
internet_free(struct internet *in)
{
	struct inet_site *s, *next;

	if (in == NULL)
		return;
	for (size_t i = 0; i < INET_BUCKETS; i++)
		for (s = in->b[i]; s != NULL; s = next) {
			next = s->next;
			internet_alerts_free(s->al);
			free(s->dev);
			free(s->ag);
			free(s);
		}
	free(in);
}

void
internet_set_conf(struct internet *in, const struct internet_conf *c)
{
	if (in != NULL && c != NULL)
		in->c = *c;
}

/* Moves site 's' to 'state' at sample time 't' (a row per period). */
static void
inet_transition(struct internet *in, struct inet_site *s,
                enum internet_state state, unsigned reasons, int64_t t,
                unsigned agents)
{
	struct internet_period prev;
	int64_t row;
	int r;

	if (s->row != 0 && state == s->state) {
		s->reasons |= reasons;
		return;
	}
	if (s->row != 0 && s->since == t) {
		/*
		 * Two agents' rounds of the same instant: the second one
		 * corrects the first, which must not leave a period of no
		 * length (nor split one period in two).
		 */
		r = internet_store_merge(in->db, s->name, s->row, t, state,
		                         &prev);
		if (r == 1) {
			s->row = prev.row;
			s->since = prev.since;
			s->reasons = prev.reasons | reasons;
		} else if (r == 0 &&
		           internet_store_restate(in->db, s->row, state,
		                                  reasons, agents) == 0) {
			s->reasons = reasons;
		} else {
			return;
		}
		s->state = state;
		return;
	}
	if (s->row != 0 && internet_store_close(in->db, s->row, t) != 0)
		return;
	if ((row = internet_store_open(in->db, s->name, state, reasons, t,
	                               s->step, agents)) < 0) {
		s->row = 0;
		return;
	}
	log_info("internet: %s %s since %lld%s%s", s->name,
	         internet_state_name(state), (long long)t, reasons ? " " : "",
	         reasons ? internet_reasons_str(reasons, (char[48]){0}, 48)
	                 : "");
	s->row = row;
	s->state = state;
	s->reasons = reasons;
	s->since = t;
	s->last_seen = t;
}

/* The alerts of 's' after the verdict 'v' at sample time 't'. */
static void
inet_alerts(struct internet *in, struct inet_site *s,
            const struct internet_verdict *v, int64_t t, int64_t now)
{
	static const unsigned cause[INET_AL_N] = {
	    [INET_AL_LOSS] = INET_R_LOSS,
	    [INET_AL_LATENCY] = INET_R_LATENCY,
	    [INET_AL_DNS] = INET_R_DNS,
	};
	char detail[128];
	int on;

	if (!in->c.alerts || v->state == INET_UNKNOWN)
		return;
	for (int k = 0; k < INET_AL_N; k++) {
		if (k == INET_AL_DOWN)
			on = v->state == INET_DOWN;
		else
			on = v->state == INET_DEGRADED &&
			     (v->reasons & cause[k]) != 0;
		if (!on) {
			s->cond[k] = 0;
			snprintf(detail, sizeof detail, "internet %s",
			         internet_state_name(v->state));
			internet_alerts_set(s->al, in->alerts, in->db, s->name,
			                    (enum internet_alert_kind)k, 0, 0,
			                    detail, now);
			continue;
		}
		if (s->cond[k] == 0)
			s->cond[k] = k == INET_AL_DOWN ? s->since : t;
		if (t - s->cond[k] < (int64_t)(k == INET_AL_DOWN
		                                   ? in->c.down_for
		                                   : in->c.degraded_for))
			continue;
		/* numbers and words both languages read: it ends both texts */
		if (k == INET_AL_DOWN)
			snprintf(detail, sizeof detail,
			         "internet 0/%u PC, gateway %u/%u PC", v->fresh,
			         v->cut, v->fresh);
		else if (k == INET_AL_LOSS)
			snprintf(detail, sizeof detail,
			         "PC %u/%u: loss >= %g%%", v->poor, v->ok,
			         in->c.loss_pct_degraded);
		else if (k == INET_AL_LATENCY)
			snprintf(detail, sizeof detail,
			         "PC %u/%u: rtt >= %g ms", v->poor, v->ok,
			         in->c.rtt_ms_degraded);
		else
			snprintf(detail, sizeof detail, "PC %u/%u: DNS",
			         v->poor, v->ok);
		internet_alerts_set(s->al, in->alerts, in->db, s->name,
		                    (enum internet_alert_kind)k, 1, s->cond[k],
		                    detail, now);
	}
}

/* Derives site 's' at sample time 't' (a round of 'step' seconds). */
static void
inet_evaluate(struct internet *in, struct inet_site *s, int64_t t,
              unsigned step, int64_t now)
{
	struct internet_verdict v;
	int64_t gap;

	internet_derive(&in->c, s->ag, s->nag, t, &v);
	/*
	 * The alerts of an instant wait for the next one: its other agents'
	 * rounds may still come and correct it (test_tracker, round 47).
	 */
	if (s->pend_t != 0 && t > s->pend_t)
		inet_alerts(in, s, &s->pend, s->pend_t, now);
	s->pend = v;
	s->pend_t = t;
	gap = s->last_seen + s->step;
	if (s->row != 0 && s->state != INET_UNKNOWN &&
	    t - s->last_seen > (int64_t)in->c.stale_intervals * s->step &&
	    gap < t)
		inet_transition(in, s, INET_UNKNOWN, 0, gap, 0);
	s->step = step != 0 ? step : 60;
	inet_transition(in, s, v.state, v.reasons, t, v.fresh);
	if (s->row != 0 && t > s->last_seen) {
		s->last_seen = t;
		if (internet_store_seen(in->db, s->row, t, s->step,
		                        s->reasons) != 0)
			log_warn("internet: %s: cannot record the round of "
			         "%lld",
			         s->name, (long long)t);
	}
}

void
internet_metrics(struct internet *in, const char *site, const char *device,
                 const struct wire_metrics *m, int64_t now)
{
	struct internet_agent a, *slot;
	struct inet_site *s;

	if (in == NULL || !internet_agent_read(m, &a))
		return;
	/*
	 * A round stamped ahead of this clock (beyond two intervals) comes
	 * from a PC whose clock is wrong: it would drive the site's clock
	 * forward and make every other agent's round late and stale.
	 */
	if (a.ts > now + 2 * (int64_t)(a.interval ? a.interval : 60)) {
		log_warn("internet: %s/%s: round stamped %lld s ahead of this "
		         "clock, not counted (check the PC's clock)",
		         site, device, (long long)(a.ts - now));
		return;
	}
	if ((s = inet_site_get(in, site)) == NULL ||
	    (slot = inet_agent_get(s, device)) == NULL) {
		log_err("internet: out of memory for %s/%s", site, device);
		return;
	}
	if (a.ts < slot->ts)
		return; /* an older round of this agent redelivered */
	*slot = a;
	if (s->row != 0 && a.ts < s->last_seen)
		return; /* late for the site: not evaluated into the past */
	inet_evaluate(in, s, a.ts, a.interval, now);
}
