/*
 * writeq.c: the write queue between the event loop and the RRD writer
 * thread.
 *
 * RRD writes are disk work (an update opens, reads and rewrites a file), so
 * they leave the event loop: writeq_push() appends a decoded metrics
 * message to a list under a mutex and returns at once; the writer thread
 * takes the whole list at a time and adds every sample to the store; it
 * commits at once when a message came alone, and under load only when the
 * burst is over or enough samples per file are held (writeq_due()), so a
 * busy collector writes many samples of a file with one update call.
 * The queue is bounded in samples, queued or held: when writeq_full() says
 * so, the event loop stops reading the MQTT socket (see subscribe.c) and
 * the broker holds the rest, so back-pressure never drops an acknowledged
 * message.  After each batch the writer makes writeq_fd() readable, which
 * wakes the event loop to read again.
 *
 * Ownership: a pushed message belongs to the queue; the store belongs to
 * the writer thread from writeq_new() to writeq_free().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector/collector.h"
#include "collector/stats.h"

struct writeq_job {
	struct writeq_job *next;
	char site[NAME_ID_MAX + 1];
	char device[NAME_ID_MAX + 1];
	struct wire_metrics m;
	uint64_t id;
	int64_t received_us; /* monotonic */
};

/*
 * librrd costs about the same per update call whether it carries one
 * sample of a file or fifty (docs/bench.md), so under load the writer
 * holds samples back in the store to write more of them per call.  A
 * message that arrives alone is written at once; when more arrive
 * together the writer takes them into the store as they come and writes
 * when no message came for WRITEQ_QUIET_MS (the burst is over), the files
 * hold WRITEQ_PER_FILE samples on average, the oldest held sample is
 * WRITEQ_HOLD_MS old, or queued and held samples reach 'max' (MQTT
 * pauses then, so there is nothing to wait for).
 */
#define WRITEQ_QUIET_MS 200
#define WRITEQ_HOLD_MS 5000
#define WRITEQ_PER_FILE 50

struct writeq {
	pthread_mutex_t lock;
	pthread_cond_t work; /* jobs arrived, or stop, or drain */
	pthread_cond_t idle; /* a batch was written */
	pthread_t thread;
	struct writeq_job *head;
	struct writeq_job **tail;
	size_t depth; /* samples queued or held, not written yet */
	size_t max;
	uint64_t done;
	bool stop;
	bool drain;
	/* the writer's side, under 'lock' too */
	size_t held;           /* samples in the store, not written yet */
	size_t held_jobs;      /* messages they came in */
	uint64_t held_id;      /* newest journal id among them */
	int64_t held_since_us; /* when the first of them was taken */
	int64_t held_recv_sum; /* their received_us, summed */
	int64_t last_take_us;
	struct rrdstore *rs;
	int pipe[2]; /* writer -> event loop */
};

static int64_t
writeq_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static size_t
writeq_samples(const struct wire_metrics *m)
{
	return m->ngauges + m->ncounters;
}

/*
 * Moves every sample of a list of jobs into the store (nothing is written
 * yet) and frees the jobs.  Called without the lock; returns the number of
 * samples, and the jobs' count, newest id and summed arrival times.
 */
static size_t
writeq_hold(struct writeq *q, struct writeq_job *jobs, size_t *njobs,
            uint64_t *last, int64_t *recv_sum)
{
	struct writeq_job *j, *next;
	const struct wire_metrics *m;
	size_t i, n = 0;

	for (j = jobs; j != NULL; j = next) {
		next = j->next;
		m = &j->m;
		for (i = 0; i < m->ngauges; i++)
			rrdstore_add(q->rs, j->site, j->device,
			             m->gauges[i].name, 0, m->interval, m->ts,
			             m->gauges[i].value);
		for (i = 0; i < m->ncounters; i++)
			rrdstore_add(q->rs, j->site, j->device,
			             m->counters[i].name, 1, m->interval, m->ts,
			             m->counters[i].value);
		n += writeq_samples(m);
		if (j->id != 0)
			*last = j->id;
		*recv_sum += j->received_us;
		(*njobs)++;
		wire_metrics_clear(&j->m);
		free(j);
	}
	return n;
}

/* With the lock held: whether to write what the store holds now. */
static bool
writeq_due(struct writeq *q, int64_t now)
{
	if (q->held == 0)
		return false;
	if (q->stop || q->drain || q->held_jobs <= 1 || q->depth >= q->max)
		return true;
	if (q->held >= WRITEQ_PER_FILE * rrdstore_pending_files(q->rs))
		return true;
	return now - q->last_take_us >= WRITEQ_QUIET_MS * 1000 ||
	       now - q->held_since_us >= WRITEQ_HOLD_MS * 1000;
}

/* With the lock held: waits for more jobs until the held ones are due. */
static void
writeq_wait(struct writeq *q, int64_t now)
{
	int64_t until = q->last_take_us + WRITEQ_QUIET_MS * 1000;
	struct timespec ts;

	if (until > q->held_since_us + WRITEQ_HOLD_MS * 1000)
		until = q->held_since_us + WRITEQ_HOLD_MS * 1000;
	if (until <= now)
		return;
	ts.tv_sec = (time_t)(until / 1000000);
	ts.tv_nsec = (long)(until % 1000000) * 1000;
	pthread_cond_timedwait(&q->work, &q->lock, &ts);
}

