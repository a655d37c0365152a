/*
 * check_alert.c: the alert engine (collector/alert*.c) on a real database.
 *
 * Table-driven: a rule, a sequence of samples, and what must be in the
 * tables afterwards (alerts fired, still firing, resolved, flapping,
 * silenced, tickets opened, timeline notes).  Then events, presence and
 * site outages, the configuration checks, a restart that keeps a firing
 * alert, and the cost per sample (printed, and bounded loosely).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "collector/alert.h"
#include "collector/db.h"
#include "collector/notify.h"
#include "common/log.h"

static char dir[256];
static struct db *db;
static struct alert_engine *eng;
static int notified;

static int
count_notify(void *arg, const struct notify_msg *m)
{
	(void)arg;
	(void)m;
	notified++;
	return 0;
}

static struct alert_rules *
rules_from(const char *text)
{
	struct conf_err errs = {0};
	struct conf *c = conf_load_string("test.conf", text, &errs);
	struct alert_rules *r;

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(errs.n, 0);
	r = alert_rules_load(c);
	conf_free(c);
	ck_assert_ptr_nonnull(r);
	return r;
}

static void
start(const char *conf)
{
	char path[320], err[256] = "";

	snprintf(dir, sizeof dir, "%s/check_alert.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pantau.db", dir);
	db = db_open(path, 0, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	eng = alert_engine_new(db, rules_from(conf), 1000);
	ck_assert_ptr_nonnull(eng);
	notified = 0;
	alert_engine_set_notify(eng, count_notify, NULL);
}

static void
stop(void)
{
	char cmd[300];

	alert_engine_free(eng);
	db_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static long
q(const char *sql)
{
	sqlite3_stmt *st;
	long v = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL),
	                 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
sample(const char *site, const char *device, enum dev_type type,
       const char *metric, int counter, double v, int64_t ts)
{
	struct wire_metrics m = {0};

	m.ts = ts;
	m.type = type;
	m.interval = 1;
	ck_assert_int_eq(wire_metrics_add(&m, counter, metric, v), 0);
	alert_engine_metrics(eng, site, device, &m, ts);
	wire_metrics_clear(&m);
}

/* The table: one rule "t" on metric x.y, samples one second apart. */
struct engine_case {
	const char *name;
	const char *conf;
	double values[12];
	int n;
	long fired, firing, resolved, flapping, silenced, tickets, notes_alert;
};

#define RULE "[rule t]\nmetric = x.y\nticket = yes\n"

static const struct engine_case engine_cases[] = {
    {"one-sample spike",
     RULE "above = 90\nfor = 3\n",
     {50, 95, 50, 50, 50},
     5,
     0,
     0,
     0,
     0,
     0,
     0,
     0},
    {"sustained breach",
     RULE "above = 90\nfor = 3\n",
     {50, 95, 95, 95, 95, 95, 95},
     7,
     1,
     1,
     0,
     0,
     0,
     1,
     0},
    {"short breach, for not reached",
     RULE "above = 90\nfor = 3\n",
     {95, 95, 95, 50, 95, 95, 50},
     7,
     0,
     0,
     0,
     0,
     0,
     0,
     0},
    {"hysteresis",
     RULE "above = 90\nclear = 80\n",
     {95, 85, 89, 91, 81, 79, 85},
     7,
     1,
     0,
     1,
     0,
     0,
     1,
     1},
    {"below", RULE "below = 1\n", {1, 1, 0, 0, 1}, 5, 1, 0, 1, 0, 0, 1, 1},
    {"repeat fault notes the open ticket",
     RULE "above = 90\n",
     {95, 50, 95, 50, 95},
     5,
     3,
     1,
     2,
     0,
     0,
     1,
     4},
    {"flapping",
     "[alerts]\nflap_count = 3\nflap_window = 1h\n" RULE "above = 90\n",
     {95, 50, 95, 50, 95, 50, 95, 50},
     8,
     4,
     0,
     4,
     2,
     0,
     1,
     3},
    {"disabled",
     RULE "above = 90\nenabled = no\n",
     {95, 95},
     2,
     0,
     0,
     0,
     0,
     0,
     0,
     0},
    {"resolve_ticket",
     RULE "above = 90\nresolve_ticket = yes\n",
     {95, 50},
     2,
     1,
     0,
     1,
     0,
     0,
     1,
     1},
};

