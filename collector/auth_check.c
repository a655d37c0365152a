/*
 * auth_check.c: the verdict on a request, and sign-in (auth_check.h).
 *
 * The two rate limiters (per address, per user name) live for the whole
 * process and are shared by the sign-in endpoint and HTTP Basic, so a
 * guesser cannot switch from one to the other.  They are separate tables
 * so that many addresses cannot push a user's failures out.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api.h"
#include "collector/audit.h"
#include "collector/auth_check.h"
#include "collector/auth_limit.h"
#include "collector/auth_token.h"
#include "collector/session.h"
#include "collector/user.h"
#include "common/log.h"

#define AUTH_LIMIT_ENTRIES 1024
#define AUTH_CACHE_ENTRIES 32
#define AUTH_CACHE_TTL_S 60

/*
 * Passwords checked lately, so a script using HTTP Basic does not pay a
 * yescrypt hash (0.15 s of CPU) on every request: the SHA-256 of a random
 * per-process key, the user, the password and the stored hash, for
 * AUTH_CACHE_TTL_S.  The stored hash in the digest makes a password change
 * void the entry; a disabled user is refused before the cache is asked.
 * Only correct passwords get in, so the cache never helps a guesser.
 */
struct auth_cache_entry {
	char digest[AUTH_DIGEST_HEX + 1];
	int64_t until;
};

static pthread_mutex_t auth_cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct auth_cache_entry auth_cache[AUTH_CACHE_ENTRIES];
static char auth_cache_key[AUTH_SECRET_HEX + 1];

static pthread_once_t auth_check_once = PTHREAD_ONCE_INIT;
static struct auth_limit *auth_by_addr;
static struct auth_limit *auth_by_user;

static void
auth_check_init(void)
{
	if (auth_random_hex(auth_cache_key) == -1)
		auth_cache_key[0] = '\0'; /* then the cache stays unused */
	auth_by_addr = auth_limit_new(AUTH_LIMIT_FAILURES, AUTH_LIMIT_WINDOW_S,
	                              AUTH_LIMIT_ENTRIES);
	auth_by_user = auth_limit_new(AUTH_LIMIT_FAILURES, AUTH_LIMIT_WINDOW_S,
	                              AUTH_LIMIT_ENTRIES);
}

void
auth_check_reset_limits(void)
{
	pthread_once(&auth_check_once, auth_check_init);
	pthread_mutex_lock(&auth_cache_mu);
	memset(auth_cache, 0, sizeof auth_cache);
	pthread_mutex_unlock(&auth_cache_mu);
	auth_limit_free(auth_by_addr);
	auth_limit_free(auth_by_user);
	auth_check_init();
}

static int
auth_cache_digest(const char *user, const char *password, const char *hash,
                  char out[AUTH_DIGEST_HEX + 1])
{
	char *buf;
	size_t n;

	if (auth_cache_key[0] == '\0')
		return -1;
	n = strlen(auth_cache_key) + strlen(user) + strlen(password) +
	    strlen(hash) + 4;
	if ((buf = malloc(n)) == NULL)
		return -1;
	snprintf(buf, n, "%s\n%s\n%s\n%s", auth_cache_key, user, password,
	         hash);
	auth_digest_hex(buf, out);
	explicit_bzero(buf, n);
	free(buf);
	return 0;
}

/* 1 when the digest was cached and is still fresh. */
static int
auth_cache_hit(const char *digest, int64_t now)
{
	int hit = 0;
	size_t i;

	pthread_mutex_lock(&auth_cache_mu);
	for (i = 0; i < AUTH_CACHE_ENTRIES; i++)
		if (auth_cache[i].until > now &&
		    auth_equal(auth_cache[i].digest, digest))
			hit = 1;
	pthread_mutex_unlock(&auth_cache_mu);
	return hit;
}

