/*
 * rrd-check.c: has every file of the ingest benchmark reached a round?
 *
 * Reads the last update of the benchmark's RRD files (series.h) with
 * rrd_lastupdate_r() and counts the files whose time stamp is the one of
 * round R; with -v their last value must also be exactly the value the
 * publisher sent for that round.  bench/20-ingest.sh polls it to learn
 * when a daemon has written everything, and runs it once more at the end
 * as the check that nothing was lost or mangled.
 *
 * Layouts: "pantau" is DIR/rrd/bench/<device>/<metric>.rrd (pantau-collector
 * and rrd-ceiling), "collectd" is DIR/<device>/bench/gauge-<metric>.rrd
 * (collectd's rrdtool plugin with DataDir DIR).  With -c ADDR every file is
 * flushed through rrdcached first.  -s N checks every N-th file only.
 *
 * Prints "OK of TOTAL" and exits 0 when all checked files are at round R.
 *
 *   rrd-check -l pantau|collectd -D DIR -t T0 -r R [-d DEVICES] [-m METRICS]
 *             [-s STRIDE] [-v] [-c unix:/path]
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "bench/tools/series.h"

#define CHECK_REPORT_MAX 5 /* mismatches printed */

static void
check_usage(void)
{
	fprintf(stderr, "usage: rrd-check -l pantau|collectd -D DIR -t T0 "
	                "-r ROUND [-d DEVICES] [-m METRICS] [-s STRIDE] [-v] "
	                "[-c unix:/path]\n");
	exit(2);
}

static long
check_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		check_usage();
	return v;
}

/*
 * 1 when the file is at time 'ts' (and, with 'want' not NaN, holds that
 * value), 0 when not (yet), with the reason in 'why'.
 */
static int
check_file(const char *path, int64_t ts, double want, char *why, size_t whysz)
{
	time_t last;
	unsigned long n, i;
	char **names = NULL, **data = NULL;
	double got;
	int ok;

	rrd_clear_error();
	if (rrd_lastupdate_r(path, &last, &n, &names, &data) != 0) {
		snprintf(why, whysz, "%s", rrd_get_error());
		return 0;
	}
	ok = (int64_t)last == ts && n == 1;
	if (!ok)
		snprintf(why, whysz, "last update %" PRId64 ", want %" PRId64,
		         (int64_t)last, ts);
	if (ok && !isnan(want)) {
		got = strtod(data[0], NULL);
		ok = got == want;
		if (!ok)
			snprintf(why, whysz, "last value %s, want %.17g",
			         data[0], want);
	}
	for (i = 0; i < n; i++) {
		rrd_freemem(names[i]);
		rrd_freemem(data[i]);
	}
	rrd_freemem(names);
	rrd_freemem(data);
	return ok;
}

int
main(int argc, char **argv)
{
	const char *layout = NULL, *base = NULL, *cached = NULL;
	unsigned devices = 100, metrics = 100, round = 0, stride = 1;
	unsigned d, k, checked = 0, ok = 0, reported = 0;
	bool values = false, have_round = false;
	unsigned long idx = 0;
	char path[4096], why[256];
	int64_t t0 = 0;
	int ch;

	while ((ch = getopt(argc, argv, "l:D:t:r:d:m:s:vc:")) != -1) {
		switch (ch) {
		case 'l':
			layout = optarg;
			break;
		case 'D':
			base = optarg;
			break;
		case 't':
			t0 = check_num(optarg, 1, 4000000000L);
			break;
		case 'r':
			round = (unsigned)check_num(optarg, 0, 1000000);
			have_round = true;
			break;
		case 'd':
			devices = (unsigned)check_num(optarg, 1, 999);
			break;
		case 'm':
			metrics = (unsigned)check_num(optarg, 1, 999);
			break;
		case 's':
			stride = (unsigned)check_num(optarg, 1, 1000000);
			break;
		case 'v':
			values = true;
			break;
		case 'c':
			cached = optarg;
			break;
		default:
			check_usage();
		}
	}
	if (layout == NULL || base == NULL || t0 == 0 || !have_round ||
	    (strcmp(layout, "pantau") != 0 && strcmp(layout, "collectd") != 0))
		check_usage();
	if (cached != NULL && rrdc_connect(cached) != 0) {
		fprintf(stderr, "rrd-check: rrdcached %s: %s\n", cached,
		        rrd_get_error());
		return 2;
	}

	for (d = 0; d < devices; d++) {
		for (k = 0; k < metrics; k++, idx++) {
			if (idx % stride != 0)
				continue;
			if (layout[0] == 'p')
				snprintf(path, sizeof(path),
				         "%s/rrd/" SERIES_SITE
				         "/" SERIES_DEVICE_FMT
				         "/" SERIES_METRIC_FMT ".rrd",
				         base, d, k);
			else
				snprintf(path, sizeof(path),
				         "%s/" SERIES_DEVICE_FMT "/" SERIES_SITE
				         "/gauge-" SERIES_METRIC_FMT ".rrd",
				         base, d, k);
			if (cached != NULL)
				rrdc_flush(path);
			checked++;
			if (check_file(path, series_ts(t0, round),
			               values ? series_value(d, k, round) : NAN,
			               why, sizeof(why))) {
				ok++;
			} else if (values && reported++ < CHECK_REPORT_MAX) {
				fprintf(stderr, "rrd-check: %s: %s\n", path,
				        why);
			}
		}
	}
	if (cached != NULL)
		rrdc_disconnect();
	printf("%u of %u\n", ok, checked);
	return ok == checked ? 0 : 1;
}
