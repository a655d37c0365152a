/*
 * series.h: the synthetic series every ingest benchmark tool agrees on.
 *
 * bench/20-ingest.sh feeds the same samples to pantau-collector (pantau
 * metrics messages), to collectd (its MQTT format) and to a plain librrd
 * loop, then checks the files.  The tools must agree on the names of the
 * series, their time stamps and their values, so all three come from here:
 * device d (0..) has gauges m (0..), round r (0 is the warm-up round that
 * creates the files) is stamped t0 + r * step, and its value is a number
 * that differs per series and per round and prints exactly both as "%g"
 * and as collectd's "%f".
 */
#ifndef PANTAU_BENCH_SERIES_H
#define PANTAU_BENCH_SERIES_H

#include <stdint.h>

#define SERIES_SITE "bench" /* pantau site; collectd plugin */
#define SERIES_STEP 60      /* seconds between rounds */

/* pantau: pantau/v1/bench/dev007/metrics, gauge "g042" */
#define SERIES_DEVICE_FMT "dev%03u"
#define SERIES_METRIC_FMT "g%03u"

static inline double
series_value(unsigned d, unsigned m, unsigned r)
{
	/* < 2^20 with a quarter: exact in binary and in 6 decimals */
	return (double)((r * 7919u + d * 131u + m * 17u) % 100000u) + 0.25;
}

static inline int64_t
series_ts(int64_t t0, unsigned r)
{
	return t0 + (int64_t)r * SERIES_STEP;
}

#endif
