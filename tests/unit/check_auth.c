/*
 * check_auth.c: sign-in building blocks (collector/auth*.c, user.c,
 * session.c, audit.c) against a real SQLite file: password hashes,
 * tokens, session expiry, the CSRF check, the rate limiter, the verdict
 * auth_check() gives http.c, and the audit log.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "collector/api.h"
#include "collector/audit.h"
#include "collector/auth.h"
#include "collector/auth_check.h"
#include "collector/auth_limit.h"
#include "collector/auth_token.h"
#include "collector/db.h"
#include "collector/session.h"
#include "collector/user.h"
#include "common/log.h"

#define T0 1764374400 /* 2025-11-29 00:00 UTC */

static char dir[256];
static struct db *db;
static char hash_ani[AUTH_HASH_MAX + 1]; /* "correct horse", cost 1 */

static void
setup(void)
{
	char path[320], err[256];

	snprintf(dir, sizeof dir, "%s/check_auth.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pantau.db", dir);
	db = db_open(path, 0, err, sizeof err);
	ck_assert_msg(db != NULL, "db_open: %s", err);
	if (hash_ani[0] == '\0')
		ck_assert_int_eq(auth_password_hash("correct horse", 1,
		                                    hash_ani, sizeof hash_ani),
		                 0);
	ck_assert_int_eq(user_add(db, "ani", ROLE_TECHNICIAN, hash_ani, T0),
	                 USER_OK);
	ck_assert_int_eq(user_add(db, "root", ROLE_ADMIN, hash_ani, T0),
	                 USER_OK);
	auth_check_reset_limits();
}

