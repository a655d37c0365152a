/*
 * main.c: pantau-collector, the one writer of the RRD files and the
 * database of a site or a province (DESIGN.md sections 2, 7, 10).
 *
 * Start-up, signals and the event loop.  One poll() loop in this thread
 * drives the MQTT session (subscribe.c); received messages go through
 * ingest.c to the database (db.c), presence (presence.c) and the RRD write
 * queue, whose thread (writeq.c) does the disk work.  HTTP runs in
 * libmicrohttpd's thread (http.c).  Signals only set flags and write to a
 * pipe the loop polls: SIGHUP reloads the configuration through the same
 * validation as -n (a bad file is refused and the old one kept), SIGUSR1
 * writes the counters to DATA/pantau-collector.prom, SIGTERM and SIGINT
 * stop reading MQTT, drain the write queue, make rrdcached write its cache
 * and exit.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mosquitto.h>

#include "collector/alert.h"
#include "collector/asset.h"
#include "collector/collector.h"
#include "collector/cups_poll.h"
#include "collector/notify.h"
#include "collector/db.h"
#include "collector/diskfull.h"
#include "collector/http.h"
#include "collector/internet.h"
#include "collector/pm.h"
#include "collector/presence.h"
#include "collector/report.h"
#include "collector/site.h"
#include "collector/stats.h"
#include "common/timeutil.h"

#define MAIN_TICK_MS 1000

struct collector {
	struct collector_conf *cf;
	bool foreground;
	struct db *db;
	struct presence *presence;
	struct writeq *q;
	struct journal *journal;
	struct ingest *ingest;
	struct subscribe *sub;
	struct http *http;
	struct cups_poll *cups; /* NULL: no [cups] server */
	struct alert_engine *alerts;
	struct internet *inet; /* sites' internet links (internet.c) */
	struct notify *notify; /* NULL only if it could not start */
	char prom[PATH_MAX];
};

static volatile sig_atomic_t main_quit, main_reload, main_dump;
static void main_cups_start(struct collector *c, const struct cups_config *cfg);
static void main_notify_start(struct collector *c,
                              const struct notify_config *cfg);
static void main_internet_conf(struct collector *c,
                               const struct collector_conf *cf);
static int main_sigpipe[2] = {-1, -1};

static void
main_usage(FILE *f)
{
	fprintf(f,
	        "usage: pantau-collector [-dn] [-c FILE]\n"
	        "  -c FILE    configuration (default %s)\n"
	        "  -d         log to stderr instead of syslog\n"
	        "  -n         check the configuration and exit\n"
	        "  --help     this text\n"
	        "  --version  the version\n",
	        COLLECTOR_CONF_DEFAULT);
}

static void
main_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	switch (sig) {
	case SIGHUP:
		main_reload = 1;
		break;
	case SIGUSR1:
		main_dump = 1;
		break;
	default:
		main_quit = 1;
		break;
	}
	if (write(main_sigpipe[1], &c, 1) < 0) {
		/* the pipe is full: the loop wakes up anyway */
	}
	errno = saved;
}

