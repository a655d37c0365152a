/*
 * site-pub.c: the publishers of the province benchmark (bench/50-province.sh).
 *
 * Simulates SITES telecenters of DEVICES devices each, every device an
 * agent with its own MQTT connection to its site's broker, publishing one
 * pantau metrics message (METRICS gauges, built with common/wire.h as an
 * agent builds it) per round.  Unlike bench/tools/mqtt-flood, which sends
 * as fast as the broker takes, this paces the load like a real province:
 * a round every INTERVAL milliseconds, the devices spread evenly over the
 * interval (agents are not synchronised), so the rate is steady at
 * SITES x DEVICES x METRICS / INTERVAL samples a second.  Rounds are
 * stamped t0 + round x 60 s, so a real minute passes in INTERVAL ms:
 * the speed-up is 60000 / INTERVAL.
 *
 * Site s (s000, s001, ...) publishes to the broker on the port in line
 * s mod N of PORTS_FILE.  Every 100 ms a line "WALLTIME PUBLISHED ACKED"
 * (samples, cumulative) goes to LOG: bench/50-province.sh sets it against
 * the collector's samples_written over time for the latency percentiles.
 *
 *   site-pub -f PORTS_FILE -t T0 [-s SITES] [-d DEVICES] [-m METRICS]
 *            [-i INTERVAL_MS] [-r FIRST] [-R LAST] [-l LOG]
 *
 * One thread, one poll() loop over every connection; the client library
 * is driven by hand (mosquitto_loop_read/write/misc).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <mosquitto.h>

#include "common/wire.h"

#define PUB_STEP 60 /* seconds between the rounds' time stamps */
#define PUB_PORTS_MAX 4096

struct pub_client {
	struct mosquitto *m;
	char site[16];
	char device[16];
	unsigned long sent;  /* messages */
	unsigned long acked; /* PUBACKs */
};

struct pub {
	unsigned sites, devices, metrics;
	unsigned interval_ms;
	unsigned first, last;
	int64_t t0;
	int ports[PUB_PORTS_MAX];
	unsigned nports;
	struct pub_client *c;
	unsigned n; /* sites x devices */
};

static double
pub_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
pub_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
pub_on_publish(struct mosquitto *m, void *arg, int mid)
{
	struct pub_client *c = arg;

	(void)m;
	(void)mid;
	c->acked++;
}

static void
pub_usage(void)
{
	fprintf(stderr, "usage: site-pub -f PORTS_FILE -t T0 [-s SITES] "
	                "[-d DEVICES] [-m METRICS] [-i INTERVAL_MS] [-r FIRST] "
	                "[-R LAST] [-l LOG]\n");
	exit(2);
}

static long
pub_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		pub_usage();
	return v;
}

