/*
 * check_log: levels, the stderr format and the repeat filter of
 * common/log.c.  stderr is redirected to a temporary file per test (Check
 * forks each test), and the filter's clock is stepped with log_set_clock().
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

static FILE *capture;
static int64_t fake_now;

static int64_t
fake_clock(void)
{
	return fake_now;
}

static void
setup(void)
{
	capture = tmpfile();
	ck_assert_ptr_nonnull(capture);
	ck_assert_int_ne(dup2(fileno(capture), STDERR_FILENO), -1);
	fake_now = 1000;
	log_set_clock(fake_clock);
	log_init("t", 1, LOG_LVL_INFO);
	log_set_repeat_window(300);
}

static void
teardown(void)
{
	fclose(capture);
}

/*
 * The captured lines without their time stamp ("YYYY-MM-DD HH:MM:SS "),
 * joined with '|'.
 */
static char *
captured(void)
{
	static char out[1 << 16];
	char line[2048];
	size_t len = 0;

	fflush(stderr);
	rewind(capture);
	out[0] = '\0';
	while (fgets(line, sizeof(line), capture) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		ck_assert_uint_gt(strlen(line), 20);
		ck_assert_int_eq(line[4], '-');
		ck_assert_int_eq(line[19], ' ');
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s",
		                        len > 0 ? "|" : "", line + 20);
		ck_assert_uint_lt(len, sizeof(out));
	}
	return out;
}

START_TEST(test_levels)
{
	log_debug("hidden %d", 1);
	log_info("hello %s", "world");
	log_warn("careful");
	log_err("broken: %d", 42);
	log_set_level(LOG_LVL_DEBUG);
	ck_assert_int_eq(log_get_level(), LOG_LVL_DEBUG);
	log_debug("shown");
	log_set_level(LOG_LVL_ERR);
	log_warn("hidden too");
	log_err("last");
	ck_assert_str_eq(captured(),
	                 "t: hello world|t: warning: careful|"
	                 "t: error: broken: 42|t: debug: shown|t: error: last");
}
END_TEST

START_TEST(test_repeat_suppressed)
{
	int i;

	for (i = 0; i < 1000; i++)
		log_warn("broker down");
	log_info("broker up");
	ck_assert_str_eq(
	    captured(),
	    "t: warning: broker down|"
	    "t: warning: last message repeated 999 times|t: broker up");
}
END_TEST

START_TEST(test_repeat_window)
{
	int i;

	log_info("tick");
	for (i = 0; i < 10; i++) {
		fake_now++;
		log_info("tick");
	}
	/* 299 s after the first line: still inside the window. */
	fake_now = 1299;
	log_info("tick");
	fake_now = 1300;
	log_info("tick");
	fake_now = 1301;
	log_info("tick");
	ck_assert_str_eq(captured(),
	                 "t: tick|t: last message repeated 11 times|"
	                 "t: tick");
	log_flush_repeats();
	ck_assert_str_eq(captured(),
	                 "t: tick|t: last message repeated 11 times|"
	                 "t: tick|t: last message repeated 1 time");
	/* Nothing pending: flushing again writes nothing. */
	log_flush_repeats();
	ck_assert_str_eq(captured(),
	                 "t: tick|t: last message repeated 11 times|"
	                 "t: tick|t: last message repeated 1 time");
}
END_TEST

START_TEST(test_repeat_needs_same_level)
{
	log_warn("x");
	log_err("x");
	log_err("x");
	ck_assert_str_eq(captured(), "t: warning: x|t: error: x");
	log_flush_repeats();
	ck_assert_str_eq(captured(), "t: warning: x|t: error: x|"
	                             "t: error: last message repeated 1 time");
}
END_TEST

/* Two faults that alternate are both counted, not written every time. */
START_TEST(test_repeat_alternating)
{
	int i;

	for (i = 0; i < 100; i++) {
		fake_now++;
		log_warn("broker down");
		log_warn("spool full");
	}
	log_info("other");
	fake_now = 1001 + 300; /* first written at 1001 */
	log_warn("broker down");
	ck_assert_str_eq(captured(),
	                 "t: warning: broker down|t: warning: spool full|"
	                 "t: warning: last message repeated 99 times|t: other|"
	                 "t: warning: message repeated 99 times: broker down|"
	                 "t: warning: broker down");
	/* Nothing is pending any more. */
	log_flush_repeats();
	ck_assert_str_eq(captured(),
	                 "t: warning: broker down|t: warning: spool full|"
	                 "t: warning: last message repeated 99 times|t: other|"
	                 "t: warning: message repeated 99 times: broker down|"
	                 "t: warning: broker down");
}
END_TEST

/*
 * More distinct messages than the table holds: the oldest leaves it, and
 * its count is written then, so no count is lost.
 */
