/*
 * agentx_store.c: the latest state and metrics of every device, kept for
 * PANTAU-MIB from the messages the agent emits (agentx_priv.h).
 *
 * emit.c calls the hooks below with each metrics, status and event message
 * right where it sends it, so the tables show exactly what went out over
 * MQTT and nothing the agent did not publish.  This half links no net-snmp
 * (it lives in the core library the unit tests link); agentx.c answers
 * from it and turns events into notifications through ax->notify.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/agentx_priv.h"
#include "common/log.h"

/* Units by the end (or the start) of a metric's name: docs/metrics.md. */
struct agentx_unit_rule {
	const char *pattern;
	bool prefix; /* else a suffix */
	const char *unit;
};

/* First match wins: the specific names before the general endings. */
static const struct agentx_unit_rule agentx_units[] = {
    {"cpu.util", false, "%"},
    {"_pct", false, "%"},
    {"_bytes", false, "bytes"},
    {"celsius", false, "degC"},
    {".rpm", false, "rpm"},
    {"_ms", false, "ms"},
    {"seconds", false, "s"},
    {"hours", false, "hours"},
    {"speed_mbps", false, "Mbit/s"},
    {"_sectors", false, "sectors"},
    {"printer.pages.total", false, "impressions"},
    {"printer.sheets.total", false, "sheets"},
    {"printer.error_bits", false, "bits"},
    {"printer.status", false, "enum"},
    {"printer.device_status", false, "enum"},
    {"projector.power", false, "enum"},
    {"projector.error.", true, "enum"},
    {"_up", false, "1/0"},
    {"_ok", false, "1/0"},
    {"net.", true, "packets"}, /* the rest of net.*: errors */
    {"if.", true, "packets"},  /* errors and discards */
    {"_errors", false, "errors"},
    {"power.ac_online", false, "1/0"},
    {"load.", true, "processes"},
    {"procs.total", false, "processes"},
    {"users.sessions", false, "sessions"},
    {"battery.cycles", false, "cycles"},
    {"agent.spool.dropped", false, "messages"},
};

static bool
agentx_ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), k = strlen(end);

	return n >= k && strcmp(s + n - k, end) == 0;
}

const char *
agentx_unit(const char *name)
{
	static const char usage[] = "printer.usage.";
	const struct agentx_unit_rule *r;
	size_t i;

	/* printer.usage.<unit>: the name says it. */
	if (strncmp(name, usage, sizeof(usage) - 1) == 0)
		return name + sizeof(usage) - 1;
	for (i = 0; i < sizeof(agentx_units) / sizeof(agentx_units[0]); i++) {
		r = &agentx_units[i];
		if (r->prefix
		        ? strncmp(name, r->pattern, strlen(r->pattern)) == 0
		        : agentx_ends_with(name, r->pattern))
			return r->unit;
	}
	return "";
}

/*
 * Prints v as wire_encode.c's wire_fmt_double() does for the payload, so
 * pantauMetricValue reads exactly as the MQTT message: integral values
 * without fraction, others with the fewest digits (15 to 17) that give
 * back the same double.
 */
void
agentx_format_value(double v, char *buf, size_t sz)
{
	int prec;
	char *p;

	if (v == trunc(v) && fabs(v) < 1e15) {
		snprintf(buf, sz, "%.0f", v);
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, sz, "%.*g", prec, v);
		if ((p = strchr(buf, ',')) != NULL)
			*p = '.';
		if (strtod(buf, NULL) == v)
			break;
	}
}

long
agentx_integer(double v)
{
	if (isnan(v))
		return 0;
	if (v >= 2147483647.0)
		return 2147483647L;
	if (v <= -2147483648.0)
		return -2147483647L - 1;
	return lround(v);
}

uint64_t
agentx_counter64(double v)
{
	if (!(v > 0))
		return 0;
	if (v >= 18446744073709551615.0)
		return UINT64_MAX;
	return (uint64_t)v;
}

static struct agentx_dev *
agentx_store_add(struct agentx *ax, const char *id, enum dev_type type)
{
	struct agentx_dev *d;
	size_t cap;

	if (ax->ndevs == ax->cap) {
		cap = ax->cap ? ax->cap * 2 : 8;
		if ((d = realloc(ax->devs, cap * sizeof(*d))) == NULL)
			return NULL;
		ax->devs = d;
		ax->cap = cap;
	}
	d = &ax->devs[ax->ndevs++];
	memset(d, 0, sizeof(*d));
	snprintf(d->id, sizeof(d->id), "%s", id);
	d->type = type;
	d->state = AGENTX_STATE_UNKNOWN;
	return d;
}

static struct agentx_dev *
agentx_store_find(struct agentx *ax, const char *id, size_t *idx)
{
	size_t i;

	for (i = 0; i < ax->ndevs; i++)
		if (strcmp(ax->devs[i].id, id) == 0) {
			if (idx != NULL)
				*idx = i;
			return &ax->devs[i];
		}
	return NULL;
}

struct agentx *
agentx_store_new(const struct agent_config *cfg)
{
	struct agentx *ax;

	if ((ax = calloc(1, sizeof(*ax))) == NULL)
		return NULL;
	if (agentx_store_sync(ax, cfg) != 0) {
		agentx_store_free(ax);
		errno = ENOMEM;
		return NULL;
	}
	return ax;
}

void
agentx_store_free(struct agentx *ax)
{
	size_t i;

	if (ax == NULL)
		return;
	for (i = 0; i < ax->ndevs; i++)
		free(ax->devs[i].metrics);
	free(ax->devs);
	free(ax->address);
	free(ax);
}

