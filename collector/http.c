/*
 * http.c: the collector's HTTP server on libmicrohttpd (http.h, docs/api.md).
 *
 * libmicrohttpd runs one internal polling thread; every handler runs there,
 * one at a time, so the thread's single read-only database connection needs
 * no locking.  (Graph rendering may later want a thread pool: then each
 * pool thread gets a connection of its own.)
 *
 * A request goes: route lookup (404, 405) -> http_authorize() against the
 * route's roles (the one place authentication lives: session cookie with
 * CSRF token, HTTP Basic or bearer token, auth_check.h) -> handler -> a
 * reply with the security headers every response carries.  Request bodies
 * are collected up to HTTP_BODY_MAX for
 * the POST and PATCH endpoints still to come; a larger one closes the
 * connection.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <sqlite3.h>

#include "collector/api.h"
#include "collector/auth_check.h"
#include "collector/db.h"
#include "collector/graph.h"
#include "collector/http.h"
#include "collector/internet.h"
#include "collector/site.h"
#include "collector/static.h"
#include "collector/stats.h"
#include "common/log.h"

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_SEGMENTS 16
#define HTTP_PATH_MAX 1024
#define HTTP_BODY_MAX (1024 * 1024)
#define HTTP_PEM_MAX (1024 * 1024)
#define HTTP_CONNECTIONS 64
#define HTTP_TIMEOUT_S 30

/*
 * Every response, page or JSON, carries one strict policy: scripts,
 * styles and images only from this server (images also as data: URLs for
 * the graphs' previews), no inline script, no plugins, no framing, forms
 * only back to this server (docs/auth.md).
 */
#define HTTP_CSP_API                                                           \
	"default-src 'self'; script-src 'self'; style-src 'self'; "            \
	"img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; "    \
	"base-uri 'none'; form-action 'self'"

static int http_healthz(struct http_req *req);
static int http_metrics(struct http_req *req);

/*
 * Everything the server answers.  Roles follow DESIGN.md section 8:
 * /healthz is public, reading is open to every signed-in role.
 */
static const struct http_route http_routes[] = {
    {"GET", "/healthz", HTTP_PUBLIC, http_healthz},
    {"GET", "/metrics", HTTP_ANY_ROLE, http_metrics},
    /* Sign-in (auth_api.c): login is public, it checks the password. */
    {"POST", "/api/v1/login", HTTP_PUBLIC, api_login},
    {"POST", "/api/v1/logout", HTTP_ANY_ROLE, api_logout},
    {"GET", "/api/v1/me", HTTP_ANY_ROLE, api_me},
    {"GET", "/api/v1/users", ROLE_ADMIN, api_users_list},
    {"POST", "/api/v1/users", ROLE_ADMIN, api_user_create},
    {"PATCH", "/api/v1/users/:name", ROLE_ADMIN, api_user_update},
    {"GET", "/api/v1/audit", ROLE_ADMIN, api_audit_list},
    {"GET", "/api/v1/sites", HTTP_ANY_ROLE, api_sites_list},
    {"GET", "/api/v1/devices", HTTP_ANY_ROLE, api_devices_list},
    {"GET", "/api/v1/devices/:site/:device", HTTP_ANY_ROLE, api_device_show},
    {"GET", "/api/v1/print-jobs", HTTP_ANY_ROLE, api_print_jobs},
    /*
     * The asset register and preventive maintenance (asset_api.c,
     * pm_api.c): secretaries and admins edit assets, technicians and
     * admins work PM.
     */
    {"GET", "/api/v1/assets", HTTP_ANY_ROLE, api_assets_list},
    {"POST", "/api/v1/assets", ROLE_ADMIN | ROLE_SECRETARY, api_asset_create},
    {"GET", "/api/v1/assets/:tag", HTTP_ANY_ROLE, api_asset_show},
    {"PATCH", "/api/v1/assets/:tag", ROLE_ADMIN | ROLE_SECRETARY,
     api_asset_update},
    {"GET", "/api/v1/pm", HTTP_ANY_ROLE, api_pm_list},
    {"POST", "/api/v1/pm", ROLE_ADMIN | ROLE_TECHNICIAN, api_pm_create},
    {"POST", "/api/v1/pm/:plan/done", ROLE_ADMIN | ROLE_TECHNICIAN,
     api_pm_done},
    /* Alerts and tickets (alert_api.c): technicians and admins change. */
    {"GET", "/api/v1/alerts", HTTP_ANY_ROLE, api_alerts_list},
    {"POST", "/api/v1/alerts/:id/ack", ROLE_ADMIN | ROLE_TECHNICIAN,
     api_alert_ack},
    {"GET", "/api/v1/silences", HTTP_ANY_ROLE, api_silences_list},
    {"POST", "/api/v1/silences", ROLE_ADMIN | ROLE_TECHNICIAN, api_silence_add},
    {"DELETE", "/api/v1/silences/:id", ROLE_ADMIN | ROLE_TECHNICIAN,
     api_silence_end},
    {"GET", "/api/v1/tickets", HTTP_ANY_ROLE, api_tickets_list},
    {"POST", "/api/v1/tickets", ROLE_ADMIN | ROLE_TECHNICIAN, api_ticket_open},
    {"GET", "/api/v1/tickets/:id", HTTP_ANY_ROLE, api_ticket_show},
    {"PATCH", "/api/v1/tickets/:id", ROLE_ADMIN | ROLE_TECHNICIAN,
     api_ticket_change},
    {"GET", "/api/v1/reports/:name", HTTP_ANY_ROLE, api_report},
    {"GET", "/api/v1/internet", HTTP_ANY_ROLE, api_internet}, /* internet */
    /* The dashboards (static.c, graph.c): the pages hold no data. */
    {"GET", "/", HTTP_PUBLIC, static_index},
    {"GET", "/ui/:file", HTTP_PUBLIC, static_file},
    {"GET", "/ui/:dir/:file", HTTP_PUBLIC, static_file},
    {"GET", "/graph/:site/:device/:file", HTTP_ANY_ROLE, graph_handler},
};

