/*
 * rrd-ceiling.c: the ceiling of the ingest benchmark, a plain librrd loop.
 *
 * Writes the benchmark's series (series.h) straight into RRD files with
 * librrd and nothing else: no MQTT, no parsing, no queue.  Whatever
 * pantau-collector adds on top of librrd shows as the distance to this.
 * The files have pantau's layout (collector/rrdstore.c, DESIGN.md
 * section 10: one DS "value", GAUGE, heartbeat 2 x step; AVERAGE, MIN and
 * MAX at 1 step for 2 days, 5 minutes for 2 weeks, 1 hour for 13 months,
 * 1 day for 10 years) at the paths the collector uses.
 *
 * Phases, each timed:
 *   create   every file created, then round 0 written (the warm-up the
 *            other runs do too);
 *   loop     rounds 1..R, one rrd_updatex_r() per sample, round after
 *            round: the samples as they arrive;
 *   batched  (with -b B) B more rounds, one call per file with all B
 *            samples: what a writer gains when its queue holds several
 *            rounds of a series.
 *
 * -c stops after the create phase, -u skips it (the files exist), -L
 * skips the loop (its R rounds are taken as written): the benchmark runs
 * each phase apart and syncs the disk in between, as for the other runs.
 *
 * Prints "PHASE<TAB>SAMPLES<TAB>SECONDS<TAB>SAMPLES_PER_S" lines.
 *
 *   rrd-ceiling -D DIR -t T0 [-d DEVICES] [-m METRICS] [-r ROUNDS] [-b B]
 *               [-c | -u] [-L]
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>

#include "bench/tools/series.h"

#define CEILING_NARGS 13
#define CEILING_VALUE 48

static double
ceiling_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The layout of collector/rrdstore.c for a gauge of step SERIES_STEP. */
static void
ceiling_layout(char buf[][64], const char **argv)
{
	static const struct {
		unsigned long res;  /* seconds per point, 0: one step */
		unsigned long span; /* seconds kept */
	} rra[] = {
	    {0, 2 * 86400},
	    {300, 14 * 86400},
	    {3600, 396 * 86400},
	    {86400, 3653 * 86400},
	};
	static const char *const cf[] = {"AVERAGE", "MIN", "MAX"};
	const unsigned long step = SERIES_STEP;
	unsigned long steps, rows;
	size_t i, j, n = 0;

	snprintf(buf[n], 64, "DS:value:GAUGE:%lu:U:U", 2 * step);
	argv[n] = buf[n];
	n++;
	for (i = 0; i < sizeof(rra) / sizeof(rra[0]); i++) {
		steps = rra[i].res == 0 ? 1 : (rra[i].res + step / 2) / step;
		rows = (rra[i].span + steps * step - 1) / (steps * step);
		for (j = 0; j < 3; j++) {
			snprintf(buf[n], 64, "RRA:%s:0.5:%lu:%lu", cf[j], steps,
			         rows);
			argv[n] = buf[n];
			n++;
		}
	}
}

static int
ceiling_mkdir(const char *path)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "rrd-ceiling: mkdir %s: %s\n", path, strerror(errno));
	return -1;
}

static int
ceiling_update(const char *path, int n, const char **vals)
{
	rrd_clear_error();
	if (rrd_updatex_r(path, NULL, RRD_SKIP_PAST_UPDATES, n, vals) != 0) {
		fprintf(stderr, "rrd-ceiling: update %s: %s\n", path,
		        rrd_get_error());
		return -1;
	}
	return 0;
}

static void
ceiling_report(const char *phase, unsigned long samples, double secs)
{
	printf("%s\t%lu\t%.3f\t%.0f\n", phase, samples, secs,
	       secs > 0 ? (double)samples / secs : 0.0);
	fflush(stdout);
}

static void
ceiling_usage(void)
{
	fprintf(stderr, "usage: rrd-ceiling -D DIR -t T0 [-d DEVICES] "
	                "[-m METRICS] [-r ROUNDS] [-b BATCH] [-c | -u] [-L]\n");
	exit(2);
}

static long
ceiling_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		ceiling_usage();
	return v;
}

