/*
 * link_poll.c: the link poller (link.h), shaped like the device pollers of
 * poll.h: a thread of its own does the probing, off the agent's loop, and
 * a descriptor becomes readable when a round is finished.
 *
 * The core starts a round at each of its aligned round times.  The thread
 * then looks up what to probe, since any of it can change between rounds
 * (DHCP gives a new gateway, resolv.conf is rewritten): the default
 * gateway from proc/net/route, the resolvers from etc/resolv.conf unless
 * configured, the targets' addresses (a name is resolved through the
 * system, asynchronously and for at most dns_timeout_ms; when that fails
 * the last address it had is probed, so a DNS failure shows as dns.*, not
 * as every target down).  link_probe.c runs the
 * probes; a round that is still running when the next is due makes the
 * core skip that one, which link_config.c's limit (three quarters of the
 * interval) keeps from happening.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "agent/link.h"
#include "common/log.h"
#include "common/timeutil.h"

/*
 * A target given by name: its lookup (getaddrinfo_a(), so a slow resolver
 * cannot hold the round beyond dns_timeout_ms) and the last address it
 * gave, probed when a later lookup fails or is still running.  Allocated
 * on its own: a lookup that cannot be cancelled at the poller's end keeps
 * it (glibc's helper thread still writes into it).
 */
struct link_name {
	struct gaicb cb;
	struct addrinfo hints;
	bool inflight;
	struct sockaddr_storage addr;
	socklen_t alen;
	bool failing; /* logged */
};

struct link_poller {
	struct link_config cfg;
	char *root;
	pthread_t th;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int res_fd;  /* eventfd: a finished round waits in 'done' */
	int stop_fd; /* eventfd: stop the round and the thread */
	/* Under mu. */
	bool stop;
	bool busy;
	int64_t want_ts; /* a round to start, or 0 */
	struct link_round *done;
	/* The thread's own. */
	struct link_name *names[LINK_TARGETS_MAX];
	bool no_gateway_logged;
};

static bool link_poll_icmp_logged;

static void
link_round_free(struct link_round *r)
{
	if (r == NULL)
		return;
	free(r->entries);
	free(r);
}

/* Takes the finished lookup of name 'k' into its cache; logs changes. */
static void
link_poll_name_done(struct link_poller *p, size_t k)
{
	struct link_name *n = p->names[k];
	const char *host = p->cfg.targets[k].host;
	int rc = gai_error(&n->cb);

	if (rc == EAI_INPROGRESS)
		return;
	n->inflight = false;
	if (rc == 0 && n->cb.ar_result != NULL) {
		memcpy(&n->addr, n->cb.ar_result->ai_addr,
		       n->cb.ar_result->ai_addrlen);
		n->alen = n->cb.ar_result->ai_addrlen;
		if (n->failing)
			log_info("link: %s resolves again", host);
		n->failing = false;
	} else if (!n->failing) {
		log_warn("link: cannot resolve %s (%s)%s", host,
		         gai_strerror(rc),
		         n->alen ? "; probing its last address" : "");
		n->failing = true;
	}
	if (n->cb.ar_result != NULL)
		freeaddrinfo(n->cb.ar_result);
	n->cb.ar_result = NULL;
}

/*
 * Fills the targets' addresses: numeric ones at once, names by lookups
 * started now (unless the last one still runs) and waited for together,
 * at most dns_timeout_ms; a name whose lookup is not done uses the last
 * address it had (none the first time: its probes are lost).
 */
