/*
 * link.h: the internet link as this PC sees it (issue 14).
 *
 * Each round the agent probes its default gateway, its DNS resolvers (a
 * real lookup of a configured name) and the configured targets, several
 * times each, and publishes latency, loss and reachability as metrics of
 * its own PC (docs/link.md, docs/metrics.md):
 *
 *   link.<t>.rtt_ms, .rtt_min_ms, .rtt_max_ms, .loss_pct, .up
 *   dns.<r>.ms, dns.<r>.ok
 *
 * The parts, in the order of the data path:
 *   link_config.c  the [link] section into a struct link_config
 *   link_names.c   pure functions: metric parts, statistics, the gateway
 *                  from proc/net/route and resolvers from etc/resolv.conf
 *   link_probe.c   one round of probes on non-blocking sockets (ICMP ping
 *                  sockets, TCP connect, DNS over UDP), bounded in time
 *   link_poll.c    the poller: a thread that runs a round when the core
 *                  asks and hands it back through a readable descriptor,
 *                  the same shape as the device pollers of poll.h
 *   link_agent.c   the core's side: rounds into metrics messages of the
 *                  PC, the labels of the parts into its inventory
 */
#ifndef PANTAU_AGENT_LINK_H
#define PANTAU_AGENT_LINK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/conf.h"
#include "common/names.h"
#include "common/wire.h"

#define LINK_TARGETS_MAX 16
#define LINK_RESOLVERS_MAX 8
#define LINK_PROBES_MAX 100
#define LINK_HOST_MAX 253
/* An address as text, with an IPv6 zone ("fe80::1%eth0"). */
#define LINK_ADDR_MAX 64

/* How a target is probed. */
enum link_method {
	LINK_ICMP, /* echo through a ping socket; TCP when not allowed */
	LINK_TCP   /* a TCP connect to 'port' */
};

struct link_target {
	char host[LINK_HOST_MAX + 1]; /* as configured: name or address */
	char part[NAME_PART_MAX + 1]; /* its metric part */
	enum link_method method;
	unsigned port; /* LINK_TCP */
};

/* [link]; absent section: no link probes at all. */
struct link_config {
	struct link_target gateway; /* part "gateway", host unused */
	bool probe_gateway;         /* gateway = yes (default) */
	struct link_target targets[LINK_TARGETS_MAX];
	size_t ntargets;
	bool names; /* a target is a name, looked up before the probes */
	/* resolvers = ...; none: the nameservers of etc/resolv.conf */
	char resolvers[LINK_RESOLVERS_MAX][LINK_ADDR_MAX];
	size_t nresolvers;
	char dns_name[LINK_HOST_MAX + 1]; /* "": no DNS probes */
	unsigned probes;                  /* per target and round */
	unsigned spacing_ms;              /* between a target's probes */
	unsigned timeout_ms;              /* a probe unanswered is lost */
	unsigned dns_timeout_ms;
	unsigned fallback_port; /* TCP port when ICMP is not allowed */
};

/* link_config.c */

/*
 * Validates the [link] section 's' into a new configuration (*out, free
 * with link_config_free()).  'interval' is the agent's round in seconds:
 * a round's probes must fit in three quarters of it.  Every problem is
 * recorded in 'errs'; returns 0, or -1 (and *out NULL) when any was.
 */
int link_config_parse(const struct conf_section *s, unsigned interval,
                      struct link_config **out, struct conf_err *errs);
void link_config_free(struct link_config *lc); /* NULL: no-op */

/*
 * How long a round of 'lc' may take at most, in ms: the lookup of target
 * names (dns_timeout_ms, when there are any), then the probes.
 */
unsigned link_config_round_ms(const struct link_config *lc);

/* link_names.c */

/*
 * The metric part for 'label' (name_sanitize()), made unique against the
 * 'ntaken' parts in 'taken' by appending "_2", "_3"...  Returns 0, or -1
 * when the label has nothing usable.
 */
int link_part(const char *label, const char (*taken)[NAME_PART_MAX + 1],
              size_t ntaken, char *out, size_t sz);

/* A target's probes of one round, summarised. */
struct link_stats {
	unsigned sent;
	unsigned answered;
	double min_ms, avg_ms, max_ms; /* valid when answered > 0 */
	double loss_pct;               /* 0..100; valid when sent > 0 */
	bool up;                       /* any probe answered */
};

/* Summarises n probes: rtt_ms[i] >= 0 answered in that time, < 0 lost. */
void link_stats_compute(const double *rtt_ms, unsigned n,
                        struct link_stats *st);

/*
 * The IPv4 default gateway from 'root'/proc/net/route (the route with
 * destination and mask 0 and the lowest metric) as dotted text.  Returns
 * 1 and fills 'out', 0 when there is none, -1 when the file cannot be
 * read.
 */
int link_read_gateway(const char *root, char *out, size_t sz);

/*
 * The "nameserver" addresses of 'root'/etc/resolv.conf, at most 'max'.
 * Returns how many were found (0 also when the file is missing).
 */
