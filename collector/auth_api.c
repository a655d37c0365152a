/*
 * auth_api.c: sign-in, the caller, users and the audit log over HTTP
 * (docs/auth.md, routes in http.c).
 *
 * POST /api/v1/login takes {"user", "password"} as JSON or as a form and
 * answers with the session cookie (HttpOnly, SameSite=Strict, Path=/, and
 * Secure over HTTPS) and the session's CSRF token in the body; the UI keeps
 * the token in memory and sends it as X-CSRF-Token.  The user endpoints
 * and the audit log are for admins (the route table says so); every change
 * they make is written to the audit log with the caller as actor.
 * Passwords are wiped from memory once hashed or checked.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "collector/api.h"
#include "collector/audit.h"
#include "collector/auth_check.h"
#include "collector/session.h"
#include "collector/user.h"
#include "common/conf.h"
#include "common/log.h"
#include "common/timeutil.h"

#define AUTH_API_LIMIT_MAX 10000

/* A JSON error with extra headers (NULL-terminated name, value pairs). */
static int
auth_api_error(struct http_req *req, unsigned status, const char *message,
               const char *const *headers)
{
	cJSON *o;
	char *s = NULL;

	if ((o = cJSON_CreateObject()) != NULL &&
	    cJSON_AddStringToObject(o, "error", message) != NULL &&
	    cJSON_AddNumberToObject(o, "status", status) != NULL)
		s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL)
		return http_reply_error(req, 500, "out of memory");
	return http_reply_bytes(req, status, "application/json", s, strlen(s),
	                        headers);
}

static int
auth_api_json(struct http_req *req, unsigned status, cJSON *o,
              const char *const *headers)
{
	char *s;

	if (o == NULL)
		return http_reply_error(req, 500, "out of memory");
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL)
		return http_reply_error(req, 500, "out of memory");
	return http_reply_bytes(req, status, "application/json", s, strlen(s),
	                        headers);
}

/* The request body as a JSON object, or NULL (and a 400 sent). */
static cJSON *
auth_api_body(struct http_req *req)
{
	size_t len;
	const char *body = http_req_body(req, &len);
	cJSON *o = NULL;

	if (body != NULL && (o = cJSON_ParseWithLength(body, len)) != NULL &&
	    cJSON_IsObject(o))
		return o;
	cJSON_Delete(o);
	http_reply_error(req, 400, "expected a JSON object");
	return NULL;
}

/* A string member, or NULL when absent or not a string. */
static const char *
auth_api_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Overwrites a cJSON string in place before it is freed. */
static void
auth_api_wipe(cJSON *o, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (cJSON_IsString(v) && v->valuestring != NULL)
		explicit_bzero(v->valuestring, strlen(v->valuestring));
}

static int
auth_api_is_json(struct http_req *req)
{
	const char *ct = http_req_header(req, "Content-Type");

	return ct != NULL && strncasecmp(ct, "application/json", 16) == 0;
}

/* The Set-Cookie value for the session (or, with id NULL, its removal). */
static void
auth_api_cookie(struct http_req *req, const char *id, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz,
	         "%s=%s; Path=/; HttpOnly; SameSite=Strict; "
	         "Max-Age=%d%s",
	         AUTH_COOKIE, id ? id : "", id ? SESSION_MAX_S : 0,
	         http_req_tls(req) ? "; Secure" : "");
}

