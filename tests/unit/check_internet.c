/*
 * check_internet.c: a site's internet state from its agents' probes
 * (collector/internet*.c, docs/internet.md).
 *
 * The derivation is table-driven: one PC's cable is not the ISP, every
 * agent cut off is, a lossy majority degrades, stale agents do not count.
 * The tracker runs over a real database with the alert engine: periods in
 * sample time, the gap of a silent site, two rounds of the same instant,
 * a restart, and the alert and ticket naming the ISP of the register.
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
#include "collector/asset.h"
#include "collector/db.h"
#include "collector/internet.h"
#include "collector/report.h"
#include "common/conf.h"

#define T0 1000

/* Agents by what they saw, interval 60 (internet_agent's fields). */
static const struct {
	const char *name;
	struct internet_agent a;
} agent_kinds[] = {
    {"ok", {0, 60, 1, 2, 2, 0, 20, 1, 1, 30}},
    {"cut", {0, 60, 1, 2, 0, -1, -1, 1, 0, -1}},
    {"local", {0, 60, 0, 2, 0, -1, -1, 1, 0, -1}},
    {"nogw", {0, 60, -1, 2, 0, -1, -1, 0, 0, -1}},
    {"lossy", {0, 60, 1, 2, 2, 30, 20, 1, 1, 30}},
    {"slow", {0, 60, 1, 2, 2, 0, 400, 1, 1, 30}},
    {"dnsbad", {0, 60, 1, 2, 2, 0, 20, 2, 0, -1}},
    {"gwonly", {0, 60, 1, 0, 0, -1, -1, 0, 0, -1}},
};

/* "ok cut@-121": agents of those kinds, '@' an offset from T0 in s. */
static size_t
agents(const char *spec, struct internet_agent *out, size_t max)
{
	char buf[128], *p, *at, *save = NULL;
	size_t n = 0, k;

	snprintf(buf, sizeof buf, "%s", spec);
	for (p = strtok_r(buf, " ", &save); p != NULL;
	     p = strtok_r(NULL, " ", &save)) {
		ck_assert_uint_lt(n, max);
		if ((at = strchr(p, '@')) != NULL)
			*at++ = '\0';
		for (k = 0; k < sizeof agent_kinds / sizeof agent_kinds[0]; k++)
			if (strcmp(agent_kinds[k].name, p) == 0)
				break;
		ck_assert_msg(k < sizeof agent_kinds / sizeof agent_kinds[0],
		              "kind %s", p);
		out[n] = agent_kinds[k].a;
		out[n++].ts = T0 + (at != NULL ? atol(at) : 0);
	}
	return n;
}

/* Each: the agents, the state and reasons expected at T0. */
static const struct derive_case {
	const char *name, *agents;
	enum internet_state want;
	unsigned reasons;
} derive_cases[] = {
    {"one PC's cable down is not the site's link", "ok local", INET_UP, 0},
    {"every agent cut off, gateways answering", "cut cut", INET_DOWN,
     INET_R_CUT},
    {"one cut off, one without its gateway", "cut local", INET_DOWN,
     INET_R_CUT | INET_R_LOCAL},
    {"all agents lost everything", "local local local@-60", INET_DOWN,
     INET_R_LOCAL},
    {"a lone agent lost everything: its cable or the router", "local",
     INET_UNKNOWN, 0},
    {"gateway not probed counts as cut off", "nogw", INET_DOWN, INET_R_CUT},
    {"a stale agent that was up is ignored", "cut ok@-121", INET_DOWN,
     INET_R_CUT},
    {"an agent two intervals old still counts", "cut ok@-120", INET_UP, 0},
    {"only stale agents", "ok@-600 cut@-300", INET_UNKNOWN, 0},
    {"no agents", "", INET_UNKNOWN, 0},
    {"a gateway probe alone says nothing", "gwonly gwonly", INET_UNKNOWN, 0},
    {"majority lossy", "lossy lossy ok", INET_DEGRADED, INET_R_LOSS},
    {"minority lossy", "lossy ok ok", INET_UP, 0},
    {"half is not a majority", "lossy ok", INET_UP, 0},
    {"majority slow", "slow slow", INET_DEGRADED, INET_R_LATENCY},
    {"DNS failing for most", "dnsbad dnsbad ok", INET_DEGRADED, INET_R_DNS},
    {"poor majority without a shared cause", "lossy slow ok", INET_DEGRADED,
     INET_R_LOSS | INET_R_LATENCY},
    {"a local fault does not vote on quality", "lossy local", INET_DEGRADED,
     INET_R_LOSS},
    {"one agent reaching the internet proves it", "cut cut local ok", INET_UP,
     0},
};