static void
teardown(void)
{
	char cmd[300];

	db_close(db);
	db = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A single integer from SQL, for looking at what is stored. */
static long long
sql_int(const char *sql)
{
	sqlite3_stmt *st;
	long long v;

	ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

START_TEST(test_password_hash)
{
	char h1[AUTH_HASH_MAX + 1], h2[AUTH_HASH_MAX + 1];

	ck_assert_int_eq(auth_password_hash("s3cret-pass", 1, h1, sizeof h1),
	                 0);
	ck_assert_int_eq(auth_password_hash("s3cret-pass", 1, h2, sizeof h2),
	                 0);
	ck_assert_msg(strncmp(h1, "$y$", 3) == 0, "not yescrypt: %s", h1);
	ck_assert_ptr_null(strstr(h1, "s3cret"));
	ck_assert_str_ne(h1, h2); /* salted */
	ck_assert_int_eq(auth_password_verify("s3cret-pass", h1), 1);
	ck_assert_int_eq(auth_password_verify("s3cret-pass", h2), 1);
	ck_assert_int_eq(auth_password_verify("s3cret-pasS", h1), 0);
	ck_assert_int_eq(auth_password_verify("", h1), 0);
	ck_assert_int_eq(auth_password_verify("s3cret-pass", NULL), 0);
	ck_assert_int_eq(auth_password_verify("s3cret-pass", "*0"), 0);
	ck_assert_int_eq(auth_password_verify("s3cret-pass", ""), 0);
	ck_assert_int_eq(auth_password_verify("s3cret-pass", "$y$garbage"), 0);
	/* the default cost makes a real (slow) hash too */
	ck_assert_int_eq(auth_password_hash("s3cret-pass", 0, h1, sizeof h1),
	                 0);
	ck_assert_int_eq(auth_password_verify("s3cret-pass", h1), 1);
}
END_TEST

static const struct {
	const char *pw;
	int ok;
} passwords[] = {
    {"", -1},           {"1234567", -1},     {"12345678", 0},
    {"pass\nword", -1}, {"pass\rword1", -1}, {"kata sandi panjang", 0},
};

START_TEST(test_password_rules)
{
	char err[128];

	ck_assert_int_eq(auth_password_check(passwords[_i].pw, err, sizeof err),
	                 passwords[_i].ok);
}
END_TEST

START_TEST(test_password_too_long)
{
	char pw[AUTH_PASSWORD_MAX + 2], err[128];

	memset(pw, 'a', sizeof pw - 1);
	pw[sizeof pw - 1] = '\0';
	ck_assert_int_eq(auth_password_check(pw, err, sizeof err), -1);
	pw[AUTH_PASSWORD_MAX] = '\0';
	ck_assert_int_eq(auth_password_check(pw, err, sizeof err), 0);
}
END_TEST

static const struct {
	const char *name;
	int ok;
} names[] = {
    {"ani", 1},
    {"Budi.S", 1},
    {"tech_01", 1},
    {"a-b", 1},
    {"", 0},
    {"-ani", 0},
    {".ani", 0},
    {"ani budi", 0},
    {"ani/..", 0},
    {"ani:x", 0},
    {"ani<", 0},
    {"\xc3\xa9", 0},
    {"abcdefghijklmnopqrstuvwxyz012345", 1},
    {"abcdefghijklmnopqrstuvwxyz0123456", 0},
};

START_TEST(test_names)
{
	ck_assert_int_eq(auth_name_valid(names[_i].name), names[_i].ok);
}
END_TEST

START_TEST(test_roles)
{
	unsigned r = 0;

	ck_assert_int_eq(auth_role_parse("technician", &r), 0);
	ck_assert_uint_eq(r, ROLE_TECHNICIAN);
	ck_assert_str_eq(auth_role_name(ROLE_SECRETARY), "secretary");
	ck_assert_int_eq(auth_role_parse("Admin", &r), -1);
	ck_assert_int_eq(auth_role_parse(NULL, &r), -1);
	ck_assert_ptr_null(auth_role_name(ROLE_ADMIN | ROLE_VIEWER));
	ck_assert_ptr_null(auth_role_name(0));
}
END_TEST

START_TEST(test_random_and_equal)
{
	char a[AUTH_SECRET_HEX + 1], b[AUTH_SECRET_HEX + 1];
	char d[AUTH_DIGEST_HEX + 1];

	ck_assert_int_eq(auth_random_hex(a), 0);
	ck_assert_int_eq(auth_random_hex(b), 0);
	ck_assert_uint_eq(strlen(a), 64);
	ck_assert_uint_eq(strspn(a, "0123456789abcdef"), 64);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(auth_equal(a, a), 1);
	ck_assert_int_eq(auth_equal(a, b), 0);
	ck_assert_int_eq(auth_equal(a, NULL), 0);
	ck_assert_int_eq(auth_equal("abc", "abcd"), 0);
	auth_digest_hex("abc", d);
	ck_assert_str_eq(d, "ba7816bf8f01cfea414140de5dae2223"
	                    "b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(test_tokens)
{
	char tok[AUTH_TOKEN_LEN + 1], tok2[AUTH_TOKEN_LEN + 1], sql[256];
	struct auth_token t, *list;
	size_t n;

	ck_assert_int_eq(auth_token_create(db, "backup", ROLE_VIEWER, T0, tok),
	                 0);
	ck_assert_uint_eq(strlen(tok), AUTH_TOKEN_LEN);
	ck_assert_int_eq(strncmp(tok, "ptk_", 4), 0);
	/* stored only as its hash */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM api_tokens WHERE hash = '%s' OR "
	         "instr(hash, '%s') > 0",
	         tok, tok + 4);
	ck_assert_int_eq(sql_int(sql), 0);
	ck_assert_int_eq(auth_token_lookup(db, tok, T0 + 100, &t), 1);
	ck_assert_str_eq(t.name, "backup");
	ck_assert_uint_eq(t.role, ROLE_VIEWER);
	ck_assert_int_eq(t.last_used, T0 + 100);
	ck_assert_int_eq(sql_int("SELECT last_used FROM api_tokens"), T0 + 100);
	/* one flipped digit, a truncation, garbage: not found */
	memcpy(tok2, tok, sizeof tok2);
	tok2[10] = tok2[10] == 'a' ? 'b' : 'a';
	ck_assert_int_eq(auth_token_lookup(db, tok2, T0, &t), 0);
	tok2[AUTH_TOKEN_LEN - 1] = '\0';
	ck_assert_int_eq(auth_token_lookup(db, tok2, T0, &t), 0);
	ck_assert_int_eq(auth_token_lookup(db, "ptk_' OR 1=1 --", T0, &t), 0);
	ck_assert_int_eq(auth_token_lookup(db, NULL, T0, &t), 0);
	ck_assert_int_eq(auth_token_create(db, "backup", ROLE_ADMIN, T0, tok2),
	                 USER_EXISTS);
	ck_assert_int_eq(
	    auth_token_create(db, "bad name", ROLE_ADMIN, T0, tok2), -1);
	ck_assert_int_eq(auth_token_revoke(db, "backup", T0 + 200), 0);
	ck_assert_int_eq(auth_token_lookup(db, tok, T0 + 300, &t), 0);
	ck_assert_int_eq(auth_token_revoke(db, "backup", T0 + 300),
	                 USER_NOT_FOUND);
	ck_assert_int_eq(auth_token_list(db, &list, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(list[0].revoked, T0 + 200);
	free(list);
}
END_TEST

START_TEST(test_session_idle_expiry)
{
	char id[AUTH_SECRET_HEX + 1], sql[256];
	struct session s, s2;

	ck_assert_int_eq(session_create(db, "ani", "127.0.0.1", T0, id, &s), 0);
	ck_assert_uint_eq(s.role, ROLE_TECHNICIAN);
	ck_assert_int_eq(s.expires, T0 + SESSION_MAX_S);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM sessions WHERE id_hash = '%s'", id);
	ck_assert_int_eq(sql_int(sql), 0); /* only the hash is stored */
	ck_assert_int_eq(session_lookup(db, id, T0 + 30, &s2), 1);
	ck_assert_str_eq(s2.user, "ani");
	ck_assert_str_eq(s2.csrf, s.csrf);
	ck_assert_int_eq(s2.last_used, T0); /* touched at most once a minute */
	ck_assert_int_eq(session_lookup(db, id, T0 + SESSION_IDLE_S - 1, &s2),
	                 1);
	ck_assert_int_eq(s2.last_used, T0 + SESSION_IDLE_S - 1);
	/* idle from the last use, not from sign-in */
	ck_assert_int_eq(
	    session_lookup(db, id, T0 + 2 * SESSION_IDLE_S - 2, &s2), 1);
	ck_assert_int_eq(
	    session_lookup(db, id, T0 + 3 * SESSION_IDLE_S - 2, &s2), 0);
	/* gone for good, even "back in time" */
	ck_assert_int_eq(session_lookup(db, id, T0 + 60, &s2), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM sessions"), 0);
}
END_TEST

START_TEST(test_session_absolute_expiry)
{
	char id[AUTH_SECRET_HEX + 1];
	struct session s;
	int64_t t;

	ck_assert_int_eq(session_create(db, "ani", "", T0, id, &s), 0);
	for (t = T0 + 3600; t < T0 + SESSION_MAX_S; t += 3600)
		ck_assert_int_eq(session_lookup(db, id, t, &s), 1);
	ck_assert_int_eq(session_lookup(db, id, T0 + SESSION_MAX_S, &s), 0);
}
END_TEST

START_TEST(test_session_ended_by_user_changes)
{
	char id[AUTH_SECRET_HEX + 1], id2[AUTH_SECRET_HEX + 1];
	struct session s;

	ck_assert_int_eq(session_create(db, "ani", "", T0, id, &s), 0);
	ck_assert_int_eq(session_create(db, "root", "", T0, id2, &s), 0);
	ck_assert_int_eq(user_set_password(db, "ani", hash_ani, T0 + 1), 0);
	ck_assert_int_eq(session_lookup(db, id, T0 + 2, &s), 0);
	ck_assert_int_eq(session_lookup(db, id2, T0 + 2, &s), 1);
	ck_assert_int_eq(session_create(db, "ani", "", T0, id, &s), 0);
	ck_assert_int_eq(user_set_disabled(db, "ani", 1, T0 + 3), 0);
	ck_assert_int_eq(session_lookup(db, id, T0 + 4, &s), 0);
	/* a disabled user gets no session */
	ck_assert_int_eq(session_create(db, "ani", "", T0 + 5, id, &s), -1);
	ck_assert_int_eq(session_create(db, "nobody", "", T0 + 5, id, &s), -1);
	ck_assert_int_eq(session_delete(db, id2), 0);
	ck_assert_int_eq(session_lookup(db, id2, T0 + 6, &s), 0);
	ck_assert_int_eq(session_lookup(db, "not-hex", T0, &s), 0);
}
END_TEST

START_TEST(test_csrf)
{
	char id[AUTH_SECRET_HEX + 1], bad[AUTH_SECRET_HEX + 1];
	struct session s;

	ck_assert_int_eq(session_create(db, "ani", "", T0, id, &s), 0);
	ck_assert_uint_eq(strlen(s.csrf), 64);
	ck_assert_str_ne(s.csrf, id);
	ck_assert_int_eq(session_csrf_ok(&s, s.csrf), 1);
	memcpy(bad, s.csrf, sizeof bad);
	bad[63] = bad[63] == '0' ? '1' : '0';
	ck_assert_int_eq(session_csrf_ok(&s, bad), 0);
	ck_assert_int_eq(session_csrf_ok(&s, NULL), 0);
	ck_assert_int_eq(session_csrf_ok(&s, ""), 0);
	ck_assert_int_eq(session_csrf_ok(&s, id), 0);
}
END_TEST

START_TEST(test_limit_window)
{
	struct auth_limit *l = auth_limit_new(5, 300, 8);
	int i;

	ck_assert_ptr_nonnull(l);
	for (i = 0; i < 4; i++) {
		auth_limit_fail(l, "10.0.0.1", T0 + i * 10);
		ck_assert_uint_eq(auth_limit_check(l, "10.0.0.1", T0 + i * 10),
		                  0);
	}
	auth_limit_fail(l, "10.0.0.1", T0 + 40);
	/* five within 300 s: blocked until the first leaves the window */
	ck_assert_uint_eq(auth_limit_check(l, "10.0.0.1", T0 + 40), 260);
	ck_assert_uint_eq(auth_limit_check(l, "10.0.0.1", T0 + 299), 1);
	ck_assert_uint_eq(auth_limit_check(l, "10.0.0.1", T0 + 300), 0);
	ck_assert_uint_eq(auth_limit_check(l, "10.0.0.2", T0 + 40), 0);
	/* one more failure: the window slides, blocked again */
	auth_limit_fail(l, "10.0.0.1", T0 + 300);
	ck_assert_uint_eq(auth_limit_check(l, "10.0.0.1", T0 + 300), 10);
	auth_limit_clear(l, "10.0.0.1");
	ck_assert_uint_eq(auth_limit_check(l, "10.0.0.1", T0 + 300), 0);
	auth_limit_free(l);
	ck_assert_ptr_null(auth_limit_new(0, 300, 8));
	ck_assert_ptr_null(auth_limit_new(AUTH_LIMIT_MAX_FAILURES + 1, 1, 8));
	auth_limit_free(NULL);
}
END_TEST

START_TEST(test_limit_capacity)
{
	struct auth_limit *l = auth_limit_new(2, 300, 2);
	char key[16];
	int i;

	auth_limit_fail(l, "a", T0);
	auth_limit_fail(l, "a", T0 + 1);
	ck_assert_uint_gt(auth_limit_check(l, "a", T0 + 2), 0);
	/* a full table makes room from the entry idle longest */
	for (i = 0; i < 4; i++) {
		snprintf(key, sizeof key, "k%d", i);
		auth_limit_fail(l, key, T0 + 10 + i);
	}
	ck_assert_uint_eq(auth_limit_check(l, "a", T0 + 20), 0);
	auth_limit_fail(l, "k3", T0 + 20);
	ck_assert_uint_eq(auth_limit_check(l, "k3", T0 + 20), 293);
	auth_limit_free(l);
}
END_TEST

static struct auth_in
in_for(const char *method, unsigned roles)
{
	struct auth_in in;

	memset(&in, 0, sizeof in);
	in.method = method;
	in.client = "127.0.0.1";
	in.roles = roles;
	in.now = T0 + 10;
	return in;
}

START_TEST(test_check_session_csrf)
{
	char id[AUTH_SECRET_HEX + 1];
	struct auth_out out;
	struct auth_in in;
	struct session s;

	ck_assert_int_eq(session_create(db, "ani", "", T0, id, &s), 0);
	in = in_for("GET", HTTP_ANY_ROLE);
	in.cookie = id;
	ck_assert_int_eq(auth_check(db, &in, &out), 0);
	ck_assert_str_eq(out.user, "ani");
	ck_assert_uint_eq(out.role, ROLE_TECHNICIAN);
	ck_assert_int_eq(out.via, AUTH_VIA_SESSION);
	/* a change without, then with the wrong, then the right token */
	in.method = "PATCH";
	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_uint_eq(out.status, 403);
	ck_assert_int_eq(out.challenge, 0);
	in.csrf = id;
	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_uint_eq(out.status, 403);
	in.csrf = s.csrf;
	ck_assert_int_eq(auth_check(db, &in, &out), 0);
	in.method = "POST";
	ck_assert_int_eq(auth_check(db, &in, &out), 0);
	/* the right token, the wrong role */
	in.roles = ROLE_ADMIN;
	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_uint_eq(out.status, 403);
	/* an unknown cookie: 401 without the Basic challenge */
	in = in_for("GET", HTTP_ANY_ROLE);
	in.cookie = "00";
	in.browser = 1;
	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_uint_eq(out.status, 401);
	ck_assert_int_eq(out.challenge, 0);
}
END_TEST

START_TEST(test_check_nobody)
{
	struct auth_out out;
	struct auth_in in = in_for("GET", HTTP_ANY_ROLE);

	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_uint_eq(out.status, 401);
	ck_assert_int_eq(out.challenge, 1);
	in.browser = 1;
	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_int_eq(out.challenge, 0);
	in = in_for("GET", HTTP_PUBLIC);
	ck_assert_int_eq(auth_check(db, &in, &out), 0);
	ck_assert_uint_eq(out.role, 0);
	in = in_for("GET", HTTP_ANY_ROLE);
	in.authorization = 1; /* Digest, Negotiate, ...: not ours */
	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_uint_eq(out.status, 401);
}
END_TEST

START_TEST(test_check_bearer_basic)
{
	char tok[AUTH_TOKEN_LEN + 1];
	struct auth_out out;
	struct auth_in in = in_for("PATCH", ROLE_ADMIN | ROLE_SECRETARY);

	ck_assert_int_eq(
	    auth_token_create(db, "deploy", ROLE_SECRETARY, T0, tok), 0);
	in.bearer = tok;
	in.authorization = 1;
	ck_assert_int_eq(auth_check(db, &in, &out), 0); /* no CSRF needed */
	ck_assert_str_eq(out.user, "token:deploy");
	ck_assert_int_eq(out.via, AUTH_VIA_TOKEN);
	in.fetch_site = "cross-site";
	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_uint_eq(out.status, 403);
	in.fetch_site = NULL;
	in.roles = ROLE_ADMIN;
	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_uint_eq(out.status, 403);
	in.bearer = "ptk_0000";
	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_uint_eq(out.status, 401);
	ck_assert_int_eq(out.challenge, 1);

	in = in_for("GET", HTTP_ANY_ROLE);
	in.authorization = 1;
	in.basic_user = "root";
	in.basic_pass = "correct horse";
	ck_assert_int_eq(auth_check(db, &in, &out), 0);
	ck_assert_str_eq(out.user, "root");
	ck_assert_uint_eq(out.role, ROLE_ADMIN);
	ck_assert_int_eq(out.via, AUTH_VIA_BASIC);
	in.basic_pass = "wrong horse";
	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_uint_eq(out.status, 401);
	ck_assert_int_eq(out.challenge, 1);
}
END_TEST

START_TEST(test_check_basic_cache)
{
	char h2[AUTH_HASH_MAX + 1];
	struct auth_out out;
	struct auth_in in = in_for("GET", HTTP_ANY_ROLE);

	in.authorization = 1;
	in.basic_user = "ani";
	in.basic_pass = "correct horse";
	/* verified once by yescrypt, then from the cache */
	ck_assert_int_eq(auth_check(db, &in, &out), 0);
	ck_assert_int_eq(auth_check(db, &in, &out), 0);
	/* a new password voids the cached one at once */
	ck_assert_int_eq(auth_password_hash("battery staple", 1, h2, sizeof h2),
	                 0);
	ck_assert_int_eq(user_set_password(db, "ani", h2, T0 + 11), 0);
	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_uint_eq(out.status, 401);
	in.basic_pass = "battery staple";
	ck_assert_int_eq(auth_check(db, &in, &out), 0);
	/* and disabling refuses a cached password */
	ck_assert_int_eq(auth_check(db, &in, &out), 0);
	ck_assert_int_eq(user_set_disabled(db, "ani", 1, T0 + 12), 0);
	ck_assert_int_eq(auth_check(db, &in, &out), -1);
	ck_assert_uint_eq(out.status, 401);
}
END_TEST

START_TEST(test_check_rate_limit)
{
	char cookie[AUTH_SECRET_HEX + 1];
	struct auth_out out;
	int i;

	/* 5 failures for ani from one address; the 6th is not even checked */
	for (i = 0; i < AUTH_LIMIT_FAILURES; i++) {
		ck_assert_int_eq(auth_login(db, "ani", "guess", "10.0.0.9",
		                            T0 + i, cookie, &out),
		                 -1);
		ck_assert_uint_eq(out.status, 401);
	}
	ck_assert_int_eq(auth_login(db, "ani", "correct horse", "10.0.0.9",
	                            T0 + 10, cookie, &out),
	                 -1);
	ck_assert_uint_eq(out.status, 429);
	ck_assert_uint_eq(out.retry_after, AUTH_LIMIT_WINDOW_S - 10);
	/* per user: another address cannot sign ani in either */
	ck_assert_int_eq(auth_login(db, "ani", "correct horse", "10.0.0.10",
	                            T0 + 10, cookie, &out),
	                 -1);
	ck_assert_uint_eq(out.status, 429);
	/* per address: root from the guessing address is refused too */
	ck_assert_int_eq(auth_login(db, "root", "correct horse", "10.0.0.9",
	                            T0 + 10, cookie, &out),
	                 -1);
	ck_assert_uint_eq(out.status, 429);
	/* others go on */
	ck_assert_int_eq(auth_login(db, "root", "correct horse", "10.0.0.10",
	                            T0 + 10, cookie, &out),
	                 0);
	ck_assert_str_eq(out.user, "root");
	ck_assert_uint_eq(strlen(out.csrf), 64);
	/* after the window, ani may try again */
	ck_assert_int_eq(auth_login(db, "ani", "correct horse", "10.0.0.9",
	                            T0 + AUTH_LIMIT_WINDOW_S, cookie, &out),
	                 0);
	/* failures were audited, never with the password */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM audit_log WHERE "
	                         "action = 'login.fail' AND actor = 'ani'"),
	                 5);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM audit_log WHERE "
	                         "instr(detail, 'guess') OR "
	                         "instr(detail, 'horse')"),
	                 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM audit_log WHERE "
	                         "action = 'login.ok'"),
	                 2);
}
END_TEST

START_TEST(test_login_unknown_and_disabled)
{
	char cookie[AUTH_SECRET_HEX + 1];
	struct auth_out out;

	ck_assert_int_eq(
	    auth_login(db, "nobody", "correct horse", "::1", T0, cookie, &out),
	    -1);
	ck_assert_uint_eq(out.status, 401);
	ck_assert_int_eq(auth_login(db, "", "x", "::1", T0, cookie, &out), -1);
	ck_assert_uint_eq(out.status, 401);
	ck_assert_int_eq(user_set_disabled(db, "ani", 1, T0), 0);
	ck_assert_int_eq(
	    auth_login(db, "ani", "correct horse", "::1", T0, cookie, &out),
	    -1);
	ck_assert_uint_eq(out.status, 401);
	/* an unknown name is audited without itself */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM audit_log WHERE "
	                         "actor = 'unknown' AND object = ''"),
	                 1);
}
END_TEST

