/*
 * check_agentx_store.c: the store behind PANTAU-MIB (agent/agentx_store.c):
 * units by name, values printed as the MQTT payload prints them, the
 * integer and Counter64 conversions, and the hooks emit.c calls (rows in
 * the configuration's order, metrics keeping their index, absent metrics,
 * states, a reload that keeps a device's values, events to the notifier),
 * and the [snmp] section of config.c that turns it on.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/agentx_priv.h"

static const struct {
	const char *name, *unit;
} unit_cases[] = {
    {"cpu.util", "%"},
    {"mem.used_pct", "%"},
    {"mem.used_bytes", "bytes"},
    {"net.enp3s0.rx_bytes", "bytes"},
    {"net.enp3s0.rx_errors", "packets"},
    {"if.gi0_1.oper_up", "1/0"},
    {"if.gi0_1.speed_mbps", "Mbit/s"},
    {"if.gi0_1.in_discards", "packets"},
    {"disk.sda.media_errors", "errors"},
    {"disk.sda.io_ms", "ms"},
    {"disk.sda.temp_celsius", "degC"},
    {"disk.sda.power_on_hours", "hours"},
    {"disk.sda.smart_ok", "1/0"},
    {"temp.acpitz_temp1.celsius", "degC"},
    {"fan.nct6776_fan2.rpm", "rpm"},
    {"uptime.seconds", "s"},
    {"load.15", "processes"},
    {"printer.pages.total", "impressions"},
    {"printer.usage.meters", "meters"},
    {"printer.supply.black_toner.level_pct", "%"},
    {"projector.lamp.hours", "hours"},
    {"projector.error.lamp", "enum"},
    {"agent.spool.dropped", "messages"},
    {"something.new", ""},
};

START_TEST(test_units)
{
	ck_assert_str_eq(agentx_unit(unit_cases[_i].name), unit_cases[_i].unit);
}
END_TEST

static const struct {
	double v;
	const char *text;
	long integer;
	uint64_t c64;
} value_cases[] = {
    {0, "0", 0, 0},
    {43.21, "43.21", 43, 43},
    {-2.5, "-2.5", -3, 0},
    {123456, "123456", 123456, 123456},
    {1e15, "1e+15", 2147483647L, 1000000000000000ULL},
    {0.1, "0.1", 0, 0},
    {12345678901234.0, "12345678901234", 2147483647L, 12345678901234ULL},
    {-1e12, "-1000000000000", -2147483647L - 1, 0},
};

START_TEST(test_values)
{
	char buf[AGENTX_VALUE_MAX];

	agentx_format_value(value_cases[_i].v, buf, sizeof(buf));
	ck_assert_str_eq(buf, value_cases[_i].text);
	ck_assert_int_eq(agentx_integer(value_cases[_i].v),
	                 value_cases[_i].integer);
	ck_assert_uint_eq(agentx_counter64(value_cases[_i].v),
	                  value_cases[_i].c64);
}
END_TEST

static struct agent_device test_devs[2];
static struct agent_config test_cfg;

static void
setup_cfg(void)
{
	memset(&test_cfg, 0, sizeof(test_cfg));
	memset(test_devs, 0, sizeof(test_devs));
	strcpy(test_cfg.site, "asriloka");
	strcpy(test_cfg.device, "pc-01");
	strcpy(test_devs[0].name, "printer-lobby");
	test_devs[0].type = DEV_PRINTER;
	strcpy(test_devs[1].name, "proj-hall");
	test_devs[1].type = DEV_PROJECTOR;
	test_cfg.devices = test_devs;
	test_cfg.ndevices = 2;
}

static void
add(struct wire_metrics *m, int counter, const char *name, double v)
{
	ck_assert_int_eq(wire_metrics_add(m, counter, name, v), 0);
}

START_TEST(test_hooks)
{
	struct agentx *ax;
	struct wire_metrics m = {0};
	struct agentx_dev *d;

	setup_cfg();
	ax = agentx_store_new(&test_cfg);
	ck_assert_ptr_nonnull(ax);
	ck_assert_uint_eq(ax->ndevs, 3);
	ck_assert_str_eq(ax->devs[0].id, "pc-01");
	ck_assert_int_eq(ax->devs[0].type, DEV_PC);
	ck_assert_str_eq(ax->devs[2].id, "proj-hall");
	ck_assert_int_eq(ax->devs[1].state, AGENTX_STATE_UNKNOWN);

	m.ts = 1700000000;
	m.type = DEV_PRINTER;
	m.interval = 60;
	add(&m, 0, "printer.status", 3);
	add(&m, 1, "printer.pages.total", 98765);
	agentx_on_metrics(ax, "pantau/v1/asriloka/printer-lobby/metrics", &m);
	wire_metrics_clear(&m);
	d = &ax->devs[1];
	ck_assert_int_eq(d->last_seen, 1700000000);
	ck_assert_uint_eq(d->nmetrics, 2);
	ck_assert_str_eq(d->metrics[1].name, "printer.pages.total");
	ck_assert(d->metrics[1].counter);
	ck_assert(!d->metrics[0].counter);

	/* The next round lacks status and adds a supply: status keeps
	 * index 1 but is absent, the supply gets index 3. */
	m.ts = 1700000060;
	m.type = DEV_PRINTER;
	m.interval = 60;
	add(&m, 0, "printer.supply.black.level_pct", 7);
	add(&m, 1, "printer.pages.total", 98770);
	agentx_on_metrics(ax, "pantau/v1/asriloka/printer-lobby/metrics", &m);
	wire_metrics_clear(&m);
	ck_assert_uint_eq(d->nmetrics, 3);
	ck_assert(!d->metrics[0].present);
	ck_assert(d->metrics[1].present);
	ck_assert(d->metrics[1].value == 98770);
	ck_assert_str_eq(d->metrics[2].name, "printer.supply.black.level_pct");

	agentx_on_status(ax, "pantau/v1/asriloka/printer-lobby/status",
	                 WIRE_UNREACHABLE, 1700000120);
	ck_assert_int_eq(d->state, WIRE_UNREACHABLE);

	/* The PC is online once its round went out. */
	m.ts = 1700000000;
	m.type = DEV_PC;
	m.interval = 60;
	add(&m, 0, "cpu.util", 12.5);
	agentx_on_metrics(ax, "pantau/v1/asriloka/pc-01/metrics", &m);
	wire_metrics_clear(&m);
	ck_assert_int_eq(ax->devs[0].state, WIRE_ONLINE);

	/* A reload that drops the projector and keeps the printer. */
	test_cfg.ndevices = 1;
	ck_assert_int_eq(agentx_store_sync(ax, &test_cfg), 0);
	ck_assert_uint_eq(ax->ndevs, 2);
	d = &ax->devs[1];
	ck_assert_str_eq(d->id, "printer-lobby");
	ck_assert_uint_eq(d->nmetrics, 3);
	ck_assert_int_eq(d->state, WIRE_UNREACHABLE);
	agentx_store_free(ax);
}
END_TEST

