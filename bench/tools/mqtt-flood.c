/*
 * mqtt-flood.c: the publisher of the ingest benchmark (bench/20-ingest.sh).
 *
 * Sends rounds of samples for devices x gauges series (series.h) to a
 * broker on loopback at QoS 1, as fast as the broker takes them, in one of
 * two formats:
 *
 *   pantau    one metrics message per device and round on
 *             pantau/v1/bench/<device>/metrics, built with common/wire.h
 *             exactly as an agent builds it (DESIGN.md section 5);
 *   collectd  one message per sample, the format collectd's mqtt plugin
 *             subscribes to: collectd/<device>/bench/gauge-<metric> with
 *             the payload "TIME:VALUE".
 *
 * It returns when the broker acknowledged every message (PUBACK), so the
 * caller knows that nothing is left in this process.  Rounds are stamped
 * t0 + round * step, not by the clock: the benchmark replays hours of
 * samples in seconds.
 *
 *   mqtt-flood -p PORT -f pantau|collectd -t T0 [-d DEVICES] [-m METRICS]
 *              [-r FIRST] [-R LAST] [-i CLIENT_ID] [-q QOS]
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mosquitto.h>

#include "bench/tools/series.h"
#include "common/wire.h"

enum flood_format { FLOOD_PANTAU, FLOOD_COLLECTD };

struct flood {
	const char *host;
	int port;
	enum flood_format format;
	unsigned devices;
	unsigned metrics;
	unsigned first;
	unsigned last;
	int64_t t0;
	int qos;
	const char *client_id;
	atomic_ulong acked;
	atomic_int connected; /* 0 waiting, 1 ok, -1 refused */
};

static double
flood_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
flood_on_connect(struct mosquitto *m, void *arg, int rc)
{
	struct flood *f = arg;

	(void)m;
	atomic_store(&f->connected, rc == 0 ? 1 : -1);
}

static void
flood_on_publish(struct mosquitto *m, void *arg, int mid)
{
	struct flood *f = arg;

	(void)m;
	(void)mid;
	atomic_fetch_add(&f->acked, 1);
}

static int
flood_publish(struct mosquitto *m, const struct flood *f, const char *topic,
              const void *payload, size_t len)
{
	int r;

	for (;;) {
		r = mosquitto_publish(m, NULL, topic, (int)len, payload, f->qos,
		                      false);
		if (r == MOSQ_ERR_SUCCESS)
			return 0;
		if (r != MOSQ_ERR_NOMEM && r != MOSQ_ERR_OVERSIZE_PACKET) {
			fprintf(stderr, "mqtt-flood: publish %s: %s\n", topic,
			        mosquitto_strerror(r));
			return -1;
		}
		usleep(1000);
	}
}

/* One pantau metrics message per device: what an agent sends. */
static int
flood_round_pantau(struct mosquitto *m, const struct flood *f, unsigned r,
                   unsigned long *sent)
{
	struct wire_metrics wm;
	char topic[WIRE_TOPIC_MAX], dev[32], name[32];
	char *payload;
	size_t len;
	unsigned d, k;
	int rc;

	for (d = 0; d < f->devices; d++) {
		memset(&wm, 0, sizeof(wm));
		wm.ts = series_ts(f->t0, r);
		wm.seq = r + 1;
		wm.type = DEV_PC;
		wm.interval = SERIES_STEP;
		snprintf(dev, sizeof(dev), SERIES_DEVICE_FMT, d);
		for (k = 0; k < f->metrics; k++) {
			snprintf(name, sizeof(name), SERIES_METRIC_FMT, k);
			if (wire_metrics_add(&wm, 0, name,
			                     series_value(d, k, r)) != 0) {
				fprintf(stderr, "mqtt-flood: %s: %s\n", name,
				        strerror(errno));
				wire_metrics_clear(&wm);
				return -1;
			}
		}
		payload = wire_metrics_encode(&wm, &len);
		wire_metrics_clear(&wm);
		if (payload == NULL ||
		    wire_topic(topic, sizeof(topic), SERIES_SITE, dev,
		               WIRE_CH_METRICS) != 0) {
			fprintf(stderr, "mqtt-flood: encode: %s\n",
			        strerror(errno));
			free(payload);
			return -1;
		}
		rc = flood_publish(m, f, topic, payload, len);
		free(payload);
		if (rc != 0)
			return -1;
		(*sent)++;
	}
	return 0;
}

/* One message per sample: collectd's mqtt plugin format. */
static int
flood_round_collectd(struct mosquitto *m, const struct flood *f, unsigned r,
                     unsigned long *sent)
{
	char topic[128], payload[64];
	unsigned d, k;
	int len;

	for (d = 0; d < f->devices; d++) {
		for (k = 0; k < f->metrics; k++) {
			snprintf(topic, sizeof(topic),
			         "collectd/" SERIES_DEVICE_FMT "/" SERIES_SITE
			         "/gauge-" SERIES_METRIC_FMT,
			         d, k);
			len = snprintf(payload, sizeof(payload),
			               "%" PRId64 ":%.17g", series_ts(f->t0, r),
			               series_value(d, k, r));
			if (flood_publish(m, f, topic, payload, (size_t)len) !=
			    0)
				return -1;
			(*sent)++;
		}
	}
	return 0;
}

