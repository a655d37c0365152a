/*
 * check_db.c: collector/db.c against a real SQLite file in a temp dir:
 * migrations, refusal of a newer schema, round trips, late messages,
 * presence history, and the read-only connection the HTTP thread uses.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "collector/db.h"
#include "common/log.h"

static char dir[256];
static char path[320];

static void
setup(void)
{
	snprintf(dir, sizeof dir, "%s/check_db.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pantau.db", dir);
}

static void
teardown(void)
{
	char cmd[400];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct db *
open_rw(void)
{
	char err[256] = "";
	struct db *db = db_open(path, 0, err, sizeof err);

	ck_assert_msg(db != NULL, "db_open: %s", err);
	return db;
}

/* One integer from a query on a separate raw connection. */
static long long
sql_int(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;

	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static void
sql_exec(const char *sql)
{
	sqlite3 *h;

	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

/* A metrics message with the given samples (names in static storage). */
struct msg {
	struct wire_metrics m;
	struct wire_sample g[4];
	struct wire_sample c[4];
};

static void
msg_init(struct msg *x, int64_t ts, uint64_t seq, double cpu, double rx)
{
	memset(x, 0, sizeof *x);
	x->m.ts = ts;
	x->m.seq = seq;
	x->m.type = DEV_PC;
	x->m.interval = 60;
	snprintf(x->g[0].name, sizeof x->g[0].name, "cpu.util");
	x->g[0].value = cpu;
	snprintf(x->g[1].name, sizeof x->g[1].name, "mem.used_pct");
	x->g[1].value = 43.1;
	snprintf(x->c[0].name, sizeof x->c[0].name, "net.eth0.rx_bytes");
	x->c[0].value = rx;
	x->m.gauges = x->g;
	x->m.ngauges = 2;
	x->m.counters = x->c;
	x->m.ncounters = 1;
}

START_TEST(test_migrate_from_empty)
{
	struct db *db = open_rw();

	ck_assert_int_ge(db_schema_latest(), 1);
	ck_assert_int_eq(db_schema_version(db), db_schema_latest());
	db_close(db);
	ck_assert_int_eq(sql_int("PRAGMA user_version"), db_schema_latest());
	ck_assert_int_eq(sql_int("SELECT count(*) FROM schema_history"),
	                 db_schema_latest());
	ck_assert_int_eq(
	    sql_int("SELECT count(*) FROM sqlite_master WHERE "
	            "type = 'table' AND name IN ('sites', 'devices', 'latest', "
	            "'events', 'presence')"),
	    5);
	/* WAL is a property of the file. */
	ck_assert_int_eq(sql_int("SELECT journal_mode = 'wal' FROM "
	                         "pragma_journal_mode"),
	                 1);
}
END_TEST

START_TEST(test_reopen_idempotent)
{
	struct db *db = open_rw();
	struct msg x;

	msg_init(&x, 1000, 1, 12.5, 100);
	ck_assert_int_eq(db_metrics_store(db, "asriloka", "pc-01", &x.m, 1001),
	                 0);
	db_close(db);
	db = open_rw();
	ck_assert_int_eq(db_schema_version(db), db_schema_latest());
	db_close(db);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM schema_history"),
	                 db_schema_latest());
	ck_assert_int_eq(sql_int("SELECT count(*) FROM devices"), 1);
}
END_TEST

START_TEST(test_newer_refused)
{
	char err[256] = "", sql[64];
	struct db *db = open_rw();

	db_close(db);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
	         db_schema_latest() + 1);
	sql_exec(sql);
	ck_assert_ptr_null(db_open(path, 0, err, sizeof err));
	ck_assert_msg(strstr(err, "is newer than this program") != NULL,
	              "message: %s", err);
	ck_assert_ptr_null(db_open(path, 1, err, sizeof err));
	/* Refusing must not have touched it. */
	ck_assert_int_eq(sql_int("PRAGMA user_version"),
	                 db_schema_latest() + 1);
}
END_TEST

START_TEST(test_failed_migration_rolls_back)
{
	char err[256] = "";

	/* A stray table makes migration 1 fail half-way through. */
	sql_exec("CREATE TABLE events (x)");
	ck_assert_ptr_null(db_open(path, 0, err, sizeof err));
	ck_assert_msg(strstr(err, "migration to schema version 1 failed") !=
	                  NULL,
	              "%s", err);
	ck_assert_int_eq(sql_int("PRAGMA user_version"), 0);
	/* Nothing of it was left behind: not even the first tables. */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM sqlite_master WHERE "
	                         "name IN ('schema_history', 'sites')"),
	                 0);
}
END_TEST

