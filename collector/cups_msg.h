/*
 * cups_msg.h: what a CUPS poll tells the rest of the collector, as
 * messages of the MQTT contract (DESIGN.md 5) for ingest_message().
 *
 * Internal to the CUPS part (cups_store.c calls it after each commit);
 * docs/printing.md lists the metrics and events.
 */
#ifndef PANTAU_COLLECTOR_CUPS_MSG_H
#define PANTAU_COLLECTOR_CUPS_MSG_H

#include <sqlite3.h>

#include "collector/cups_poll.h"

/* One queue of a poll: where it maps and its reasons before this poll. */
struct cups_msg_queue {
	const struct cups_queue *queue;
	const char *device; /* "" when unmapped */
	char *old_reasons;  /* owned by the caller */
};

/*
 * The event code and severity of one printer-state-reasons keyword
 * ("media-jam-error" is printer.jam, critical).  Returns 0, or -1 for
 * "none" and keywords that are not a condition of the printer.
 */
int cups_msg_reason(const char *keyword, char *code, size_t codesz,
                    int *severity);

/*
 * Calls 'fn' for: a metrics message per mapped device (page and job
 * counters read from print_jobs in 'h', queue states, marker levels), an
 * event per reason raised or cleared, and a status when a queue's
 * "offline" reason appears (unreachable) or goes (online).
 */
void cups_msg_build(sqlite3 *h, const struct cups_config *cfg, int64_t now,
                    const struct cups_msg_queue *mq, size_t n,
                    cups_poll_msg_fn *fn, void *arg);

#endif
