/*
 * pjlink.c: polling projectors over PJLink (poll.h, issue 4).
 *
 * One thread runs a poll() loop over non-blocking TCP connections, so all
 * projectors are polled at once and a slow or silent one delays nobody.
 * The main thread keeps the timing: pjlink_poller_tick() requests a round
 * for every projector whose aligned round is due, the thread opens a
 * connection, reads the greeting, sends the queries one at a time (the
 * MD5 digest prefixed to the first, when the projector asks for it),
 * closes the connection, and leaves the struct pjlink_status in the
 * projector's slot, signalling an eventfd.  pjlink_poller_collect() then,
 * in the main thread again, turns each finished round into metrics,
 * events and inventory (dev_projector.c) and calls back.
 *
 * Ownership: the configuration and the dev_projector state belong to the
 * main thread; a connection belongs to the poller thread; a slot's request
 * and result fields are the only shared data and are guarded by the lock.
 * A round is never requested while the previous one of the same projector
 * is in flight, and its deadline (three quarters of the interval, at most
 * 45 s) ends it before the next one is due.
 *
 * One connection per round, closed after it: many projectors accept one
 * controller at a time and drop an idle connection after ~30 s anyway.
 * Host names are resolved with getaddrinfo() in the poller thread, which
 * blocks it while a name server is slow: configure addresses (docs/pjlink.md).
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/dev_projector.h"
#include "agent/pjlink_proto.h"
#include "agent/poll.h"
#include "common/log.h"
#include "common/timeutil.h"

#define PJ_ROUND_MAX_MS 45000
#define PJ_ROUND_MIN_MS 500
#define PJ_STRAY_MAX 4 /* unrelated lines tolerated per query */

enum pj_phase { PJ_IDLE, PJ_CONNECTING, PJ_GREETING, PJ_SENDING, PJ_READING };

/* One round's connection; owned by the poller thread. */
struct pj_conn {
	enum pj_phase phase;
	int fd;
	struct addrinfo *ai, *cur;
	int64_t deadline; /* monotonic ms */
	int klass;        /* as known before this round */
	const char *password;
	char digest[PJLINK_DIGEST_LEN + 1];
	bool use_digest;
	enum pjlink_cmd cmd;
	int stray;
	char in[2 * PJLINK_LINE_MAX];
	size_t inlen;
	char out[PJLINK_LINE_MAX];
	size_t outlen, outoff;
	struct pjlink_status st;
};

struct pj_dev {
	const struct agent_device *cfg;
	struct dev_projector *dp; /* main thread */
	char address[300];        /* host:port, for messages */
	char port[12];
	int64_t next_ts; /* main: the next round, 0 at start */
	bool busy;       /* main: a round is in flight */
	/* Shared, under the poller's lock. */
	bool req;
	int64_t req_ts;
	int req_class;
	bool req_inventory;
	bool done;
	struct pjlink_status result;
	/* The poller thread's. */
	struct pj_conn conn;
};

struct pjlink_poller {
	struct pj_dev *devs;
	size_t ndevs;
	int wake_fd; /* main -> thread */
	int done_fd; /* thread -> main: results wait */
	pthread_mutex_t lock;
	bool stop;
	bool started;
	pthread_t thread;
};

static void
pj_signal(int fd)
{
	uint64_t one = 1;

	/* EAGAIN means the counter is already non-zero: still signalled. */
	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_err("pjlink: eventfd: %s", strerror(errno));
}

static void
pj_drain(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) > 0)
		;
}

static unsigned
pj_round_ms(unsigned interval)
{
	uint64_t ms = (uint64_t)interval * 750;

	if (ms > PJ_ROUND_MAX_MS)
		ms = PJ_ROUND_MAX_MS;
	if (ms < PJ_ROUND_MIN_MS)
		ms = PJ_ROUND_MIN_MS;
	return (unsigned)ms;
}

