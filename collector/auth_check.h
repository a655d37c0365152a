/*
 * auth_check.h: who is calling, and may they (issue 9, docs/auth.md).
 *
 * http.c's http_authorize() gathers what the request says about its caller
 * (session cookie, Authorization header, X-CSRF-Token, client address) into
 * a struct auth_in and asks auth_check() for a verdict; the login endpoint
 * asks auth_login().  Neither touches libmicrohttpd, so the unit tests
 * drive them straight.
 *
 * The rules:
 * - Authorization (Basic or Bearer) wins over a cookie; scripts need no
 *   CSRF token, but a state-changing request a browser marks cross-site
 *   (Sec-Fetch-Site) is refused even with them.
 * - A session cookie's state-changing request (anything but GET, HEAD,
 *   OPTIONS) must carry X-CSRF-Token equal to the session's: 403 if not.
 * - Nobody identified: 401.  The Basic challenge (WWW-Authenticate) goes
 *   only to clients that are not browsers (no cookie, no Sec-Fetch-Mode,
 *   no X-Requested-With), so the UI gets a plain JSON 401 and shows its
 *   own sign-in page instead of the browser's dialog.
 * - Identified, but the role is not among the route's: 403.
 * - Password attempts (sign-in and Basic) are limited per client address
 *   and per user name: AUTH_LIMIT_FAILURES failures within
 *   AUTH_LIMIT_WINDOW_S seconds answer 429 with Retry-After, without
 *   checking the password.
 */
#ifndef PANTAU_COLLECTOR_AUTH_CHECK_H
#define PANTAU_COLLECTOR_AUTH_CHECK_H

#include <stdint.h>

#include "collector/auth.h"

struct db;

#define AUTH_LIMIT_FAILURES 5
#define AUTH_LIMIT_WINDOW_S 300
#define AUTH_COOKIE "pantau_session"
#define AUTH_REALM "pantau"

enum auth_via {
	AUTH_VIA_NONE = 0,
	AUTH_VIA_SESSION,
	AUTH_VIA_BASIC,
	AUTH_VIA_TOKEN,
};

/* What a request says about its caller; NULL: not sent. */
struct auth_in {
	const char *method;
	const char *cookie;     /* value of the AUTH_COOKIE cookie */
	const char *bearer;     /* token of "Authorization: Bearer" */
	const char *basic_user; /* decoded HTTP Basic */
	const char *basic_pass;
	int authorization;      /* an Authorization header was sent */
	const char *csrf;       /* X-CSRF-Token */
	const char *fetch_site; /* Sec-Fetch-Site */
	int browser;            /* Sec-Fetch-Mode or X-Requested-With sent */
	const char *client;     /* numeric client address */
	unsigned roles;         /* the route's roles; HTTP_PUBLIC: none */
	int64_t now;
};

/* The verdict. */
struct auth_out {
	unsigned status;      /* 0: go on; else 401, 403, 429 or 500 */
	const char *message;  /* for the error body (static) */
	int challenge;        /* add WWW-Authenticate: Basic realm="pantau" */
	unsigned retry_after; /* seconds, with 429 */
	enum auth_via via;
	unsigned role;                  /* the caller's role bit */
	char user[AUTH_NAME_MAX + 7];   /* "ani" or "token:deploy" */
	char csrf[AUTH_SECRET_HEX + 1]; /* the session's, for /me */
};

/*
 * Decides on one request.  'db' is a writable connection (sessions and
 * tokens record their use; failures go to the audit log).  Always fills
 * *out; returns out->status == 0 ? 0 : -1.
 */
int auth_check(struct db *db, const struct auth_in *in, struct auth_out *out);

/*
 * A sign-in with user and password from 'client'.  On success opens a
 * session (session.h), writes the cookie value to 'cookie', fills *out
 * (status 0, user, role, csrf) and records login.ok in the audit log.  On
 * failure: status 401 (wrong name or password, or disabled), 429 (rate
 * limited, retry_after set) or 500; failures are logged (never the
 * password) and recorded as login.fail.  Returns 0 or -1 like auth_check.
 */
int auth_login(struct db *db, const char *user, const char *password,
               const char *client, int64_t now,
               char cookie[AUTH_SECRET_HEX + 1], struct auth_out *out);

/* Forgets every recorded failure (tests). */
void auth_check_reset_limits(void);

#endif
