/*
 * diskfull.h: the collector's data directory running out of space.
 *
 * Any writer that fails for want of space (the journal, SQLite, librrd)
 * calls diskfull_hit(); from then on the collector is "full": it logs that
 * once, stops reading MQTT (the broker keeps the messages, as with
 * back-pressure: nothing acknowledged is lost), and its event loop calls
 * diskfull_tick() every second, which finds out when space is back and
 * resumes.  Both changes go through the alert engine as the event
 * "collector.disk_full" of the pseudo device DISKFULL_SITE/DISKFULL_DEVICE.
 * docs/collector.md ("A full disk") has the whole story.
 */
#ifndef PANTAU_COLLECTOR_DISKFULL_H
#define PANTAU_COLLECTOR_DISKFULL_H

#include <stdbool.h>
#include <stdint.h>

#define DISKFULL_CODE "collector.disk_full"
#define DISKFULL_SITE "pantau"
#define DISKFULL_DEVICE "collector"

#include "common/wire.h"

/* Where a change goes: main.c hands it to the alert engine. */
typedef void diskfull_report_fn(void *arg, const struct wire_event *ev);

/*
 * At start: remembers 'data_dir' and makes its reserve file (or starts out
 * full when there is no room for it).  Event-loop thread.
 */
void diskfull_init(const char *data_dir);
/* Whether 'err' (an errno) is ENOSPC or EDQUOT. */
bool diskfull_errno(int err);
/*
 * A write to the data directory failed with errno 'err' in 'what' ("the
 * journal", "the database", ...).  Anything but a lack of space is
 * ignored.  The first one marks the collector full, deletes the reserve
 * (so that what is in hand can still be written) and is logged; the rest
 * are counted only.  Any thread.  Returns true when 'err' was a lack of
 * space.
 */
bool diskfull_hit(int err, const char *what);
/* Whether the data directory is full now (any thread). */
bool diskfull_full(void);
/*
 * Once a second, event-loop thread: reports a change as an event of
 * DISKFULL_SITE/DISKFULL_DEVICE to 'fn' and, while full, looks for space.
 */
void diskfull_tick(diskfull_report_fn *fn, void *arg, int64_t now);

#endif
