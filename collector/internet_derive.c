/*
 * internet_derive.c: from agents' probe rounds to a site's internet state
 * (internet.h, docs/internet.md).  Pure functions: no clock, no database.
 *
 * The point is to tell the ISP's fault from a PC's.  An agent whose
 * targets are all lost but whose gateway still answers sees the link
 * beyond the router cut: evidence against the ISP.  An agent that lost its
 * gateway too sees nothing past its own cable or switch: evidence of
 * nothing, unless several agents say so together (the router itself, or
 * the power of the network cabinet).  One agent that still reaches a
 * target proves the link works.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "collector/internet.h"

#define INET_TARGETS_MAX 32 /* distinct targets looked at per message */

static const char *const internet_state_names[INET_NSTATES] = {
    "unknown", "up", "degraded", "down"};

const char *
internet_state_name(enum internet_state s)
{
	return s < INET_NSTATES ? internet_state_names[s] : "unknown";
}

int
internet_state_parse(const char *s)
{
	for (int i = 0; i < INET_NSTATES; i++)
		if (strcmp(s, internet_state_names[i]) == 0)
			return i;
	return -1;
}

static const char *const internet_reason_names[] = {"loss", "latency", "dns",
                                                    "cut", "local"};
#define INET_NREASONS                                                          \
	(sizeof internet_reason_names / sizeof internet_reason_names[0])

char *
internet_reasons_str(unsigned reasons, char *buf, size_t sz)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < INET_NREASONS; i++)
		if ((reasons & (1u << i)) && len < sz)
			len += (size_t)snprintf(buf + len, sz - len, "%s%s",
			                        len ? "," : "",
			                        internet_reason_names[i]);
	return buf;
}

unsigned
internet_reasons_parse(const char *s)
{
	unsigned r = 0;
	size_t n;

	while (*s != '\0') {
		n = strcspn(s, ",");
		for (size_t i = 0; i < INET_NREASONS; i++)
			if (strlen(internet_reason_names[i]) == n &&
			    strncmp(s, internet_reason_names[i], n) == 0)
				r |= 1u << i;
		s += n;
		if (*s == ',')
			s++;
	}
	return r;
}

/* One target of a message while it is read. */
struct inet_target {
	const char *name; /* into the gauge name; not NUL-terminated */
	size_t len;
	int up; /* -1 not seen */
	double rtt, loss;
	int is_dns;
};

/*
 * The target of gauge 'name' ("link.<t>.up" or "dns.<r>.ok" ...) and
 * the field after it; NULL when the gauge is not a probe.
 */
static struct inet_target *
internet_target(struct inet_target *t, size_t *nt, const char *name,
                const char **field)
{
	const char *p, *dot;
	int is_dns;
	size_t len, i;

	if (strncmp(name, "link.", 5) == 0) {
		p = name + 5;
		is_dns = 0;
	} else if (strncmp(name, "dns.", 4) == 0) {
		p = name + 4;
		is_dns = 1;
	} else {
		return NULL;
	}
	/* the field is the last part: a target name never holds a dot */
	if ((dot = strrchr(p, '.')) == NULL || dot == p)
		return NULL;
	len = (size_t)(dot - p);
	*field = dot + 1;
	for (i = 0; i < *nt; i++)
		if (t[i].is_dns == is_dns && t[i].len == len &&
		    memcmp(t[i].name, p, len) == 0)
			return &t[i];
	if (*nt == INET_TARGETS_MAX)
		return NULL;
	t[*nt].name = p;
	t[*nt].len = len;
	t[*nt].up = -1;
	t[*nt].rtt = t[*nt].loss = -1;
	t[*nt].is_dns = is_dns;
	return &t[(*nt)++];
}

static void
internet_best(double *best, double v)
{
	if (v >= 0 && (*best < 0 || v < *best))
		*best = v;
}