/* Ends the round: closes the connection and publishes the result. */
static void pj_finish(struct pjlink_poller *p, struct pj_dev *d,
                      enum pjlink_fail fail, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
pj_finish(struct pjlink_poller *p, struct pj_dev *d, enum pjlink_fail fail,
          const char *fmt, ...)
{
	struct pj_conn *c = &d->conn;
	va_list ap;

	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->ai != NULL)
		freeaddrinfo(c->ai);
	c->ai = c->cur = NULL;
	explicit_bzero(c->digest, sizeof(c->digest));
	c->phase = PJ_IDLE;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(c->st.detail, sizeof(c->st.detail), fmt, ap);
		va_end(ap);
	}
	/* A round cut short after some answers still counts as answered;
	 * what was read is published, the rest is absent. */
	c->st.fail = c->st.answers > 0 ? PJLINK_FAIL_NONE : fail;
	if (fail == PJLINK_FAIL_NONE)
		c->st.complete = true;

	pthread_mutex_lock(&p->lock);
	d->result = c->st;
	d->done = true;
	pthread_mutex_unlock(&p->lock);
	pj_signal(p->done_fd);
}

/* Tries c->cur and the addresses after it; false when none is left. */
static bool
pj_connect_next(struct pj_conn *c, int *err)
{
	for (; c->cur != NULL; c->cur = c->cur->ai_next) {
		c->fd = socket(c->cur->ai_family,
		               SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c->fd < 0) {
			*err = errno;
			continue;
		}
		if (connect(c->fd, c->cur->ai_addr, c->cur->ai_addrlen) == 0) {
			c->phase = PJ_GREETING;
			return true;
		}
		if (errno == EINPROGRESS) {
			c->phase = PJ_CONNECTING;
			return true;
		}
		*err = errno;
		close(c->fd);
		c->fd = -1;
	}
	return false;
}

static void
pj_start(struct pjlink_poller *p, struct pj_dev *d, int klass, bool inventory)
{
	struct pj_conn *c = &d->conn;
	struct addrinfo hints;
	int rc, err = 0;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->klass = klass;
	c->password = d->cfg->pjlink_password;
	c->deadline = time_mono_ms() + pj_round_ms(d->cfg->interval);
	pjlink_status_init(&c->st);
	c->st.inventory = inventory;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(d->cfg->host, d->port, &hints, &c->ai);
	if (rc != 0) {
		c->ai = NULL;
		pj_finish(p, d, PJLINK_FAIL_RESOLVE, "%s: %s", d->cfg->host,
		          gai_strerror(rc));
		return;
	}
	c->cur = c->ai;
	if (!pj_connect_next(c, &err))
		pj_finish(p, d, PJLINK_FAIL_CONNECT, "connect: %s",
		          strerror(err));
}

/* Queues the next query, or ends the round when none is left. */
static void
pj_next_query(struct pjlink_poller *p, struct pj_dev *d, bool first)
{
	struct pj_conn *c = &d->conn;
	int klass = c->st.klass > 0 ? c->st.klass : c->klass;
	int n;

	if (!first)
		c->cmd++;
	while (c->cmd < PJLINK_NCMDS &&
	       !pjlink_cmd_wanted(c->cmd, klass, c->st.inventory))
		c->cmd++;
	if (c->cmd == PJLINK_NCMDS) {
		pj_finish(p, d, PJLINK_FAIL_NONE, NULL);
		return;
	}
	n = pjlink_format(c->out, sizeof(c->out),
	                  c->use_digest ? c->digest : NULL, c->cmd);
	/* The digest goes with the first query only. */
	explicit_bzero(c->digest, sizeof(c->digest));
	c->use_digest = false;
	if (n < 0) {
		pj_finish(p, d, PJLINK_FAIL_INTERNAL, "query too long");
		return;
	}
	c->outlen = (size_t)n;
	c->outoff = 0;
	c->stray = 0;
	c->phase = PJ_SENDING;
}

