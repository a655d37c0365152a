/*
 * notify.c: the queues and delivery threads of the notifier (notify.h,
 * docs/notify.md).
 *
 * Every target has its own queue and thread, so a mail server that takes
 * its full timeout to refuse a connection delays nothing but its own
 * mail, and notify_submit() only ever takes a queue's lock for a list
 * append: the collector's event loop never waits on a delivery.  A thread
 * sends its queue in order.  A failure stops the queue (later messages
 * would fail the same way) until the next try, after a backoff that
 * doubles from backoff_min to backoff_max; a message older than retry_for
 * is given up, logged and counted.  Messages beyond rate_limit per
 * rate_period are held back and sent as one summary when the period ends,
 * so a storm of alerts reaches a phone as a few messages, and none is lost
 * without a trace.  Each thread writes its queue to DATA/notify/ a few
 * seconds after it changes and when it stops; notify_new() loads it again.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <curl/curl.h>

#include "collector/notify_priv.h"
#include "collector/stats.h"
#include "common/log.h"
#include "common/timeutil.h"

#define NOTIFY_SAVE_MS 3000       /* a changed queue is written after */
#define NOTIFY_STOP_GRACE_MS 5000 /* a delivery in flight at shutdown */

struct notify_worker {
	struct notify *n;
	struct notify_dest d;
	pthread_t thread;
	bool started;

	pthread_mutex_t mu; /* everything below */
	pthread_cond_t cv;
	struct notify_item *head, **tail; /* the queue, in order */
	size_t depth;
	struct notify_item *held, **held_tail; /* over the rate limit */
	size_t nheld;
	bool busy;  /* a delivery is in flight (the item is 'head') */
	bool stop;  /* notify_free() asks the thread to end */
	bool done;  /* the thread ended */
	bool dirty; /* the queue changed since it was written */
	int64_t dirty_since;
	int64_t window_start; /* monotonic ms */
	unsigned window_sent;
	int64_t next_try;  /* monotonic ms; 0: now */
	unsigned failures; /* in a row */
	uint64_t sent, failed, dropped;

	atomic_bool abort; /* past the grace time: end the transfer */
};

struct notify {
	char dir[PATH_MAX];
	bool curl; /* curl_global_init() was called */
	size_t nw;
	struct notify_worker *w;
};

/* A condition variable on the monotonic clock, like time_mono_ms(). */
static void
notify_cond_init(pthread_cond_t *cv)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &a);
	pthread_condattr_destroy(&a);
}

static void
notify_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Whether 'it' is for target 't': severity, site, event. */
static bool
notify_route(const struct notify_target *t, const struct notify_item *it)
{
	size_t i;

	if (notify_severity_parse(it->severity) < (int)t->min_severity)
		return false;
	if (t->nsites > 0) {
		for (i = 0; i < t->nsites; i++)
			if (strcmp(t->sites[i], it->site) == 0)
				break;
		if (i == t->nsites)
			return false;
	}
	/*
	 * Reports come with files attached and only to those who asked:
	 * a target without 'events' keeps getting what it got before.
	 */
	if (t->nevents == 0 && strncmp(it->event, "report.", 7) == 0)
		return false;
	if (t->nevents > 0) {
		for (i = 0; i < t->nevents; i++)
			if (fnmatch(t->events[i], it->event, 0) == 0)
				break;
		if (i == t->nevents)
			return false;
	}
	return true;
}

static void
notify_mark_dirty(struct notify_worker *w)
{
	if (!w->dirty)
		w->dirty_since = time_mono_ms();
	w->dirty = true;
}

/* Takes the first message off the queue (the caller owns it). */
static struct notify_item *
notify_pop(struct notify_worker *w)
{
	struct notify_item *it = w->head;

	w->head = it->next;
	if (w->head == NULL)
		w->tail = &w->head;
	it->next = NULL;
	w->depth--;
	notify_mark_dirty(w);
	return it;
}

