/*
 * dev_projector.c: a projector's PJLink rounds as metrics, events,
 * inventory and reachability (dev_projector.h, docs/pjlink.md).
 *
 * Metrics (DESIGN.md section 6): projector.power, projector.error.<part>
 * from ERST, the counters projector.lamp.hours (lamp 1), lamp2, ... and
 * projector.filter.hours.  A value the projector did not give this round
 * is absent.  Lamp hours drop to 0 when a lamp is replaced: the collector
 * stores counters as DERIVE with min 0, so that is one unknown step.
 *
 * Events: one code per ERST part (projector.fan, projector.lamp, ...),
 * raised with severity warning (1) or critical (2), raised again when the
 * level changes, cleared when it returns to 0.  An ERST the projector did
 * not give (standby answers ERR3 on some models) changes nothing, so a
 * projector going to sleep never clears or raises a fault.  Reachability
 * has the codes every polled device shares: device.unreachable (as the
 * SNMP poller sends it) and device.auth_failed.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/dev_projector.h"
#include "common/log.h"

enum dp_state { DP_UNKNOWN, DP_ONLINE, DP_UNREACHABLE };

struct dev_projector {
	char *name;
	char *address;
	unsigned interval;
	enum dp_state state;
	int misses; /* rounds in a row without an answer */
	bool auth_raised;
	bool unreach_raised;
	signed char erst[PJLINK_NERST]; /* levels last evented */
	int klass;
	int64_t inv_ts; /* last complete inventory round, 0: none */
	char *inv_text; /* last inventory published, with ts 0 */
	struct wire_metrics m;
	struct dev_projector_out out;
};

/* ERST parts as people say them, for the event texts. */
static const char *const dp_erst_text[PJLINK_NERST] = {
    "fan", "lamp", "temperature", "cover open", "filter", "other",
};

struct dev_projector *
dev_projector_new(const char *name, const char *address, unsigned interval)
{
	struct dev_projector *dp;

	if ((dp = calloc(1, sizeof(*dp))) == NULL)
		return NULL;
	if ((dp->name = strdup(name)) == NULL)
		goto fail_name;
	if ((dp->address = strdup(address)) == NULL)
		goto fail_address;
	dp->interval = interval > 0 ? interval : 60;
	dp->state = DP_UNKNOWN;
	return dp;

fail_address:
	free(dp->name);
fail_name:
	free(dp);
	errno = ENOMEM;
	return NULL;
}

void
dev_projector_free(struct dev_projector *dp)
{
	if (dp == NULL)
		return;
	wire_metrics_clear(&dp->m);
	free(dp->out.inventory);
	free(dp->inv_text);
	free(dp->address);
	free(dp->name);
	free(dp);
}

int
dev_projector_class(const struct dev_projector *dp)
{
	return dp->klass;
}

bool
dev_projector_inventory_due(const struct dev_projector *dp, int64_t now)
{
	return dp->state != DP_ONLINE || dp->misses > 0 || dp->inv_ts == 0 ||
	       now - dp->inv_ts >= DEV_PROJECTOR_INVENTORY_EVERY;
}