START_TEST(test_engine_table)
{
	const struct engine_case *c = &engine_cases[_i];

	start(c->conf);
	for (int i = 0; i < c->n; i++)
		sample("s1", "pc-01", DEV_PC, "x.y", 0, c->values[i], 2000 + i);
	ck_assert_msg(q("SELECT count(*) FROM alerts WHERE rule = 't'") ==
	                  c->fired,
	              "%s: fired %ld", c->name,
	              q("SELECT count(*) FROM alerts WHERE rule = 't'"));
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE state = "
	                   "'firing'"),
	                 c->firing);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE state = "
	                   "'resolved'"),
	                 c->resolved);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE flapping"),
	                 c->flapping);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE silenced"),
	                 c->silenced);
	ck_assert_msg(q("SELECT count(*) FROM tickets") == c->tickets,
	              "%s: tickets %ld", c->name,
	              q("SELECT count(*) FROM tickets"));
	ck_assert_msg(q("SELECT count(*) FROM ticket_notes WHERE kind = "
	                "'alert'") == c->notes_alert,
	              "%s: alert notes %ld", c->name,
	              q("SELECT count(*) FROM ticket_notes WHERE kind = "
	                "'alert'"));
	if (strcmp(c->name, "resolve_ticket") == 0)
		ck_assert_int_eq(q("SELECT count(*) FROM tickets WHERE state "
		                   "= 'resolved'"),
		                 1);
	stop();
}
END_TEST

START_TEST(test_silence)
{
	start(RULE "above = 90\n");
	ck_assert_int_eq(q("INSERT INTO silences (site, starts_at, ends_at, "
	                   "created_by, created_at) VALUES "
	                   "('s1', 0, 5000, 'test', 0) RETURNING id"),
	                 1);
	alert_engine_tick(eng, 1990); /* reads the silences again */
	alert_engine_tick(eng, 2000);
	sample("s1", "pc-01", DEV_PC, "x.y", 0, 95, 2000);
	sample("s2", "pc-01", DEV_PC, "x.y", 0, 95, 2000);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts"), 2);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE silenced AND "
	                   "site = 's1'"),
	                 1);
	/* the silenced one opens no ticket and tells nobody */
	ck_assert_int_eq(q("SELECT count(*) FROM tickets"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM tickets WHERE site = 's2'"),
	                 1);
	ck_assert_int_eq(notified, 2); /* s2: ticket.opened, alert.firing */
	stop();
}
END_TEST

START_TEST(test_builtin_rules)
{
	start("");
	/* disk_full: 10 minutes above 90 %, clear at 85 */
	sample("s1", "pc-01", DEV_PC, "fs.root.used_pct", 0, 95, 2000);
	sample("s1", "pc-01", DEV_PC, "fs.root.used_pct", 0, 95, 2599);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts"), 0);
	sample("s1", "pc-01", DEV_PC, "fs.root.used_pct", 0, 95, 2600);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'disk_full' AND subject = 'fs.root.used_pct'"),
	                 1);
	/* toner on a printer only */
	sample("s1", "pc-01", DEV_PC, "printer.supply.black.level_pct", 0, 3,
	       2000);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'toner_low'"),
	                 0);
	sample("s1", "prn-01", DEV_PRINTER, "printer.supply.black.level_pct", 0,
	       3, 2000);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'toner_low'"),
	                 1);
	/* port errors: a rate of a counter */
	sample("s1", "sw-01", DEV_SWITCH, "if.gi1.in_errors", 1, 100, 2000);
	sample("s1", "sw-01", DEV_SWITCH, "if.gi1.in_errors", 1, 110, 2010);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'port_errors'"),
	                 0);
	sample("s1", "sw-01", DEV_SWITCH, "if.gi1.in_errors", 1, 1000, 2020);
	sample("s1", "sw-01", DEV_SWITCH, "if.gi1.in_errors", 1, 5000, 2400);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'port_errors' AND state = 'firing'"),
	                 1);
	stop();
}
END_TEST

