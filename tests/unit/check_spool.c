/*
 * check_spool.c: the agent's on-disk spool (agent/spool.c).
 *
 * Each test works in a fresh temporary directory and checks exact values:
 * what comes out, in which order, what survives a reopen, what a torn or
 * corrupted record turns into, and how many records the bound drops.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent.h"

#define TOPIC "pantau/v1/asriloka/pc-01/metrics"
#define HDR 32 /* bytes of a record header (spool.c) */

static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "%s/check_spool.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	log_init("check_spool", 1, LOG_LVL_ERR);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
seg_path(char *buf, size_t sz, unsigned no)
{
	snprintf(buf, sz, "%s/%08x.seg", dir, no);
}

static off_t
file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return -1;
	return st.st_size;
}

/* Appends payload "m<N>" with seq N. */
static void
append_n(struct spool *sp, uint64_t n)
{
	char payload[32];

	snprintf(payload, sizeof(payload), "m%" PRIu64, n);
	ck_assert_int_eq(spool_append(sp, TOPIC, payload, strlen(payload),
	                              false, 1000 + (int64_t)n, n),
	                 0);
}

/* Takes the next record and checks it is "m<N>". */
static uint64_t
expect_next(struct spool *sp, uint64_t n)
{
	struct spool_rec r;
	char want[32];

	snprintf(want, sizeof(want), "m%" PRIu64, n);
	ck_assert_int_eq(spool_next(sp, &r), 1);
	ck_assert_str_eq(r.topic, TOPIC);
	ck_assert_uint_eq(r.len, strlen(want));
	ck_assert_int_eq(memcmp(r.payload, want, r.len), 0);
	ck_assert_uint_eq(r.seq, n);
	ck_assert_int_eq(r.ts, 1000 + (int64_t)n);
	ck_assert(!r.retain);
	return r.id;
}