struct http {
	struct MHD_Daemon *mhd;
	struct db *db;  /* read-only */
	struct db *dbw; /* writable, opened on first use (http_req_db_rw) */
	char *db_path;
	char *data_dir;
	char *dashboards_dir;
	char *rrd_cached;
	char *tls_cert_pem;
	char *tls_key_pem;
};

struct http_req {
	struct http *h;
	struct MHD_Connection *conn;
	const char *method;
	char path[HTTP_PATH_MAX]; /* split in place */
	const char *params[HTTP_MAX_PARAMS];
	size_t nparams;
	char *body;
	size_t len;
	int replied;
	unsigned role; /* set by http_authorize() */
	char user[64]; /* who signed in; "" for nobody */
};

const char *
http_req_param(const struct http_req *req, size_t i)
{
	return i < req->nparams ? req->params[i] : NULL;
}

const char *
http_req_arg(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
	                                   name);
}

const char *
http_req_header(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
http_req_data_dir(const struct http_req *req)
{
	return req->h->data_dir;
}

const char *
http_req_dashboards_dir(const struct http_req *req)
{
	return req->h->dashboards_dir;
}

const char *
http_req_rrd_cached(const struct http_req *req)
{
	return req->h->rrd_cached;
}

const char *
http_req_body(const struct http_req *req, size_t *len)
{
	*len = req->len;
	return req->body;
}

unsigned
http_req_role(const struct http_req *req)
{
	return req->role;
}

struct db *
http_req_db(const struct http_req *req)
{
	return req->h->db;
}

/*
 * The writable connection is opened on first use: most requests only
 * read.  SQLite's WAL and busy timeout serialise it with the ingest
 * thread's writer; keep its transactions short.
 */
const char *
http_req_user(const struct http_req *req)
{
	return req->user[0] != '\0' ? req->user : NULL;
}

/*
 * A handler whose COMMIT (the RELEASE of an outer savepoint) failed, for a
 * full disk say, can leave its transaction open on the writable
 * connection; the next request's changes would then be answered 200
 * without being committed, and lost at the next crash (bench/40's fault
 * campaign found an acknowledged ticket note missing this way).  The
 * failed request was answered with an error: its work is rolled back.
 */
static void
http_db_settle(const struct http_req *req, const char *method, const char *url)
{
	sqlite3 *h;

	if (req->h->dbw == NULL ||
	    sqlite3_get_autocommit(h = db_sqlite(req->h->dbw)))
		return;
	log_err("http: %s %s left a transaction open; rolled back", method,
	        url);
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
}

struct db *
http_req_db_rw(const struct http_req *req)
{
	struct http *h = req->h;
	char err[256];

	if (h->dbw == NULL &&
	    (h->dbw = db_open(h->db_path, 0, err, sizeof err)) == NULL)
		log_err("http: %s", err);
	return h->dbw;
}

const char *
http_req_db_path(const struct http_req *req)
{
	return req->h->db_path;
}

static void
http_headers(struct MHD_Response *r, const char *content_type)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy", HTTP_CSP_API);
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

/* Queues 'buf' (malloc'd, freed by libmicrohttpd) as the reply. */
static int
http_reply_buf(struct http_req *req, unsigned status, const char *content_type,
               char *buf, size_t len, const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	if (req->replied) {
		free(buf);
		return -1;
	}
	req->replied = 1;
	r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(buf);
		return -1;
	}
	http_headers(r, content_type);
	if (allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	rc = MHD_queue_response(req->conn, status, r);
	MHD_destroy_response(r);
	return rc == MHD_YES ? 0 : -1;
}

int
http_reply_bytes(struct http_req *req, unsigned status,
                 const char *content_type, char *buf, size_t len,
                 const char *const *headers)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	size_t i;

	if (req->replied) {
		free(buf);
		return -1;
	}
	req->replied = 1;
	r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(buf);
		return -1;
	}
	http_headers(r, content_type);
	for (i = 0; headers != NULL && headers[i] != NULL; i += 2) {
		const char *old = MHD_get_response_header(r, headers[i]);

		if (old != NULL)
			MHD_del_response_header(r, headers[i], old);
		MHD_add_response_header(r, headers[i], headers[i + 1]);
	}
	rc = MHD_queue_response(req->conn, status, r);
	MHD_destroy_response(r);
	return rc == MHD_YES ? 0 : -1;
}

