/*
 * check_site_ctl: pantauctl site bridge-config (collector/site_ctl.c).
 * The queue arithmetic table-driven, the exact configuration text with
 * and without TLS, and the command over a real configuration file and
 * database: refused ids, the warning for a site never seen, the device
 * count and interval taken from the database, --remote, the password
 * file, and the -o file's mode.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector/collector.h"
#include "collector/db.h"
#include "collector/site_ctl.h"
#include "common/wire.h"

static char dir[256];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "%s/check_site_ctl.XXXXXX",
	         getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	log_init("check_site_ctl", 1, LOG_LVL_ERR);
}

static void
teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static const struct {
	unsigned devices, interval, hours;
	unsigned long want;
} queue_cases[] = {
    {30, 60, 24, 54000}, /* 43,200 + 10,800 */
    {20, 60, 24, 36000}, /* 28,800 + 7,200 */
    {20, 300, 24, 8000}, /* 5,760 + 1,440 = 7,200, up to a thousand */
    {5, 60, 1, 1000},    /* 375: mosquitto's default is the floor */
    {20, 7, 1, 13000},   /* 515 rounds an hour (514.3 up) x 20 x 1.25 */
    {0, 60, 24, 0},      {20, 0, 24, 0},
};

START_TEST(test_queue)
{
	struct site_bridge b = {0};

	b.devices = queue_cases[_i].devices;
	b.interval = queue_cases[_i].interval;
	b.hours = queue_cases[_i].hours;
	ck_assert_uint_eq(site_bridge_queue(&b), queue_cases[_i].want);
}
END_TEST

static const char want_tls[] =
    "# pantau: bridge of site asriloka to the province broker "
    "mqtt.jatimprov.example:8883.\n"
    "# From pantauctl site bridge-config; on a Debian site broker put it "
    "in\n"
    "# /etc/mosquitto/conf.d/pantau-bridge.conf and restart mosquitto.\n"
    "#\n"
    "# While the link is down the site broker queues for the bridge:\n"
    "# 20 devices x 60 rounds an hour (interval 60 s) x 24 h,\n"
    "# plus a quarter for status, inventory and events = 36000 messages.\n"
    "# These three are global: they apply to the whole site broker.\n"
    "persistence true\n"
    "autosave_interval 60\n"
    "max_queued_messages 36000\n"
    "\n"
    "connection pantau-asriloka\n"
    "address mqtt.jatimprov.example:8883\n"
    "topic pantau/v1/asriloka/# out 1\n"
    "bridge_protocol_version mqttv311\n"
    "cleansession false\n"
    "local_clientid pantau-bridge-asriloka.local\n"
    "remote_clientid pantau-bridge-asriloka\n"
    "remote_username pantau-bridge-asriloka\n"
    "remote_password s3cret-Pass\n"
    "bridge_cafile /etc/mosquitto/ca_certificates/pantau-province.crt\n"
    "bridge_tls_version tlsv1.2\n"
    "bridge_insecure false\n"
    "try_private true\n"
    "notifications true\n";

