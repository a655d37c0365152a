/*
 * check_vec.c: vec_grow() keeps what it holds, doubles, and refuses an
 * overflowing size without touching the array.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/vec.h"

START_TEST(test_grow_keeps_values)
{
	int *v = NULL, *nv;
	size_t n, cap = 0;

	for (n = 0; n < 1000; n++) {
		nv = vec_grow(v, &cap, n, sizeof *v);
		ck_assert_ptr_nonnull(nv);
		v = nv;
		v[n] = (int)n * 3;
	}
	ck_assert_uint_eq(cap, 1024); /* 16 doubled six times */
	for (n = 0; n < 1000; n++)
		ck_assert_int_eq(v[n], (int)n * 3);
	free(v);
}
END_TEST

START_TEST(test_grow_room_left)
{
	char *v = malloc(16);
	size_t cap = 16;

	ck_assert_ptr_eq(vec_grow(v, &cap, 15, 1), v); /* element 15 fits */
	ck_assert_uint_eq(cap, 16);
	free(v);
}
END_TEST

START_TEST(test_grow_overflow)
{
	char *v = malloc(16);
	size_t cap = 16;

	ck_assert_ptr_null(vec_grow(v, &cap, 16, SIZE_MAX / 8));
	ck_assert_uint_eq(cap, 16); /* unchanged: v is still the caller's */
	free(v);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("vec");
	TCase *tc = tcase_create("grow");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_grow_keeps_values);
	tcase_add_test(tc, test_grow_room_left);
	tcase_add_test(tc, test_grow_overflow);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