int
api_login(struct http_req *req)
{
	char user[AUTH_NAME_MAX + 2], pw[AUTH_PASSWORD_MAX + 2];
	char client[64], id[AUTH_SECRET_HEX + 1], cookie[256], retry[24];
	const char *site = http_req_header(req, "Sec-Fetch-Site");
	const char *hdrs[5] = {NULL};
	struct auth_out out;
	cJSON *o, *doc;
	int64_t now = (int64_t)time(NULL);
	int rc;

	/* a page elsewhere must not sign the browser in (login CSRF) */
	if (site != NULL && strcmp(site, "cross-site") == 0)
		return http_reply_error(req, 403, "cross-site sign-in refused");
	user[0] = pw[0] = '\0';
	if (auth_api_is_json(req)) {
		if ((o = auth_api_body(req)) == NULL)
			return 0;
		snprintf(user, sizeof user, "%s",
		         auth_api_str(o, "user") ? auth_api_str(o, "user")
		                                 : "");
		snprintf(pw, sizeof pw, "%s",
		         auth_api_str(o, "password")
		             ? auth_api_str(o, "password")
		             : "");
		auth_api_wipe(o, "password");
		cJSON_Delete(o);
	} else if (http_req_form(req, "user", user, sizeof user) == -1 ||
	           http_req_form(req, "password", pw, sizeof pw) == -1) {
		user[0] = pw[0] = '\0';
	}
	http_req_client(req, client, sizeof client);
	rc = auth_login(http_req_db_rw(req), user, pw, client, now, id, &out);
	explicit_bzero(pw, sizeof pw);
	if (rc == -1) {
		if (out.status == 429) {
			snprintf(retry, sizeof retry, "%u", out.retry_after);
			hdrs[0] = "Retry-After";
			hdrs[1] = retry;
		}
		return auth_api_error(req, out.status, out.message, hdrs);
	}
	auth_api_cookie(req, id, cookie, sizeof cookie);
	explicit_bzero(id, sizeof id);
	hdrs[0] = "Set-Cookie";
	hdrs[1] = cookie;
	if ((doc = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(doc, "user", out.user) == NULL ||
	    cJSON_AddStringToObject(doc, "role", auth_role_name(out.role)) ==
	        NULL ||
	    cJSON_AddStringToObject(doc, "csrf", out.csrf) == NULL ||
	    cJSON_AddNumberToObject(doc, "expires",
	                            (double)(now + SESSION_MAX_S)) == NULL) {
		cJSON_Delete(doc);
		doc = NULL;
	}
	rc = auth_api_json(req, 200, doc, hdrs);
	explicit_bzero(cookie, sizeof cookie);
	return rc;
}

int
api_logout(struct http_req *req)
{
	const char *id = http_req_cookie(req, AUTH_COOKIE);
	const char *hdrs[3] = {"Set-Cookie", NULL, NULL};
	char cookie[256], obj[AUTH_NAME_MAX + 16];
	struct db *db = http_req_db_rw(req);
	cJSON *doc;

	if (db == NULL)
		return http_reply_error(req, 500, "database not available");
	if (id != NULL) {
		if (session_delete(db, id) == -1)
			return http_reply_error(req, 500, "database error");
		snprintf(obj, sizeof obj, "user/%s", http_req_user(req));
		audit_log(db, http_req_user(req), "logout", obj, "",
		          (int64_t)time(NULL));
	}
	auth_api_cookie(req, NULL, cookie, sizeof cookie);
	hdrs[1] = cookie;
	doc = cJSON_CreateObject();
	if (doc != NULL && cJSON_AddBoolToObject(doc, "ok", 1) == NULL) {
		cJSON_Delete(doc);
		doc = NULL;
	}
	return auth_api_json(req, 200, doc, hdrs);
}

int
api_me(struct http_req *req)
{
	const char *user = http_req_user(req);
	const char *id = http_req_cookie(req, AUTH_COOKIE);
	const char *via = "basic";
	struct session s;
	cJSON *doc;
	int have = 0;

	if (user == NULL)
		return http_reply_error(req, 401, "sign-in required");
	if (strncmp(user, "token:", 6) == 0) {
		via = "token";
	} else if (http_req_header(req, "Authorization") == NULL &&
	           id != NULL &&
	           session_lookup(http_req_db_rw(req), id, (int64_t)time(NULL),
	                          &s) == 1) {
		via = "session";
		have = 1;
	}
	if ((doc = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(doc, "user", user) == NULL ||
	    cJSON_AddStringToObject(
	        doc, "role", auth_role_name(http_req_role(req))) == NULL ||
	    cJSON_AddStringToObject(doc, "via", via) == NULL ||
	    (have ? cJSON_AddStringToObject(doc, "csrf", s.csrf)
	          : cJSON_AddNullToObject(doc, "csrf")) == NULL) {
		cJSON_Delete(doc);
		doc = NULL;
	}
	return auth_api_json(req, 200, doc, NULL);
}

/* Adds 'v' as a number, or null when 0 (never). */
static cJSON *
auth_api_time(cJSON *o, const char *key, int64_t v)
{
	return v ? cJSON_AddNumberToObject(o, key, (double)v)
	         : cJSON_AddNullToObject(o, key);
}

static cJSON *
auth_api_user_json(const struct user *u)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "name", u->name) == NULL ||
	    cJSON_AddStringToObject(o, "role",
	                            auth_role_name(u->role)
	                                ? auth_role_name(u->role)
	                                : "") == NULL ||
	    cJSON_AddBoolToObject(o, "disabled", u->disabled) == NULL ||
	    auth_api_time(o, "created", u->created) == NULL ||
	    auth_api_time(o, "updated", u->updated) == NULL ||
	    auth_api_time(o, "last_login", u->last_login) == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int
api_users_list(struct http_req *req)
{
	struct user *v;
	size_t n, i;
	cJSON *doc, *arr, *o;

	if (user_list(http_req_db(req), &v, &n) == -1)
		return http_reply_error(req, 500, "database error");
	if ((doc = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(doc, "users")) == NULL)
		goto oom;
	for (i = 0; i < n; i++) {
		if ((o = auth_api_user_json(&v[i])) == NULL)
			goto oom;
		cJSON_AddItemToArray(arr, o);
	}
	if (cJSON_AddNumberToObject(doc, "count", (double)n) == NULL)
		goto oom;
	free(v);
	return http_reply_json(req, 200, doc);
oom:
	free(v);
	cJSON_Delete(doc);
	return http_reply_error(req, 500, "out of memory");
}

/* Replies with the stored user 'name' (after a change) at 'status'. */
static int
auth_api_user_reply(struct http_req *req, struct db *db, const char *name,
                    unsigned status)
{
	struct user u;

	if (user_get(db, name, &u, NULL, 0) != USER_OK)
		return http_reply_error(req, 500, "database error");
	return http_reply_json(req, status, auth_api_user_json(&u));
}

int
api_user_create(struct http_req *req)
{
	struct db *db = http_req_db_rw(req);
	char hash[AUTH_HASH_MAX + 1], err[128], obj[AUTH_NAME_MAX + 6],
	    detail[64];
	const char *name, *rname, *pw;
	unsigned role;
	cJSON *o;
	int rc;

	if (db == NULL)
		return http_reply_error(req, 500, "database not available");
	if ((o = auth_api_body(req)) == NULL)
		return 0;
	name = auth_api_str(o, "name");
	rname = auth_api_str(o, "role");
	pw = auth_api_str(o, "password");
	if (!auth_name_valid(name)) {
		rc = http_reply_error(req, 400,
		                      "bad name: 1 to 32 of A-Z a-z 0-9 . _ -");
		goto out;
	}
	if (auth_role_parse(rname, &role) == -1) {
		rc = http_reply_error(req, 400,
		                      "bad role: admin, technician, secretary "
		                      "or viewer");
		goto out;
	}
	if (pw == NULL || auth_password_check(pw, err, sizeof err) == -1) {
		rc = http_reply_error(req, 400, pw ? err : "password required");
		goto out;
	}
	if (auth_password_hash(pw, 0, hash, sizeof hash) == -1) {
		rc = http_reply_error(req, 500, "cannot hash the password");
		goto out;
	}
	rc = user_add(db, name, role, hash, (int64_t)time(NULL));
	if (rc == USER_EXISTS) {
		rc = http_reply_error(req, 409, "a user of that name exists");
		goto out;
	}
	if (rc != USER_OK) {
		rc = http_reply_error(req, 500, "database error");
		goto out;
	}
	snprintf(obj, sizeof obj, "user/%s", name);
	snprintf(detail, sizeof detail, "role %s", rname);
	audit_log(db, http_req_user(req), "user.create", obj, detail,
	          (int64_t)time(NULL));
	rc = auth_api_user_reply(req, db, name, 201);
out:
	auth_api_wipe(o, "password");
	cJSON_Delete(o);
	return rc;
}

/* Applies the members of a PATCH body one by one; a reply on failure. */
static int
auth_api_user_apply(struct http_req *req, struct db *db, const char *name,
                    cJSON *o, char *detail, size_t detailsz)
{
	const cJSON *dis = cJSON_GetObjectItemCaseSensitive(o, "disabled");
	const char *rname = auth_api_str(o, "role");
	const char *pw = auth_api_str(o, "password");
	char hash[AUTH_HASH_MAX + 1], err[128];
	int64_t now = (int64_t)time(NULL);
	unsigned role;
	size_t len;
	int rc = USER_OK;

	detail[0] = '\0';
	if ((cJSON_GetObjectItemCaseSensitive(o, "role") && rname == NULL) ||
	    (rname != NULL && auth_role_parse(rname, &role) == -1))
		return http_reply_error(req, 400,
		                        "bad role: admin, technician, "
		                        "secretary or viewer"),
		       -1;
	if (dis != NULL && !cJSON_IsBool(dis))
		return http_reply_error(req, 400, "disabled: true or false"),
		       -1;
	if ((cJSON_GetObjectItemCaseSensitive(o, "password") && pw == NULL) ||
	    (pw != NULL && auth_password_check(pw, err, sizeof err) == -1))
		return http_reply_error(req, 400, pw ? err : "bad password"),
		       -1;
	if (rname == NULL && dis == NULL && pw == NULL)
		return http_reply_error(req, 400,
		                        "nothing to change: role, disabled "
		                        "or password"),
		       -1;
	if (rname != NULL && (rc = user_set_role(db, name, role, now)) == 0) {
		len = strlen(detail);
		snprintf(detail + len, detailsz - len, "role %s; ", rname);
	}
	if (rc == USER_OK && dis != NULL &&
	    (rc = user_set_disabled(db, name, cJSON_IsTrue(dis), now)) == 0) {
		len = strlen(detail);
		snprintf(detail + len, detailsz - len, "%s; ",
		         cJSON_IsTrue(dis) ? "disabled" : "enabled");
	}
	if (rc == USER_OK && pw != NULL) {
		if (auth_password_hash(pw, 0, hash, sizeof hash) == -1)
			return http_reply_error(req, 500,
			                        "cannot hash the password"),
			       -1;
		if ((rc = user_set_password(db, name, hash, now)) == 0) {
			len = strlen(detail);
			snprintf(detail + len, detailsz - len,
			         "password changed; ");
		}
	}
	if (rc == USER_NOT_FOUND)
		return http_reply_error(req, 404, "no such user"), -1;
	if (rc == USER_LAST_ADMIN)
		return http_reply_error(req, 409,
		                        "the last enabled admin cannot be "
		                        "disabled or demoted"),
		       -1;
	if (rc != USER_OK)
		return http_reply_error(req, 500, "database error"), -1;
	len = strlen(detail);
	if (len >= 2)
		detail[len - 2] = '\0';
	return 0;
}

int
api_user_update(struct http_req *req)
{
	struct db *db = http_req_db_rw(req);
	const char *name = http_req_param(req, 0);
	char obj[AUTH_NAME_MAX + 6], detail[128];
	struct user u;
	cJSON *o;
	int rc;

	if (db == NULL)
		return http_reply_error(req, 500, "database not available");
	if (!auth_name_valid(name) ||
	    (rc = user_get(db, name, &u, NULL, 0)) == USER_NOT_FOUND)
		return http_reply_error(req, 404, "no such user");
	if (rc != USER_OK)
		return http_reply_error(req, 500, "database error");
	if ((o = auth_api_body(req)) == NULL)
		return 0;
	rc = auth_api_user_apply(req, db, name, o, detail, sizeof detail);
	auth_api_wipe(o, "password");
	cJSON_Delete(o);
	if (detail[0] != '\0') {
		/* what was applied is recorded even if a later part failed */
		snprintf(obj, sizeof obj, "user/%s", name);
		audit_log(db, http_req_user(req), "user.update", obj, detail,
		          (int64_t)time(NULL));
	}
	if (rc == -1)
		return 0;
	return auth_api_user_reply(req, db, name, 200);
}

/* from= / to=: an ISO date or date-time (UTC), or Unix seconds. */
static int
auth_api_time_arg(const char *s, int64_t *out)
{
	long v;

	if (s == NULL)
		return 0;
	if (time_parse_iso(s, out) == 0)
		return 0;
	if (conf_parse_long(s, &v) == 0 && v >= 0) {
		*out = v;
		return 0;
	}
	return -1;
}

int
api_audit_list(struct http_req *req)
{
	struct audit_filter f;
	struct audit_entry *v = NULL;
	const char *limit_s = http_req_arg(req, "limit");
	const char *before_s = http_req_arg(req, "before");
	long limit = 100, before = 0;
	size_t n = 0, i;
	cJSON *doc, *arr, *o;

	memset(&f, 0, sizeof f);
	if (auth_api_time_arg(http_req_arg(req, "from"), &f.from) == -1 ||
	    auth_api_time_arg(http_req_arg(req, "to"), &f.to) == -1)
		return http_reply_error(req, 400,
		                        "bad from/to: expected a date "
		                        "(2026-11-29) or date-time");
	if (limit_s != NULL && (conf_parse_long(limit_s, &limit) == -1 ||
	                        limit < 1 || limit > AUTH_API_LIMIT_MAX))
		return http_reply_error(req, 400,
		                        "bad limit: expected 1 to 10000");
	if (before_s != NULL &&
	    (conf_parse_long(before_s, &before) == -1 || before < 1))
		return http_reply_error(req, 400, "bad before: an entry id");
	f.actor = http_req_arg(req, "actor");
	f.action = http_req_arg(req, "action");
	f.limit = (size_t)limit;
	f.before_id = before;
	if (audit_query(http_req_db(req), &f, &v, &n) == -1)
		return http_reply_error(req, 500, "database error");
	if ((doc = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(doc, "entries")) == NULL)
		goto oom;
	for (i = 0; i < n; i++) {
		if ((o = cJSON_CreateObject()) == NULL)
			goto oom;
		cJSON_AddItemToArray(arr, o);
		if (cJSON_AddNumberToObject(o, "id", (double)v[i].id) == NULL ||
		    cJSON_AddNumberToObject(o, "ts", (double)v[i].ts) == NULL ||
		    cJSON_AddStringToObject(o, "actor", v[i].actor) == NULL ||
		    cJSON_AddStringToObject(o, "action", v[i].action) == NULL ||
		    cJSON_AddStringToObject(o, "object", v[i].object) == NULL ||
		    cJSON_AddStringToObject(o, "detail", v[i].detail) == NULL)
			goto oom;
	}
	if (cJSON_AddNumberToObject(doc, "count", (double)n) == NULL)
		goto oom;
	audit_entries_free(v, n);
	return http_reply_json(req, 200, doc);
oom:
	audit_entries_free(v, n);
	cJSON_Delete(doc);
	return http_reply_error(req, 500, "out of memory");
}
