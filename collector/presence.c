/*
 * presence.c: the in-memory state of every device (presence.h).
 *
 * A hash table keyed by (site, device) holds what the state machine needs:
 * the state, the interval, and when metrics last arrived.  It is loaded
 * from the database at start and every change is written through
 * db_state_store(), which keeps the history availability reports read.
 *
 * Staleness runs on the collector's clock, the time a message was
 * received, never on the agent's ts: an agent whose clock is an hour off,
 * or a spool replaying yesterday, must neither look stale nor keep a dead
 * device alive.  The agent's ts only orders status messages of one device
 * (a redelivered old status must not undo a newer one).
 *
 * Transitions:
 *   metrics                    -> online   (and restarts the staleness clock)
 *   status online              -> online   (likewise)
 *   status offline (Last Will) -> offline
 *   status unreachable         -> unreachable
 *   online, no metrics received for 3 intervals -> stale
 * Only an online device can go stale: offline and unreachable already say
 * why nothing arrives.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/presence.h"
#include "common/log.h"

#define PRESENCE_STALE_INTERVALS 3

struct pdev {
	struct pdev *next;
	char site[NAME_ID_MAX + 1];
	char device[NAME_ID_MAX + 1];
	enum dev_type type; /* DEV_NTYPES: not known yet */
	enum dev_state state;
	unsigned interval;  /* 0: not known, never goes stale */
	int64_t last_alive; /* collector clock: metrics or online */
	int64_t status_ts;  /* agent's ts of the newest status */
	int pending;        /* made stale in an uncommitted check */
};

struct presence {
	struct db *db;
	struct pdev **buckets;
	size_t nbuckets; /* a power of two */
	size_t n;
	int64_t first_check;    /* now of the first presence_check() */
	presence_hook_fn *hook; /* told of every change (alerts) */
	void *hook_arg;
};

static uint64_t
presence_hash(const char *site, const char *device)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */
	const unsigned char *s;

	for (s = (const unsigned char *)site; *s; s++)
		h = (h ^ *s) * 1099511628211ULL;
	h = (h ^ '/') * 1099511628211ULL;
	for (s = (const unsigned char *)device; *s; s++)
		h = (h ^ *s) * 1099511628211ULL;
	return h;
}

static struct pdev *
presence_find(const struct presence *p, const char *site, const char *device)
{
	struct pdev *e;

	e = p->buckets[presence_hash(site, device) & (p->nbuckets - 1)];
	for (; e != NULL; e = e->next)
		if (strcmp(e->site, site) == 0 &&
		    strcmp(e->device, device) == 0)
			return e;
	return NULL;
}

/* Doubles the table when it is full.  On ENOMEM the table stays as it is. */
static void
presence_grow(struct presence *p)
{
	struct pdev **nb, *e, *next;
	size_t nn = p->nbuckets * 2, i, b;

	if (p->n < p->nbuckets)
		return;
	if ((nb = calloc(nn, sizeof *nb)) == NULL)
		return;
	for (i = 0; i < p->nbuckets; i++) {
		for (e = p->buckets[i]; e != NULL; e = next) {
			next = e->next;
			b = presence_hash(e->site, e->device) & (nn - 1);
			e->next = nb[b];
			nb[b] = e;
		}
	}
	free(p->buckets);
	p->buckets = nb;
	p->nbuckets = nn;
}

/* The entry of (site, device), created in state unknown.  NULL on ENOMEM. */
static struct pdev *
presence_get(struct presence *p, const char *site, const char *device)
{
	struct pdev *e;
	size_t b;

	if ((e = presence_find(p, site, device)) != NULL)
		return e;
	if ((e = calloc(1, sizeof *e)) == NULL) {
		log_err("presence: out of memory");
		return NULL;
	}
	snprintf(e->site, sizeof e->site, "%s", site);
	snprintf(e->device, sizeof e->device, "%s", device);
	e->type = DEV_NTYPES;
	e->state = STATE_UNKNOWN;
	presence_grow(p);
	b = presence_hash(site, device) & (p->nbuckets - 1);
	e->next = p->buckets[b];
	p->buckets[b] = e;
	p->n++;
	return e;
}

/*
 * Moves 'e' to 'state', writing it through first: the in-memory state
 * follows the database, so a failed write is tried again on the next
 * message or check.  Returns 1 when the state changed, else 0.
 */
static int
presence_set(struct presence *p, struct pdev *e, enum dev_state state,
             int64_t now, const char *cause)
{
	if (e->state == state)
		return 0;
	if (db_state_store(p->db, e->site, e->device, e->type, state, now,
	                   cause) == -1)
		return 0;
	log_info("device %s/%s: %s -> %s (%s)", e->site, e->device,
	         dev_state_name(e->state), dev_state_name(state), cause);
	e->state = state;
	if (p->hook != NULL)
		p->hook(p->hook_arg, e->site, e->device, e->type, state, now);
	return 1;
}