static void
flood_usage(void)
{
	fprintf(stderr,
	        "usage: mqtt-flood -p PORT -f pantau|collectd -t T0 "
	        "[-d DEVICES] [-m METRICS] [-r FIRST] [-R LAST] [-i CLIENT_ID] "
	        "[-q QOS] [-H HOST]\n");
	exit(2);
}

static long
flood_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		flood_usage();
	return v;
}

int
main(int argc, char **argv)
{
	struct flood f = {
	    .host = "127.0.0.1",
	    .devices = 100,
	    .metrics = 100,
	    .qos = 1,
	    .client_id = "pantau-bench-flood",
	};
	struct mosquitto *m;
	unsigned long sent = 0;
	double start, deadline;
	unsigned r;
	int ch, rc, fmt = -1;

	while ((ch = getopt(argc, argv, "H:p:f:d:m:r:R:t:i:q:")) != -1) {
		switch (ch) {
		case 'H':
			f.host = optarg;
			break;
		case 'p':
			f.port = (int)flood_num(optarg, 1, 65535);
			break;
		case 'f':
			if (strcmp(optarg, "pantau") == 0)
				fmt = FLOOD_PANTAU;
			else if (strcmp(optarg, "collectd") == 0)
				fmt = FLOOD_COLLECTD;
			else
				flood_usage();
			break;
		case 'd':
			f.devices = (unsigned)flood_num(optarg, 1, 999);
			break;
		case 'm':
			f.metrics = (unsigned)flood_num(optarg, 1, 999);
			break;
		case 'r':
			f.first = (unsigned)flood_num(optarg, 0, 1000000);
			break;
		case 'R':
			f.last = (unsigned)flood_num(optarg, 0, 1000000);
			break;
		case 't':
			f.t0 = flood_num(optarg, 1, 4000000000L);
			break;
		case 'i':
			f.client_id = optarg;
			break;
		case 'q':
			f.qos = (int)flood_num(optarg, 0, 2);
			break;
		default:
			flood_usage();
		}
	}
	if (f.port == 0 || fmt < 0 || f.t0 == 0 || f.last < f.first)
		flood_usage();
	f.format = (enum flood_format)fmt;

	mosquitto_lib_init();
	if ((m = mosquitto_new(f.client_id, true, &f)) == NULL) {
		fprintf(stderr, "mqtt-flood: mosquitto_new: %s\n",
		        strerror(errno));
		return 1;
	}
	mosquitto_connect_callback_set(m, flood_on_connect);
	mosquitto_publish_callback_set(m, flood_on_publish);
	/* no limit on messages awaiting PUBACK: the broker sets the pace */
	mosquitto_max_inflight_messages_set(m, 0);
	if ((rc = mosquitto_connect(m, f.host, f.port, 60)) !=
	        MOSQ_ERR_SUCCESS ||
	    (rc = mosquitto_loop_start(m)) != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "mqtt-flood: connect %s:%d: %s\n", f.host,
		        f.port, mosquitto_strerror(rc));
		return 1;
	}
	deadline = flood_now() + 10;
	while (atomic_load(&f.connected) == 0 && flood_now() < deadline)
		usleep(1000);
	if (atomic_load(&f.connected) != 1) {
		fprintf(stderr, "mqtt-flood: not connected\n");
		return 1;
	}

	start = flood_now();
	for (r = f.first; r <= f.last; r++) {
		rc = f.format == FLOOD_PANTAU
		         ? flood_round_pantau(m, &f, r, &sent)
		         : flood_round_collectd(m, &f, r, &sent);
		if (rc != 0)
			return 1;
	}
	/* QoS 0 has no PUBACK: count what left instead */
	deadline = flood_now() + 300;
	while (f.qos > 0 && atomic_load(&f.acked) < sent &&
	       flood_now() < deadline)
		usleep(1000);
	if (f.qos > 0 && atomic_load(&f.acked) < sent) {
		fprintf(stderr, "mqtt-flood: only %lu of %lu acknowledged\n",
		        (unsigned long)atomic_load(&f.acked), sent);
		return 1;
	}
	printf("mqtt-flood: %lu messages, %lu samples, rounds %u..%u, "
	       "%.3f s\n",
	       sent,
	       (unsigned long)(f.last - f.first + 1) * f.devices * f.metrics,
	       f.first, f.last, flood_now() - start);

	mosquitto_disconnect(m);
	mosquitto_loop_stop(m, false);
	mosquitto_destroy(m);
	mosquitto_lib_cleanup();
	return 0;
}
