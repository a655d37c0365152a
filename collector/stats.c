/*
 * stats.c: the collector's own counters (stats.h) as Prometheus text.
 *
 * GET /metrics serves stats_prometheus(); SIGUSR1 and a clean exit write
 * the same text to DATA/pantau-collector.prom (stats_write_file()), for a
 * node_exporter textfile collector, for the tests, and for a technician
 * without a browser.  Names follow the Prometheus conventions: counters end
 * in _total, the unit is part of the name.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/collector.h"
#include "collector/stats.h"

struct stats stats;

struct stats_buf {
	char *p;
	size_t len;
	size_t cap;
	bool failed;
};

static void stats_printf(struct stats_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
stats_printf(struct stats_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t need;
	char *np;
	int n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		need = b->len + (size_t)n + 1;
		if ((np = realloc(b->p, need * 2)) == NULL) {
			b->failed = true;
			return;
		}
		b->p = np;
		b->cap = need * 2;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

static void
stats_one(struct stats_buf *b, const char *name, const char *type,
          const char *help, uint64_t v)
{
	stats_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help,
	             name, type, name, (unsigned long long)v);
}

char *
stats_prometheus(void)
{
	struct stats_buf b = {0};
	uint64_t n, sum;
	int i;

	b.cap = 4096;
	if ((b.p = malloc(b.cap)) == NULL)
		return NULL;
	b.p[0] = '\0';

	stats_printf(&b, "# HELP pantau_messages_received_total MQTT "
	                 "messages with a valid topic, by channel.\n"
	                 "# TYPE pantau_messages_received_total counter\n");
	for (i = 0; i < WIRE_NCHANNELS; i++)
		stats_printf(&b,
		             "pantau_messages_received_total"
		             "{channel=\"%s\"} %llu\n",
		             wire_channel_name((enum wire_channel)i),
		             (unsigned long long)STATS_GET(messages_in[i]));

	stats_printf(&b, "# HELP pantau_messages_rejected_total Messages "
	                 "refused, by reason.\n"
	                 "# TYPE pantau_messages_rejected_total counter\n");
	for (i = 1; i < WIRE_NREASONS; i++)
		stats_printf(&b,
		             "pantau_messages_rejected_total"
		             "{reason=\"%s\"} %llu\n",
		             wire_reason_name((enum wire_reason)i),
		             (unsigned long long)STATS_GET(rejected[i]));
	stats_printf(&b,
	             "pantau_messages_rejected_total"
	             "{reason=\"future_timestamp\"} %llu\n",
	             (unsigned long long)STATS_GET(rejected_other));

	stats_one(&b, "pantau_samples_received_total", "counter",
	          "Samples in accepted metrics messages.",
	          STATS_GET(samples_in));
	stats_one(&b, "pantau_samples_written_total", "counter",
	          "Samples written to RRD files.", STATS_GET(samples_written));
	stats_one(&b, "pantau_samples_skipped_total", "counter",
	          "Samples not newer than their RRD file (duplicates, late).",
	          STATS_GET(samples_skipped));
	stats_one(&b, "pantau_rrd_creates_total", "counter",
	          "RRD files created.", STATS_GET(rrd_creates));
	stats_one(&b, "pantau_rrd_errors_total", "counter",
	          "Samples that could not be written.", STATS_GET(rrd_errors));
	stats_one(&b, "pantau_db_errors_total", "counter",
	          "Failed database writes.", STATS_GET(db_errors));
	stats_one(&b, "pantau_disk_full", "gauge",
	          "1 while the data directory is full (MQTT paused).",
	          STATS_GET(disk_full));
	stats_one(&b, "pantau_disk_full_hits_total", "counter",
	          "Writes refused for want of space in the data directory.",
	          STATS_GET(disk_full_hits));
	stats_one(&b, "pantau_write_queue_depth", "gauge",
	          "Samples waiting for the RRD writer.",
	          STATS_GET(queue_depth));
	stats_one(&b, "pantau_write_queue_max", "gauge",
	          "Highest write queue depth since start.",
	          STATS_GET(queue_max));

	sum = STATS_GET(ingest_latency_us_sum);
	n = STATS_GET(ingest_latency_count);
	stats_printf(&b,
	             "# HELP pantau_ingest_latency_seconds From receipt "
	             "of a metrics message to its samples written.\n"
	             "# TYPE pantau_ingest_latency_seconds summary\n"
	             "pantau_ingest_latency_seconds_sum %.6f\n"
	             "pantau_ingest_latency_seconds_count %llu\n",
	             (double)sum / 1e6, (unsigned long long)n);

	stats_one(&b, "pantau_mqtt_connected", "gauge",
	          "1 while connected to the broker.",
	          STATS_GET(mqtt_connected));
	stats_one(&b, "pantau_mqtt_reconnects_total", "counter",
	          "Connections to the broker lost.",
	          STATS_GET(mqtt_reconnects));
	stats_one(&b, "pantau_notify_sent_total", "counter",
	          "Notifications delivered.", STATS_GET(notify_sent));
	stats_one(&b, "pantau_notify_failed_total", "counter",
	          "Notification delivery attempts that failed (retried).",
	          STATS_GET(notify_failed));
	stats_one(&b, "pantau_notify_dropped_total", "counter",
	          "Notifications given up (queue full, too old, refused).",
	          STATS_GET(notify_dropped));
	stats_printf(&b,
	             "# HELP pantau_start_time_seconds Start time of the "
	             "collector.\n# TYPE pantau_start_time_seconds gauge\n"
	             "pantau_start_time_seconds %lld\n",
	             (long long)atomic_load_explicit(&stats.start_time,
	                                             memory_order_relaxed));

	if (b.failed) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

int
stats_write_file(const char *path)
{
	char *text, tmp[4096];
	size_t len, off = 0;
	ssize_t r;
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -1;
	if ((text = stats_prometheus()) == NULL)
		return -1;
	len = strlen(text);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) <
	    0)
		goto fail;
	while (off < len && (r = write(fd, text + off, len - off)) > 0)
		off += (size_t)r;
	if (close(fd) != 0 || off != len || rename(tmp, path) != 0) {
		unlink(tmp);
		goto fail;
	}
	free(text);
	return 0;

fail:
	log_err("cannot write %s: %s", path, strerror(errno));
	free(text);
	return -1;
}