START_TEST(test_derive)
{
	const struct derive_case *c = &derive_cases[_i];
	struct internet_conf conf;
	struct internet_verdict v;
	struct internet_agent a[8];
	char got[48], want[48];
	size_t n = agents(c->agents, a, 8);

	internet_conf_default(&conf);
	internet_derive(&conf, a, n, T0, &v);
	ck_assert_msg(v.state == c->want && v.reasons == c->reasons,
	              "%s: %s (%s), expected %s (%s)", c->name,
	              internet_state_name(v.state),
	              internet_reasons_str(v.reasons, got, sizeof got),
	              internet_state_name(c->want),
	              internet_reasons_str(c->reasons, want, sizeof want));
}
END_TEST

START_TEST(test_thresholds)
{
	struct internet_conf conf;
	struct internet_verdict v;
	struct internet_agent a[1];

	agents("lossy", a, 1);
	internet_conf_default(&conf);
	conf.loss_pct_degraded = 31;
	internet_derive(&conf, a, 1, T0, &v);
	ck_assert_int_eq(v.state, INET_UP);
	conf.loss_pct_degraded = 30; /* at the threshold: poor */
	internet_derive(&conf, a, 1, T0, &v);
	ck_assert_int_eq(v.state, INET_DEGRADED);
	conf.local_quorum = 1;
	agents("local", a, 1);
	internet_derive(&conf, a, 1, T0, &v);
	ck_assert_int_eq(v.state, INET_DOWN);
}
END_TEST

START_TEST(test_config)
{
	struct conf_err errs = {0};
	struct internet_conf c;
	struct conf *raw;

	raw = conf_load_string("t.conf",
	                       "[internet]\nloss_pct_degraded = 30\n"
	                       "degraded_for = 10m\nalerts = no\n",
	                       &errs);
	ck_assert_ptr_nonnull(raw);
	internet_conf_load(raw, &c);
	ck_assert_double_eq(c.loss_pct_degraded, 30);
	ck_assert_double_eq(c.rtt_ms_degraded, 300);
	ck_assert_uint_eq(c.degraded_for, 600);
	ck_assert_int_eq(c.alerts, 0);
	conf_free(raw);
	raw = conf_load_string("t.conf",
	                       "[internet]\nloss_pct_degraded = 0\n"
	                       "stale_intervals = many\nlocal_quorom = 2\n",
	                       &errs);
	ck_assert_ptr_nonnull(raw);
	internet_config_parse(conf_find(raw, "internet", NULL), &c, &errs);
	ck_assert_uint_eq(errs.n, 3);
	ck_assert_ptr_nonnull(strstr(conf_err_get(&errs, 2), "t.conf:4"));
	conf_err_clear(&errs);
	conf_free(raw);
}
END_TEST

static void
add(struct wire_metrics *m, const char *name, double v)
{
	ck_assert_int_eq(wire_metrics_add(m, 0, name, v), 0);
}

