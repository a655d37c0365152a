/*
 * rrdstore.c: the RRD files, DATA/rrd/<site>/<device>/<metric>.rrd.
 *
 * One file per series, one data source named "value" per file (GAUGE for
 * gauges, DERIVE with min 0 for counters, so a counter reset becomes
 * unknown rather than a spike), created on the first sample with the layout
 * of DESIGN.md section 10 (rrdstore_create_args()).
 *
 * Samples are collected per file by rrdstore_add() and written by
 * rrdstore_commit() with one update call per file, in time order (through
 * rrdcached, as many as its line length needs).  A hash
 * of the series seen keeps each file's newest time stamp in memory, so the
 * hot path neither stats files nor asks librrd, and a redelivered or late
 * sample that is not newer than the file is skipped and counted, never an
 * error.  Direct writes use rrd_updatex_r() with RRD_SKIP_PAST_UPDATES as a
 * second guard; with rrdcached every create and update goes through the
 * daemon (mixing direct writes and rrdcached loses data), and its refusal
 * of an old time stamp is counted as a skip too.
 *
 * Only the writer thread (writeq.c) uses a struct rrdstore and, through
 * it, librrd's thread-safe _r functions or the rrdc_* connection.
 * File names are built from names checked again here with names.h, so no
 * name can leave DATA/rrd.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "collector/collector.h"
#include "collector/diskfull.h"
#include "collector/stats.h"
#include "common/names.h"

#define RRDSTORE_BUCKETS 4096 /* initial; doubles at load 1 */
#define RRDSTORE_VALUE_MAX 48 /* "ts:value" */
#define RRDSTORE_UNKNOWN INT64_MIN
#define RRDSTORE_COUNTER_MAX 9.2e18 /* below INT64_MAX */

struct rrdstore_pending {
	int64_t ts;
	double value;
};

struct rrdstore_series {
	struct rrdstore_series *next; /* hash chain */
	struct rrdstore_series *touched_next;
	uint32_t hash;
	char *path;      /* absolute */
	const char *key; /* "site/device/metric.rrd" in path */
	int64_t last;    /* newest time in the file */
	unsigned step;   /* of a file we create */
	bool counter;
	bool checked; /* existence and 'last' known */
	bool exists;
	bool touched;
	struct rrdstore_pending *pend;
	size_t npend;
	size_t cap;
};

struct rrdstore {
	char *base; /* DATA/rrd */
	size_t baselen;
	int basefd;
	char *cached; /* rrdcached address or NULL */
	unsigned step;
	struct rrdstore_series **buckets;
	size_t nbuckets;
	size_t nseries;
	struct rrdstore_series *touched;
	size_t ntouched; /* files on that list */
	char *valbuf;    /* nvals * RRDSTORE_VALUE_MAX */
	const char **vals;
	size_t valcap;
};

static uint32_t
rrdstore_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

/* Creates 'dir' (relative to DATA/rrd) unless it exists. */
static int
rrdstore_mkdir(struct rrdstore *rs, const char *dir)
{
	if (mkdirat(rs->basefd, dir, 0755) == 0 || errno == EEXIST)
		return 0;
	log_err("rrd: cannot create %s/%s: %s", rs->base, dir, strerror(errno));
	return -1;
}

/*
 * Debian's librrd 1.7.2 declares the rrd_client_* functions but does not
 * export them, so we use the rrdc_* interface: one connection per process
 * behind a mutex in librrd.  Only the writer thread writes through it.
 */
static int
rrdstore_connect(struct rrdstore *rs, char *err, size_t errsz)
{
	rrd_clear_error();
	if (rrdc_connect(rs->cached) != 0 || !rrdc_is_connected(rs->cached)) {
		snprintf(err, errsz, "cannot connect to rrdcached at %s: %s",
		         rs->cached,
		         rrd_test_error() ? rrd_get_error() : "not connected");
		return -1;
	}
	return 0;
}