static void
link_poll_resolve(struct link_poller *p, struct link_probe_target *t)
{
	const struct link_config *lc = &p->cfg;
	struct gaicb *list[LINK_TARGETS_MAX], *wait[LINK_TARGETS_MAX];
	struct link_name *n;
	struct timespec ts;
	int64_t end;
	size_t k, nw;

	for (k = 0; k < lc->ntargets; k++) {
		if (link_parse_addr(lc->targets[k].host, 0, &t[k].addr,
		                    &t[k].alen) == 0)
			continue;
		if (p->names[k] == NULL &&
		    (p->names[k] = calloc(1, sizeof(*p->names[k]))) == NULL)
			continue;
		n = p->names[k];
		if (n->inflight)
			continue;
		n->hints.ai_family = AF_UNSPEC;
		n->hints.ai_socktype = SOCK_STREAM;
		n->hints.ai_flags = AI_ADDRCONFIG;
		n->cb.ar_name = lc->targets[k].host;
		n->cb.ar_request = &n->hints;
		n->cb.ar_result = NULL;
		list[0] = &n->cb;
		if (getaddrinfo_a(GAI_NOWAIT, list, 1, NULL) == 0)
			n->inflight = true;
	}
	end = time_mono_ms() + lc->dns_timeout_ms;
	for (;;) {
		for (k = 0, nw = 0; k < lc->ntargets; k++) {
			if (p->names[k] == NULL || !p->names[k]->inflight)
				continue;
			link_poll_name_done(p, k);
			if (p->names[k]->inflight)
				wait[nw++] = &p->names[k]->cb;
		}
		if (nw == 0 || time_mono_ms() >= end)
			break;
		ts.tv_sec = (end - time_mono_ms()) / 1000;
		ts.tv_nsec = (long)((end - time_mono_ms()) % 1000) * 1000000;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0)
			break;
		gai_suspend((const struct gaicb *const *)wait, (int)nw, &ts);
	}
	for (k = 0; k < lc->ntargets; k++) {
		if ((n = p->names[k]) == NULL)
			continue;
		if (n->inflight && !n->failing) {
			log_warn("link: the lookup of %s takes longer than "
			         "dns_timeout_ms%s",
			         lc->targets[k].host,
			         n->alen ? "; probing its last address" : "");
			n->failing = true;
		}
		t[k].addr = n->addr;
		t[k].alen = n->alen;
	}
}

/* At the poller's end: a lookup still running keeps its memory. */
static void
link_poll_names_free(struct link_poller *p)
{
	size_t k;

	for (k = 0; k < LINK_TARGETS_MAX; k++) {
		struct link_name *n = p->names[k];

		if (n == NULL)
			continue;
		if (n->inflight) {
			switch (gai_cancel(&n->cb)) {
			case EAI_NOTCANCELED:
				log_debug("link: the lookup of %s still runs; "
				          "left to finish",
				          n->cb.ar_name);
				continue;
			case EAI_ALLDONE:
				if (n->cb.ar_result != NULL)
					freeaddrinfo(n->cb.ar_result);
				break;
			default:
				break;
			}
		}
		free(n);
	}
}

static void
link_poll_icmp_note(void)
{
	char range[64] = "?";
	FILE *f;

	/* Once per process: a reload starts a new poller. */
	if (__atomic_exchange_n(&link_poll_icmp_logged, true, __ATOMIC_RELAXED))
		return;
	/* The live kernel's setting, whatever --root says. */
	if ((f = fopen("/proc/sys/net/ipv4/ping_group_range", "re")) != NULL) {
		if (fgets(range, sizeof(range), f) == NULL)
			snprintf(range, sizeof(range), "?");
		fclose(f);
		range[strcspn(range, "\n")] = '\0';
	}
	log_warn("link: ICMP ping sockets are not allowed for group %u "
	         "(net.ipv4.ping_group_range is \"%s\"): probing with TCP "
	         "connects instead (docs/link.md)",
	         (unsigned)getgid(), range);
}

