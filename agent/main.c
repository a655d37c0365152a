/*
 * main.c: pantau-agent, the program.
 *
 * Wires the parts of agent.h together around one poll() loop: a signalfd
 * (SIGHUP reloads, SIGTERM and SIGINT stop), the MQTT socket, and the round
 * timer.  Each round samples the PC, appends the metrics (and the inventory
 * when it changed) to the spool and syncs it; publish.c drains the spool
 * whenever the broker is reachable.  --stdout bypasses spool and broker and
 * prints TOPIC<TAB>PAYLOAD lines instead; --once does a single round.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/pc.h"
#include "common/timeutil.h"

#define AGENT_ONCE_TIMEOUT 30000 /* ms --once waits for the broker */
#define AGENT_SHUTDOWN_WAIT 3000 /* ms for the offline status */
#define AGENT_EV_OVERFLOW "agent.spool_overflow"
#define AGENT_INV_EVERY 300 /* s between checks of the inventory */

struct agent {
	struct agent_config *cfg;
	const char *cfg_path;
	const char *root;
	bool once;
	bool to_stdout;

	struct pc *pc;
	struct spool *sp;
	struct publish *pub;
	struct sched sched;
	int sigfd;

	char t_metrics[WIRE_TOPIC_MAX];
	char t_inventory[WIRE_TOPIC_MAX];
	char t_events[WIRE_TOPIC_MAX];
	char *inventory;    /* last sent, with ts 0 */
	char hostname[256]; /* under --root; "" for gethostname() */
	uint64_t stdout_seq;
	int64_t inv_checked; /* ts of the last inventory check */
	uint64_t dropped_seen;
	bool overflow_raised;
	bool overflow_logged;
	bool stop;
};

static void
agent_usage(FILE *f)
{
	fprintf(f,
	        "usage: pantau-agent [-dn] [-c FILE] [--once] [--stdout] "
	        "[--root DIR]\n"
	        "  -c FILE     configuration (default %s)\n"
	        "  -n          check the configuration and exit\n"
	        "  -d          stay in the foreground and log to stderr\n"
	        "  --once      one sampling round, publish it, exit\n"
	        "  --stdout    print TOPIC<TAB>PAYLOAD lines instead of "
	        "publishing\n"
	        "  --root DIR  read /proc, /sys and /etc under DIR\n"
	        "  --help, --version\n",
	        CONFIG_DEFAULT_PATH);
}

static int
agent_topics(struct agent *a)
{
	const struct agent_config *c = a->cfg;

	if (wire_topic(a->t_metrics, sizeof(a->t_metrics), c->site, c->device,
	               WIRE_CH_METRICS) != 0 ||
	    wire_topic(a->t_inventory, sizeof(a->t_inventory), c->site,
	               c->device, WIRE_CH_INVENTORY) != 0 ||
	    wire_topic(a->t_events, sizeof(a->t_events), c->site, c->device,
	               WIRE_CH_EVENTS) != 0)
		return -1;
	return 0;
}

/*
 * The host name that device defaults to: this machine's, or with --root
 * the captured tree's (proc/sys/kernel/hostname, else etc/hostname), so a
 * fixture tree speaks for the machine it was captured on.
 */
static const char *
agent_hostname(struct agent *a)
{
	static const char *const files[] = {"proc/sys/kernel/hostname",
	                                    "etc/hostname"};
	char path[4096];
	FILE *f;
	size_t i;

	if (strcmp(a->root, "/") == 0)
		return NULL;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", a->root, files[i]);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		if (fgets(a->hostname, sizeof(a->hostname), f) == NULL)
			a->hostname[0] = '\0';
		fclose(f);
		a->hostname[strcspn(a->hostname, "\r\n")] = '\0';
		if (a->hostname[0] != '\0')
			return a->hostname;
	}
	return NULL;
}

/* One outgoing message: into the spool, or onto stdout. */
static void
agent_emit(struct agent *a, const char *topic, const char *payload, size_t len,
           bool retain, int64_t ts, uint64_t seq)
{
	if (a->to_stdout) {
		printf("%s\t%.*s\n", topic, (int)len, payload);
		/* Nobody reads any more (a closed pipe): stop, like cat. */
		if (fflush(stdout) != 0 && errno == EPIPE)
			a->stop = true;
		return;
	}
	if (spool_append(a->sp, topic, payload, len, retain, ts, seq) != 0)
		log_err("spool: cannot append to %s: %s", a->cfg->spool_dir,
		        strerror(errno));
}

static void
agent_event(struct agent *a, int64_t ts, enum wire_severity sev,
            enum wire_evstate state, const char *text)
{
	struct wire_event ev;
	char *payload;
	size_t len;