START_TEST(test_agent_read)
{
	struct wire_metrics m = {0};
	struct internet_agent a;

	m.ts = 1764400000;
	m.interval = 30;
	add(&m, "cpu.util", 5);
	add(&m, "link.gateway.up", 1);
	add(&m, "link.gateway.rtt_ms", 1);
	add(&m, "link.a.loss_pct", 100);
	add(&m, "link.a.up", 0);
	add(&m, "link.b.rtt_ms", 35);
	add(&m, "link.b.up", 1);
	add(&m, "link.b.loss_pct", 10);
	add(&m, "link.c.rtt_ms", 20); /* no verdict: not counted */
	add(&m, "link.d.up", 1);
	add(&m, "link.d.rtt_ms", 50);
	add(&m, "link.d.loss_pct", 25);
	add(&m, "dns.r1.ok", 0);
	add(&m, "dns.r2.ok", 1);
	add(&m, "dns.r2.ms", 12);
	ck_assert_int_eq(internet_agent_read(&m, &a), 1);
	ck_assert_int_eq(a.ts, 1764400000);
	ck_assert_uint_eq(a.interval, 30);
	ck_assert_int_eq(a.gateway, 1);
	ck_assert_uint_eq(a.targets, 3);
	ck_assert_uint_eq(a.targets_up, 2);
	ck_assert_double_eq(a.loss_pct, 10); /* the best target's */
	ck_assert_double_eq(a.rtt_ms, 35);
	ck_assert_uint_eq(a.resolvers, 2);
	ck_assert_uint_eq(a.resolvers_ok, 1);
	ck_assert_double_eq(a.dns_ms, 12);
	wire_metrics_clear(&m);

	add(&m, "cpu.util", 5);
	add(&m, "linkage.x.up", 1);
	ck_assert_int_eq(internet_agent_read(&m, &a), 0);
	wire_metrics_clear(&m);
}
END_TEST

START_TEST(test_names)
{
	char buf[48];

	ck_assert_str_eq(
	    internet_reasons_str(INET_R_LOSS | INET_R_DNS, buf, sizeof buf),
	    "loss,dns");
	ck_assert_uint_eq(internet_reasons_parse("cut,local"),
	                  INET_R_CUT | INET_R_LOCAL);
	ck_assert_uint_eq(internet_reasons_parse(""), 0);
	ck_assert_int_eq(internet_state_parse("degraded"), INET_DEGRADED);
	ck_assert_int_eq(internet_state_parse("flaky"), -1);
	ck_assert_int_eq(internet_alert_kind("internet_dns"), INET_AL_DNS);
	ck_assert_int_eq(internet_alert_kind("site_outage"), -1);
}
END_TEST

/* ---- the tracker over a database ---- */

static char dir[300];
static struct db *db;
static struct alert_engine *eng;
static struct internet *inet;

#define TS(i) (1764000000 + (i)*60)