int
main(int argc, char **argv)
{
	char layout[CEILING_NARGS][64], dir[4096];
	const char *largv[CEILING_NARGS];
	const char *base = NULL, **vals;
	char **paths, *valbuf;
	unsigned devices = 100, metrics = 100, rounds = 10, batch = 0;
	unsigned d, k, r, i;
	bool create = true, update = true, loop = true;
	int64_t t0 = 0;
	size_t nfiles, f;
	double start;
	int ch;

	while ((ch = getopt(argc, argv, "D:t:d:m:r:b:cuL")) != -1) {
		switch (ch) {
		case 'D':
			base = optarg;
			break;
		case 't':
			t0 = ceiling_num(optarg, 1, 4000000000L);
			break;
		case 'd':
			devices = (unsigned)ceiling_num(optarg, 1, 999);
			break;
		case 'm':
			metrics = (unsigned)ceiling_num(optarg, 1, 999);
			break;
		case 'r':
			rounds = (unsigned)ceiling_num(optarg, 1, 100000);
			break;
		case 'b':
			batch = (unsigned)ceiling_num(optarg, 0, 100000);
			break;
		case 'c':
			update = false;
			break;
		case 'u':
			create = false;
			break;
		case 'L':
			loop = false;
			break;
		default:
			ceiling_usage();
		}
	}
	if (base == NULL || t0 == 0 || (!create && !update))
		ceiling_usage();

	nfiles = (size_t)devices * metrics;
	paths = calloc(nfiles, sizeof(*paths));
	vals = calloc(batch > 0 ? batch : 1, sizeof(*vals));
	valbuf = malloc((size_t)(batch > 0 ? batch : 1) * CEILING_VALUE);
	if (paths == NULL || vals == NULL || valbuf == NULL) {
		fprintf(stderr, "rrd-ceiling: out of memory\n");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/rrd", base);
	if (ceiling_mkdir(dir) != 0)
		return 1;
	snprintf(dir, sizeof(dir), "%s/rrd/" SERIES_SITE, base);
	if (ceiling_mkdir(dir) != 0)
		return 1;
	for (d = 0; d < devices; d++) {
		for (k = 0; k < metrics; k++) {
			if (asprintf(&paths[d * metrics + k],
			             "%s/rrd/" SERIES_SITE "/" SERIES_DEVICE_FMT
			             "/" SERIES_METRIC_FMT ".rrd",
			             base, d, k) < 0) {
				fprintf(stderr, "rrd-ceiling: out of memory\n");
				return 1;
			}
		}
	}
	ceiling_layout(layout, largv);
	vals[0] = valbuf;

	/* create, and round 0 */
	start = ceiling_now();
	for (d = 0; create && d < devices; d++) {
		snprintf(dir, sizeof(dir),
		         "%s/rrd/" SERIES_SITE "/" SERIES_DEVICE_FMT, base, d);
		if (ceiling_mkdir(dir) != 0)
			return 1;
		for (k = 0; k < metrics; k++) {
			f = (size_t)d * metrics + k;
			rrd_clear_error();
			if (rrd_create_r2(paths[f], SERIES_STEP,
			                  (time_t)(t0 - 1), 1, NULL, NULL,
			                  CEILING_NARGS, largv) != 0) {
				fprintf(stderr, "rrd-ceiling: create %s: %s\n",
				        paths[f], rrd_get_error());
				return 1;
			}
			snprintf(valbuf, CEILING_VALUE, "%" PRId64 ":%.17g",
			         series_ts(t0, 0), series_value(d, k, 0));
			if (ceiling_update(paths[f], 1, vals) != 0)
				return 1;
		}
	}
	if (create)
		ceiling_report("create", (unsigned long)nfiles,
		               ceiling_now() - start);
	if (!update)
		goto done;

	/* rounds 1..R, one call per sample */
	start = ceiling_now();
	for (r = 1; loop && r <= rounds; r++) {
		for (d = 0; d < devices; d++) {
			for (k = 0; k < metrics; k++) {
				snprintf(valbuf, CEILING_VALUE,
				         "%" PRId64 ":%.17g", series_ts(t0, r),
				         series_value(d, k, r));
				if (ceiling_update(
				        paths[(size_t)d * metrics + k], 1,
				        vals) != 0)
					return 1;
			}
		}
	}
	if (loop)
		ceiling_report("loop", (unsigned long)rounds * nfiles,
		               ceiling_now() - start);

	/* B more rounds, one call per file */
	if (batch > 0) {
		start = ceiling_now();
		for (d = 0; d < devices; d++) {
			for (k = 0; k < metrics; k++) {
				for (i = 0; i < batch; i++) {
					r = rounds + 1 + i;
					vals[i] =
					    valbuf + (size_t)i * CEILING_VALUE;
					snprintf(
					    valbuf + (size_t)i * CEILING_VALUE,
					    CEILING_VALUE, "%" PRId64 ":%.17g",
					    series_ts(t0, r),
					    series_value(d, k, r));
				}
				if (ceiling_update(
				        paths[(size_t)d * metrics + k],
				        (int)batch, vals) != 0)
					return 1;
			}
		}
		ceiling_report("batched", (unsigned long)batch * nfiles,
		               ceiling_now() - start);
	}

done:
	for (f = 0; f < nfiles; f++)
		free(paths[f]);
	free(paths);
	free(vals);
	free(valbuf);
	return 0;
}