START_TEST(test_append_next_ack)
{
	struct spool *sp = spool_open(dir, 1024 * 1024, 20);
	struct spool_rec r;
	uint64_t ids[3];
	int i;

	ck_assert_ptr_nonnull(sp);
	for (i = 1; i <= 3; i++)
		append_n(sp, (uint64_t)i);
	/* Nothing leaves before it is durable. */
	ck_assert_int_eq(spool_next(sp, &r), 0);
	ck_assert_int_eq(spool_sync(sp), 0);
	for (i = 1; i <= 3; i++)
		ids[i - 1] = expect_next(sp, (uint64_t)i);
	ck_assert_int_eq(spool_next(sp, &r), 0);
	ck_assert_uint_eq(spool_inflight(sp), 3);
	ck_assert_uint_eq(spool_pending_bytes(sp),
	                  3 * (HDR + strlen(TOPIC) + 2));

	/* Acks out of order; the pending bytes follow the oldest unacked. */
	ck_assert_int_eq(spool_ack(sp, ids[1]), 0);
	ck_assert_uint_eq(spool_pending_bytes(sp),
	                  3 * (HDR + strlen(TOPIC) + 2));
	ck_assert_int_eq(spool_ack(sp, ids[0]), 0);
	ck_assert_uint_eq(spool_pending_bytes(sp), HDR + strlen(TOPIC) + 2);
	ck_assert_int_eq(spool_ack(sp, ids[2]), 0);
	ck_assert_uint_eq(spool_pending_bytes(sp), 0);
	ck_assert_uint_eq(spool_inflight(sp), 0);

	/* Acking twice, or something never handed out, is refused. */
	errno = 0;
	ck_assert_int_eq(spool_ack(sp, ids[2]), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_uint_eq(spool_dropped(sp), 0);
	spool_close(sp);
}
END_TEST

START_TEST(test_retain_flag_and_window)
{
	struct spool *sp = spool_open(dir, 1024 * 1024, 2);
	struct spool_rec r;
	uint64_t first;

	ck_assert_ptr_nonnull(sp);
	ck_assert_int_eq(
	    spool_append(sp, "pantau/v1/a/b/inventory", "{}", 2, true, 5, 0),
	    0);
	append_n(sp, 1);
	append_n(sp, 2);
	ck_assert_int_eq(spool_sync(sp), 0);
	ck_assert_int_eq(spool_next(sp, &r), 1);
	ck_assert(r.retain);
	ck_assert_uint_eq(r.seq, 0);
	ck_assert_str_eq(r.topic, "pantau/v1/a/b/inventory");
	first = r.id;
	expect_next(sp, 1);
	/* The window of 2 is full. */
	ck_assert_int_eq(spool_next(sp, &r), 0);
	ck_assert_int_eq(spool_ack(sp, first), 0);
	expect_next(sp, 2);
	spool_close(sp);
}
END_TEST

START_TEST(test_rewind_resends_in_order)
{
	struct spool *sp = spool_open(dir, 1024 * 1024, 20);
	uint64_t id1;

	ck_assert_ptr_nonnull(sp);
	append_n(sp, 1);
	append_n(sp, 2);
	append_n(sp, 3);
	ck_assert_int_eq(spool_sync(sp), 0);
	id1 = expect_next(sp, 1);
	expect_next(sp, 2);
	ck_assert_int_eq(spool_ack(sp, id1), 0);
	/* Connection lost with 2 in flight: 2 and 3 come again, in order. */
	spool_rewind(sp);
	ck_assert_uint_eq(spool_inflight(sp), 0);
	expect_next(sp, 2);
	expect_next(sp, 3);
	spool_close(sp);
}
END_TEST

START_TEST(test_reopen_resumes_after_acked)
{
	struct spool *sp = spool_open(dir, 1024 * 1024, 20);
	struct spool_rec r;
	uint64_t id;

	ck_assert_ptr_nonnull(sp);
	append_n(sp, 1);
	append_n(sp, 2);
	append_n(sp, 3);
	ck_assert_int_eq(spool_sync(sp), 0);
	id = expect_next(sp, 1);
	expect_next(sp, 2); /* in flight, never acked */
	ck_assert_int_eq(spool_ack(sp, id), 0);
	spool_close(sp);

	sp = spool_open(dir, 1024 * 1024, 20);
	ck_assert_ptr_nonnull(sp);
	expect_next(sp, 2);
	expect_next(sp, 3);
	ck_assert_int_eq(spool_next(sp, &r), 0);
	spool_close(sp);
}
END_TEST

START_TEST(test_torn_tail_dropped)
{
	struct spool *sp = spool_open(dir, 1024 * 1024, 20);
	struct spool_rec r;
	char seg[128];
	off_t full, one = (off_t)(HDR + strlen(TOPIC) + 2);

	ck_assert_ptr_nonnull(sp);
	append_n(sp, 1);
	append_n(sp, 2);
	spool_close(sp);
	seg_path(seg, sizeof(seg), 1);
	full = file_size(seg);
	ck_assert_int_eq(full, 2 * one);
	/* A power cut in the middle of the second record. */
	ck_assert_int_eq(truncate(seg, full - 5), 0);

	sp = spool_open(dir, 1024 * 1024, 20);
	ck_assert_ptr_nonnull(sp);
	ck_assert_int_eq(file_size(seg), one);
	expect_next(sp, 1);
	ck_assert_int_eq(spool_next(sp, &r), 0);
	/* New records go after the cut, and come out whole. */
	append_n(sp, 3);
	ck_assert_int_eq(spool_sync(sp), 0);
	expect_next(sp, 3);
	spool_close(sp);
}
END_TEST

START_TEST(test_torn_header_dropped)
{
	struct spool *sp = spool_open(dir, 1024 * 1024, 20);
	struct spool_rec r;
	char seg[128];
	off_t one = (off_t)(HDR + strlen(TOPIC) + 2);

	ck_assert_ptr_nonnull(sp);
	append_n(sp, 1);
	spool_close(sp);
	/* Half a header of zeroes: a page the disk never wrote. */
	seg_path(seg, sizeof(seg), 1);
	ck_assert_int_eq(truncate(seg, one + 16), 0);
	sp = spool_open(dir, 1024 * 1024, 20);
	ck_assert_ptr_nonnull(sp);
	ck_assert_int_eq(file_size(seg), one);
	expect_next(sp, 1);
	ck_assert_int_eq(spool_next(sp, &r), 0);
	spool_close(sp);
}
END_TEST

START_TEST(test_checksum_mismatch)
{
	struct spool *sp = spool_open(dir, 1024 * 1024, 20);
	struct spool_rec r;
	char seg[128], c;
	off_t one = (off_t)(HDR + strlen(TOPIC) + 2);
	int fd;

	ck_assert_ptr_nonnull(sp);
	append_n(sp, 1);
	append_n(sp, 2);
	append_n(sp, 3);
	spool_close(sp);
	/* Flip one bit of the second record's payload. */
	seg_path(seg, sizeof(seg), 1);
	fd = open(seg, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &c, 1, 2 * one - 1), 1);
	ck_assert_int_eq(c, '2');
	c ^= 0x01;
	ck_assert_int_eq(pwrite(fd, &c, 1, 2 * one - 1), 1);
	close(fd);

	sp = spool_open(dir, 1024 * 1024, 20);
	ck_assert_ptr_nonnull(sp);
	/* The bad record and what follows it are cut, never replayed. */
	ck_assert_int_eq(file_size(seg), one);
	expect_next(sp, 1);
	ck_assert_int_eq(spool_next(sp, &r), 0);
	spool_close(sp);
}
END_TEST

