/*
 * pjlink-poll-tool: runs the PJLink poller (agent/poll.h) against the given
 * projectors and prints what each round would publish, for the integration
 * tests (until the agent's core runs the poller, and after, to test it
 * without a broker).
 *
 *   pjlink-poll-tool [-r ROUNDS] [-t SECONDS] [-v]
 * NAME,ADDRESS,INTERVAL[,PASSWORD]...
 *
 * ADDRESS is host, host:port or [v6]:port.  Per finished round it prints,
 * on stdout and flushed:
 *
 *   round NAME N state=online|unreachable changed=0|1
 *   ts NAME TS                    (when it answered)
 *   gauge NAME METRIC VALUE
 *   counter NAME METRIC VALUE
 *   event NAME CODE SEVERITY raised|cleared TEXT
 *   inventory NAME JSON
 *
 * and exits 0 once every projector had ROUNDS rounds (default 1), or 1
 * after SECONDS (default 60).  The poller's log goes to stderr (-v: debug).
 * Usage errors exit 2.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/poll.h"
#include "common/log.h"
#include "common/timeutil.h"

struct tool {
	struct agent_device *devs;
	unsigned *rounds;
	size_t n;
	unsigned want;
};

static void
usage(void)
{
	fprintf(stderr, "usage: pjlink-poll-tool [-r ROUNDS] [-t SECONDS] [-v] "
	                "NAME,ADDRESS,INTERVAL[,PASSWORD]...\n");
	exit(2);
}

/* host, host:port or [v6]:port into d->host and d->port. */
static int
parse_address(const char *a, struct agent_device *d)
{
	const char *colon, *end;
	char *p;

	if (a[0] == '[') {
		if ((end = strchr(a, ']')) == NULL)
			return -1;
		d->host = strndup(a + 1, (size_t)(end - a - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
	} else {
		colon = strrchr(a, ':');
		d->host = colon ? strndup(a, (size_t)(colon - a)) : strdup(a);
	}
	if (d->host == NULL)
		return -1;
	if (colon != NULL) {
		unsigned long port = strtoul(colon + 1, &p, 10);

		if (*p != '\0' || port < 1 || port > 65535)
			return -1;
		d->port = (unsigned)port;
	}
	return 0;
}

static int
parse_device(char *spec, struct agent_device *d)
{
	char *name, *addr, *iv, *pw, *end;
	unsigned long interval;

	name = strsep(&spec, ",");
	addr = strsep(&spec, ",");
	iv = strsep(&spec, ",");
	pw = spec;
	if (name == NULL || addr == NULL || iv == NULL ||
	    strlen(name) > NAME_ID_MAX)
		return -1;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->type = DEV_PROJECTOR;
	interval = strtoul(iv, &end, 10);
	if (*end != '\0' || interval < 1 || interval > 86400)
		return -1;
	d->interval = (unsigned)interval;
	if (pw != NULL && (d->pjlink_password = strdup(pw)) == NULL)
		return -1;
	return parse_address(addr, d);
}

static void
print_samples(const char *dev, const char *kind, const struct wire_sample *s,
              size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%s %s %s %.15g\n", kind, dev, s[i].name, s[i].value);
}

static void
on_result(void *arg, const struct poll_result *r)
{
	struct tool *t = arg;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->devs[i].name, r->device) == 0)
			break;
	if (i == t->n)
		return;
	t->rounds[i]++;
	printf("round %s %u state=%s changed=%d\n", r->device, t->rounds[i],
	       wire_state_name(r->state), r->state_changed);
	if (r->metrics != NULL)
		printf("ts %s %lld\n", r->device, (long long)r->metrics->ts);
	if (r->metrics != NULL) {
		print_samples(r->device, "gauge", r->metrics->gauges,
		              r->metrics->ngauges);
		print_samples(r->device, "counter", r->metrics->counters,
		              r->metrics->ncounters);
	}
	for (size_t k = 0; k < r->nevents; k++)
		printf("event %s %s %s %s %s\n", r->device, r->events[k].code,
		       wire_severity_name(r->events[k].severity),
		       wire_evstate_name(r->events[k].state),
		       r->events[k].text);
	if (r->inventory != NULL)
		printf("inventory %s %s\n", r->device, r->inventory);
	fflush(stdout);
}

static bool
all_done(const struct tool *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->rounds[i] < t->want)
			return false;
	return true;
}

int
main(int argc, char **argv)
{
	struct tool t = {.want = 1};
	struct pjlink_poller *p;
	unsigned long secs = 60;
	int64_t end;
	int c, verbose = 0, rc = 1;

	while ((c = getopt(argc, argv, "r:t:v")) != -1) {
		switch (c) {
		case 'r':
			t.want = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 't':
			secs = strtoul(optarg, NULL, 10);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind == argc || t.want == 0)
		usage();
	log_init("pjlink-poll-tool", 1, verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	log_set_repeat_window(0);
	t.n = (size_t)(argc - optind);
	t.devs = calloc(t.n, sizeof(*t.devs));
	t.rounds = calloc(t.n, sizeof(*t.rounds));
	if (t.devs == NULL || t.rounds == NULL)
		return 1;
	for (size_t i = 0; i < t.n; i++)
		if (parse_device(argv[optind + (int)i], &t.devs[i]) != 0) {
			fprintf(stderr, "pjlink-poll-tool: bad device '%s'\n",
			        argv[optind + (int)i]);
			usage();
		}
	if ((p = pjlink_poller_new(t.devs, t.n)) == NULL) {
		fprintf(stderr, "pjlink-poll-tool: %s\n", strerror(errno));
		return 1;
	}
	end = time_mono_ms() + (int64_t)secs * 1000;
	while (time_mono_ms() < end) {
		struct pollfd pfd = {.fd = pjlink_poller_fd(p),
		                     .events = POLLIN};

		pjlink_poller_tick(p, time_now());
		if (poll(&pfd, 1, 200) > 0)
			pjlink_poller_collect(p, on_result, &t);
		if (all_done(&t)) {
			rc = 0;
			break;
		}
	}
	if (rc != 0)
		fprintf(stderr, "pjlink-poll-tool: timed out\n");
	pjlink_poller_free(p);
	for (size_t i = 0; i < t.n; i++) {
		free(t.devs[i].host);
		free(t.devs[i].pjlink_password);
	}
	free(t.devs);
	free(t.rounds);
	return rc;
}