struct rrdstore *
rrdstore_new(const char *data_dir, const char *cached, unsigned step, char *err,
             size_t errsz)
{
	struct rrdstore *rs;

	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		goto fail_nomem;
	rs->basefd = -1;
	rs->step = step;
	if (asprintf(&rs->base, "%s/rrd", data_dir) < 0) {
		rs->base = NULL;
		goto fail_nomem;
	}
	rs->baselen = strlen(rs->base);
	if (mkdir(rs->base, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errsz, "cannot create %s: %s", rs->base,
		         strerror(errno));
		goto fail;
	}
	if ((rs->basefd = open(rs->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) <
	    0) {
		snprintf(err, errsz, "cannot open %s: %s", rs->base,
		         strerror(errno));
		goto fail;
	}
	rs->nbuckets = RRDSTORE_BUCKETS;
	if ((rs->buckets = calloc(rs->nbuckets, sizeof(*rs->buckets))) == NULL)
		goto fail_nomem;
	if (cached != NULL) {
		if ((rs->cached = strdup(cached)) == NULL)
			goto fail_nomem;
		if (rrdstore_connect(rs, err, errsz) != 0)
			goto fail;
	}
	return rs;

fail_nomem:
	snprintf(err, errsz, "out of memory");
fail:
	rrdstore_free(rs);
	return NULL;
}

void
rrdstore_free(struct rrdstore *rs)
{
	struct rrdstore_series *se, *next;
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; rs->buckets != NULL && i < rs->nbuckets; i++) {
		for (se = rs->buckets[i]; se != NULL; se = next) {
			next = se->next;
			free(se->pend);
			free(se->path);
			free(se);
		}
	}
	free(rs->buckets);
	if (rs->cached != NULL)
		rrdc_disconnect();
	if (rs->basefd >= 0)
		close(rs->basefd);
	free(rs->cached);
	free(rs->base);
	free(rs->valbuf);
	free(rs->vals);
	free(rs);
}

/* "site/device/metric.rrd", after checking every part. */
static int
rrdstore_key(const char *site, const char *device, const char *metric,
             char *buf, size_t bufsz)
{
	int n;

	if (!name_id_valid(site) || !name_id_valid(device) ||
	    !name_metric_valid(metric))
		return -1;
	n = snprintf(buf, bufsz, "%s/%s/%s.rrd", site, device, metric);
	return n < 0 || (size_t)n >= bufsz ? -1 : 0;
}

int
rrdstore_path(const struct rrdstore *rs, const char *site, const char *device,
              const char *metric, char *buf, size_t bufsz)
{
	char key[2 * NAME_ID_MAX + NAME_METRIC_MAX + 8];
	int n;

	if (rrdstore_key(site, device, metric, key, sizeof(key)) != 0)
		return -1;
	n = snprintf(buf, bufsz, "%s/%s", rs->base, key);
	return n < 0 || (size_t)n >= bufsz ? -1 : 0;
}

size_t
rrdstore_series(const struct rrdstore *rs)
{
	return rs->nseries;
}

static void
rrdstore_grow(struct rrdstore *rs)
{
	struct rrdstore_series **nb, *se, *next;
	size_t n = rs->nbuckets * 2, i;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return; /* longer chains, still correct */
	for (i = 0; i < rs->nbuckets; i++) {
		for (se = rs->buckets[i]; se != NULL; se = next) {
			next = se->next;
			se->next = nb[se->hash & (n - 1)];
			nb[se->hash & (n - 1)] = se;
		}
	}
	free(rs->buckets);
	rs->buckets = nb;
	rs->nbuckets = n;
}

static struct rrdstore_series *
rrdstore_lookup(struct rrdstore *rs, const char *key, int counter,
                unsigned interval)
{
	struct rrdstore_series *se;
	uint32_t h = rrdstore_hash(key);

	for (se = rs->buckets[h & (rs->nbuckets - 1)]; se != NULL;
	     se = se->next)
		if (se->hash == h && strcmp(se->key, key) == 0)
			return se;

	if ((se = calloc(1, sizeof(*se))) == NULL)
		return NULL;
	if (asprintf(&se->path, "%s/%s", rs->base, key) < 0) {
		free(se);
		return NULL;
	}
	se->key = se->path + rs->baselen + 1;
	se->hash = h;
	se->last = RRDSTORE_UNKNOWN;
	se->counter = counter != 0;
	se->step = rs->step != 0 ? rs->step : interval;
	if (rs->nseries >= rs->nbuckets)
		rrdstore_grow(rs);
	se->next = rs->buckets[h & (rs->nbuckets - 1)];
	rs->buckets[h & (rs->nbuckets - 1)] = se;
	rs->nseries++;
	return se;
}

