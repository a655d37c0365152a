/*
 * snmp-poll-tool: runs the SNMP poller (agent/snmp_poll.c) over the
 * [device] sections of an agent configuration and prints every finished
 * round as lines, for the integration tests (tests/integration/5x-snmp-*)
 * and for trying a real device by hand:
 *
 *   snmp-poll-tool -c pantau-agent.conf [-c NEXT.conf...] [-r ROUNDS]
 *                  [-T SECONDS]
 *
 * Lines (one round of one device; values printed with %.15g):
 *   DEVICE round TS STATE changed=0|1
 *   DEVICE gauge NAME VALUE
 *   DEVICE counter NAME VALUE
 *   DEVICE event CODE SEVERITY raised|cleared TEXT
 *   DEVICE inventory JSON
 *   DEVICE end TS
 * It exits after every device delivered ROUNDS rounds (default: run until
 * -T seconds passed, default 30), or on SIGTERM/SIGINT.  With several -c
 * the configurations run one after the other in the same process, each
 * with a new poller, as the agent does on SIGHUP ("# reload FILE" lines
 * between them).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/poll.h"
#include "common/log.h"
#include "common/timeutil.h"

static volatile sig_atomic_t tool_stop;

struct tool {
	const struct agent_config *cfg;
	unsigned *rounds;
};

static void
tool_signal(int sig)
{
	(void)sig;
	tool_stop = 1;
}

static void
tool_result(void *arg, const struct poll_result *r)
{
	struct tool *t = arg;
	const struct wire_metrics *m = r->metrics;
	size_t i;

	printf("%s round %lld %s changed=%d\n", r->device,
	       m ? (long long)m->ts : (long long)time_now(),
	       wire_state_name(r->state), r->state_changed);
	if (m != NULL) {
		for (i = 0; i < m->ngauges; i++)
			printf("%s gauge %s %.15g\n", r->device,
			       m->gauges[i].name, m->gauges[i].value);
		for (i = 0; i < m->ncounters; i++)
			printf("%s counter %s %.15g\n", r->device,
			       m->counters[i].name, m->counters[i].value);
	}
	for (i = 0; i < r->nevents; i++)
		printf("%s event %s %s %s %s\n", r->device, r->events[i].code,
		       wire_severity_name(r->events[i].severity),
		       wire_evstate_name(r->events[i].state),
		       r->events[i].text);
	if (r->inventory != NULL)
		printf("%s inventory %s\n", r->device, r->inventory);
	printf("%s end\n", r->device);
	fflush(stdout);
	for (i = 0; i < t->cfg->ndevices; i++)
		if (strcmp(t->cfg->devices[i].name, r->device) == 0)
			t->rounds[i]++;
}

static bool
tool_done(const struct tool *t, unsigned want)
{
	size_t i;

	if (want == 0)
		return false;
	for (i = 0; i < t->cfg->ndevices; i++)
		if (t->cfg->devices[i].type != DEV_PROJECTOR &&
		    t->rounds[i] < want)
			return false;
	return true;
}

/* One configuration: its poller runs until the rounds or the time are up. */
static int
tool_run(const char *path, unsigned want, unsigned secs)
{
	struct agent_config cfg;
	struct conf_err errs = {0};
	struct snmp_poller *p;
	struct tool t;
	struct pollfd pfd;
	int64_t end;

	memset(&cfg, 0, sizeof(cfg));
	if (config_load(path, "snmp-poll-tool", &cfg, &errs) != 0) {
		conf_err_print(&errs, stderr);
		conf_err_clear(&errs);
		return 2;
	}
	conf_err_clear(&errs);
	if ((p = snmp_poller_new(cfg.devices, cfg.ndevices)) == NULL) {
		fprintf(stderr, "snmp_poller_new: %s\n", strerror(errno));
		config_clear(&cfg);
		return 1;
	}
	t.cfg = &cfg;
	t.rounds = calloc(cfg.ndevices + 1, sizeof(*t.rounds));
	end = time_mono_ms() + (int64_t)secs * 1000;
	while (t.rounds != NULL && !tool_stop && !tool_done(&t, want) &&
	       time_mono_ms() < end) {
		snmp_poller_tick(p, time_now());
		pfd.fd = snmp_poller_fd(p);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 100) > 0)
			snmp_poller_collect(p, tool_result, &t);
	}
	snmp_poller_free(p);
	free(t.rounds);
	config_clear(&cfg);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *paths[8];
	unsigned want = 0, secs = 30;
	size_t npaths = 0, i;
	bool debug = false;
	int c, rc = 0;

	while ((c = getopt(argc, argv, "c:r:T:d")) != -1) {
		switch (c) {
		case 'c':
			if (npaths == sizeof(paths) / sizeof(paths[0]))
				goto usage;
			paths[npaths++] = optarg;
			break;
		case 'r':
			want = (unsigned)atoi(optarg);
			break;
		case 'T':
			secs = (unsigned)atoi(optarg);
			break;
		case 'd':
			debug = true;
			break;
		default:
			goto usage;
		}
	}
	if (npaths == 0)
		goto usage;
	log_init("snmp-poll-tool", 1, debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	log_set_repeat_window(0);
	signal(SIGTERM, tool_signal);
	signal(SIGINT, tool_signal);
	/* Several -c: one after the other in this process, like a reload. */
	for (i = 0; i < npaths && rc == 0 && !tool_stop; i++) {
		if (i > 0) {
			printf("# reload %s\n", paths[i]);
			fflush(stdout);
		}
		rc = tool_run(paths[i], want, secs);
	}
	return rc;
usage:
	fprintf(stderr, "usage: snmp-poll-tool -c FILE [-c FILE...] "
	                "[-r ROUNDS] [-T SECONDS] [-d]\n");
	return 2;
}
