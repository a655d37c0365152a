/*
 * check_asset.c: the asset register: book values computed by hand, the
 * CSV import of good and bad files (exact messages), export -> import ->
 * export giving the same register, changes with history, and link
 * suggestions from an inventory message (the function ingest.c calls).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/asset.h"
#include "collector/asset_csv.h"
#include "collector/db.h"
#include "common/log.h"
#include "common/timeutil.h"

#define NOW 1764547200 /* 2025-12-01T00:00:00Z */

static char dir[] = "/tmp/check_asset.XXXXXX";
static struct db *db;

static void
setup(void)
{
	char path[256], err[256];

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
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

/* Hand-computed: price - floor(price * months / (12 * life)). */
static const struct {
	int64_t price;
	const char *bought;
	unsigned life;
	const char *at;
	int64_t want;
} book_cases[] = {
    {12000000, "2024-01-15", 4, "2025-01-15", 9000000},  /* 12 months */
    {12000000, "2024-01-15", 4, "2025-01-14", 9250000},  /* 11 months */
    {12000000, "2024-01-15", 4, "2024-01-15", 12000000}, /* day one */
    {12000000, "2024-01-15", 4, "2023-12-31", 12000000}, /* before */
    {12000000, "2024-01-15", 4, "2028-01-15", 0},        /* 48 months */
    {12000000, "2024-01-15", 4, "2031-06-01", 0},        /* long after */
    {10000000, "2024-01-31", 4, "2024-08-31", 8541667},  /* 7: 1458333.3 */
    {7250000, "2022-06-30", 5, "2024-02-29", 4954167},   /* 19 months */
    {850000, "2020-03-01", 5, "2025-02-28", 14167},      /* 59 months */
    {0, "2020-03-01", 5, "2021-03-01", 0},
    {1000, "2024-02-30", 4, "2025-01-01", -1}, /* no such date */
    {1000, "2024-02-01", 0, "2025-01-01", -1}, /* no life */
    {-1, "2024-02-01", 4, "2025-01-01", -1},
    {1000, "01/02/2024", 4, "2025-01-01", -1}, /* ISO only */
};

START_TEST(test_book_value)
{
	ck_assert_int_eq(
	    asset_book_value(book_cases[_i].price, book_cases[_i].bought,
	                     book_cases[_i].life, book_cases[_i].at),
	    book_cases[_i].want);
}
END_TEST

START_TEST(test_lives)
{
	struct asset_lives l;
	struct asset a = {
	    .price_idr = 12000000, .purchase_date = "2024-12-01", .type = "pc"};

	asset_lives_default(&l);
	ck_assert_uint_eq(l.years[ASSET_PC], 4);
	ck_assert_uint_eq(l.years[ASSET_PRINTER], 4);
	ck_assert_uint_eq(l.years[ASSET_PROJECTOR], 5);
	ck_assert_uint_eq(l.years[ASSET_FURNITURE], 5);
	asset_lives_set(&l);
	/* 12 months of 48 on 2025-12-01 */
	ck_assert_int_eq(asset_book_value_now(&a, NOW), 9000000);
	l.years[ASSET_PC] = 3; /* [assets] life_pc = 3 */
	asset_lives_set(&l);
	ck_assert_int_eq(asset_book_value_now(&a, NOW), 8000000);
	asset_lives_default(&l);
	asset_lives_set(&l);
	/* without a purchase date: 1 January of the budget year */
	a.purchase_date[0] = '\0';
	a.budget_year = 2025;
	ck_assert_int_eq(asset_book_value_now(&a, NOW), 9250000);
}
END_TEST

/* Reads a fixture into a malloc'd string. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;

	ck_assert_msg(f != NULL, "%s", path);
	buf = malloc(1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* The messages of a bad file, one per line, against the .expected. */
static void
check_bad(const char *name)
{
	struct asset_csv_errors errs = {0};
	struct asset *rows;
	char path[512], got[8192] = "", *want;
	size_t n, len, i;

	snprintf(path, sizeof path, "%s/assets/%s.csv", FIXTURES, name);
	want = slurp(path, &len);
	ck_assert_int_eq(asset_csv_parse(want, len, &rows, &n, &errs), -1);
	ck_assert_ptr_null(rows);
	free(want);
	for (i = 0; i < errs.n; i++) {
		strcat(got, errs.msg[i]);
		strcat(got, "\n");
	}
	ck_assert_uint_eq(errs.more, 0);
	snprintf(path, sizeof path, "%s/assets/%s.expected", FIXTURES, name);
	want = slurp(path, &len);
	ck_assert_str_eq(got, want);
	free(want);
	asset_csv_errors_clear(&errs);
}

START_TEST(test_import_bad)
{
	size_t c, u;
	struct asset_csv_errors errs = {0};
	struct asset_filter f = {.disposed = 1};
	struct asset *v;
	size_t n;
	char path[512];

	check_bad("bad");
	check_bad("bad-header");
	/* all or nothing: nothing stored */
	snprintf(path, sizeof path, "%s/assets/bad.csv", FIXTURES);
	ck_assert_int_eq(asset_csv_import(db, path, "test", NOW, &c, &u, &errs),
	                 -1);
	ck_assert_uint_eq(errs.n, 14);
	asset_csv_errors_clear(&errs);
	ck_assert_int_eq(asset_list(db, &f, &v, &n), ASSET_OK);
	ck_assert_uint_eq(n, 0);
	free(v);
	/* a missing file */
	ck_assert_int_eq(asset_csv_import(db, "/nonexistent/x.csv", "test", NOW,
	                                  &c, &u, &errs),
	                 -1);
	ck_assert_str_eq(errs.msg[0],
	                 "/nonexistent/x.csv: No such file or directory");
	asset_csv_errors_clear(&errs);
}
END_TEST

static void
import_good(void)
{
	struct asset_csv_errors errs = {0};
	char path[512];
	size_t c, u;

	snprintf(path, sizeof path, "%s/assets/good.csv", FIXTURES);
	ck_assert_int_eq(asset_csv_import(db, path, "test", NOW, &c, &u, &errs),
	                 0);
	ck_assert_uint_eq(c, 5);
	ck_assert_uint_eq(u, 0);
}

START_TEST(test_import_good)
{
	struct asset a;

	import_good();
	ck_assert_int_eq(asset_get(db, "02.06.02.01.001-0001", &a), ASSET_OK);
	ck_assert_str_eq(a.name, "Komputer PC, Ruang Belajar");
	ck_assert_str_eq(a.type, "pc");
	ck_assert_str_eq(a.model, "ThinkCentre M70s");
	ck_assert_str_eq(a.funding, "APBD Provinsi");
	ck_assert_int_eq(a.budget_year, 2024);
	ck_assert_str_eq(a.purchase_date, "2024-01-15");
	ck_assert_int_eq(a.price_idr, 12000000);
	ck_assert_str_eq(a.warranty_until, "2027-01-15");
	ck_assert_str_eq(a.condition, "B");
	ck_assert_str_eq(a.device, "pc-01");
	ck_assert_int_eq(asset_get(db, "02.06.03.05.001-0001", &a), ASSET_OK);
	ck_assert_str_eq(a.supplier, "PT \"Maju\" Komputer");
	ck_assert_str_eq(a.funding, "APBD Kabupaten/Kota");
	ck_assert_str_eq(a.condition, "B");
	ck_assert_int_eq(asset_get(db, "02.06.02.06.002-0001", &a), ASSET_OK);
	ck_assert_int_eq(a.price_idr, 7250000);
	ck_assert_str_eq(a.purchase_date, "");
	ck_assert_str_eq(a.condition, "KB");
	ck_assert_str_eq(a.device, "");
	ck_assert_int_eq(asset_get(db, "02.05.01.04.001-0003", &a), ASSET_OK);
	ck_assert_str_eq(a.room, "Ruang Belajar\n(lantai 2)");
	ck_assert_str_eq(a.purchase_date, "2020-03-01");
	ck_assert_str_eq(a.condition, "RB");
	ck_assert_int_eq(asset_get(db, "nope", &a), ASSET_NOTFOUND);
}
END_TEST

/* The register as CSV text. */
static char *
export_all(struct db *d)
{
	struct asset_filter f = {.disposed = 1};
	struct asset *v;
	char *buf = NULL;
	size_t n, len = 0;
	FILE *mf = open_memstream(&buf, &len);

	ck_assert_int_eq(asset_list(d, &f, &v, &n), ASSET_OK);
	ck_assert_int_eq(asset_csv_write(mf, v, n), 0);
	fclose(mf);
	free(v);
	return buf;
}

START_TEST(test_round_trip)
{
	struct asset_csv_errors errs = {0};
	char path[512], err[256], *first, *second;
	struct db *db2;
	size_t c, u;
	FILE *f;

	import_good();
	first = export_all(db);
	ck_assert_ptr_nonnull(
	    strstr(first, "tag,name,type,brand,model,serial,site,room,funding,"
	                  "budget_year,purchase_date,price_idr,supplier,"
	                  "warranty_until,condition,device\r\n"));
	ck_assert_ptr_nonnull(
	    strstr(first, "02.06.03.05.001-0001,Printer Laser,printer,HP,"
	                  "LaserJet M404dn,PHBQK12345,asriloka,Ruang Admin,"
	                  "APBD Kabupaten/Kota,2023,2023-07-01,4500000,"
	                  "\"PT \"\"Maju\"\" Komputer\",,B,printer-lobby\r\n"));
	snprintf(path, sizeof path, "%s/export.csv", dir);
	f = fopen(path, "w");
	fputs(first, f);
	fclose(f);
	snprintf(path, sizeof path, "%s/second.db", dir);
	db2 = db_open(path, 0, err, sizeof err);
	ck_assert_ptr_nonnull(db2);
	snprintf(path, sizeof path, "%s/export.csv", dir);
	ck_assert_int_eq(
	    asset_csv_import(db2, path, "test", NOW, &c, &u, &errs), 0);
	ck_assert_uint_eq(c, 5);
	second = export_all(db2);
	ck_assert_str_eq(first, second);
	/* importing the same file again changes nothing */
	ck_assert_int_eq(
	    asset_csv_import(db2, path, "test", NOW, &c, &u, &errs), 0);
	ck_assert_uint_eq(c, 0);
	ck_assert_uint_eq(u, 5);
	free(second);
	second = export_all(db2);
	ck_assert_str_eq(first, second);
	free(first);
	free(second);
	db_close(db2);
}
END_TEST

START_TEST(test_changes_history)
{
	struct asset_event *h;
	struct asset a;
	size_t n;

	import_good();
	ck_assert_int_eq(asset_set_condition(db, "02.06.02.06.002-0001", "RB",
	                                     "lamp burnt", "tek", NOW + 10),
	                 ASSET_OK);
	ck_assert_int_eq(asset_move(db, "02.06.02.06.002-0001", "kedungkandang",
	                            "Aula 2", "", "tek", NOW + 20),
	                 ASSET_OK);
	ck_assert_int_eq(asset_dispose(db, "02.06.02.06.002-0001",
	                               "sold at auction", "sek", NOW + 30),
	                 ASSET_OK);
	ck_assert_int_eq(
	    asset_set_condition(db, "missing", "B", NULL, "x", NOW),
	    ASSET_NOTFOUND);
	ck_assert_int_eq(asset_get(db, "02.06.02.06.002-0001", &a), ASSET_OK);
	ck_assert_str_eq(a.condition, "RB");
	ck_assert_str_eq(a.site, "kedungkandang");
	ck_assert_str_eq(a.room, "Aula 2");
	ck_assert_int_eq(a.disposed_at, NOW + 30);
	ck_assert_int_eq(asset_history(db, "02.06.02.06.002-0001", &h, &n),
	                 ASSET_OK);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(h[0].field, "created");
	ck_assert_str_eq(h[1].field, "condition");
	ck_assert_str_eq(h[1].old, "KB");
	ck_assert_str_eq(h[1].new_, "RB");
	ck_assert_str_eq(h[1].note, "lamp burnt");
	ck_assert_str_eq(h[1].actor, "tek");
	ck_assert_str_eq(h[2].field, "site");
	ck_assert_str_eq(h[2].old, "asriloka");
	ck_assert_str_eq(h[2].new_, "kedungkandang");
	ck_assert_str_eq(h[3].field, "room");
	ck_assert_str_eq(h[4].field, "disposed");
	ck_assert_str_eq(h[4].note, "sold at auction");
	free(h);
}
END_TEST

START_TEST(test_suggest)
{
	struct asset_suggestion *s;
	struct asset a;
	size_t n;

	import_good();
	/* the printer's serial, reported by a device not linked to it */
	ck_assert_int_eq(
	    asset_suggest_inventory(db, "asriloka", "printer-2",
	                            "{\"v\":1,\"ts\":1,\"type\":\"printer\","
	                            "\"serial\":\" phbqk12345 \"}",
	                            NOW),
	    1);
	ck_assert_int_eq(asset_suggestions(db, "02.06.03.05.001-0001", &s, &n),
	                 ASSET_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(s[0].site, "asriloka");
	ck_assert_str_eq(s[0].device, "printer-2");
	ck_assert_str_eq(s[0].reason, "serial  phbqk12345 ");
	free(s);
	/* its own linked device suggests nothing */
	ck_assert_int_eq(
	    asset_suggest_inventory(db, "asriloka", "printer-lobby",
	                            "{\"v\":1,\"ts\":1,\"type\":\"printer\","
	                            "\"serial\":\"PHBQK12345\"}",
	                            NOW),
	    0);
	/* a PC by its DMI serial, a switch by a MAC written as its serial */
	ck_assert_int_eq(
	    asset_suggest_inventory(
	        db, "asriloka", "sw-1",
	        "{\"v\":1,\"ts\":1,\"type\":\"switch\",\"interfaces\":"
	        "[{\"name\":\"p1\",\"mac\":\"00-1a-2b-3c-4d-5e\"}]}",
	        NOW),
	    1);
	ck_assert_int_eq(
	    asset_suggest_inventory(db, "asriloka", "pc-09",
	                            "{\"v\":1,\"ts\":1,\"type\":\"pc\","
	                            "\"dmi\":{\"serial\":\"MJ0ABCDE\"}}",
	                            NOW),
	    1);
	ck_assert_int_eq(asset_suggestions(db, "02.06.03.07.001-0001", &s, &n),
	                 ASSET_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(s[0].device, "sw-1");
	ck_assert_str_eq(s[0].reason, "mac 00-1a-2b-3c-4d-5e");
	free(s);
	/* nothing matches, and junk is no error */
	ck_assert_int_eq(asset_suggest_inventory(db, "asriloka", "x",
	                                         "{\"serial\":\"NOPE\"}", NOW),
	                 0);
	ck_assert_int_eq(asset_suggest_inventory(db, "asriloka", "x", "{", NOW),
	                 0);
	/* accepting: the link is made, the suggestion goes */
	ck_assert_int_eq(asset_link(db, "02.06.03.05.001-0001", "asriloka",
	                            "printer-2", "sek", NOW),
	                 ASSET_OK);
	ck_assert_int_eq(asset_get(db, "02.06.03.05.001-0001", &a), ASSET_OK);
	ck_assert_str_eq(a.device, "printer-2");
	ck_assert_int_eq(asset_suggestions(db, "02.06.03.05.001-0001", &s, &n),
	                 ASSET_OK);
	ck_assert_uint_eq(n, 0);
	free(s);
	/* linking pc-01 to another asset unlinks the first owner */
	ck_assert_int_eq(asset_link(db, "02.06.03.07.001-0001", "asriloka",
	                            "pc-01", "sek", NOW),
	                 ASSET_OK);
	ck_assert_int_eq(asset_get(db, "02.06.02.01.001-0001", &a), ASSET_OK);
	ck_assert_str_eq(a.device, "");
}
END_TEST

START_TEST(test_field_rules)
{
	struct asset a = {0};
	char err[256];

	ck_assert_int_eq(asset_csv_field(&a, "price_idr", "Rp. 1.250.000,00",
	                                 err, sizeof err),
	                 0);
	ck_assert_int_eq(a.price_idr, 1250000);
	ck_assert_int_eq(
	    asset_csv_field(&a, "price_idr", "1,250,000", err, sizeof err), 0);
	ck_assert_int_eq(a.price_idr, 1250000);
	ck_assert_int_eq(
	    asset_csv_field(&a, "price_idr", "1.25", err, sizeof err), -1);
	ck_assert_int_eq(
	    asset_csv_field(&a, "condition", "Kurang Baik", err, sizeof err),
	    0);
	ck_assert_str_eq(a.condition, "KB");
	ck_assert_int_eq(
	    asset_csv_field(&a, "purchase_date", "29-02-2024", err, sizeof err),
	    0);
	ck_assert_str_eq(a.purchase_date, "2024-02-29");
	ck_assert_int_eq(asset_csv_field(&a, "tag", "a/b", err, sizeof err),
	                 -1);
	ck_assert_str_eq(err,
	                 "'a/b' is not a tag (1 to 64 of A-Z a-z 0-9 . _ - :)");
	ck_assert_int_eq(
	    asset_csv_field(&a, "budget_year", "", err, sizeof err), -1);
	ck_assert_str_eq(err, "required");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("asset");
	TCase *tc = tcase_create("asset");
	SRunner *sr;
	int failed;

	log_init("check_asset", 1, LOG_LVL_ERR);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_book_value, 0,
	                    sizeof book_cases / sizeof book_cases[0]);
	tcase_add_test(tc, test_lives);
	tcase_add_test(tc, test_import_bad);
	tcase_add_test(tc, test_import_good);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_changes_history);
	tcase_add_test(tc, test_suggest);
	tcase_add_test(tc, test_field_rules);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