int
http_reply_json(struct http_req *req, unsigned status, cJSON *body)
{
	char *s;

	if (body == NULL)
		return http_reply_error(req, 500, "out of memory");
	s = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
	if (s == NULL)
		return http_reply_error(req, 500, "out of memory");
	return http_reply_buf(req, status, "application/json", s, strlen(s),
	                      NULL);
}

int
http_reply_text(struct http_req *req, unsigned status, const char *content_type,
                const char *body, size_t len)
{
	char *copy;

	if ((copy = malloc(len ? len : 1)) == NULL)
		return -1;
	memcpy(copy, body, len);
	return http_reply_buf(req, status, content_type, copy, len, NULL);
}

/* An error body, built by hand so it works when cJSON cannot allocate. */
static int
http_reply_error_allow(struct http_req *req, unsigned status,
                       const char *message, const char *allow)
{
	cJSON *o;
	char *s = NULL;

	if ((o = cJSON_CreateObject()) != NULL &&
	    cJSON_AddStringToObject(o, "error", message) != NULL &&
	    cJSON_AddNumberToObject(o, "status", status) != NULL)
		s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL && (s = strdup("{\"error\":\"out of memory\"}")) == NULL)
		return -1;
	return http_reply_buf(req, status, "application/json", s, strlen(s),
	                      allow);
}

int
http_reply_error(struct http_req *req, unsigned status, const char *message)
{
	return http_reply_error_allow(req, status, message, NULL);
}

static int
http_healthz(struct http_req *req)
{
	return http_reply_text(req, 200, "text/plain; charset=utf-8", "ok\n",
	                       3);
}

static int
http_metrics(struct http_req *req)
{
	char *s;

	if ((s = stats_prometheus()) == NULL)
		return http_reply_error(req, 500, "out of memory");
	return http_reply_buf(req, 200,
	                      "text/plain; version=0.0.4; charset=utf-8", s,
	                      strlen(s), NULL);
}

/*
 * The client's numeric address, "?" when libmicrohttpd cannot tell: the
 * key of the sign-in rate limit and what the log and audit log show.
 */
