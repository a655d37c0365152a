/*
 * check_presence.c: collector/presence.c with a real database: online on
 * metrics, stale after 3 intervals of silence on the collector's clock,
 * offline and unreachable by status, back online, the history rows, and
 * the state surviving a restart.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/db.h"
#include "collector/presence.h"
#include "common/log.h"

static char dir[256];
static struct db *db;
static struct presence *p;

static void
setup(void)
{
	char path[320], err[256] = "";

	snprintf(dir, sizeof dir, "%s/check_presence.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pantau.db", dir);
	db = db_open(path, 0, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	p = presence_new(db);
	ck_assert_ptr_nonnull(p);
}

static void
teardown(void)
{
	char cmd[300];

	presence_free(p);
	db_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static enum dev_state
db_state(const char *site, const char *device, int64_t *since)
{
	struct db_device d;
	int found;

	ck_assert_int_eq(db_device_get(db, site, device, &d, &found), 0);
	ck_assert_int_eq(found, 1);
	if (since != NULL)
		*since = d.state_since;
	return d.state;
}

struct row {
	enum dev_state state;
	int64_t since, until;
	const char *cause;
};

static void
check_history(const char *site, const char *device, const struct row *want,
              size_t nwant)
{
	struct db_presence *h;
	size_t n, i;

	ck_assert_int_eq(
	    db_presence_load(db, site, device, 0, INT64_MAX, &h, &n), 0);
	ck_assert_uint_eq(n, nwant);
	for (i = 0; i < n; i++) {
		ck_assert_msg(h[i].state == want[i].state, "row %zu: %s", i,
		              dev_state_name(h[i].state));
		ck_assert_int_eq(h[i].since, want[i].since);
		ck_assert_int_eq(h[i].until, want[i].until);
		ck_assert_str_eq(h[i].cause, want[i].cause);
	}
	free(h);
}

START_TEST(test_stale_after_three_intervals)
{
	static const struct row want[] = {
	    {STATE_ONLINE, 1000, 1180, "metrics"},
	    {STATE_STALE, 1180, 0, "no metrics for 180 s"},
	};
	int64_t since;

	presence_metrics(p, "s", "pc-01", DEV_PC, 60, 1000, 1000);
	ck_assert_int_eq(presence_state(p, "s", "pc-01"), STATE_ONLINE);
	ck_assert_int_eq(presence_check(p, 1000), 0);
	ck_assert_int_eq(presence_check(p, 1179), 0);
	ck_assert_int_eq(presence_state(p, "s", "pc-01"), STATE_ONLINE);
	ck_assert_int_eq(presence_check(p, 1180), 1);
	ck_assert_int_eq(presence_state(p, "s", "pc-01"), STATE_STALE);
	ck_assert_int_eq(db_state("s", "pc-01", &since), STATE_STALE);
	ck_assert_int_eq(since, 1180);
	/* Once is enough. */
	ck_assert_int_eq(presence_check(p, 1300), 0);
	check_history("s", "pc-01", want, 2);
}
END_TEST

START_TEST(test_metrics_keep_online)
{
	/* Every message restarts the clock: 3 intervals from the last one. */
	for (int64_t t = 1000; t <= 1600; t += 60) {
		presence_metrics(p, "s", "pc-01", DEV_PC, 60, t, t);
		ck_assert_int_eq(presence_check(p, t + 30), 0);
	}
	ck_assert_int_eq(presence_check(p, 1600 + 179), 0);
	ck_assert_int_eq(presence_check(p, 1600 + 180), 1);
}
END_TEST

START_TEST(test_clock_skew)
{
	/*
	 * The agent's clock is a day behind: staleness runs on the received
	 * time, so it is online as long as its messages keep coming.
	 */
	presence_metrics(p, "s", "pc-01", DEV_PC, 60, 1000 - 86400, 1000);
	ck_assert_int_eq(presence_check(p, 1100), 0);
	presence_metrics(p, "s", "pc-01", DEV_PC, 60, 1060 - 86400, 1060);
	ck_assert_int_eq(presence_check(p, 1200), 0);
	ck_assert_int_eq(presence_state(p, "s", "pc-01"), STATE_ONLINE);
}
END_TEST

START_TEST(test_offline_and_back)
{
	static const struct row want[] = {
	    {STATE_ONLINE, 1000, 1010, "metrics"},
	    {STATE_OFFLINE, 1010, 5001, "status offline"},
	    {STATE_ONLINE, 5001, 0, "status online"},
	};

	presence_status(p, "s", "pc-01", WIRE_ONLINE, 990, 995);
	/* The status came first: online from then, by status. */
	ck_assert_int_eq(presence_state(p, "s", "pc-01"), STATE_ONLINE);
	teardown();
	setup();
	presence_metrics(p, "s", "pc-01", DEV_PC, 60, 1000, 1000);
	/* The Last Will carries the ts of the connection: older than metrics.
	 */
	presence_status(p, "s", "pc-01", WIRE_OFFLINE, 990, 1010);
	ck_assert_int_eq(presence_state(p, "s", "pc-01"), STATE_OFFLINE);
	ck_assert_int_eq(db_state("s", "pc-01", NULL), STATE_OFFLINE);
	/* Offline devices do not go stale. */
	ck_assert_int_eq(presence_check(p, 5000), 0);
	ck_assert_int_eq(presence_state(p, "s", "pc-01"), STATE_OFFLINE);
	/* The agent returns: online status, then metrics. */
	presence_status(p, "s", "pc-01", WIRE_ONLINE, 5000, 5001);
	presence_metrics(p, "s", "pc-01", DEV_PC, 60, 5000, 5002);
	ck_assert_int_eq(db_state("s", "pc-01", NULL), STATE_ONLINE);
	check_history("s", "pc-01", want, 3);
}
END_TEST