static void
notify_push_front(struct notify_worker *w, struct notify_item *it)
{
	it->next = w->head;
	w->head = it;
	if (it->next == NULL)
		w->tail = &it->next;
	w->depth++;
	notify_mark_dirty(w);
}

static void
notify_drop(struct notify_worker *w, struct notify_item *it, const char *why)
{
	size_t n = it->nchildren > 0 ? it->nchildren : 1;

	log_err("notify: %s: %zu message%s given up (%s): %s", w->d.t.name, n,
	        n == 1 ? "" : "s", why, notify_item_subject(it, false));
	w->dropped += n;
	STATS_ADD(notify_dropped, n);
	notify_item_free(it);
}

/*
 * Ends a rate period: what was held back goes out first thing, as one
 * summary.
 */
static void
notify_window(struct notify_worker *w, int64_t now)
{
	struct notify_item *s;

	if (now - w->window_start < (int64_t)w->d.t.rate_period * 1000)
		return;
	w->window_start = now;
	w->window_sent = 0;
	if (w->held == NULL)
		return;
	s = notify_item_summary(w->held, w->nheld, time_now());
	w->held = NULL;
	w->held_tail = &w->held;
	if (s == NULL) {
		log_err("notify: %s: out of memory, %zu held messages lost",
		        w->d.t.name, w->nheld);
		w->dropped += w->nheld;
		STATS_ADD(notify_dropped, w->nheld);
	} else {
		notify_push_front(w, s);
	}
	w->nheld = 0;
}

/* Writes the queue when it changed a while ago (or 'now' is forced). */
static void
notify_save(struct notify_worker *w, bool force)
{
	char *text;
	bool failed;

	if (!w->dirty ||
	    (!force && time_mono_ms() - w->dirty_since < NOTIFY_SAVE_MS))
		return;
	text = notify_store_render(w->head, w->held, &failed);
	if (failed) {
		log_err("notify: %s: out of memory writing the queue",
		        w->d.t.name);
		return;
	}
	w->dirty = false;
	/* the file is only ever written by this thread */
	pthread_mutex_unlock(&w->mu);
	if (notify_store_write(w->n->dir, w->d.t.name, text) != 0) {
		pthread_mutex_lock(&w->mu);
		notify_mark_dirty(w);
	} else {
		pthread_mutex_lock(&w->mu);
	}
	free(text);
}

/* Sleeps until 'until' (monotonic ms; 0: until signalled). */
static void
notify_sleep(struct notify_worker *w, int64_t until)
{
	struct timespec ts;

	if (until == 0) {
		pthread_cond_wait(&w->cv, &w->mu);
		return;
	}
	ts.tv_sec = (time_t)(until / 1000);
	ts.tv_nsec = (long)(until % 1000) * 1000000L;
	pthread_cond_timedwait(&w->cv, &w->mu, &ts);
}

