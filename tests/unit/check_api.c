/*
 * check_api.c: collector/http.c and api.c over real HTTP.  The server runs
 * in-process on a free loopback port against a database filled through
 * db.c; a small socket client sends requests and the test compares status
 * lines, headers and the exact JSON bodies.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collector/api.h"
#include "collector/auth_token.h"
#include "collector/db.h"
#include "collector/http.h"
#include "collector/stats.h"
#include "common/log.h"

static char dir[256];
static char dbpath[320];
static struct http *srv;
static unsigned port;
static char token[AUTH_TOKEN_LEN + 1]; /* a viewer's, sent with every request */

struct resp {
	int status;
	char head[8192];
	char body[65536];
	size_t len;
};

/* Sends one request (HTTP/1.1, Connection: close) and reads the answer. */
static void
request(const char *method, const char *target, struct resp *r)
{
	struct sockaddr_in sin;
	char buf[sizeof r->head + sizeof r->body], req[1024], *sep;
	size_t got = 0;
	ssize_t n;
	int fd;

	memset(r, 0, sizeof *r);
	ck_assert_int_ge(fd = socket(AF_INET, SOCK_STREAM, 0), 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	snprintf(req, sizeof req,
	         "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	         "Authorization: Bearer %s\r\n"
	         "Connection: close\r\n\r\n",
	         method, target, token);
	ck_assert_int_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while ((n = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	ck_assert_msg((sep = strstr(buf, "\r\n\r\n")) != NULL,
	              "no header end in: %s", buf);
	*sep = '\0';
	ck_assert_uint_lt(strlen(buf) + 3, sizeof r->head);
	memcpy(r->head, buf, strlen(buf));
	memcpy(r->head + strlen(buf), "\r\n", 3);
	r->len = got - (size_t)(sep + 4 - buf);
	ck_assert_uint_lt(r->len, sizeof r->body);
	memcpy(r->body, sep + 4, r->len);
	r->body[r->len] = '\0';
	ck_assert_int_eq(sscanf(buf, "HTTP/1.1 %d", &r->status), 1);
}

/* The value of header 'name', or NULL. */
static const char *
header(struct resp *r, const char *name, char *out, size_t outsz)
{
	char *p = strstr(r->head, "\r\n"), *end;
	size_t nl = strlen(name);

	while (p != NULL && p[2] != '\0') {
		p += 2;
		end = strstr(p, "\r\n");
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			p += nl + 1;
			while (*p == ' ')
				p++;
			snprintf(out, outsz, "%.*s", (int)(end - p), p);
			return out;
		}
		p = end;
	}
	return NULL;
}

static void
assert_header(struct resp *r, const char *name, const char *want)
{
	char v[256];

	ck_assert_msg(header(r, name, v, sizeof v) != NULL,
	              "no %s header in:\n%s", name, r->head);
	ck_assert_str_eq(v, want);
}

static void
fill_db(void)
{
	static char inv[] =
	    "{\"v\":1,\"ts\":1764345000,\"type\":\"pc\",\"os\":\"Debian 12\"}";
	struct wire_sample g[2] = {{"cpu.util", 12.5}, {"mem.used_pct", 43.1}};
	struct wire_sample c[1] = {{"net.eth0.rx_bytes", 9812345123.0}};
	struct wire_metrics m;
	struct wire_inventory wi;
	char err[256] = "";
	struct db *db;

	db = db_open(dbpath, 0, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	/* the API needs sign-in (issue 9, check_auth.c tests it) */
	ck_assert_int_eq(
	    auth_token_create(db, "check-api", ROLE_VIEWER, 1764345600, token),
	    0);
	memset(&m, 0, sizeof m);
	m.ts = 1764345600;
	m.seq = 1842;
	m.type = DEV_PC;
	m.interval = 60;
	m.gauges = g;
	m.ngauges = 2;
	m.counters = c;
	m.ncounters = 1;
	ck_assert_int_eq(
	    db_metrics_store(db, "asriloka", "pc-01", &m, 1764345603), 0);
	ck_assert_int_eq(db_state_store(db, "asriloka", "pc-01", DEV_PC,
	                                STATE_ONLINE, 1764345603, "metrics"),
	                 0);
	memset(&wi, 0, sizeof wi);
	wi.ts = 1764345000;
	wi.type = DEV_PC;
	wi.json = inv;
	ck_assert_int_eq(
	    db_inventory_store(db, "asriloka", "pc-01", &wi, 1764345001), 0);
	/* Known only from its Last Will: no type, no metrics. */
	ck_assert_int_eq(db_state_store(db, "asriloka", "printer-lobby",
	                                DEV_NTYPES, STATE_OFFLINE, 1764340000,
	                                "status offline"),
	                 0);
	ck_assert_int_eq(
	    db_metrics_store(db, "wonosari", "pc-01", &m, 1764345604), 0);
	db_close(db);
}

static void
setup(void)
{
	struct http_config cfg;
	char err[256] = "";

	snprintf(dir, sizeof dir, "%s/check_api.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof dbpath, "%s/pantau.db", dir);
	fill_db();
	memset(&cfg, 0, sizeof cfg);
	cfg.listen = "127.0.0.1:0";
	cfg.db_path = dbpath;
	cfg.data_dir = dir;
	srv = http_start(&cfg, err, sizeof err);
	ck_assert_msg(srv != NULL, "http_start: %s", err);
	port = http_port(srv);
	ck_assert_uint_gt(port, 0);
}

static void
teardown(void)
{
	char cmd[300];

	http_stop(srv);
	srv = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_healthz)
{
	struct resp r;

	request("GET", "/healthz", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "ok\n");
	assert_header(&r, "Content-Type", "text/plain; charset=utf-8");
	assert_header(&r, "Cache-Control", "no-store");
	assert_header(&r, "X-Content-Type-Options", "nosniff");
	/* HEAD: the headers only. */
	request("HEAD", "/healthz", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.len, 0);
}
END_TEST

START_TEST(test_metrics)
{
	struct resp r;

	STATS_SET(samples_written, 4242);
	request("GET", "/metrics", &r);
	ck_assert_int_eq(r.status, 200);
	assert_header(&r, "Content-Type",
	              "text/plain; version=0.0.4; charset=utf-8");
	ck_assert_msg(strstr(r.body, "\npantau_samples_written_total 4242\n") !=
	                  NULL,
	              "body: %s", r.body);
}
END_TEST

START_TEST(test_devices_list)
{
	struct resp r;

	request("GET", "/api/v1/devices", &r);
	ck_assert_int_eq(r.status, 200);
	assert_header(&r, "Content-Type", "application/json");
	assert_header(&r, "Cache-Control", "no-store");
	assert_header(&r, "X-Content-Type-Options", "nosniff");
	assert_header(
	    &r, "Content-Security-Policy",
	    "default-src 'self'; script-src 'self'; style-src 'self'; "
	    "img-src 'self' data:; object-src 'none'; "
	    "frame-ancestors 'none'; base-uri 'none'; "
	    "form-action 'self'");
	ck_assert_str_eq(
	    r.body,
	    "{\"devices\":["
	    "{\"site\":\"asriloka\",\"device\":\"pc-01\",\"type\":\"pc\","
	    "\"state\":\"online\",\"state_since\":1764345603,"
	    "\"last_seen\":1764345600,\"interval\":60},"
	    "{\"site\":\"asriloka\",\"device\":\"printer-lobby\",\"type\":null,"
	    "\"state\":\"offline\",\"state_since\":1764340000,"
	    "\"last_seen\":null,\"interval\":0},"
	    "{\"site\":\"wonosari\",\"device\":\"pc-01\",\"type\":\"pc\","
	    "\"state\":\"unknown\",\"state_since\":1764345604,"
	    "\"last_seen\":1764345600,\"interval\":60}"
	    "],\"count\":3}");

	request("GET", "/api/v1/devices?site=asriloka&limit=1", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(strstr(r.body, "\"count\":1}") != NULL, "%s", r.body);
	ck_assert_msg(strstr(r.body, "\"device\":\"pc-01\"") != NULL, "%s",
	              r.body);
	request("GET", "/api/v1/devices?site=wonosari", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(strstr(r.body, "\"count\":1}") != NULL, "%s", r.body);
	request("GET", "/api/v1/devices?site=nowhere", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "{\"devices\":[],\"count\":0}");
}
END_TEST

START_TEST(test_device_show)
{
	struct resp r;

	request("GET", "/api/v1/devices/asriloka/pc-01", &r);
	ck_assert_int_eq(r.status, 200);
	assert_header(&r, "Content-Type", "application/json");
	ck_assert_str_eq(
	    r.body,
	    "{\"site\":\"asriloka\",\"device\":\"pc-01\","
	    "\"type\":\"pc\",\"state\":\"online\",\"state_since\":1764345603,"
	    "\"last_seen\":1764345600,\"interval\":60,"
	    "\"first_seen\":1764345603,\"last_received\":1764345603,"
	    "\"last_seq\":1842,"
	    "\"gauges\":{\"cpu.util\":{\"value\":12.5,\"ts\":1764345600},"
	    "\"mem.used_pct\":{\"value\":43.1,\"ts\":1764345600}},"
	    "\"counters\":{\"net.eth0.rx_bytes\":{\"value\":9812345123,"
	    "\"ts\":1764345600}},"
	    "\"inventory\":{\"v\":1,\"ts\":1764345000,\"type\":\"pc\","
	    "\"os\":\"Debian 12\"},\"inventory_ts\":1764345000}");

	/* Path parts are %-decoded before they are checked. */
	request("GET", "/api/v1/devices/asri%6Coka/pc%2D01", &r);
	ck_assert_int_eq(r.status, 200);

	request("GET", "/api/v1/devices/asriloka/printer-lobby", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(
	    r.body,
	    "{\"site\":\"asriloka\","
	    "\"device\":\"printer-lobby\",\"type\":null,\"state\":\"offline\","
	    "\"state_since\":1764340000,\"last_seen\":null,\"interval\":0,"
	    "\"first_seen\":1764340000,\"last_received\":null,\"last_seq\":0,"
	    "\"gauges\":{},\"counters\":{},"
	    "\"inventory\":null,\"inventory_ts\":null}");
}
END_TEST

/* Requests that must answer 404 with a JSON error and never reach SQL. */
static const char *const not_found[] = {
    "/api/v1/devices/asriloka/nope",
    "/api/v1/devices/nowhere/pc-01",
    "/api/v1/devices/..%2Fx/pc-01",
    "/api/v1/devices/asriloka/..%2F..%2Fetc%2Fpasswd",
    "/api/v1/devices/%2E%2E/pc-01",
    "/api/v1/devices/../pc-01",
    "/api/v1/devices/asriloka/pc-01/extra",
    "/api/v1/devices/asriloka/",
    "/api/v1/devices//pc-01",
    "/api/v1/devices/ASRILOKA/pc-01",
    "/api/v1/devices/asriloka/pc-01'%20OR%20'1'='1",
    "/api/v1/devices/asriloka/pc%00x",
    "/api/v1/devices/asriloka/pc-01%00",
    "/api/v1/devices/asriloka%00/pc-01",
    "/api/v1/devices/-x/pc-01",
    "/api/v1/device",
    "/api/v2/devices",
    "/nothing",
    "/",
};

START_TEST(test_not_found)
{
	struct resp r;

	request("GET", not_found[_i], &r);
	ck_assert_msg(r.status == 404, "%s: %d", not_found[_i], r.status);
	assert_header(&r, "Content-Type", "application/json");
	ck_assert_msg(strstr(r.body, "\"status\":404") != NULL, "%s", r.body);
}
END_TEST

static const char *const bad_args[] = {
    "/api/v1/devices?site=..%2Fx",
    "/api/v1/devices?site=",
    "/api/v1/devices?site=A",
    "/api/v1/devices?limit=0",
    "/api/v1/devices?limit=-1",
    "/api/v1/devices?limit=abc",
    "/api/v1/devices?limit=100001",
    "/api/v1/devices?limit=1x",
    "/api/v1/devices?site=asriloka%00x",
};

START_TEST(test_bad_args)
{
	struct resp r;

	request("GET", bad_args[_i], &r);
	ck_assert_msg(r.status == 400, "%s: %d", bad_args[_i], r.status);
	ck_assert_msg(strstr(r.body, "\"status\":400") != NULL, "%s", r.body);
}
END_TEST

START_TEST(test_method_not_allowed)
{
	struct resp r;

	request("POST", "/api/v1/devices", &r);
	ck_assert_int_eq(r.status, 405);
	assert_header(&r, "Allow", "HEAD, GET");
	request("DELETE", "/api/v1/devices/asriloka/pc-01", &r);
	ck_assert_int_eq(r.status, 405);
}
END_TEST

static const struct {
	const char *in;
	int ok;
	unsigned port;
} listens[] = {
    {"127.0.0.1:8080", 1, 8080},
    {"0.0.0.0:1", 1, 1},
    {"[::1]:8080", 1, 8080},
    {"127.0.0.1:0", 1, 0},
    {"127.0.0.1", 0, 0},
    {"127.0.0.1:", 0, 0},
    {"127.0.0.1:65536", 0, 0},
    {"127.0.0.1:-1", 0, 0},
    {"127.0.0.1:80x", 0, 0},
    {"localhost:8080", 0, 0},
    {":8080", 0, 0},
    {"[::1]8080", 0, 0},
    {"::1:8080", 0, 0},
    {"", 0, 0},
};

START_TEST(test_listen_parse)
{
	struct sockaddr_storage ss;
	char err[256] = "";
	unsigned len = 0;
	int rc;

	rc = http_listen_parse(listens[_i].in, &ss, sizeof ss, &len, err,
	                       sizeof err);
	ck_assert_msg(rc == (listens[_i].ok ? 0 : -1), "'%s': %d",
	              listens[_i].in, rc);
	if (!listens[_i].ok) {
		ck_assert_ptr_nonnull(strstr(err, "expected ADDRESS:PORT"));
		return;
	}
	ck_assert_uint_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port),
	                  listens[_i].port);
}
END_TEST

START_TEST(test_start_errors)
{
	struct http_config cfg;
	char listen[64], err[256] = "";

	memset(&cfg, 0, sizeof cfg);
	cfg.db_path = dbpath;
	/* The port the fixture's server holds. */
	snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
	cfg.listen = listen;
	ck_assert_ptr_null(http_start(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "cannot serve on") != NULL, "%s", err);
	cfg.listen = "127.0.0.1:0";
	cfg.tls_cert = "/nonexistent/cert.pem";
	ck_assert_ptr_null(http_start(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "tls_cert and tls_key") != NULL, "%s", err);
	cfg.tls_key = "/nonexistent/key.pem";
	ck_assert_ptr_null(http_start(&cfg, err, sizeof err));
	ck_assert_msg(strstr(err, "/nonexistent/cert.pem") != NULL, "%s", err);
	cfg.tls_cert = cfg.tls_key = NULL;
	cfg.db_path = "/nonexistent/pantau.db";
	ck_assert_ptr_null(http_start(&cfg, err, sizeof err));
}
END_TEST

static Suite *
api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("api");
	TCase *pure = tcase_create("listen");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_healthz);
	tcase_add_test(tc, test_metrics);
	tcase_add_test(tc, test_devices_list);
	tcase_add_test(tc, test_device_show);
	tcase_add_loop_test(tc, test_not_found, 0,
	                    sizeof not_found / sizeof not_found[0]);
	tcase_add_loop_test(tc, test_bad_args, 0,
	                    sizeof bad_args / sizeof bad_args[0]);
	tcase_add_test(tc, test_method_not_allowed);
	tcase_add_test(tc, test_start_errors);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(pure, test_listen_parse, 0,
	                    sizeof listens / sizeof listens[0]);
	suite_add_tcase(s, pure);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(api_suite());
	int failed;

	log_init("check_api", 1, LOG_LVL_WARN);
	log_set_repeat_window(0);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