static void dp_event(struct dev_projector *dp, int64_t ts, const char *code,
                     enum wire_severity sev, enum wire_evstate state,
                     const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
dp_event(struct dev_projector *dp, int64_t ts, const char *code,
         enum wire_severity sev, enum wire_evstate state, const char *fmt, ...)
{
	struct wire_event *e;
	va_list ap;

	if (dp->out.nevents == DEV_PROJECTOR_EVENTS_MAX)
		return;
	e = &dp->out.events[dp->out.nevents++];
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	snprintf(e->code, sizeof(e->code), "%s", code);
	e->severity = sev;
	e->state = state;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
}

/* A failed round: the debounced way to "unreachable". */
static void
dp_missed(struct dev_projector *dp, int64_t ts, const struct pjlink_status *st)
{
	bool auth =
	    st->fail == PJLINK_FAIL_AUTH || st->fail == PJLINK_FAIL_NOPASS;

	dp->misses++;
	if (auth && !dp->auth_raised) {
		log_err("%s: PJLink authentication failed at %s: %s", dp->name,
		        dp->address, st->detail);
		dp_event(dp, ts, "device.auth_failed", WIRE_SEV_CRITICAL,
		         WIRE_EV_RAISED, "%s", st->detail);
		dp->auth_raised = true;
	}
	if (!auth && dp->state == DP_ONLINE && dp->misses < 2) {
		log_debug("%s: no answer this round (%s: %s)", dp->name,
		          pjlink_fail_name(st->fail), st->detail);
		return;
	}
	if (dp->state == DP_UNREACHABLE)
		return;
	dp->state = DP_UNREACHABLE;
	dp->out.state_changed = true;
	if (auth)
		return;
	log_warn("%s: unreachable at %s: %s", dp->name, dp->address,
	         st->detail);
	dp_event(dp, ts, "device.unreachable", WIRE_SEV_WARNING, WIRE_EV_RAISED,
	         "no answer from %s: %s", dp->address, st->detail);
	dp->unreach_raised = true;
}

static void
dp_answered(struct dev_projector *dp, int64_t ts)
{
	dp->misses = 0;
	if (dp->auth_raised) {
		log_info("%s: PJLink authentication works again", dp->name);
		dp_event(dp, ts, "device.auth_failed", WIRE_SEV_CRITICAL,
		         WIRE_EV_CLEARED, "authenticated");
		dp->auth_raised = false;
	}
	if (dp->unreach_raised) {
		log_info("%s: answers again at %s", dp->name, dp->address);
		dp_event(dp, ts, "device.unreachable", WIRE_SEV_WARNING,
		         WIRE_EV_CLEARED, "answers again");
		dp->unreach_raised = false;
	}
	if (dp->state != DP_ONLINE) {
		dp->state = DP_ONLINE;
		dp->out.state_changed = true;
	}
}

static void
dp_erst_events(struct dev_projector *dp, int64_t ts,
               const struct pjlink_status *st)
{
	static const char *const level[] = {"ok", "warning", "error"};
	char code[NAME_METRIC_MAX + 1];

	for (int i = 0; i < PJLINK_NERST; i++) {
		int now = st->erst[i], was = dp->erst[i];

		if (now < 0 || now == was)
			continue;
		snprintf(code, sizeof(code), "projector.%s",
		         pjlink_erst_name((enum pjlink_erst)i));
		if (now == 0)
			dp_event(dp, ts, code,
			         was == 2 ? WIRE_SEV_CRITICAL
			                  : WIRE_SEV_WARNING,
			         WIRE_EV_CLEARED, "%s ok", dp_erst_text[i]);
		else
			dp_event(dp, ts, code,
			         now == 2 ? WIRE_SEV_CRITICAL
			                  : WIRE_SEV_WARNING,
			         WIRE_EV_RAISED, "%s %s", dp_erst_text[i],
			         level[now]);
		dp->erst[i] = (signed char)now;
	}
}

static int
dp_metrics(struct dev_projector *dp, int64_t ts, const struct pjlink_status *st)
{
	struct wire_metrics *m = &dp->m;
	char name[NAME_METRIC_MAX + 1];

	m->ts = ts;
	m->type = DEV_PROJECTOR;
	m->interval = dp->interval;
	if (st->power >= 0 &&
	    wire_metrics_add(m, 0, "projector.power", st->power) != 0)
		return -1;
	for (int i = 0; i < PJLINK_NERST; i++) {
		if (st->erst[i] < 0)
			continue;
		snprintf(name, sizeof(name), "projector.error.%s",
		         pjlink_erst_name((enum pjlink_erst)i));
		if (wire_metrics_add(m, 0, name, st->erst[i]) != 0)
			return -1;
	}
	for (int i = 0; i < st->nlamps; i++) {
		if (i == 0)
			snprintf(name, sizeof(name), "projector.lamp.hours");
		else
			snprintf(name, sizeof(name), "projector.lamp%d.hours",
			         i + 1);
		if (wire_metrics_add(m, 1, name, (double)st->lamp_hours[i]) !=
		    0)
			return -1;
	}
	if (st->filter_hours >= 0 &&
	    wire_metrics_add(m, 1, "projector.filter.hours",
	                     (double)st->filter_hours) != 0)
		return -1;
	return 0;
}

/* Adds 'value' as 'key' when it is not empty. */
static bool
dp_json_text(cJSON *o, const char *key, const char *value)
{
	return value[0] == '\0' ||
	       cJSON_AddStringToObject(o, key, value) != NULL;
}

/* The inventory object with time stamp 'ts', or NULL (ENOMEM). */
static char *
dp_inventory_json(const struct dev_projector *dp, int64_t ts,
                  const struct pjlink_status *st)
{
	cJSON *o, *pj;
	char *text = NULL;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddNumberToObject(o, "v", WIRE_VERSION) == NULL ||
	    cJSON_AddNumberToObject(o, "ts", (double)ts) == NULL ||
	    cJSON_AddStringToObject(o, "type", "projector") == NULL ||
	    !dp_json_text(o, "vendor", st->maker) ||
	    !dp_json_text(o, "model", st->model) ||
	    !dp_json_text(o, "serial", st->serial) ||
	    cJSON_AddStringToObject(o, "address", dp->address) == NULL ||
	    cJSON_AddStringToObject(o, "agent_version", PACKAGE_VERSION) ==
	        NULL ||
	    (pj = cJSON_AddObjectToObject(o, "projector")) == NULL ||
	    !dp_json_text(pj, "name", st->name) ||
	    !dp_json_text(pj, "manufacturer", st->maker) ||
	    !dp_json_text(pj, "product", st->model) ||
	    !dp_json_text(pj, "info", st->info) ||
	    (dp->klass > 0 &&
	     cJSON_AddNumberToObject(pj, "class", dp->klass) == NULL) ||
	    (st->nlamps >= 0 &&
	     cJSON_AddNumberToObject(pj, "lamps", st->nlamps) == NULL) ||
	    !dp_json_text(pj, "software_version", st->version) ||
	    !dp_json_text(pj, "lamp_replacement", st->lamp_model) ||
	    !dp_json_text(pj, "filter_replacement", st->filter_model))
		goto out;
	text = cJSON_PrintUnformatted(o);
out:
	cJSON_Delete(o);
	return text;
}