START_TEST(test_repeat_evicted)
{
	char want[512];
	size_t len = 0;
	int i;

	log_info("a");
	log_info("a");
	log_info("a");
	for (i = 0; i < 8; i++)
		log_info("m%d", i);
	len += (size_t)snprintf(want + len, sizeof(want) - len,
	                        "t: a|t: last message repeated 2 times");
	for (i = 0; i < 7; i++)
		len += (size_t)snprintf(want + len, sizeof(want) - len,
		                        "|t: m%d", i);
	/* m7 needs a slot: "a" is the least recently seen. */
	len += (size_t)snprintf(want + len, sizeof(want) - len, "|t: m7");
	ck_assert_str_eq(captured(), want);
	log_info("a");
	ck_assert_str_eq(captured() + len, "|t: a");
}
END_TEST

/* In the background nothing goes to stderr; log_init() switches back. */
START_TEST(test_syslog_target)
{
	log_init("t", 0, LOG_LVL_INFO);
	log_info("to syslog");
	log_err("to syslog too");
	log_init("t2", 1, LOG_LVL_INFO);
	log_info("back on stderr");
	ck_assert_str_eq(captured(), "t2: back on stderr");
}
END_TEST

START_TEST(test_window_zero)
{
	log_set_repeat_window(0);
	log_info("same");
	log_info("same");
	log_info("same");
	log_flush_repeats();
	ck_assert_str_eq(captured(), "t: same|t: same|t: same");
}
END_TEST

START_TEST(test_long_message)
{
	char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_info("%s", big);
	/* Cut to 1023 bytes, still one line. */
	ck_assert_uint_eq(strlen(captured()), strlen("t: ") + 1023);
}
END_TEST

static const struct {
	const char *s;
	int ok;
	enum log_level level;
} parse_cases[] = {
    {"error", 1, LOG_LVL_ERR}, {"warning", 1, LOG_LVL_WARN},
    {"info", 1, LOG_LVL_INFO}, {"debug", 1, LOG_LVL_DEBUG},
    {"", 0, LOG_LVL_ERR},      {"warn", 0, LOG_LVL_ERR},
    {"INFO", 0, LOG_LVL_ERR},  {"debug ", 0, LOG_LVL_ERR},
};

START_TEST(test_level_parse)
{
	enum log_level l = (enum log_level)99;
	int r = log_level_parse(parse_cases[_i].s, &l);

	if (parse_cases[_i].ok) {
		ck_assert_int_eq(r, 0);
		ck_assert_int_eq(l, parse_cases[_i].level);
	} else {
		ck_assert_int_eq(r, -1);
		ck_assert_int_eq(l, 99);
	}
}
END_TEST

#define THREADS 4
#define PER_THREAD 500

static void *
log_worker(void *arg)
{
	int i, id = *(int *)arg;

	for (i = 0; i < PER_THREAD; i++)
		log_info("thread %d message %d", id, i);
	for (i = 0; i < PER_THREAD; i++)
		log_warn("same from all");
	return NULL;
}

START_TEST(test_threads)
{
	pthread_t th[THREADS];
	int ids[THREADS], i, seen[THREADS] = {0}, a, b;
	unsigned long repeats = 0, n;
	char line[256];
	int same = 0;

	for (i = 0; i < THREADS; i++) {
		ids[i] = i;
		ck_assert_int_eq(
		    pthread_create(&th[i], NULL, log_worker, &ids[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	log_flush_repeats();
	fflush(stderr);
	rewind(capture);
	while (fgets(line, sizeof(line), capture) != NULL) {
		/* Every line is whole: no interleaving between threads. */
		ck_assert_ptr_nonnull(strchr(line, '\n'));
		if (sscanf(line + 20, "t: thread %d message %d", &a, &b) == 2) {
			ck_assert_int_eq(b, seen[a]);
			seen[a]++;
		} else if (sscanf(line + 20,
		                  "t: warning: last message repeated %lu time",
		                  &n) == 1) {
			repeats += n;
		} else if (sscanf(line + 20,
		                  "t: warning: message repeated %lu time",
		                  &n) == 1) {
			ck_assert_ptr_nonnull(
			    strstr(line, ": same from all\n"));
			repeats += n;
		} else {
			ck_assert_str_eq(line + 20,
			                 "t: warning: same from all\n");
			same++;
		}
	}
	for (i = 0; i < THREADS; i++)
		ck_assert_int_eq(seen[i], PER_THREAD);
	/* Every "same" message was written or counted exactly once. */
	ck_assert_uint_eq(repeats + (unsigned long)same, THREADS * PER_THREAD);
}
END_TEST

START_TEST(test_fatal)
{
	fatal("cannot start: %s", "reason");
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_levels);
	tcase_add_test(tc, test_repeat_suppressed);
	tcase_add_test(tc, test_repeat_window);
	tcase_add_test(tc, test_repeat_needs_same_level);
	tcase_add_test(tc, test_repeat_alternating);
	tcase_add_test(tc, test_repeat_evicted);
	tcase_add_test(tc, test_syslog_target);
	tcase_add_test(tc, test_window_zero);
	tcase_add_test(tc, test_long_message);
	tcase_add_loop_test(tc, test_level_parse, 0, N(parse_cases));
	tcase_add_test(tc, test_threads);
	tcase_add_exit_test(tc, test_fatal, 1);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
