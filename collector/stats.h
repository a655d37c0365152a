/*
 * stats.h: the collector's own counters, exported at GET /metrics in the
 * Prometheus text format (DESIGN.md section 8).
 *
 * Counters are updated from the event loop and the RRD writer thread and
 * read from the HTTP thread, so every field is a C11 atomic; relaxed order
 * is enough because each value stands alone.
 */
#ifndef PANTAU_COLLECTOR_STATS_H
#define PANTAU_COLLECTOR_STATS_H

#include <stdatomic.h>
#include <stdint.h>

#include "common/wire.h"

struct stats {
	atomic_uint_fast64_t messages_in[WIRE_NCHANNELS];
	atomic_uint_fast64_t rejected[WIRE_NREASONS]; /* by reason */
	atomic_uint_fast64_t
	    rejected_other; /* refused past the decoder (too old, ...) */
	atomic_uint_fast64_t samples_in;
	atomic_uint_fast64_t samples_written;
	atomic_uint_fast64_t
	    samples_skipped; /* duplicate or older: not an error */
	atomic_uint_fast64_t rrd_creates;
	atomic_uint_fast64_t rrd_errors;
	atomic_uint_fast64_t db_errors;
	atomic_uint_fast64_t disk_full;      /* diskfull.c: 0 or 1 */
	atomic_uint_fast64_t disk_full_hits; /* writes refused for space */
	atomic_uint_fast64_t queue_depth; /* samples waiting for the writer */
	atomic_uint_fast64_t queue_max;
	atomic_uint_fast64_t ingest_latency_us_sum; /* receive -> written */
	atomic_uint_fast64_t ingest_latency_count;
	atomic_uint_fast64_t mqtt_connected; /* 0 or 1 */
	atomic_uint_fast64_t mqtt_reconnects;
	atomic_uint_fast64_t notify_sent;    /* notify.c: messages delivered */
	atomic_uint_fast64_t notify_failed;  /* delivery attempts that failed */
	atomic_uint_fast64_t notify_dropped; /* messages given up */
	atomic_int_fast64_t start_time;
};

extern struct stats stats;

#define STATS_ADD(field, n)                                                    \
	atomic_fetch_add_explicit(&stats.field, (n), memory_order_relaxed)
#define STATS_SET(field, v)                                                    \
	atomic_store_explicit(&stats.field, (v), memory_order_relaxed)
#define STATS_GET(field)                                                       \
	atomic_load_explicit(&stats.field, memory_order_relaxed)

/*
 * Renders every counter as Prometheus text exposition into a malloc'd
 * string the caller frees; NULL on ENOMEM.
 */
char *stats_prometheus(void);

#endif
