/*
 * agent_priv.h: the running agent's parts, shared by agent.c (lifecycle,
 * loop, reload), round.c (the PC's round), devices.c (the device pollers)
 * and emit.c (every message's way out).  Private to them; the rest of
 * agent/ sees only the opaque struct agent of agent.h.
 */
#ifndef PANTAU_AGENT_PRIV_H
#define PANTAU_AGENT_PRIV_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/agent.h"
#include "agent/agentx.h"
#include "agent/link.h"
#include "agent/pc.h"
#include "agent/poll.h"

#define AGENT_EV_OVERFLOW "agent.spool_overflow"
#define AGENT_EV_DISK_FULL "agent.spool.disk_full" /* emit.c */

/* What the core remembers of a polled device between its rounds. */
struct agent_dev {
	const struct agent_device *conf; /* in the configuration's array */
	uint64_t stdout_seq;             /* --stdout: seq without a spool */
	char *inventory;                 /* last sent, re-sent at connect */
	enum wire_state state;           /* last published, when 'known' */
	int64_t state_ts;
	bool known;
	bool reported; /* a round came back (what --once waits for) */
};

/* The device pollers of poll.h; a poller exists only when it has work. */
struct agent_devices {
	struct snmp_poller *snmp;     /* printers, switches, SNMP PCs */
	struct pjlink_poller *pjlink; /* projectors */
	struct agent_dev *devs;       /* parallel to cfg->devices */
	size_t n;
	size_t nreported;
	int64_t ticked; /* Unix seconds of the last tick */
	bool unsynced;  /* rounds collected since the last spool sync */
};

struct agent {
	struct agent_config *cfg;
	struct agent_options opt;

	struct pc *pc;
	struct spool *sp;    /* NULL with --stdout */
	struct publish *pub; /* NULL with --stdout */
	struct sched sched;
	struct agent_devices devices;
	struct agentx *agentx;   /* agentx.c; NULL: no [snmp] agentx */
	struct link_agent *link; /* link_agent.c; NULL: no [link] */
	int sigfd;

	/* The PC's own topics. */
	char t_metrics[WIRE_TOPIC_MAX];
	char t_inventory[WIRE_TOPIC_MAX];
	char t_events[WIRE_TOPIC_MAX];
	char *inventory;    /* last sent, with ts 0 */
	char hostname[256]; /* under --root; see config_root_hostname() */
	uint64_t stdout_seq;
	int64_t inv_checked; /* ts of the last inventory check */
	uint64_t dropped_seen;
	bool overflow_raised;
	bool overflow_logged;
	bool once_dev_logged;
	bool stop;
};

/* emit.c */

/*
 * One outgoing message: into the spool, or with --stdout onto stdout.  A
 * spool that cannot take it is logged; a closed stdout stops the agent.
 */
void emit_message(struct agent *a, const char *topic, const char *payload,
                  size_t len, bool retain, int64_t ts, uint64_t seq);
/* The topic of 'device' (of this agent's site) on channel 'ch': 0 or -1. */
int emit_topic(const struct agent *a, char *buf, size_t sz, const char *device,
               enum wire_channel ch);
/*
 * A metrics message on 'topic': sets m->seq (the spool's counter for the
 * topic, or with --stdout ++*stdout_seq) and emits it.
 */
void emit_metrics(struct agent *a, const char *topic, struct wire_metrics *m,
                  uint64_t *stdout_seq);
void emit_event(struct agent *a, const char *topic,
                const struct wire_event *ev);
/* A retained status message. */
void emit_status(struct agent *a, const char *topic, enum wire_state state,
                 int64_t ts);
/* Makes what was emitted durable (no-op with --stdout); logs a failure. */
void emit_sync(struct agent *a);

/* round.c */

/* The PC's topics for the configured site and device: 0 or -1. */
int round_topics(struct agent *a);
/* The PC's samplers, primed once so the first round already has rates. */
struct pc *round_pc_new(struct agent *a);
/* One round of the PC at the aligned time 'ts', synced to the spool. */
void round_pc(struct agent *a, int64_t ts);
/* The PC's inventory when it changed, or always with 'force'. */
void round_inventory(struct agent *a, int64_t ts, bool force);
/* Reports what the spool's bound dropped, as an event. */
void round_overflow(struct agent *a, int64_t ts);

/* devices.c */

/* Starts the pollers for a->cfg's devices: 0, or -1 with errno set. */
int devices_start(struct agent *a);
void devices_stop(struct agent *a);
/*
 * SIGHUP: keeps the pollers when 'n' lists the same devices as the running
 * a->cfg (handing them the running array, which 'n' takes over), else
 * restarts them for 'n'.  Call before a->cfg becomes 'n'.
 */
void devices_reload(struct agent *a, struct agent_config *n);
/* Adds the pollers' descriptors to pfd (room for 2); returns how many. */
size_t devices_pollfds(const struct agent *a, struct pollfd *pfd);
/* Longest the loop may sleep so the pollers are ticked every second. */
int64_t devices_timeout(const struct agent *a);
/*
 * After poll(): collects the rounds behind readable descriptors (pfd as
 * filled by devices_pollfds(), n entries), then once per second of 'now'
 * (Unix seconds) syncs what they spooled and ticks the pollers.
 */
void devices_service(struct agent *a, const struct pollfd *pfd, size_t n,
                     int64_t now);
/*
 * After a connect: the retained status and inventory of every device
 * again ('ts' for the inventory's spool record).
 */
void devices_online(struct agent *a, int64_t ts);
/* --once: every device's round came back. */
bool devices_done(const struct agent *a);
/* --once: how long to wait for the devices' rounds, in ms. */
int64_t devices_once_wait(const struct agent *a);

#endif
