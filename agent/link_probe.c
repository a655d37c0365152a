/*
 * link_probe.c: one round of link probes on non-blocking sockets (link.h).
 *
 * Three kinds of probe share one poll() loop, so a round costs the time of
 * its slowest probe, not the sum:
 *   - ICMP echo through an unprivileged ping socket (SOCK_DGRAM,
 *     IPPROTO_ICMP / IPPROTO_ICMPV6): one connected socket per target, the
 *     kernel fills in the identifier and checksum and hands back only the
 *     replies to it.  Linux allows it when the process's group is inside
 *     net.ipv4.ping_group_range (for both families); where it is not, the
 *     target is probed with TCP instead (fell_back).
 *   - TCP connect to a port, one non-blocking socket per probe: connected
 *     or refused (RST) both mean the host answered, in that time; a
 *     timeout or an unreachable error means the probe was lost.  Sockets
 *     are closed with a zero linger (RST), leaving no TIME_WAIT behind.
 *   - DNS: one A query for the configured name per resolver, made by
 *     libc's res_nmkquery() and sent over UDP; the answer is judged by its
 *     header alone (id, QR, rcode, answer count).
 */
#include "config.h"

#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/link.h"

#define LINK_PROBE_PAYLOAD 24 /* bytes after the echo header */

/* A target's state in the round. */
struct link_probe_st {
	int icmp_fd;                  /* -1: TCP (or no address) */
	int tcp_fd[LINK_PROBES_MAX];  /* -1: none in flight */
	double sent[LINK_PROBES_MAX]; /* ms; 0: not yet */
	bool done[LINK_PROBES_MAX];
	unsigned next; /* the next probe to send */
};

struct link_dns_st {
	int fd;
	double sent;
	bool done;
	unsigned id;
};

/* What a pollfd belongs to. */
struct link_poll_ref {
	int kind; /* 0 stop, 1 icmp, 2 tcp, 3 dns */
	size_t t;
	unsigned i;
};

static double
link_probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int
link_probe_icmp_socket(int family)
{
	return socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	              family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
}

bool
link_probe_icmp_allowed(int family, int *err)
{
	int fd = link_probe_icmp_socket(family);

	if (fd < 0) {
		if (err != NULL)
			*err = errno;
		return false;
	}
	close(fd);
	return true;
}

static void
link_probe_close(int *fd)
{
	struct linger l = {1, 0};

	if (*fd < 0)
		return;
	setsockopt(*fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(*fd);
	*fd = -1;
}

/* Opens the target's ping socket, or decides for TCP. */
static void
link_probe_prepare(struct link_probe_target *t, struct link_probe_st *s)
{
	unsigned i;

	s->icmp_fd = -1;
	for (i = 0; i < LINK_PROBES_MAX; i++) {
		s->tcp_fd[i] = -1;
		t->rtt_ms[i] = -1;
	}
	t->fell_back = false;
	if (t->alen == 0 || t->method != LINK_ICMP)
		return;
	s->icmp_fd = link_probe_icmp_socket(t->addr.ss_family);
	if (s->icmp_fd >= 0 &&
	    connect(s->icmp_fd, (struct sockaddr *)&t->addr, t->alen) != 0) {
		/* No route now: every probe of the round is lost. */
		close(s->icmp_fd);
		s->icmp_fd = -1;
		t->alen = 0;
		return;
	}
	if (s->icmp_fd < 0)
		t->fell_back = true;
}

static void
link_probe_send_icmp(struct link_probe_target *t, struct link_probe_st *s,
                     unsigned i, double now)
{
	unsigned char pkt[8 + LINK_PROBE_PAYLOAD];

	memset(pkt, 0, sizeof(pkt));
	/* type, code, checksum (kernel), id (kernel), sequence */
	pkt[0] = t->addr.ss_family == AF_INET6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	pkt[6] = (unsigned char)(i >> 8);
	pkt[7] = (unsigned char)i;
	memcpy(pkt + 8, "pantau link probe", 17);
	s->sent[i] = now;
	if (send(s->icmp_fd, pkt, sizeof(pkt), 0) < 0)
		s->done[i] = true; /* unreachable at once: lost */
}

static void
link_probe_send_tcp(struct link_probe_target *t, struct link_probe_st *s,
                    unsigned i, double now)
{
	struct sockaddr_storage sa = t->addr;
	int fd;

	if (sa.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&sa)->sin6_port =
		    htons((uint16_t)t->port);
	else
		((struct sockaddr_in *)&sa)->sin_port =
		    htons((uint16_t)t->port);
	s->sent[i] = now;
	fd =
	    socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		s->done[i] = true;
		return;
	}
	if (connect(fd, (struct sockaddr *)&sa, t->alen) == 0 ||
	    errno == ECONNREFUSED) {
		/* Loopback answers at once. */
		t->rtt_ms[i] = link_probe_now() - now;
		s->done[i] = true;
		link_probe_close(&fd);
		return;
	}
	if (errno != EINPROGRESS) {
		s->done[i] = true;
		close(fd);
		return;
	}
	s->tcp_fd[i] = fd;
}

