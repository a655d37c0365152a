/*
 * check_ticket.c: the ticket store (collector/ticket.c, ticket_edit.c) on
 * a real database: opening, one open ticket per site, device and key, the
 * timeline of notes and changes with who and when, states and their
 * stamps, the JSON reads, and the warranty shown from the asset register
 * when that table exists.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "collector/db.h"
#include "collector/ticket.h"
#include "collector/ticket_store.h"
#include "common/log.h"

static char dir[256];
static struct db *db;

static void
setup(void)
{
	char path[320], err[256] = "";

	snprintf(dir, sizeof dir, "%s/check_ticket.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pantau.db", dir);
	db = db_open(path, 0, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
}

static void
teardown(void)
{
	char cmd[300];

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

static int64_t
open_one(const char *site, const char *device, const char *key, int *created)
{
	struct ticket_new t = {
	    .kind = TICKET_FAULT,
	    .title = "toner empty",
	    .site = site,
	    .device = device,
	    .priority = 2,
	    .dedup_key = key,
	    .actor = "system",
	};
	int64_t id;

	ck_assert_int_eq(ticket_open(db, &t, 1000, &id, created), 0);
	ck_assert_int_gt(id, 0);
	return id;
}

/* Which (site, device, key) opens a new ticket after "s1/prn-01/k". */
struct dedup_case {
	const char *site, *device, *key;
	int created;
};

static const struct dedup_case dedup_cases[] = {
    {"s1", "prn-01", "k", 0}, {"s1", "prn-01", "k2", 1},
    {"s1", "prn-02", "k", 1}, {"s2", "prn-01", "k", 1},
    {"s1", NULL, "k", 1},     {"s1", "prn-01", NULL, 1},
};

START_TEST(test_dedup_table)
{
	const struct dedup_case *c = &dedup_cases[_i];
	int created;
	int64_t first, id;

	first = open_one("s1", "prn-01", "k", &created);
	ck_assert_int_eq(created, 1);
	id = open_one(c->site, c->device, c->key, &created);
	ck_assert_int_eq(created, c->created);
	if (!c->created) {
		ck_assert_int_eq(id, first);
		ck_assert_int_eq(q("SELECT count(*) FROM ticket_notes WHERE "
		                   "kind = 'alert'"),
		                 1);
	}
}
END_TEST

START_TEST(test_lifecycle)
{
	struct ticket_change c;
	char state[32];
	int64_t id, at, id2;
	int created, found;

	id = open_one("s1", "prn-01", "k", &created);
	ck_assert_int_eq(ticket_add_note(db, id, "budi", "ordered toner", 1100),
	                 0);
	memset(&c, 0, sizeof c);
	c.cost_idr = -1;
	c.state = "in_progress";
	c.assignee = "budi";
	c.priority = 1;
	ck_assert_int_eq(ticket_update(db, id, &c, "budi", 1200, &found), 0);
	ck_assert_int_eq(found, 1);
	/* the same change again records nothing */
	ck_assert_int_eq(ticket_update(db, id, &c, "budi", 1250, &found), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM ticket_notes WHERE kind = "
	                   "'change'"),
	                 3);
	memset(&c, 0, sizeof c);
	c.state = "resolved";
	c.cost_idr = 350000;
	c.parts = "toner HP 85A";
	c.note = "replaced";
	ck_assert_int_eq(ticket_update(db, id, &c, "budi", 1300, &found), 0);
	ck_assert_int_eq(ticket_state(db, id, state, sizeof state, &at, &found),
	                 0);
	ck_assert_int_eq(found, 1);
	ck_assert_str_eq(state, "resolved");
	ck_assert_int_eq(at, 1300);
	ck_assert_int_eq(q("SELECT cost_idr FROM tickets"), 350000);
	ck_assert_int_eq(q("SELECT count(*) FROM ticket_notes WHERE "
	                   "text = 'state: in_progress -> resolved' AND "
	                   "actor = 'budi' AND ts = 1300"),
	                 1);
	/* resolved: the same fault opens a new ticket */
	id2 = open_one("s1", "prn-01", "k", &created);
	ck_assert_int_eq(created, 1);
	ck_assert_int_ne(id2, id);
	/* unknown */
	ck_assert_int_eq(
	    ticket_state(db, 999, state, sizeof state, &at, &found), 0);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(ticket_update(db, 999, &c, "x", 1, &found), 0);
	ck_assert_int_eq(found, 0);
}
END_TEST

