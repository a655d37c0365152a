/*
 * poll.h: devices the agent polls on behalf of others (issue 4).
 *
 * Printers, switches and SNMP PCs are polled by snmp_poll.c from one SNMP
 * thread with net-snmp's async single-session API; projectors by pjlink.c.
 * Both pollers keep their own timing (each [device] has its interval, and
 * rounds are aligned to it like the PC's), run their I/O off the agent's
 * event loop, and hand finished rounds back through a file descriptor that
 * becomes readable: the core adds poller_fd() to its poll() set and calls
 * poller_collect(), which invokes the callback once per finished device
 * round, in the main thread.  The core then spools the messages under the
 * device's own id (seq, retained status and inventory as for the PC).
 *
 * A poller never publishes, never touches the spool and never exits.
 */
#ifndef PANTAU_AGENT_POLL_H
#define PANTAU_AGENT_POLL_H

#include <stddef.h>
#include <stdint.h>

#include "common/wire.h"

struct agent_device;

/* One device's finished round.  Everything in it belongs to the poller and
 * is valid only during the callback. */
struct poll_result {
	const char *device; /* the [device NAME] */
	enum dev_type type;
	/* WIRE_ONLINE when it answered, WIRE_UNREACHABLE after it stopped
	 * answering (the poller decides when: within two rounds). */
	enum wire_state state;
	int state_changed; /* publish the retained status */
	/* ts/type/interval set; NULL when the device did not answer this
	 * round (unreachable, or a first missed round before it is). */
	struct wire_metrics *metrics;
	const struct wire_event
	    *events; /* raised/cleared conditions of this round */
	size_t nevents;
	const char *inventory; /* compact JSON when changed, else NULL */
};

typedef void (*poll_result_fn)(void *arg, const struct poll_result *r);

/* The common shape of both pollers: snmp_poller_* and pjlink_poller_*. */
struct snmp_poller;
struct pjlink_poller;

/*
 * Starts a poller for the devices of its kind among devs[0..n) (the others
 * are ignored; the array must outlive the poller).  Returns NULL with errno
 * set on failure; a poller with no devices of its kind is valid and idle.
 */
struct snmp_poller *snmp_poller_new(const struct agent_device *devs, size_t n);
void
snmp_poller_free(struct snmp_poller *p); /* NULL: no-op; joins the thread */
int snmp_poller_fd(const struct snmp_poller *p); /* readable: results wait */
/* Call at least once a second with the real time (Unix seconds, as
 * time_now()); starts due rounds. */
void snmp_poller_tick(struct snmp_poller *p, int64_t now);
void snmp_poller_collect(struct snmp_poller *p, poll_result_fn fn, void *arg);

struct pjlink_poller *pjlink_poller_new(const struct agent_device *devs,
                                        size_t n);
void pjlink_poller_free(struct pjlink_poller *p);
int pjlink_poller_fd(const struct pjlink_poller *p);
void pjlink_poller_tick(struct pjlink_poller *p, int64_t now);
void pjlink_poller_collect(struct pjlink_poller *p, poll_result_fn fn,
                           void *arg);

#endif
