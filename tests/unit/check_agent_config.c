/*
 * check_agent_config.c: pantau-agent.conf validation (agent/config.c).
 *
 * Table-driven: each bad case is a small file and the exact list of
 * "FILE:LINE: message" lines it must produce; the good cases check every
 * value and default that lands in struct agent_config.
 */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"

#define HOST "PC-Lab01.asriloka.local"

START_TEST(test_minimal_defaults)
{
	struct agent_config c;
	struct conf_err e = {0};

	ck_assert_int_eq(config_load_string("t.conf",
	                                    "[agent]\nsite = asriloka\n", HOST,
	                                    &c, &e),
	                 0);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_str_eq(c.site, "asriloka");
	ck_assert_str_eq(c.device, "pc-lab01");
	ck_assert_uint_eq(c.interval, 60);
	ck_assert_str_eq(c.spool_dir, CONFIG_DEFAULT_SPOOL);
	ck_assert_uint_eq(c.spool_max, 64u * 1024 * 1024);
	ck_assert_ptr_null(c.smartctl);
	ck_assert_int_eq(c.log_level, LOG_LVL_INFO);
	ck_assert_str_eq(c.mqtt.host, "127.0.0.1");
	ck_assert_uint_eq(c.mqtt.port, 1883);
	ck_assert_uint_eq(c.mqtt.keepalive, 60);
	ck_assert_uint_eq(c.mqtt.reconnect_max, 60);
	ck_assert_ptr_null(c.mqtt.username);
	ck_assert_ptr_null(c.mqtt.tls_ca);
	ck_assert_uint_eq(c.ndevices, 0);
	ck_assert_str_eq(c.path, "t.conf");
	config_clear(&c);
}
END_TEST

START_TEST(test_full)
{
	static const char text[] = "[agent]\n"
	                           "site = asriloka\n"
	                           "device = pc-01            ; the lab PC\n"
	                           "interval = 5m\n"
	                           "spool_dir = /tmp/spool\n"
	                           "spool_max_mb = 32k\n"
	                           "smartctl = /usr/sbin/smartctl\n"
	                           "smart_interval = 2h\n"
	                           "smart_timeout = 20\n"
	                           "log_level = debug\n"
	                           "\n"
	                           "[mqtt]\n"
	                           "host = broker.lan\n"
	                           "username = pc-01\n"
	                           "password_file = /dev/null\n"
	                           "tls_ca = /dev/null\n"
	                           "keepalive = 30\n"
	                           "reconnect_max = 2\n"
	                           "\n"
	                           "[device printer-lobby]\n"
	                           "type = printer\n"
	                           "address = 192.168.10.20\n"
	                           "community = sekret\n"
	                           "\n"
	                           "[device sw-core]\n"
	                           "type = switch\n"
	                           "address = [fe80::1]:1161\n"
	                           "snmp_version = 3\n"
	                           "snmp_user = pantau\n"
	                           "snmp_auth = SHA-256\n"
	                           "snmp_auth_pass = authpass1\n"
	                           "snmp_priv = AES\n"
	                           "snmp_priv_pass = privpass1\n"
	                           "interval = 30\n"
	                           "\n"
	                           "[device proj-1]\n"
	                           "type = projector\n"
	                           "address = proj-1.lan:4352\n"
	                           "pjlink_password = JBMIAProjectorLink\n";
	struct agent_config c;
	struct conf_err e = {0};

	ck_assert_int_eq(config_load_string("t.conf", text, HOST, &c, &e), 0);
	ck_assert_str_eq(c.device, "pc-01");
	ck_assert_uint_eq(c.interval, 300);
	ck_assert_str_eq(c.spool_dir, "/tmp/spool");
	ck_assert_uint_eq(c.spool_max, 32 * 1024);
	ck_assert_str_eq(c.smartctl, "/usr/sbin/smartctl");
	ck_assert_uint_eq(c.smart_interval, 7200);
	ck_assert_uint_eq(c.smart_timeout, 20);
	ck_assert_int_eq(c.log_level, LOG_LVL_DEBUG);
	ck_assert_str_eq(c.mqtt.host, "broker.lan");
	ck_assert_uint_eq(c.mqtt.port, 8883); /* TLS default */
	ck_assert_str_eq(c.mqtt.username, "pc-01");
	ck_assert_str_eq(c.mqtt.password_file, "/dev/null");
	ck_assert_uint_eq(c.mqtt.keepalive, 30);
	ck_assert_uint_eq(c.mqtt.reconnect_max, 2);
	ck_assert_uint_eq(c.ndevices, 3);

	ck_assert_str_eq(c.devices[0].name, "printer-lobby");
	ck_assert_int_eq(c.devices[0].type, DEV_PRINTER);
	ck_assert_str_eq(c.devices[0].host, "192.168.10.20");
	ck_assert_uint_eq(c.devices[0].port, 0);
	ck_assert_int_eq(c.devices[0].snmp_version, 2);
	ck_assert_str_eq(c.devices[0].community, "sekret");
	ck_assert_uint_eq(c.devices[0].interval, 300);

	ck_assert_str_eq(c.devices[1].name, "sw-core");
	ck_assert_int_eq(c.devices[1].type, DEV_SWITCH);
	ck_assert_str_eq(c.devices[1].host, "fe80::1");
	ck_assert_uint_eq(c.devices[1].port, 1161);
	ck_assert_int_eq(c.devices[1].snmp_version, 3);
	ck_assert_ptr_null(c.devices[1].community);
	ck_assert_str_eq(c.devices[1].snmp_user, "pantau");
	ck_assert_int_eq(c.devices[1].snmp_auth, SNMP_AUTH_SHA256);
	ck_assert_int_eq(c.devices[1].snmp_priv, SNMP_PRIV_AES);
	ck_assert_str_eq(c.devices[1].snmp_priv_pass, "privpass1");
	ck_assert_uint_eq(c.devices[1].interval, 30);

	ck_assert_str_eq(c.devices[2].name, "proj-1");
	ck_assert_int_eq(c.devices[2].type, DEV_PROJECTOR);
	ck_assert_str_eq(c.devices[2].host, "proj-1.lan");
	ck_assert_uint_eq(c.devices[2].port, 4352);
	ck_assert_str_eq(c.devices[2].pjlink_password, "JBMIAProjectorLink");
	config_clear(&c);
}
END_TEST

