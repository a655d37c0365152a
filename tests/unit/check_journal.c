/*
 * check_journal: collector/journal.c in a temp directory: records come back
 * exactly after a "crash" (the journal closed without release), written
 * records are forgotten, files are cut and deleted, a torn record ends the
 * replay of its file without harm.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector/collector.h"

static char dir[256];

struct seen {
	int n;
	char topic[8][64];
	char payload[8][64];
	size_t len[8];
};

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "%s/check_journal.XXXXXX",
	         getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	log_init("check_journal", 1, LOG_LVL_ERR);
}

static void
teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct journal *
jopen(void)
{
	char err[256] = "";
	struct journal *j = journal_open(dir, err, sizeof(err));

	ck_assert_msg(j != NULL, "journal_open: %s", err);
	return j;
}

static void
remember(void *arg, const char *topic, const void *payload, size_t len)
{
	struct seen *s = arg;

	ck_assert_int_lt(s->n, 8);
	snprintf(s->topic[s->n], sizeof(s->topic[0]), "%s", topic);
	ck_assert_uint_lt(len, sizeof(s->payload[0]));
	memcpy(s->payload[s->n], payload, len);
	s->payload[s->n][len] = '\0';
	s->len[s->n] = len;
	s->n++;
}

/* Total bytes and number of files in the journal directory. */
static off_t
usage(int *files)
{
	struct dirent *de;
	struct stat st;
	char path[512];
	off_t total = 0;
	DIR *d = opendir(dir);

	ck_assert_ptr_nonnull(d);
	*files = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		ck_assert_int_eq(stat(path, &st), 0);
		total += st.st_size;
		(*files)++;
	}
	closedir(d);
	return total;
}

START_TEST(test_replay_after_crash)
{
	struct journal *j = jopen();
	struct seen s = {0};
	int files;

	ck_assert_uint_eq(journal_append(j, "pantau/v1/a/b/metrics", "one", 3),
	                  1);
	ck_assert_uint_eq(journal_append(j, "pantau/v1/a/c/metrics", "", 0), 2);
	ck_assert_uint_eq(journal_append(j, "t", "{\"x\":\0}", 7), 3);
	journal_release(j, 2); /* not all written: nothing goes */
	ck_assert_int_gt(usage(&files), 0);
	journal_close(j); /* a crash, as far as the file knows */

	j = jopen();
	ck_assert_int_eq(journal_replay(j, remember, &s), 3);
	ck_assert_int_eq(s.n, 3);
	ck_assert_str_eq(s.topic[0], "pantau/v1/a/b/metrics");
	ck_assert_str_eq(s.payload[0], "one");
	ck_assert_str_eq(s.topic[1], "pantau/v1/a/c/metrics");
	ck_assert_uint_eq(s.len[1], 0);
	ck_assert_uint_eq(s.len[2], 7);
	ck_assert(memcmp(s.payload[2], "{\"x\":\0}", 7) == 0);
	/* the old file is gone; only the new (empty) current one is left */
	ck_assert_int_eq(usage(&files), 0);
	ck_assert_int_eq(files, 1);
	journal_close(j);

	j = jopen();
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(journal_replay(j, remember, &s), 0);
	journal_close(j);
}
END_TEST

START_TEST(test_release_truncates)
{
	struct journal *j = jopen();
	struct seen s = {0};
	int files;

	journal_append(j, "t", "aaaa", 4);
	journal_append(j, "t", "bbbb", 4);
	journal_release(j, 2);
	ck_assert_int_eq(usage(&files), 0);
	ck_assert_uint_eq(journal_append(j, "t", "cccc", 4), 3);
	journal_close(j);

	j = jopen();
	ck_assert_int_eq(journal_replay(j, remember, &s), 1);
	ck_assert_str_eq(s.payload[0], "cccc");
	journal_close(j);
}
END_TEST

START_TEST(test_rotation)
{
	struct journal *j = jopen();
	size_t big = 3 * 1024 * 1024;
	char *p = malloc(big);
	int files, i;

	ck_assert_ptr_nonnull(p);
	memset(p, 'x', big);
	for (i = 1; i <= 6; i++) /* 18 MiB: cut at 8 MiB */
		ck_assert_uint_eq(journal_append(j, "t", p, big), (unsigned)i);
	usage(&files);
	ck_assert_int_ge(files, 3);
	journal_release(j, 3); /* the first file's records */
	usage(&files);
	ck_assert_int_eq(files, 2);
	journal_release(j, 6);
	ck_assert_int_eq(usage(&files), 0);
	ck_assert_int_eq(files, 1);
	journal_close(j);
	free(p);
}
END_TEST

START_TEST(test_torn_record)
{
	struct journal *j = jopen();
	struct seen s = {0};
	char path[512];
	int fd;

	journal_append(j, "t", "good", 4);
	journal_close(j);
	/* a record cut short by a crash inside write(2) */
	snprintf(path, sizeof(path), "%s/%020d.log", dir, 1);
	fd = open(path, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(
	    write(fd, "PJ1\n\x01\x00\x00\x00\x10\x00\x00\x00tab", 15), 15);
	close(fd);

	j = jopen();
	ck_assert_int_eq(journal_replay(j, remember, &s), 1);
	ck_assert_str_eq(s.payload[0], "good");
	journal_close(j);
}
END_TEST

static Suite *
journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_replay_after_crash);
	tcase_add_test(tc, test_release_truncates);
	tcase_add_test(tc, test_rotation);
	tcase_add_test(tc, test_torn_record);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(journal_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