int
rrdstore_add(struct rrdstore *rs, const char *site, const char *device,
             const char *metric, int counter, unsigned interval, int64_t ts,
             double value)
{
	char key[2 * NAME_ID_MAX + NAME_METRIC_MAX + 8];
	struct rrdstore_series *se;
	struct rrdstore_pending *np;
	size_t ncap;

	if (rrdstore_key(site, device, metric, key, sizeof(key)) != 0 ||
	    interval == 0 || !isfinite(value)) {
		STATS_ADD(rrd_errors, 1);
		errno = EINVAL;
		return -1;
	}
	if ((se = rrdstore_lookup(rs, key, counter, interval)) == NULL)
		goto fail_nomem;
	if (se->npend == se->cap) {
		ncap = se->cap == 0 ? 4 : se->cap * 2;
		if ((np = reallocarray(se->pend, ncap, sizeof(*np))) == NULL)
			goto fail_nomem;
		se->pend = np;
		se->cap = ncap;
	}
	se->pend[se->npend].ts = ts;
	se->pend[se->npend].value = value;
	se->npend++;
	if (!se->touched) {
		se->touched = true;
		se->touched_next = rs->touched;
		rs->touched = se;
		rs->ntouched++;
	}
	return 0;

fail_nomem:
	STATS_ADD(rrd_errors, 1);
	errno = ENOMEM;
	return -1;
}

/*
 * The layout of DESIGN.md section 10 for a given step: AVERAGE, MIN and
 * MAX at 1 step for 2 days, 5 minutes for 2 weeks, 1 hour for 13 months
 * and 1 day for 10 years; heartbeat 2 x step.  Resolutions the step does
 * not divide are rounded to whole steps.  'buf' holds 13 strings of 64.
 */
#define RRDSTORE_NARGS 13
static void
rrdstore_create_args(unsigned step, bool counter, char buf[][64],
                     const char **argv)
{
	static const struct {
		unsigned long res;  /* seconds per point */
		unsigned long span; /* seconds kept */
	} rra[] = {
	    {0, 2 * 86400}, /* 1 step */
	    {300, 14 * 86400},
	    {3600, 396 * 86400},   /* 13 months */
	    {86400, 3653 * 86400}, /* 10 years */
	};
	static const char *const cf[] = {"AVERAGE", "MIN", "MAX"};
	unsigned long steps, rows;
	size_t i, j, n = 0;

	snprintf(buf[n], 64, "DS:value:%s:%u:%s:U",
	         counter ? "DERIVE" : "GAUGE", 2 * step, counter ? "0" : "U");
	argv[n] = buf[n];
	n++;
	for (i = 0; i < sizeof(rra) / sizeof(rra[0]); i++) {
		steps = rra[i].res == 0 ? 1 : (rra[i].res + step / 2) / step;
		if (steps == 0)
			steps = 1;
		rows = (rra[i].span + steps * step - 1) / (steps * step);
		for (j = 0; j < 3; j++) {
			snprintf(buf[n], 64, "RRA:%s:0.5:%lu:%lu", cf[j], steps,
			         rows);
			argv[n] = buf[n];
			n++;
		}
	}
}

/*
 * The errno behind librrd's last error, as far as its message tells
 * (rrdcached only sends text): ENOSPC or EDQUOT, else 0.
 */
static int
rrdstore_errno(void)
{
	const char *msg = rrd_get_error();

	if (msg == NULL)
		return 0;
	if (strstr(msg, strerror(ENOSPC)) != NULL)
		return ENOSPC;
	if (strstr(msg, strerror(EDQUOT)) != NULL)
		return EDQUOT;
	return 0;
}

/* Learns whether the file exists and, if so, its last update. */
static void
rrdstore_check(struct rrdstore *rs, struct rrdstore_series *se)
{
	struct stat st;
	time_t t;

	se->checked = true;
	se->exists =
	    fstatat(rs->basefd, se->key, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!se->exists)
		return;
	rrd_clear_error();
	t = rs->cached != NULL ? rrdc_last(se->path) : rrd_last_r(se->path);
	se->last = t > 0 ? (int64_t)t : RRDSTORE_UNKNOWN;
}

