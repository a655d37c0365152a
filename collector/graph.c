/*
 * graph.c: device graphs rendered in-process with librrd (graph.h).
 *
 * One request: check the names (an invalid one is 404 before it can reach
 * a path), parse the time range, look the image up in the cache, else
 * render it with rrd_graph_v() writing to "-" (the image comes back in the
 * info list's "image" blob) and keep a copy.  Relative times are turned
 * into absolute ones here, never handed to librrd: its at-style parser is
 * not thread-safe (rrdthreads(1)).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <rrd.h>

#include "collector/api.h"
#include "collector/graph.h"
#include "common/log.h"
#include "common/names.h"

#define GRAPH_MAX_SPAN (20LL * 366 * 86400)
#define GRAPH_WIDTH "640"
#define GRAPH_HEIGHT "160"

struct graph_entry {
	char key[768];
	char *img;
	size_t len;
	int64_t made;  /* when rendered (monotonic seconds) */
	uint64_t used; /* LRU tick */
};

static pthread_mutex_t graph_lock = PTHREAD_MUTEX_INITIALIZER;
static struct graph_entry graph_cache[GRAPH_CACHE_N];
static uint64_t graph_tick;

static int64_t
graph_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

int
graph_parse_time(const char *s, int64_t now, int64_t *out)
{
	static const struct {
		const char *unit;
		int64_t secs;
	} units[] = {
	    {"s", 1},           {"min", 60},      {"h", 3600},
	    {"d", 86400},       {"w", 7 * 86400}, {"m", 30 * 86400},
	    {"y", 365 * 86400},
	};
	const char *p;
	int64_t n = 0;
	size_t i;

	if (s == NULL || s[0] == '\0')
		return -1;
	if (strcmp(s, "now") == 0) {
		*out = now;
		return 0;
	}
	p = s[0] == '-' ? s + 1 : s;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > GRAPH_MAX_SPAN)
			return -1;
		n = n * 10 + (*p - '0');
	}
	if (s[0] != '-') {
		/* Absolute Unix seconds, nothing after the digits. */
		if (*p != '\0' || n > now + GRAPH_MAX_SPAN)
			return -1;
		*out = n;
		return 0;
	}
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(p, units[i].unit) == 0) {
			if (n > GRAPH_MAX_SPAN / units[i].secs)
				return -1;
			*out = now - n * units[i].secs;
			return 0;
		}
	}
	return -1;
}

/*
 * Escapes ':' and '\' for an rrd_graph argument (DEF:...:file:...), so a
 * data directory with a colon in it still names the right file.
 */
static int
graph_escape(const char *in, char *out, size_t outsz)
{
	size_t o = 0;

	for (; *in != '\0'; in++) {
		if (o + 3 > outsz)
			return -1;
		if (*in == ':' || *in == '\\')
			out[o++] = '\\';
		out[o++] = *in;
	}
	out[o] = '\0';
	return 0;
}

/* The cached entry for 'key' still fresh at 'mono', or NULL.  Locked. */
static struct graph_entry *
graph_cache_find(const char *key, int64_t mono)
{
	size_t i;

	for (i = 0; i < GRAPH_CACHE_N; i++) {
		if (graph_cache[i].img != NULL &&
		    strcmp(graph_cache[i].key, key) == 0 &&
		    mono - graph_cache[i].made < GRAPH_TTL) {
			graph_cache[i].used = ++graph_tick;
			return &graph_cache[i];
		}
	}
	return NULL;
}

/* Keeps a copy of an image, in place of the least recently used.  Locked. */
static void
graph_cache_put(const char *key, const char *img, size_t len, int64_t mono)
{
	struct graph_entry *e = &graph_cache[0];
	char *copy;
	size_t i;

	for (i = 0; i < GRAPH_CACHE_N; i++) {
		if (graph_cache[i].img == NULL ||
		    strcmp(graph_cache[i].key, key) == 0) {
			e = &graph_cache[i];
			break;
		}
		if (graph_cache[i].used < e->used)
			e = &graph_cache[i];
	}
	if ((copy = malloc(len)) == NULL)
		return;
	memcpy(copy, img, len);
	free(e->img);
	snprintf(e->key, sizeof e->key, "%s", key);
	e->img = copy;
	e->len = len;
	e->made = mono;
	e->used = ++graph_tick;
}

/*
 * Renders 'file' (an .rrd of data source "value") over [start, end] as
 * PNG or SVG.  Returns a malloc'd image with its length, or NULL (logged).
 * Locked: librrd's graphing is not reentrant.
 */
