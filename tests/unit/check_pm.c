/*
 * check_pm.c: the preventive maintenance engine with injected time.
 *
 * A printer plan every 10,000 pages: at 9,900 pages (100 pages a day) it
 * is due soon with a forecast date one day ahead; at 10,000 a preventive
 * ticket opens (once); "pm done" resolves it and re-arms at 20,000; a
 * ticket resolved through the ticket module re-arms too.  A time plan
 * opens its ticket on the due day, not a second earlier, and is overdue
 * a day later.  Counter readings come in as metrics messages through
 * db_metrics_store(), as ingest stores them.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "collector/asset.h"
#include "collector/db.h"
#include "collector/pm.h"
#include "collector/ticket.h"
#include "collector/ticket_store.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/wire.h"

#define DAY 86400
#define T0 1767225600 /* 2026-01-01T00:00:00Z */

static char dir[] = "/tmp/check_pm.XXXXXX";
static struct db *db;

static void
add_asset(const char *tag, const char *type, const char *device)
{
	struct asset a;
	int created;

	memset(&a, 0, sizeof a);
	snprintf(a.tag, sizeof a.tag, "%s", tag);
	snprintf(a.name, sizeof a.name, "%s", tag);
	snprintf(a.type, sizeof a.type, "%s", type);
	snprintf(a.site, sizeof a.site, "asriloka");
	snprintf(a.funding, sizeof a.funding, "APBD Provinsi");
	a.budget_year = 2025;
	a.price_idr = 4500000;
	snprintf(a.condition, sizeof a.condition, "B");
	snprintf(a.device, sizeof a.device, "%s", device);
	ck_assert_int_eq(asset_put(db, &a, "test", T0, &created), ASSET_OK);
}

