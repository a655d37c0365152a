/*
 * notify.h: notifications from pantau-collector (issue 7, docs/notify.md).
 *
 * The alert and ticket code describes what happened in a struct notify_msg
 * and hands it to notify_submit(), which copies it into a queue and
 * returns at once.  A delivery thread routes every message to the
 * [notify NAME] targets that want it (severity, site, event), renders it in
 * the target's language and sends it: mail over SMTP (libcurl), a JSON
 * POST to a webhook (libcurl), or a local command fed the JSON on stdin.
 * A target that is down is retried with exponential backoff; a target that
 * is sent too much is rate limited, the excess summarised in one later
 * message.  What is still undelivered at shutdown is written to
 * DATA/notify/ and sent after the next start.
 *
 * The configuration types are in notify_config.h.
 */
#ifndef PANTAU_COLLECTOR_NOTIFY_H
#define PANTAU_COLLECTOR_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "collector/notify_config.h"

struct notify;

/* Everything a notification says; every string may hold untrusted text. */
struct notify_msg {
	/* "alert.firing", "alert.resolved", "ticket.opened", "site.down",
	 * "site.up", "report.monthly" */
	const char *event;
	const char *severity; /* "info", "warning", "critical" */
	const char *site;
	const char *device;                  /* may be NULL */
	const char *subject_id, *subject_en; /* one line, Bahasa Indonesia and
	                                      * English */
	const char *text_id, *text_en;       /* body */
	int64_t ts;                          /* Unix seconds; 0: now */
	int64_t alert_id, ticket_id;         /* 0 when none */
	/*
	 * Absolute paths of files to attach (copied; the files are read at
	 * send time).  Mail carries them, a webhook gets their names, a
	 * command PANTAU_ATTACHMENTS.  NULL/0 when none.
	 */
	const char *const *attach;
	size_t nattach;
};

/*
 * Starts the delivery thread for the targets of 'cfg' (copied).  Messages
 * left undelivered by an earlier run are loaded from DATA/notify/ and
 * sent again.  Returns NULL with a message in 'err' (a password or token
 * file that cannot be read, DATA/notify/ that cannot be created, no
 * thread).  With no targets configured it still returns a handle that
 * drops nothing and sends nothing.
 */
struct notify *notify_new(const struct notify_config *cfg, const char *data_dir,
                          char *err, size_t errsz);

/*
 * Stops the thread: a delivery in flight is given up to a few seconds
 * (each transfer's own timeout bounds it too), then what is still queued
 * is written to DATA/notify/ for the next start.  NULL is a no-op.
 */
void notify_free(struct notify *n);

/*
 * Queues 'm' (copied) for every target that wants it.  Never blocks on
 * delivery.  'n' NULL is a no-op returning 0.  Returns 0 when queued (or
 * no target wants it), -1 when dropped: invalid message, out of memory, or
 * every interested target's queue full (logged and counted in /metrics).
 */
int notify_submit(struct notify *n, const struct notify_msg *m);

/*
 * Sends a test message to the target named 'target_name' at once, from the
 * caller's thread, bypassing routing, rate limit and queue.  Returns 0
 * when it was delivered, -1 with the reason in 'err' (unknown target, the
 * transfer's error).  For "pantauctl notify test NAME".
 */
int notify_test(struct notify *n, const char *target_name, char *err,
                size_t errsz);

/*
 * The same without a running notifier: builds the target 'target_name' of
 * 'cfg' and sends the test message (pantauctl, which must not touch the
 * queues of a running collector).
 */
int notify_test_config(const struct notify_config *cfg, const char *target_name,
                       char *err, size_t errsz);

/*
 * "pantauctl notify test NAME" (argv[0] is "notify").  Returns the exit
 * status: 0 delivered, 1 failed (the reason on stderr), 2 usage.
 */
int notify_ctl(const struct notify_config *cfg, int argc, char **argv);

/* Counts since notify_new(), over every target. */
struct notify_counts {
	uint64_t sent;   /* messages delivered (a summary counts its parts) */
	uint64_t failed; /* delivery attempts that failed */
	uint64_t
	    dropped;     /* messages given up: queue full, retry_for, refused */
	uint64_t queued; /* waiting now, held back by the rate limit too */
};
void notify_get_counts(struct notify *n, struct notify_counts *c);

/*
 * Waits up to 'timeout_ms' until nothing is queued or in flight (messages
 * waiting for a retry or for the rate limit count as queued).  Returns 0
 * when idle, -1 on timeout.  For tests and tools.
 */
int notify_flush(struct notify *n, int timeout_ms);

#endif
