/*
 * snmp_poll.c: the SNMP poller's engine (the snmp_poller_* half of poll.h).
 *
 * One thread polls every printer, switch and SNMP PC of the agent at once
 * with net-snmp's single-session async API: each device has its own
 * session (its own UDP socket, watched with epoll) and at most one request
 * in flight, and all devices proceed concurrently, so a round costs about
 * the slowest device's time, not the sum.  A device's round follows its
 * plan (dev_*.c), request by request (snmp_dev.c), into a store the
 * builder reads when the round is done; this file schedules rounds, runs
 * the event loop and hands the results over.
 *
 * Threads: net-snmp is not thread-safe beyond "one session, one thread",
 * and its SNMPv3 user and engine caches are global, so every session is
 * opened, used and closed in this one thread; init_snmp() runs once in the
 * caller's thread before the first poller starts.  The main thread only
 * calls snmp_poller_tick() (decides which rounds are due, under the lock)
 * and snmp_poller_collect() (takes the finished rounds off a queue).  Two
 * pipes connect them: 'wake' tells the SNMP thread to look for work, and
 * 'ready' becomes readable when results wait.
 *
 * Timing: a request waits a quarter of the interval (100 ms .. 2 s) for
 * its answer and is retried twice, so a device that does not answer fails
 * its round within 3/4 of the interval.  Any request that fails after its
 * retries fails the round; the second failed round in a row makes the device
 * unreachable (state change plus a device.unreachable condition), and the
 * first round that succeeds again makes it online.  A round is given up
 * (and fails) after 9/10 of the interval, 45 s at most.  A round still running
 * when the next is due makes that next round skipped, not queued.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "agent/poll.h"
#include "agent/snmp_dev.h"
#include "common/log.h"
#include "common/timeutil.h"

struct snmp_result {
	struct snmp_result *next;
	const struct snmp_dev *dev;
	enum wire_state state;
	int state_changed;
	bool has_metrics;
	struct snmp_round round;
};

struct snmp_poller {
	struct snmp_dev *devs;
	size_t n;
	pthread_mutex_t lock;
	pthread_t thread;
	bool thread_started;
	bool stop;
	int wake[2];
	int ready[2];
	int epfd;
	netsnmp_large_fd_set fdset;
	struct snmp_result *head, **tail;
};

static pthread_once_t snmp_poll_once = PTHREAD_ONCE_INIT;

/* net-snmp without MIB files, config files or persistent state. */
static void
snmp_poll_init_library(void)
{
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	                       NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	                       NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	                       NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	                       NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID,
	                   NETSNMP_DS_LIB_OID_OUTPUT_FORMAT,
	                   NETSNMP_OID_OUTPUT_NUMERIC);
	/* The library would log to stderr; the poller logs what matters. */
	snmp_disable_log();
	init_snmp("pantau");
}