void
http_req_client(const struct http_req *req, char *buf, size_t bufsz)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	const void *a = NULL;

	snprintf(buf, bufsz, "?");
	ci = MHD_get_connection_info(req->conn,
	                             MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (a == NULL ||
	    inet_ntop(sa->sa_family, a, buf, (socklen_t)bufsz) == NULL)
		snprintf(buf, bufsz, "?");
}

int
http_req_tls(const struct http_req *req)
{
	return req->h->tls_cert_pem != NULL;
}

const char *
http_req_cookie(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *
http_req_method(const struct http_req *req)
{
	return req->method;
}

const struct http_route *
http_route_table(size_t *n)
{
	*n = sizeof http_routes / sizeof http_routes[0];
	return http_routes;
}

/* Collects one field for http_req_form() from libmicrohttpd's parser. */
struct http_form {
	const char *name;
	char *buf;
	size_t bufsz;
	size_t len;
	int found;
	int overflow;
};

static enum MHD_Result
http_form_field(void *cls, enum MHD_ValueKind kind, const char *key,
                const char *filename, const char *content_type,
                const char *transfer_encoding, const char *data, uint64_t off,
                size_t size)
{
	struct http_form *f = cls;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	(void)off;
	if (strcmp(key, f->name) != 0)
		return MHD_YES;
	f->found = 1;
	if (f->len + size >= f->bufsz) {
		f->overflow = 1;
		return MHD_NO;
	}
	memcpy(f->buf + f->len, data, size);
	f->len += size;
	f->buf[f->len] = '\0';
	return MHD_YES;
}

int
http_req_form(struct http_req *req, const char *name, char *buf, size_t bufsz)
{
	struct http_form f = {name, buf, bufsz, 0, 0, 0};
	struct MHD_PostProcessor *pp;

	if (bufsz == 0)
		return -1;
	buf[0] = '\0';
	if (req->body == NULL ||
	    (pp = MHD_create_post_processor(req->conn, 1024, http_form_field,
	                                    &f)) == NULL)
		return -1;
	MHD_post_process(pp, req->body, req->len);
	MHD_destroy_post_processor(pp);
	if (!f.found || f.overflow) {
		explicit_bzero(buf, bufsz);
		return -1;
	}
	return 0;
}

/*
 * Answers a refused request: the JSON error, with the Basic challenge for
 * script clients and Retry-After when rate limited.
 */
static int
http_reply_denied(struct http_req *req, const struct auth_out *out)
{
	const char *hdrs[5];
	char retry[24];
	cJSON *o;
	char *s = NULL;
	size_t n = 0;

	if ((o = cJSON_CreateObject()) != NULL &&
	    cJSON_AddStringToObject(o, "error", out->message) != NULL &&
	    cJSON_AddNumberToObject(o, "status", out->status) != NULL)
		s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL)
		return http_reply_error(req, out->status, out->message);
	if (out->challenge) {
		hdrs[n++] = MHD_HTTP_HEADER_WWW_AUTHENTICATE;
		hdrs[n++] = "Basic realm=\"" AUTH_REALM "\", charset=\"UTF-8\"";
	}
	if (out->status == 429) {
		snprintf(retry, sizeof retry, "%u", out->retry_after);
		hdrs[n++] = MHD_HTTP_HEADER_RETRY_AFTER;
		hdrs[n++] = retry;
	}
	hdrs[n] = NULL;
	return http_reply_bytes(req, out->status, "application/json", s,
	                        strlen(s), hdrs);
}

/* The token of "Authorization: Bearer TOKEN", or NULL. */
static const char *
http_bearer(const char *authz)
{
	if (authz == NULL || strncasecmp(authz, "Bearer ", 7) != 0)
		return NULL;
	authz += 7;
	while (*authz == ' ')
		authz++;
	return authz;
}

/*
 * The single authorisation hook (auth_check.h has the rules): gathers
 * what the request says about its caller, asks auth_check(), and either
 * records the caller in req (role, name for the audit log) or answers
 * 401, 403, 429 or 500 itself.  Public routes pass untouched.  Returns 0
 * to go on, -1 when it has replied.
 */