/* One round for 'ts': everything looked up, probed, summarised. */
static struct link_round *
link_poll_round(struct link_poller *p, int64_t ts)
{
	const struct link_config *lc = &p->cfg;
	struct link_probe_target *t = NULL;
	struct link_probe_dns *d = NULL;
	struct link_probe_params pp;
	char res[LINK_RESOLVERS_MAX][LINK_ADDR_MAX];
	char taken[LINK_RESOLVERS_MAX][NAME_PART_MAX + 1];
	char gw[LINK_ADDR_MAX] = "";
	struct link_round *r;
	struct link_entry *e;
	size_t nt = 0, nd, k, i;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->ts = ts;
	nd = lc->nresolvers;
	if (nd > 0)
		memcpy(res, lc->resolvers, sizeof(res));
	else if (lc->dns_name[0] != '\0')
		nd = link_read_resolvers(p->root, res, LINK_RESOLVERS_MAX);
	if (lc->dns_name[0] == '\0')
		nd = 0;
	r->entries = calloc(1 + lc->ntargets + nd, sizeof(*r->entries));
	t = calloc(1 + lc->ntargets, sizeof(*t));
	d = calloc(nd ? nd : 1, sizeof(*d));
	if (r->entries == NULL || t == NULL || d == NULL)
		goto fail;

	if (lc->probe_gateway) {
		e = &r->entries[nt];
		snprintf(e->part, sizeof(e->part), "gateway");
		t[nt].method = lc->gateway.method;
		t[nt].port = lc->gateway.port;
		if (link_read_gateway(p->root, gw, sizeof(gw)) == 1) {
			snprintf(e->label, sizeof(e->label), "%s", gw);
			link_parse_addr(gw, 0, &t[nt].addr, &t[nt].alen);
			p->no_gateway_logged = false;
		} else if (!p->no_gateway_logged) {
			/* No default route: nothing beyond the LAN. */
			log_warn(
			    "link: no default gateway in %s/proc/net/route",
			    strcmp(p->root, "/") == 0 ? "" : p->root);
			p->no_gateway_logged = true;
		}
		nt++;
	}
	link_poll_resolve(p, &t[nt]);
	for (k = 0; k < lc->ntargets; k++, nt++) {
		e = &r->entries[nt];
		snprintf(e->part, sizeof(e->part), "%s", lc->targets[k].part);
		snprintf(e->label, sizeof(e->label), "%s", lc->targets[k].host);
		t[nt].method = lc->targets[k].method;
		t[nt].port = lc->targets[k].port;
	}
	for (k = 0; k < nd; k++) {
		e = &r->entries[nt + k];
		e->dns = true;
		snprintf(e->label, sizeof(e->label), "%s", res[k]);
		if (link_part(res[k], (const char(*)[NAME_PART_MAX + 1]) taken,
		              k, e->part, sizeof(e->part)) != 0)
			snprintf(e->part, sizeof(e->part), "resolver%zu",
			         k + 1);
		snprintf(taken[k], sizeof(taken[k]), "%s", e->part);
		if (link_parse_addr(res[k], 53, &d[k].addr, &d[k].alen) != 0)
			d[k].alen = 0;
	}

	pp = (struct link_probe_params){
	    .probes = lc->probes,
	    .spacing_ms = lc->spacing_ms,
	    .timeout_ms = lc->timeout_ms,
	    .dns_timeout_ms = lc->dns_timeout_ms,
	    .dns_name = lc->dns_name,
	    .stop_fd = p->stop_fd,
	};
	if (link_probe_run(&pp, t, nt, d, nd) != 0)
		goto fail;
	for (i = 0; i < nt; i++) {
		link_stats_compute(t[i].rtt_ms, lc->probes, &r->entries[i].st);
		if (t[i].fell_back) {
			r->icmp_denied = true;
			link_poll_icmp_note();
		}
	}
	for (k = 0; k < nd; k++) {
		e = &r->entries[nt + k];
		e->dns_replied = d[k].replied;
		e->dns_ok = d[k].ok;
		e->dns_ms = d[k].ms;
	}
	r->n = nt + nd;
	free(t);
	free(d);
	return r;
fail:
	free(t);
	free(d);
	link_round_free(r);
	return NULL;
}