static int64_t
notify_earliest(int64_t a, int64_t b)
{
	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

/* After a delivery attempt of 'it', still at the head of the queue. */
static void
notify_result(struct notify_worker *w, enum notify_result r, const char *err,
              int64_t now)
{
	struct notify_item *it = w->head;
	size_t n = it->nchildren > 0 ? it->nchildren : 1;
	unsigned delay;
	int i;

	if (r == NOTIFY_SENT) {
		if (w->failures > 0)
			log_info("notify: %s: delivering again after %u failed "
			         "attempts",
			         w->d.t.name, w->failures);
		w->failures = 0;
		w->next_try = 0;
		w->window_sent++;
		w->sent += n;
		STATS_ADD(notify_sent, n);
		notify_item_free(notify_pop(w));
		return;
	}
	w->failed++;
	STATS_ADD(notify_failed, 1);
	if (r == NOTIFY_REFUSED) {
		notify_drop(w, notify_pop(w), err);
		return;
	}
	it->attempts++;
	w->failures++;
	delay = w->d.t.backoff_min;
	for (i = 1; i < (int)w->failures && delay < w->d.t.backoff_max; i++)
		delay *= 2;
	if (delay > w->d.t.backoff_max)
		delay = w->d.t.backoff_max;
	w->next_try = now + (int64_t)delay * 1000;
	notify_mark_dirty(w);
	/* the first failure is news; the rest is the log's repeat filter */
	if (w->failures == 1)
		log_warn("notify: %s: delivery failed, retrying in %u s: %s",
		         w->d.t.name, delay, err);
	else
		log_debug("notify: %s: delivery failed (%u in a row), "
		          "retrying in %u s: %s",
		          w->d.t.name, w->failures, delay, err);
}

static void *
notify_worker_run(void *arg)
{
	struct notify_worker *w = arg;
	struct notify_item *it;
	enum notify_result r;
	int64_t now, wake;
	char err[512];
	sigset_t pipe;

	/* a command that closes its stdin must not kill the collector */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		now = time_mono_ms();
		notify_window(w, now);
		notify_save(w, false);
		if (w->stop)
			break;
		now = time_mono_ms();
		if (w->head == NULL || now < w->next_try) {
			wake = w->head != NULL ? w->next_try : 0;
			if (w->held != NULL)
				wake = notify_earliest(
				    wake,
				    w->window_start +
				        (int64_t)w->d.t.rate_period * 1000);
			if (w->dirty)
				wake = notify_earliest(
				    wake, w->dirty_since + NOTIFY_SAVE_MS);
			notify_sleep(w, wake);
			continue;
		}
		it = w->head;
		if (time_now() - it->queued > (int64_t)w->d.t.retry_for) {
			notify_drop(w, notify_pop(w),
			            "not delivered within retry_for");
			continue;
		}
		if (w->d.t.rate_limit > 0 &&
		    w->window_sent >= w->d.t.rate_limit &&
		    it->children == NULL) {
			it = notify_pop(w);
			*w->held_tail = it;
			w->held_tail = &it->next;
			w->nheld++;
			continue;
		}
		if (w->window_sent == 0)
			w->window_start = now;
		w->busy = true;
		pthread_mutex_unlock(&w->mu);
		r = notify_send(&w->d, it, err, sizeof(err));
		pthread_mutex_lock(&w->mu);
		w->busy = false;
		notify_result(w, r, err, time_mono_ms());
	}
	notify_save(w, true);
	w->done = true;
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Loads what an earlier run left for this target. */
static void
notify_worker_load(struct notify_worker *w)
{
	struct notify_item *items, *it;
	size_t n;

	if ((items = notify_store_load(w->n->dir, w->d.t.name, &n)) == NULL)
		return;
	log_info("notify: %s: %zu undelivered messages of an earlier run",
	         w->d.t.name, n);
	while ((it = items) != NULL) {
		items = it->next;
		it->next = NULL;
		if (w->depth >= w->d.t.queue_max) {
			notify_drop(w, it, "queue full");
			continue;
		}
		*w->tail = it;
		w->tail = &it->next;
		w->depth++;
	}
}

/*
 * Queue files of targets that are no longer configured (renamed or
 * removed) are kept, not sent anywhere: said once at start.
 */
static void
notify_orphans(const struct notify *n)
{
	struct dirent *de;
	size_t i, len;
	DIR *d;

	if ((d = opendir(n->dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 6 ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		for (i = 0; i < n->nw; i++)
			if (strlen(n->w[i].d.t.name) == len - 5 &&
			    strncmp(n->w[i].d.t.name, de->d_name, len - 5) == 0)
				break;
		if (i == n->nw)
			log_warn("notify: %s/%s holds undelivered messages of "
			         "a target no longer configured; restore "
			         "[notify %.*s] to send them",
			         n->dir, de->d_name, (int)(len - 5),
			         de->d_name);
	}
	closedir(d);
}

struct notify *
notify_new(const struct notify_config *cfg, const char *data_dir, char *err,
           size_t errsz)
{
	struct notify_worker *w;
	struct notify *n;
	size_t i;

	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (cfg->ntargets > 0 &&
	     (n->w = calloc(cfg->ntargets, sizeof(*n->w))) == NULL)) {
		snprintf(err, errsz, "out of memory");
		free(n);
		return NULL;
	}
	snprintf(n->dir, sizeof(n->dir), "%s/notify", data_dir);
	if (cfg->ntargets > 0 && mkdir(n->dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errsz, "cannot create %s: %s", n->dir,
		         strerror(errno));
		goto fail;
	}
	if (cfg->ntargets > 0) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		n->curl = true;
	}
	for (i = 0; i < cfg->ntargets; i++) {
		w = &n->w[i];
		if (notify_dest_init(&w->d, &cfg->targets[i], err, errsz) != 0)
			goto fail;
		n->nw++;
		w->n = n;
		w->tail = &w->head;
		w->held_tail = &w->held;
		w->d.abort = &w->abort;
		atomic_init(&w->abort, false);
		pthread_mutex_init(&w->mu, NULL);
		notify_cond_init(&w->cv);
		notify_worker_load(w);
	}
	notify_orphans(n);
	for (i = 0; i < n->nw; i++) {
		if (pthread_create(&n->w[i].thread, NULL, notify_worker_run,
		                   &n->w[i]) != 0) {
			snprintf(err, errsz, "cannot start a thread");
			goto fail;
		}
		n->w[i].started = true;
	}
	return n;

fail:
	notify_free(n);
	return NULL;
}

void
notify_free(struct notify *n)
{
	struct notify_worker *w;
	int64_t until = time_mono_ms() + NOTIFY_STOP_GRACE_MS;
	bool all_done;
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nw; i++) {
		w = &n->w[i];
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	/* a delivery in flight may finish within the grace time */
	do {
		all_done = true;
		for (i = 0; i < n->nw; i++) {
			w = &n->w[i];
			pthread_mutex_lock(&w->mu);
			all_done = all_done && (!w->started || w->done);
			pthread_mutex_unlock(&w->mu);
		}
		if (!all_done)
			notify_sleep_ms(20);
	} while (!all_done && time_mono_ms() < until);
	for (i = 0; i < n->nw; i++) {
		w = &n->w[i];
		atomic_store(&w->abort, true);
		if (w->started)
			pthread_join(w->thread, NULL);
		notify_items_free(w->head);
		notify_items_free(w->held);
		notify_dest_clear(&w->d);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
	}
	if (n->curl)
		curl_global_cleanup();
	free(n->w);
	free(n);
}

int
notify_submit(struct notify *n, const struct notify_msg *m)
{
	struct notify_worker *w;
	struct notify_item *it, *copy;
	size_t i, wanted = 0, queued = 0;
	const char *why;

	if (n == NULL)
		return 0;
	if ((it = notify_item_new(m, &why)) == NULL) {
		log_err("notify: message dropped: %s", why);
		STATS_ADD(notify_dropped, 1);
		return -1;
	}
	for (i = 0; i < n->nw; i++) {
		w = &n->w[i];
		if (!notify_route(&w->d.t, it))
			continue;
		wanted++;
		if ((copy = notify_item_dup(it)) == NULL) {
			log_err("notify: %s: out of memory, message dropped",
			        w->d.t.name);
			STATS_ADD(notify_dropped, 1);
			continue;
		}
		pthread_mutex_lock(&w->mu);
		if (w->depth + w->nheld >= w->d.t.queue_max) {
			w->dropped++;
			pthread_mutex_unlock(&w->mu);
			log_err("notify: %s: queue full (%u messages), "
			        "dropped: %s",
			        w->d.t.name, w->d.t.queue_max,
			        copy->subject_en);
			STATS_ADD(notify_dropped, 1);
			notify_item_free(copy);
			continue;
		}
		*w->tail = copy;
		w->tail = &copy->next;
		w->depth++;
		notify_mark_dirty(w);
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		queued++;
	}
	notify_item_free(it);
	return wanted == queued ? 0 : -1;
}

int
notify_flush(struct notify *n, int timeout_ms)
{
	int64_t until = time_mono_ms() + timeout_ms;
	struct notify_worker *w;
	bool idle;
	size_t i;

	if (n == NULL)
		return 0;
	for (;;) {
		idle = true;
		for (i = 0; i < n->nw; i++) {
			w = &n->w[i];
			pthread_mutex_lock(&w->mu);
			idle = idle && w->head == NULL && w->held == NULL &&
			       !w->busy;
			pthread_mutex_unlock(&w->mu);
		}
		if (idle)
			return 0;
		if (time_mono_ms() >= until)
			return -1;
		notify_sleep_ms(20);
	}
}

void
notify_get_counts(struct notify *n, struct notify_counts *c)
{
	struct notify_worker *w;
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; n != NULL && i < n->nw; i++) {
		w = &n->w[i];
		pthread_mutex_lock(&w->mu);
		c->sent += w->sent;
		c->failed += w->failed;
		c->dropped += w->dropped;
		c->queued += w->depth + w->nheld;
		pthread_mutex_unlock(&w->mu);
	}
}