/* With the lock held, which it drops meanwhile: writes what is held. */
static void
writeq_write(struct writeq *q)
{
	size_t n = q->held, jobs = q->held_jobs;
	uint64_t last = q->held_id;
	int64_t sum = q->held_recv_sum, now;
	char c = 1;

	pthread_mutex_unlock(&q->lock);
	rrdstore_commit(q->rs);
	now = writeq_now_us();
	STATS_ADD(ingest_latency_us_sum, (uint64_t)(now * (int64_t)jobs - sum));
	STATS_ADD(ingest_latency_count, jobs);
	pthread_mutex_lock(&q->lock);

	q->depth -= n;
	q->held = 0;
	q->held_jobs = 0;
	q->held_recv_sum = 0;
	if (last != 0)
		q->done = last;
	STATS_SET(queue_depth, q->depth);
	pthread_cond_broadcast(&q->idle);
	/* a full pipe already says "wake up": ignore EAGAIN */
	if (write(q->pipe[1], &c, 1) < 0 && errno != EAGAIN)
		log_err("writeq: wake-up: %s", strerror(errno));
}

static void *
writeq_main(void *arg)
{
	struct writeq *q = arg;
	struct writeq_job *jobs;
	size_t n, njobs;
	uint64_t last;
	int64_t sum, now;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->head == NULL && q->held == 0 && !q->stop)
			pthread_cond_wait(&q->work, &q->lock);
		if (q->head == NULL && q->held == 0)
			break;
		if (q->head != NULL) {
			jobs = q->head;
			q->head = NULL;
			q->tail = &q->head;
			pthread_mutex_unlock(&q->lock);
			njobs = 0;
			last = 0;
			sum = 0;
			n = writeq_hold(q, jobs, &njobs, &last, &sum);
			now = writeq_now_us();
			pthread_mutex_lock(&q->lock);
			if (q->held_jobs == 0)
				q->held_since_us = now;
			q->held += n;
			q->held_jobs += njobs;
			q->held_recv_sum += sum;
			if (last != 0)
				q->held_id = last;
			q->last_take_us = now;
			if (n == 0 && q->held == 0) {
				/* messages without samples: nothing to hold */
				q->held_jobs = 0;
				q->held_recv_sum = 0;
				if (last != 0)
					q->done = last;
				continue;
			}
		}
		now = writeq_now_us();
		if (writeq_due(q, now))
			writeq_write(q);
		else if (q->head == NULL)
			writeq_wait(q, now);
	}
	pthread_mutex_unlock(&q->lock);
	rrdstore_sync(q->rs);
	return NULL;
}

struct writeq *
writeq_new(struct rrdstore *rs, size_t max)
{
	struct writeq *q;
	pthread_condattr_t ca;
	int i;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->rs = rs;
	q->max = max;
	q->tail = &q->head;
	if (pipe(q->pipe) != 0)
		goto fail_free;
	for (i = 0; i < 2; i++) {
		fcntl(q->pipe[i], F_SETFL, O_NONBLOCK);
		fcntl(q->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_init(&q->lock, NULL);
	/* writeq_wait() times out on the monotonic clock */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->work, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&q->idle, NULL);
	if (pthread_create(&q->thread, NULL, writeq_main, q) != 0)
		goto fail_sync;
	return q;

fail_sync:
	pthread_cond_destroy(&q->idle);
	pthread_cond_destroy(&q->work);
	pthread_mutex_destroy(&q->lock);
	close(q->pipe[0]);
	close(q->pipe[1]);
fail_free:
	free(q);
	return NULL;
}

void
writeq_free(struct writeq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = true;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL); /* it writes what is queued first */
	rrdstore_free(q->rs);
	pthread_cond_destroy(&q->idle);
	pthread_cond_destroy(&q->work);
	pthread_mutex_destroy(&q->lock);
	close(q->pipe[0]);
	close(q->pipe[1]);
	free(q);
}

int
writeq_push(struct writeq *q, const char *site, const char *device,
            struct wire_metrics *m, uint64_t id)
{
	struct writeq_job *j;
	size_t n = writeq_samples(m);

	if ((j = malloc(sizeof(*j))) == NULL)
		return -1;
	snprintf(j->site, sizeof(j->site), "%s", site);
	snprintf(j->device, sizeof(j->device), "%s", device);
	j->m = *m;
	memset(m, 0, sizeof(*m));
	j->id = id;
	j->received_us = writeq_now_us();
	j->next = NULL;

	pthread_mutex_lock(&q->lock);
	*q->tail = j;
	q->tail = &j->next;
	q->depth += n;
	STATS_SET(queue_depth, q->depth);
	if (q->depth > STATS_GET(queue_max))
		STATS_SET(queue_max, q->depth);
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

bool
writeq_full(struct writeq *q)
{
	return writeq_depth(q) >= q->max;
}

size_t
writeq_depth(struct writeq *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->depth;
	pthread_mutex_unlock(&q->lock);
	return n;
}

uint64_t
writeq_done(struct writeq *q)
{
	uint64_t d;

	pthread_mutex_lock(&q->lock);
	d = q->done;
	pthread_mutex_unlock(&q->lock);
	return d;
}

int
writeq_fd(struct writeq *q)
{
	return q->pipe[0];
}

void
writeq_clear_fd(struct writeq *q)
{
	char buf[64];

	while (read(q->pipe[0], buf, sizeof(buf)) > 0)
		;
}

void
writeq_drain(struct writeq *q)
{
	pthread_mutex_lock(&q->lock);
	q->drain = true; /* write what is held without waiting for more */
	pthread_cond_signal(&q->work);
	while (q->depth > 0)
		pthread_cond_wait(&q->idle, &q->lock);
	q->drain = false;
	pthread_mutex_unlock(&q->lock);
}