START_TEST(test_bound_drops_oldest)
{
	/*
	 * 16 KiB bound, 4 KiB segments (the minimum), 1000-byte records:
	 * four records per segment, four segments fit.  Each further
	 * segment's first record drops the oldest segment whole.
	 */
	struct spool *sp = spool_open(dir, 16 * 1024, 20);
	struct spool_rec r;
	char payload[1000];
	size_t plen = 1000 - HDR - strlen(TOPIC);
	uint64_t n;
	char seg[128];

	ck_assert_ptr_nonnull(sp);
	for (n = 1; n <= 40; n++) {
		memset(payload, 'x', plen);
		payload[0] = (char)('0' + n % 10);
		ck_assert_int_eq(spool_append(sp, TOPIC, payload, plen, false,
		                              (int64_t)n, n),
		                 0);
	}
	ck_assert_uint_eq(spool_dropped(sp), 24);
	ck_assert_uint_eq(spool_pending_bytes(sp), 16 * 1000);
	/* Oldest segments are gone from the disk. */
	seg_path(seg, sizeof(seg), 1);
	ck_assert_int_eq(file_size(seg), -1);
	ck_assert_int_eq(spool_sync(sp), 0);
	for (n = 25; n <= 40; n++) {
		ck_assert_int_eq(spool_next(sp, &r), 1);
		ck_assert_uint_eq(r.seq, n);
		ck_assert_uint_eq(r.len, plen);
		ck_assert_int_eq(spool_ack(sp, r.id), 0);
	}
	ck_assert_int_eq(spool_next(sp, &r), 0);
	spool_close(sp);

	/* The count is persisted. */
	sp = spool_open(dir, 16 * 1024, 20);
	ck_assert_ptr_nonnull(sp);
	ck_assert_uint_eq(spool_dropped(sp), 24);
	ck_assert_uint_eq(spool_pending_bytes(sp), 0);
	spool_close(sp);
}
END_TEST

