/*
 * check_site.c: the register of sites from [site NAME] (collector/site.c)
 * and the reports' roll-up per regency (collector/report_rollup.c).
 *
 * A database from every migration in a temp dir; tickets written by hand
 * so that each regency's sums and mean repair time are known exactly.
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
#include "collector/report.h"
#include "collector/site.h"
#include "common/conf.h"

static char dir[64], db_path[128];
static struct db *db;

static const char conf_text[] = "[site asriloka]\n"
                                "label = Telecenter Asri Loka\n"
                                "regency = Kabupaten Jember\n"
                                "[site kalisat]\n"
                                "regency = Kabupaten Jember\n"
                                "[site batu]\n"
                                "regency = Kota Batu\n";

static void
setup(void)
{
	char err[256];

	snprintf(dir, sizeof(dir), "/tmp/check_site.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db_path, sizeof(db_path), "%s/pantau.db", dir);
	db = db_open(db_path, 0, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
}

static void
teardown(void)
{
	char path[256];

	db_close(db);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}

static void
sync_text(const char *text)
{
	struct conf_err errs = {0};
	struct conf *c = conf_load_string("test.conf", text, &errs);

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(site_sync(db, c), 0);
	conf_free(c);
	conf_err_clear(&errs);
}

/* The regency of 'site' as stored ("" for NULL, "-" for no row). */
static const char *
regency_of(const char *site)
{
	static char out[128];
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db),
	                                    "SELECT ifnull(regency, '') FROM "
	                                    "sites WHERE name = ?1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
	snprintf(out, sizeof(out), "-");
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, sizeof(out), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

START_TEST(test_sync)
{
	sync_text(conf_text);
	ck_assert_str_eq(regency_of("asriloka"), "Kabupaten Jember");
	ck_assert_str_eq(regency_of("batu"), "Kota Batu");
	ck_assert_str_eq(regency_of("nowhere"), "-");
	/* a site dropped from the file keeps its row, loses its place */
	sync_text("[site batu]\nregency = Kabupaten Malang\n");
	ck_assert_str_eq(regency_of("batu"), "Kabupaten Malang");
	ck_assert_str_eq(regency_of("asriloka"), "");
}
END_TEST

/* Each case: a [site] section, and the error expected ("" none). */
static const struct {
	const char *text, *error;
} config_cases[] = {
    {"[site ok]\nlabel = A\nlocation = B\nregency = C\n", ""},
    {"[site ok]\ncolour = red\n", "t.conf:2: "},
    {"[site ok]\nregency =\n", "regency: expected 1 to 120 characters"},
};

START_TEST(test_config)
{
	struct conf_err errs = {0};
	const struct conf_section *s;
	struct conf *c;
	const char *e;

	c = conf_load_string("t.conf", config_cases[_i].text, &errs);
	ck_assert_ptr_nonnull(c);
	s = conf_section_at(c, 0);
	site_config_check(s, &errs);
	e = conf_err_get(&errs, 0);
	if (config_cases[_i].error[0] == '\0')
		ck_assert_msg(e == NULL, "case %d: %s", _i, e);
	else
		ck_assert_msg(e != NULL &&
		                  strstr(e, config_cases[_i].error) != NULL,
		              "case %d: %s", _i, e != NULL ? e : "(none)");
	conf_free(c);
	conf_err_clear(&errs);
}
END_TEST

/* Writes a ticket: site, kind, cost; resolved 'repair' min later (0: open). */
static void
ticket(const char *site, const char *kind, int cost, int repair)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(
	    sqlite3_prepare_v2(db_sqlite(db),
	                       "INSERT INTO tickets (kind, state, title, site, "
	                       "cost_idr, opened_at, updated_at, resolved_at) "
	                       "VALUES (?1, ?2, 't', ?3, ?4, 1790000000, "
	                       "1790000000, ?5)",
	                       -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, repair > 0 ? "resolved" : "open", -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(st, 3, site, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, cost);
	if (repair > 0)
		sqlite3_bind_int64(st, 5, 1790000000 + 60 * repair);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* The "by_regency" rows of the maintenance report as JSON. */
static cJSON *
maintenance_json(cJSON **root)
{
	struct report_opts o;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(report_opts_parse(&o, "maintenance", NULL, NULL, NULL,
	                                   "json", "id", err, sizeof(err)),
	                 0);
	o.now = 1790100000;
	ck_assert_ptr_nonnull(f = open_memstream(&buf, &len));
	ck_assert_msg(report_write(db_sqlite(db), &o, f, err, sizeof(err)) == 0,
	              "%s", err);
	fclose(f);
	ck_assert_ptr_nonnull(*root = cJSON_Parse(buf));
	free(buf);
	return cJSON_GetObjectItem(*root, "by_regency");
}

static double
num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", key);
	return v->valuedouble;
}

START_TEST(test_rollup)
{
	cJSON *root, *reg, *row, *tot;

	sync_text(conf_text);
	ticket("asriloka", "fault", 100000, 60);
	ticket("asriloka", "fault", 200000, 120);
	ticket("kalisat", "fault", 50000, 30);
	ticket("batu", "preventive", 0, 0);
	ticket("liar", "request", 0, 0);
	reg = maintenance_json(&root);
	ck_assert_int_eq(cJSON_GetArraySize(reg), 3);

	row = cJSON_GetArrayItem(reg, 0);
	ck_assert_str_eq(cJSON_GetObjectItem(row, "regency")->valuestring,
	                 "Kabupaten Jember");
	ck_assert_int_eq(num(row, "sites"), 2);
	ck_assert_int_eq(num(row, "tickets"), 3);
	ck_assert_int_eq(num(row, "faults"), 3);
	ck_assert_int_eq(num(row, "cost_idr"), 350000);
	/* (60 + 120 + 30) / 3: the mean of repairs, not of site means */
	ck_assert_int_eq(num(row, "mttr_min"), 70);

	row = cJSON_GetArrayItem(reg, 1);
	ck_assert_str_eq(cJSON_GetObjectItem(row, "regency")->valuestring,
	                 "Kota Batu");
	ck_assert_int_eq(num(row, "preventive"), 1);
	ck_assert_int_eq(num(row, "sites"), 1);

	row = cJSON_GetArrayItem(reg, 2);
	ck_assert_str_eq(cJSON_GetObjectItem(row, "regency")->valuestring,
	                 "(tanpa kabupaten/kota)");
	ck_assert_int_eq(num(row, "requests"), 1);

	/* the province: every site, every ticket */
	tot = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "totals"),
	                          "by_regency");
	ck_assert_int_eq(num(tot, "sites"), 4);
	ck_assert_int_eq(num(tot, "tickets"), 5);
	ck_assert_int_eq(num(tot, "cost_idr"), 350000);
	ck_assert_int_eq(num(tot, "mttr_min"), 70);
	cJSON_Delete(root);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("site");
	TCase *tc = tcase_create("site");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sync);
	tcase_add_loop_test(
	    tc, test_config, 0,
	    (int)(sizeof(config_cases) / sizeof(config_cases[0])));
	tcase_add_test(tc, test_rollup);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