	memset(&ev, 0, sizeof(ev));
	ev.ts = ts;
	snprintf(ev.code, sizeof(ev.code), "%s", AGENT_EV_OVERFLOW);
	ev.severity = sev;
	ev.state = state;
	snprintf(ev.text, sizeof(ev.text), "%s", text);
	if ((payload = wire_event_encode(&ev, &len)) == NULL) {
		log_err("cannot encode an event: %s", strerror(errno));
		return;
	}
	agent_emit(a, a->t_events, payload, len, false, ts, 0);
	free(payload);
}

/*
 * Publishes the inventory when it changed (or always with 'force', at
 * connect).  Texts are compared as generated with ts 0, so the time stamp
 * alone is not a change.
 */
static void
agent_inventory(struct agent *a, int64_t ts, bool force)
{
	char *cmp, *inv;

	if ((cmp = pc_inventory(a->pc, 0)) == NULL) {
		log_err("cannot build the inventory: %s", strerror(errno));
		return;
	}
	if (!force && a->inventory != NULL && strcmp(cmp, a->inventory) == 0) {
		free(cmp);
		return;
	}
	free(a->inventory);
	a->inventory = cmp;
	if ((inv = pc_inventory(a->pc, ts)) == NULL) {
		log_err("cannot build the inventory: %s", strerror(errno));
		return;
	}
	agent_emit(a, a->t_inventory, inv, strlen(inv), true, ts, 0);
	free(inv);
}

/*
 * Reports what the spool's bound dropped, as an event.  While the broker is
 * away the event waits (it would be the next thing dropped in a long
 * outage); it is spooled right after the next connect, so it reaches the
 * collector with the surviving backlog and says how much went missing.
 * Cleared once the backlog is down to a quarter of the bound.
 */
static void
agent_overflow(struct agent *a, int64_t ts)
{
	uint64_t d = spool_dropped(a->sp), pending;
	char text[160];

	if (d > a->dropped_seen) {
		if (!a->overflow_logged) {
			log_warn("spool full (%" PRIu64 " bytes): dropping the "
			         "oldest messages",
			         a->cfg->spool_max);
			a->overflow_logged = true;
		}
		if (!publish_connected(a->pub))
			return;
		snprintf(text, sizeof(text),
		         "spool full (%" PRIu64 " bytes): "
		         "dropped the %" PRIu64 " oldest messages, %" PRIu64
		         " in total",
		         a->cfg->spool_max, d - a->dropped_seen, d);
		log_warn("%s", text);
		a->dropped_seen = d;
		a->overflow_raised = true;
		a->overflow_logged = false;
		agent_event(a, ts, WIRE_SEV_WARNING, WIRE_EV_RAISED, text);
		return;
	}
	pending = spool_pending_bytes(a->sp);
	if (a->overflow_raised && pending < a->cfg->spool_max / 4) {
		snprintf(text, sizeof(text), "spool back to %" PRIu64 " bytes",
		         pending);
		a->overflow_raised = false;
		agent_event(a, ts, WIRE_SEV_INFO, WIRE_EV_CLEARED, text);
	}
}

static void
agent_round(struct agent *a, int64_t ts)
{
	struct wire_metrics m;
	uint64_t seq;
	char *payload;
	size_t len;

	memset(&m, 0, sizeof(m));
	m.ts = ts;
	m.type = DEV_PC;
	m.interval = a->cfg->interval;
	if (pc_sample(a->pc, ts, &m) != 0)
		log_err("sampling: %s", strerror(errno));
	if (!a->to_stdout) {
		/* The agent's own health rides along with the PC's. */
		wire_metrics_add(&m, 1, "agent.spool.dropped",
		                 (double)spool_dropped(a->sp));
		wire_metrics_add(&m, 0, "agent.spool.bytes",
		                 (double)spool_pending_bytes(a->sp));
		if (spool_seq_next(a->sp, a->t_metrics, &seq) != 0)
			seq = 0;
	} else {
		seq = ++a->stdout_seq;
	}
	m.seq = seq;
	if ((payload = wire_metrics_encode(&m, &len)) != NULL) {
		agent_emit(a, a->t_metrics, payload, len, false, ts, seq);
		free(payload);
	} else {
		log_err("cannot encode the metrics: %s", strerror(errno));
	}
	wire_metrics_clear(&m);

	/*
	 * Building the inventory costs about a fifth of a round, and what it
	 * describes (hardware, OS, labels) changes rarely: look every five
	 * minutes, or every round when rounds are further apart.
	 */
	if (a->inventory == NULL || ts - a->inv_checked >= AGENT_INV_EVERY ||
	    ts < a->inv_checked) {
		agent_inventory(a, ts, false);
		a->inv_checked = ts;
	}
	if (!a->to_stdout) {
		agent_overflow(a, ts);
		if (spool_sync(a->sp) != 0)
			log_err("spool: cannot sync %s: %s", a->cfg->spool_dir,
			        strerror(errno));
	}
}