static void
auth_cache_put(const char *digest, int64_t now)
{
	size_t i, victim = 0;

	pthread_mutex_lock(&auth_cache_mu);
	for (i = 0; i < AUTH_CACHE_ENTRIES; i++)
		if (auth_cache[i].until < auth_cache[victim].until)
			victim = i;
	snprintf(auth_cache[victim].digest, sizeof auth_cache[victim].digest,
	         "%s", digest);
	auth_cache[victim].until = now + AUTH_CACHE_TTL_S;
	pthread_mutex_unlock(&auth_cache_mu);
}

static int
auth_deny(struct auth_out *out, unsigned status, const char *message)
{
	out->status = status;
	out->message = message;
	return -1;
}

/* Methods that change nothing, which need no CSRF token (RFC 9110 9.2.1). */
static int
auth_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
	       strcmp(m, "OPTIONS") == 0;
}

/*
 * One password attempt, rate limited: 0 with out->user and role set, or
 * -1 with out->status 401, 429 or 500.  'how' names the way in for the
 * log ("sign-in", "HTTP Basic").
 */
static int
auth_password(struct db *db, const char *user, const char *password,
              const char *client, int64_t now, const char *how,
              struct auth_out *out)
{
	char hash[AUTH_HASH_MAX + 1], ukey[AUTH_NAME_MAX + 3],
	    akey[AUTH_LIMIT_KEY_MAX + 1], detail[160], obj[AUTH_NAME_MAX + 16];
	char digest[AUTH_DIGEST_HEX + 1];
	struct user u = {0};
	unsigned wa, wu;
	int known, rc, cached, hit;

	pthread_once(&auth_check_once, auth_check_init);
	if (auth_by_addr == NULL || auth_by_user == NULL)
		return auth_deny(out, 500, "out of memory");
	known = auth_name_valid(user);
	snprintf(akey, sizeof akey, "%s", client ? client : "");
	snprintf(ukey, sizeof ukey, "%s", known ? user : "");
	wa = auth_limit_check(auth_by_addr, akey, now);
	wu = known ? auth_limit_check(auth_by_user, ukey, now) : 0;
	if (wa > 0 || wu > 0) {
		out->retry_after = wa > wu ? wa : wu;
		log_warn("auth: %s from %s refused: too many failures "
		         "(retry in %u s)",
		         how, akey, out->retry_after);
		return auth_deny(out, 429, "too many failed sign-ins");
	}
	rc = known ? user_get(db, user, &u, hash, sizeof hash) : USER_NOT_FOUND;
	if (rc == -1)
		return auth_deny(out, 500, "database error");
	known = rc == USER_OK;
	cached = known && !u.disabled &&
	         auth_cache_digest(u.name, password, hash, digest) == 0;
	/* an unknown name costs the time of a wrong password */
	hit = cached && auth_cache_hit(digest, now);
	if ((hit || auth_password_verify(password, known ? hash : NULL)) &&
	    !u.disabled && u.role != 0) {
		if (cached && !hit)
			auth_cache_put(digest, now);
		explicit_bzero(hash, sizeof hash);
		auth_limit_clear(auth_by_user, ukey);
		snprintf(out->user, sizeof out->user, "%s", u.name);
		out->role = u.role;
		return 0;
	}
	explicit_bzero(hash, sizeof hash);
	auth_limit_fail(auth_by_addr, akey, now);
	if (known)
		auth_limit_fail(auth_by_user, ukey, now);
	/*
	 * A name that is not a user is not logged: it is often a password
	 * typed into the wrong field.
	 */
	if (known) {
		log_warn("auth: %s failed for user '%s' from %s (%s)", how,
		         u.name, akey,
		         u.disabled ? "user disabled" : "wrong password");
		snprintf(detail, sizeof detail, "%s from %s: %s", how, akey,
		         u.disabled ? "user disabled" : "wrong password");
	} else {
		log_warn("auth: %s failed for an unknown user from %s", how,
		         akey);
		snprintf(detail, sizeof detail, "%s from %s: unknown user", how,
		         akey);
	}
	snprintf(obj, sizeof obj, "user/%s", known ? u.name : "");
	audit_log(db, known ? u.name : "unknown", "login.fail",
	          known ? obj : "", detail, now);
	return auth_deny(out, 401, "wrong user name or password");
}

