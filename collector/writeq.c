/*
 * writeq.c: the write queue between the event loop and the RRD writer
 * thread.
 *
 * RRD writes are disk work (an update opens, reads and rewrites a file), so
 * they leave the event loop: writeq_push() appends a decoded metrics
 * message to a list under a mutex and returns at once; the writer thread
 * takes the whole list at a time, adds every sample to the store and
 * commits, so a busy collector writes many samples of a file with one
 * update call.  The queue is bounded in samples: when writeq_full() says
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

struct writeq {
	pthread_mutex_t lock;
	pthread_cond_t work; /* jobs arrived, or stop */
	pthread_cond_t idle; /* a batch was written */
	pthread_t thread;
	struct writeq_job *head;
	struct writeq_job **tail;
	size_t depth; /* samples queued or in hand */
	size_t max;
	uint64_t done;
	bool stop;
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

/* Adds every sample of a batch of jobs to the store and writes them. */
static void
writeq_write(struct writeq *q, struct writeq_job *jobs)
{
	struct writeq_job *j;
	const struct wire_metrics *m;
	int64_t now;
	size_t i;

	for (j = jobs; j != NULL; j = j->next) {
		m = &j->m;
		for (i = 0; i < m->ngauges; i++)
			rrdstore_add(q->rs, j->site, j->device,
			             m->gauges[i].name, 0, m->interval, m->ts,
			             m->gauges[i].value);
		for (i = 0; i < m->ncounters; i++)
			rrdstore_add(q->rs, j->site, j->device,
			             m->counters[i].name, 1, m->interval, m->ts,
			             m->counters[i].value);
	}
	rrdstore_commit(q->rs);

	now = writeq_now_us();
	for (j = jobs; j != NULL; j = j->next) {
		STATS_ADD(ingest_latency_us_sum,
		          (uint64_t)(now - j->received_us));
		STATS_ADD(ingest_latency_count, 1);
	}
}

static void *
writeq_main(void *arg)
{
	struct writeq *q = arg;
	struct writeq_job *jobs, *j, *next;
	uint64_t last;
	size_t n;
	char c = 1;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->head == NULL && !q->stop)
			pthread_cond_wait(&q->work, &q->lock);
		if (q->head == NULL)
			break;
		jobs = q->head;
		q->head = NULL;
		q->tail = &q->head;
		pthread_mutex_unlock(&q->lock);

		writeq_write(q, jobs);
		n = 0;
		last = 0;
		for (j = jobs; j != NULL; j = next) {
			next = j->next;
			n += writeq_samples(&j->m);
			if (j->id != 0)
				last = j->id;
			wire_metrics_clear(&j->m);
			free(j);
		}

		pthread_mutex_lock(&q->lock);
		q->depth -= n;
		if (last != 0)
			q->done = last;
		STATS_SET(queue_depth, q->depth);
		pthread_cond_broadcast(&q->idle);
		/* a full pipe already says "wake up": ignore EAGAIN */
		if (write(q->pipe[1], &c, 1) < 0 && errno != EAGAIN)
			log_err("writeq: wake-up: %s", strerror(errno));
	}
	pthread_mutex_unlock(&q->lock);
	rrdstore_sync(q->rs);
	return NULL;
}

struct writeq *
writeq_new(struct rrdstore *rs, size_t max)
{
	struct writeq *q;
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
	pthread_cond_init(&q->work, NULL);
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
	while (q->depth > 0)
		pthread_cond_wait(&q->idle, &q->lock);
	pthread_mutex_unlock(&q->lock);
}