/* publish.c calls this after each connect: a retained inventory. */
static void
agent_online(void *arg)
{
	struct agent *a = arg;
	int64_t now = time_now();

	agent_inventory(a, now, true);
	agent_overflow(a, now);
	if (spool_sync(a->sp) != 0)
		log_err("spool: cannot sync %s: %s", a->cfg->spool_dir,
		        strerror(errno));
}

static struct pc *
agent_pc_new(struct agent *a)
{
	struct pc_options o = {
	    .root = a->root,
	    .smartctl = a->cfg->smartctl,
	    .smart_interval = a->cfg->smart_interval,
	    .smart_timeout = a->cfg->smart_timeout,
	};
	struct wire_metrics prime;
	struct pc *pc;

	if ((pc = pc_new(&o)) == NULL)
		return NULL;
	/* A first reading, so that the first round already has rates. */
	memset(&prime, 0, sizeof(prime));
	pc_sample(pc, time_now(), &prime);
	wire_metrics_clear(&prime);
	return pc;
}

static bool
agent_same(const char *x, const char *y)
{
	if (x == NULL || y == NULL)
		return x == y;
	return strcmp(x, y) == 0;
}

/* SIGHUP: the same validation as -n; a bad file changes nothing. */
static void
agent_reload(struct agent *a)
{
	struct agent_config *n, *o = a->cfg;
	struct conf_err errs = {0};
	struct pc *pc;
	size_t i;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		log_err("reload: out of memory");
		return;
	}
	if (config_load(a->cfg_path, agent_hostname(a), n, &errs) != 0) {
		for (i = 0; conf_err_get(&errs, i) != NULL; i++)
			log_err("%s", conf_err_get(&errs, i));
		log_err("reload refused; the running configuration is kept");
		conf_err_clear(&errs);
		free(n);
		return;
	}
	conf_err_clear(&errs);
	if (!agent_same(n->spool_dir, o->spool_dir)) {
		log_warn("reload: a new spool_dir takes a restart; still "
		         "using %s",
		         o->spool_dir);
		free(n->spool_dir);
		n->spool_dir = o->spool_dir;
		o->spool_dir = NULL;
	}
	log_set_level(n->log_level);
	if (!agent_same(n->smartctl, o->smartctl) ||
	    n->smart_interval != o->smart_interval ||
	    n->smart_timeout != o->smart_timeout) {
		a->cfg = n;
		if ((pc = agent_pc_new(a)) != NULL) {
			pc_free(a->pc);
			a->pc = pc;
		} else {
			log_err("reload: cannot restart the samplers: %s",
			        strerror(errno));
		}
	}
	a->cfg = n;
	if (!a->to_stdout) {
		spool_set_max(a->sp, n->spool_max);
		publish_reconfigure(a->pub, n);
	}
	if (n->interval != o->interval)
		sched_init(&a->sched, n->interval, time_now_ms(),
		           time_mono_ms());
	if (strcmp(n->site, o->site) != 0 ||
	    strcmp(n->device, o->device) != 0) {
		agent_topics(a);
		free(a->inventory);
		a->inventory = NULL;
	}
	config_clear(o);
	free(o);
	log_info("configuration reloaded from %s", a->cfg_path);
}

static void
agent_signal(struct agent *a)
{
	struct signalfd_siginfo si;

	while (read(a->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			agent_reload(a);
		else
			a->stop = true;
	}
}

static int
agent_signals(struct agent *a)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	a->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return a->sigfd < 0 ? -1 : 0;
}