START_TEST(test_users_last_admin)
{
	struct user *v;
	struct user u;
	size_t n;

	ck_assert_int_eq(user_add(db, "ani", ROLE_VIEWER, hash_ani, T0),
	                 USER_EXISTS);
	ck_assert_int_eq(user_set_role(db, "root", ROLE_VIEWER, T0),
	                 USER_LAST_ADMIN);
	ck_assert_int_eq(user_set_disabled(db, "root", 1, T0), USER_LAST_ADMIN);
	ck_assert_int_eq(user_set_role(db, "ghost", ROLE_VIEWER, T0),
	                 USER_NOT_FOUND);
	ck_assert_int_eq(user_set_role(db, "ani", ROLE_ADMIN, T0 + 5), USER_OK);
	ck_assert_int_eq(user_set_disabled(db, "root", 1, T0 + 6), USER_OK);
	ck_assert_int_eq(user_get(db, "root", &u, NULL, 0), USER_OK);
	ck_assert_int_eq(u.disabled, 1);
	ck_assert_int_eq(u.updated, T0 + 6);
	ck_assert_int_eq(user_set_role(db, "ani", ROLE_VIEWER, T0),
	                 USER_LAST_ADMIN);
	ck_assert_int_eq(user_list(db, &v, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].name, "ani");
	ck_assert_uint_eq(v[0].role, ROLE_ADMIN);
	free(v);
	ck_assert_int_eq(user_count(db), 2);
}
END_TEST