START_TEST(test_write_tls)
{
	struct site_bridge b = {
	    .site = "asriloka",
	    .host = "mqtt.jatimprov.example",
	    .port = 8883,
	    .cafile = SITE_BRIDGE_CAFILE,
	    .username = "pantau-bridge-asriloka",
	    .password = "s3cret-Pass",
	    .protocol = "mqttv311",
	    .devices = 20,
	    .interval = 60,
	    .hours = 24,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(site_bridge_write(f, &b), 0);
	fclose(f);
	ck_assert_str_eq(buf, want_tls);
	free(buf);
}
END_TEST

START_TEST(test_write_plain)
{
	struct site_bridge b = {
	    .site = "gresik-01",
	    .host = "127.0.0.1",
	    .port = 1883,
	    .username = "br",
	    .protocol = "mqttv50",
	    .devices = 5,
	    .interval = 1,
	    .hours = 1,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(site_bridge_write(f, &b), 0);
	fclose(f);
	ck_assert_ptr_nonnull(
	    strstr(buf, "# 5 devices x 3600 rounds an hour (interval 1 s) x "
	                "1 h,\n# plus a quarter for status, inventory and "
	                "events = 23000 messages.\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nconnection pantau-gresik-01\n"
	                                  "address 127.0.0.1:1883\n"
	                                  "topic pantau/v1/gresik-01/# out 1\n"
	                                  "bridge_protocol_version mqttv50\n"));
	ck_assert_ptr_nonnull(
	    strstr(buf, "remote_username br\n"
	                "# remote_password: give pantauctl --password-file "
	                "FILE\n"
	                "# no TLS (--no-tls): for a lab or a test on loopback "
	                "only\n"
	                "try_private true\n"
	                "notifications true\n"));
	ck_assert_ptr_null(strstr(buf, "bridge_cafile"));
	free(buf);
}
END_TEST

/* Runs the command on a configuration naming 'mqtt_host'. */
struct run {
	int rc;
	char *out;
	char *err;
};

static struct run
run_ctl_conf(const char *mqtt_host, const char *extra, const char *const *args)
{
	struct collector_conf *cf;
	struct conf_err errs = {0};
	struct run r;
	char conf[512], path[512];
	char *argv[24];
	size_t olen = 0, elen = 0;
	FILE *out, *err;
	int argc = 0;

	snprintf(conf, sizeof conf,
	         "[collector]\ndata_dir = %s\n[mqtt]\nhost = %s\n%s", dir,
	         mqtt_host, extra);
	write_file("collector.conf", conf);
	snprintf(path, sizeof path, "%s/collector.conf", dir);
	cf = config_load(path, &errs);
	conf_err_clear(&errs);
	ck_assert_ptr_nonnull(cf);
	/* strdup: argv is not const, the cases are */
	argv[argc++] = strdup("site");
	argv[argc++] = strdup("bridge-config");
	while (*args != NULL && argc < 23)
		argv[argc++] = strdup(*args++);
	argv[argc] = NULL;
	out = open_memstream(&r.out, &olen);
	err = open_memstream(&r.err, &elen);
	r.rc = site_ctl_run(cf, argc, argv, out, err);
	fclose(out);
	fclose(err);
	config_free(cf);
	while (argc > 0)
		free(argv[--argc]);
	return r;
}

static struct run
run_ctl(const char *mqtt_host, const char *const *args)
{
	return run_ctl_conf(mqtt_host, "", args);
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static const char *const bad_ids[] = {
    "Asriloka",
    "asri/loka",
    "_asri",
    "pantau/v1/#",
    "",
    "a234567890123456789012345678901234567890123456789012345678901234",
};

START_TEST(test_bad_site)
{
	const char *args[] = {bad_ids[_i], "--remote", "prov.example", NULL};
	struct run r = run_ctl("prov.example", args);

	ck_assert_int_eq(r.rc, 2);
	ck_assert_str_eq(r.out, "");
	ck_assert_ptr_nonnull(strstr(r.err, "not a site id"));
	run_free(&r);
}
END_TEST

static const struct {
	const char *args[8];
	const char *err; /* a part of the message */
} usage_cases[] = {
    {{NULL}, "usage: pantauctl site bridge-config SITE"},
    {{"a", "b", NULL}, "one SITE only"},
    {{"a", "--remote", "host name:1", NULL}, "--remote: HOST[:PORT]"},
    {{"a", "--remote", "h:0", NULL}, "--remote: HOST[:PORT]"},
    {{"a", "--remote", "h:65536", NULL}, "--remote: HOST[:PORT]"},
    {{"a", "--protocol", "mqttv5", NULL}, "--protocol: mqttv311 or mqttv50"},
    {{"a", "--cafile", "/x", "--no-tls", NULL}, "exclude each other"},
    {{"a", "--devices", "0", NULL}, "--devices: 1..100000"},
    {{"a", "--frob", "1", NULL}, "unknown option '--frob'"},
    {{"a", "--remote", NULL}, "--remote needs a value"},
};

START_TEST(test_usage)
{
	struct run r = run_ctl("prov.example", usage_cases[_i].args);

	ck_assert_int_eq(r.rc, 2);
	ck_assert_str_eq(r.out, "");
	ck_assert_ptr_nonnull(strstr(r.err, usage_cases[_i].err));
	run_free(&r);
}
END_TEST

START_TEST(test_loopback_default)
{
	const char *args[] = {"asriloka", NULL};
	struct run r = run_ctl("127.0.0.1", args);

	ck_assert_int_eq(r.rc, 2);
	ck_assert_str_eq(r.out, "");
	ck_assert_str_eq(r.err,
	                 "pantauctl: the collector's broker is 127.0.0.1, "
	                 "which a site cannot reach: give --remote "
	                 "HOST[:PORT]\n");
	run_free(&r);
}
END_TEST

/* Unknown: a warning, and the configuration with the defaults. */
START_TEST(test_unknown_site)
{
	const char *args[] = {"asriloka", NULL};
	struct run r = run_ctl("mqtt.jatimprov.example", args);

	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.err,
	                 "pantauctl: warning: site 'asriloka' is not known "
	                 "yet (no device seen, no [site asriloka] section); "
	                 "the configuration follows anyway\n");
	ck_assert_ptr_nonnull(strstr(r.out, "# 30 devices x 60 rounds"));
	ck_assert_ptr_nonnull(strstr(r.out, "\nmax_queued_messages 54000\n"));
	ck_assert_ptr_nonnull(
	    strstr(r.out, "\naddress mqtt.jatimprov.example:8883\n"));
	ck_assert_ptr_nonnull(
	    strstr(r.out, "\nbridge_cafile " SITE_BRIDGE_CAFILE "\n"));
	run_free(&r);
}
END_TEST

/* Known through its [site NAME] section alone: no warning, defaults. */
START_TEST(test_known_by_section)
{
	const char *args[] = {"asriloka", NULL};
	struct run r =
	    run_ctl_conf("mqtt.jatimprov.example",
	                 "[site asriloka]\nlabel = Asriloka\n", args);

	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.err, "");
	ck_assert_ptr_nonnull(strstr(r.out, "\nmax_queued_messages 54000\n"));
	run_free(&r);
}
END_TEST

static void
seed_device(struct db *db, const char *site, const char *device,
            unsigned interval)
{
	struct wire_metrics m;

	memset(&m, 0, sizeof m);
	m.ts = 1764374400;
	m.seq = 1;
	m.type = DEV_PC;
	m.interval = interval;
	ck_assert_int_eq(db_metrics_store(db, site, device, &m, m.ts), 0);
}

/* Known: no warning; devices and the shortest interval from the db. */
START_TEST(test_known_site)
{
	const char *args[] = {"asriloka",      "--remote", "10.1.2.3:18883",
	                      "--queue-hours", "12",       NULL};
	char path[512], err[256];
	struct db *db;
	struct run r;

	snprintf(path, sizeof path, "%s/pantau.db", dir);
	ck_assert_ptr_nonnull(db = db_open(path, 0, err, sizeof err));
	seed_device(db, "asriloka", "pc-01", 60);
	seed_device(db, "asriloka", "pc-02", 30);
	seed_device(db, "asriloka", "printer-1", 300);
	seed_device(db, "gresik", "pc-01", 10);
	db_close(db);

	r = run_ctl("127.0.0.1", args);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.err, "");
	/* 3 x 120 x 12 = 4,320 + 1,080 = 5,400 -> 6,000 */
	ck_assert_ptr_nonnull(
	    strstr(r.out, "# 3 devices x 120 rounds an hour (interval 30 s) "
	                  "x 12 h,\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "\nmax_queued_messages 6000\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "\naddress 10.1.2.3:18883\n"));
	run_free(&r);
}
END_TEST

