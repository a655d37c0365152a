/*
 * dev_projector.h: what a PJLink round means for one projector (issue 4).
 *
 * pjlink.c does the I/O and hands a struct pjlink_status per round to the
 * main thread; this module, in the main thread, keeps each projector's
 * state between rounds and turns a round into what the core publishes
 * (DESIGN.md sections 5 and 6, docs/pjlink.md): the metrics message, the
 * events of the conditions that changed, the inventory when it changed,
 * and the reachability state.  No I/O, no threads: the unit tests feed it
 * statuses directly.
 */
#ifndef PANTAU_AGENT_DEV_PROJECTOR_H
#define PANTAU_AGENT_DEV_PROJECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/pjlink_proto.h"
#include "common/wire.h"

/* Events one round can carry: six ERST conditions, reachability, auth. */
#define DEV_PROJECTOR_EVENTS_MAX 8

/* Seconds between inventory queries while nothing else asks for them. */
#define DEV_PROJECTOR_INVENTORY_EVERY 300

struct dev_projector;

/*
 * What a round produced; owned by the dev_projector and valid until its
 * next round or its free.
 */
struct dev_projector_out {
	enum wire_state state; /* WIRE_ONLINE or WIRE_UNREACHABLE */
	bool state_changed;
	struct wire_metrics *metrics; /* NULL when nothing was read */
	struct wire_event events[DEV_PROJECTOR_EVENTS_MAX];
	size_t nevents;
	char *inventory; /* compact JSON when changed, else NULL */
};

/*
 * A projector called 'name' polled at 'address' ("host:port", for the
 * inventory and the messages) every 'interval' seconds.  The strings are
 * copied.  Returns NULL with errno set (ENOMEM).
 */
struct dev_projector *dev_projector_new(const char *name, const char *address,
                                        unsigned interval);
void dev_projector_free(struct dev_projector *dp); /* NULL: no-op */

/* The class as learned so far (0: unknown), for the next round's queries. */
int dev_projector_class(const struct dev_projector *dp);

/*
 * Whether the next round at Unix time 'now' should include the inventory
 * queries: the first round, the first after a failure, and every
 * DEV_PROJECTOR_INVENTORY_EVERY seconds.
 */
bool dev_projector_inventory_due(const struct dev_projector *dp, int64_t now);

/*
 * Applies the round of time 'ts' (aligned) and returns what to publish.
 * The reachability rule: a projector that answered before is declared
 * unreachable after two rounds in a row without an answer (one missed
 * round is a projector busy with another controller, not an outage; its
 * round yields no metrics and no state change); one never seen, or one
 * that refuses the password, at once.  Error conditions are evented only
 * when they change, and a projector that stops answering raises no fault
 * but one "device.unreachable".  Returns NULL only when memory ran out
 * (the round is then lost, the state kept).
 */
const struct dev_projector_out *
dev_projector_round(struct dev_projector *dp, int64_t ts,
                    const struct pjlink_status *st);

#endif
