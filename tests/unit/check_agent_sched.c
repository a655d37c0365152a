/*
 * check_agent_sched.c: the round timer (agent/sched.c), driven with
 * made-up clocks: alignment, no drift, late rounds, suspend, clock steps.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "agent/agent.h"

/* Wall clock 1000.250 s, monotonic 5000 ms: the first 60 s round is 1020. */
START_TEST(test_aligned_first_round)
{
	struct sched s;
	int64_t ts;

	sched_init(&s, 60, 1000250, 5000);
	ck_assert_int_eq(s.due_ts, 1020);
	ck_assert_int_eq(sched_timeout(&s, 5000), 19750);
	ck_assert(!sched_due(&s, 1019999, 24749, &ts));
	ck_assert(sched_due(&s, 1020000, 24750, &ts));
	ck_assert_int_eq(ts, 1020);
	ck_assert_int_eq(s.due_ts, 1080);
	ck_assert_int_eq(sched_timeout(&s, 24750), 60000);
}
END_TEST

/* A round fired on time plans the next one exactly one interval later. */
START_TEST(test_no_drift)
{
	struct sched s;
	int64_t ts, real = 1000250, mono = 5000;
	int i;

	sched_init(&s, 10, real, mono);
	for (i = 0; i < 100; i++) {
		int64_t wait = sched_timeout(&s, mono);

		/* The loop wakes 3 ms late every time. */
		mono += wait + 3;
		real += wait + 3;
		ck_assert(sched_due(&s, real, mono, &ts));
		ck_assert_int_eq(ts, 1010 + 10 * i);
		ck_assert_int_eq(ts % 10, 0);
	}
	/* Late wake-ups did not accumulate: still 3 ms after the instant. */
	ck_assert_int_eq(real, (1010 + 10 * 99) * 1000 + 3);
}
END_TEST

/* A slow round keeps its aligned ts; the rounds it overran are skipped. */
START_TEST(test_late_and_suspend)
{
	struct sched s;
	int64_t ts;

	sched_init(&s, 10, 1000000, 0);
	ck_assert_int_eq(s.due_ts, 1010);
	/* Woken 2.5 s late. */
	ck_assert(sched_due(&s, 1012500, 12500, &ts));
	ck_assert_int_eq(ts, 1010);
	ck_assert_int_eq(s.due_ts, 1020);
	ck_assert_int_eq(sched_timeout(&s, 12500), 7500);
	/* Suspended for an hour: one round, then the next aligned one. */
	ck_assert(sched_due(&s, 4620300, 20000, &ts));
	ck_assert_int_eq(ts, 1020);
	ck_assert_int_eq(s.due_ts, 4630);
	ck_assert_int_eq(sched_timeout(&s, 20000), 9700);
}
END_TEST

/* Monotonic slightly ahead of the wall clock: never the same ts twice. */
START_TEST(test_early_wakeup)
{
	struct sched s;
	int64_t ts;

	sched_init(&s, 60, 1000000, 0);
	ck_assert_int_eq(s.due_ts, 1020);
	/* Due by the monotonic clock, 2 ms before by the wall clock. */
	ck_assert(sched_due(&s, 1019998, 20000, &ts));
	ck_assert_int_eq(ts, 1020);
	ck_assert_int_eq(s.due_ts, 1080);
	ck_assert_int_eq(sched_timeout(&s, 20000), 60002);
}
END_TEST

/* The wall clock is set back by an hour: rounds follow it. */
START_TEST(test_clock_step_back)
{
	struct sched s;
	int64_t ts;

	sched_init(&s, 60, 10000000, 0);
	ck_assert_int_eq(s.due_ts, 10020);
	ck_assert(sched_due(&s, 10020000 - 3600000, 20000, &ts));
	ck_assert_int_eq(ts, 10020);
	ck_assert_int_eq(s.due_ts, 6420 + 60);
	ck_assert_int_eq(sched_timeout(&s, 20000), 60000);
}
END_TEST

static Suite *
sched_suite(void)
{
	Suite *s = suite_create("agent_sched");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_aligned_first_round);
	tcase_add_test(tc, test_no_drift);
	tcase_add_test(tc, test_late_and_suspend);
	tcase_add_test(tc, test_early_wakeup);
	tcase_add_test(tc, test_clock_step_back);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sched_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