START_TEST(test_password_and_output)
{
	const char *args[] = {"asriloka",
	                      "--remote",
	                      "prov.example",
	                      "--password-file",
	                      NULL,
	                      "--username",
	                      "site-asriloka",
	                      "--no-tls",
	                      "-o",
	                      NULL,
	                      NULL};
	char pw[512], outp[512], text[2048];
	struct stat st;
	struct run r;
	FILE *f;
	size_t n;

	snprintf(pw, sizeof pw, "%s/bridge.pass", dir);
	snprintf(outp, sizeof outp, "%s/bridge.conf", dir);
	args[4] = pw;
	args[9] = outp;
	write_file("bridge.pass", "pa ss#word\nignored\n");
	r = run_ctl("prov.example", args);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.out, "");
	ck_assert_str_eq(r.err, "pantauctl: warning: site 'asriloka' is not "
	                        "known yet (no device seen, no [site "
	                        "asriloka] section); the configuration "
	                        "follows anyway\n");
	run_free(&r);
	ck_assert_int_eq(stat(outp, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_ptr_nonnull(f = fopen(outp, "r"));
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	ck_assert_ptr_nonnull(strstr(text, "\naddress prov.example:1883\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nremote_username site-asriloka\n"
	                                   "remote_password pa ss#word\n"));

	/* a password the broker would read differently is refused, unsaid */
	write_file("bridge.pass", " secret\n");
	r = run_ctl("prov.example", args);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_ptr_null(strstr(r.err, "secret"));
	ck_assert_ptr_nonnull(strstr(r.err, "the first line must be"));
	run_free(&r);
}
END_TEST

static Suite *
site_ctl_suite(void)
{
	Suite *s = suite_create("site_ctl");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_queue, 0,
	                    sizeof queue_cases / sizeof queue_cases[0]);
	tcase_add_test(tc, test_write_tls);
	tcase_add_test(tc, test_write_plain);
	tcase_add_loop_test(tc, test_bad_site, 0,
	                    sizeof bad_ids / sizeof bad_ids[0]);
	tcase_add_loop_test(tc, test_usage, 0,
	                    sizeof usage_cases / sizeof usage_cases[0]);
	tcase_add_test(tc, test_loopback_default);
	tcase_add_test(tc, test_unknown_site);
	tcase_add_test(tc, test_known_site);
	tcase_add_test(tc, test_known_by_section);
	tcase_add_test(tc, test_password_and_output);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(site_ctl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