static int
pub_ports(struct pub *p, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[64];

	if (f == NULL) {
		fprintf(stderr, "site-pub: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL && p->nports < PUB_PORTS_MAX)
		if (atoi(line) > 0)
			p->ports[p->nports++] = atoi(line);
	fclose(f);
	return p->nports > 0 ? 0 : -1;
}

/* The value of gauge k of device j in round r: exact in "%.17g". */
static double
pub_value(unsigned j, unsigned k, unsigned r)
{
	return (double)((r * 7919u + j * 131u + k * 17u) % 100000u) + 0.25;
}

static int
pub_send(struct pub *p, struct pub_client *c, unsigned j, unsigned r)
{
	struct wire_metrics wm;
	char topic[WIRE_TOPIC_MAX], name[16];
	char *payload;
	size_t len;
	unsigned k;
	int rc;

	memset(&wm, 0, sizeof wm);
	wm.ts = p->t0 + (int64_t)r * PUB_STEP;
	wm.seq = r + 1;
	wm.type = DEV_PC;
	wm.interval = PUB_STEP;
	for (k = 0; k < p->metrics; k++) {
		snprintf(name, sizeof name, "g%02u", k);
		if (wire_metrics_add(&wm, 0, name, pub_value(j, k, r)) != 0) {
			wire_metrics_clear(&wm);
			return -1;
		}
	}
	payload = wire_metrics_encode(&wm, &len);
	wire_metrics_clear(&wm);
	if (payload == NULL || wire_topic(topic, sizeof topic, c->site,
	                                  c->device, WIRE_CH_METRICS) != 0) {
		free(payload);
		return -1;
	}
	rc = mosquitto_publish(c->m, NULL, topic, (int)len, payload, 1, false);
	free(payload);
	if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) {
		fprintf(stderr, "site-pub: %s: %s\n", topic,
		        mosquitto_strerror(rc));
		return -1;
	}
	c->sent++;
	return 0;
}

static int
pub_connect(struct pub *p)
{
	struct rlimit rl;
	char id[48];
	unsigned i, s;
	int rc;

	/* one socket per device: raise the soft limit to the hard one */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((p->c = calloc(p->n, sizeof *p->c)) == NULL)
		return -1;
	for (i = 0; i < p->n; i++) {
		struct pub_client *c = &p->c[i];

		s = i / p->devices;
		snprintf(c->site, sizeof c->site, "s%03u", s);
		snprintf(c->device, sizeof c->device, "dev%02u",
		         i % p->devices);
		snprintf(id, sizeof id, "bench-%s-%s", c->site, c->device);
		if ((c->m = mosquitto_new(id, true, c)) == NULL)
			return -1;
		mosquitto_publish_callback_set(c->m, pub_on_publish);
		mosquitto_max_inflight_messages_set(c->m, 0);
		rc = mosquitto_connect(c->m, "127.0.0.1",
		                       p->ports[s % p->nports], 60);
		if (rc != MOSQ_ERR_SUCCESS) {
			fprintf(stderr, "site-pub: connect %s to %d: %s\n", id,
			        p->ports[s % p->nports],
			        mosquitto_strerror(rc));
			return -1;
		}
	}
	return 0;
}

/* One pass over every socket: read, write what is pending, keepalive. */
static void
pub_io(struct pub *p, struct pollfd *fds, int timeout_ms, int misc)
{
	unsigned i;

	for (i = 0; i < p->n; i++) {
		fds[i].fd = mosquitto_socket(p->c[i].m);
		fds[i].events = POLLIN;
		if (mosquitto_want_write(p->c[i].m))
			fds[i].events |= POLLOUT;
		fds[i].revents = 0;
	}
	if (poll(fds, p->n, timeout_ms) < 0 && errno != EINTR)
		return;
	for (i = 0; i < p->n; i++) {
		struct mosquitto *m = p->c[i].m;

		if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
			mosquitto_loop_read(m, 1);
		if (fds[i].revents & POLLOUT)
			mosquitto_loop_write(m, 1);
		if (misc && mosquitto_loop_misc(m) == MOSQ_ERR_NO_CONN)
			mosquitto_reconnect(m);
	}
}

static unsigned long
pub_acked(const struct pub *p)
{
	unsigned long n = 0;
	unsigned i;

	for (i = 0; i < p->n; i++)
		n += p->c[i].acked;
	return n;
}

int
main(int argc, char **argv)
{
	struct pub p = {
	    .sites = 200,
	    .devices = 20,
	    .metrics = 25,
	    .interval_ms = 6000,
	    .first = 1,
	    .last = 10,
	};
	const char *ports = NULL, *logpath = NULL;
	struct pollfd *fds;
	FILE *log = NULL;
	unsigned long sent = 0, total, acked;
	double start, now, due, next_log, next_misc, lag = 0, deadline;
	unsigned long k, next; /* publish number: round-major, then device */
	int ch;

	while ((ch = getopt(argc, argv, "f:t:s:d:m:i:r:R:l:")) != -1) {
		switch (ch) {
		case 'f':
			ports = optarg;
			break;
		case 't':
			p.t0 = pub_num(optarg, 1, 4000000000L);
			break;
		case 's':
			p.sites = (unsigned)pub_num(optarg, 1, 1000);
			break;
		case 'd':
			p.devices = (unsigned)pub_num(optarg, 1, 100);
			break;
		case 'm':
			p.metrics = (unsigned)pub_num(optarg, 1, 99);
			break;
		case 'i':
			p.interval_ms = (unsigned)pub_num(optarg, 1, 3600000);
			break;
		case 'r':
			p.first = (unsigned)pub_num(optarg, 0, 1000000);
			break;
		case 'R':
			p.last = (unsigned)pub_num(optarg, 0, 1000000);
			break;
		case 'l':
			logpath = optarg;
			break;
		default:
			pub_usage();
		}
	}
	if (ports == NULL || p.t0 == 0 || p.last < p.first)
		pub_usage();
	if (pub_ports(&p, ports) != 0) {
		fprintf(stderr, "site-pub: no ports in %s\n", ports);
		return 1;
	}
	if (logpath != NULL && (log = fopen(logpath, "w")) == NULL) {
		fprintf(stderr, "site-pub: %s: %s\n", logpath, strerror(errno));
		return 1;
	}
	p.n = p.sites * p.devices;
	mosquitto_lib_init();
	if (pub_connect(&p) != 0 || (fds = calloc(p.n, sizeof *fds)) == NULL)
		return 1;
	/* the CONNACKs, before the clock starts */
	for (k = 0; k < 20; k++)
		pub_io(&p, fds, 10, 1);

	total = (unsigned long)(p.last - p.first + 1) * p.n;
	start = pub_mono();
	next_log = next_misc = 0;
	for (next = 0; next < total;) {
		now = pub_mono() - start;
		/* publish everything due: device j of round r at
		 * (r - first) x interval + j x interval / n */
		while (next < total) {
			due = (double)next * p.interval_ms / 1000.0 / p.n;
			if (due > now)
				break;
			if (now - due > lag)
				lag = now - due;
			if (pub_send(&p, &p.c[next % p.n],
			             (unsigned)(next % p.n),
			             p.first + (unsigned)(next / p.n)) != 0)
				return 1;
			next++;
			sent++;
		}
		if (log != NULL && now >= next_log) {
			fprintf(log, "%.3f %lu %lu\n", pub_wall(),
			        sent * p.metrics, pub_acked(&p) * p.metrics);
			next_log = now + 0.1;
		}
		pub_io(&p, fds, 2, now >= next_misc);
		if (now >= next_misc)
			next_misc = now + 1;
	}
	deadline = pub_mono() + 120;
	while (pub_acked(&p) < sent && pub_mono() < deadline)
		pub_io(&p, fds, 10, 1);
	if (log != NULL) {
		fprintf(log, "%.3f %lu %lu\n", pub_wall(), sent * p.metrics,
		        pub_acked(&p) * p.metrics);
		fclose(log);
	}
	printf("site-pub: %u connections, %lu messages, %lu samples, "
	       "rounds %u..%u, %.3f s, %.0f samples/s offered, "
	       "largest lag %.3f s, %lu acknowledged\n",
	       p.n, sent, sent * p.metrics, p.first, p.last, pub_mono() - start,
	       (double)p.n * p.metrics * 1000.0 / p.interval_ms, lag,
	       pub_acked(&p));
	acked = pub_acked(&p);
	for (k = 0; k < p.n; k++) {
		mosquitto_disconnect(p.c[k].m);
		mosquitto_destroy(p.c[k].m);
	}
	free(p.c);
	free(fds);
	mosquitto_lib_cleanup();
	return acked >= sent ? 0 : 1;
}