static void
main_signals(void)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};
	struct sigaction sa;
	size_t i;

	if (pipe(main_sigpipe) != 0)
		fatal("pipe: %s", strerror(errno));
	for (i = 0; i < 2; i++) {
		fcntl(main_sigpipe[i], F_SETFL, O_NONBLOCK);
		fcntl(main_sigpipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = main_signal;
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static bool
main_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * SIGHUP.  The new file goes through config_load() like -n; only a file
 * without errors replaces the running one.  The MQTT session is always
 * remade, so a changed [mqtt] section or password file takes effect (the
 * broker keeps the persistent session across the reconnection, and what
 * was in flight is sent again); where data lives and how HTTP listens
 * need a restart, which is logged.
 */
static void
main_reload_conf(struct collector *c)
{
	struct conf_err errs = {0};
	struct collector_conf *ncf, *old = c->cf;
	struct subscribe *ns;
	size_t i;

	if ((ncf = config_load(old->path, &errs)) == NULL) {
		for (i = 0; conf_err_get(&errs, i) != NULL; i++)
			log_err("%s", conf_err_get(&errs, i));
		log_err("reload: configuration refused, keeping the running "
		        "one");
		conf_err_clear(&errs);
		return;
	}
	log_set_level(ncf->log_level);
	if (!main_streq(ncf->data_dir, old->data_dir) ||
	    !main_streq(ncf->rrd_cached, old->rrd_cached) ||
	    ncf->rrd_step != old->rrd_step ||
	    ncf->rrd_queue_max != old->rrd_queue_max ||
	    !main_streq(ncf->http_listen, old->http_listen) ||
	    !main_streq(ncf->http_tls_cert, old->http_tls_cert) ||
	    !main_streq(ncf->http_tls_key, old->http_tls_key))
		log_warn("reload: changes to [collector] data_dir, [rrd] and "
		         "[http] take effect at the next start");
	if ((ns = subscribe_new(ncf, ingest_message, c->ingest)) == NULL) {
		log_err("reload: cannot set up MQTT with the new "
		        "configuration, keeping the running one");
		config_free(ncf);
		return;
	}
	subscribe_free(c->sub);
	c->sub = ns;
	if (memcmp(&ncf->cups, &old->cups, sizeof(ncf->cups)) != 0)
		main_cups_start(c, &ncf->cups);
	if (!notify_config_equal(&ncf->notify, &old->notify))
		main_notify_start(c, &ncf->notify);
	alert_engine_set_rules(c->alerts, alert_rules_load(ncf->raw));
	main_internet_conf(c, ncf);
	c->cf = ncf;
	asset_lives_load(ncf->raw);
	site_sync(c->db, ncf->raw);
	config_free(old);
	log_info("reload: configuration %s loaded", ncf->path);
}

/*
 * (Re)starts the CUPS poller for 'cfg' (copied by the poller).  A failure
 * leaves print accounting off, logged: the rest of the collector runs.
 */
static void
main_cups_start(struct collector *c, const struct cups_config *cfg)
{
	char path[PATH_MAX], err[512];

	cups_poll_free(c->cups);
	c->cups = NULL;
	if (cfg->nservers == 0)
		return;
	snprintf(path, sizeof(path), "%s/pantau.db", c->cf->data_dir);
	if ((c->cups = cups_poll_new(cfg, path, err, sizeof(err))) == NULL)
		log_err("cups: print accounting off: %s", err);
}

/*
 * (Re)starts the notifier for 'cfg' (copied).  The old one writes what it
 * has not delivered to DATA/notify/ and the new one sends it.  A failure
 * (an unreadable password file) leaves notifications off, logged.
 */
static void
main_notify_start(struct collector *c, const struct notify_config *cfg)
{
	char err[512];

	notify_free(c->notify);
	if ((c->notify = notify_new(cfg, c->cf->data_dir, err, sizeof(err))) ==
	    NULL)
		log_err("notify: notifications off: %s", err);
}

/* The [internet] section in force (start and SIGHUP). */
static void
main_internet_conf(struct collector *c, const struct collector_conf *cf)
{
	struct internet_conf ic;

	internet_conf_load(cf->raw, &ic);
	internet_set_conf(c->inet, &ic);
}

/* The alert engine's announcements, to the notifier of the moment. */
static int
main_notify(void *arg, const struct notify_msg *m)
{
	struct collector *c = arg;

	return notify_submit(c->notify, m);
}

/* Back-pressure, or a full data directory (diskfull.c): stop reading. */
static bool
main_paused(void *arg)
{
	return writeq_full(arg) || diskfull_full();
}

/* A full data directory, or space back: an alert (diskfull.h). */
static void
main_diskfull(void *arg, const struct wire_event *ev)
{
	struct collector *c = arg;

	alert_engine_event(c->alerts, DISKFULL_SITE, DISKFULL_DEVICE, ev,
	                   ev->ts);
}

static void
main_loop(struct collector *c)
{
	struct pollfd pfd[4];
	int64_t next_tick = time_mono_ms() + MAIN_TICK_MS, now;
	int timeout;
	char buf[64];
	bool paused;

	while (!main_quit) {
		paused = main_paused(c->q);
		pfd[0].events = subscribe_events(c->sub, paused);
		/*
		 * Paused with nothing to write: leave the socket out, or a
		 * hang-up (reported whatever the events) would spin the loop.
		 */
		pfd[0].fd = pfd[0].events != 0 ? subscribe_fd(c->sub) : -1;
		pfd[1].fd = writeq_fd(c->q);
		pfd[1].events = POLLIN;
		pfd[2].fd = main_sigpipe[0];
		pfd[2].events = POLLIN;
		pfd[3].fd = c->cups != NULL ? cups_poll_fd(c->cups) : -1;
		pfd[3].events = POLLIN;
		pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
		pfd[3].revents = 0;

		now = time_mono_ms();
		timeout = next_tick > now ? (int)(next_tick - now) : 0;
		if (poll(pfd, 4, timeout) < 0 && errno != EINTR)
			fatal("poll: %s", strerror(errno));

		if (pfd[2].revents & POLLIN)
			while (read(main_sigpipe[0], buf, sizeof(buf)) > 0)
				;
		if (pfd[1].revents & POLLIN)
			writeq_clear_fd(c->q);
		if (subscribe_fd(c->sub) >= 0)
			subscribe_handle(c->sub, pfd[0].revents, main_paused,
			                 c->q);
		/* what the CUPS worker saw, as messages of the MQTT contract */
		if ((pfd[3].revents & POLLIN) && c->cups != NULL)
			cups_poll_take(c->cups, ingest_message, c->ingest);
		ingest_commit(c->ingest);
		journal_release(c->journal, writeq_done(c->q));

		if (main_reload) {
			main_reload = 0;
			main_reload_conf(c);
		}
		if (main_dump) {
			main_dump = 0;
			stats_write_file(c->prom);
		}
		if (time_mono_ms() >= next_tick) {
			next_tick = time_mono_ms() + MAIN_TICK_MS;
			subscribe_tick(c->sub);
			if (c->presence != NULL &&
			    presence_check(c->presence, time_now()) > 0)
				ingest_commit(c->ingest);
			alert_engine_tick(c->alerts, time_now());
			diskfull_tick(main_diskfull, c, time_now());
			/* last month's reports on the first (its own thread) */
			report_monthly_tick(c->cf->data_dir, time_now());
			ingest_commit(c->ingest);
			/* due maintenance plans open their tickets */
			pm_tick(c->db, time_now());
		}
	}
}

/* Opens everything in dependency order; any failure here is fatal. */
static void
main_start(struct collector *c)
{
	struct http_config hc;
	struct internet_conf ic;
	struct rrdstore *rs;
	char path[PATH_MAX], err[512];
	long n;

	if (mkdir(c->cf->data_dir, 0750) != 0 && errno != EEXIST)
		fatal("cannot create %s: %s", c->cf->data_dir, strerror(errno));
	diskfull_init(c->cf->data_dir);
	snprintf(c->prom, sizeof(c->prom), "%s/pantau-collector.prom",
	         c->cf->data_dir);

	snprintf(path, sizeof(path), "%s/pantau.db", c->cf->data_dir);
	if ((c->db = db_open(path, 0, err, sizeof(err))) == NULL)
		fatal("database %s: %s", path, err);
	if ((c->presence = presence_new(c->db)) == NULL)
		fatal("cannot load the device table");

	if ((rs = rrdstore_new(c->cf->data_dir, c->cf->rrd_cached,
	                       c->cf->rrd_step, err, sizeof(err))) == NULL)
		fatal("rrd: %s", err);
	if ((c->q = writeq_new(rs, (size_t)c->cf->rrd_queue_max)) == NULL)
		fatal("cannot start the RRD writer thread");

	snprintf(path, sizeof(path), "%s/journal", c->cf->data_dir);
	if ((c->journal = journal_open(path, err, sizeof(err))) == NULL)
		fatal("%s", err);
	if ((c->ingest = ingest_new(c->q, c->journal, c->db, c->presence)) ==
	    NULL)
		fatal("out of memory");
	/* alerts: fed by ingest and presence, on this thread */
	if ((c->alerts = alert_engine_new(c->db, alert_rules_load(c->cf->raw),
	                                  time_now())) == NULL)
		fatal("cannot start the alert engine");
	presence_set_hook(c->presence, alert_engine_presence_hook, c->alerts);
	main_notify_start(c, &c->cf->notify);
	alert_engine_set_notify(c->alerts, main_notify, c);
	report_monthly_set_notify(main_notify, c); /* the month's files */
	ingest_set_alerts(c->ingest, c->alerts);
	internet_conf_load(c->cf->raw, &ic);
	if ((c->inet = internet_new(c->db, c->alerts, &ic)) == NULL)
		fatal("cannot load the internet states");
	ingest_set_internet(c->ingest, c->inet);
	if ((n = journal_replay(c->journal, ingest_message, c->ingest)) < 0)
		fatal("cannot replay the journal in %s", path);
	if (n > 0)
		log_info("journal: replayed %ld messages of an earlier run", n);
	ingest_commit(c->ingest);

	memset(&hc, 0, sizeof(hc));
	hc.listen = c->cf->http_listen;
	hc.tls_cert = c->cf->http_tls_cert;
	hc.tls_key = c->cf->http_tls_key;
	snprintf(path, sizeof(path), "%s/pantau.db", c->cf->data_dir);
	hc.db_path = path;
	hc.data_dir = c->cf->data_dir;
	hc.dashboards_dir = c->cf->http_dashboards;
	hc.rrd_cached = c->cf->rrd_cached;
	if ((c->http = http_start(&hc, err, sizeof(err))) == NULL)
		fatal("http: %s", err);
	log_info("http: listening on %s (port %u)", c->cf->http_listen,
	         http_port(c->http));
	if (access(c->cf->http_dashboards, R_OK) != 0)
		log_warn("http: no web UI: cannot read dashboards '%s': %s "
		         "(set [http] dashboards; the API works without it)",
		         c->cf->http_dashboards, strerror(errno));

	main_cups_start(c, &c->cf->cups);
	asset_lives_load(c->cf->raw);
	site_sync(c->db, c->cf->raw);

	if ((c->sub = subscribe_new(c->cf, ingest_message, c->ingest)) == NULL)
		fatal("cannot set up the MQTT client");
}

/* SIGTERM: nothing queued is lost, rrdcached has written it all. */
static void
main_stop(struct collector *c)
{
	log_info("stopping: writing %zu queued samples", writeq_depth(c->q));
	subscribe_free(c->sub); /* no more reading, no more acks */
	http_stop(c->http);
	cups_poll_free(c->cups); /* waits for a request in flight */
	ingest_commit(c->ingest);
	writeq_free(c->q); /* drains, then flushes rrdcached */
	journal_release(c->journal, UINT64_MAX);
	journal_close(c->journal);
	ingest_free(c->ingest);
	internet_free(c->inet);
	alert_engine_free(c->alerts);
	notify_free(c->notify); /* what is left goes to DATA/notify/ */
	presence_free(c->presence);
	db_close(c->db);
	stats_write_file(c->prom);
	log_info("stopped");
	log_flush_repeats();
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct collector c;
	struct conf_err errs = {0};
	const char *path = COLLECTOR_CONF_DEFAULT;
	bool check = false;
	int ch;

	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, "c:dn", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'd':
			c.foreground = true;
			break;
		case 'n':
			check = true;
			break;
		case 'h':
			main_usage(stdout);
			return 0;
		case 'V':
			printf("pantau-collector %s\n", PACKAGE_VERSION);
			return 0;
		default:
			main_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		main_usage(stderr);
		return 2;
	}

	log_init("pantau-collector", 1, LOG_LVL_INFO);
	if ((c.cf = config_load(path, &errs)) == NULL) {
		conf_err_print(&errs, stderr);
		conf_err_clear(&errs);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		config_free(c.cf);
		return 0;
	}

	/* never forks: systemd (Type=simple) supervises it in the foreground */
	log_init("pantau-collector", c.foreground, c.cf->log_level);
	main_signals();
	mosquitto_lib_init();
	atomic_store_explicit(&stats.start_time, time_now(),
	                      memory_order_relaxed);

	main_start(&c);
	log_info("started, pantau-collector %s, data in %s%s%s",
	         PACKAGE_VERSION, c.cf->data_dir,
	         c.cf->rrd_cached != NULL ? ", RRD through rrdcached at " : "",
	         c.cf->rrd_cached != NULL ? c.cf->rrd_cached : "");
	main_loop(&c);
	main_stop(&c);

	mosquitto_lib_cleanup();
	config_free(c.cf);
	return 0;
}
