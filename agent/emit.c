/*
 * emit.c: the one way out for every message the agent produces, the PC's
 * and the polled devices' alike.
 *
 * Normally a message goes into the spool (spool.c), from where publish.c
 * sends it once the broker is reachable; with --stdout it is printed as a
 * TOPIC<TAB>PAYLOAD line instead and neither spool nor broker exists.  The
 * seq of a metrics message comes from the spool's per-topic counter, so it
 * survives restarts; --stdout counts in memory.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_priv.h"
#include "common/timeutil.h"

void
emit_message(struct agent *a, const char *topic, const char *payload,
             size_t len, bool retain, int64_t ts, uint64_t seq)
{
	if (a->opt.to_stdout) {
		printf("%s\t%.*s\n", topic, (int)len, payload);
		/* Nobody reads any more (a closed pipe): stop, like cat. */
		if (fflush(stdout) != 0 && errno == EPIPE)
			a->stop = true;
		return;
	}
	/* a full disk is logged once by the spool (spool_full.c) */
	if (spool_append(a->sp, topic, payload, len, retain, ts, seq) != 0 &&
	    !spool_disk_full(a->sp))
		log_err("spool: cannot append to %s: %s", a->cfg->spool_dir,
		        strerror(errno));
}

int
emit_topic(const struct agent *a, char *buf, size_t sz, const char *device,
           enum wire_channel ch)
{
	return wire_topic(buf, sz, a->cfg->site, device, ch);
}

void
emit_metrics(struct agent *a, const char *topic, struct wire_metrics *m,
             uint64_t *stdout_seq)
{
	char *payload;
	size_t len;

	if (a->opt.to_stdout)
		m->seq = ++*stdout_seq;
	else if (spool_seq_next(a->sp, topic, &m->seq) != 0)
		m->seq = 0;
	if ((payload = wire_metrics_encode(m, &len)) == NULL) {
		log_err("cannot encode the metrics for %s: %s", topic,
		        strerror(errno));
		return;
	}
	agentx_on_metrics(a->agentx, topic, m); /* PANTAU-MIB's tables */
	emit_message(a, topic, payload, len, false, m->ts, m->seq);
	free(payload);
}

void
emit_event(struct agent *a, const char *topic, const struct wire_event *ev)
{
	char *payload;
	size_t len;

	if ((payload = wire_event_encode(ev, &len)) == NULL) {
		log_err("cannot encode the event %s for %s: %s", ev->code,
		        topic, strerror(errno));
		return;
	}
	agentx_on_event(a->agentx, topic, ev); /* a notification */
	emit_message(a, topic, payload, len, false, ev->ts, 0);
	free(payload);
}

void
emit_status(struct agent *a, const char *topic, enum wire_state state,
            int64_t ts)
{
	struct wire_status st = {.ts = ts, .state = state};
	char *payload;
	size_t len;

	if ((payload = wire_status_encode(&st, &len)) == NULL) {
		log_err("cannot encode the status for %s: %s", topic,
		        strerror(errno));
		return;
	}
	agentx_on_status(a->agentx, topic, state, ts);
	emit_message(a, topic, payload, len, true, ts, 0);
	free(payload);
}

/*
 * The disk under the spool filled or has room again: an event, raised or
 * cleared, on the PC's events channel.  The raised one goes into the room
 * the spool's reserve left (spool_full.c), so it reaches the broker while
 * the disk is still full.
 */
static void
emit_disk_full(struct agent *a)
{
	struct wire_event ev;
	uint64_t dropped = spool_dropped(a->sp);
	int news;

	memset(&ev, 0, sizeof(ev));
	if ((news = spool_full_news(a->sp, ev.text, sizeof(ev.text))) == 0)
		return;
	ev.ts = time_now();
	snprintf(ev.code, sizeof(ev.code), "%s", AGENT_EV_DISK_FULL);
	ev.severity = news > 0 ? WIRE_SEV_WARNING : WIRE_SEV_INFO;
	ev.state = news > 0 ? WIRE_EV_RAISED : WIRE_EV_CLEARED;
	emit_event(a, a->t_events, &ev);
	/* someone else took the reserve's room first: try again next time */
	if (spool_dropped(a->sp) != dropped)
		spool_full_news_again(a->sp);
}

void
emit_sync(struct agent *a)
{
	if (a->sp == NULL)
		return;
	emit_disk_full(a);
	/* while the disk is full this fails every round: logged once */
	if (spool_sync(a->sp) != 0 && !spool_disk_full(a->sp))
		log_err("spool: cannot sync %s: %s", a->cfg->spool_dir,
		        strerror(errno));
	/* space found again by this sync: said now, synced next round */
	emit_disk_full(a);
}