/* Prints at most 40 characters of a received line safely, for details. */
static const char *
pj_quote(const char *line, char *buf, size_t bufsz)
{
	char clean[48];

	snprintf(clean, sizeof(clean), "%.40s", line);
	for (char *s = clean; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f ||
		    *s == '\'')
			*s = '?';
	snprintf(buf, bufsz, "'%s'%s", clean, strlen(line) > 40 ? "..." : "");
	return buf;
}

static void
pj_greeting(struct pjlink_poller *p, struct pj_dev *d, const char *line)
{
	struct pj_conn *c = &d->conn;
	char random[PJLINK_RANDOM_MAX + 1], q[64];

	switch (pjlink_greeting_parse(line, random)) {
	case PJLINK_GREET_OPEN:
		break;
	case PJLINK_GREET_AUTH:
		if (c->password == NULL || c->password[0] == '\0') {
			pj_finish(p, d, PJLINK_FAIL_NOPASS,
			          "the projector asks for a password; set "
			          "pjlink_password");
			return;
		}
		if (pjlink_digest(random, c->password, c->digest) != 0) {
			pj_finish(p, d, PJLINK_FAIL_INTERNAL,
			          "MD5 is not available from libcrypto");
			return;
		}
		c->use_digest = true;
		break;
	case PJLINK_GREET_ERRA:
		pj_finish(p, d, PJLINK_FAIL_AUTH,
		          "the projector refused the password (PJLINK ERRA)");
		return;
	default:
		pj_finish(p, d, PJLINK_FAIL_PROTOCOL,
		          "not a PJLink greeting: %s",
		          pj_quote(line, q, sizeof(q)));
		return;
	}
	pj_next_query(p, d, true);
}

static void
pj_response(struct pjlink_poller *p, struct pj_dev *d, const char *line)
{
	struct pj_conn *c = &d->conn;
	char data[PJLINK_LINE_MAX], q[64];
	enum pjlink_resp r;

	r = pjlink_response_parse(line, c->cmd, data, sizeof(data));
	switch (r) {
	case PJLINK_RESP_ERRA:
		pj_finish(p, d, PJLINK_FAIL_AUTH,
		          "the projector refused the password (PJLINK ERRA)");
		return;
	case PJLINK_RESP_OTHER:
		/* Some projectors echo or send status lines; skip a few. */
		if (++c->stray > PJ_STRAY_MAX)
			pj_finish(p, d, PJLINK_FAIL_PROTOCOL,
			          "no answer to %s among the lines received",
			          pjlink_cmd_name(c->cmd));
		return;
	case PJLINK_RESP_BAD:
		pj_finish(
		    p, d, PJLINK_FAIL_PROTOCOL, "not a PJLink answer to %s: %s",
		    pjlink_cmd_name(c->cmd), pj_quote(line, q, sizeof(q)));
		return;
	default:
		break;
	}
	if (pjlink_status_apply(&c->st, c->cmd, r, data) != 0)
		log_debug("%s: malformed %s answer %s", d->cfg->name,
		          pjlink_cmd_name(c->cmd),
		          pj_quote(line, q, sizeof(q)));
	c->st.answers++;
	pj_next_query(p, d, false);
}

/* Handles the complete lines received (CR, or LF, ends one). */
static void
pj_lines(struct pjlink_poller *p, struct pj_dev *d)
{
	struct pj_conn *c = &d->conn;
	char *eol;

	while (c->phase == PJ_GREETING || c->phase == PJ_READING) {
		size_t len;

		eol = strpbrk(c->in, "\r\n");
		if (eol == NULL) {
			if (c->inlen >= PJLINK_LINE_MAX)
				pj_finish(p, d, PJLINK_FAIL_PROTOCOL,
				          "a line longer than %d bytes",
				          PJLINK_LINE_MAX);
			return;
		}
		*eol = '\0';
		len = (size_t)(eol - c->in) + 1;
		if (eol != c->in) {
			if (c->phase == PJ_GREETING)
				pj_greeting(p, d, c->in);
			else
				pj_response(p, d, c->in);
		}
		if (c->phase == PJ_IDLE)
			return;
		memmove(c->in, c->in + len, c->inlen - len + 1);
		c->inlen -= len;
	}
}