static void
snmp_poll_wake(int fd)
{
	char c = 1;
	ssize_t n;

	do
		n = write(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	/* EAGAIN: the pipe is full, so the reader will wake anyway. */
}

static void
snmp_poll_drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static struct snmp_result *
snmp_result_new(const struct snmp_dev *d)
{
	struct snmp_result *r = calloc(1, sizeof(*r));

	if (r != NULL)
		r->dev = d;
	return r;
}

static int
snmp_result_event(struct snmp_result *r, int64_t ts, enum wire_evstate st,
                  const char *text)
{
	struct wire_event *e;

	if ((e = realloc(r->round.ev, (r->round.nev + 1) * sizeof(*e))) == NULL)
		return -1;
	r->round.ev = e;
	r->round.cap_ev = r->round.nev + 1;
	e = &r->round.ev[r->round.nev++];
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	snprintf(e->code, sizeof(e->code), "device.unreachable");
	e->severity = WIRE_SEV_WARNING;
	e->state = st;
	snprintf(e->text, sizeof(e->text), "%s", text);
	return 0;
}

static void
snmp_poller_enqueue(struct snmp_poller *p, struct snmp_result *r)
{
	bool was_empty;

	pthread_mutex_lock(&p->lock);
	was_empty = p->head == NULL;
	*p->tail = r;
	p->tail = &r->next;
	pthread_mutex_unlock(&p->lock);
	if (was_empty)
		snmp_poll_wake(p->ready[1]);
}

/* The round is over: build what it says and hand it to the main thread. */
static void
snmp_dev_finish(struct snmp_dev *d)
{
	struct snmp_poller *p = d->p;
	struct snmp_result *r = NULL;
	char text[400];

	d->running = false;
	d->deadline = INT64_MAX;
	if (!d->failed) {
		d->fails = 0;
		snmp_store_sort(&d->st);
		if ((r = snmp_result_new(d)) == NULL ||
		    snmp_round_build(d->plan, &d->st, &d->hist, d->round_ts,
		                     d->interval, &r->round) != 0) {
			log_warn("snmp: %s: out of memory", d->cfg->name);
			free(r);
			r = NULL;
			goto done;
		}
		r->has_metrics = true;
		r->state = WIRE_ONLINE;
		if (!d->state_known || d->state != WIRE_ONLINE) {
			r->state_changed = 1;
			if (d->state_known)
				log_info("snmp: %s (%s) answers again",
				         d->cfg->name, d->peer);
			if (d->state_known && d->state == WIRE_UNREACHABLE &&
			    snmp_result_event(r, d->round_ts, WIRE_EV_CLEARED,
			                      "answers again") != 0)
				log_warn("snmp: %s: out of memory",
				         d->cfg->name);
		}
		d->state = WIRE_ONLINE;
		d->state_known = true;
	} else {
		d->fails++;
		log_debug("snmp: %s (%s): round failed: %s", d->cfg->name,
		          d->peer, d->why ? d->why : "?");
		if (d->fails >= 2 &&
		    (!d->state_known || d->state != WIRE_UNREACHABLE)) {
			log_warn("snmp: %s (%s) unreachable: %s", d->cfg->name,
			         d->peer, d->why ? d->why : "no answer");
			d->state = WIRE_UNREACHABLE;
			d->state_known = true;
			if ((r = snmp_result_new(d)) != NULL) {
				r->state = WIRE_UNREACHABLE;
				r->state_changed = 1;
				snprintf(text, sizeof(text),
				         "SNMP polling of %s failed: %s",
				         d->peer, d->why ? d->why : "timeout");
				if (snmp_result_event(r, d->round_ts,
				                      WIRE_EV_RAISED,
				                      text) != 0)
					log_warn("snmp: %s: out of memory",
					         d->cfg->name);
			}
		}
	}
done:
	snmp_store_reset(&d->st);
	if (r != NULL)
		snmp_poller_enqueue(p, r);
	pthread_mutex_lock(&p->lock);
	d->busy = false;
	pthread_mutex_unlock(&p->lock);
}

/* Sends, finishes and re-arms the devices their callbacks left flagged. */
static void
snmp_poller_settle(struct snmp_poller *p)
{
	struct snmp_dev *d;
	size_t i;

	for (i = 0; i < p->n; i++) {
		d = &p->devs[i];
		if (!d->running)
			continue;
		if (d->want_send && !d->finished)
			snmp_dev_send(d);
		if (d->finished)
			snmp_dev_finish(d);
	}
}

static void *
snmp_poller_main(void *arg)
{
	struct snmp_poller *p = arg;
	struct epoll_event evs[64];
	struct snmp_dev *d;
	int64_t now, next;
	size_t i;
	int n, k, timeout;
	bool stop;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		stop = p->stop;
		for (i = 0; i < p->n; i++) {
			d = &p->devs[i];
			if (d->start && !stop) {
				d->start = false;
				pthread_mutex_unlock(&p->lock);
				snmp_dev_begin(d, d->start_ts);
				pthread_mutex_lock(&p->lock);
			}
		}
		pthread_mutex_unlock(&p->lock);
		if (stop)
			break;
		snmp_poller_settle(p);

		now = time_mono_ms();
		next = INT64_MAX;
		for (i = 0; i < p->n; i++) {
			d = &p->devs[i];
			if (!d->running)
				continue;
			if (d->deadline < next)
				next = d->deadline;
			if (d->round_end < next)
				next = d->round_end;
		}
		timeout = next == INT64_MAX    ? -1
		          : next <= now        ? 0
		          : next - now > 60000 ? 60000
		                               : (int)(next - now);
		n = epoll_wait(p->epfd, evs, 64, timeout);
		for (k = 0; k < n; k++) {
			if (evs[k].data.ptr == NULL) {
				snmp_poll_drain(p->wake[0]);
				continue;
			}
			d = evs[k].data.ptr;
			if (d->sp != NULL) {
				snmp_dev_read(d);
				snmp_dev_deadline(d);
			}
		}
		now = time_mono_ms();
		for (i = 0; i < p->n; i++) {
			d = &p->devs[i];
			if (!d->running || d->finished)
				continue;
			if (now >= d->round_end) {
				snmp_dev_abort(d);
			} else if (d->sp != NULL && d->deadline <= now) {
				snmp_sess_timeout(d->sp);
				snmp_dev_deadline(d);
			}
		}
		snmp_poller_settle(p);
	}
	for (i = 0; i < p->n; i++)
		snmp_dev_close(&p->devs[i]);
	return NULL;
}