static void
event(const char *device, const char *code, enum wire_evstate s, int64_t ts)
{
	struct wire_event ev;

	memset(&ev, 0, sizeof ev);
	ev.ts = ts;
	snprintf(ev.code, sizeof ev.code, "%s", code);
	ev.severity = WIRE_SEV_CRITICAL;
	ev.state = s;
	snprintf(ev.text, sizeof ev.text, "Jammed in tray 2");
	alert_engine_event(eng, "s1", device, &ev, ts);
}

START_TEST(test_events)
{
	start("[rule lamp]\nevent = projector.lamp\nseverity = info\n");
	event("prn-01", "printer.jam", WIRE_EV_RAISED, 2000);
	event("prn-01", "printer.jam", WIRE_EV_RAISED, 2001); /* again */
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'printer_jam' AND state = 'firing' AND severity "
	                   "= 'critical'"),
	                 1);
	ck_assert_int_eq(q("SELECT count(*) FROM tickets WHERE device = "
	                   "'prn-01' AND title LIKE '%paper jam%'"),
	                 1);
	event("prn-01", "printer.jam", WIRE_EV_CLEARED, 2010);
	event("prn-01", "printer.jam", WIRE_EV_RAISED, 2000); /* stale */
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE state = "
	                   "'firing'"),
	                 0);
	event("prn-01", "printer.jam", WIRE_EV_RAISED, 2020);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts"), 2);
	ck_assert_int_eq(q("SELECT count(*) FROM tickets"), 1);
	/* the catch-all, and a technician's rule beating a built-in */
	event("pc-01", "agent.spool_overflow", WIRE_EV_RAISED, 2000);
	event("pj-01", "projector.lamp", WIRE_EV_RAISED, 2000);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'agent_event'"),
	                 1);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = 'lamp' "
	                   "AND severity = 'info'"),
	                 1);
	/* the presence rule covers unreachable devices, once */
	event("sw-01", "device.unreachable", WIRE_EV_RAISED, 2000);
	event("pj-01", "projector.unreachable", WIRE_EV_RAISED, 2000);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE subject LIKE "
	                   "'%unreachable'"),
	                 0);
	stop();
}
END_TEST

START_TEST(test_site_outage)
{
	char dev[16];

	start("[alerts]\nsite_outage_window = 30\n"
	      "[rule device_offline]\nfor = 0\n");
	for (int i = 0; i < 5; i++) {
		snprintf(dev, sizeof dev, "pc-%02d", i);
		alert_engine_presence(eng, "s1", dev, DEV_PC, STATE_ONLINE,
		                      2000);
	}
	alert_engine_presence(eng, "s2", "pc-01", DEV_PC, STATE_ONLINE, 2000);
	/* one device off: waits for the window, then alerts alone */
	alert_engine_presence(eng, "s1", "pc-00", DEV_PC, STATE_OFFLINE, 2001);
	alert_engine_tick(eng, 2010);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts"), 0);
	alert_engine_tick(eng, 2031);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'device_offline'"),
	                 1);
	alert_engine_presence(eng, "s1", "pc-00", DEV_PC, STATE_ONLINE, 2040);
	/* the site goes dark: one site alert, no device alerts */
	for (int i = 0; i < 5; i++) {
		snprintf(dev, sizeof dev, "pc-%02d", i);
		alert_engine_presence(eng, "s1", dev, DEV_PC,
		                      i % 2 ? STATE_OFFLINE : STATE_STALE,
		                      2100 + i);
	}
	for (int t = 2105; t < 2300; t += 10)
		alert_engine_tick(eng, t);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'site_outage' AND state = 'firing' AND device IS "
	                   "NULL"),
	                 1);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE state = "
	                   "'firing'"),
	                 1);
	ck_assert_int_eq(q("SELECT count(*) FROM tickets WHERE device IS "
	                   "NULL"),
	                 1);
	/* power back */
	for (int i = 0; i < 5; i++) {
		snprintf(dev, sizeof dev, "pc-%02d", i);
		alert_engine_presence(eng, "s1", dev, DEV_PC, STATE_ONLINE,
		                      2400);
	}
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE state = "
	                   "'firing'"),
	                 0);
	stop();
}
END_TEST

