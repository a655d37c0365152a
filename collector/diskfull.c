/*
 * diskfull.c: the collector's data directory running out of space.
 *
 * What fails when DATA fills up: the journal's append (every metrics
 * message), SQLite (SQLITE_FULL: device rows, events, tickets, assets),
 * and librrd creating a new file; updates of existing RRD files rewrite
 * blocks they own and go on working.  Without care the journal logs once
 * per episode but messages are acknowledged without their crash copy, the
 * database logs once per write, and nobody hears of it.
 *
 * So the first write refused for space (diskfull_hit(), from any thread)
 * marks the collector full, logs once, and deletes DATA/.reserve, a file
 * kept allocated for this moment: the message in hand, the alert and the
 * edits of the next seconds still find room.  While full, main.c stops
 * reading MQTT exactly as for back-pressure, so the broker keeps what
 * agents publish and nothing acknowledged is lost.  diskfull_tick(), once a
 * second, looks for space: when a margin is free and the reserve can be
 * allocated again, the collector resumes reading, logs it and the alert
 * resolves.  The alert is the event DISKFULL_CODE of the pseudo device
 * DISKFULL_SITE/DISKFULL_DEVICE, which main.c gives to the alert engine
 * like an agent's event (the built-in rule agent_event fires it and
 * notifies).  The database logs its own failures once (db_fail()).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "collector/collector.h"
#include "collector/diskfull.h"
#include "collector/stats.h"

#define DISKFULL_RESERVE ".reserve"
#define DISKFULL_RESERVE_MAX (8 * 1024 * 1024)
#define DISKFULL_RESERVE_MIN (64 * 1024)

static char diskfull_dir[PATH_MAX];
static atomic_bool diskfull_now;  /* set by any thread */
static bool diskfull_reported;    /* event loop: what the alert says */
static uint64_t diskfull_hits_at; /* disk_full_hits when reported */

bool
diskfull_errno(int err)
{
	return err == ENOSPC || err == EDQUOT;
}

/* Reserve size: 1/16 of the file system, within MIN..MAX. */
static uint64_t
diskfull_reserve_size(const struct statvfs *st)
{
	uint64_t n = (uint64_t)st->f_blocks * st->f_frsize / 16;

	if (n > DISKFULL_RESERVE_MAX)
		n = DISKFULL_RESERVE_MAX;
	if (n < DISKFULL_RESERVE_MIN)
		n = DISKFULL_RESERVE_MIN;
	return n;
}

/* (Re)allocates DATA/.reserve; 0, or -1 with errno set. */
static int
diskfull_reserve(void)
{
	char path[PATH_MAX + 16];
	struct statvfs st;
	int fd, r;

	if (statvfs(diskfull_dir, &st) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/" DISKFULL_RESERVE, diskfull_dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return -1;
	/* posix_fallocate returns the error instead of setting errno */
	r = posix_fallocate(fd, 0, (off_t)diskfull_reserve_size(&st));
	close(fd);
	if (r != 0) {
		unlink(path);
		errno = r;
		return -1;
	}
	return 0;
}

/*
 * Space is back when, with the reserve in place again, a margin is free:
 * another reserve's worth, so that resuming does not fill the disk again
 * at the next message.
 */
static bool
diskfull_room(void)
{
	struct statvfs st;

	if (statvfs(diskfull_dir, &st) != 0)
		return false;
	return (uint64_t)st.f_bavail * st.f_frsize >=
	       2 * diskfull_reserve_size(&st);
}

void
diskfull_init(const char *data_dir)
{
	snprintf(diskfull_dir, sizeof(diskfull_dir), "%s", data_dir);
	if (diskfull_reserve() != 0 && !diskfull_hit(errno, "the reserve"))
		log_warn("cannot reserve space in %s: %s", data_dir,
		         strerror(errno));
}

bool
diskfull_hit(int err, const char *what)
{
	char path[PATH_MAX + 16];

	if (!diskfull_errno(err))
		return false;
	STATS_ADD(disk_full_hits, 1);
	if (atomic_exchange(&diskfull_now, true))
		return true;
	STATS_SET(disk_full, 1);
	snprintf(path, sizeof(path), "%s/" DISKFULL_RESERVE, diskfull_dir);
	unlink(path);
	/* once per episode: the exchange above lets one caller through */
	log_warn("the data directory %s is full (%s: %s); reading MQTT "
	         "paused until space returns (the broker keeps the messages)",
	         diskfull_dir, what, strerror(err));
	return true;
}

bool
diskfull_full(void)
{
	return atomic_load(&diskfull_now);
}

/* The change as an event of the pseudo device, for the alert engine. */
static void
diskfull_event(diskfull_report_fn *fn, void *arg, bool full, int64_t now)
{
	struct wire_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts = now;
	snprintf(ev.code, sizeof(ev.code), "%s", DISKFULL_CODE);
	ev.severity = full ? WIRE_SEV_CRITICAL : WIRE_SEV_INFO;
	ev.state = full ? WIRE_EV_RAISED : WIRE_EV_CLEARED;
	if (full)
		snprintf(
		    ev.text, sizeof(ev.text),
		    "the data directory %.512s is full: no data is taken in "
		    "until space returns",
		    diskfull_dir);
	else
		snprintf(ev.text, sizeof(ev.text),
		         "space is back in the data directory %.512s",
		         diskfull_dir);
	fn(arg, &ev);
}

void
diskfull_tick(diskfull_report_fn *fn, void *arg, int64_t now)
{
	bool full = diskfull_full();

	if (full && !diskfull_reported) {
		diskfull_reported = true;
		diskfull_hits_at = STATS_GET(disk_full_hits);
		diskfull_event(fn, arg, true, now);
	}
	if (!full || !diskfull_room() || diskfull_reserve() != 0)
		return;
	atomic_store(&diskfull_now, false);
	STATS_SET(disk_full, 0);
	log_info("space is back in the data directory %s (%" PRIu64
	         " writes refused meanwhile); reading MQTT again",
	         diskfull_dir, STATS_GET(disk_full_hits) - diskfull_hits_at);
	diskfull_reported = false;
	diskfull_event(fn, arg, false, now);
}
