/*
 * link_agent.c: the link poller (link.h) in the agent's loop.
 *
 * A [link] section makes the agent start a link round at each of its own
 * round times, beside the PC's.  Probing takes a while (several probes a
 * target, timeouts), so the round is not waited for: when the poller's
 * descriptor becomes readable its metrics go out as a metrics message of
 * the PC with the round's own aligned time stamp, through emit.c like
 * everything else.  The collector takes two messages with one ts as it
 * takes a late one: each metric has its own series.
 *
 * The metric parts' labels (the gateway's address, the configured host,
 * the resolver's address) join the PC's inventory under "labels", as the
 * PC's own sanitized parts do; a change of them (a new gateway) sends the
 * inventory again.
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_priv.h"
#include "agent/link.h"
#include "common/timeutil.h"

struct link_label {
	char prefix[NAME_METRIC_MAX + 1]; /* "link.gateway" */
	char label[LINK_HOST_MAX + 1];
};

struct link_agent {
	struct link_poller *poller;
	struct link_label *labels;
	size_t nlabels;
	int64_t started_ts; /* the last round started, for --once */
	bool reported;      /* --once: a round came back */
};

int
link_agent_start(struct agent *a)
{
	struct link_agent *la;

	if (a->cfg->link == NULL)
		return 0;
	if ((la = calloc(1, sizeof(*la))) == NULL)
		return -1;
	if ((la->poller = link_poller_new(a->cfg->link, a->opt.root)) == NULL) {
		log_err("cannot start the link poller: %s", strerror(errno));
		free(la);
		return -1;
	}
	a->link = la;
	return 0;
}

void
link_agent_stop(struct agent *a)
{
	if (a->link == NULL)
		return;
	link_poller_free(a->link->poller);
	free(a->link->labels);
	free(a->link);
	a->link = NULL;
}

void
link_agent_reload(struct agent *a, struct agent_config *n)
{
	struct link_agent *la = a->link;
	struct link_poller *p = NULL;

	if (n->link != NULL &&
	    (p = link_poller_new(n->link, a->opt.root)) == NULL) {
		log_err("reload: cannot restart the link poller: %s",
		        strerror(errno));
		return; /* the old one probes on with its copy */
	}
	if (la == NULL && p == NULL)
		return;
	if (la == NULL && (la = calloc(1, sizeof(*la))) == NULL) {
		link_poller_free(p);
		return;
	}
	link_poller_free(la->poller);
	la->poller = p;
	a->link = la;
	if (p == NULL)
		link_agent_stop(a);
}

size_t
link_agent_pollfd(const struct agent *a, struct pollfd *pfd)
{
	if (a->link == NULL)
		return 0;
	pfd->fd = link_poller_fd(a->link->poller);
	pfd->events = POLLIN;
	pfd->revents = 0;
	return 1;
}

void
link_agent_round(struct agent *a, int64_t ts)
{
	if (a->link == NULL)
		return;
	if (link_poller_start(a->link->poller, ts))
		a->link->started_ts = ts;
	else
		log_warn("link: the previous round still runs; skipping %lld",
		         (long long)ts);
}

/* Whether the labels differ from the kept ones; keeps the new ones. */
static bool
link_agent_labels(struct link_agent *la, const struct link_round *r)
{
	struct link_label *l;
	bool changed = r->n != la->nlabels;
	size_t i;

	if ((l = calloc(r->n ? r->n : 1, sizeof(*l))) == NULL)
		return false;
	for (i = 0; i < r->n; i++) {
		snprintf(l[i].prefix, sizeof(l[i].prefix), "%s.%s",
		         r->entries[i].dns ? "dns" : "link",
		         r->entries[i].part);
		snprintf(l[i].label, sizeof(l[i].label), "%s",
		         r->entries[i].label);
		if (!changed &&
		    (strcmp(l[i].prefix, la->labels[i].prefix) != 0 ||
		     strcmp(l[i].label, la->labels[i].label) != 0))
			changed = true;
	}
	free(la->labels);
	la->labels = l;
	la->nlabels = r->n;
	return changed;
}

static void
link_agent_collected(void *arg, const struct link_round *r)
{
	struct agent *a = arg;
	struct wire_metrics m;

	memset(&m, 0, sizeof(m));
	m.ts = r->ts;
	m.type = DEV_PC;
	m.interval = a->cfg->interval;
	if (link_round_metrics(r, &m) != 0)
		log_err("link: metrics: %s", strerror(errno));
	emit_metrics(a, a->t_metrics, &m, &a->stdout_seq);
	wire_metrics_clear(&m);
	a->link->reported = true;
	if (link_agent_labels(a->link, r))
		round_inventory(a, time_now(), false);
	emit_sync(a);
}

void
link_agent_service(struct agent *a, const struct pollfd *pfd, size_t n)
{
	if (a->link == NULL || n == 0 || !(pfd->revents & POLLIN))
		return;
	link_poller_collect(a->link->poller, link_agent_collected, a);
}

bool
link_agent_done(const struct agent *a)
{
	return a->link == NULL || a->link->reported;
}

int64_t
link_agent_once_wait(const struct agent *a)
{
	if (a->cfg->link == NULL)
		return 0;
	return (int64_t)link_config_round_ms(a->cfg->link) + 5000;
}

/* Adds the labels to the inventory's "labels"; 'inv' if that fails. */
char *
link_agent_inventory(const struct agent *a, char *inv)
{
	cJSON *o = NULL, *labels;
	char *out = NULL;
	size_t i;

	if (inv == NULL || a->link == NULL || a->link->nlabels == 0)
		return inv;
	if ((o = cJSON_Parse(inv)) == NULL)
		goto fail;
	labels = cJSON_GetObjectItemCaseSensitive(o, "labels");
	if (!cJSON_IsObject(labels) &&
	    (labels = cJSON_AddObjectToObject(o, "labels")) == NULL)
		goto fail;
	for (i = 0; i < a->link->nlabels; i++) {
		cJSON_DeleteItemFromObjectCaseSensitive(
		    labels, a->link->labels[i].prefix);
		if (cJSON_AddStringToObject(labels, a->link->labels[i].prefix,
		                            a->link->labels[i].label) == NULL)
			goto fail;
	}
	if ((out = cJSON_PrintUnformatted(o)) == NULL)
		goto fail;
	cJSON_Delete(o);
	free(inv);
	return out;
fail:
	cJSON_Delete(o);
	return inv;
}