static void
tracker_start(void)
{
	struct internet_conf c;
	char path[320], err[256] = "";

	snprintf(dir, sizeof dir, "%s/check_internet.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pantau.db", dir);
	db = db_open(path, 0, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	eng = alert_engine_new(db, alert_rules_load(NULL), TS(0));
	ck_assert_ptr_nonnull(eng);
	internet_conf_default(&c);
	inet = internet_new(db, eng, &c);
	ck_assert_ptr_nonnull(inet);
}

static void
tracker_restart(void)
{
	struct internet_conf c;

	internet_free(inet);
	alert_engine_free(eng);
	eng = alert_engine_new(db, alert_rules_load(NULL), TS(0));
	ck_assert_ptr_nonnull(eng);
	internet_conf_default(&c);
	inet = internet_new(db, eng, &c);
	ck_assert_ptr_nonnull(inet);
}

static void
tracker_stop(void)
{
	char cmd[400];

	internet_free(inet);
	alert_engine_free(eng);
	db_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* One round of agent 'dev': 'o' reaches, 'c' cut off, 'l' local fault. */
static void
round1(const char *dev, int i, char what)
{
	struct wire_metrics m = {0};

	m.ts = TS(i);
	m.interval = 60;
	m.type = DEV_PC;
	add(&m, "link.gateway.up", what != 'l');
	add(&m, "link.one_one_one_one.up", what == 'o');
	add(&m, "link.one_one_one_one.rtt_ms", 25);
	add(&m, "link.one_one_one_one.loss_pct", what == 'o' ? 0 : 100);
	add(&m, "dns.resolver.ok", what == 'o');
	internet_metrics(inet, "desa", dev, &m, TS(i) + 5);
	wire_metrics_clear(&m);
}

static void
rounds(int from, int to, char a, char b)
{
	for (int i = from; i <= to; i++) {
		round1("pc-01", i, a);
		round1("pc-02", i, b);
	}
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

/* The periods as "state@i-j" (j '-' when open), in order. */
static const char *
periods(void)
{
	static char buf[1024];
	sqlite3_stmt *st;
	size_t len = 0;

	ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db),
	                                    "SELECT state, since, until FROM "
	                                    "internet_state ORDER BY since, id",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	buf[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		long s = (sqlite3_column_int64(st, 1) - TS(0)) / 60;

		len += (size_t)snprintf(
		    buf + len, sizeof buf - len, "%s%s@%ld", len ? " " : "",
		    (const char *)sqlite3_column_text(st, 0), s);
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			len +=
			    (size_t)snprintf(buf + len, sizeof buf - len, "-");
		else
			len += (size_t)snprintf(
			    buf + len, sizeof buf - len, "-%ld",
			    (long)((sqlite3_column_int64(st, 2) - TS(0)) / 60));
	}
	sqlite3_finalize(st);
	return buf;
}

START_TEST(test_tracker)
{
	struct asset a;
	int created;

	tracker_start();
	/* the register knows the site's connection */
	memset(&a, 0, sizeof a);
	snprintf(a.tag, sizeof a.tag, "NET-01");
	snprintf(a.name, sizeof a.name, "Internet 20 Mbps");
	snprintf(a.type, sizeof a.type, "network");
	snprintf(a.site, sizeof a.site, "desa");
	snprintf(a.funding, sizeof a.funding, "APBD Kabupaten/Kota");
	a.budget_year = 2026;
	a.price_idr = 350000;
	snprintf(a.supplier, sizeof a.supplier, "Telkom IndiHome");
	snprintf(a.serial, sizeof a.serial, "1234567890");
	snprintf(a.condition, sizeof a.condition, "B");
	ck_assert_int_eq(asset_put(db, &a, "test", TS(0), &created), 0);

	rounds(0, 4, 'o', 'o');
	/* pc-02's cable is pulled: a local fault, not the ISP */
	rounds(5, 9, 'o', 'l');
	ck_assert_str_eq(periods(), "up@0-");
	/* the ISP: both cut off for 17 rounds */
	rounds(10, 26, 'c', 'c');
	rounds(27, 29, 'o', 'o');
	ck_assert_str_eq(periods(), "up@0-10 down@10-27 up@27-");
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'internet_down' AND device = 'internet' AND "
	                   "state = 'resolved' AND started_at = 1764000600"),
	                 1);
	ck_assert_int_eq(q("SELECT count(*) FROM tickets WHERE site = 'desa' "
	                   "AND priority = 1 AND title LIKE '%Telkom "
	                   "IndiHome (contract 1234567890) down%'"),
	                 1);

	/* every agent silent for 10 rounds: unknown from the last + 1 */
	rounds(40, 41, 'o', 'o');
	ck_assert_str_eq(periods(), "up@0-10 down@10-27 up@27-30 unknown@30-40 "
	                            "up@40-");

	/* a PC whose clock runs 10 minutes ahead is not counted */
	{
		struct wire_metrics m = {0};

		m.ts = TS(51);
		m.interval = 60;
		add(&m, "link.x.up", 0);
		add(&m, "link.gateway.up", 1);
		internet_metrics(inet, "desa", "pc-03", &m, TS(41));
		wire_metrics_clear(&m);
	}
	ck_assert_str_eq(periods(), "up@0-10 down@10-27 up@27-30 unknown@30-40 "
	                            "up@40-");

	/* a late round of one agent is not evaluated into the past */
	round1("pc-01", 35, 'c');
	ck_assert_str_eq(periods(), "up@0-10 down@10-27 up@27-30 unknown@30-40 "
	                            "up@40-");

	/* pc-02 falls silent; pc-01 alone cut off at 47 makes it down ... */
	for (int i = 42; i <= 46; i++)
		round1("pc-01", i, 'o');
	round1("pc-01", 47, 'c');
	ck_assert_str_eq(periods(), "up@0-10 down@10-27 up@27-30 unknown@30-40 "
	                            "up@40-47 down@47-");
	/* ... until pc-02's round of the same instant says otherwise */
	round1("pc-02", 47, 'o');
	ck_assert_str_eq(periods(), "up@0-10 down@10-27 up@27-30 unknown@30-40 "
	                            "up@40-");

	/* an outage across a restart is one outage with one alert */
	rounds(48, 50, 'c', 'c');
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'internet_down' AND state = 'firing'"),
	                 1);
	tracker_restart();
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'internet_down' AND state = 'firing'"),
	                 1);
	rounds(51, 52, 'c', 'c');
	rounds(53, 54, 'o', 'o'); /* 53 is alerted on at 54 */
	ck_assert_str_eq(periods(), "up@0-10 down@10-27 up@27-30 unknown@30-40 "
	                            "up@40-48 down@48-53 up@53-");
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'internet_down'"),
	                 2);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE state = "
	                   "'firing'"),
	                 0);
	tracker_stop();
}
END_TEST