/* A bad file and every line it must produce, in order. */
struct bad_case {
	const char *text;
	const char *errors[6];
};

static const struct bad_case bad_cases[] = {
    /* The three-error file of issue 2. */
    {"[agent]\nsite = Asri Loka\ninterval = 5 minutes\ncolour = blue\n",
     {"t.conf:2: site: 'Asri Loka' is not a valid id (use a-z, 0-9, "
      "'-' and '_', at most 63 characters, starting with a letter or "
      "digit)",
      "t.conf:3: interval: '5 minutes' is not a duration (use 60, 5m, "
      "1h)",
      "t.conf:4: unknown key 'colour' in section [agent]"}},
    {"[mqtt]\nhost = x\n", {"t.conf: missing section [agent]"}},
    {"[agent]\ninterval = 60\n",
     {"t.conf:1: missing required key 'site' in section [agent]"}},
    {"[agent]\nsite = a\ninterval = 0\n",
     {"t.conf:3: interval: '0' is out of range (1s..1d)"}},
    {"[agent]\nsite = a\nspool_max_mb = lots\n",
     {"t.conf:3: spool_max_mb: 'lots' is not a size (use 64, 512k, "
      "64M, 1G)"}},
    {"[agent]\nsite = a\ndevice = -x\n",
     {"t.conf:3: device: '-x' is not a valid id (use a-z, 0-9, '-' "
      "and '_', at most 63 characters, starting with a letter or "
      "digit)"}},
    {"[agent]\nsite = a\n[agent x]\n",
     {"t.conf:3: section [agent] takes no name"}},
    {"[agent]\nsite = a\n[printers]\ntype = x\n",
     {"t.conf:3: unknown section [printers]"}},
    {"[agent]\nsite = a\n[mqtt]\nport = 0\npassword_file = /dev/null\n"
     "keepalive = 1\n",
     {"t.conf:4: port: 0 is out of range (1..65535)",
      "t.conf:5: password_file: needs username",
      "t.conf:6: keepalive: '1' is out of range (5s..65535s)"}},
    {"[agent]\nsite = a\n[mqtt]\nusername = u\n"
     "password_file = /nonexistent/pass\n",
     {"t.conf:5: password_file: cannot read '/nonexistent/pass': No "
      "such file or directory"}},
    {"[agent]\nsite = a\n[device]\ntype = printer\naddress = h\n",
     {"t.conf:3: section [device] needs a name: [device NAME]"}},
    {"[agent]\nsite = a\n[device Lobby]\ntype = printer\naddress = h\n",
     {"t.conf:3: device name 'Lobby' is not a valid id (use a-z, 0-9, "
      "'-' and '_', at most 63 characters, starting with a letter or "
      "digit)"}},
    {"[agent]\nsite = a\ndevice = pc-01\n[device pc-01]\ntype = pc\n"
     "address = h\n",
     {"t.conf:4: device 'pc-01' is this agent's own device id"}},
    {"[agent]\nsite = a\n[device p]\ntype = fax\naddress = h:0\n"
     "snmp_version = 2\n",
     {"t.conf:4: type: 'fax' is not valid (use pc, printer, switch, "
      "projector)",
      "t.conf:5: address: 'h:0' is not an address (use host, "
      "host:port or [v6-address]:port)",
      "t.conf:6: snmp_version: '2' is not valid (use 1, 2c, 3)"}},
    {"[agent]\nsite = a\n[device p]\n",
     {"t.conf:3: missing required key 'type' in section [device p]",
      "t.conf:3: missing required key 'address' in section "
      "[device p]"}},
    {"[agent]\nsite = a\n[device p]\ntype = printer\naddress = h\n"
     "snmp_user = u\npjlink_password = x\n",
     {"t.conf:6: snmp_user: only used with snmp_version = 3",
      "t.conf:7: pjlink_password: only used with type = projector"}},
    {"[agent]\nsite = a\n[device p]\ntype = switch\naddress = h\n"
     "snmp_version = 3\ncommunity = public\nsnmp_auth = SHA\n"
     "snmp_priv = DES\nsnmp_priv_pass = short\n",
     {"t.conf:3: missing required key 'snmp_user' in section "
      "[device p]",
      "t.conf:7: community: not used with snmp_version = 3",
      "t.conf:8: snmp_auth: needs snmp_auth_pass",
      "t.conf:10: snmp_priv_pass: must have at least 8 characters"}},
    {"[agent]\nsite = a\n[device p]\ntype = switch\naddress = h\n"
     "snmp_version = 3\nsnmp_user = u\nsnmp_priv = AES\n"
     "snmp_priv_pass = longenough\nsnmp_auth = SHA-1\n",
     {"t.conf:8: snmp_priv: needs snmp_auth",
      "t.conf:10: snmp_auth: 'SHA-1' is not valid (use SHA, SHA-256, "
      "MD5)"}},
};