START_TEST(test_reader_during_write)
{
	char err[256] = "";
	struct db *db = open_rw(), *ro;
	struct db_device d;
	int found;

	ro = db_open(path, 1, err, sizeof err);
	ck_assert_msg(ro != NULL, "%s", err);
	ck_assert_int_eq(
	    db_state_store(db, "s", "d", DEV_PC, STATE_ONLINE, 100, "metrics"),
	    0);
	/* The writer holds a batch open: the reader is not blocked and sees
	 * the last committed state. */
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(db_in_transaction(db), 1);
	ck_assert_int_eq(db_state_store(db, "s", "d", DEV_PC, STATE_STALE, 200,
	                                "no metrics for 180 s"),
	                 0);
	ck_assert_int_eq(db_device_get(ro, "s", "d", &d, &found), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(d.state, STATE_ONLINE);
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_int_eq(db_in_transaction(db), 0);
	ck_assert_int_eq(db_device_get(ro, "s", "d", &d, &found), 0);
	ck_assert_int_eq(d.state, STATE_STALE);
	db_close(ro);
	db_close(db);
}
END_TEST

START_TEST(test_readonly)
{
	char err[256] = "";
	struct db *ro, *db;
	struct db_device d;
	int found = 7;

	/* A missing file is not created by a reader. */
	ck_assert_ptr_null(db_open(path, 1, err, sizeof err));
	ck_assert_int_ne(access(path, F_OK), 0);
	/* An empty (unmigrated) file is refused. */
	sql_exec("CREATE TABLE x (y)");
	ck_assert_ptr_null(db_open(path, 1, err, sizeof err));
	ck_assert_msg(strstr(err, "start pantau-collector") != NULL, "%s", err);
	db = open_rw();
	ro = db_open(path, 1, err, sizeof err);
	ck_assert_msg(ro != NULL, "%s", err);
	ck_assert_int_eq(db_device_get(ro, "asriloka", "pc-01", &d, &found), 0);
	ck_assert_int_eq(found, 0);
	/* A write through the reader fails, is counted, and is not fatal. */
	ck_assert_int_eq(db_state_store(ro, "asriloka", "pc-01", DEV_PC,
	                                STATE_ONLINE, 100, "test"),
	                 -1);
	ck_assert_uint_eq(db_errors(ro), 1);
	/* The reader sees what the writer commits. */
	ck_assert_int_eq(db_state_store(db, "asriloka", "pc-01", DEV_PC,
	                                STATE_ONLINE, 100, "test"),
	                 0);
	ck_assert_int_eq(db_device_get(ro, "asriloka", "pc-01", &d, &found), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(d.state, STATE_ONLINE);
	db_close(ro);
	db_close(db);
}
END_TEST

START_TEST(test_metrics_round_trip)
{
	struct db *db = open_rw();
	struct db_device d;
	struct db_value *v;
	struct msg x;
	size_t n;
	int found;

	msg_init(&x, 1764345600, 1842, 12.5, 9812345123.0);
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(
	    db_metrics_store(db, "asriloka", "pc-01", &x.m, 1764345603), 0);
	ck_assert_int_eq(db_commit(db), 0);

	ck_assert_int_eq(db_device_get(db, "asriloka", "pc-01", &d, &found), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_str_eq(d.site, "asriloka");
	ck_assert_str_eq(d.device, "pc-01");
	ck_assert_int_eq(d.has_type, 1);
	ck_assert_int_eq(d.type, DEV_PC);
	ck_assert_int_eq(d.state, STATE_UNKNOWN);
	ck_assert_int_eq(d.first_seen, 1764345603);
	ck_assert_int_eq(d.last_seen, 1764345600);
	ck_assert_int_eq(d.last_received, 1764345603);
	ck_assert_uint_eq(d.interval, 60);
	ck_assert_uint_eq(d.last_seq, 1842);

	ck_assert_int_eq(db_latest_load(db, "asriloka", "pc-01", &v, &n), 0);
	ck_assert_uint_eq(n, 3);
	/* Gauges first, each kind by name. */
	ck_assert_str_eq(v[0].name, "cpu.util");
	ck_assert_int_eq(v[0].counter, 0);
	ck_assert_double_eq(v[0].value, 12.5);
	ck_assert_int_eq(v[0].ts, 1764345600);
	ck_assert_str_eq(v[1].name, "mem.used_pct");
	ck_assert_double_eq(v[1].value, 43.1);
	ck_assert_str_eq(v[2].name, "net.eth0.rx_bytes");
	ck_assert_int_eq(v[2].counter, 1);
	ck_assert_double_eq(v[2].value, 9812345123.0);
	free(v);

	ck_assert_int_eq(db_latest_load(db, "asriloka", "pc-99", &v, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(v);
	db_close(db);
}
END_TEST

START_TEST(test_late_message)
{
	struct db *db = open_rw();
	struct db_device d;
	struct db_value *v;
	struct msg x;
	size_t n;
	int found;

	msg_init(&x, 1000, 10, 50.0, 500);
	ck_assert_int_eq(db_metrics_store(db, "s", "d", &x.m, 2000), 0);
	/* From a spool: older ts, arrives later. */
	msg_init(&x, 940, 9, 5.0, 400);
	x.m.interval = 30;
	ck_assert_int_eq(db_metrics_store(db, "s", "d", &x.m, 2001), 0);
	ck_assert_int_eq(db_device_get(db, "s", "d", &d, &found), 0);
	ck_assert_int_eq(d.last_seen, 1000);
	ck_assert_uint_eq(d.last_seq, 10);
	ck_assert_uint_eq(d.interval, 60);
	ck_assert_int_eq(d.last_received, 2001);
	ck_assert_int_eq(db_latest_load(db, "s", "d", &v, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_double_eq(v[0].value, 50.0);
	ck_assert_int_eq(v[0].ts, 1000);
	ck_assert_double_eq(v[2].value, 500);
	free(v);

	/* A newer one replaces; a metric it lacks keeps its older value. */
	msg_init(&x, 1060, 11, 7.0, 600);
	x.m.ngauges = 1;
	ck_assert_int_eq(db_metrics_store(db, "s", "d", &x.m, 2002), 0);
	ck_assert_int_eq(db_latest_load(db, "s", "d", &v, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_double_eq(v[0].value, 7.0);
	ck_assert_int_eq(v[0].ts, 1060);
	ck_assert_str_eq(v[1].name, "mem.used_pct");
	ck_assert_int_eq(v[1].ts, 1000);
	ck_assert_double_eq(v[2].value, 600);
	free(v);
	ck_assert_int_eq(db_device_get(db, "s", "d", &d, &found), 0);
	ck_assert_uint_eq(d.last_seq, 11);
	ck_assert_int_eq(d.last_seen, 1060);
	db_close(db);
}
END_TEST

START_TEST(test_state_history)
{
	struct db *db = open_rw();
	struct db_presence *p;
	struct db_device d;
	size_t n;
	int found;

	ck_assert_int_eq(db_state_store(db, "s", "d", DEV_NTYPES, STATE_ONLINE,
	                                100, "status online"),
	                 0);
	ck_assert_int_eq(db_device_get(db, "s", "d", &d, &found), 0);
	ck_assert_int_eq(d.has_type, 0);
	ck_assert_int_eq(db_state_store(db, "s", "d", DEV_PRINTER, STATE_STALE,
	                                300, "no metrics for 180 s"),
	                 0);
	/* No change: no row. */
	ck_assert_int_eq(db_state_store(db, "s", "d", DEV_PRINTER, STATE_STALE,
	                                350, "again"),
	                 0);
	ck_assert_int_eq(db_state_store(db, "s", "d", DEV_NTYPES, STATE_OFFLINE,
	                                400, "status offline"),
	                 0);

	ck_assert_int_eq(db_device_get(db, "s", "d", &d, &found), 0);
	ck_assert_int_eq(d.state, STATE_OFFLINE);
	ck_assert_int_eq(d.state_since, 400);
	ck_assert_int_eq(d.has_type, 1);
	ck_assert_int_eq(d.type, DEV_PRINTER);

	ck_assert_int_eq(db_presence_load(db, "s", "d", 0, 1000, &p, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(p[0].state, STATE_ONLINE);
	ck_assert_int_eq(p[0].since, 100);
	ck_assert_int_eq(p[0].until, 300);
	ck_assert_str_eq(p[0].cause, "status online");
	ck_assert_int_eq(p[1].state, STATE_STALE);
	ck_assert_int_eq(p[1].since, 300);
	ck_assert_int_eq(p[1].until, 400);
	ck_assert_str_eq(p[1].cause, "no metrics for 180 s");
	ck_assert_int_eq(p[2].state, STATE_OFFLINE);
	ck_assert_int_eq(p[2].since, 400);
	ck_assert_int_eq(p[2].until, 0);
	free(p);
	/* Only the rows overlapping the window. */
	ck_assert_int_eq(db_presence_load(db, "s", "d", 310, 390, &p, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(p[0].state, STATE_STALE);
	free(p);
	db_close(db);
}
END_TEST

START_TEST(test_events_inventory)
{
	struct db *db = open_rw();
	static char new_inv[] =
	    "{\"v\":1,\"ts\":1000,\"type\":\"printer\",\"model\":\"A\"}";
	static char old_inv[] =
	    "{\"v\":1,\"ts\":900,\"type\":\"printer\",\"model\":\"OLD\"}";
	struct wire_event ev;
	struct wire_inventory inv;
	char *json;
	int64_t ts;

	memset(&ev, 0, sizeof ev);
	ev.ts = 500;
	snprintf(ev.code, sizeof ev.code, "printer.jam");
	ev.severity = WIRE_SEV_CRITICAL;
	ev.state = WIRE_EV_RAISED;
	snprintf(ev.text, sizeof ev.text, "Paper jam in tray 2");
	ck_assert_int_eq(db_event_store(db, "s", "printer-lobby", &ev, 501), 0);
	/* Redelivered: harmless. */
	ck_assert_int_eq(db_event_store(db, "s", "printer-lobby", &ev, 502), 0);
	ev.state = WIRE_EV_CLEARED;
	ev.ts = 560;
	ck_assert_int_eq(db_event_store(db, "s", "printer-lobby", &ev, 561), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM events"), 2);
	ck_assert_int_eq(
	    sql_int("SELECT count(*) FROM events WHERE "
	            "code = 'printer.jam' AND severity = 'critical' AND "
	            "state = 'raised' AND ts = 500 AND received = 501"),
	    1);

	memset(&inv, 0, sizeof inv);
	inv.ts = 1000;
	inv.type = DEV_PRINTER;
	inv.json = new_inv;
	ck_assert_int_eq(
	    db_inventory_store(db, "s", "printer-lobby", &inv, 1001), 0);
	inv.ts = 900; /* older: ignored */
	inv.json = old_inv;
	ck_assert_int_eq(
	    db_inventory_store(db, "s", "printer-lobby", &inv, 1002), 0);
	ck_assert_int_eq(
	    db_inventory_load(db, "s", "printer-lobby", &json, &ts), 0);
	ck_assert_str_eq(json, new_inv);
	ck_assert_int_eq(ts, 1000);
	free(json);
	ck_assert_int_eq(db_inventory_load(db, "s", "nobody", &json, &ts), 0);
	ck_assert_ptr_null(json);
	db_close(db);
}
END_TEST

START_TEST(test_devices_query)
{
	static const char *const names[][2] = {
	    {"b-site", "pc-02"},
	    {"a-site", "pc-01"},
	    {"b-site", "pc-01"},
	    {"a-site", "printer"},
	};
	struct db *db = open_rw();
	struct db_device *d;
	struct msg x;
	size_t n, i;

	msg_init(&x, 1000, 1, 1, 1);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(
		    db_metrics_store(db, names[i][0], names[i][1], &x.m, 1000),
		    0);
	ck_assert_int_eq(db_devices_query(db, NULL, 0, &d, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(d[0].site, "a-site");
	ck_assert_str_eq(d[0].device, "pc-01");
	ck_assert_str_eq(d[1].device, "printer");
	ck_assert_str_eq(d[3].site, "b-site");
	ck_assert_str_eq(d[3].device, "pc-02");
	free(d);
	ck_assert_int_eq(db_devices_query(db, "b-site", 1, &d, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(d[0].device, "pc-01");
	free(d);
	ck_assert_int_eq(db_devices_query(db, "nowhere", 0, &d, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM sites"), 2);
	db_close(db);
}
END_TEST

static Suite *
db_suite(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("db");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_migrate_from_empty);
	tcase_add_test(tc, test_reopen_idempotent);
	tcase_add_test(tc, test_newer_refused);
	tcase_add_test(tc, test_failed_migration_rolls_back);
	tcase_add_test(tc, test_reader_during_write);
	tcase_add_test(tc, test_readonly);
	tcase_add_test(tc, test_metrics_round_trip);
	tcase_add_test(tc, test_late_message);
	tcase_add_test(tc, test_state_history);
	tcase_add_test(tc, test_events_inventory);
	tcase_add_test(tc, test_devices_query);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(db_suite());
	int failed;

	log_init("check_db", 1, LOG_LVL_WARN);
	log_set_repeat_window(0);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