START_TEST(test_json)
{
	cJSON *doc, *notes;
	int created, found;
	int64_t id;

	id = open_one("s1", "prn-01", "k", &created);
	open_one("s2", "prn-01", "k", &created);
	doc = ticket_list_json(db, "open", "s1", 0);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(cJSON_GetObjectItem(doc, "count")->valueint, 1);
	cJSON_Delete(doc);
	doc = ticket_list_json(db, "active", NULL, 0);
	ck_assert_int_eq(cJSON_GetObjectItem(doc, "count")->valueint, 2);
	cJSON_Delete(doc);
	doc = ticket_get_json(db, id, 1000, &found);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "state")->valuestring,
	                 "open");
	ck_assert_int_eq(cJSON_GetObjectItem(doc, "priority")->valueint, 2);
	notes = cJSON_GetObjectItem(doc, "notes");
	ck_assert_int_eq(cJSON_GetArraySize(notes), 1);
	ck_assert_ptr_null(cJSON_GetObjectItem(doc, "asset"));
	cJSON_Delete(doc);
	ck_assert_ptr_null(ticket_get_json(db, 999, 1000, &found));
	ck_assert_int_eq(found, 0);
}
END_TEST

/* With an asset register (a minimal stand-in for migration 003). */
START_TEST(test_warranty)
{
	cJSON *doc, *a;
	int created, found;
	int64_t id;

	ck_assert_int_eq(
	    sqlite3_exec(db_sqlite(db),
	                 "CREATE TABLE IF NOT EXISTS assets (tag TEXT, name "
	                 "TEXT, type TEXT, site TEXT, device TEXT, funding "
	                 "TEXT, budget_year INTEGER, supplier TEXT, "
	                 "warranty_until TEXT, created_at INTEGER, "
	                 "updated_at INTEGER);"
	                 "INSERT INTO assets (tag, name, type, site, device, "
	                 "funding, budget_year, supplier, warranty_until, "
	                 "created_at, updated_at) VALUES ('A-7', 'HP "
	                 "LaserJet', 'printer', 's1', 'prn-01', 'APBD "
	                 "Provinsi', 2025, 'CV Maju', '2027-01-31', 0, 0)",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	id = open_one("s1", "prn-01", "k", &created);
	ck_assert_int_eq(q("SELECT count(*) FROM tickets WHERE asset_tag = "
	                   "'A-7' AND description = 'Under warranty until "
	                   "2027-01-31, supplier CV Maju (bergaransi sampai "
	                   "2027-01-31, pemasok CV Maju).'"),
	                 1);
	/* 2026-11-29 */
	doc = ticket_get_json(db, id, 1796000000, &found);
	ck_assert_ptr_nonnull(doc);
	a = cJSON_GetObjectItem(doc, "asset");
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(cJSON_GetObjectItem(a, "supplier")->valuestring,
	                 "CV Maju");
	ck_assert_str_eq(cJSON_GetObjectItem(a, "warranty_until")->valuestring,
	                 "2027-01-31");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(a, "under_warranty")));
	cJSON_Delete(doc);
	doc = ticket_get_json(db, id, 1900000000, &found); /* 2030 */
	a = cJSON_GetObjectItem(doc, "asset");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(a, "under_warranty")));
	cJSON_Delete(doc);
}
END_TEST

static Suite *
ticket_suite(void)
{
	Suite *s = suite_create("ticket");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_dedup_table, 0,
	                    sizeof dedup_cases / sizeof dedup_cases[0]);
	tcase_add_test(tc, test_lifecycle);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_warranty);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ticket_suite());
	int failed;

	log_init("check_ticket", 1, LOG_LVL_WARN);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