static void
link_probe_read_icmp(struct link_probe_target *t, struct link_probe_st *s,
                     double now)
{
	unsigned char buf[512];
	unsigned char want;
	unsigned i;
	ssize_t n;

	want =
	    t->addr.ss_family == AF_INET6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
	/* Errors (an ICMP unreachable) come out of recv() too: skip them. */
	while ((n = recv(s->icmp_fd, buf, sizeof(buf), 0)) >= 0 ||
	       (errno != EAGAIN && errno != EWOULDBLOCK)) {
		if (n < 8 || buf[0] != want)
			continue;
		i = (unsigned)buf[6] << 8 | buf[7];
		if (i >= LINK_PROBES_MAX || s->sent[i] == 0 || s->done[i])
			continue;
		t->rtt_ms[i] = now - s->sent[i];
		s->done[i] = true;
	}
}

static void
link_probe_tcp_done(struct link_probe_target *t, struct link_probe_st *s,
                    unsigned i, double now)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(s->tcp_fd[i], SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err == 0 || err == ECONNREFUSED)
		t->rtt_ms[i] = now - s->sent[i];
	else if (err == EINPROGRESS)
		return; /* spurious */
	s->done[i] = true;
	link_probe_close(&s->tcp_fd[i]);
}

static void
link_probe_dns_send(const struct link_probe_params *p, struct link_probe_dns *d,
                    struct link_dns_st *s, double now)
{
	unsigned char q[NS_PACKETSZ];
	struct __res_state st;
	int n;

	s->fd = -1;
	s->done = true;
	d->replied = d->ok = false;
	memset(&st, 0, sizeof(st));
	if (d->alen == 0 || res_ninit(&st) != 0)
		return;
	n = res_nmkquery(&st, ns_o_query, p->dns_name, ns_c_in, ns_t_a, NULL, 0,
	                 NULL, q, sizeof(q));
	res_nclose(&st);
	if (n < (int)sizeof(HEADER))
		return;
	s->id = ((HEADER *)q)->id;
	s->fd = socket(d->addr.ss_family,
	               SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return;
	s->sent = now;
	if (connect(s->fd, (struct sockaddr *)&d->addr, d->alen) != 0 ||
	    send(s->fd, q, (size_t)n, 0) != n) {
		close(s->fd);
		s->fd = -1;
		return;
	}
	s->done = false;
}

static void
link_probe_dns_read(struct link_probe_dns *d, struct link_dns_st *s, double now)
{
	unsigned char buf[NS_MAXMSG > 4096 ? 4096 : NS_MAXMSG];
	const HEADER *h = (const HEADER *)buf;
	ssize_t n;

	while ((n = recv(s->fd, buf, sizeof(buf), 0)) >= 0 ||
	       (errno != EAGAIN && errno != EWOULDBLOCK)) {
		if (n < 0) {
			/* ICMP port unreachable: no resolver there. */
			s->done = true;
			break;
		}
		if (n < (ssize_t)sizeof(HEADER) || h->id != s->id || !h->qr)
			continue;
		d->replied = true;
		d->ms = now - s->sent;
		d->rcode = h->rcode;
		d->ok = h->rcode == ns_r_noerror && ntohs(h->ancount) > 0;
		s->done = true;
		break;
	}
	if (s->done) {
		close(s->fd);
		s->fd = -1;
	}
}

/* Sends what is due and times out what waited too long; true when done. */
static bool
link_probe_step(const struct link_probe_params *p, struct link_probe_target *t,
                struct link_probe_st *ts, size_t nt, struct link_dns_st *ds,
                size_t nd, double start, double now, double *wake)
{
	bool all = true;
	double due;
	size_t k;
	unsigned i;

	for (k = 0; k < nt; k++) {
		struct link_probe_st *s = &ts[k];

		while (t[k].alen != 0 && s->next < p->probes &&
		       start + s->next * (double)p->spacing_ms <= now) {
			if (s->icmp_fd >= 0)
				link_probe_send_icmp(&t[k], s, s->next, now);
			else
				link_probe_send_tcp(&t[k], s, s->next, now);
			s->next++;
		}
		if (t[k].alen == 0)
			continue;
		if (s->next < p->probes) {
			all = false;
			due = start + s->next * (double)p->spacing_ms;
			if (due < *wake)
				*wake = due;
		}
		for (i = 0; i < s->next; i++) {
			if (s->done[i])
				continue;
			due = s->sent[i] + p->timeout_ms;
			if (due <= now) {
				s->done[i] = true; /* lost */
				link_probe_close(&s->tcp_fd[i]);
				continue;
			}
			all = false;
			if (due < *wake)
				*wake = due;
		}
	}
	for (k = 0; k < nd; k++) {
		if (ds[k].done)
			continue;
		due = ds[k].sent + p->dns_timeout_ms;
		if (due <= now) {
			ds[k].done = true;
			close(ds[k].fd);
			ds[k].fd = -1;
			continue;
		}
		all = false;
		if (due < *wake)
			*wake = due;
	}
	return all;
}

/* The pollfd set of the moment; returns how many. */
static size_t
link_probe_fds(const struct link_probe_params *p, struct link_probe_st *ts,
               size_t nt, struct link_dns_st *ds, size_t nd, struct pollfd *pfd,
               struct link_poll_ref *ref)
{
	size_t n = 0, k;
	unsigned i;