int
agentx_store_sync(struct agentx *ax, const struct agent_config *cfg)
{
	struct agentx old = *ax;
	struct agentx_dev *d, *o;
	size_t i;
	int r = 0;

	snprintf(ax->site, sizeof(ax->site), "%s", cfg->site);
	snprintf(ax->device, sizeof(ax->device), "%s", cfg->device);
	ax->devs = NULL;
	ax->ndevs = ax->cap = 0;
	for (i = 0; i <= cfg->ndevices && r == 0; i++) {
		const char *id =
		    i == 0 ? cfg->device : cfg->devices[i - 1].name;
		enum dev_type t = i == 0 ? DEV_PC : cfg->devices[i - 1].type;

		if (agentx_store_find(ax, id, NULL) != NULL)
			continue; /* config.c refuses this; be safe */
		if ((d = agentx_store_add(ax, id, t)) == NULL) {
			r = -1;
			break;
		}
		/* A device that stays keeps what it had. */
		if ((o = agentx_store_find(&old, id, NULL)) != NULL &&
		    o->type == t) {
			d->state = o->state;
			d->last_seen = o->last_seen;
			d->metrics = o->metrics;
			d->nmetrics = o->nmetrics;
			d->cap = o->cap;
			o->metrics = NULL;
		}
	}
	if (r != 0) {
		for (i = 0; i < ax->ndevs; i++)
			free(ax->devs[i].metrics);
		free(ax->devs);
		ax->devs = old.devs;
		ax->ndevs = old.ndevs;
		ax->cap = old.cap;
		return -1;
	}
	for (i = 0; i < old.ndevs; i++)
		free(old.devs[i].metrics);
	free(old.devs);
	return 0;
}

/*
 * The row of the device a topic names, added when it is not there (the
 * agent emits only for configured devices, but a row costs little).
 */
static struct agentx_dev *
agentx_store_topic(struct agentx *ax, const char *topic, enum dev_type type,
                   size_t *idx)
{
	char site[NAME_ID_MAX + 1], device[NAME_ID_MAX + 1];
	enum wire_channel ch;
	struct wire_error err;
	struct agentx_dev *d;

	if (wire_topic_parse(topic, site, device, &ch, &err) != WIRE_OK)
		return NULL;
	if ((d = agentx_store_find(ax, device, idx)) != NULL)
		return d;
	if ((d = agentx_store_add(ax, device, type)) == NULL)
		log_err("agentx: out of memory for the device %s", device);
	else if (idx != NULL)
		*idx = ax->ndevs - 1;
	return d;
}

/* The slot of metric 'name', found or appended; NULL when out of memory. */
static struct agentx_metric *
agentx_store_metric(struct agentx_dev *d, const char *name)
{
	struct agentx_metric *m;
	size_t i, cap;

	/* Messages list their metrics in the same order each round. */
	if (d->hint < d->nmetrics &&
	    strcmp(d->metrics[d->hint].name, name) == 0)
		return &d->metrics[d->hint++];
	for (i = 0; i < d->nmetrics; i++)
		if (strcmp(d->metrics[i].name, name) == 0) {
			d->hint = i + 1;
			return &d->metrics[i];
		}
	if (d->nmetrics == d->cap) {
		cap = d->cap ? d->cap * 2 : 32;
		if ((m = realloc(d->metrics, cap * sizeof(*m))) == NULL)
			return NULL;
		d->metrics = m;
		d->cap = cap;
	}
	m = &d->metrics[d->nmetrics++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	d->hint = d->nmetrics;
	return m;
}

static void
agentx_store_samples(struct agentx_dev *d, const struct wire_sample *s,
                     size_t n, bool counter)
{
	struct agentx_metric *m;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((m = agentx_store_metric(d, s[i].name)) == NULL) {
			log_err("agentx: out of memory for the metrics of %s",
			        d->id);
			return;
		}
		m->value = s[i].value;
		m->counter = counter;
		m->present = true;
	}
}

void
agentx_on_metrics(struct agentx *ax, const char *topic,
                  const struct wire_metrics *m)
{
	struct agentx_dev *d;
	size_t i;

	if (ax == NULL ||
	    (d = agentx_store_topic(ax, topic, m->type, NULL)) == NULL)
		return;
	for (i = 0; i < d->nmetrics; i++)
		d->metrics[i].present = false;
	d->hint = 0;
	agentx_store_samples(d, m->gauges, m->ngauges, false);
	agentx_store_samples(d, m->counters, m->ncounters, true);
	d->last_seen = m->ts;
	/* The PC has no status of its own here (publish.c sends it): an
	 * agent that publishes its rounds is running. */
	if (strcmp(d->id, ax->device) == 0)
		d->state = WIRE_ONLINE;
}

void
agentx_on_status(struct agentx *ax, const char *topic, enum wire_state state,
                 int64_t ts)
{
	struct agentx_dev *d;

	(void)ts;
	if (ax != NULL &&
	    (d = agentx_store_topic(ax, topic, DEV_PC, NULL)) != NULL)
		d->state = (int)state;
}

void
agentx_on_event(struct agentx *ax, const char *topic,
                const struct wire_event *ev)
{
	size_t idx;

	if (ax != NULL && ax->notify != NULL &&
	    agentx_store_topic(ax, topic, DEV_PC, &idx) != NULL)
		ax->notify(ax, idx, ev);
}
