/*
 * presence.h: whether each device is there (DESIGN.md section 5, status).
 *
 * The in-memory table of every device's state, fed by the ingest path and
 * checked by a timer in the event loop.  A device is online once its
 * metrics or an "online" status arrive, offline on an "offline" status (the
 * agent's Last Will), unreachable when its proxying agent says so, and stale
 * when no metrics arrived for 3 intervals.  Every change is written through
 * db_state_store(), so the history survives restarts.
 *
 * Times: 'now' is the collector's clock when the message arrived, and is
 * what staleness is measured on; 'ts' is the agent's, used only to order
 * status messages (docs/database.md, presence).
 */
#ifndef PANTAU_COLLECTOR_PRESENCE_H
#define PANTAU_COLLECTOR_PRESENCE_H

#include <stdint.h>

#include "collector/db.h"

struct presence;

/* Loads the known devices from 'db'.  NULL on failure (logged). */
struct presence *presence_new(struct db *db);
void presence_free(struct presence *p);

/* A metrics message with sampling time 'ts' arrived at 'now'. */
void presence_metrics(struct presence *p, const char *site, const char *device,
                      enum dev_type type, unsigned interval, int64_t ts,
                      int64_t now);

/* A status message arrived. */
void presence_status(struct presence *p, const char *site, const char *device,
                     enum wire_state state, int64_t ts, int64_t now);

/*
 * Marks devices stale that sent no metrics for 3 intervals before 'now'.
 * Returns how many changed.  Call about once a second.
 */
int presence_check(struct presence *p, int64_t now);

/*
 * Called after every state change written to the database (the alert
 * engine, issue 7), with the device's type (DEV_NTYPES when not known),
 * its new state and the collector's clock.  NULL: no hook.
 */
typedef void presence_hook_fn(void *arg, const char *site, const char *device,
                              enum dev_type type, enum dev_state state,
                              int64_t now);
void presence_set_hook(struct presence *p, presence_hook_fn *fn, void *arg);

/* The current state of a device; STATE_UNKNOWN when never seen. */
enum dev_state presence_state(const struct presence *p, const char *site,
                              const char *device);

#endif