static void *
link_poll_thread(void *arg)
{
	struct link_poller *p = arg;
	struct link_round *r;
	uint64_t one = 1;
	int64_t ts;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->want_ts == 0)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop)
			break;
		ts = p->want_ts;
		p->want_ts = 0;
		pthread_mutex_unlock(&p->mu);

		r = link_poll_round(p, ts);
		if (r == NULL && errno != ECANCELED)
			log_err("link: round of %lld failed: %s", (long long)ts,
			        strerror(errno));

		pthread_mutex_lock(&p->mu);
		p->busy = false;
		if (r != NULL) {
			link_round_free(p->done); /* never collected */
			p->done = r;
			if (write(p->res_fd, &one, sizeof(one)) < 0)
				log_err("link: eventfd: %s", strerror(errno));
		}
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct link_poller *
link_poller_new(const struct link_config *lc, const char *root)
{
	struct link_poller *p;
	int err;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->cfg = *lc;
	p->res_fd = p->stop_fd = -1;
	if ((p->root = strdup(root)) == NULL)
		goto fail;
	if ((p->res_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 ||
	    (p->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		goto fail;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if ((err = pthread_create(&p->th, NULL, link_poll_thread, p)) != 0) {
		errno = err;
		goto fail_sync;
	}
	p->started = true;
	return p;
fail_sync:
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
fail:
	err = errno;
	if (p->res_fd >= 0)
		close(p->res_fd);
	if (p->stop_fd >= 0)
		close(p->stop_fd);
	free(p->root);
	free(p);
	errno = err;
	return NULL;
}

void
link_poller_free(struct link_poller *p)
{
	uint64_t one = 1;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (write(p->stop_fd, &one, sizeof(one)) < 0)
		log_err("link: eventfd: %s", strerror(errno));
	pthread_join(p->th, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	link_round_free(p->done);
	link_poll_names_free(p);
	close(p->res_fd);
	close(p->stop_fd);
	free(p->root);
	free(p);
}

int
link_poller_fd(const struct link_poller *p)
{
	return p->res_fd;
}

int
link_poller_start(struct link_poller *p, int64_t ts)
{
	int started = 0;

	pthread_mutex_lock(&p->mu);
	if (!p->busy) {
		p->busy = true;
		p->want_ts = ts;
		pthread_cond_signal(&p->cv);
		started = 1;
	}
	pthread_mutex_unlock(&p->mu);
	return started;
}

bool
link_poller_busy(const struct link_poller *p)
{
	struct link_poller *q = (struct link_poller *)(uintptr_t)p;
	bool busy;

	pthread_mutex_lock(&q->mu);
	busy = q->busy;
	pthread_mutex_unlock(&q->mu);
	return busy;
}

void
link_poller_collect(struct link_poller *p,
                    void (*fn)(void *arg, const struct link_round *r),
                    void *arg)
{
	struct link_round *r;
	uint64_t v;

	if (read(p->res_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_err("link: eventfd: %s", strerror(errno));
	pthread_mutex_lock(&p->mu);
	r = p->done;
	p->done = NULL;
	pthread_mutex_unlock(&p->mu);
	if (r == NULL)
		return;
	fn(arg, r);
	link_round_free(r);
}

/* Values in ms to the microsecond: enough, and short on the wire. */
static double
link_round_us(double ms)
{
	return (double)(int64_t)(ms * 1000.0 + 0.5) / 1000.0;
}

int
link_round_metrics(const struct link_round *r, struct wire_metrics *m)
{
	char name[NAME_METRIC_MAX + 1];
	const struct link_entry *e;
	size_t i;

#define LINK_ADD(fmt, value)                                                   \
	do {                                                                   \
		snprintf(name, sizeof(name), fmt, e->part);                    \
		if (wire_metrics_add(m, 0, name, (value)) != 0)                \
			return -1;                                             \
	} while (0)
	for (i = 0; i < r->n; i++) {
		e = &r->entries[i];
		if (e->dns) {
			LINK_ADD("dns.%s.ok", e->dns_ok ? 1.0 : 0.0);
			if (e->dns_replied)
				LINK_ADD("dns.%s.ms", link_round_us(e->dns_ms));
			continue;
		}
		LINK_ADD("link.%s.up", e->st.up ? 1.0 : 0.0);
		LINK_ADD("link.%s.loss_pct", link_round_us(e->st.loss_pct));
		if (e->st.answered == 0)
			continue;
		LINK_ADD("link.%s.rtt_ms", link_round_us(e->st.avg_ms));
		LINK_ADD("link.%s.rtt_min_ms", link_round_us(e->st.min_ms));
		LINK_ADD("link.%s.rtt_max_ms", link_round_us(e->st.max_ms));
	}
#undef LINK_ADD
	return 0;
}