size_t link_read_resolvers(const char *root, char (*out)[LINK_ADDR_MAX],
                           size_t max);

/*
 * Parses an address ("10.0.0.1", "fd00::1", "fe80::1%eth0") into 'sa'
 * with 'port'.  Returns 0, or -1 when it is not a numeric address.
 */
int link_parse_addr(const char *text, unsigned port,
                    struct sockaddr_storage *sa, socklen_t *len);

/* link_probe.c */

/* One target of a probe round: in (address, method), out (the times). */
struct link_probe_target {
	struct sockaddr_storage addr;
	socklen_t alen; /* 0: no address (unresolved): every probe lost */
	enum link_method method;
	unsigned port;  /* TCP; also the fallback for LINK_ICMP */
	bool fell_back; /* out: ICMP was not allowed, TCP was used */
	double rtt_ms[LINK_PROBES_MAX]; /* out: < 0 lost */
};

struct link_probe_dns {
	struct sockaddr_storage addr;
	socklen_t alen;
	bool replied; /* out: any answer came back, in 'ms' */
	bool ok;      /* out: NOERROR with at least one answer record */
	int rcode;    /* out: when replied */
	double ms;
};

struct link_probe_params {
	unsigned probes, spacing_ms, timeout_ms, dns_timeout_ms;
	const char *dns_name;
	int stop_fd; /* readable: abandon the round (-1: none) */
};

/*
 * Runs one round: probe i of every target leaves i * spacing ms after the
 * start, and one A query for dns_name goes to every resolver at once.
 * Everything is non-blocking in one poll() loop; the round ends when all
 * probes are answered or timed out.  Returns 0, or -1 when it was stopped
 * through stop_fd or could not run (errno set; outputs partly filled).
 */
int link_probe_run(const struct link_probe_params *p,
                   struct link_probe_target *t, size_t nt,
                   struct link_probe_dns *d, size_t nd);

/* Whether this process may open an ICMP ping socket for 'family'. */
bool link_probe_icmp_allowed(int family, int *err);

/* link_poll.c */

/* One finished round, owned by the poller; valid during the callback. */
struct link_entry {
	bool dns; /* dns.<part>.*, else link.<part>.* */
	char part[NAME_PART_MAX + 1];
	char label[LINK_HOST_MAX + 1]; /* host, gateway or resolver address */
	struct link_stats st;          /* link */
	bool dns_replied, dns_ok;      /* dns */
	double dns_ms;
};

struct link_round {
	int64_t ts; /* the aligned round time it was started for */
	struct link_entry *entries;
	size_t n;
	bool icmp_denied; /* some target fell back to TCP */
};

/*
 * Adds the round's metrics to 'm' (names as in this file's top comment).
 * Returns 0, or -1 when 'm' could not take one (errno from
 * wire_metrics_add()).
 */
int link_round_metrics(const struct link_round *r, struct wire_metrics *m);

struct link_poller;

/*
 * Starts the poller's thread for 'lc' (copied), reading proc/ and etc/
 * under 'root'.  Returns NULL with errno set.
 */
struct link_poller *link_poller_new(const struct link_config *lc,
                                    const char *root);
void link_poller_free(struct link_poller *p);    /* stops a round; NULL ok */
int link_poller_fd(const struct link_poller *p); /* readable: a round */
/*
 * Starts the round for the aligned time 'ts' unless one is still running
 * (then it is skipped, and 0 returned).  Returns 1 when started.
 */
int link_poller_start(struct link_poller *p, int64_t ts);
bool link_poller_busy(const struct link_poller *p);
/* Calls fn for the finished round, if any; clears the descriptor. */
void link_poller_collect(struct link_poller *p,
                         void (*fn)(void *arg, const struct link_round *r),
                         void *arg);

/* link_agent.c: the core's side (agent_priv.h has struct agent). */

struct agent;
struct agent_config;
struct pollfd;

/* Starts the poller when a->cfg has a [link] section: 0, or -1. */
int link_agent_start(struct agent *a);
void link_agent_stop(struct agent *a);
/* SIGHUP: a new poller for 'n' (or none); call before a->cfg becomes n. */
void link_agent_reload(struct agent *a, struct agent_config *n);
/* Adds the poller's descriptor to pfd (room for 1); returns how many. */
size_t link_agent_pollfd(const struct agent *a, struct pollfd *pfd);
/* After poll(): sends a finished round (pfd as filled, n entries). */
void link_agent_service(struct agent *a, const struct pollfd *pfd, size_t n);
/* Starts the round for the aligned time 'ts' (a PC round's). */
void link_agent_round(struct agent *a, int64_t ts);
/* --once: a round came back; how long to wait for it, in ms. */
bool link_agent_done(const struct agent *a);
int64_t link_agent_once_wait(const struct agent *a);
/*
 * The PC's inventory 'inv' (which it takes) with the parts' labels added
 * under "labels"; 'inv' itself when there are none or on failure.
 */
char *link_agent_inventory(const struct agent *a, char *inv);

#endif
