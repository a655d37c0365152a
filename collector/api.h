/*
 * api.h: what an HTTP endpoint sees of a request, and the endpoints.
 *
 * http.c owns the server, routing and authorisation, and implements the
 * http_req_* and http_reply_* functions below; api.c (and later
 * alert/ticket/asset/graph endpoints) implements handlers against them
 * without touching libmicrohttpd.  A handler runs in the HTTP thread, reads
 * the database through http_req_db() (the thread's read-only connection),
 * and answers exactly once with one of the http_reply_* calls.
 */
#ifndef PANTAU_COLLECTOR_API_H
#define PANTAU_COLLECTOR_API_H

#include <stddef.h>

struct cJSON;
struct db;
struct http_req;

/*
 * Roles of DESIGN.md section 8, as bits: a route lists the roles allowed
 * to use it.  HTTP_PUBLIC (no bit) means no authentication at all.
 */
enum http_role {
	ROLE_ADMIN = 1 << 0,
	ROLE_TECHNICIAN = 1 << 1,
	ROLE_SECRETARY = 1 << 2,
	ROLE_VIEWER = 1 << 3,
};
#define HTTP_PUBLIC 0u
#define HTTP_ANY_ROLE                                                          \
	(ROLE_ADMIN | ROLE_TECHNICIAN | ROLE_SECRETARY | ROLE_VIEWER)

/*
 * One entry of the route table in http.c.  'pattern' is a path whose
 * segments are literals or ":name" placeholders, which the handler reads
 * in order with http_req_param().  A GET route also answers HEAD.
 */
struct http_route {
	const char *method;
	const char *pattern;
	unsigned roles; /* HTTP_PUBLIC or a mask of enum http_role */
	int (*handler)(struct http_req *req);
};

/* The i-th ":name" segment of the matched route (already %-decoded). */
const char *http_req_param(const struct http_req *req, size_t i);

/* A query argument ("site" of ?site=x), or NULL when absent. */
const char *http_req_arg(const struct http_req *req, const char *name);

/*
 * The request body (POST, PATCH), NUL-terminated, at most 1 MiB; NULL with
 * *len 0 when there is none.  Owned by the request.
 */
const char *http_req_body(const struct http_req *req, size_t *len);

/* The caller's role bit, as found by the authorisation hook. */
unsigned http_req_role(const struct http_req *req);

/*
 * The signed-in user's name (the actor of the audit log and of ticket
 * notes), as found by the authorisation hook; NULL for nobody.
 */
const char *http_req_user(const struct http_req *req);

/* The database file, for modules with their own read-only connection. */
const char *http_req_db_path(const struct http_req *req);

/* The HTTP thread's read-only database connection. */
struct db *http_req_db(const struct http_req *req);

/*
 * The HTTP thread's writable connection (tickets, assets, sessions, the
 * audit log), opened on first use; NULL when it cannot be opened (logged):
 * answer 500.
 */
struct db *http_req_db_rw(const struct http_req *req);

/*
 * Replies.  Each returns 0, or -1 when the reply could not be queued (the
 * connection is then closed).  http_reply_json takes ownership of 'body'
 * and frees it; http_reply_text copies 'body'.  http_reply_error sends
 * {"error": message, "status": status}.
 */
int http_reply_json(struct http_req *req, unsigned status, struct cJSON *body);
int http_reply_text(struct http_req *req, unsigned status,
                    const char *content_type, const char *body, size_t len);
int http_reply_error(struct http_req *req, unsigned status,
                     const char *message);

/* A request header ("If-None-Match"), or NULL when absent. */
const char *http_req_header(const struct http_req *req, const char *name);

/*
 * The server's directories and rrdcached address (http_config): DATA, the
 * dashboards' files, "unix:/path" or NULL.  NULL when not configured.
 */
const char *http_req_data_dir(const struct http_req *req);
const char *http_req_dashboards_dir(const struct http_req *req);
const char *http_req_rrd_cached(const struct http_req *req);

/*
 * Replies with 'buf' (malloc'd or NULL with len 0; ownership taken) as
 * 'content_type'.  'headers' is NULL or a NULL-terminated list of name,
 * value pairs that replace the default headers of the same name
 * (Cache-Control, Content-Security-Policy) or add to them (ETag).
 */
int http_reply_bytes(struct http_req *req, unsigned status,
                     const char *content_type, char *buf, size_t len,
                     const char *const *headers);

/*
 * For sign-in (auth_api.c): the client's numeric address into buf ("?"
 * when unknown); 1 when served over HTTPS; a cookie's value or NULL; the
 * request method; a field of a form body (application/x-www-form-urlencoded
 * or multipart), decoded into buf: 0, or -1 when absent or longer than
 * bufsz - 1.
 */
void http_req_client(const struct http_req *req, char *buf, size_t bufsz);
int http_req_tls(const struct http_req *req);
const char *http_req_cookie(const struct http_req *req, const char *name);
const char *http_req_method(const struct http_req *req);
int http_req_form(struct http_req *req, const char *name, char *buf,
                  size_t bufsz);

/*
 * http.c's route table, for tools and tests that must cover every route
 * (tests/tools/http-routes.c).  *n is set to its length.
 */
const struct http_route *http_route_table(size_t *n);

/*
 * auth_api.c: sign-in and administration (docs/auth.md): POST login and
 * logout, GET me; users (admin): GET and POST /api/v1/users, PATCH
 * /api/v1/users/:name; GET /api/v1/audit (admin).
 */
int api_login(struct http_req *req);
int api_logout(struct http_req *req);
int api_me(struct http_req *req);
int api_users_list(struct http_req *req);
int api_user_create(struct http_req *req);
int api_user_update(struct http_req *req);
int api_audit_list(struct http_req *req);

/* api.c: /api/v1/ endpoints.  Each returns as the http_reply_* call. */
int api_devices_list(struct http_req *req);
int api_device_show(struct http_req *req);
int api_print_jobs(struct http_req *req);

/* report_api.c: GET /api/v1/reports/:name (docs/reports.md). */
int api_report(struct http_req *req);

/*
 * alert_api.c: alerts, silences and tickets (docs/api.md).  Reading for
 * every role; acknowledging, silencing and changing tickets for admin and
 * technician.
 */
int api_alerts_list(struct http_req *req);
int api_alert_ack(struct http_req *req);
int api_silences_list(struct http_req *req);
int api_silence_add(struct http_req *req);
int api_silence_end(struct http_req *req);
int api_tickets_list(struct http_req *req);
int api_ticket_open(struct http_req *req);
int api_ticket_show(struct http_req *req);
int api_ticket_change(struct http_req *req);

/*
 * asset_api.c: the register (docs/assets.md): GET list (site, type,
 * funding, condition, q, disposed filters), GET one, POST, PATCH.
 */
int api_assets_list(struct http_req *req);
int api_asset_show(struct http_req *req);
int api_asset_create(struct http_req *req);
int api_asset_update(struct http_req *req);

/* pm_api.c: preventive maintenance (docs/pm.md): GET plans and due list,
 * POST a plan, POST PLAN/done. */
int api_pm_list(struct http_req *req);
int api_pm_create(struct http_req *req);
int api_pm_done(struct http_req *req);

#endif