START_TEST(test_restart_keeps_firing)
{
	struct alert_rules *r;

	start(RULE "above = 90\n");
	sample("s1", "pc-01", DEV_PC, "x.y", 0, 95, 2000);
	alert_engine_free(eng);
	r = rules_from(RULE "above = 90\n");
	eng = alert_engine_new(db, r, 3000);
	ck_assert_ptr_nonnull(eng);
	sample("s1", "pc-01", DEV_PC, "x.y", 0, 95, 3001);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts"), 1); /* not twice */
	sample("s1", "pc-01", DEV_PC, "x.y", 0, 10, 3002);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE state = "
	                   "'resolved'"),
	                 1);
	/* new rules (SIGHUP): the state of a rule keeping its name goes on */
	sample("s1", "pc-01", DEV_PC, "x.y", 0, 95, 3003);
	alert_engine_set_rules(eng, rules_from(RULE "above = 80\n"));
	sample("s1", "pc-01", DEV_PC, "x.y", 0, 95, 3004);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts"), 2);
	alert_engine_set_rules(eng, rules_from("[rule other]\nmetric = x.y\n"
	                                       "above = 80\n"));
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE state = "
	                   "'firing'"),
	                 0);
	stop();
}
END_TEST

/* The configuration checks of [rule NAME] and [alerts]. */
struct conf_case {
	const char *text;
	const char *err; /* NULL: valid */
};

static const struct conf_case conf_cases[] = {
    {"[rule disk_full]\nabove = 95\n", NULL},
    {"[rule disk_full]\nenabled = no\n", NULL},
    {"[rule x]\nmetric = fs.*.used_pct\nabove = 1\nclear = 0.5\n", NULL},
    {"[rule x]\npresence = offline\nfor = 10m\n", NULL},
    {"[rule x]\nabove = 1\n", "rule needs exactly one of metric and event"},
    {"[rule x]\nmetric = a.b\nabove = 1\nbelow = 2\n", "not both"},
    {"[rule x]\nmetric = a.b\nabove = 1\npriority = 9\n", "priority"},
    {"[rule x]\nmetric = A B\nabove = 1\n", "not a metric name"},
    {"[rule x]\nevent = *\nticket = maybe\n", "ticket"},
    {"[alerts]\nsite_outage_pct = 0\n", "site_outage_pct"},
    {"[alerts]\nflap_window = 1h\nflap_count = 3\n", NULL},
};

START_TEST(test_conf_table)
{
	const struct conf_case *c = &conf_cases[_i];
	struct conf_err errs = {0};
	struct conf *raw = conf_load_string("t.conf", c->text, &errs);
	const struct conf_section *s;

	ck_assert_ptr_nonnull(raw);
	for (size_t i = 0; i < conf_section_count(raw); i++) {
		s = conf_section_at(raw, i);
		if (strcmp(conf_section_type(s), "rule") == 0)
			alert_config_rule(s, &errs);
		else
			alert_config_alerts(s, NULL, &errs);
	}
	if (c->err == NULL)
		ck_assert_msg(errs.n == 0, "%s: %s", c->text,
		              conf_err_get(&errs, 0));
	else
		ck_assert_msg(errs.n > 0 && strstr(conf_err_get(&errs, 0),
		                                   c->err) != NULL,
		              "%s: got %s", c->text,
		              errs.n ? conf_err_get(&errs, 0) : "nothing");
	conf_err_clear(&errs);
	conf_free(raw);
}
END_TEST