static int
http_authorize(struct http_req *req, const struct http_route *route)
{
	struct auth_in in;
	struct auth_out out;
	char client[64], *buser = NULL, *bpass = NULL;
	const char *authz;
	int rc;

	req->role = 0;
	req->user[0] = '\0';
	if (route->roles == HTTP_PUBLIC)
		return 0;
	memset(&in, 0, sizeof in);
	in.method = req->method;
	in.cookie = http_req_cookie(req, AUTH_COOKIE);
	authz = http_req_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	in.authorization = authz != NULL;
	if ((in.bearer = http_bearer(authz)) == NULL && authz != NULL &&
	    strncasecmp(authz, "Basic ", 6) == 0)
		buser = MHD_basic_auth_get_username_password(req->conn, &bpass);
	in.basic_user = buser;
	in.basic_pass = bpass;
	in.csrf = http_req_header(req, "X-CSRF-Token");
	in.fetch_site = http_req_header(req, "Sec-Fetch-Site");
	in.browser = in.cookie != NULL ||
	             http_req_header(req, "Sec-Fetch-Mode") != NULL ||
	             http_req_header(req, "X-Requested-With") != NULL;
	http_req_client(req, client, sizeof client);
	in.client = client;
	in.roles = route->roles;
	in.now = (int64_t)time(NULL);
	rc = auth_check(http_req_db_rw(req), &in, &out);
	if (bpass != NULL) {
		explicit_bzero(bpass, strlen(bpass));
		MHD_free(bpass);
	}
	if (buser != NULL)
		MHD_free(buser);
	if (rc == -1) {
		http_reply_denied(req, &out);
		return -1;
	}
	req->role = out.role;
	snprintf(req->user, sizeof req->user, "%s", out.user);
	return 0;
}

/*
 * Splits req->path into segments and matches them against 'pattern',
 * collecting the ":name" parts.  Returns 1 on a match.
 */
static int
http_match(struct http_req *req, char *const *segs, size_t nsegs,
           const char *pattern)
{
	char pat[HTTP_PATH_MAX], *save = NULL, *p;
	size_t i = 0;

	snprintf(pat, sizeof pat, "%s", pattern);
	req->nparams = 0;
	for (p = strtok_r(pat, "/", &save); p != NULL;
	     p = strtok_r(NULL, "/", &save), i++) {
		if (i >= nsegs)
			return 0;
		if (p[0] == ':') {
			if (req->nparams == HTTP_MAX_PARAMS)
				return 0;
			req->params[req->nparams++] = segs[i];
		} else if (strcmp(p, segs[i]) != 0) {
			return 0;
		}
	}
	return i == nsegs;
}

/*
 * Splits a path on '/'.  Empty segments ("//", a trailing '/') are kept as
 * "" so that no pattern matches them.  Returns the count, or -1 when there
 * are too many or the path does not start with '/'.
 */