static void
pj_read(struct pjlink_poller *p, struct pj_dev *d)
{
	struct pj_conn *c = &d->conn;
	ssize_t n;

	n = read(c->fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		pj_finish(p, d, PJLINK_FAIL_CLOSED, "read: %s",
		          strerror(errno));
		return;
	}
	if (n == 0) {
		if (c->phase == PJ_GREETING)
			pj_finish(p, d, PJLINK_FAIL_CLOSED,
			          "closed before the greeting");
		else
			pj_finish(p, d, PJLINK_FAIL_CLOSED,
			          "closed before answering %s",
			          pjlink_cmd_name(c->cmd));
		return;
	}
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	pj_lines(p, d);
}

static void
pj_write(struct pjlink_poller *p, struct pj_dev *d)
{
	struct pj_conn *c = &d->conn;
	ssize_t n;

	n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
	         MSG_NOSIGNAL);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		pj_finish(p, d, PJLINK_FAIL_CLOSED, "send: %s",
		          strerror(errno));
		return;
	}
	c->outoff += (size_t)n;
	if (c->outoff == c->outlen) {
		explicit_bzero(c->out, sizeof(c->out));
		c->phase = PJ_READING;
		/* An answer may have come with an earlier read. */
		pj_lines(p, d);
	}
}

static void
pj_connected(struct pjlink_poller *p, struct pj_dev *d)
{
	struct pj_conn *c = &d->conn;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err == 0) {
		c->phase = PJ_GREETING;
		return;
	}
	close(c->fd);
	c->fd = -1;
	c->cur = c->cur->ai_next;
	if (!pj_connect_next(c, &err))
		pj_finish(p, d, PJLINK_FAIL_CONNECT, "connect: %s",
		          strerror(err));
}

static void
pj_timeout(struct pjlink_poller *p, struct pj_dev *d)
{
	struct pj_conn *c = &d->conn;
	unsigned ms = pj_round_ms(d->cfg->interval);

	switch (c->phase) {
	case PJ_CONNECTING:
		pj_finish(p, d, PJLINK_FAIL_TIMEOUT,
		          "connect timed out after %u ms", ms);
		break;
	case PJ_GREETING:
		pj_finish(p, d, PJLINK_FAIL_TIMEOUT, "no greeting within %u ms",
		          ms);
		break;
	default:
		pj_finish(p, d, PJLINK_FAIL_TIMEOUT,
		          "no answer to %s within %u ms",
		          pjlink_cmd_name(c->cmd), ms);
		break;
	}
}

static void
pj_service(struct pjlink_poller *p, struct pj_dev *d, short revents)
{
	struct pj_conn *c = &d->conn;

	switch (c->phase) {
	case PJ_CONNECTING:
		pj_connected(p, d);
		break;
	case PJ_SENDING:
		if (revents & (POLLERR | POLLHUP))
			pj_finish(p, d, PJLINK_FAIL_CLOSED,
			          "closed before %s was sent",
			          pjlink_cmd_name(c->cmd));
		else
			pj_write(p, d);
		break;
	case PJ_GREETING:
	case PJ_READING:
		pj_read(p, d);
		break;
	default:
		break;
	}
}

/* Starts the rounds the main thread requested. */
static void
pj_take_requests(struct pjlink_poller *p)
{
	for (size_t i = 0; i < p->ndevs; i++) {
		struct pj_dev *d = &p->devs[i];
		int klass = 0;
		bool inv = false, go;

		pthread_mutex_lock(&p->lock);
		go = d->req;
		if (go) {
			d->req = false;
			klass = d->req_class;
			inv = d->req_inventory;
		}
		pthread_mutex_unlock(&p->lock);
		if (go && d->conn.phase == PJ_IDLE)
			pj_start(p, d, klass, inv);
	}
}

