/*
 * check_graph.c: graph_parse_time(), the start= and end= of
 * /graph/<site>/<device>/<metric>.png (collector/graph.h).
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "collector/graph.h"

#define NOW 1800000000LL

static const struct {
	const char *in;
	int rc;
	int64_t want;
} cases[] = {
    {"now", 0, NOW},
    {"-4h", 0, NOW - 4 * 3600},
    {"-1d", 0, NOW - 86400},
    {"-1w", 0, NOW - 7 * 86400},
    {"-1m", 0, NOW - 30 * 86400},
    {"-1y", 0, NOW - 365 * 86400},
    {"-90s", 0, NOW - 90},
    {"-15min", 0, NOW - 900},
    {"-0h", 0, NOW},
    {"1764345600", 0, 1764345600},
    {"0", 0, 0},
    {"-20y", 0, NOW - 20LL * 365 * 86400},
    {"", -1, 0},
    {"-", -1, 0},
    {"-h", -1, 0},
    {"-1", -1, 0},
    {"-1q", -1, 0},
    {"-1H", -1, 0},
    {"-1 d", -1, 0},
    {"1h", -1, 0},
    {"+1h", -1, 0},
    {"now-1h", -1, 0},
    {"12x", -1, 0},
    {"-99999999999999999999y", -1, 0},
    {"-9999999y", -1, 0},
    {"99999999999999", -1, 0},
    {"yesterday", -1, 0},
};

START_TEST(test_parse_time)
{
	int64_t out = -12345;
	int rc = graph_parse_time(cases[_i].in, NOW, &out);

	ck_assert_msg(rc == cases[_i].rc, "'%s': rc %d, want %d", cases[_i].in,
	              rc, cases[_i].rc);
	if (rc == 0)
		ck_assert_msg(out == cases[_i].want, "'%s': %lld, want %lld",
		              cases[_i].in, (long long)out,
		              (long long)cases[_i].want);
}
END_TEST

START_TEST(test_parse_null)
{
	int64_t out;

	ck_assert_int_eq(graph_parse_time(NULL, NOW, &out), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("graph");
	TCase *tc = tcase_create("parse_time");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_parse_time, 0,
	                    (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_parse_null);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