START_TEST(test_bad)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct agent_config c;
	struct conf_err e = {0};
	size_t n;

	ck_assert_int_eq(config_load_string("t.conf", bc->text, HOST, &c, &e),
	                 -1);
	for (n = 0; n < 6 && bc->errors[n] != NULL; n++) {
		ck_assert_ptr_nonnull(conf_err_get(&e, n));
		ck_assert_str_eq(conf_err_get(&e, n), bc->errors[n]);
	}
	ck_assert_ptr_null(conf_err_get(&e, n));
	/* A refused file leaves nothing behind. */
	ck_assert_ptr_null(c.spool_dir);
	ck_assert_ptr_null(c.devices);
	conf_err_clear(&e);
}
END_TEST

START_TEST(test_unusable_hostname)
{
	struct agent_config c;
	struct conf_err e = {0};

	ck_assert_int_eq(
	    config_load_string("t.conf", "[agent]\nsite = a\n", "...", &c, &e),
	    -1);
	ck_assert_str_eq(conf_err_get(&e, 0),
	                 "t.conf:1: device: cannot make "
	                 "an id of host name '...'; set device");
	conf_err_clear(&e);
}
END_TEST

/*
 * config_devices_equal(): what makes a SIGHUP restart the device pollers.
 * Each case is the base file with one line changed; only "" (no change)
 * and a changed comment keep the devices equal.
 */
static const char devices_base[] =
    "[agent]\nsite = a\ndevice = pc-01\n"
    "[device printer-lobby]\ntype = printer\naddress = 10.0.0.5\n"
    "community = public\ninterval = 60\n"
    "[device proj-1]\ntype = projector\naddress = 10.0.0.9:4352\n";

static const struct {
	const char *from, *to;
	bool equal;
} devices_cases[] = {
    {"", "", true},
    {"site = a", "site = b ; other site, same devices", true},
    {"community = public", "community = private", false},
    {"address = 10.0.0.5", "address = 10.0.0.6", false},
    {"address = 10.0.0.9:4352", "address = 10.0.0.9:4353", false},
    {"interval = 60", "interval = 30", false},
    {"type = printer", "type = switch", false},
    {"[device proj-1]", "[device proj-2]", false},
    {"[device proj-1]\ntype = projector\naddress = 10.0.0.9:4352\n", "", false},
    {"address = 10.0.0.9:4352",
     "address = 10.0.0.9:4352\n"
     "pjlink_password = secret",
     false},
};

START_TEST(test_devices_equal)
{
	struct agent_config x, y;
	struct conf_err e = {0};
	char text[1024];
	const char *at;
	size_t pre;

	at = strstr(devices_base, devices_cases[_i].from);
	ck_assert_ptr_nonnull(at);
	pre = (size_t)(at - devices_base);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)pre, devices_base,
	         devices_cases[_i].to, at + strlen(devices_cases[_i].from));
	ck_assert_int_eq(
	    config_load_string("x.conf", devices_base, HOST, &x, &e), 0);
	ck_assert_int_eq(config_load_string("y.conf", text, HOST, &y, &e), 0);
	ck_assert_int_eq(config_devices_equal(&x, &y), devices_cases[_i].equal);
	ck_assert_int_eq(config_devices_equal(&y, &x), devices_cases[_i].equal);
	config_clear(&x);
	config_clear(&y);
	conf_err_clear(&e);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("agent_config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_minimal_defaults);
	tcase_add_test(tc, test_full);
	tcase_add_loop_test(tc, test_bad, 0,
	                    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_unusable_hostname);
	tcase_add_loop_test(
	    tc, test_devices_equal, 0,
	    (int)(sizeof(devices_cases) / sizeof(devices_cases[0])));
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