void
presence_set_hook(struct presence *p, presence_hook_fn *fn, void *arg)
{
	p->hook = fn;
	p->hook_arg = arg;
}

struct presence *
presence_new(struct db *db)
{
	struct presence *p;
	struct db_device *devs = NULL;
	struct pdev *e;
	size_t n = 0, i;

	if ((p = calloc(1, sizeof *p)) == NULL)
		goto fail;
	p->db = db;
	p->nbuckets = 256;
	if ((p->buckets = calloc(p->nbuckets, sizeof *p->buckets)) == NULL)
		goto fail;
	if (db_devices_load(db, &devs, &n) == -1)
		goto fail_free;
	for (i = 0; i < n; i++) {
		if ((e = presence_get(p, devs[i].site, devs[i].device)) == NULL)
			goto fail_free;
		e->type = devs[i].has_type ? devs[i].type : DEV_NTYPES;
		e->state = devs[i].state;
		e->interval = devs[i].interval;
		e->last_alive = devs[i].last_received;
	}
	free(devs);
	return p;

fail_free:
	free(devs);
	presence_free(p);
	return NULL;
fail:
	log_err("presence: out of memory");
	presence_free(p);
	return NULL;
}

void
presence_free(struct presence *p)
{
	struct pdev *e, *next;

	if (p == NULL)
		return;
	for (size_t i = 0; p->buckets != NULL && i < p->nbuckets; i++) {
		for (e = p->buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(p->buckets);
	free(p);
}

void
presence_metrics(struct presence *p, const char *site, const char *device,
                 enum dev_type type, unsigned interval, int64_t ts, int64_t now)
{
	struct pdev *e;

	(void)ts; /* staleness runs on the received time, see above */
	if ((e = presence_get(p, site, device)) == NULL)
		return;
	e->type = type;
	e->interval = interval;
	if (now > e->last_alive)
		e->last_alive = now;
	presence_set(p, e, STATE_ONLINE, now, "metrics");
}

void
presence_status(struct presence *p, const char *site, const char *device,
                enum wire_state state, int64_t ts, int64_t now)
{
	struct pdev *e;

	if ((e = presence_get(p, site, device)) == NULL)
		return;
	/*
	 * Equal ts must count: an agent's "online" and its Last Will are
	 * both stamped when it connects.
	 */
	if (ts < e->status_ts)
		return;
	e->status_ts = ts;
	switch (state) {
	case WIRE_ONLINE:
		if (now > e->last_alive)
			e->last_alive = now;
		presence_set(p, e, STATE_ONLINE, now, "status online");
		break;
	case WIRE_OFFLINE:
		presence_set(p, e, STATE_OFFLINE, now, "status offline");
		break;
	case WIRE_UNREACHABLE:
		presence_set(p, e, STATE_UNREACHABLE, now,
		             "status unreachable");
		break;
	default:
		break;
	}
}

/*
 * Ends the transaction of presence_check(): on failure the database still
 * says online, so the entries marked pending follow it, to be retried at
 * the next check.
 */
static void
presence_settle(struct presence *p, int committed)
{
	struct pdev *e;

	for (size_t i = 0; i < p->nbuckets; i++) {
		for (e = p->buckets[i]; e != NULL; e = e->next) {
			if (e->pending && !committed)
				e->state = STATE_ONLINE;
			e->pending = 0;
		}
	}
}

/*
 * The first check after start counts as a sign of life for every device
 * loaded from the database: the collector was not listening before, and
 * the messages queued for it in the broker are still arriving.
 */
int
presence_check(struct presence *p, int64_t now)
{
	struct pdev *e;
	char cause[64];
	int64_t alive, limit;
	int changed = 0, own = 0;

	if (p->first_check == 0)
		p->first_check = now;
	for (size_t i = 0; i < p->nbuckets; i++) {
		for (e = p->buckets[i]; e != NULL; e = e->next) {
			if (e->state != STATE_ONLINE || e->interval == 0)
				continue;
			alive = e->last_alive > p->first_check ? e->last_alive
			                                       : p->first_check;
			limit = (int64_t)e->interval * PRESENCE_STALE_INTERVALS;
			if (now - alive < limit)
				continue;
			snprintf(cause, sizeof cause, "no metrics for %lld s",
			         (long long)(now - alive));
			/*
			 * After an outage many devices go stale at once: one
			 * transaction for all of them, unless the caller
			 * has one open already.
			 */
			if (!own && !db_in_transaction(p->db))
				own = db_begin(p->db) == 0;
			if (presence_set(p, e, STATE_STALE, now, cause)) {
				e->pending = 1;
				changed++;
			}
		}
	}
	if (own)
		presence_settle(p, db_commit(p->db) == 0);
	return changed;
}

enum dev_state
presence_state(const struct presence *p, const char *site, const char *device)
{
	const struct pdev *e = presence_find(p, site, device);

	return e ? e->state : STATE_UNKNOWN;
}
