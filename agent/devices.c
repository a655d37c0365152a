/*
 * devices.c: the devices this agent polls on behalf of others ([device]
 * sections, issue 4), brought into the agent's loop.
 *
 * The pollers of poll.h do the talking (snmp_poll.c for printers, switches
 * and SNMP PCs, pjlink.c for projectors) off the loop and keep their own
 * aligned timing; here they are started from the configuration, ticked
 * every second, and their finished rounds collected when their descriptor
 * becomes readable.  Each round is published under the device's own id,
 * through emit.c like the PC's: metrics with a seq from the spool's
 * counter for that device's topic, events, and retained status and
 * inventory, made durable once a second.  A poller exists only when a
 * device of its kind is configured.
 *
 * The pollers keep pointers into the configuration's device array, so a
 * reload that keeps the device list hands the running array over to the
 * new configuration, and one that changes it restarts the pollers.
 * Retained status and inventory of every device are sent again after each
 * connect, like the PC's inventory, in case the broker lost them.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_priv.h"
#include "common/timeutil.h"

#define DEVICES_ROUND_MAX 45 /* s: no poller's round runs longer */
#define DEVICES_ONCE_SLACK 5 /* s beyond it that --once waits */

static struct agent_dev *
devices_find(struct agent *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->devices.n; i++)
		if (strcmp(a->devices.devs[i].conf->name, name) == 0)
			return &a->devices.devs[i];
	return NULL;
}

static size_t
devices_count(const struct agent_config *cfg, bool projectors)
{
	size_t i, n = 0;

	for (i = 0; i < cfg->ndevices; i++)
		if ((cfg->devices[i].type == DEV_PROJECTOR) == projectors)
			n++;
	return n;
}

static int
devices_start_for(struct agent *a, const struct agent_config *cfg)
{
	struct agent_devices *ds = &a->devices;
	size_t i;

	memset(ds, 0, sizeof(*ds));
	if (cfg->ndevices == 0)
		return 0;
	if ((ds->devs = calloc(cfg->ndevices, sizeof(*ds->devs))) == NULL)
		return -1;
	for (i = 0; i < cfg->ndevices; i++)
		ds->devs[i].conf = &cfg->devices[i];
	ds->n = cfg->ndevices;
	if (devices_count(cfg, false) > 0 &&
	    (ds->snmp = snmp_poller_new(cfg->devices, cfg->ndevices)) == NULL)
		goto fail;
	if (devices_count(cfg, true) > 0 &&
	    (ds->pjlink = pjlink_poller_new(cfg->devices, cfg->ndevices)) ==
	        NULL)
		goto fail;
	log_info("polling %zu devices (%zu over SNMP, %zu over PJLink)", ds->n,
	         devices_count(cfg, false), devices_count(cfg, true));
	return 0;
fail:
	log_err("cannot start the device pollers: %s", strerror(errno));
	devices_stop(a);
	return -1;
}

int
devices_start(struct agent *a)
{
	return devices_start_for(a, a->cfg);
}

void
devices_stop(struct agent *a)
{
	struct agent_devices *ds = &a->devices;
	size_t i;

	snmp_poller_free(ds->snmp);
	pjlink_poller_free(ds->pjlink);
	for (i = 0; i < ds->n; i++)
		free(ds->devs[i].inventory);
	free(ds->devs);
	memset(ds, 0, sizeof(*ds));
}

void
devices_reload(struct agent *a, struct agent_config *n)
{
	struct agent_config *o = a->cfg;
	struct agent_device *keep = o->devices;

	if (config_devices_equal(n, o)) {
		/* Same list: the pollers keep the array they point into. */
		o->devices = n->devices;
		n->devices = keep;
		return;
	}
	log_info("reload: the devices changed; restarting their pollers");
	devices_stop(a);
	devices_start_for(a, n);
}