/*
 * The cost per sample with the built-in rules: 200 devices x 50 metrics,
 * the first round (which binds every series to its rules with fnmatch)
 * and then 50 more rounds of the steady state (500,000 samples), timed
 * around alert_engine_metrics() alone.  Ingest targets 50,000 samples/s
 * in all, so the engine must take a small share of 20 us per sample; the
 * bound here is loose (sanitizers, a loaded machine), the numbers are
 * printed.
 */
#define COST_DEVS 200
#define COST_ROUNDS 50

static double
cost_round(struct wire_metrics *m, int64_t ts, long *total)
{
	struct timespec a, b;
	char dev[16];

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int d = 0; d < COST_DEVS; d++) {
		snprintf(dev, sizeof dev, "pc-%03d", d);
		m[d].ts = ts;
		alert_engine_metrics(eng, "s1", dev, &m[d], ts);
		*total += (long)(m[d].ngauges + m[d].ncounters);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a.tv_sec) * 1e6 +
	       (double)(b.tv_nsec - a.tv_nsec) / 1e3;
}

START_TEST(test_cost)
{
	static struct wire_metrics m[COST_DEVS];
	char name[64];
	double first, steady = 0;
	long n1 = 0, n = 0;

	start("");
	for (int d = 0; d < COST_DEVS; d++) {
		memset(&m[d], 0, sizeof m[d]);
		m[d].type = DEV_PC;
		m[d].interval = 60;
		for (int k = 0; k < 40; k++) {
			snprintf(name, sizeof name, "net.eth%d.rx_x", k);
			wire_metrics_add(&m[d], 0, name, k);
		}
		wire_metrics_add(&m[d], 0, "fs.root.used_pct", 50);
		wire_metrics_add(&m[d], 0, "fs.home.used_pct", 50);
		wire_metrics_add(&m[d], 0, "temp.cpu.celsius", 50);
		wire_metrics_add(&m[d], 0, "fan.cpu.rpm", 1200);
		wire_metrics_add(&m[d], 0, "disk.sda.smart_ok", 1);
		wire_metrics_add(&m[d], 0, "disk.sda.temp_celsius", 40);
		wire_metrics_add(&m[d], 0, "cpu.util", 12);
		wire_metrics_add(&m[d], 0, "mem.used_pct", 43);
		wire_metrics_add(&m[d], 1, "uptime.seconds", 100);
		wire_metrics_add(&m[d], 1, "net.eth0.rx_bytes", 1e6);
	}
	db_begin(db);
	first = cost_round(m, 2000, &n1);
	for (int r = 1; r <= COST_ROUNDS; r++)
		steady += cost_round(m, 2000 + r * 60, &n);
	db_commit(db);
	printf("check_alert: first round %.3f us per sample (binding %ld "
	       "series), then %.3f us per sample over %ld samples (%.0f "
	       "samples/s)\n",
	       first / (double)n1, n1, steady / (double)n, n,
	       1e6 * (double)n / steady);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts"), 0);
	ck_assert_msg(steady / (double)n < 5.0, "%.3f us per sample",
	              steady / (double)n);
	for (int d = 0; d < COST_DEVS; d++)
		wire_metrics_clear(&m[d]);
	stop();
}
END_TEST

static Suite *
alert_suite(void)
{
	Suite *s = suite_create("alert");
	TCase *tc = tcase_create("engine");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_engine_table, 0,
	                    sizeof engine_cases / sizeof engine_cases[0]);
	tcase_add_test(tc, test_silence);
	tcase_add_test(tc, test_builtin_rules);
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_site_outage);
	tcase_add_test(tc, test_restart_keeps_firing);
	tcase_add_loop_test(tc, test_conf_table, 0,
	                    sizeof conf_cases / sizeof conf_cases[0]);
	tcase_add_test(tc, test_cost);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(alert_suite());
	int failed;

	log_init("check_alert", 1, LOG_LVL_WARN);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
