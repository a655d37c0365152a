/*
 * check_timeutil: interval alignment, ISO dates and clocks
 * (common/timeutil.c).
 */
#include "config.h"

#include <check.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"

static const struct {
	int64_t t;
	unsigned interval;
	int64_t align;
	int64_t next;
} align_cases[] = {
    {1764345600, 60, 1764345600, 1764345660}, /* on a boundary */
    {1764345601, 60, 1764345600, 1764345660},
    {1764345659, 60, 1764345600, 1764345660},
    {1764345659, 300, 1764345600, 1764345900},
    {1764345600, 1, 1764345600, 1764345601},
    {1764345600 + 3599, 3600, 1764345600, 1764349200},
    {0, 60, 0, 60},
    {59, 60, 0, 60},
    {-1, 60, -60, 0}, /* floors, not truncates */
    {-60, 60, -60, 0},
    {-61, 60, -120, -60},
    {100, 86400, 0, 86400},
};

START_TEST(test_align)
{
	ck_assert_int_eq(
	    time_align(align_cases[_i].t, align_cases[_i].interval),
	    align_cases[_i].align);
	ck_assert_int_eq(
	    time_next_round(align_cases[_i].t, align_cases[_i].interval),
	    align_cases[_i].next);
}
END_TEST

static const struct {
	const char *s;
	int ok;
	int64_t t;
} parse_cases[] = {
    {"1970-01-01", 1, 0},
    {"2026-11-28", 1, 1795824000},
    {"2026-11-28T12:00:00Z", 1, 1795867200},
    {"2026-11-28 12:00:00", 1, 1795867200},
    {"2024-02-29", 1, 1709164800}, /* leap year */
    {"2000-02-29", 1, 951782400},  /* 400-year rule */
    {"2026-12-31T23:59:59Z", 1, 1798761599},
    {"1969-12-31T23:59:59Z", 1, -1},
    {"2025-02-29", 0, 0},
    {"1900-02-29", 0, 0}, /* 100-year rule */
    {"2026-13-01", 0, 0},
    {"2026-00-10", 0, 0},
    {"2026-04-31", 0, 0},
    {"2026-11-00", 0, 0},
    {"2026-11-28T24:00:00Z", 0, 0},
    {"2026-11-28T12:60:00Z", 0, 0},
    {"2026-11-28T12:00:60Z", 0, 0},
    {"2026-11-28T12:0a:00Z", 0, 0},
    {"2026-11-28T12-00-00Z", 0, 0},
    {"2026-11-2aT12:00:00Z", 0, 0},
    {"2026-11-28T12:00:00", 0, 0},
    {"2026-11-28T12:00:00+07:00", 0, 0},
    {"2026-11-28 12:00:00Z", 0, 0},
    {"2026-1-28", 0, 0},
    {"26-11-28", 0, 0},
    {"2026/11/28", 0, 0},
    {" 2026-11-28", 0, 0},
    {"2026-11-28 ", 0, 0},
    {"", 0, 0},
    {"yesterday", 0, 0},
};

START_TEST(test_parse)
{
	int64_t t = 12345;
	int r = time_parse_iso(parse_cases[_i].s, &t);

	if (parse_cases[_i].ok) {
		ck_assert_msg(r == 0, "'%s' refused", parse_cases[_i].s);
		ck_assert_int_eq(t, parse_cases[_i].t);
	} else {
		ck_assert_msg(r == -1, "'%s' accepted", parse_cases[_i].s);
		ck_assert_int_eq(t, 12345);
	}
}
END_TEST

static const struct {
	int64_t t;
	const char *s;
} format_cases[] = {
    {0, "1970-01-01T00:00:00Z"},
    {1795867200, "2026-11-28T12:00:00Z"},
    {1709164800, "2024-02-29T00:00:00Z"},
    {-1, "1969-12-31T23:59:59Z"},
    {253402300799, "9999-12-31T23:59:59Z"},
};

START_TEST(test_format)
{
	char buf[32];
	int64_t back;

	ck_assert_ptr_eq(time_format_iso(format_cases[_i].t, buf, sizeof(buf)),
	                 buf);
	ck_assert_str_eq(buf, format_cases[_i].s);
	ck_assert_int_eq(time_parse_iso(buf, &back), 0);
	ck_assert_int_eq(back, format_cases[_i].t);
}
END_TEST

START_TEST(test_format_limits)
{
	char buf[21];

	ck_assert_ptr_eq(time_format_iso(0, buf, sizeof(buf)), buf);
	ck_assert_ptr_null(time_format_iso(0, buf, 20));
	ck_assert_ptr_null(time_format_iso(253402300800, buf, sizeof(buf)));
}
END_TEST

/* A bare date is local midnight; a date-time stays UTC. */
START_TEST(test_parse_local_date)
{
	int64_t t;
	struct tm tm = {
	    .tm_year = 126, .tm_mon = 10, .tm_mday = 1, .tm_isdst = -1};

	ck_assert_int_eq(time_parse_local_date("2026-11-01", &t), 0);
	ck_assert_int_eq(t, (int64_t)mktime(&tm));
	ck_assert_int_eq(time_parse_local_date("2026-11-01T00:00:00Z", &t), 0);
	ck_assert_int_eq(t, 1793491200);
	ck_assert_int_eq(time_parse_local_date("2026-02-30", &t), -1);
	ck_assert_int_eq(time_parse_local_date("", &t), -1);
}
END_TEST

START_TEST(test_clocks)
{
	int64_t now = time_now(), ms = time_now_ms();
	int64_t m1 = time_mono_ms(), m2;

	ck_assert_int_gt(now, 1700000000);
	ck_assert_int_ge(ms / 1000, now - 1);
	ck_assert_int_le(ms / 1000, now + 1);
	m2 = time_mono_ms();
	ck_assert_int_ge(m2, m1);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite *s = suite_create("timeutil");
	TCase *tc = tcase_create("timeutil");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_align, 0, N(align_cases));
	tcase_add_loop_test(tc, test_parse, 0, N(parse_cases));
	tcase_add_loop_test(tc, test_format, 0, N(format_cases));
	tcase_add_test(tc, test_format_limits);
	tcase_add_test(tc, test_parse_local_date);
	tcase_add_test(tc, test_clocks);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