static int
snmp_poll_pipe(int fds[2])
{
	if (pipe(fds) != 0)
		return -1;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

struct snmp_poller *
snmp_poller_new(const struct agent_device *devs, size_t n)
{
	struct snmp_poller *p;
	struct epoll_event ev;
	size_t i, k = 0;
	int err;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->wake[0] = p->wake[1] = p->ready[0] = p->ready[1] = p->epfd = -1;
	p->tail = &p->head;
	pthread_mutex_init(&p->lock, NULL);
	if (snmp_poll_pipe(p->wake) != 0 || snmp_poll_pipe(p->ready) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (snmp_plan_for(devs[i].type) != NULL)
			k++;
	if (k == 0)
		return p; /* valid and idle: no thread */
	if ((p->devs = calloc(k, sizeof(*p->devs))) == NULL)
		goto fail;
	pthread_once(&snmp_poll_once, snmp_poll_init_library);
	netsnmp_large_fd_set_init(&p->fdset, FD_SETSIZE);
	if ((p->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		goto fail;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = NULL; /* the wake pipe */
	if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->wake[0], &ev) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if (snmp_plan_for(devs[i].type) == NULL)
			continue;
		if (snmp_dev_setup(&p->devs[p->n], &devs[i], p, p->epfd,
		                   &p->fdset) != 0)
			goto fail;
		p->n++;
	}
	if ((err = pthread_create(&p->thread, NULL, snmp_poller_main, p)) !=
	    0) {
		errno = err;
		goto fail;
	}
	p->thread_started = true;
	log_info("snmp: polling %zu device%s", p->n, p->n == 1 ? "" : "s");
	return p;
fail:
	err = errno;
	snmp_poller_free(p);
	errno = err;
	return NULL;
}

static void
snmp_result_free(struct snmp_result *r)
{
	snmp_round_clear(&r->round);
	free(r);
}

void
snmp_poller_free(struct snmp_poller *p)
{
	struct snmp_result *r, *next;
	size_t i;

	if (p == NULL)
		return;
	if (p->thread_started) {
		pthread_mutex_lock(&p->lock);
		p->stop = true;
		pthread_mutex_unlock(&p->lock);
		snmp_poll_wake(p->wake[1]);
		pthread_join(p->thread, NULL);
	}
	for (r = p->head; r != NULL; r = next) {
		next = r->next;
		snmp_result_free(r);
	}
	for (i = 0; i < p->n; i++) {
		snmp_store_clear(&p->devs[i].st);
		snmp_hist_clear(&p->devs[i].hist);
	}
	if (p->devs != NULL)
		netsnmp_large_fd_set_cleanup(&p->fdset);
	free(p->devs);
	if (p->epfd >= 0)
		close(p->epfd);
	for (i = 0; i < 2; i++) {
		if (p->wake[i] >= 0)
			close(p->wake[i]);
		if (p->ready[i] >= 0)
			close(p->ready[i]);
	}
	pthread_mutex_destroy(&p->lock);
	free(p);
}

int
snmp_poller_fd(const struct snmp_poller *p)
{
	return p->ready[0];
}

void
snmp_poller_tick(struct snmp_poller *p, int64_t now)
{
	struct snmp_dev *d;
	bool any = false;
	size_t i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n; i++) {
		d = &p->devs[i];
		/* The first round at once, then on multiples of the interval.
		 */
		if (d->next_ts != 0 && now < d->next_ts)
			continue;
		if (d->busy) {
			d->skipped++;
			log_debug("snmp: %s: round still running, one skipped",
			          d->cfg->name);
		} else {
			d->busy = true;
			d->start = true;
			d->start_ts = time_align(now, d->interval);
			any = true;
		}
		d->next_ts = time_next_round(now, d->interval);
	}
	pthread_mutex_unlock(&p->lock);
	if (any)
		snmp_poll_wake(p->wake[1]);
}

void
snmp_poller_collect(struct snmp_poller *p, poll_result_fn fn, void *arg)
{
	struct snmp_result *list, *r;
	struct poll_result pr;

	snmp_poll_drain(p->ready[0]);
	pthread_mutex_lock(&p->lock);
	list = p->head;
	p->head = NULL;
	p->tail = &p->head;
	pthread_mutex_unlock(&p->lock);
	while ((r = list) != NULL) {
		list = r->next;
		memset(&pr, 0, sizeof(pr));
		pr.device = r->dev->cfg->name;
		pr.type = r->dev->cfg->type;
		pr.state = r->state;
		pr.state_changed = r->state_changed;
		pr.metrics = r->has_metrics ? &r->round.m : NULL;
		pr.events = r->round.ev;
		pr.nevents = r->round.nev;
		pr.inventory = r->round.inventory;
		fn(arg, &pr);
		snmp_result_free(r);
	}
}