	if (p->stop_fd >= 0) {
		pfd[n] = (struct pollfd){.fd = p->stop_fd, .events = POLLIN};
		ref[n++] = (struct link_poll_ref){0, 0, 0};
	}
	for (k = 0; k < nt; k++) {
		if (ts[k].icmp_fd >= 0) {
			pfd[n] = (struct pollfd){.fd = ts[k].icmp_fd,
			                         .events = POLLIN};
			ref[n++] = (struct link_poll_ref){1, k, 0};
		}
		for (i = 0; i < ts[k].next; i++)
			if (ts[k].tcp_fd[i] >= 0) {
				pfd[n] = (struct pollfd){.fd = ts[k].tcp_fd[i],
				                         .events = POLLOUT};
				ref[n++] = (struct link_poll_ref){2, k, i};
			}
	}
	for (k = 0; k < nd; k++)
		if (ds[k].fd >= 0 && !ds[k].done) {
			pfd[n] =
			    (struct pollfd){.fd = ds[k].fd, .events = POLLIN};
			ref[n++] = (struct link_poll_ref){3, k, 0};
		}
	return n;
}

static void
link_probe_cleanup(struct link_probe_st *ts, size_t nt, struct link_dns_st *ds,
                   size_t nd)
{
	size_t k;
	unsigned i;

	for (k = 0; k < nt; k++) {
		if (ts[k].icmp_fd >= 0)
			close(ts[k].icmp_fd);
		for (i = 0; i < LINK_PROBES_MAX; i++)
			link_probe_close(&ts[k].tcp_fd[i]);
	}
	for (k = 0; k < nd; k++)
		if (ds[k].fd >= 0)
			close(ds[k].fd);
}

int
link_probe_run(const struct link_probe_params *p, struct link_probe_target *t,
               size_t nt, struct link_probe_dns *d, size_t nd)
{
	struct link_probe_st *ts;
	struct link_dns_st *ds;
	struct pollfd *pfd;
	struct link_poll_ref *ref;
	size_t cap = 1 + nt * (p->probes + 1) + nd, n, k;
	double start, now, wake;
	int rc = -1, saved;
	bool stopped = false, prepared = false;

	ts = calloc(nt ? nt : 1, sizeof(*ts));
	ds = calloc(nd ? nd : 1, sizeof(*ds));
	pfd = calloc(cap, sizeof(*pfd));
	ref = calloc(cap, sizeof(*ref));
	if (ts == NULL || ds == NULL || pfd == NULL || ref == NULL)
		goto fail;
	for (k = 0; k < nt; k++)
		link_probe_prepare(&t[k], &ts[k]);
	start = link_probe_now();
	for (k = 0; k < nd; k++)
		if (p->dns_name != NULL && p->dns_name[0] != '\0')
			link_probe_dns_send(p, &d[k], &ds[k], start);
		else
			ds[k] = (struct link_dns_st){.fd = -1, .done = true};
	prepared = true;

	for (;;) {
		now = link_probe_now();
		wake = now + 1000;
		if (link_probe_step(p, t, ts, nt, ds, nd, start, now, &wake))
			break;
		n = link_probe_fds(p, ts, nt, ds, nd, pfd, ref);
		if (poll(pfd, (nfds_t)n, (int)(wake - now) + 1) < 0 &&
		    errno != EINTR)
			goto fail;
		now = link_probe_now();
		for (k = 0; k < n; k++) {
			if (pfd[k].revents == 0)
				continue;
			switch (ref[k].kind) {
			case 0:
				stopped = true;
				break;
			case 1:
				link_probe_read_icmp(&t[ref[k].t],
				                     &ts[ref[k].t], now);
				break;
			case 2:
				link_probe_tcp_done(&t[ref[k].t], &ts[ref[k].t],
				                    ref[k].i, now);
				break;
			default:
				link_probe_dns_read(&d[ref[k].t], &ds[ref[k].t],
				                    now);
			}
		}
		if (stopped) {
			errno = ECANCELED;
			goto fail;
		}
	}
	rc = 0;
fail:
	saved = errno;
	if (prepared)
		link_probe_cleanup(ts, nt, ds, nd);
	free(ts);
	free(ds);
	free(pfd);
	free(ref);
	errno = saved;
	return rc;
}
