/*
 * graph.h: GET /graph/<site>/<device>/<metric>.png and .svg
 * (DESIGN.md section 8, docs/dashboards.md).
 *
 * The graph of one series, rendered in-process with librrd's
 * rrd_graph_v() from DATA/rrd/<site>/<device>/<metric>.rrd (through
 * rrdcached's flush when [rrd] cached is set).  start= and end= take
 * Unix seconds, "now", or "-N<unit>" relative to now with unit s, min, h,
 * d, w, m (30 days) or y (365 days); the default is the last day.  The
 * dashboards' presets are -4h, -1d, -1w, -1m, -1y.
 *
 * Rendered images are kept in memory for GRAPH_TTL seconds under their
 * format, file and time range (relative times are rounded to GRAPH_TTL, so
 * that a page reloaded within it is served from the cache); the reply says
 * "X-Graph-Cache: hit" or "miss".  librrd's graphing keeps global state,
 * so every render and the cache are under one mutex.
 */
#ifndef PANTAU_COLLECTOR_GRAPH_H
#define PANTAU_COLLECTOR_GRAPH_H

#include <stdint.h>

struct http_req;

#define GRAPH_TTL 30     /* seconds a rendered image is reused */
#define GRAPH_CACHE_N 64 /* images kept */

/* GET /graph/:site/:device/:file, file = "<metric>.png" or ".svg". */
int graph_handler(struct http_req *req);

/*
 * Parses a start= or end= value against 'now'.  Returns 0 and the time in
 * *out, or -1 when 's' is malformed.  Exposed for the unit test.
 */
int graph_parse_time(const char *s, int64_t now, int64_t *out);

#endif
