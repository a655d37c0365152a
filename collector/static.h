/*
 * static.h: the dashboards' files (dashboards/, docs/dashboards.md), served
 * by the collector at "/" (index.html) and "/ui/<file>",
 * "/ui/<dir>/<file>".
 *
 * Only regular files with a known extension are served, from the
 * directory of [http] dashboards; a name part with anything but
 * [A-Za-z0-9_.-], or starting with '.', is not found, so no request can
 * leave that directory.  Replies carry an ETag (size and modification
 * time) and "Cache-Control: no-cache", so a browser revalidates and gets
 * 304 when nothing changed, and the pages' strict Content-Security-Policy
 * (scripts, styles and images from the same origin only).
 */
#ifndef PANTAU_COLLECTOR_STATIC_H
#define PANTAU_COLLECTOR_STATIC_H

struct http_req;

/* GET /: dashboards/index.html. */
int static_index(struct http_req *req);

/* GET /ui/:file and GET /ui/:dir/:file. */
int static_file(struct http_req *req);

/*
 * The Content-Security-Policy of the dashboard pages: everything from the
 * same origin only, no inline script or style, no eval, no framing.
 */
#define STATIC_CSP                                                             \
	"default-src 'none'; script-src 'self'; style-src 'self'; "            \
	"img-src 'self'; connect-src 'self'; form-action 'self'; "             \
	"base-uri 'none'; frame-ancestors 'none'"

#endif