static void *
pj_thread(void *arg)
{
	struct pjlink_poller *p = arg;
	struct pollfd *pfd;
	size_t *who;

	pfd = calloc(p->ndevs + 1, sizeof(*pfd));
	who = calloc(p->ndevs + 1, sizeof(*who));
	if (pfd == NULL || who == NULL) {
		log_err("pjlink: out of memory; projectors are not polled");
		free(pfd);
		free(who);
		return NULL;
	}
	for (;;) {
		int64_t now, timeout = -1;
		nfds_t n = 1;
		bool stop;

		pthread_mutex_lock(&p->lock);
		stop = p->stop;
		pthread_mutex_unlock(&p->lock);
		if (stop)
			break;
		pj_take_requests(p);

		now = time_mono_ms();
		pfd[0].fd = p->wake_fd;
		pfd[0].events = POLLIN;
		for (size_t i = 0; i < p->ndevs; i++) {
			struct pj_conn *c = &p->devs[i].conn;

			if (c->phase == PJ_IDLE)
				continue;
			if (now >= c->deadline) {
				pj_timeout(p, &p->devs[i]);
				continue;
			}
			if (timeout < 0 || c->deadline - now < timeout)
				timeout = c->deadline - now;
			pfd[n].fd = c->fd;
			pfd[n].events =
			    c->phase == PJ_CONNECTING || c->phase == PJ_SENDING
			        ? POLLOUT
			        : POLLIN;
			pfd[n].revents = 0;
			who[n++] = i;
		}
		if (poll(pfd, n, (int)timeout) < 0) {
			if (errno != EINTR)
				log_err("pjlink: poll: %s", strerror(errno));
			continue;
		}
		if (pfd[0].revents & POLLIN)
			pj_drain(p->wake_fd);
		for (nfds_t k = 1; k < n; k++)
			if (pfd[k].revents != 0)
				pj_service(p, &p->devs[who[k]], pfd[k].revents);
	}
	for (size_t i = 0; i < p->ndevs; i++) {
		struct pj_conn *c = &p->devs[i].conn;

		if (c->fd >= 0)
			close(c->fd);
		if (c->ai != NULL)
			freeaddrinfo(c->ai);
		explicit_bzero(c->digest, sizeof(c->digest));
	}
	free(pfd);
	free(who);
	return NULL;
}

static int
pj_dev_init(struct pj_dev *d, const struct agent_device *cfg)
{
	unsigned port = cfg->port ? cfg->port : PJLINK_PORT;

	d->cfg = cfg;
	d->conn.fd = -1;
	snprintf(d->port, sizeof(d->port), "%u", port);
	snprintf(d->address, sizeof(d->address),
	         strchr(cfg->host, ':') ? "[%s]:%u" : "%s:%u", cfg->host, port);
	d->dp = dev_projector_new(cfg->name, d->address, cfg->interval);
	return d->dp == NULL ? -1 : 0;
}