/* The message "pantauctl notify test" and notify_test() send. */
static struct notify_item *
notify_test_item(const char *target)
{
	char text_id[256], text_en[256];
	struct notify_msg m;
	const char *why;

	snprintf(text_id, sizeof(text_id),
	         "Ini pesan uji dari pantau untuk target %s. Jika pesan ini "
	         "sampai, notifikasi berfungsi.",
	         target);
	snprintf(text_en, sizeof(text_en),
	         "This is a test message from pantau for target %s. If it "
	         "arrived, notifications work.",
	         target);
	memset(&m, 0, sizeof(m));
	m.event = NOTIFY_EVENT_TEST;
	m.severity = "info";
	m.site = "pantau";
	m.subject_id = "pantau: pesan uji";
	m.subject_en = "pantau: test message";
	m.text_id = text_id;
	m.text_en = text_en;
	return notify_item_new(&m, &why);
}

/* One test delivery to 'd', from the caller's thread. */
static int
notify_test_dest(const struct notify_dest *d, char *err, size_t errsz)
{
	struct notify_item *it;
	enum notify_result r;

	if ((it = notify_test_item(d->t.name)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	r = notify_send(d, it, err, errsz);
	notify_item_free(it);
	return r == NOTIFY_SENT ? 0 : -1;
}

int
notify_test(struct notify *n, const char *target_name, char *err, size_t errsz)
{
	size_t i;

	for (i = 0; n != NULL && i < n->nw; i++)
		if (strcmp(n->w[i].d.t.name, target_name) == 0)
			return notify_test_dest(&n->w[i].d, err, errsz);
	snprintf(err, errsz, "no [notify %s] in the configuration",
	         target_name);
	return -1;
}

int
notify_test_config(const struct notify_config *cfg, const char *target_name,
                   char *err, size_t errsz)
{
	struct notify_dest d;
	size_t i;
	int r;

	for (i = 0; i < cfg->ntargets; i++)
		if (strcmp(cfg->targets[i].name, target_name) == 0)
			break;
	if (i == cfg->ntargets) {
		snprintf(err, errsz, "no [notify %s] in the configuration",
		         target_name);
		return -1;
	}
	if (notify_dest_init(&d, &cfg->targets[i], err, errsz) != 0)
		return -1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	r = notify_test_dest(&d, err, errsz);
	curl_global_cleanup();
	notify_dest_clear(&d);
	return r;
}

int
notify_ctl(const struct notify_config *cfg, int argc, char **argv)
{
	char err[512];

	if (argc != 3 || strcmp(argv[1], "test") != 0) {
		fprintf(stderr,
		        "usage: pantauctl [-c FILE] notify test NAME\n");
		return 2;
	}
	/* a command target that does not read stdin must not kill us */
	signal(SIGPIPE, SIG_IGN);
	if (notify_test_config(cfg, argv[2], err, sizeof(err)) != 0) {
		fprintf(stderr, "pantauctl: notify %s: %s\n", argv[2], err);
		return 1;
	}
	printf("test message delivered to %s\n", argv[2]);
	return 0;
}