START_TEST(test_status_order)
{
	/* Online and Last Will share the connect time: equal ts applies. */
	presence_status(p, "s", "pc-01", WIRE_ONLINE, 100, 100);
	presence_status(p, "s", "pc-01", WIRE_OFFLINE, 100, 200);
	ck_assert_int_eq(presence_state(p, "s", "pc-01"), STATE_OFFLINE);
	presence_status(p, "s", "pc-01", WIRE_ONLINE, 300, 300);
	/* A redelivered older status does not undo a newer one. */
	presence_status(p, "s", "pc-01", WIRE_OFFLINE, 100, 301);
	ck_assert_int_eq(presence_state(p, "s", "pc-01"), STATE_ONLINE);
}
END_TEST

START_TEST(test_unreachable)
{
	presence_metrics(p, "s", "printer-lobby", DEV_PRINTER, 60, 1000, 1000);
	presence_status(p, "s", "printer-lobby", WIRE_UNREACHABLE, 1100, 1101);
	ck_assert_int_eq(db_state("s", "printer-lobby", NULL),
	                 STATE_UNREACHABLE);
	ck_assert_int_eq(presence_check(p, 9000), 0);
	presence_metrics(p, "s", "printer-lobby", DEV_PRINTER, 60, 9000, 9001);
	ck_assert_int_eq(db_state("s", "printer-lobby", NULL), STATE_ONLINE);
}
END_TEST

START_TEST(test_restart)
{
	struct wire_metrics m;

	/* As ingest does: the message is stored, and presence told. */
	memset(&m, 0, sizeof m);
	m.ts = 1000;
	m.type = DEV_PC;
	m.interval = 60;
	ck_assert_int_eq(db_metrics_store(db, "s", "pc-01", &m, 1000), 0);
	ck_assert_int_eq(db_metrics_store(db, "s", "pc-02", &m, 1000), 0);
	presence_metrics(p, "s", "pc-01", DEV_PC, 60, 1000, 1000);
	presence_metrics(p, "s", "pc-02", DEV_PC, 60, 1000, 1000);
	presence_status(p, "s", "pc-02", WIRE_OFFLINE, 1000, 1001);
	presence_free(p);

	p = presence_new(db);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(presence_state(p, "s", "pc-01"), STATE_ONLINE);
	ck_assert_int_eq(presence_state(p, "s", "pc-02"), STATE_OFFLINE);
	/*
	 * Restarted much later: a device gets 3 intervals from the first
	 * check to show up, as the broker is still delivering its backlog.
	 */
	ck_assert_int_eq(presence_check(p, 5000), 0);
	ck_assert_int_eq(presence_check(p, 5179), 0);
	ck_assert_int_eq(presence_check(p, 5180), 1);
	ck_assert_int_eq(presence_state(p, "s", "pc-01"), STATE_STALE);
	ck_assert_int_eq(presence_state(p, "s", "pc-02"), STATE_OFFLINE);
}
END_TEST

START_TEST(test_many_devices)
{
	char name[32];
	int i;

	ck_assert_int_eq(presence_check(p, 1000), 0);
	/* Enough to grow the hash table twice; one batch, as ingest does. */
	ck_assert_int_eq(db_begin(db), 0);
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "pc-%d", i);
		presence_metrics(p, "s", name, DEV_PC, 60, 1000, 1000 + i % 2);
	}
	ck_assert_int_eq(db_commit(db), 0);
	for (i = 0; i < 1000; i += 7) {
		snprintf(name, sizeof name, "pc-%d", i);
		ck_assert_int_eq(presence_state(p, "s", name), STATE_ONLINE);
	}
	/* presence_check() makes its own transaction. */
	ck_assert_int_eq(presence_check(p, 1180), 500);
	ck_assert_int_eq(db_in_transaction(db), 0);
	ck_assert_int_eq(presence_check(p, 1181), 500);
	ck_assert_int_eq(db_state("s", "pc-999", NULL), STATE_STALE);
	ck_assert_int_eq(presence_state(p, "s", "nobody"), STATE_UNKNOWN);
}
END_TEST

static Suite *
presence_suite(void)
{
	Suite *s = suite_create("presence");
	TCase *tc = tcase_create("presence");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_stale_after_three_intervals);
	tcase_add_test(tc, test_metrics_keep_online);
	tcase_add_test(tc, test_clock_skew);
	tcase_add_test(tc, test_offline_and_back);
	tcase_add_test(tc, test_status_order);
	tcase_add_test(tc, test_unreachable);
	tcase_add_test(tc, test_restart);
	tcase_add_test(tc, test_many_devices);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(presence_suite());
	int failed;

	log_init("check_presence", 1, LOG_LVL_WARN);
	log_set_repeat_window(0);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
