/*
 * auth_limit.c: failures per key in a sliding window (auth_limit.h).
 *
 * Each entry keeps the times of its last 'max' failures in a ring; the key
 * is blocked while the oldest of them is younger than the window.  A
 * linear scan finds a key: sign-ins come at human speed and the table
 * holds a few hundred entries, so a hash table would buy nothing.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/auth_limit.h"

struct auth_limit_entry {
	char key[AUTH_LIMIT_KEY_MAX + 1];
	int64_t t[AUTH_LIMIT_MAX_FAILURES]; /* ring of failure times */
	unsigned n;                         /* failures in the ring */
	unsigned next;                      /* slot of the next failure */
	int64_t last;                       /* newest failure; 0: free */
};

struct auth_limit {
	pthread_mutex_t mu;
	unsigned max;
	unsigned window;
	size_t cap;
	struct auth_limit_entry *e;
};

struct auth_limit *
auth_limit_new(unsigned max, unsigned window, size_t capacity)
{
	struct auth_limit *l;

	if (max == 0 || max > AUTH_LIMIT_MAX_FAILURES || capacity == 0)
		return NULL;
	if ((l = calloc(1, sizeof *l)) == NULL)
		return NULL;
	if ((l->e = calloc(capacity, sizeof *l->e)) == NULL) {
		free(l);
		return NULL;
	}
	pthread_mutex_init(&l->mu, NULL);
	l->max = max;
	l->window = window;
	l->cap = capacity;
	return l;
}

void
auth_limit_free(struct auth_limit *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->mu);
	free(l->e);
	free(l);
}

static struct auth_limit_entry *
auth_limit_find(struct auth_limit *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->cap; i++)
		if (l->e[i].last != 0 && strcmp(l->e[i].key, key) == 0)
			return &l->e[i];
	return NULL;
}

/* Seconds 'e' stays blocked at 'now', or 0. */
static unsigned
auth_limit_wait(const struct auth_limit *l, const struct auth_limit_entry *e,
                int64_t now)
{
	int64_t oldest, until;

	if (e == NULL || e->n < l->max)
		return 0;
	/* the ring is full: 'next' is the oldest slot */
	oldest = e->t[e->next];
	until = oldest + l->window;
	return until > now ? (unsigned)(until - now) : 0;
}

unsigned
auth_limit_check(struct auth_limit *l, const char *key, int64_t now)
{
	unsigned w;

	pthread_mutex_lock(&l->mu);
	w = auth_limit_wait(l, auth_limit_find(l, key), now);
	pthread_mutex_unlock(&l->mu);
	return w;
}

void
auth_limit_fail(struct auth_limit *l, const char *key, int64_t now)
{
	struct auth_limit_entry *e, *victim;
	size_t i;

	pthread_mutex_lock(&l->mu);
	if ((e = auth_limit_find(l, key)) == NULL) {
		/* a free slot, else the one idle longest */
		victim = &l->e[0];
		for (i = 0; i < l->cap && victim->last != 0; i++)
			if (l->e[i].last < victim->last)
				victim = &l->e[i];
		e = victim;
		memset(e, 0, sizeof *e);
		snprintf(e->key, sizeof e->key, "%s", key);
	}
	e->t[e->next] = now;
	e->next = (e->next + 1) % l->max;
	if (e->n < l->max)
		e->n++;
	e->last = now > 0 ? now : 1;
	pthread_mutex_unlock(&l->mu);
}

void
auth_limit_clear(struct auth_limit *l, const char *key)
{
	struct auth_limit_entry *e;

	pthread_mutex_lock(&l->mu);
	if ((e = auth_limit_find(l, key)) != NULL)
		memset(e, 0, sizeof *e);
	pthread_mutex_unlock(&l->mu);
}
