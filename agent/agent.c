/*
 * agent.c: the running pantau-agent.
 *
 * One poll() loop wires the parts of agent.h together: a signalfd (SIGHUP
 * reloads, SIGTERM and SIGINT stop), the MQTT socket, the round timer and
 * the device pollers' descriptors.  Each round samples the PC (round.c)
 * into the spool and syncs it; the devices' rounds come in whenever their
 * pollers finish one (devices.c); publish.c drains the spool whenever the
 * broker is reachable.  --stdout bypasses spool and broker (emit.c);
 * --once does a single round of the PC and of every device and waits
 * until the broker took them.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "agent/agent_priv.h"
#include "common/timeutil.h"

#define AGENT_ONCE_TIMEOUT 30000 /* ms --once waits for the broker */
#define AGENT_SHUTDOWN_WAIT 3000 /* ms for the offline status */
#define AGENT_SPOOL_WINDOW 20    /* records in flight */

/* publish.c calls this after each connect: retained inventories. */
static void
agent_online(void *arg)
{
	struct agent *a = arg;
	int64_t now = time_now();

	round_inventory(a, now, true);
	round_overflow(a, now);
	devices_online(a, now);
	emit_sync(a);
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
	if (config_load(a->opt.cfg_path,
	                config_root_hostname(a->opt.root, a->hostname,
	                                     sizeof(a->hostname)),
	                n, &errs) != 0) {
		for (i = 0; conf_err_get(&errs, i) != NULL; i++)
			log_err("%s", conf_err_get(&errs, i));
		log_err("reload refused; the running configuration is kept");
		conf_err_clear(&errs);
		free(n);
		return;
	}
	conf_err_clear(&errs);
	devices_reload(a, n);
	agentx_reload(a->agentx, n);
	link_agent_reload(a, n);
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
		if ((pc = round_pc_new(a)) != NULL) {
			pc_free(a->pc);
			a->pc = pc;
		} else {
			log_err("reload: cannot restart the samplers: %s",
			        strerror(errno));
		}
	}
	a->cfg = n;
	if (a->pub != NULL) {
		spool_set_max(a->sp, n->spool_max);
		publish_reconfigure(a->pub, n);
	}
	if (n->interval != o->interval)
		sched_init(&a->sched, n->interval, time_now_ms(),
		           time_mono_ms());
	if (strcmp(n->site, o->site) != 0 ||
	    strcmp(n->device, o->device) != 0) {
		round_topics(a);
		free(a->inventory);
		a->inventory = NULL;
	}
	config_clear(o);
	free(o);
	log_info("configuration reloaded from %s", a->opt.cfg_path);
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

struct agent *
agent_new(const struct agent_options *o, struct agent_config *cfg)
{
	struct agent *a;
	int saved;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		log_err("start-up: out of memory");
		config_clear(cfg);
		free(cfg);
		return NULL;
	}
	a->cfg = cfg;
	a->opt = *o;
	a->sigfd = -1;
	if (round_topics(a) != 0 || agent_signals(a) != 0) {
		log_err("start-up: %s", strerror(errno));
		goto fail;
	}
	if ((a->pc = round_pc_new(a)) == NULL) {
		log_err("cannot start the samplers: %s", strerror(errno));
		goto fail;
	}
	if (!a->opt.to_stdout) {
		if ((a->sp = spool_open(cfg->spool_dir, cfg->spool_max,
		                        AGENT_SPOOL_WINDOW)) == NULL) {
			log_err("cannot open the spool %s: %s", cfg->spool_dir,
			        strerror(errno));
			goto fail;
		}
		a->dropped_seen = spool_dropped(a->sp);
		if ((a->pub = publish_new(cfg, a->sp, agent_online, a)) ==
		    NULL) {
			log_err("cannot start the MQTT client: %s",
			        strerror(errno));
			goto fail;
		}
	}
	/* Before the pollers: net-snmp is initialised once, for both. */
	if (cfg->snmp_agentx != NULL &&
	    (a->agentx = agentx_start(cfg)) == NULL) {
		log_err("cannot start the AgentX subagent: %s",
		        strerror(errno));
		goto fail;
	}
	if (devices_start(a) != 0 || link_agent_start(a) != 0)
		goto fail;
	log_info("started: site %s, device %s, every %u s%s", cfg->site,
	         cfg->device, cfg->interval,
	         a->opt.to_stdout ? ", to stdout" : "");
	return a;