int
internet_agent_read(const struct wire_metrics *m, struct internet_agent *a)
{
	struct inet_target t[INET_TARGETS_MAX], *x;
	const char *field;
	size_t nt = 0;
	double v;

	memset(a, 0, sizeof *a);
	a->ts = m->ts;
	a->interval = m->interval;
	a->gateway = -1;
	a->loss_pct = a->rtt_ms = a->dns_ms = -1;
	for (size_t i = 0; i < m->ngauges; i++) {
		if ((x = internet_target(t, &nt, m->gauges[i].name, &field)) ==
		    NULL)
			continue;
		v = m->gauges[i].value;
		if (strcmp(field, x->is_dns ? "ok" : "up") == 0)
			x->up = v >= 0.5;
		else if (strcmp(field, x->is_dns ? "ms" : "rtt_ms") == 0)
			x->rtt = v;
		else if (!x->is_dns && strcmp(field, "loss_pct") == 0)
			x->loss = v;
	}
	for (size_t i = 0; i < nt; i++) {
		x = &t[i];
		if (x->up < 0)
			continue; /* no verdict for it in this round */
		if (x->is_dns) {
			a->resolvers++;
			if (x->up) {
				a->resolvers_ok++;
				internet_best(&a->dns_ms, x->rtt);
			}
		} else if (x->len == 7 && memcmp(x->name, "gateway", 7) == 0) {
			a->gateway = x->up;
		} else {
			a->targets++;
			if (x->up) {
				a->targets_up++;
				internet_best(&a->rtt_ms, x->rtt);
				internet_best(&a->loss_pct, x->loss);
			}
		}
	}
	return a->gateway >= 0 || a->targets > 0 || a->resolvers > 0;
}

/* The reasons an agent that reaches the internet finds it poor. */
static unsigned
internet_poor(const struct internet_conf *c, const struct internet_agent *a)
{
	unsigned r = 0;

	if (a->loss_pct >= 0 && a->loss_pct >= c->loss_pct_degraded)
		r |= INET_R_LOSS;
	if (a->rtt_ms >= 0 && a->rtt_ms >= c->rtt_ms_degraded)
		r |= INET_R_LATENCY;
	if (a->resolvers > 0 &&
	    (a->resolvers_ok == 0 ||
	     (a->dns_ms >= 0 && a->dns_ms >= c->dns_ms_degraded)))
		r |= INET_R_DNS;
	return r;
}

void
internet_derive(const struct internet_conf *c, const struct internet_agent *a,
                size_t n, int64_t t, struct internet_verdict *out)
{
	unsigned nloss = 0, nrtt = 0, ndns = 0, any = 0, r;
	int64_t iv;
	int reach;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		iv = a[i].interval != 0 ? a[i].interval : 60;
		if (t - a[i].ts > (int64_t)c->stale_intervals * iv)
			continue; /* stale: says nothing about now */
		if (a[i].targets == 0 && a[i].resolvers == 0)
			continue; /* a gateway alone says nothing past it */
		out->fresh++;
		/* without targets, a resolver answering is the proof */
		reach = a[i].targets_up > 0 ||
		        (a[i].targets == 0 && a[i].resolvers_ok > 0);
		if (!reach) {
			if (a[i].gateway == 0)
				out->local++;
			else
				out->cut++;
			continue;
		}
		out->ok++;
		if ((r = internet_poor(c, &a[i])) == 0)
			continue;
		out->poor++;
		any |= r;
		nloss += (r & INET_R_LOSS) != 0;
		nrtt += (r & INET_R_LATENCY) != 0;
		ndns += (r & INET_R_DNS) != 0;
	}
	if (out->fresh == 0) {
		out->state = INET_UNKNOWN;
	} else if (out->ok == 0 && out->cut > 0) {
		out->state = INET_DOWN;
		out->reasons = INET_R_CUT | (out->local > 0 ? INET_R_LOCAL : 0);
	} else if (out->ok == 0) {
		out->state =
		    out->local >= c->local_quorum ? INET_DOWN : INET_UNKNOWN;
		out->reasons = out->state == INET_DOWN ? INET_R_LOCAL : 0;
	} else if (out->poor * 2 > out->ok) {
		/* the causes a majority shares; else all of the poor ones */
		out->reasons = (nloss * 2 > out->ok ? INET_R_LOSS : 0) |
		               (nrtt * 2 > out->ok ? INET_R_LATENCY : 0) |
		               (ndns * 2 > out->ok ? INET_R_DNS : 0);
		if (out->reasons == 0)
			out->reasons = any;
		out->state = INET_DEGRADED;
	} else {
		out->state = INET_UP;
	}
}