static size_t notified_dev;
static char notified_code[NAME_METRIC_MAX + 1];

static void
notify(struct agentx *ax, size_t dev, const struct wire_event *ev)
{
	(void)ax;
	notified_dev = dev;
	strcpy(notified_code, ev->code);
}

START_TEST(test_events)
{
	struct agentx *ax;
	struct wire_event ev = {0};

	setup_cfg();
	ax = agentx_store_new(&test_cfg);
	ck_assert_ptr_nonnull(ax);
	strcpy(ev.code, "projector.lamp");
	/* No notifier (not connected): nothing happens. */
	agentx_on_event(ax, "pantau/v1/asriloka/proj-hall/events", &ev);
	ax->notify = notify;
	agentx_on_event(ax, "pantau/v1/asriloka/proj-hall/events", &ev);
	ck_assert_uint_eq(notified_dev, 2);
	ck_assert_str_eq(notified_code, "projector.lamp");
	/* A bad topic is ignored. */
	notified_code[0] = '\0';
	agentx_on_event(ax, "not/a/topic", &ev);
	ck_assert_str_eq(notified_code, "");
	/* The hooks accept NULL: no [snmp] agentx. */
	agentx_on_event(NULL, "pantau/v1/asriloka/proj-hall/events", &ev);
	agentx_store_free(ax);
}
END_TEST