fail:
	saved = errno;
	agent_free(a);
	errno = saved;
	return NULL;
}

/*
 * --once: true when done; *status says how it went.  The devices' rounds
 * are waited for until 'dev_end', then what is spooled until 'end'.
 */
static bool
agent_once_done(struct agent *a, int64_t now, int64_t dev_end, int64_t end,
                int *status)
{
	if (!devices_done(a) || !link_agent_done(a)) {
		if (now < dev_end)
			return false;
		if (!a->once_dev_logged) {
			log_err("--once: %zu of %zu devices did not report in "
			        "%" PRId64 " s",
			        a->devices.n - a->devices.nreported,
			        a->devices.n, devices_once_wait(a) / 1000);
			a->once_dev_logged = true;
			*status = 1;
		}
	}
	if (a->opt.to_stdout)
		return true;
	if (spool_pending_bytes(a->sp) == 0 && publish_connected(a->pub))
		return true;
	if (now >= end) {
		log_err("--once: the broker did not take everything in %d s; "
		        "the rest stays spooled",
		        AGENT_ONCE_TIMEOUT / 1000);
		*status = 1;
		return true;
	}
	return false;
}

/* The loop, then a clean stop; returns the exit status. */
static int
agent_loop(struct agent *a)
{
	struct pollfd pfd[5 + AGENTX_POLLFDS];
	int64_t now, t, ts, dev_end = 0, once_end = 0;
	bool have_sock, rounded = false;
	int status = 0;
	size_t n, nd, nl;

	sched_init(&a->sched, a->cfg->interval, time_now_ms(), time_mono_ms());
	/* The devices' first rounds start at once. */
	devices_service(a, NULL, 0, time_now());
	if (a->opt.once) {
		/* Give rates one second between the priming read and now. */
		sleep(1);
		round_pc(a, time_align(time_now(), a->cfg->interval));
		link_agent_round(a, time_align(time_now(), a->cfg->interval));
		rounded = true;
		dev_end = time_mono_ms() + devices_once_wait(a);
		if (link_agent_once_wait(a) > devices_once_wait(a))
			dev_end = time_mono_ms() + link_agent_once_wait(a);
		once_end = dev_end + AGENT_ONCE_TIMEOUT;
	}
	while (!a->stop) {
		now = time_mono_ms();
		if (a->opt.once &&
		    agent_once_done(a, now, dev_end, once_end, &status))
			break;
		t = a->opt.once ? 1000 : sched_timeout(&a->sched, now);
		if (a->devices.n > 0 && devices_timeout(a) < t)
			t = devices_timeout(a);
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
		n += agentx_pollfds(a->agentx, &pfd[n], &t);
		nd = devices_pollfds(a, &pfd[n]);
		nl = link_agent_pollfd(a, &pfd[n + nd]);
		if (poll(pfd, (nfds_t)(n + nd + nl), (int)t) < 0 &&
		    errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			return 1;
		}
		if (pfd[0].revents & POLLIN)
			agent_signal(a);
		now = time_mono_ms();
		if (!rounded && sched_due(&a->sched, time_now_ms(), now, &ts)) {
			round_pc(a, ts);
			link_agent_round(a, ts);
		}
		/* A reload may have replaced the pollers: stale fds. */
		devices_service(a, &pfd[n], pfd[0].revents & POLLIN ? 0 : nd,
		                time_now());
		link_agent_service(a, &pfd[n + nd],
		                   pfd[0].revents & POLLIN ? 0 : nl);
		agentx_service(a->agentx);
		if (a->pub != NULL)
			publish_service(a->pub, have_sock ? pfd[1].revents : 0,
			                now);
	}
	return status;
}

int
agent_run(struct agent *a)
{
	int status = agent_loop(a);

	emit_sync(a);
	if (a->pub != NULL)
		publish_shutdown(a->pub, AGENT_SHUTDOWN_WAIT);
	return status;
}

void
agent_free(struct agent *a)
{
	if (a == NULL)
		return;
	link_agent_stop(a);
	devices_stop(a);
	/* After the pollers: it shuts net-snmp down. */
	agentx_free(a->agentx);
	publish_free(a->pub);
	spool_close(a->sp);
	pc_free(a->pc);
	free(a->inventory);
	if (a->cfg != NULL) {
		config_clear(a->cfg);
		free(a->cfg);
	}
	if (a->sigfd >= 0)
		close(a->sigfd);
	free(a);
}
