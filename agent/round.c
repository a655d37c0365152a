/*
 * round.c: the PC's own round.  At each aligned time the samplers (pc.h)
 * fill one metrics message, the agent's health rides along, the inventory
 * is checked now and then, and a spool that had to drop data says so in an
 * event.  Everything leaves through emit.c.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_priv.h"
#include "agent/polls.h"
#include "common/timeutil.h"

#define ROUND_INV_EVERY 300 /* s between checks of the inventory */

int
round_topics(struct agent *a)
{
	const char *dev = a->cfg->device;

	if (emit_topic(a, a->t_metrics, sizeof(a->t_metrics), dev,
	               WIRE_CH_METRICS) != 0 ||
	    emit_topic(a, a->t_inventory, sizeof(a->t_inventory), dev,
	               WIRE_CH_INVENTORY) != 0 ||
	    emit_topic(a, a->t_events, sizeof(a->t_events), dev,
	               WIRE_CH_EVENTS) != 0)
		return -1;
	return 0;
}

struct pc *
round_pc_new(struct agent *a)
{
	struct pc_options o = {
	    .root = a->opt.root,
	    .smartctl = a->cfg->smartctl,
	    .smart_interval = a->cfg->smart_interval,
	    .smart_timeout = a->cfg->smart_timeout,
	};
	struct wire_metrics prime;
	struct pc *pc;

	if ((pc = pc_new(&o)) == NULL)
		return NULL;
	/* A first reading, so that the first round already has rates. */
	memset(&prime, 0, sizeof(prime));
	pc_sample(pc, time_now(), &prime);
	wire_metrics_clear(&prime);
	return pc;
}

static void
round_event(struct agent *a, int64_t ts, enum wire_severity sev,
            enum wire_evstate state, const char *text)
{
	struct wire_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts = ts;
	snprintf(ev.code, sizeof(ev.code), "%s", AGENT_EV_OVERFLOW);
	ev.severity = sev;
	ev.state = state;
	snprintf(ev.text, sizeof(ev.text), "%s", text);
	emit_event(a, a->t_events, &ev);
}

/*
 * Texts are compared as generated with ts 0, so the time stamp alone is
 * not a change.
 */
void
round_inventory(struct agent *a, int64_t ts, bool force)
{
	char *cmp, *inv;

	if ((cmp = polls_inventory(a->pc, a->cfg, 0)) == NULL) {
		log_err("cannot build the inventory: %s", strerror(errno));
		return;
	}
	cmp = link_agent_inventory(a, cmp); /* the link parts' labels */
	if (!force && a->inventory != NULL && strcmp(cmp, a->inventory) == 0) {
		free(cmp);
		return;
	}
	free(a->inventory);
	a->inventory = cmp;
	if ((inv = polls_inventory(a->pc, a->cfg, ts)) == NULL) {
		log_err("cannot build the inventory: %s", strerror(errno));
		return;
	}
	inv = link_agent_inventory(a, inv);
	emit_message(a, a->t_inventory, inv, strlen(inv), true, ts, 0);
	free(inv);
}

/*
 * While the broker is away the event waits (it would be the next thing
 * dropped in a long outage); it is spooled right after the next connect,
 * so it reaches the collector with the surviving backlog and says how much
 * went missing.  Cleared once the backlog is down to a quarter of the
 * bound.
 */
void
round_overflow(struct agent *a, int64_t ts)
{
	/* losses to a full disk have their own event (spool_full.c) */
	uint64_t d = spool_dropped(a->sp) - spool_full_dropped(a->sp), pending;
	char text[160];

	if (d > a->dropped_seen) {
		if (!a->overflow_logged) {
			log_warn("spool full (%" PRIu64 " bytes): dropping the "
			         "oldest messages",
			         a->cfg->spool_max);
			a->overflow_logged = true;
		}
		if (!publish_connected(a->pub))
			return;
		snprintf(text, sizeof(text),
		         "spool full (%" PRIu64 " bytes): "
		         "dropped the %" PRIu64 " oldest messages, %" PRIu64
		         " in total",
		         a->cfg->spool_max, d - a->dropped_seen, d);
		log_warn("%s", text);
		a->dropped_seen = d;
		a->overflow_raised = true;
		a->overflow_logged = false;
		round_event(a, ts, WIRE_SEV_WARNING, WIRE_EV_RAISED, text);
		return;
	}
	pending = spool_pending_bytes(a->sp);
	if (a->overflow_raised && pending < a->cfg->spool_max / 4) {
		snprintf(text, sizeof(text), "spool back to %" PRIu64 " bytes",
		         pending);
		a->overflow_raised = false;
		round_event(a, ts, WIRE_SEV_INFO, WIRE_EV_CLEARED, text);
	}
}

void
round_pc(struct agent *a, int64_t ts)
{
	struct wire_metrics m;

	memset(&m, 0, sizeof(m));
	m.ts = ts;
	m.type = DEV_PC;
	m.interval = a->cfg->interval;
	if (pc_sample(a->pc, ts, &m) != 0)
		log_err("sampling: %s", strerror(errno));
	if (a->sp != NULL) {
		/* The agent's own health rides along with the PC's. */
		wire_metrics_add(&m, 1, "agent.spool.dropped",
		                 (double)spool_dropped(a->sp));
		wire_metrics_add(&m, 0, "agent.spool.bytes",
		                 (double)spool_pending_bytes(a->sp));
	}
	emit_metrics(a, a->t_metrics, &m, &a->stdout_seq);
	wire_metrics_clear(&m);

	/*
	 * Building the inventory costs about a fifth of a round, and what it
	 * describes (hardware, OS, labels) changes rarely: look every five
	 * minutes, or every round when rounds are further apart.
	 */
	if (a->inventory == NULL || ts - a->inv_checked >= ROUND_INV_EVERY ||
	    ts < a->inv_checked) {
		round_inventory(a, ts, false);
		a->inv_checked = ts;
	}
	if (a->sp != NULL) {
		round_overflow(a, ts);
		emit_sync(a);
	}
}