/* [snmp] agentx: what config.c takes, and the FILE:LINE errors. */
static const struct {
	const char *section; /* lines after [agent] and [mqtt] */
	const char *agentx;  /* NULL: refused */
	const char *error;   /* the error, when refused */
} snmp_cases[] = {
    {"[snmp]\nagentx = tcp:127.0.0.1:705\n", "tcp:127.0.0.1:705", NULL},
    {"[snmp]\nagentx = /var/agentx/master\n", "/var/agentx/master", NULL},
    {"[snmp]\nagentx = unix:/run/agentx\n", "unix:/run/agentx", NULL},
    {"[snmp]\nagentx = tcp6:[::1]:705\n", "tcp6:[::1]:705", NULL},
    {"", NULL, NULL}, /* no section: no subagent */
    {"[snmp]\nagentx = tcp:127.0.0.1\n", NULL,
     "t.conf:6: agentx: 'tcp:127.0.0.1' is not tcp:HOST:PORT or "
     "tcp6:[HOST]:PORT (port 1..65535)"},
    {"[snmp]\nagentx = tcp:127.0.0.1:0\n", NULL,
     "t.conf:6: agentx: 'tcp:127.0.0.1:0' is not tcp:HOST:PORT or "
     "tcp6:[HOST]:PORT (port 1..65535)"},
    {"[snmp]\nagentx = tcp::705\n", NULL,
     "t.conf:6: agentx: 'tcp::705' is not tcp:HOST:PORT or "
     "tcp6:[HOST]:PORT (port 1..65535)"},
    {"[snmp]\n\nagentx = localhost:705\n", NULL,
     "t.conf:7: agentx: 'localhost:705' is not tcp:HOST:PORT, unix:/PATH "
     "or an absolute socket path"},
    {"[snmp]\nagentx = var/agentx\n", NULL,
     "t.conf:6: agentx: 'var/agentx' is not tcp:HOST:PORT, unix:/PATH or "
     "an absolute socket path"},
    {"[snmp backup]\nagentx = tcp:127.0.0.1:705\n", NULL,
     "t.conf:5: section [snmp] takes no name"},
};

START_TEST(test_config)
{
	char text[512];
	struct agent_config cfg;
	struct conf_err errs = {0};
	int r;

	snprintf(text, sizeof(text),
	         "[agent]\nsite = asriloka\ndevice = pc-01\n\n%s",
	         snmp_cases[_i].section);
	r = config_load_string("t.conf", text, "pc-01", &cfg, &errs);
	if (snmp_cases[_i].error == NULL) {
		ck_assert_msg(r == 0, "refused: %s", conf_err_get(&errs, 0));
		if (snmp_cases[_i].agentx == NULL)
			ck_assert_ptr_null(cfg.snmp_agentx);
		else
			ck_assert_str_eq(cfg.snmp_agentx,
			                 snmp_cases[_i].agentx);
		config_clear(&cfg);
	} else {
		ck_assert_int_eq(r, -1);
		ck_assert_str_eq(conf_err_get(&errs, 0), snmp_cases[_i].error);
		ck_assert_ptr_null(conf_err_get(&errs, 1));
	}
	conf_err_clear(&errs);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("agentx_store");
	TCase *tc = tcase_create("store");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_units, 0,
	                    sizeof(unit_cases) / sizeof(unit_cases[0]));
	tcase_add_loop_test(tc, test_values, 0,
	                    sizeof(value_cases) / sizeof(value_cases[0]));
	tcase_add_test(tc, test_hooks);
	tcase_add_test(tc, test_events);
	tcase_add_loop_test(tc, test_config, 0,
	                    sizeof(snmp_cases) / sizeof(snmp_cases[0]));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