/* The loop; returns the exit status. */
static int
agent_run(struct agent *a)
{
	struct pollfd pfd[2];
	int64_t now, t, ts, once_end = 0;
	bool have_sock, rounded = false;
	int n;

	sched_init(&a->sched, a->cfg->interval, time_now_ms(), time_mono_ms());
	if (a->once) {
		/* Give rates one second between the priming read and now. */
		sleep(1);
		agent_round(a, time_align(time_now(), a->cfg->interval));
		if (a->to_stdout)
			return 0;
		rounded = true;
		once_end = time_mono_ms() + AGENT_ONCE_TIMEOUT;
	}
	while (!a->stop) {
		now = time_mono_ms();
		if (a->once && spool_pending_bytes(a->sp) == 0 &&
		    publish_connected(a->pub))
			break;
		if (a->once && now >= once_end) {
			log_err("--once: the broker did not take everything in "
			        "%d s; the rest stays spooled",
			        AGENT_ONCE_TIMEOUT / 1000);
			return 1;
		}
		t = a->once ? 1000 : sched_timeout(&a->sched, now);
		pfd[0].fd = a->sigfd;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		n = 1;
		have_sock = false;
		if (a->pub != NULL) {
			if (publish_timeout(a->pub, now) < t)
				t = publish_timeout(a->pub, now);
			have_sock = publish_pollfd(a->pub, &pfd[1]) == 1;
			n += have_sock;
		}
		if (poll(pfd, (nfds_t)n, (int)t) < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			return 1;
		}
		if (pfd[0].revents & POLLIN)
			agent_signal(a);
		now = time_mono_ms();
		if (!rounded && sched_due(&a->sched, time_now_ms(), now, &ts))
			agent_round(a, ts);
		if (a->pub != NULL)
			publish_service(a->pub, have_sock ? pfd[1].revents : 0,
			                now);
	}
	return 0;
}

static int
agent_check(struct agent *a)
{
	struct agent_config cfg;
	struct conf_err errs = {0};

	if (config_load(a->cfg_path, agent_hostname(a), &cfg, &errs) != 0) {
		conf_err_print(&errs, stderr);
		conf_err_clear(&errs);
		return 1;
	}
	config_clear(&cfg);
	printf("configuration OK\n");
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"once", no_argument, NULL, 'o'},
	    {"stdout", no_argument, NULL, 's'},
	    {"root", required_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0}};
	struct agent a = {
	    .cfg_path = CONFIG_DEFAULT_PATH, .root = "/", .sigfd = -1};
	struct conf_err errs = {0};
	bool check = false, foreground = false;
	size_t i;
	int ch, status;

	while ((ch = getopt_long(argc, argv, "c:dnh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			a.cfg_path = optarg;
			break;
		case 'd':
			foreground = true;
			break;
		case 'n':
			check = true;
			break;
		case 'o':
			a.once = true;
			break;
		case 's':
			a.to_stdout = true;
			break;
		case 'r':
			a.root = optarg;
			break;
		case 'h':
			agent_usage(stdout);
			return 0;
		case 'V':
			printf("pantau-agent %s\n", PACKAGE_VERSION);
			return 0;
		default:
			agent_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		agent_usage(stderr);
		return 2;
	}
	if (check)
		return agent_check(&a);

	log_init("pantau-agent", foreground || a.once || a.to_stdout,
	         LOG_LVL_INFO);
	if ((a.cfg = calloc(1, sizeof(*a.cfg))) == NULL)
		fatal("out of memory");
	if (config_load(a.cfg_path, agent_hostname(&a), a.cfg, &errs) != 0) {
		for (i = 0; conf_err_get(&errs, i) != NULL; i++)
			log_err("%s", conf_err_get(&errs, i));
		fatal("%s: configuration refused", a.cfg_path);
	}
	log_set_level(a.cfg->log_level);
	srandom((unsigned)(time_now_ms() ^ getpid()));
	if (agent_topics(&a) != 0 || agent_signals(&a) != 0)
		fatal("start-up: %s", strerror(errno));
	if ((a.pc = agent_pc_new(&a)) == NULL)
		fatal("cannot start the samplers: %s", strerror(errno));
	if (!a.to_stdout) {
		if ((a.sp = spool_open(a.cfg->spool_dir, a.cfg->spool_max,
		                       20)) == NULL)
			fatal("cannot open the spool %s: %s", a.cfg->spool_dir,
			      strerror(errno));
		a.dropped_seen = spool_dropped(a.sp);
		if ((a.pub = publish_new(a.cfg, a.sp, agent_online, &a)) ==
		    NULL)
			fatal("out of memory");
	}
	log_info("started: site %s, device %s, every %u s%s", a.cfg->site,
	         a.cfg->device, a.cfg->interval,
	         a.to_stdout ? ", to stdout" : "");

	status = agent_run(&a);

	if (a.sp != NULL && spool_sync(a.sp) != 0)
		log_err("spool: cannot sync %s: %s", a.cfg->spool_dir,
		        strerror(errno));
	if (a.pub != NULL)
		publish_shutdown(a.pub, AGENT_SHUTDOWN_WAIT);
	publish_free(a.pub);
	spool_close(a.sp);
	pc_free(a.pc);
	free(a.inventory);
	config_clear(a.cfg);
	free(a.cfg);
	if (a.sigfd >= 0)
		close(a.sigfd);
	log_info("stopped");
	log_flush_repeats();
	return status;
}