static char *
graph_render(const char *file, const char *metric, const char *cached, int svg,
             int64_t start, int64_t end, size_t *len)
{
	char esc[4096 + 64], def[4200], s_start[24], s_end[24], line[200];
	char daemon[512];
	char *argv[24];
	rrd_info_t *info, *p;
	char *img = NULL;
	int argc = 0;

	if (graph_escape(file, esc, sizeof esc) == -1)
		return NULL;
	snprintf(def, sizeof def, "DEF:v=%s:value:AVERAGE", esc);
	snprintf(s_start, sizeof s_start, "%lld", (long long)start);
	snprintf(s_end, sizeof s_end, "%lld", (long long)end);
	snprintf(line, sizeof line, "LINE1:v#1f6f8b:%s", metric);
	argv[argc++] = (char *)"graphv";
	argv[argc++] = (char *)"-";
	argv[argc++] = (char *)"--start";
	argv[argc++] = s_start;
	argv[argc++] = (char *)"--end";
	argv[argc++] = s_end;
	argv[argc++] = (char *)"--imgformat";
	argv[argc++] = (char *)(svg ? "SVG" : "PNG");
	argv[argc++] = (char *)"--width";
	argv[argc++] = (char *)GRAPH_WIDTH;
	argv[argc++] = (char *)"--height";
	argv[argc++] = (char *)GRAPH_HEIGHT;
	argv[argc++] = (char *)"--slope-mode";
	if (cached != NULL) {
		snprintf(daemon, sizeof daemon, "%s", cached);
		argv[argc++] = (char *)"--daemon";
		argv[argc++] = daemon;
	}
	argv[argc++] = def;
	/*
	 * No GPRINT: librrd 1.7.2 leaks its formatted strings (~150 bytes a
	 * render); the latest values are on the page anyway.
	 */
	argv[argc++] = line;
	argv[argc] = NULL;
	optind = 0; /* librrd parses with getopt */
	opterr = 0;
	rrd_clear_error();
	if ((info = rrd_graph_v(argc, argv)) == NULL) {
		log_warn("graph: %s: %s", file, rrd_get_error());
		return NULL;
	}
	for (p = info; p != NULL; p = p->next) {
		if (p->type == RD_I_BLO && strcmp(p->key, "image") == 0 &&
		    p->value.u_blo.size > 0 &&
		    (img = malloc(p->value.u_blo.size)) != NULL) {
			memcpy(img, p->value.u_blo.ptr, p->value.u_blo.size);
			*len = p->value.u_blo.size;
			break;
		}
	}
	rrd_info_free(info);
	if (img == NULL)
		log_warn("graph: %s: no image", file);
	return img;
}

/* Splits "<metric>.png|.svg" into the metric and the format. */
static int
graph_split_name(const char *name, char *metric, size_t msz, int *svg)
{
	size_t n = strlen(name);

	if (n < 5 || n - 4 >= msz)
		return -1;
	if (strcmp(name + n - 4, ".png") == 0)
		*svg = 0;
	else if (strcmp(name + n - 4, ".svg") == 0)
		*svg = 1;
	else
		return -1;
	memcpy(metric, name, n - 4);
	metric[n - 4] = '\0';
	return name_metric_valid(metric) ? 0 : -1;
}

int
graph_handler(struct http_req *req)
{
	const char *site = http_req_param(req, 0);
	const char *device = http_req_param(req, 1);
	const char *a_start = http_req_arg(req, "start");
	const char *a_end = http_req_arg(req, "end");
	const char *dir = http_req_data_dir(req);
	char metric[NAME_METRIC_MAX + 1], file[4096], key[768];
	const char *headers[] = {"X-Graph-Cache", "hit", "Cache-Control",
	                         "private, max-age=30", NULL};
	struct graph_entry *e;
	struct stat st;
	int64_t now = (int64_t)time(NULL), rnow, start, end, mono;
	char *img;
	size_t len = 0;
	int svg, n;

	if (!name_id_valid(site) || !name_id_valid(device) ||
	    graph_split_name(http_req_param(req, 2), metric, sizeof metric,
	                     &svg) == -1 ||
	    dir == NULL)
		return http_reply_error(req, 404, "not found");
	/* Relative times from a rounded "now": one cache key per TTL. */
	rnow = now - now % GRAPH_TTL;
	if (graph_parse_time(a_start ? a_start : "-1d", rnow, &start) == -1 ||
	    graph_parse_time(a_end ? a_end : "now", rnow, &end) == -1)
		return http_reply_error(req, 400, "bad start or end");
	if (start >= end || end - start > GRAPH_MAX_SPAN)
		return http_reply_error(req, 400, "start must be before end");
	n = snprintf(file, sizeof file, "%s/rrd/%s/%s/%s.rrd", dir, site,
	             device, metric);
	if (n < 0 || (size_t)n >= sizeof file || stat(file, &st) == -1 ||
	    !S_ISREG(st.st_mode))
		return http_reply_error(req, 404, "no such series");
	snprintf(key, sizeof key, "%s|%s|%s|%s|%lld|%lld", svg ? "svg" : "png",
	         site, device, metric, (long long)start, (long long)end);

	pthread_mutex_lock(&graph_lock);
	mono = graph_mono();
	if ((e = graph_cache_find(key, mono)) != NULL) {
		if ((img = malloc(e->len)) != NULL) {
			memcpy(img, e->img, e->len);
			len = e->len;
		}
	} else {
		headers[1] = "miss";
		img = graph_render(file, metric, http_req_rrd_cached(req), svg,
		                   start, end, &len);
		if (img != NULL)
			graph_cache_put(key, img, len, mono);
	}
	pthread_mutex_unlock(&graph_lock);
	if (img == NULL)
		return http_reply_error(req, 500, "cannot render the graph");
	return http_reply_bytes(req, 200, svg ? "image/svg+xml" : "image/png",
	                        img, len, headers);
}