int
auth_login(struct db *db, const char *user, const char *password,
           const char *client, int64_t now, char cookie[AUTH_SECRET_HEX + 1],
           struct auth_out *out)
{
	struct session s;
	char obj[AUTH_NAME_MAX + 16], detail[96];

	memset(out, 0, sizeof *out);
	if (user == NULL || password == NULL || user[0] == '\0')
		return auth_deny(out, 401, "user and password required");
	if (auth_password(db, user, password, client, now, "sign-in", out) ==
	    -1)
		return -1;
	if (session_create(db, out->user, client, now, cookie, &s) == -1)
		return auth_deny(out, 500, "cannot open a session");
	out->via = AUTH_VIA_SESSION;
	snprintf(out->csrf, sizeof out->csrf, "%s", s.csrf);
	user_touch_login(db, out->user, now);
	snprintf(obj, sizeof obj, "user/%s", out->user);
	snprintf(detail, sizeof detail, "from %s", client ? client : "");
	audit_log(db, out->user, "login.ok", obj, detail, now);
	log_info("auth: %s signed in from %s", out->user, client ? client : "");
	return 0;
}

static int
auth_check_session(struct db *db, const struct auth_in *in,
                   struct auth_out *out)
{
	struct session s;
	int rc;

	if ((rc = session_lookup(db, in->cookie, in->now, &s)) == -1)
		return auth_deny(out, 500, "database error");
	if (rc == 0)
		return auth_deny(out, 401, "session expired or unknown");
	if (!auth_safe_method(in->method) && !session_csrf_ok(&s, in->csrf))
		return auth_deny(out, 403, "missing or wrong X-CSRF-Token");
	out->via = AUTH_VIA_SESSION;
	out->role = s.role;
	snprintf(out->user, sizeof out->user, "%s", s.user);
	snprintf(out->csrf, sizeof out->csrf, "%s", s.csrf);
	return 0;
}

static int
auth_check_token(struct db *db, const struct auth_in *in, struct auth_out *out)
{
	struct auth_token t;
	int rc;

	if ((rc = auth_token_lookup(db, in->bearer, in->now, &t)) == -1)
		return auth_deny(out, 500, "database error");
	if (rc == 0) {
		out->challenge = 1;
		log_warn("auth: unknown or revoked bearer token from %s",
		         in->client ? in->client : "");
		return auth_deny(out, 401, "unknown or revoked token");
	}
	out->via = AUTH_VIA_TOKEN;
	out->role = t.role;
	snprintf(out->user, sizeof out->user, "token:%s", t.name);
	return 0;
}

int
auth_check(struct db *db, const struct auth_in *in, struct auth_out *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	if (in->roles == HTTP_PUBLIC)
		return 0;
	if (db == NULL)
		return auth_deny(out, 500, "database not available");
	if (in->bearer != NULL) {
		rc = auth_check_token(db, in, out);
	} else if (in->basic_user != NULL) {
		rc = auth_password(db, in->basic_user,
		                   in->basic_pass ? in->basic_pass : "",
		                   in->client, in->now, "HTTP Basic", out);
		if (rc == 0)
			out->via = AUTH_VIA_BASIC;
		else if (out->status == 401)
			out->challenge = !in->browser;
	} else if (in->authorization) {
		out->challenge = !in->browser;
		return auth_deny(out, 401,
		                 "unsupported Authorization: use Basic or "
		                 "Bearer");
	} else if (in->cookie != NULL) {
		rc = auth_check_session(db, in, out);
	} else {
		out->challenge = !in->browser;
		return auth_deny(out, 401, "sign-in required");
	}
	if (rc == -1)
		return -1;
	if (out->via != AUTH_VIA_SESSION && !auth_safe_method(in->method) &&
	    in->fetch_site != NULL && strcmp(in->fetch_site, "cross-site") == 0)
		return auth_deny(out, 403, "cross-site request refused");
	if ((out->role & in->roles) == 0)
		return auth_deny(out, 403, "your role may not do this");
	return 0;
}