START_TEST(test_bound_drops_in_flight)
{
	struct spool *sp = spool_open(dir, 16 * 1024, 20);
	struct spool_rec r;
	char payload[1000];
	size_t plen = 1000 - HDR - strlen(TOPIC);
	uint64_t n, id;

	ck_assert_ptr_nonnull(sp);
	memset(payload, 'y', plen);
	for (n = 1; n <= 16; n++)
		ck_assert_int_eq(spool_append(sp, TOPIC, payload, plen, false,
		                              (int64_t)n, n),
		                 0);
	ck_assert_int_eq(spool_sync(sp), 0);
	ck_assert_int_eq(spool_next(sp, &r), 1);
	id = r.id;
	ck_assert_uint_eq(r.seq, 1);
	/* Record 1 is in flight when its segment is dropped. */
	ck_assert_int_eq(spool_append(sp, TOPIC, payload, plen, false, 17, 17),
	                 0);
	ck_assert_uint_eq(spool_dropped(sp), 4);
	ck_assert_uint_eq(spool_inflight(sp), 0);
	errno = 0;
	ck_assert_int_eq(spool_ack(sp, id), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(spool_next(sp, &r), 1);
	ck_assert_uint_eq(r.seq, 5);
	spool_close(sp);
}
END_TEST

START_TEST(test_too_big)
{
	struct spool *sp = spool_open(dir, 16 * 1024, 20);
	static char big[20000];

	ck_assert_ptr_nonnull(sp);
	errno = 0;
	ck_assert_int_eq(spool_append(sp, TOPIC, big, sizeof(big), false, 1, 0),
	                 -1);
	ck_assert_int_eq(errno, E2BIG);
	errno = 0;
	ck_assert_int_eq(spool_append(sp, "", "x", 1, false, 1, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	spool_close(sp);
}
END_TEST

START_TEST(test_seq_persists)
{
	struct spool *sp = spool_open(dir, 1024 * 1024, 20);
	struct spool_rec r;
	char state[128];
	uint64_t seq;

	ck_assert_ptr_nonnull(sp);
	ck_assert_int_eq(spool_seq_next(sp, TOPIC, &seq), 0);
	ck_assert_uint_eq(seq, 1);
	ck_assert_int_eq(spool_seq_next(sp, TOPIC, &seq), 0);
	ck_assert_uint_eq(seq, 2);
	ck_assert_int_eq(spool_seq_next(sp, "pantau/v1/a/other/metrics", &seq),
	                 0);
	ck_assert_uint_eq(seq, 1);
	ck_assert_int_eq(spool_sync(sp), 0);
	spool_close(sp);

	sp = spool_open(dir, 1024 * 1024, 20);
	ck_assert_ptr_nonnull(sp);
	ck_assert_int_eq(spool_seq_next(sp, TOPIC, &seq), 0);
	ck_assert_uint_eq(seq, 3);
	ck_assert_int_eq(spool_seq_next(sp, "pantau/v1/a/other/metrics", &seq),
	                 0);
	ck_assert_uint_eq(seq, 2);
	/* A record with seq 7 is appended and the state file is lost. */
	ck_assert_int_eq(spool_append(sp, TOPIC, "m7", 2, false, 1007, 7), 0);
	spool_close(sp);
	snprintf(state, sizeof(state), "%s/state", dir);
	ck_assert_int_eq(unlink(state), 0);

	/* The records themselves carry the seq: it never goes back. */
	sp = spool_open(dir, 1024 * 1024, 20);
	ck_assert_ptr_nonnull(sp);
	ck_assert_int_eq(spool_seq_next(sp, TOPIC, &seq), 0);
	ck_assert_uint_eq(seq, 8);
	expect_next(sp, 7);
	ck_assert_int_eq(spool_next(sp, &r), 0);
	spool_close(sp);
}
END_TEST

START_TEST(test_segments_deleted_when_acked)
{
	/* 32 KiB bound: 4 KiB segments of four 1000-byte records. */
	struct spool *sp = spool_open(dir, 32 * 1024, 20);
	struct spool_rec r;
	char payload[1000], seg[128];
	size_t plen = 1000 - HDR - strlen(TOPIC);
	uint64_t n;

	ck_assert_ptr_nonnull(sp);
	memset(payload, 'z', plen);
	for (n = 1; n <= 10; n++)
		ck_assert_int_eq(spool_append(sp, TOPIC, payload, plen, false,
		                              (int64_t)n, n),
		                 0);
	ck_assert_int_eq(spool_sync(sp), 0);
	for (n = 1; n <= 5; n++) {
		ck_assert_int_eq(spool_next(sp, &r), 1);
		ck_assert_int_eq(spool_ack(sp, r.id), 0);
	}
	/* Records 1-4 filled segment 1, which is gone; 2 and 3 remain. */
	seg_path(seg, sizeof(seg), 1);
	ck_assert_int_eq(file_size(seg), -1);
	seg_path(seg, sizeof(seg), 2);
	ck_assert_int_eq(file_size(seg), 4000);
	seg_path(seg, sizeof(seg), 3);
	ck_assert_int_eq(file_size(seg), 2000);
	ck_assert_uint_eq(spool_pending_bytes(sp), 5000);
	ck_assert_uint_eq(spool_dropped(sp), 0);
	spool_close(sp);
}
END_TEST

START_TEST(test_garbage_files)
{
	struct spool *sp;
	struct spool_rec r;
	char path[128], junk[3000];
	FILE *f;
	size_t i;

	/* A segment of noise, a stray file and a mangled state file. */
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 7 + 3);
	seg_path(path, sizeof(path), 1);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	fclose(f);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not a segment\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/state", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("head banana\nseq x y\ndropped -\n", f);
	fclose(f);

	sp = spool_open(dir, 1024 * 1024, 20);
	ck_assert_ptr_nonnull(sp);
	ck_assert_int_eq(spool_next(sp, &r), 0);
	ck_assert_uint_eq(spool_pending_bytes(sp), 0);
	ck_assert_uint_eq(spool_dropped(sp), 0);
	seg_path(path, sizeof(path), 1);
	ck_assert_int_eq(file_size(path), 0);
	append_n(sp, 1);
	ck_assert_int_eq(spool_sync(sp), 0);
	expect_next(sp, 1);
	spool_close(sp);
}
END_TEST

static Suite *
spool_suite(void)
{
	Suite *s = suite_create("spool");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_append_next_ack);
	tcase_add_test(tc, test_retain_flag_and_window);
	tcase_add_test(tc, test_rewind_resends_in_order);
	tcase_add_test(tc, test_reopen_resumes_after_acked);
	tcase_add_test(tc, test_torn_tail_dropped);
	tcase_add_test(tc, test_torn_header_dropped);
	tcase_add_test(tc, test_checksum_mismatch);
	tcase_add_test(tc, test_bound_drops_oldest);
	tcase_add_test(tc, test_bound_drops_in_flight);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_seq_persists);
	tcase_add_test(tc, test_segments_deleted_when_acked);
	tcase_add_test(tc, test_garbage_files);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(spool_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