START_TEST(test_audit)
{
	struct audit_filter f;
	struct audit_entry *e;
	char big[AUDIT_DETAIL_MAX + 100];
	size_t n;

	ck_assert_int_eq(audit_log(db, "system", "user.create", "user/ani",
	                           "role technician", T0),
	                 0);
	ck_assert_int_eq(audit_log(db, "ani", "ticket.update", "ticket/12",
	                           "{\"state\":\"closed\"}", T0 + 1),
	                 0);
	ck_assert_int_eq(
	    audit_log(db, "token:deploy", "user_x.y", NULL, NULL, T0 + 2), 0);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(
	    audit_log(db, "ani", "user.update", "user/ani", big, T0 + 3), 0);
	ck_assert_int_eq(audit_log(db, NULL, "x", NULL, NULL, T0), -1);
	memset(&f, 0, sizeof f);
	ck_assert_int_eq(audit_query(db, &f, &e, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(e[1].action, "user_x.y"); /* newest first */
	ck_assert_str_eq(e[1].object, "");
	ck_assert_uint_eq(strlen(e[0].detail), AUDIT_DETAIL_MAX);
	audit_entries_free(e, n);
	f.action = "user."; /* a prefix; '_' is no wildcard */
	ck_assert_int_eq(audit_query(db, &f, &e, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(e[1].object, "user/ani");
	ck_assert_str_eq(e[1].detail, "role technician");
	audit_entries_free(e, n);
	f.action = "ticket.update";
	f.actor = "ani";
	ck_assert_int_eq(audit_query(db, &f, &e, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(e[0].detail, "{\"state\":\"closed\"}");
	audit_entries_free(e, n);
	memset(&f, 0, sizeof f);
	f.from = T0 + 1;
	f.to = T0 + 3;
	f.limit = 1;
	ck_assert_int_eq(audit_query(db, &f, &e, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(e[0].ts, T0 + 2);
	f.before_id = e[0].id;
	audit_entries_free(e, n);
	ck_assert_int_eq(audit_query(db, &f, &e, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(e[0].ts, T0 + 1);
	audit_entries_free(e, n);
}
END_TEST

static Suite *
auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_password_hash);
	tcase_add_loop_test(tc, test_password_rules, 0,
	                    sizeof passwords / sizeof passwords[0]);
	tcase_add_test(tc, test_password_too_long);
	tcase_add_loop_test(tc, test_names, 0, sizeof names / sizeof names[0]);
	tcase_add_test(tc, test_roles);
	tcase_add_test(tc, test_random_and_equal);
	tcase_add_test(tc, test_tokens);
	tcase_add_test(tc, test_session_idle_expiry);
	tcase_add_test(tc, test_session_absolute_expiry);
	tcase_add_test(tc, test_session_ended_by_user_changes);
	tcase_add_test(tc, test_csrf);
	tcase_add_test(tc, test_limit_window);
	tcase_add_test(tc, test_limit_capacity);
	tcase_add_test(tc, test_check_session_csrf);
	tcase_add_test(tc, test_check_nobody);
	tcase_add_test(tc, test_check_bearer_basic);
	tcase_add_test(tc, test_check_basic_cache);
	tcase_add_test(tc, test_check_rate_limit);
	tcase_add_test(tc, test_login_unknown_and_disabled);
	tcase_add_test(tc, test_users_last_admin);
	tcase_add_test(tc, test_audit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(auth_suite());
	int failed;

	log_init("check_auth", 1, LOG_LVL_ERR);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
