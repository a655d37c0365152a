/*
 * spool_full.c: what the spool does when the disk under it is full.
 *
 * A full disk must neither stop the agent nor make it log once per write,
 * and the agent must notice by itself when space returns.  The spool keeps
 * a small "reserve" file of SPOOL_RESERVE_BYTES in its directory.  The
 * first write that fails with ENOSPC (or EDQUOT) deletes the reserve and
 * is retried, so the round in hand, and the event that says the disk is
 * full, still reach the spool and the broker.  From then on the spool is
 * "full": a record that still does not fit is dropped and counted in
 * 'dropped' (agent.spool.dropped, so the seq gap it leaves is accounted
 * for), without a log line.  At every sync the spool looks for room: when
 * a segment's worth is free and the reserve can be allocated again, the
 * spool is no longer full.  Each change is logged once and reported once to the
 * caller (spool_full_news()), which turns it into an agent.spool.disk_full
 * event.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "agent/spool_priv.h"

/* Whether 'err' says the file system has no room (blocks, inodes, quota). */
bool
spool_full_errno(int err)
{
	return err == ENOSPC || err == EDQUOT;
}

/* Allocates the reserve file; 0, or -1 with errno set (nothing left). */
static int
spool_full_reserve(struct spool *sp)
{
	int fd, r, saved;

	fd = openat(sp->dirfd, SPOOL_RESERVE, O_WRONLY | O_CREAT | O_CLOEXEC,
	            0600);
	if (fd < 0)
		return -1;
	/* posix_fallocate returns the error instead of setting errno */
	r = posix_fallocate(fd, 0, SPOOL_RESERVE_BYTES);
	if (r == 0 && fdatasync(fd) != 0)
		r = errno;
	close(fd);
	if (r != 0) {
		saved = r;
		unlinkat(sp->dirfd, SPOOL_RESERVE, 0);
		errno = saved;
		return -1;
	}
	return 0;
}

void
spool_full_open(struct spool *sp)
{
	if (spool_full_reserve(sp) == 0)
		return;
	if (spool_full_errno(errno)) {
		sp->disk_full = true;
		sp->full_changed = true;
		sp->full_dropped_at = sp->dropped;
		log_warn("spool: the disk under %s is full: new messages are "
		         "dropped until space returns",
		         sp->dir);
	} else {
		/* not a matter of space: carry on without a reserve */
		log_warn("spool: cannot reserve space in %s: %s", sp->dir,
		         strerror(errno));
	}
}

bool
spool_full_hit(struct spool *sp, int err)
{
	bool freed;

	if (!spool_full_errno(err))
		return false;
	freed = unlinkat(sp->dirfd, SPOOL_RESERVE, 0) == 0;
	/* the caller counts the loss by errno: keep the write's */
	errno = err;
	if (!sp->disk_full) {
		sp->disk_full = true;
		sp->full_changed = true;
		sp->full_dropped_at = sp->dropped;
		log_warn("spool: the disk under %s is full: %s; messages that "
		         "do not fit are dropped until space returns",
		         sp->dir,
		         freed ? "using the reserve" : "no reserve left");
		errno = err;
	}
	return freed;
}

void
spool_full_lost(struct spool *sp)
{
	sp->dropped++;
	sp->full_dropped++;
	sp->state_dirty = true;
}

uint64_t
spool_full_dropped(const struct spool *sp)
{
	return sp->full_dropped;
}

/*
 * Room for the reserve alone is not enough: a connected agent frees a
 * segment's worth each time the broker acks one, and would call the disk
 * full again at the next segment.  Space is back when, besides the
 * reserve, a whole segment fits (at most a quarter of the file system, so
 * a small one can recover at all).
 */
static bool
spool_full_room(const struct spool *sp)
{
	struct statvfs st;
	uint64_t need = sp->seg_max, size;

	if (fstatvfs(sp->dirfd, &st) != 0)
		return true; /* cannot tell: let the reserve decide */
	size = (uint64_t)st.f_blocks * st.f_frsize;
	if (need > size / 4)
		need = size / 4;
	return (uint64_t)st.f_bavail * st.f_frsize >= need;
}

void
spool_full_check(struct spool *sp)
{
	if (!sp->disk_full || !spool_full_room(sp) ||
	    spool_full_reserve(sp) != 0)
		return;
	sp->disk_full = false;
	sp->full_changed = true;
	log_info("spool: space is back under %s (%" PRIu64
	         " messages dropped while full)",
	         sp->dir, sp->dropped - sp->full_dropped_at);
}

int
spool_full_news(struct spool *sp, char *text, size_t sz)
{
	if (!sp->full_changed)
		return 0;
	sp->full_changed = false;
	if (sp->disk_full) {
		snprintf(text, sz,
		         "the disk under the spool %s is full; messages "
		         "that do not fit are dropped",
		         sp->dir);
		return 1;
	}
	snprintf(text, sz,
	         "space is back under the spool %s; %" PRIu64
	         " messages were dropped while it was full",
	         sp->dir, sp->dropped - sp->full_dropped_at);
	return -1;
}

void
spool_full_news_again(struct spool *sp)
{
	sp->full_changed = true;
}

bool
spool_disk_full(const struct spool *sp)
{
	return sp->disk_full;
}