/* Sets out.inventory when a complete inventory round changed anything. */
static int
dp_inventory(struct dev_projector *dp, int64_t ts,
             const struct pjlink_status *st)
{
	char *stable;

	if (!st->inventory || !st->complete)
		return 0;
	if ((stable = dp_inventory_json(dp, 0, st)) == NULL)
		return -1;
	dp->inv_ts = ts;
	if (dp->inv_text != NULL && strcmp(stable, dp->inv_text) == 0) {
		free(stable);
		return 0;
	}
	if ((dp->out.inventory = dp_inventory_json(dp, ts, st)) == NULL) {
		free(stable);
		return -1;
	}
	free(dp->inv_text);
	dp->inv_text = stable;
	return 0;
}

const struct dev_projector_out *
dev_projector_round(struct dev_projector *dp, int64_t ts,
                    const struct pjlink_status *st)
{
	struct dev_projector_out *out = &dp->out;

	wire_metrics_clear(&dp->m);
	free(out->inventory);
	out->inventory = NULL;
	out->metrics = NULL;
	out->nevents = 0;
	out->state_changed = false;

	if (st->fail != PJLINK_FAIL_NONE) {
		dp_missed(dp, ts, st);
	} else {
		dp_answered(dp, ts);
		if (st->klass > 0)
			dp->klass = st->klass;
		dp_erst_events(dp, ts, st);
		if (dp_metrics(dp, ts, st) != 0 ||
		    dp_inventory(dp, ts, st) != 0) {
			log_err("%s: out of memory", dp->name);
			return NULL;
		}
		out->metrics = &dp->m;
	}
	out->state = dp->state == DP_ONLINE ? WIRE_ONLINE : WIRE_UNREACHABLE;
	return out;
}