START_TEST(test_degraded_alert)
{
	struct wire_metrics m = {0};

	tracker_start();
	/* one agent, 30 % loss: degraded at once, the alert after 5m */
	for (int i = 0; i <= 6; i++) {
		m.ts = TS(i);
		m.interval = 60;
		add(&m, "link.t.up", 1);
		add(&m, "link.t.loss_pct", 30);
		add(&m, "link.t.rtt_ms", 40);
		internet_metrics(inet, "desa", "pc-01", &m, TS(i));
		wire_metrics_clear(&m);
		if (i == 4)
			ck_assert_int_eq(q("SELECT count(*) FROM alerts"), 0);
	}
	ck_assert_str_eq(periods(), "degraded@0-");
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule = "
	                   "'internet_loss' AND state = 'firing' AND "
	                   "started_at = 1764000000"),
	                 1);
	ck_assert_int_eq(q("SELECT count(*) FROM alerts WHERE rule != "
	                   "'internet_loss'"),
	                 0);
	tracker_stop();
}
END_TEST

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/*
 * The cost on the ingest thread: 100 sites of 5 PCs, 20 rounds of a
 * typical [link] message (gateway, 2 targets, 2 resolvers, 30 gauges in
 * all), in one transaction as ingest batches them.  Printed, not
 * asserted (docs/internet.md quotes it).
 */
START_TEST(test_cost)
{
	struct wire_metrics m = {0};
	char site[16], dev[16], name[64];
	double t0, t1, plain = 0;
	int i, j, r, k;

	tracker_start();
	for (k = 0; k < 15; k++) {
		snprintf(name, sizeof name, "cpu.core%d", k);
		add(&m, name, 1);
	}
	add(&m, "link.gateway.up", 1);
	add(&m, "link.gateway.rtt_ms", 1);
	add(&m, "link.gateway.loss_pct", 0);
	add(&m, "link.a.up", 1);
	add(&m, "link.a.rtt_ms", 30);
	add(&m, "link.a.loss_pct", 0);
	add(&m, "link.a.rtt_min_ms", 29);
	add(&m, "link.a.rtt_max_ms", 31);
	add(&m, "link.b.up", 1);
	add(&m, "link.b.rtt_ms", 40);
	add(&m, "link.b.loss_pct", 0);
	add(&m, "dns.r1.ok", 1);
	add(&m, "dns.r1.ms", 10);
	add(&m, "dns.r2.ok", 1);
	add(&m, "dns.r2.ms", 12);
	m.interval = 60;
	ck_assert_int_eq(db_begin(db), 0);
	t0 = now_us();
	for (r = 0; r < 20; r++)
		for (i = 0; i < 100; i++)
			for (j = 0; j < 5; j++) {
				snprintf(site, sizeof site, "s%d", i);
				snprintf(dev, sizeof dev, "pc-%d", j);
				m.ts = TS(r);
				internet_metrics(inet, site, dev, &m, TS(r));
			}
	t1 = now_us();
	ck_assert_int_eq(db_commit(db), 0);
	/* a message without probes: the prefix check alone */
	m.ngauges = 15;
	for (r = 0; r < 10000; r++)
		internet_metrics(inet, "s0", "pc-0", &m, TS(0));
	plain = now_us() - t1;
	printf("check_internet: %.1f us per message with probes, %.2f us "
	       "without\n",
	       (t1 - t0) / 10000, plain / 10000);
	ck_assert_int_eq(q("SELECT count(*) FROM internet_state"), 100);
	m.ngauges = 30;
	wire_metrics_clear(&m);
	tracker_stop();
}
END_TEST