static int
http_split(char *path, char **segs)
{
	size_t n = 0;
	char *p = path, *slash;

	if (*p++ != '/')
		return -1;
	if (*p == '\0')
		return 0;
	for (;;) {
		if (n == HTTP_MAX_SEGMENTS)
			return -1;
		segs[n++] = p;
		if ((slash = strchr(p, '/')) == NULL)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	return (int)n;
}

/*
 * Adds 'method' to the Allow list being built in 'allow' (GET brings HEAD
 * along, as the server answers both).
 */
static void
http_allow_add(char *allow, size_t allowsz, const char *method)
{
	size_t len;

	if (strstr(allow, method) != NULL)
		return;
	if (strcmp(method, "GET") == 0)
		http_allow_add(allow, allowsz, "HEAD");
	len = strlen(allow);
	snprintf(allow + len, allowsz - len, "%s%s", len ? ", " : "", method);
}

static int
http_dispatch(struct http_req *req, const char *url)
{
	const struct http_route *route = NULL;
	char *segs[HTTP_MAX_SEGMENTS];
	char allow[64] = "";
	const char *method = req->method;
	int nsegs, r;
	size_t i;

	if (strlen(url) >= sizeof req->path)
		return http_reply_error(req, 414, "URI too long");
	snprintf(req->path, sizeof req->path, "%s", url);
	if ((nsegs = http_split(req->path, segs)) == -1)
		return http_reply_error(req, 404, "not found");
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (i = 0; i < sizeof http_routes / sizeof http_routes[0]; i++) {
		if (!http_match(req, segs, (size_t)nsegs,
		                http_routes[i].pattern))
			continue;
		if (strcmp(http_routes[i].method, method) == 0) {
			route = &http_routes[i];
			break;
		}
		http_allow_add(allow, sizeof allow, http_routes[i].method);
	}
	if (route == NULL && allow[0] != '\0')
		return http_reply_error_allow(req, 405, "method not allowed",
		                              allow);
	if (route == NULL)
		return http_reply_error(req, 404, "not found");
	if (http_authorize(req, route) == -1)
		return 0;
	r = route->handler(req);
	http_db_settle(req, method, url);
	if (r == -1 && !req->replied)
		return http_reply_error(req, 500, "internal error");
	return 0;
}

static enum MHD_Result
http_access(void *cls, struct MHD_Connection *conn, const char *url,
            const char *method, const char *version, const char *upload,
            size_t *upload_size, void **con_cls)
{
	struct http_req *req = *con_cls;
	char *p;

	(void)version;
	if (req == NULL) {
		if ((req = calloc(1, sizeof *req)) == NULL)
			return MHD_NO;
		req->h = cls;
		req->conn = conn;
		req->method = method;
		*con_cls = req;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		/* Too large: drop the connection rather than read on. */
		if (req->len + *upload_size > HTTP_BODY_MAX ||
		    (p = realloc(req->body, req->len + *upload_size + 1)) ==
		        NULL)
			return MHD_NO;
		req->body = p;
		memcpy(req->body + req->len, upload, *upload_size);
		req->len += *upload_size;
		req->body[req->len] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}
	if (req->replied)
		return MHD_YES;
	return http_dispatch(req, url) == 0 ? MHD_YES : MHD_NO;
}

static void
http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
               enum MHD_RequestTerminationCode toe)
{
	struct http_req *req = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (req == NULL)
		return;
	free(req->body);
	free(req);
	*con_cls = NULL;
}

/*
 * %-decodes a path or query argument in place, as libmicrohttpd would,
 * except that a string containing "%00" is left as it is: a decoded NUL
 * would cut "pc-01%00x" to "pc-01" and let two names reach one resource.
 * Left encoded, it fails name validation.  Returns the new length.
 */
static size_t
http_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	if (strstr(s, "%00") != NULL)
		return strlen(s);
	return MHD_http_unescape(s);
}

/* libmicrohttpd's messages, which end in a newline of their own. */
static void
http_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_warn("http: %s", msg);
}

int
http_listen_parse(const char *listen, void *addr, size_t addrsz,
                  unsigned *addrlen, char *err, size_t errsz)
{
	struct sockaddr_in *sin = addr;
	struct sockaddr_in6 *sin6 = addr;
	char host[64];
	const char *colon, *h = listen;
	size_t hlen;
	long port;
	char *end;

	if (addrsz < sizeof(struct sockaddr_storage))
		goto fail;
	if (listen[0] == '[') {
		if ((colon = strstr(listen, "]:")) == NULL)
			goto fail;
		h = listen + 1;
		hlen = (size_t)(colon - h);
		colon++;
	} else {
		if ((colon = strrchr(listen, ':')) == NULL)
			goto fail;
		hlen = (size_t)(colon - h);
	}
	if (hlen == 0 || hlen >= sizeof host)
		goto fail;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno || port < 0 ||
	    port > 65535)
		goto fail;
	memset(addr, 0, addrsz);
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*addrlen = sizeof *sin;
		return 0;
	}
	/* IPv6 only in brackets, so that the last ':' is never ambiguous. */
	if (h != listen && inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*addrlen = sizeof *sin6;
		return 0;
	}
fail:
	snprintf(err, errsz,
	         "listen '%s': expected ADDRESS:PORT with a "
	         "numeric address, e.g. 127.0.0.1:8080 or [::1]:8080",
	         listen);
	return -1;
}

