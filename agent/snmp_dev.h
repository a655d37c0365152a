/*
 * snmp_dev.h: one polled device's SNMP session and round, private to the
 * SNMP poller (snmp_poll.c drives it, snmp_dev.c talks to the device).
 *
 * Everything here runs in the SNMP thread except the fields marked as
 * shared, which snmp_poll.c guards with the poller's lock.  A round goes:
 * snmp_dev_begin() (opens the session the first time), then the engine
 * calls snmp_dev_send() whenever want_send is set, snmp_dev_read() when
 * the socket is readable and snmp_sess_timeout() when 'deadline' passed;
 * net-snmp's callback (snmp_dev.c) stores the answers and moves through
 * the plan, until 'finished' is set ('failed' too when a request went
 * unanswered).
 */
#ifndef PANTAU_AGENT_SNMP_DEV_H
#define PANTAU_AGENT_SNMP_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "agent/agent.h"
#include "agent/snmp_priv.h"

#define SNMP_POLL_RETRIES 2
#define SNMP_POLL_VARBINDS 40 /* per GETBULK answer, about 1400 bytes */
#define SNMP_POLL_MAXCOLS 16

struct snmp_poller;

struct snmp_dev {
	struct snmp_poller *p; /* whose queue the results go to */
	int epfd;              /* the poller's epoll set */
	netsnmp_large_fd_set *fdset;
	const struct agent_device *cfg;
	const struct snmp_plan *plan;
	char peer[300];
	unsigned interval;
	long timeout_us;

	/* SNMPv3 keys, made once from the pass phrases. */
	u_char auth_key[USM_AUTH_KU_LEN];
	size_t auth_key_len;
	u_char priv_key[USM_PRIV_KU_LEN];
	size_t priv_key_len;

	/* SNMP thread only. */
	void *sp;
	int fd;
	int64_t deadline; /* monotonic ms of the next timeout */
	bool running, want_send, finished, failed;
	int64_t round_ts;
	int64_t round_end; /* monotonic ms: the round is given up then */
	size_t step;       /* 0: GETs, 1..nwalks: walks */
	unsigned char get_dropped[32];
	oid cursor[SNMP_POLL_MAXCOLS][MAX_OID_LEN];
	size_t cursor_len[SNMP_POLL_MAXCOLS];
	bool col_done[SNMP_POLL_MAXCOLS];
	int varbinds;    /* per GETBULK answer; halved on tooBig */
	const char *why; /* why the round failed */
	struct snmp_store st;
	struct snmp_hist hist;
	enum wire_state state;
	bool state_known;
	unsigned fails;

	/* Shared with the main thread, under p->lock. */
	int64_t next_ts;
	bool busy, start;
	int64_t start_ts;
	unsigned long skipped;
};

/*
 * Prepares 'd' for device 'cfg' (its peer name, timeout, SNMPv3 keys); no
 * I/O.  Returns 0, or -1 with errno EINVAL (keys could not be derived).
 */
int snmp_dev_setup(struct snmp_dev *d, const struct agent_device *cfg,
                   struct snmp_poller *p, int epfd,
                   netsnmp_large_fd_set *fdset);
/* Starts a round for time stamp 'ts' (opens the session if needed). */
void snmp_dev_begin(struct snmp_dev *d, int64_t ts);
/* Sends the round's next request (or moves on / finishes). */
void snmp_dev_send(struct snmp_dev *d);
/* Reads what the socket holds; callbacks run from here. */
void snmp_dev_read(struct snmp_dev *d);
/*
 * Gives up a round that ran past its 'round_end' (a device answering, but
 * too slowly): closes the session so no late answer reaches a later round.
 */
void snmp_dev_abort(struct snmp_dev *d);
/* Recomputes 'deadline' from the session's pending requests. */
void snmp_dev_deadline(struct snmp_dev *d);
void snmp_dev_close(struct snmp_dev *d);

#endif