struct pjlink_poller *
pjlink_poller_new(const struct agent_device *devs, size_t n)
{
	struct pjlink_poller *p;
	sigset_t all, old;
	size_t i, k = 0;
	int err;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (devs[i].type == DEV_PROJECTOR)
			p->ndevs++;
	if (p->ndevs > 0 &&
	    (p->devs = calloc(p->ndevs, sizeof(*p->devs))) == NULL)
		goto fail_devs;
	for (i = 0; i < n; i++)
		if (devs[i].type == DEV_PROJECTOR &&
		    pj_dev_init(&p->devs[k++], &devs[i]) != 0)
			goto fail_dp;
	p->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (p->wake_fd < 0)
		goto fail_dp;
	p->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (p->done_fd < 0)
		goto fail_done;
	if ((err = pthread_mutex_init(&p->lock, NULL)) != 0) {
		errno = err;
		goto fail_lock;
	}
	if (p->ndevs == 0)
		return p;
	/* The thread takes no signals: the main loop handles them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&p->thread, NULL, pj_thread, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		errno = err;
		goto fail_thread;
	}
	p->started = true;
	return p;

fail_thread:
	pthread_mutex_destroy(&p->lock);
fail_lock:
	err = errno;
	close(p->done_fd);
	errno = err;
fail_done:
	err = errno;
	close(p->wake_fd);
	errno = err;
fail_dp:
	err = errno;
	for (i = 0; i < p->ndevs; i++)
		dev_projector_free(p->devs[i].dp);
	free(p->devs);
	errno = err;
fail_devs:
	free(p);
	return NULL;
}

void
pjlink_poller_free(struct pjlink_poller *p)
{
	if (p == NULL)
		return;
	if (p->started) {
		pthread_mutex_lock(&p->lock);
		p->stop = true;
		pthread_mutex_unlock(&p->lock);
		pj_signal(p->wake_fd);
		pthread_join(p->thread, NULL);
	}
	pthread_mutex_destroy(&p->lock);
	close(p->done_fd);
	close(p->wake_fd);
	for (size_t i = 0; i < p->ndevs; i++)
		dev_projector_free(p->devs[i].dp);
	free(p->devs);
	free(p);
}

int
pjlink_poller_fd(const struct pjlink_poller *p)
{
	return p->done_fd;
}

void
pjlink_poller_tick(struct pjlink_poller *p, int64_t now)
{
	bool wake = false;

	for (size_t i = 0; i < p->ndevs; i++) {
		struct pj_dev *d = &p->devs[i];
		unsigned iv = d->cfg->interval ? d->cfg->interval : 60;

		if (d->next_ts != 0 && now < d->next_ts)
			continue;
		if (d->busy) {
			/* Cannot happen with the deadline shorter than the
			 * interval, unless the clock jumped: skip a round. */
			d->next_ts = time_next_round(now, iv);
			continue;
		}
		/* The first round starts at once, stamped with the aligned
		 * time it belongs to; later ones fall on the boundaries. */
		pthread_mutex_lock(&p->lock);
		d->req = true;
		d->req_ts = time_align(now, iv);
		d->req_class = dev_projector_class(d->dp);
		d->req_inventory = dev_projector_inventory_due(d->dp, now);
		pthread_mutex_unlock(&p->lock);
		d->next_ts = time_next_round(now, iv);
		d->busy = true;
		wake = true;
	}
	if (wake)
		pj_signal(p->wake_fd);
}

void
pjlink_poller_collect(struct pjlink_poller *p, poll_result_fn fn, void *arg)
{
	pj_drain(p->done_fd);
	for (size_t i = 0; i < p->ndevs; i++) {
		struct pj_dev *d = &p->devs[i];
		const struct dev_projector_out *out;
		struct pjlink_status st;
		struct poll_result r;
		int64_t ts = 0;
		bool done;

		pthread_mutex_lock(&p->lock);
		done = d->done;
		if (done) {
			st = d->result;
			ts = d->req_ts;
			d->done = false;
		}
		pthread_mutex_unlock(&p->lock);
		if (!done)
			continue;
		d->busy = false;
		if ((out = dev_projector_round(d->dp, ts, &st)) == NULL)
			continue;
		memset(&r, 0, sizeof(r));
		r.device = d->cfg->name;
		r.type = DEV_PROJECTOR;
		r.state = out->state;
		r.state_changed = out->state_changed;
		r.metrics = out->metrics;
		r.events = out->events;
		r.nevents = out->nevents;
		r.inventory = out->inventory;
		fn(arg, &r);
	}
}