/*
 * Creates the file one step before its first sample, so that the first
 * sample fills a whole step (a GAUGE value stands for the step it ends)
 * instead of a second of it, which RRD would store as unknown.
 */
static int
rrdstore_create(struct rrdstore *rs, struct rrdstore_series *se, int64_t first)
{
	char buf[RRDSTORE_NARGS][64], dir[2 * NAME_ID_MAX + 2];
	const char *argv[RRDSTORE_NARGS];
	const char *slash;
	int r;

	/* the key is "site/device/metric.rrd": make "site", "site/device" */
	slash = strchr(se->key, '/');
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - se->key), se->key);
	if (rrdstore_mkdir(rs, dir) != 0)
		return -1;
	slash = strchr(slash + 1, '/');
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - se->key), se->key);
	if (rrdstore_mkdir(rs, dir) != 0)
		return -1;

	rrdstore_create_args(se->step, se->counter, buf, argv);
	rrd_clear_error();
	if (rs->cached != NULL)
		r = rrdc_create(se->path, se->step, (time_t)(first - se->step),
		                1, RRDSTORE_NARGS, argv);
	else
		r = rrd_create_r2(se->path, se->step,
		                  (time_t)(first - se->step), 1, NULL, NULL,
		                  RRDSTORE_NARGS, argv);
	if (r != 0) {
		/* a full disk is logged once and pauses MQTT (diskfull.c) */
		if (!diskfull_hit(rrdstore_errno(), "an RRD file"))
			log_err("rrd: cannot create %s: %s", se->path,
			        rrd_get_error());
		return -1;
	}
	STATS_ADD(rrd_creates, 1);
	se->exists = true;
	se->last = first - se->step;
	return 0;
}