/* Reads a PEM file into a NUL-terminated malloc'd string. */
static char *
http_read_pem(const char *path, char *err, size_t errsz)
{
	FILE *f;
	char *buf = NULL;
	size_t n;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(HTTP_PEM_MAX + 1)) == NULL) {
		snprintf(err, errsz, "%s: out of memory", path);
		goto out;
	}
	n = fread(buf, 1, HTTP_PEM_MAX + 1, f);
	if (ferror(f) || n == 0 || n > HTTP_PEM_MAX) {
		snprintf(err, errsz, "%s: %s", path,
		         ferror(f) ? strerror(errno)
		         : n       ? "too large"
		                   : "empty");
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
out:
	fclose(f);
	return buf;
}

struct http *
http_start(const struct http_config *cfg, char *err, size_t errsz)
{
	struct sockaddr_storage ss;
	struct MHD_OptionItem opts[12];
	struct http *h;
	const char *listen = cfg->listen ? cfg->listen : HTTP_LISTEN_DEFAULT;
	unsigned flags, addrlen, port;
	size_t o = 0;

	if (http_listen_parse(listen, &ss, sizeof ss, &addrlen, err, errsz) ==
	    -1)
		return NULL;
	if ((h = calloc(1, sizeof *h)) == NULL) {
		snprintf(err, errsz, "http: out of memory");
		return NULL;
	}
	if (cfg->data_dir != NULL &&
	    (h->data_dir = strdup(cfg->data_dir)) == NULL) {
		snprintf(err, errsz, "http: out of memory");
		goto fail;
	}
	if ((cfg->dashboards_dir != NULL &&
	     (h->dashboards_dir = strdup(cfg->dashboards_dir)) == NULL) ||
	    (cfg->rrd_cached != NULL &&
	     (h->rrd_cached = strdup(cfg->rrd_cached)) == NULL)) {
		snprintf(err, errsz, "http: out of memory");
		goto fail;
	}
	if ((h->db = db_open(cfg->db_path, 1, err, errsz)) == NULL)
		goto fail;
	if ((h->db_path = strdup(cfg->db_path)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	flags =
	    MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL)) {
		snprintf(err, errsz, "http: tls_cert and tls_key go together");
		goto fail;
	}
	if (cfg->tls_cert != NULL) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(err, errsz,
			         "http: libmicrohttpd was built "
			         "without TLS");
			goto fail;
		}
		if ((h->tls_cert_pem =
		         http_read_pem(cfg->tls_cert, err, errsz)) == NULL ||
		    (h->tls_key_pem =
		         http_read_pem(cfg->tls_key, err, errsz)) == NULL)
			goto fail;
		flags |= MHD_USE_TLS;
		opts[o++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT,
		                                    0, h->tls_cert_pem};
		opts[o++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0,
		                                    h->tls_key_pem};
	}
	opts[o++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss};
	opts[o++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT,
	                                    HTTP_CONNECTIONS, NULL};
	opts[o++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
	                                    HTTP_TIMEOUT_S, NULL};
	opts[o++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	port = ss.ss_family == AF_INET6
	           ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
	           : ntohs(((struct sockaddr_in *)&ss)->sin_port);
	h->mhd =
	    MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, http_access, h,
	                     MHD_OPTION_EXTERNAL_LOGGER, http_log, NULL,
	                     MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
	                     MHD_OPTION_UNESCAPE_CALLBACK, http_unescape, NULL,
	                     MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (h->mhd == NULL) {
		snprintf(err, errsz,
		         "http: cannot serve on %s (address in "
		         "use, or a bad certificate or key)",
		         listen);
		goto fail;
	}
	return h;

fail:
	http_stop(h);
	return NULL;
}

void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	if (h->mhd != NULL)
		MHD_stop_daemon(h->mhd);
	db_close(h->db);
	db_close(h->dbw);
	free(h->db_path);
	free(h->data_dir);
	free(h->dashboards_dir);
	free(h->rrd_cached);
	free(h->tls_cert_pem);
	free(h->tls_key_pem);
	free(h);
}

unsigned
http_port(const struct http *h)
{
	const union MHD_DaemonInfo *info;

	if (h == NULL || h->mhd == NULL)
		return 0;
	info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_BIND_PORT);
	return info ? info->port : 0;
}
