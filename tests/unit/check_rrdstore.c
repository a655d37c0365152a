/*
 * check_rrdstore: collector/rrdstore.c against real RRD files in a temp
 * directory: the layout of DESIGN.md section 10 read back with rrd_info,
 * exact values read back with rrd_fetch and rrd_lastupdate, duplicates and
 * late samples skipped and counted, hostile names refused without a file.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rrd.h>

#include "collector/collector.h"
#include "collector/stats.h"

#define T0 1764345600 /* a multiple of 60 and 300 */

static char dir[256];

static void
setup(void)
{
	char err[256];

	snprintf(dir, sizeof(dir), "%s/check_rrdstore.XXXXXX",
	         getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	memset(&stats, 0, sizeof(stats));
	log_init("check_rrdstore", 1, LOG_LVL_ERR);
	(void)err;
}

static void
teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct rrdstore *
store(unsigned step)
{
	struct rrdstore *rs;
	char err[256] = "";

	rs = rrdstore_new(dir, NULL, step, err, sizeof(err));
	ck_assert_msg(rs != NULL, "rrdstore_new: %s", err);
	return rs;
}

static void
path_of(const char *site, const char *device, const char *metric, char *buf,
        size_t bufsz)
{
	snprintf(buf, bufsz, "%s/rrd/%s/%s/%s.rrd", dir, site, device, metric);
}

static rrd_info_t *
info_find(rrd_info_t *info, const char *key)
{
	for (; info != NULL; info = info->next)
		if (strcmp(info->key, key) == 0)
			return info;
	ck_abort_msg("rrd_info has no key %s", key);
	return NULL;
}

static unsigned long
info_cnt(rrd_info_t *info, const char *key)
{
	return info_find(info, key)->value.u_cnt;
}

static const char *
info_str(rrd_info_t *info, const char *key)
{
	return info_find(info, key)->value.u_str;
}

/* The value written last, as rrdtool lastupdate prints it. */
static void
lastupdate(const char *path, time_t *last, char *val, size_t valsz)
{
	unsigned long n, i;
	char **names, **vals;

	rrd_clear_error();
	ck_assert_msg(rrd_lastupdate_r(path, last, &n, &names, &vals) == 0,
	              "lastupdate %s: %s", path, rrd_get_error());
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(names[0], "value");
	snprintf(val, valsz, "%s", vals[0]);
	for (i = 0; i < n; i++) {
		rrd_freemem(names[i]);
		rrd_freemem(vals[i]);
	}
	rrd_freemem(names);
	rrd_freemem(vals);
}

/* The AVERAGE of the step ending at 't' in the 1-step archive. */
static double
fetch_at(const char *path, time_t t, unsigned long step)
{
	time_t start = t - (time_t)step, end = t;
	unsigned long st = step, ds, i;
	char **names;
	rrd_value_t *data;
	double v;

	rrd_clear_error();
	ck_assert_msg(rrd_fetch_r(path, "AVERAGE", &start, &end, &st, &ds,
	                          &names, &data) == 0,
	              "fetch %s: %s", path, rrd_get_error());
	ck_assert_uint_eq(st, step);
	ck_assert_uint_eq(ds, 1);
	/* the first row is the step ending at start + step */
	v = data[(t - start) / (time_t)step - 1];
	for (i = 0; i < ds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	return v;
}

START_TEST(test_gauge_layout)
{
	struct rrdstore *rs = store(0);
	char path[512], key[32];
	rrd_info_t *info, *p;
	/* cf x (pdp per row, rows) of DESIGN.md section 10 at step 60 */
	static const unsigned long want[4][2] = {
	    {1, 2880},
	    {5, 4032},
	    {60, 9504},
	    {1440, 3653},
	};
	static const char *const cf[] = {"AVERAGE", "MIN", "MAX"};
	int i, j;

	ck_assert_int_eq(
	    rrdstore_add(rs, "asriloka", "pc-01", "cpu.util", 0, 60, T0, 12.5),
	    0);
	ck_assert_uint_eq(rrdstore_commit(rs), 1);
	ck_assert_uint_eq(STATS_GET(rrd_creates), 1);
	ck_assert_uint_eq(STATS_GET(samples_written), 1);
	rrdstore_free(rs);

	path_of("asriloka", "pc-01", "cpu.util", path, sizeof(path));
	rrd_clear_error();
	info = rrd_info_r(path);
	ck_assert_msg(info != NULL, "info: %s", rrd_get_error());
	ck_assert_uint_eq(info_cnt(info, "step"), 60);
	ck_assert_uint_eq(info_cnt(info, "last_update"), T0);
	/* created one step before the first sample, so that it counts */
	ck_assert(fetch_at(path, T0, 60) == 12.5);
	ck_assert_str_eq(info_str(info, "ds[value].type"), "GAUGE");
	ck_assert_uint_eq(info_cnt(info, "ds[value].minimal_heartbeat"), 120);
	ck_assert(isnan(info_find(info, "ds[value].min")->value.u_val));
	for (i = 0; i < 4; i++) {
		for (j = 0; j < 3; j++) {
			snprintf(key, sizeof(key), "rra[%d].cf", i * 3 + j);
			ck_assert_str_eq(info_str(info, key), cf[j]);
			snprintf(key, sizeof(key), "rra[%d].pdp_per_row",
			         i * 3 + j);
			ck_assert_uint_eq(info_cnt(info, key), want[i][0]);
			snprintf(key, sizeof(key), "rra[%d].rows", i * 3 + j);
			ck_assert_uint_eq(info_cnt(info, key), want[i][1]);
		}
	}
	/* twelve archives, not more */
	for (p = info; p != NULL; p = p->next)
		ck_assert_msg(strncmp(p->key, "rra[12]", 7) != 0,
		              "unexpected %s", p->key);
	rrd_info_free(info);
}
END_TEST

START_TEST(test_counter_layout_and_step)
{
	struct rrdstore *rs = store(300); /* [rrd] step = 5m */
	char path[512];
	rrd_info_t *info;

	ck_assert_int_eq(rrdstore_add(rs, "asriloka", "sw-1", "if.ge1.in_bytes",
	                              1, 60, T0, 1000),
	                 0);
	ck_assert_uint_eq(rrdstore_commit(rs), 1);
	rrdstore_free(rs);

	path_of("asriloka", "sw-1", "if.ge1.in_bytes", path, sizeof(path));
	info = rrd_info_r(path);
	ck_assert_ptr_nonnull(info);
	ck_assert_uint_eq(info_cnt(info, "step"), 300);
	ck_assert_str_eq(info_str(info, "ds[value].type"), "DERIVE");
	ck_assert_uint_eq(info_cnt(info, "ds[value].minimal_heartbeat"), 600);
	ck_assert(info_find(info, "ds[value].min")->value.u_val == 0.0);
	/* at step 300 the 5-minute archive is one step per row */
	ck_assert_uint_eq(info_cnt(info, "rra[0].rows"), 576);
	ck_assert_uint_eq(info_cnt(info, "rra[3].pdp_per_row"), 1);
	ck_assert_uint_eq(info_cnt(info, "rra[3].rows"), 4032);
	ck_assert_uint_eq(info_cnt(info, "rra[6].pdp_per_row"), 12);
	ck_assert_uint_eq(info_cnt(info, "rra[9].pdp_per_row"), 288);
	rrd_info_free(info);
}
END_TEST

START_TEST(test_exact_values)
{
	struct rrdstore *rs = store(0);
	char path[512], val[64];
	time_t last;

	/* out of order inside one batch: written in time order */
	ck_assert_int_eq(rrdstore_add(rs, "s1", "d1", "temp.cpu.celsius", 0, 60,
	                              T0 + 120, 47.25),
	                 0);
	ck_assert_int_eq(
	    rrdstore_add(rs, "s1", "d1", "temp.cpu.celsius", 0, 60, T0, 40), 0);
	ck_assert_int_eq(rrdstore_add(rs, "s1", "d1", "temp.cpu.celsius", 0, 60,
	                              T0 + 60, 45.5),
	                 0);
	ck_assert_uint_eq(rrdstore_commit(rs), 3);
	ck_assert_uint_eq(STATS_GET(samples_skipped), 0);
	rrdstore_free(rs);

	path_of("s1", "d1", "temp.cpu.celsius", path, sizeof(path));
	lastupdate(path, &last, val, sizeof(val));
	ck_assert_int_eq(last, T0 + 120);
	ck_assert_str_eq(val, "47.25");
	ck_assert(fetch_at(path, T0, 60) == 40);
	ck_assert(fetch_at(path, T0 + 60, 60) == 45.5);
	ck_assert(fetch_at(path, T0 + 120, 60) == 47.25);
}
END_TEST

START_TEST(test_counter_rate)
{
	struct rrdstore *rs = store(0);
	char path[512];

	/* 6000 bytes per minute is 100 B/s; a reset becomes unknown */
	rrdstore_add(rs, "s1", "d1", "net.eth0.rx_bytes", 1, 60, T0, 1e6);
	rrdstore_add(rs, "s1", "d1", "net.eth0.rx_bytes", 1, 60, T0 + 60,
	             1e6 + 6000);
	rrdstore_add(rs, "s1", "d1", "net.eth0.rx_bytes", 1, 60, T0 + 120, 500);
	/* a total DERIVE cannot parse is refused alone, not with its batch */
	rrdstore_add(rs, "s1", "d1", "net.eth0.rx_bytes", 1, 60, T0 + 180,
	             1e300);
	rrdstore_add(rs, "s1", "d1", "net.eth0.rx_bytes", 1, 60, T0 + 240,
	             6500);
	ck_assert_uint_eq(rrdstore_commit(rs), 4);
	ck_assert_uint_eq(STATS_GET(rrd_errors), 1);
	rrdstore_free(rs);

	path_of("s1", "d1", "net.eth0.rx_bytes", path, sizeof(path));
	ck_assert(fetch_at(path, T0 + 60, 60) == 100.0);
	ck_assert(isnan(fetch_at(path, T0 + 120, 60)));
	/* 500 -> 6500 over 120 s (the refused sample left a gap) */
	ck_assert(fetch_at(path, T0 + 240, 60) == 50.0);
}
END_TEST

START_TEST(test_skip_duplicates_and_late)
{
	struct rrdstore *rs = store(0);
	char path[512], val[64];
	time_t last;

	rrdstore_add(rs, "s1", "d1", "load.1", 0, 60, T0 + 60, 1.5);
	rrdstore_add(rs, "s1", "d1", "load.1", 0, 60, T0 + 60, 1.5);
	ck_assert_uint_eq(rrdstore_commit(rs), 1);
	ck_assert_uint_eq(STATS_GET(samples_skipped), 1);

	/* later batches: a redelivery and a late sample */
	rrdstore_add(rs, "s1", "d1", "load.1", 0, 60, T0 + 60, 9);
	rrdstore_add(rs, "s1", "d1", "load.1", 0, 60, T0, 9);
	ck_assert_uint_eq(rrdstore_commit(rs), 0);
	ck_assert_uint_eq(STATS_GET(samples_skipped), 3);
	ck_assert_uint_eq(STATS_GET(rrd_errors), 0);
	rrdstore_free(rs);

	/* a new store (a restart) learns the file's last update */
	rs = store(0);
	rrdstore_add(rs, "s1", "d1", "load.1", 0, 60, T0 + 60, 7);
	rrdstore_add(rs, "s1", "d1", "load.1", 0, 60, T0 + 120, 2.5);
	ck_assert_uint_eq(rrdstore_commit(rs), 1);
	ck_assert_uint_eq(STATS_GET(samples_skipped), 4);
	ck_assert_uint_eq(STATS_GET(rrd_creates), 1);
	ck_assert_uint_eq(STATS_GET(rrd_errors), 0);
	rrdstore_free(rs);

	path_of("s1", "d1", "load.1", path, sizeof(path));
	lastupdate(path, &last, val, sizeof(val));
	ck_assert_int_eq(last, T0 + 120);
	ck_assert_str_eq(val, "2.5");
	ck_assert(fetch_at(path, T0 + 60, 60) == 1.5);
}
END_TEST

/* Names that must never become a path. */
static const struct {
	const char *site;
	const char *device;
	const char *metric;
} hostile[] = {
    {"..", "d1", "m"},
    {"s1", "..", "m"},
    {"s1", "d1", ".."},
    {"s1", "d1", "../../../x"},
    {"s1/x", "d1", "m"},
    {"s1", "d1", "a/b"},
    {"", "d1", "m"},
    {"s1", "", "m"},
    {"s1", "d1", ""},
    {"S1", "d1", "m"},
    {"s1", "d1", "m."},
    {"s1", "d1", ".m"},
    {"-s", "d1", "m"},
    {"s1", "d1", "caf\xc3\xa9"},
    {"s1", "d1", NULL}, /* 129 bytes, made by the test */
    {"s23456789012345678901234567890123456789012345678901234567890"
     "1234",
     "d1", "m"}, /* 64 bytes */
};

START_TEST(test_hostile_names)
{
	struct rrdstore *rs = store(0);
	char path[512], longname[NAME_METRIC_MAX + 2];
	const char *metric = hostile[_i].metric;
	struct stat st;

	if (metric == NULL) {
		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		metric = longname;
	}
	ck_assert_int_eq(rrdstore_add(rs, hostile[_i].site, hostile[_i].device,
	                              metric, 0, 60, T0, 1),
	                 -1);
	ck_assert_int_eq(rrdstore_path(rs, hostile[_i].site, hostile[_i].device,
	                               metric, path, sizeof(path)),
	                 -1);
	ck_assert_uint_eq(rrdstore_commit(rs), 0);
	ck_assert_uint_eq(STATS_GET(rrd_errors), 1);
	ck_assert_uint_eq(rrdstore_series(rs), 0);
	rrdstore_free(rs);
	/* DATA/rrd exists and is empty; nothing beside it */
	snprintf(path, sizeof(path), "%s/rrd", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(rmdir(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
}
END_TEST

START_TEST(test_bad_values)
{
	struct rrdstore *rs = store(0);

	ck_assert_int_eq(rrdstore_add(rs, "s1", "d1", "m", 0, 60, T0, NAN), -1);
	ck_assert_int_eq(rrdstore_add(rs, "s1", "d1", "m", 0, 60, T0, INFINITY),
	                 -1);
	ck_assert_int_eq(rrdstore_add(rs, "s1", "d1", "m", 0, 0, T0, 1), -1);
	ck_assert_uint_eq(rrdstore_commit(rs), 0);
	ck_assert_uint_eq(STATS_GET(rrd_errors), 3);
	rrdstore_free(rs);
}
END_TEST

START_TEST(test_path)
{
	struct rrdstore *rs = store(0);
	char path[512], want[512];

	ck_assert_int_eq(rrdstore_path(rs, "asriloka", "printer-lobby",
	                               "printer.supply.black_toner.level_pct",
	                               path, sizeof(path)),
	                 0);
	snprintf(want, sizeof(want),
	         "%s/rrd/asriloka/printer-lobby/"
	         "printer.supply.black_toner.level_pct.rrd",
	         dir);
	ck_assert_str_eq(path, want);
	ck_assert_int_eq(rrdstore_path(rs, "asriloka", "p", "m", path, 10), -1);
	rrdstore_free(rs);
}
END_TEST

/* Many series with a batch per file: every file gets its own values. */
START_TEST(test_many_series)
{
	struct rrdstore *rs = store(0);
	char metric[32], path[512], val[64];
	time_t last;
	int i, k;

	for (k = 0; k < 3; k++)
		for (i = 0; i < 200; i++) {
			snprintf(metric, sizeof(metric), "m%d", i);
			ck_assert_int_eq(rrdstore_add(rs, "s1", "d1", metric, 0,
			                              60, T0 + 60 * k, i + k),
			                 0);
		}
	ck_assert_uint_eq(rrdstore_series(rs), 200);
	ck_assert_uint_eq(rrdstore_commit(rs), 600);
	rrdstore_free(rs);
	path_of("s1", "d1", "m123", path, sizeof(path));
	lastupdate(path, &last, val, sizeof(val));
	ck_assert_int_eq(last, T0 + 120);
	ck_assert_str_eq(val, "125");
}
END_TEST

static Suite *
rrdstore_suite(void)
{
	Suite *s = suite_create("rrdstore");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_gauge_layout);
	tcase_add_test(tc, test_counter_layout_and_step);
	tcase_add_test(tc, test_exact_values);
	tcase_add_test(tc, test_counter_rate);
	tcase_add_test(tc, test_skip_duplicates_and_late);
	tcase_add_loop_test(tc, test_hostile_names, 0,
	                    (int)(sizeof(hostile) / sizeof(hostile[0])));
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_path);
	tcase_add_test(tc, test_many_series);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rrdstore_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