static int
rrdstore_pending_cmp(const void *a, const void *b)
{
	const struct rrdstore_pending *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int
rrdstore_reserve(struct rrdstore *rs, size_t n)
{
	const char **nv;
	char *nb;

	if (n <= rs->valcap)
		return 0;
	if ((nb = realloc(rs->valbuf, n * RRDSTORE_VALUE_MAX)) == NULL)
		return -1;
	rs->valbuf = nb;
	if ((nv = reallocarray(rs->vals, n, sizeof(*nv))) == NULL)
		return -1;
	rs->vals = nv;
	rs->valcap = n;
	return 0;
}

/*
 * The update strings of a series, oldest first, without anything not
 * newer than the file.  Counters are written as integers: DERIVE takes
 * nothing else.  Returns how many, with the skipped ones counted.
 */
static size_t
rrdstore_values(struct rrdstore *rs, struct rrdstore_series *se)
{
	size_t i, n = 0;
	int64_t last = se->last;
	char *p;

	qsort(se->pend, se->npend, sizeof(*se->pend), rrdstore_pending_cmp);
	for (i = 0; i < se->npend; i++) {
		if (se->pend[i].ts <= last) {
			STATS_ADD(samples_skipped, 1);
			continue;
		}
		/* DERIVE parses a signed 64-bit integer; more fails the call */
		if (se->counter && se->pend[i].value >= RRDSTORE_COUNTER_MAX) {
			STATS_ADD(rrd_errors, 1);
			continue;
		}
		last = se->pend[i].ts;
		p = rs->valbuf + n * RRDSTORE_VALUE_MAX;
		if (se->counter)
			snprintf(p, RRDSTORE_VALUE_MAX, "%" PRId64 ":%.0f",
			         last, floor(se->pend[i].value));
		else
			snprintf(p, RRDSTORE_VALUE_MAX, "%" PRId64 ":%.17g",
			         last, se->pend[i].value);
		rs->vals[n++] = p;
	}
	return n;
}

/* rrdcached's answer to an update older than the file's newest. */
static bool
rrdstore_is_old(const char *msg)
{
	return msg != NULL &&
	       (strstr(msg, "illegal attempt to update") != NULL ||
	        strstr(msg, "minimum one second step") != NULL);
}

/*
 * librrd's client builds one protocol line of at most RRD_CMD_MAX bytes
 * ("update PATH V1 V2 ...") and refuses more, so the values of a file go
 * in as many updates as they need.  Room is left for the path growing
 * when librrd resolves it (realpath) before sending.
 */
#define RRDSTORE_LINE_MAX (RRD_CMD_MAX - 512)

static int
rrdstore_cached_send(struct rrdstore *rs, const char *path, size_t n,
                     const char *const *vals)
{
	int r;

	r = rrdc_update(path, (int)n, vals);
	if (r != 0 && !rrdc_is_connected(rs->cached)) {
		/* rrdcached restarted: one more try */
		rrd_clear_error();
		if (rrdc_connect(rs->cached) == 0)
			r = rrdc_update(path, (int)n, vals);
	}
	return r;
}

static int
rrdstore_cached_update(struct rrdstore *rs, struct rrdstore_series *se,
                       size_t n)
{
	size_t i = 0, k, len;

	while (i < n) {
		len = sizeof("update ") + strlen(se->path);
		for (k = i; k < n; k++) {
			len += strlen(rs->vals[k]) + 1;
			if (len > RRDSTORE_LINE_MAX && k > i)
				break;
		}
		if (rrdstore_cached_send(rs, se->path, k - i, rs->vals + i) !=
		    0)
			return -1;
		i = k;
	}
	return 0;
}

static size_t
rrdstore_write(struct rrdstore *rs, struct rrdstore_series *se)
{
	size_t n;
	int r;

	if (rrdstore_reserve(rs, se->npend) != 0) {
		STATS_ADD(rrd_errors, se->npend);
		return 0;
	}
	if (!se->checked)
		rrdstore_check(rs, se);
	if ((n = rrdstore_values(rs, se)) == 0)
		return 0;
	if (!se->exists && rrdstore_create(rs, se, se->pend[0].ts) != 0) {
		STATS_ADD(rrd_errors, n);
		se->checked = false;
		return 0;
	}

	rrd_clear_error();
	if (rs->cached != NULL)
		r = rrdstore_cached_update(rs, se, n);
	else
		r = rrd_updatex_r(se->path, NULL, RRD_SKIP_PAST_UPDATES, (int)n,
		                  rs->vals);
	if (r != 0 && rrdstore_is_old(rrd_get_error())) {
		/* the file knew a newer sample than we did: nothing lost */
		STATS_ADD(samples_skipped, n);
		se->checked = false;
		return 0;
	}
	if (r != 0) {
		if (!diskfull_hit(rrdstore_errno(), "an RRD file"))
			log_err("rrd: cannot update %s: %s", se->path,
			        rrd_get_error());
		STATS_ADD(rrd_errors, n);
		se->checked = false; /* ask the file again next time */
		return 0;
	}
	se->last = se->pend[se->npend - 1].ts > se->last
	               ? se->pend[se->npend - 1].ts
	               : se->last;
	STATS_ADD(samples_written, n);
	return n;
}

size_t
rrdstore_commit(struct rrdstore *rs)
{
	struct rrdstore_series *se, *next;
	size_t written = 0;

	for (se = rs->touched; se != NULL; se = next) {
		next = se->touched_next;
		written += rrdstore_write(rs, se);
		se->npend = 0;
		se->touched = false;
		se->touched_next = NULL;
	}
	rs->touched = NULL;
	rs->ntouched = 0;
	return written;
}

size_t
rrdstore_pending_files(const struct rrdstore *rs)
{
	return rs->ntouched;
}

/*
 * rrdcached writes a file on FLUSH.  librrd 1.7.2 has no client call for
 * FLUSHALL, so every file this run wrote is flushed by name.
 */
int
rrdstore_sync(struct rrdstore *rs)
{
	struct rrdstore_series *se;
	size_t i, failed = 0;

	if (rs->cached == NULL)
		return 0;
	for (i = 0; i < rs->nbuckets; i++) {
		for (se = rs->buckets[i]; se != NULL; se = se->next) {
			if (!se->exists)
				continue;
			rrd_clear_error();
			if (rrdc_flush(se->path) != 0 && failed++ == 0)
				log_err("rrd: rrdcached cannot flush %s: %s",
				        se->path, rrd_get_error());
		}
	}
	return failed == 0 ? 0 : -1;
}

int
rrdstore_flush_for_read(const char *cached, const char *path)
{
	if (cached == NULL)
		return 0;
	rrd_clear_error();
	if (rrdc_flush_if_daemon(cached, path) != 0) {
		log_err("rrd: rrdcached cannot flush %s: %s", path,
		        rrd_get_error());
		return -1;
	}
	return 0;
}
