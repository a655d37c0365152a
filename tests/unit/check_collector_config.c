/*
 * check_collector_config: collector/config.c, table-driven.  Each case is
 * a configuration text and the exact "FILE:LINE: message" list it must
 * produce (none: it must load, and the values are checked).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/collector.h"

static char dir[256];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "%s/check_collector_config.XXXXXX",
	         getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chdir(dir), 0);
	log_init("check_collector_config", 1, LOG_LVL_ERR);
}

static void
teardown(void)
{
	char cmd[300];

	ck_assert_int_eq(chdir("/"), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static const struct {
	const char *text;
	const char *errors[8]; /* NULL-terminated, in line order */
} cases[] = {
    /* 0: the smallest file: every default */
    {"", {NULL}},
    /* 1: unknown section, unknown key, named section without a name */
    {"[collector]\n"
     "data_dir = /var/lib/pantau\n"
     "colour = blue\n"
     "[mqttt]\n"
     "host = x\n"
     "[rule]\n"
     "metric = cpu.util\n",
     {"t.conf:3: unknown key 'colour' in section [collector]",
      "t.conf:4: unknown section [mqttt]",
      "t.conf:6: section [rule] needs a name: [rule NAME]", NULL}},
    /* 2: bad values in [collector] and [mqtt] */
    {"[collector]\n"
     "data_dir = relative/dir\n"
     "log_level = loud\n"
     "[mqtt]\n"
     "port = 70000\n"
     "keepalive = 1s\n"
     "client_id = has space\n"
     "password_file = /nonexistent/pw\n",
     {"t.conf:2: data_dir must be an absolute path",
      "t.conf:3: log_level: 'loud' is not valid (use error, warning, "
      "info, debug)",
      "t.conf:5: port: 70000 is out of range (1..65535)",
      "t.conf:6: keepalive: '1s' is out of range (5s..1h)",
      "t.conf:7: client_id must be 1 to 64 characters of letters, "
      "digits, '-', '_' and '.'",
      "t.conf:8: password_file needs username",
      "t.conf:8: cannot read password_file '/nonexistent/pw': No such "
      "file or directory",
      NULL}},
    /* 3: password_file without username, unreadable */
    {"[mqtt]\n"
     "password_file = /nonexistent/pw\n",
     {"t.conf:2: password_file needs username",
      "t.conf:2: cannot read password_file '/nonexistent/pw': No such "
      "file or directory",
      NULL}},
    /* 4: [rrd] */
    {"[rrd]\n"
     "cached = 127.0.0.1:42217\n"
     "step = 0\n"
     "queue_max = 10\n",
     {"t.conf:2: cached must be unix:/path of the rrdcached socket",
      "t.conf:3: step: '0' is out of range (1s..1d)",
      "t.conf:4: queue_max: 10 is out of range (1000..10000000)", NULL}},
    /* 5: [http], a section name that is not an id, a named [mqtt] */
    {"[http]\n"
     "tls_cert = /nonexistent/cert.pem\n"
     "[site ../etc]\n"
     "[mqtt broker]\n",
     {"t.conf:2: tls_cert and tls_key go together",
      "t.conf:2: cannot read tls_cert '/nonexistent/cert.pem': No such "
      "file or directory",
      "t.conf:3: [site ../etc]: '../etc' is not a valid name (a-z, 0-9, "
      "'-', '_'; at most 63)",
      "t.conf:4: section [mqtt] takes no name", NULL}},
    /* 6: rules and notification targets */
    {"[rule hot]\n"
     "metric = Temp/CPU\n"
     "above = warm\n"
     "severity = huge\n"
     "[rule both]\n"
     "metric = cpu.util\n"
     "event = printer.jam\n"
     "above = 90\n"
     "[notify ops]\n"
     "type = webhook\n"
     "url = ftp://x\n"
     "[notify mail]\n"
     "type = email\n",
     {"t.conf:2: metric: 'Temp/CPU' is not a metric name",
      "t.conf:3: above: 'warm' is not a number",
      "t.conf:4: severity: 'huge' is not valid (use critical, warning, "
      "info)",
      "t.conf:5: rule needs exactly one of metric and event",
      "t.conf:11: url must start with http:// or https://",
      "t.conf:13: notify type email needs to", NULL}},
    /* 7: a duplicate key (common/conf.c) and a bad [cups] interval */
    {"[cups]\n"
     "server = localhost:631\n"
     "interval = 1\n"
     "[collector]\n"
     "log_level = info\n"
     "log_level = debug\n",
     {"t.conf:3: interval: '1' is out of range (10s..1d)",
      "t.conf:6: key 'log_level' given twice (first on line 5)", NULL}},
};