size_t
devices_pollfds(const struct agent *a, struct pollfd *pfd)
{
	size_t n = 0;

	if (a->devices.snmp != NULL) {
		pfd[n].fd = snmp_poller_fd(a->devices.snmp);
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	if (a->devices.pjlink != NULL) {
		pfd[n].fd = pjlink_poller_fd(a->devices.pjlink);
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	return n;
}

int64_t
devices_timeout(const struct agent *a)
{
	if (a->devices.n == 0)
		return 1000;
	/* Wake just after the next second, when rounds fall due. */
	return 1000 - time_now_ms() % 1000 + 1;
}

/* One finished round of one device, published under its own id. */
static void
devices_result(void *arg, const struct poll_result *r)
{
	struct agent *a = arg;
	struct agent_dev *d;
	char topic[WIRE_TOPIC_MAX];
	int64_t now = time_now();
	size_t i;

	if ((d = devices_find(a, r->device)) == NULL) {
		log_debug("a round of the unknown device %s", r->device);
		return;
	}
	if (!d->reported) {
		d->reported = true;
		a->devices.nreported++;
	}
	/* The poller decides (and logs) when the state changed. */
	if (r->state_changed || !d->known) {
		d->state = r->state;
		d->known = true;
		d->state_ts = r->metrics != NULL ? r->metrics->ts : now;
		if (emit_topic(a, topic, sizeof(topic), r->device,
		               WIRE_CH_STATUS) == 0)
			emit_status(a, topic, d->state, d->state_ts);
	}
	if (r->inventory != NULL &&
	    emit_topic(a, topic, sizeof(topic), r->device, WIRE_CH_INVENTORY) ==
	        0) {
		free(d->inventory);
		d->inventory = strdup(r->inventory);
		emit_message(a, topic, r->inventory, strlen(r->inventory), true,
		             now, 0);
	}
	if (r->metrics != NULL && emit_topic(a, topic, sizeof(topic), r->device,
	                                     WIRE_CH_METRICS) == 0)
		emit_metrics(a, topic, r->metrics, &d->stdout_seq);
	if (r->nevents > 0 &&
	    emit_topic(a, topic, sizeof(topic), r->device, WIRE_CH_EVENTS) == 0)
		for (i = 0; i < r->nevents; i++)
			emit_event(a, topic, &r->events[i]);
}

void
devices_service(struct agent *a, const struct pollfd *pfd, size_t n,
                int64_t now)
{
	struct agent_devices *ds = &a->devices;
	size_t i;

	if (ds->n == 0)
		return;
	for (i = 0; i < n; i++) {
		if ((pfd[i].revents & (POLLIN | POLLERR | POLLHUP)) == 0)
			continue;
		if (ds->snmp != NULL && pfd[i].fd == snmp_poller_fd(ds->snmp))
			snmp_poller_collect(ds->snmp, devices_result, a);
		else if (ds->pjlink != NULL &&
		         pfd[i].fd == pjlink_poller_fd(ds->pjlink))
			pjlink_poller_collect(ds->pjlink, devices_result, a);
		ds->unsynced = true;
	}
	if (now == ds->ticked)
		return;
	ds->ticked = now;
	/*
	 * One fdatasync a second for whatever the rounds collected since:
	 * hundreds of devices finish at different moments, and only durable
	 * records are published anyway.
	 */
	if (ds->unsynced) {
		emit_sync(a);
		ds->unsynced = false;
	}
	if (ds->snmp != NULL)
		snmp_poller_tick(ds->snmp, now);
	if (ds->pjlink != NULL)
		pjlink_poller_tick(ds->pjlink, now);
}

void
devices_online(struct agent *a, int64_t ts)
{
	struct agent_dev *d;
	char topic[WIRE_TOPIC_MAX];
	size_t i;

	for (i = 0; i < a->devices.n; i++) {
		d = &a->devices.devs[i];
		if (d->known && emit_topic(a, topic, sizeof(topic),
		                           d->conf->name, WIRE_CH_STATUS) == 0)
			emit_status(a, topic, d->state, d->state_ts);
		if (d->inventory != NULL &&
		    emit_topic(a, topic, sizeof(topic), d->conf->name,
		               WIRE_CH_INVENTORY) == 0)
			emit_message(a, topic, d->inventory,
			             strlen(d->inventory), true, ts, 0);
	}
}

bool
devices_done(const struct agent *a)
{
	return a->devices.nreported >= a->devices.n;
}

int64_t
devices_once_wait(const struct agent *a)
{
	unsigned s, wait = 0;
	size_t i;

	for (i = 0; i < a->devices.n; i++) {
		s = a->devices.devs[i].conf->interval;
		if (s > DEVICES_ROUND_MAX)
			s = DEVICES_ROUND_MAX;
		if (s > wait)
			wait = s;
	}
	return a->devices.n > 0 ? (int64_t)(wait + DEVICES_ONCE_SLACK) * 1000
	                        : 0;
}
