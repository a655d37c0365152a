/*
 * check_report.c: the reports' table model (totals, ratios, subtotals),
 * the JSON and CSV renderers, the API entry point and the monthly run,
 * over the seeded database of tests/fixtures/reports/seed.sql (built here
 * from the migrations, the CUPS schema and the seed, in a temp dir).
 */
#include "config.h"

#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "collector/report.h"

static char dir[64], db_path[128];

static void
load_sql(sqlite3 *h, const char *path)
{
	char *sql, *err = NULL;
	long n;
	FILE *f;

	ck_assert_msg((f = fopen(path, "r")) != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	ck_assert_ptr_nonnull(sql = calloc(1, (size_t)n + 1));
	ck_assert_int_eq(fread(sql, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	ck_assert_msg(sqlite3_exec(h, sql, NULL, NULL, &err) == SQLITE_OK,
	              "%s: %s", path, err != NULL ? err : "?");
	free(sql);
}

static void
setup(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	sqlite3 *h;
	glob_t g;
	size_t i;

	if (top == NULL)
		top = "..";
	setenv("TZ", "Asia/Jakarta", 1);
	snprintf(dir, sizeof(dir), "/tmp/check_report.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db_path, sizeof(db_path), "%s/pantau.db", dir);
	ck_assert_int_eq(sqlite3_open(db_path, &h), SQLITE_OK);
	snprintf(path, sizeof(path), "%s/collector/schema/0*.sql", top);
	ck_assert_int_eq(glob(path, 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++)
		load_sql(h, g.gl_pathv[i]);
	globfree(&g);
	snprintf(path, sizeof(path), "%s/collector/cups_schema.sql", top);
	load_sql(h, path);
	snprintf(path, sizeof(path), "%s/tests/fixtures/reports/seed.sql", top);
	load_sql(h, path);
	sqlite3_close(h);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A hand-made table: totals, ratio totals, NULLs. */
START_TEST(test_totals)
{
	static const struct report_col cols[] = {
	    {"g", "G", "G", REPORT_TEXT, 0, 1, NULL, -1, -1},
	    {"num", "N", "N", REPORT_INT, REPORT_SUM, 1, NULL, -1, -1},
	    {"den", "D", "D", REPORT_INT, REPORT_SUM, 1, NULL, -1, -1},
	    {"pct", "P", "P", REPORT_PCT, REPORT_SUM, 1, NULL, 1, 2},
	    {"rp", "R", "R", REPORT_IDR, REPORT_SUM, 1, "unknown", -1, -1},
	};
	static const int64_t v[][2] = {{1, 3}, {2, 3}, {0, 0}};
	struct report r = {0};
	struct report_table *t;
	struct report_cell *row;
	char buf[64];
	size_t i;
	int null;

	r.name = "test";
	ck_assert_ptr_nonnull(t = report_add_table(&r, "t", "T", "T", cols, 5));
	for (i = 0; i < 3; i++) {
		ck_assert_ptr_nonnull(row = report_add_row(t));
		ck_assert_int_eq(report_set_text(row, 0, i < 2 ? "a" : "b"), 0);
		report_set_int(row, 1, v[i][0]);
		report_set_int(row, 2, v[i][1]);
		if (i < 2)
			report_set_int(row, 4, 1000000 * (int64_t)(i + 1));
	}
	ck_assert_int_eq(report_total(t, 1, 0, 3, &null), 3);
	ck_assert_int_eq(null, 0);
	/* 3 / 6 = 50% */
	ck_assert_int_eq(report_total(t, 3, 0, 3, &null), 5000);
	/* 1 / 3 rounds to 33.33%, 2 / 3 to 66.67% */
	ck_assert_int_eq(report_total(t, 3, 0, 1, &null), 3333);
	ck_assert_int_eq(report_total(t, 3, 1, 2, &null), 6667);
	/* 0 / 0: no total */
	report_total(t, 3, 2, 3, &null);
	ck_assert_int_eq(null, 1);
	ck_assert_int_eq(report_total(t, 4, 0, 3, &null), 3000000);
	report_total(t, 4, 2, 3, &null);
	ck_assert_int_eq(null, 1);
	report_total(t, 0, 0, 3, &null);
	ck_assert_int_eq(null, 1);
	ck_assert_str_eq(report_cell_text(&r, &cols[4], report_cell(t, 1, 4),
	                                  buf, sizeof(buf)),
	                 "Rp 2.000.000");
	ck_assert_str_eq(report_cell_text(&r, &cols[4], report_cell(t, 2, 4),
	                                  buf, sizeof(buf)),
	                 "tidak diketahui");
	r.lang = FMT_EN;
	ck_assert_str_eq(report_cell_text(&r, &cols[4], report_cell(t, 2, 4),
	                                  buf, sizeof(buf)),
	                 "unknown");
	report_clear(&r);
}
END_TEST

START_TEST(test_opts)
{
	struct report_opts o;
	char err[256];

	ck_assert_int_eq(report_opts_parse(&o, "daily", "asriloka",
	                                   "2026-10-01", "2026-11-01", "pdf",
	                                   "en", err, sizeof(err)),
	                 0);
	ck_assert_int_eq(o.format, REPORT_PDF);
	ck_assert_int_eq(o.lang, FMT_EN);
	ck_assert_int_eq(o.from, 1790787600); /* 2026-10-01 00:00 +07 */
	ck_assert_int_eq(report_opts_parse(&o, "nosuch", NULL, NULL, NULL, NULL,
	                                   NULL, err, sizeof(err)),
	                 -1);
	ck_assert_int_eq(report_opts_parse(&o, "daily", "bad site", NULL, NULL,
	                                   NULL, NULL, err, sizeof(err)),
	                 -1);
	ck_assert_int_eq(report_opts_parse(&o, "daily", NULL, "2026-11-01",
	                                   "2026-10-01", NULL, NULL, err,
	                                   sizeof(err)),
	                 -1);
	ck_assert_int_eq(report_opts_parse(&o, "daily", NULL, NULL, NULL, "xls",
	                                   NULL, err, sizeof(err)),
	                 -1);
	ck_assert_int_eq(report_opts_parse(&o, "daily", NULL, NULL, NULL, NULL,
	                                   "fr", err, sizeof(err)),
	                 -1);
}
END_TEST

/* The API's one call: bodies, content types, statuses. */
START_TEST(test_api)
{
	const char *ct = NULL;
	unsigned status = 0;
	char err[256], *body;
	size_t len = 0;
	cJSON *j, *t;

	body = report_api(db_path, "print-volume", "json", NULL, "asriloka",
	                  "2026-10-01", "2026-11-01", NULL, &len, &ct, &status,
	                  err, sizeof(err));
	ck_assert_msg(body != NULL, "%s", err);
	ck_assert_str_eq(ct, "application/json");
	ck_assert_ptr_nonnull(j = cJSON_ParseWithLength(body, len));
	t = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "totals"), "by_user");
	ck_assert_int_eq(cJSON_GetObjectItem(t, "pages")->valueint, 24);
	ck_assert_int_eq(cJSON_GetObjectItem(t, "jobs")->valueint, 4);
	cJSON_Delete(j);
	free(body);

	body = report_api(db_path, "assets", "csv", "summary", NULL,
	                  "2026-10-01", "2026-11-01", NULL, &len, &ct, &status,
	                  err, sizeof(err));
	ck_assert_msg(body != NULL, "%s", err);
	ck_assert_str_eq(ct, "text/csv; charset=utf-8");
	ck_assert_ptr_nonnull(strstr(body, "\r\nkalisat,pc,UNDP/BAPPENAS,2020,"
	                                   "1,9000000,0,0,0,1\r\n"));
	free(body);

	body = report_api(db_path, "availability", "pdf", NULL, NULL, NULL,
	                  NULL, "en", &len, &ct, &status, err, sizeof(err));
	ck_assert_msg(body != NULL, "%s", err);
	ck_assert_str_eq(ct, "application/pdf");
	ck_assert_int_eq(memcmp(body, "%PDF-", 5), 0);
	free(body);

	ck_assert_ptr_null(report_api(db_path, "nosuch", NULL, NULL, NULL, NULL,
	                              NULL, NULL, &len, &ct, &status, err,
	                              sizeof(err)));
	ck_assert_uint_eq(status, 404);
	ck_assert_ptr_null(report_api(db_path, "daily", "xls", NULL, NULL, NULL,
	                              NULL, NULL, &len, &ct, &status, err,
	                              sizeof(err)));
	ck_assert_uint_eq(status, 400);
	ck_assert_ptr_null(report_api(db_path, "daily", "csv", "nosuch", NULL,
	                              NULL, NULL, NULL, &len, &ct, &status, err,
	                              sizeof(err)));
	ck_assert_uint_eq(status, 400);
	report_pdf_release();
}
END_TEST

/* On 1 November, October's reports appear once, complete. */
START_TEST(test_monthly)
{
	static const char *const names[] = {
	    "assets", "print-volume", "maintenance", "availability", "daily"};
	char month[16], path[256];
	struct stat st;
	size_t i;

	/* 2026-11-01 07:00 +07 */
	ck_assert_int_eq(report_monthly(db_path, dir, 1793491200, FMT_ID, month,
	                                sizeof(month)),
	                 10);
	ck_assert_str_eq(month, "2026-10");
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/reports/2026-10/%s.pdf", dir,
		         names[i]);
		ck_assert_msg(stat(path, &st) == 0 && st.st_size > 1000, "%s",
		              path);
		snprintf(path, sizeof(path), "%s/reports/2026-10/%s.csv", dir,
		         names[i]);
		ck_assert_msg(stat(path, &st) == 0 && st.st_size > 3, "%s",
		              path);
	}
	snprintf(path, sizeof(path), "%s/reports/.2026-10.tmp", dir);
	ck_assert_int_eq(stat(path, &st), -1);
	/* done: nothing more that month */
	ck_assert_int_eq(
	    report_monthly(db_path, dir, 1793491200 + 3600, FMT_ID, NULL, 0),
	    0);
	report_pdf_release();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	SRunner *sr;
	int failed;

	setenv("TZ", "Asia/Jakarta", 1);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_totals);
	tcase_add_test(tc, test_opts);
	tcase_add_test(tc, test_api);
	tcase_add_test(tc, test_monthly);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