START_TEST(test_errors)
{
	struct conf_err errs = {0};
	struct collector_conf *cf;
	size_t i;

	write_file("t.conf", cases[_i].text);
	cf = config_load("t.conf", &errs);
	for (i = 0; cases[_i].errors[i] != NULL; i++) {
		ck_assert_msg(conf_err_get(&errs, i) != NULL,
		              "case %d: missing error '%s'", _i,
		              cases[_i].errors[i]);
		ck_assert_str_eq(conf_err_get(&errs, i), cases[_i].errors[i]);
	}
	ck_assert_msg(conf_err_get(&errs, i) == NULL,
	              "case %d: unexpected error '%s'", _i,
	              conf_err_get(&errs, i));
	if (i == 0)
		ck_assert_ptr_nonnull(cf);
	else
		ck_assert_ptr_null(cf);
	config_free(cf);
	conf_err_clear(&errs);
}
END_TEST

START_TEST(test_defaults)
{
	struct conf_err errs = {0};
	struct collector_conf *cf;

	write_file("t.conf", "");
	cf = config_load("t.conf", &errs);
	ck_assert_ptr_nonnull(cf);
	ck_assert_str_eq(cf->data_dir, LOCALSTATEDIR "/lib/pantau");
	ck_assert_int_eq(cf->log_level, LOG_LVL_INFO);
	ck_assert_str_eq(cf->mqtt_host, "127.0.0.1");
	ck_assert_int_eq(cf->mqtt_port, 1883);
	ck_assert_str_eq(cf->mqtt_client_id, "pantau-collector");
	ck_assert_uint_eq(cf->mqtt_keepalive, 60);
	ck_assert_ptr_null(cf->mqtt_username);
	ck_assert_ptr_null(cf->rrd_cached);
	ck_assert_uint_eq(cf->rrd_step, 0);
	ck_assert_int_eq(cf->rrd_queue_max, 200000);
	ck_assert_str_eq(cf->http_listen, "127.0.0.1:8080");
	config_free(cf);
}
END_TEST

START_TEST(test_values)
{
	struct conf_err errs = {0};
	struct collector_conf *cf;

	write_file("pw", "secret\n");
	write_file("t.conf", "[collector]\n"
	                     "data_dir = /srv/pantau\n"
	                     "log_level = debug\n"
	                     "[mqtt]\n"
	                     "host = broker.local\n"
	                     "username = collector\n"
	                     "password_file = pw\n"
	                     "tls_ca = pw\n"
	                     "client_id = pantau-collector-jatim\n"
	                     "keepalive = 2m\n"
	                     "[rrd]\n"
	                     "cached = unix:/run/rrdcached.sock\n"
	                     "step = 5m\n"
	                     "queue_max = 50000\n"
	                     "[http]\n"
	                     "listen = 127.0.0.1:9090\n"
	                     "[site asriloka]\n"
	                     "label = Telecenter Asri Loka\n"
	                     "[rule disk-full]\n"
	                     "metric = fs.root.used_pct\n"
	                     "above = 90\n"
	                     "for = 10m\n"
	                     "severity = warning\n"
	                     "[notify ops]\n"
	                     "type = webhook\n"
	                     "url = https://example.invalid/hook\n");
	cf = config_load("t.conf", &errs);
	ck_assert_msg(cf != NULL, "%s", conf_err_get(&errs, 0));
	ck_assert_str_eq(cf->data_dir, "/srv/pantau");
	ck_assert_int_eq(cf->log_level, LOG_LVL_DEBUG);
	ck_assert_str_eq(cf->mqtt_host, "broker.local");
	ck_assert_int_eq(cf->mqtt_port, 8883); /* TLS default */
	ck_assert_str_eq(cf->mqtt_username, "collector");
	ck_assert_str_eq(cf->mqtt_client_id, "pantau-collector-jatim");
	ck_assert_uint_eq(cf->mqtt_keepalive, 120);
	ck_assert_str_eq(cf->rrd_cached, "unix:/run/rrdcached.sock");
	ck_assert_uint_eq(cf->rrd_step, 300);
	ck_assert_int_eq(cf->rrd_queue_max, 50000);
	ck_assert_str_eq(cf->http_listen, "127.0.0.1:9090");
	config_free(cf);
}
END_TEST

START_TEST(test_missing_file)
{
	struct conf_err errs = {0};

	ck_assert_ptr_null(config_load("nonexistent.conf", &errs));
	ck_assert_str_eq(conf_err_get(&errs, 0),
	                 "nonexistent.conf: cannot "
	                 "open: No such file or directory");
	conf_err_clear(&errs);
}
END_TEST

START_TEST(test_example)
{
	struct conf_err errs = {0};
	struct collector_conf *cf;

	cf = config_load(FIXTURES "/../../collector/"
	                          "pantau-collector.conf.example",
	                 &errs);
	ck_assert_msg(cf != NULL, "%s", conf_err_get(&errs, 0));
	config_free(cf);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("collector_config");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_errors, 0,
	                    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_example);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
