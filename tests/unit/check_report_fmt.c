/*
 * check_report_fmt.c: Indonesian and English formatting (fmt_id.h) and the
 * RFC 4180 writer (csvout.h), table-driven with exact strings.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collector/csvout.h"
#include "collector/fmt_id.h"

struct num_case {
	int64_t v;
	enum fmt_lang l;
	const char *idr, *num;
};

static const struct num_case num_cases[] = {
    {12345678, FMT_ID, "Rp 12.345.678", "12.345.678"},
    {12345678, FMT_EN, "Rp 12,345,678", "12,345,678"},
    {0, FMT_ID, "Rp 0", "0"},
    {-1500, FMT_ID, "-Rp 1.500", "-1.500"},
    {-1500, FMT_EN, "-Rp 1,500", "-1,500"},
    {999, FMT_ID, "Rp 999", "999"},
    {1000, FMT_ID, "Rp 1.000", "1.000"},
    {100000, FMT_ID, "Rp 100.000", "100.000"},
    {INT64_MAX, FMT_ID, "Rp 9.223.372.036.854.775.807",
     "9.223.372.036.854.775.807"},
    {INT64_MIN, FMT_ID, "-Rp 9.223.372.036.854.775.808",
     "-9.223.372.036.854.775.808"},
};

START_TEST(test_numbers)
{
	const struct num_case *c = &num_cases[_i];
	char buf[64];

	ck_assert_str_eq(fmt_idr(c->v, c->l, buf, sizeof(buf)), c->idr);
	ck_assert_str_eq(fmt_int(c->v, c->l, buf, sizeof(buf)), c->num);
}
END_TEST

struct str_case {
	const char *in;
	enum fmt_lang l;
	const char *out;
};

static const struct str_case date_cases[] = {
    {"2026-11-28", FMT_ID, "28 November 2026"},
    {"2026-11-28", FMT_EN, "28 November 2026"},
    {"2026-08-01", FMT_ID, "1 Agustus 2026"},
    {"2026-08-01", FMT_EN, "1 August 2026"},
    {"2027-12-31", FMT_ID, "31 Desember 2027"},
    {"2026-05", FMT_ID, "Mei 2026"},
    {"2026-05", FMT_EN, "May 2026"},
    {"2026-13-01", FMT_ID, "2026-13-01"},
    {"kemarin", FMT_ID, "kemarin"},
    {"", FMT_ID, ""},
};

START_TEST(test_dates)
{
	const struct str_case *c = &date_cases[_i];
	char buf[64];

	ck_assert_str_eq(fmt_date(c->in, c->l, buf, sizeof(buf)), c->out);
}
END_TEST

START_TEST(test_pct_minutes_time)
{
	char buf[64];

	ck_assert_str_eq(fmt_pct(9950, FMT_ID, buf, sizeof(buf)), "99,50%");
	ck_assert_str_eq(fmt_pct(9950, FMT_EN, buf, sizeof(buf)), "99.50%");
	ck_assert_str_eq(fmt_pct(10000, FMT_ID, buf, sizeof(buf)), "100,00%");
	ck_assert_str_eq(fmt_pct(0, FMT_ID, buf, sizeof(buf)), "0,00%");
	ck_assert_str_eq(fmt_pct(5, FMT_ID, buf, sizeof(buf)), "0,05%");
	ck_assert_str_eq(fmt_minutes(754, FMT_ID, buf, sizeof(buf)), "12:34");
	ck_assert_str_eq(fmt_minutes(0, FMT_ID, buf, sizeof(buf)), "0:00");
	ck_assert_str_eq(fmt_minutes(-5, FMT_ID, buf, sizeof(buf)), "-0:05");
	ck_assert_str_eq(fmt_minutes(60000, FMT_ID, buf, sizeof(buf)),
	                 "1.000:00");
	/* 2026-11-28 07:05 in Jakarta (UTC+7) */
	ck_assert_str_eq(fmt_time(1795824300, 1, FMT_ID, buf, sizeof(buf)),
	                 "28 November 2026 07:05");
	ck_assert_str_eq(fmt_time(1795824300, 0, FMT_EN, buf, sizeof(buf)),
	                 "28 November 2026");
	/* a short buffer is truncated, never overrun */
	ck_assert_str_eq(fmt_idr(12345678, FMT_ID, buf, 6), "Rp 12");
}
END_TEST

START_TEST(test_lang)
{
	enum fmt_lang l = FMT_EN;

	ck_assert_int_eq(fmt_lang_parse(NULL, &l), 0);
	ck_assert_int_eq(l, FMT_ID);
	ck_assert_int_eq(fmt_lang_parse("en", &l), 0);
	ck_assert_int_eq(l, FMT_EN);
	ck_assert_int_eq(fmt_lang_parse("fr", &l), -1);
	ck_assert_str_eq(fmt_month_name(3, FMT_ID), "Maret");
	ck_assert_str_eq(fmt_month_name(0, FMT_ID), "?");
}
END_TEST

static const struct str_case csv_cases[] = {
    {"plain", FMT_ID, "plain,x\r\n"},
    {"a,b", FMT_ID, "\"a,b\",x\r\n"},
    {"say \"hi\"", FMT_ID, "\"say \"\"hi\"\"\",x\r\n"},
    {"two\nlines", FMT_ID, "\"two\nlines\",x\r\n"},
    {"cr\r", FMT_ID, "\"cr\r\",x\r\n"},
    {"Bogor Selatan – ruang 2", FMT_ID, "Bogor Selatan – ruang 2,x\r\n"},
    {"", FMT_ID, ",x\r\n"},
};

START_TEST(test_csv)
{
	char *text = NULL;
	size_t len = 0;
	struct csvout c;
	FILE *m;

	ck_assert_ptr_nonnull(m = open_memstream(&text, &len));
	csvout_init(&c, m, 0);
	csvout_field(&c, csv_cases[_i].in);
	csvout_field(&c, "x");
	csvout_eol(&c);
	ck_assert_int_eq(csvout_status(&c), 0);
	fclose(m);
	ck_assert_str_eq(text, csv_cases[_i].out);
	free(text);
}
END_TEST

START_TEST(test_csv_bom_int)
{
	char *text = NULL;
	size_t len = 0;
	struct csvout c;
	FILE *m;

	ck_assert_ptr_nonnull(m = open_memstream(&text, &len));
	csvout_init(&c, m, 1);
	csvout_int(&c, -12345678);
	csvout_field(&c, NULL);
	csvout_eol(&c);
	fclose(m);
	ck_assert_str_eq(text, "\xef\xbb\xbf-12345678,\r\n");
	free(text);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("report_fmt");
	TCase *tc = tcase_create("fmt");
	SRunner *sr;
	int failed;

	setenv("TZ", "Asia/Jakarta", 1);
	tcase_add_loop_test(tc, test_numbers, 0,
	                    sizeof(num_cases) / sizeof(num_cases[0]));
	tcase_add_loop_test(tc, test_dates, 0,
	                    sizeof(date_cases) / sizeof(date_cases[0]));
	tcase_add_test(tc, test_pct_minutes_time);
	tcase_add_test(tc, test_lang);
	tcase_add_loop_test(tc, test_csv, 0,
	                    sizeof(csv_cases) / sizeof(csv_cases[0]));
	tcase_add_test(tc, test_csv_bom_int);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