/* The report's internet tables over periods across a month boundary. */
START_TEST(test_report)
{
	static const char seed[] =
	    "INSERT INTO internet_state (site, state, since, until, reasons, "
	    "last_seen, step) VALUES "
	    "('s1', 'up', 1793487600, 1793493000, '', 1793492940, 60),"
	    "('s1', 'degraded', 1793493000, 1793493120, 'loss', 1793493060, "
	    "60),"
	    "('s1', 'up', 1793493120, 1793494800, '', 1793494740, 60),"
	    "('s1', 'down', 1793494800, 1793496600, 'cut', 1793496540, 60),"
	    "('s1', 'degraded', 1793496600, 1793498400, 'loss', 1793498340, "
	    "60),"
	    "('s1', 'unknown', 1793498400, 1793502000, '', 1793498400, 60),"
	    "('s1', 'up', 1793502000, NULL, '', 1793505540, 60)";
	struct report_opts o;
	char err[256] = "", *buf = NULL;
	size_t len = 0;
	FILE *f;

	setenv("TZ", "UTC", 1);
	tzset();
	tracker_start();
	ck_assert_int_eq(sqlite3_exec(db_sqlite(db), seed, NULL, NULL, NULL),
	                 SQLITE_OK);
	memset(&o, 0, sizeof o);
	o.name = "availability";
	o.format = REPORT_CSV;
	o.table = "internet";
	o.from = 1790812800; /* 2026-10-01 */
	o.to = 1796083200;   /* 2026-12-01 */
	o.now = 1796000000;
	ck_assert_ptr_nonnull(f = open_memstream(&buf, &len));
	ck_assert_int_eq(report_write(db_sqlite(db), &o, f, err, sizeof err),
	                 0);
	fclose(f);
	/*
	 * The first period splits at midnight: 1h in October, 1h in
	 * November (less 2m degraded at 00:30, too short for the outage
	 * list); then 30m down, 30m degraded, 1h unknown (not counted),
	 * and 1h up (the open period ends one step after its last round):
	 * November (120 + 30) / 180 = 83.33 %.
	 */
	ck_assert_str_eq(buf, "site,month,isp,up_min,degraded_min,down_min,"
	                      "unknown_min,available_min,measured_min,outages,"
	                      "uptime_bp\r\n"
	                      "s1,2026-10,,60,0,0,0,60,60,0,10000\r\n"
	                      "s1,2026-11,,118,32,30,60,150,180,1,8333\r\n");
	free(buf);
	buf = NULL;
	o.table = "internet_outages";
	ck_assert_ptr_nonnull(f = open_memstream(&buf, &len));
	ck_assert_int_eq(report_write(db_sqlite(db), &o, f, err, sizeof err),
	                 0);
	fclose(f);
	ck_assert_str_eq(buf, "site,state,start,end,duration_min,reasons,"
	                      "start_unix,end_unix\r\n"
	                      "s1,down,2026-11-01 01:00,2026-11-01 01:30,30,"
	                      "cut,1793494800,1793496600\r\n"
	                      "s1,degraded,2026-11-01 01:30,2026-11-01 02:00,"
	                      "30,loss,1793496600,1793498400\r\n");
	free(buf);
	tracker_stop();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("internet");
	TCase *tc = tcase_create("derive");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(
	    tc, test_derive, 0,
	    (int)(sizeof derive_cases / sizeof derive_cases[0]));
	tcase_add_test(tc, test_thresholds);
	tcase_add_test(tc, test_agent_read);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_config);
	suite_add_tcase(s, tc);
	tc = tcase_create("tracker");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_tracker);
	tcase_add_test(tc, test_degraded_alert);
	tcase_add_test(tc, test_report);
	tcase_add_test(tc, test_cost);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