static void
setup(void)
{
	char path[256], err[256];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pantau.db", dir);
	db = db_open(path, 0, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	add_asset("PRN-1", "printer", "printer-1");
	add_asset("PC-1", "pc", "");
}

static void
teardown(void)
{
	char cmd[300];

	db_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

/* The printer reports its page counter at time ts. */
static void
pages(double total, int64_t ts)
{
	struct wire_metrics m;

	memset(&m, 0, sizeof m);
	m.ts = ts;
	m.seq = (uint64_t)ts;
	m.type = DEV_PRINTER;
	m.interval = 60;
	ck_assert_int_eq(wire_metrics_add(&m, 1, "printer.pages.total", total),
	                 0);
	ck_assert_int_eq(db_metrics_store(db, "asriloka", "printer-1", &m, ts),
	                 0);
	wire_metrics_clear(&m);
}

/* Evaluates (acting) and returns the item of plan/tag. */
static struct pm_item
eval(int64_t plan, const char *tag, int64_t now)
{
	struct pm_item *v, it;
	size_t n, i;
	int found = 0;

	ck_assert_int_eq(pm_evaluate(db, now, 1, &v, &n), 0);
	memset(&it, 0, sizeof it);
	for (i = 0; i < n; i++) {
		if (v[i].plan_id == plan && strcmp(v[i].tag, tag) == 0) {
			it = v[i];
			found = 1;
		}
	}
	free(v);
	ck_assert_msg(found, "no item for plan %lld %s", (long long)plan, tag);
	return it;
}

/* A single-integer SQL answer. */
static long long
sql_int(const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL),
	                 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t
add_plan(const char *kind, const char *target, unsigned days, unsigned months,
         const char *metric, double count, int64_t start)
{
	struct pm_plan p;
	char err[256];

	memset(&p, 0, sizeof p);
	snprintf(p.name, sizeof p.name, "service");
	snprintf(p.target_kind, sizeof p.target_kind, "%s", kind);
	snprintf(p.target, sizeof p.target, "%s", target);
	p.every_days = days;
	p.every_months = months;
	if (metric != NULL)
		snprintf(p.counter_metric, sizeof p.counter_metric, "%s",
		         metric);
	p.counter_every = count;
	p.lead_days = 7;
	p.start_at = start;
	ck_assert_msg(pm_plan_check(&p, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(pm_plan_add(db, &p, start), 0);
	return p.id;
}

START_TEST(test_counter_plan)
{
	struct pm_item it;
	char err[256], sql[256];
	int64_t plan, ticket, t;

	plan =
	    add_plan("asset", "PRN-1", 0, 0, "printer.pages.total", 10000, T0);
	pages(9000, T0);
	it = eval(plan, "PRN-1", T0);
	ck_assert_int_eq(it.status, PM_OK);
	ck_assert(it.has_counter);
	ck_assert_double_eq(it.base_counter, 0);
	ck_assert_double_eq(it.due_counter, 10000);
	ck_assert_int_eq(it.forecast_at, 0); /* no rate yet */

	/* nine days later, 9,900 pages: 100 a day, due in one day */
	t = T0 + 9 * DAY;
	pages(9900, t);
	it = eval(plan, "PRN-1", t);
	ck_assert_int_eq(it.status, PM_DUE_SOON);
	ck_assert_double_eq(it.rate_per_day, 100);
	ck_assert_int_eq(it.forecast_at, t + DAY);
	ck_assert_int_eq(it.ticket_id, 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM tickets"), 0);

	/* 10,000: the preventive ticket opens, once */
	t += DAY;
	pages(10000, t);
	it = eval(plan, "PRN-1", t);
	ck_assert_int_eq(it.status, PM_DUE);
	ck_assert_int_gt(it.ticket_id, 0);
	ticket = it.ticket_id;
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM tickets WHERE id = %lld AND "
	         "kind = 'preventive' AND state = 'open' AND "
	         "dedup_key = 'pm:%lld' AND asset_tag = 'PRN-1' AND "
	         "site = 'asriloka' AND device = 'printer-1'",
	         (long long)ticket, (long long)plan);
	ck_assert_int_eq(sql_int(sql), 1);
	it = eval(plan, "PRN-1", t + 60);
	ck_assert_int_eq(it.ticket_id, ticket);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM tickets"), 1);
	/* a day on and not done: overdue */
	it = eval(plan, "PRN-1", t + DAY);
	ck_assert_int_eq(it.status, PM_OVERDUE);

	/* done: the ticket is resolved, the plan re-armed at 20,000 */
	ck_assert_int_eq(
	    pm_done(db, plan, NULL, "tek", t + DAY + 60, err, sizeof err), 0);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM tickets WHERE id = %lld AND "
	         "state = 'resolved'",
	         (long long)ticket);
	ck_assert_int_eq(sql_int(sql), 1);
	it = eval(plan, "PRN-1", t + DAY + 120);
	ck_assert_int_eq(it.status, PM_OK);
	ck_assert_int_eq(it.ticket_id, 0);
	ck_assert_double_eq(it.base_counter, 10000);
	ck_assert_double_eq(it.due_counter, 20000);
	ck_assert_int_eq(it.base_at, t + DAY + 60);
	ck_assert_int_eq(
	    sql_int("SELECT done_count FROM pm_state WHERE tag = 'PRN-1'"), 1);

	/* 20,000: a new ticket; resolved in the ticket module re-arms too */
	t += 2 * DAY;
	pages(20000, t);
	it = eval(plan, "PRN-1", t);
	ck_assert_int_eq(it.status, PM_DUE);
	ck_assert_int_ne(it.ticket_id, ticket);
	{
		struct ticket_change ch = {.state = "closed", .cost_idr = -1};
		int found;

		ck_assert_int_eq(ticket_update(db, it.ticket_id, &ch, "tek",
		                               t + 600, &found),
		                 0);
		ck_assert(found);
	}
	pages(20050, t + 900);
	it = eval(plan, "PRN-1", t + 900);
	ck_assert_int_eq(it.ticket_id, 0);
	ck_assert_double_eq(it.base_counter, 20050);
	ck_assert_double_eq(it.due_counter, 30050);
	ck_assert_int_eq(it.base_at, t + 600);

	/* errors */
	ck_assert_int_eq(pm_done(db, 99, NULL, "tek", t, err, sizeof err), 1);
	ck_assert_str_eq(err, "no plan 99");
}
END_TEST

START_TEST(test_time_plan)
{
	struct pm_item it;
	int64_t plan, due = T0 + 30 * DAY; /* 2026-01-31 */

	plan = add_plan("asset", "PC-1", 30, 0, NULL, 0, T0 + 3600);
	it = eval(plan, "PC-1", T0 + 3600);
	ck_assert_int_eq(it.status, PM_OK);
	ck_assert_int_eq(it.due_at, due);
	it = eval(plan, "PC-1", due - 7 * DAY);
	ck_assert_int_eq(it.status, PM_DUE_SOON);
	it = eval(plan, "PC-1", due - 1);
	ck_assert_int_eq(it.status, PM_DUE_SOON);
	ck_assert_int_eq(it.ticket_id, 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM tickets"), 0);
	it = eval(plan, "PC-1", due);
	ck_assert_int_eq(it.status, PM_DUE);
	ck_assert_int_gt(it.ticket_id, 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM tickets WHERE "
	                         "kind = 'preventive' AND device IS NULL AND "
	                         "asset_tag = 'PC-1'"),
	                 1);
	it = eval(plan, "PC-1", due + DAY);
	ck_assert_int_eq(it.status, PM_OVERDUE);
}
END_TEST

START_TEST(test_months_and_type_plan)
{
	struct pm_item it;
	int64_t plan, plan2;
	char err[256];

	/* 31 January + 1 month: 28 February */
	plan = add_plan("asset", "PC-1", 0, 1, NULL, 0, T0 + 30 * DAY + 50);
	it = eval(plan, "PC-1", T0 + 30 * DAY + 50);
	ck_assert_int_eq(it.due_at, T0 + 58 * DAY); /* 2026-02-28 */
	/* a plan for every printer: a ticket per asset, keyed by tag */
	add_asset("PRN-2", "printer", "");
	plan2 = add_plan("type", "printer", 90, 0, "printer.pages.total", 50000,
	                 T0);
	pages(1000, T0);
	it = eval(plan2, "PRN-2", T0 + 90 * DAY);
	ck_assert_int_eq(it.status, PM_DUE);
	ck_assert_int_eq(it.has_counter, 0);
	it = eval(plan2, "PRN-1", T0 + 90 * DAY);
	ck_assert_int_eq(it.status, PM_DUE);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM tickets WHERE "
	                         "dedup_key LIKE 'pm:2:PRN-_'"),
	                 2);
	ck_assert_int_eq(pm_done(db, plan2, NULL, "tek", T0, err, sizeof err),
	                 1);
	ck_assert_str_eq(err, "plan 2 applies to 2 assets: name one");
	ck_assert_int_eq(
	    pm_done(db, plan2, "PRN-2", "tek", T0 + 91 * DAY, err, sizeof err),
	    0);
	it = eval(plan2, "PRN-2", T0 + 91 * DAY);
	ck_assert_int_eq(it.status, PM_OK);
	ck_assert_int_eq(it.due_at, T0 + 181 * DAY);
}
END_TEST

START_TEST(test_plan_check)
{
	struct pm_plan p;
	char err[256];

	memset(&p, 0, sizeof p);
	snprintf(p.name, sizeof p.name, "x");
	snprintf(p.target_kind, sizeof p.target_kind, "type");
	snprintf(p.target, sizeof p.target, "printer");
	ck_assert_int_eq(pm_plan_check(&p, err, sizeof err), -1);
	ck_assert_str_eq(err,
	                 "a plan needs days, months or a counter (or both)");
	p.every_days = 10;
	p.every_months = 1;
	ck_assert_int_eq(pm_plan_check(&p, err, sizeof err), -1);
	ck_assert_str_eq(err, "every: days or months, not both");
	p.every_months = 0;
	snprintf(p.counter_metric, sizeof p.counter_metric, "Pages!");
	p.counter_every = 5;
	ck_assert_int_eq(pm_plan_check(&p, err, sizeof err), -1);
	ck_assert_str_eq(err, "counter: 'Pages!' is not a metric name");
	snprintf(p.counter_metric, sizeof p.counter_metric,
	         "projector.lamp.hours");
	ck_assert_int_eq(pm_plan_check(&p, err, sizeof err), 0);
	snprintf(p.target, sizeof p.target, "laptop");
	ck_assert_int_eq(pm_plan_check(&p, err, sizeof err), -1);
	ck_assert_str_eq(err, "type: 'laptop' is not an asset type");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pm");
	TCase *tc = tcase_create("pm");
	SRunner *sr;
	int failed;

	log_init("check_pm", 1, LOG_LVL_ERR);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_counter_plan);
	tcase_add_test(tc, test_time_plan);
	tcase_add_test(tc, test_months_and_type_plan);
	tcase_add_test(tc, test_plan_check);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
