/*
 * spool.c: the agent's on-disk queue; nothing is published that is not in
 * it first, and nothing leaves it before the broker acknowledged it.
 *
 * Layout of the spool directory (docs/agent.md has the full story; the
 * segments are read and written by spool_seg.c, the state by spool_state.c):
 *
 *   00000001.seg 00000002.seg ...   append-only segments, oldest first
 *   state                           seq counters, drop count, send position
 *
 * A segment is a run of checksummed records (their format is at the top
 * of spool_seg.c); at open the first bad record and everything after it in
 * that segment is cut off, never replayed.
 *
 * Durability: records are written with write(2) as they come and made
 * durable with one fdatasync(2) per round (spool_sync()); only durable
 * records are handed out for publishing, so a message the broker has seen
 * can never be lost to a power cut and its seq never reused.  Acknowledged
 * data is deleted a whole segment at a time, which is cheap; the position of
 * the oldest unacknowledged record is saved with each sync so a restart
 * resends at most what was acked since (duplicates are harmless by design).
 *
 * The bound counts the bytes of all segment files.  When an append would
 * cross it the oldest segment is deleted, acked or not, and its unacked
 * records are counted in 'dropped', which the agent publishes.  A full
 * disk is spool_full.c's: a reserve file, a retry, and records that still
 * do not fit dropped and counted the same way.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/spool_priv.h"

static uint64_t
spool_id(uint32_t seg, uint64_t off)
{
	return (uint64_t)seg << 32 | off;
}

/* The oldest record not acknowledged. */
void
spool_head(const struct spool *sp, uint32_t *seg, uint64_t *off)
{
	if (sp->ninflight > 0) {
		*seg = (uint32_t)(sp->inflight[0] >> 32);
		*off = sp->inflight[0] & 0xffffffffu;
	} else {
		*seg = sp->cur_seg;
		*off = sp->cur_off;
	}
}

/*
 * Moves the send position past finished segments, then deletes every
 * segment before the oldest unacknowledged record.
 */
static void
spool_trim(struct spool *sp)
{
	uint32_t hseg;
	uint64_t hoff;
	ssize_t i;

	while ((i = spool_seg_index(sp, sp->cur_seg)) >= 0 &&
	       (size_t)i + 1 < sp->nsegs && sp->cur_off >= sp->segs[i].size) {
		sp->cur_seg = sp->segs[i + 1].no;
		sp->cur_off = 0;
	}
	spool_head(sp, &hseg, &hoff);
	while (sp->nsegs > 0 && sp->segs[0].no < hseg)
		spool_seg_unlink_oldest(sp);
}

/* Drops the oldest segment to make room; its unacked records are lost. */
static void
spool_drop_oldest(struct spool *sp)
{
	struct spool_seg *s = &sp->segs[0];
	uint32_t hseg;
	uint64_t hoff, n;
	unsigned i, j;

	spool_head(sp, &hseg, &hoff);
	n = spool_seg_count(sp, s->no, hseg == s->no ? hoff : 0, s->size);
	sp->dropped += n;
	log_debug("spool: full (%" PRIu64 " bytes): dropping segment %08" PRIx32
	          " with %" PRIu64 " unsent records",
	          sp->total, s->no, n);

	for (i = j = 0; i < sp->ninflight; i++)
		if ((uint32_t)(sp->inflight[i] >> 32) != s->no)
			sp->inflight[j++] = sp->inflight[i];
	sp->ninflight = j;
	if (sp->cur_seg == s->no) {
		sp->cur_seg = sp->nsegs > 1 ? sp->segs[1].no : sp->last_no + 1;
		sp->cur_off = 0;
	}
	spool_seg_unlink_oldest(sp);
}

int
spool_append(struct spool *sp, const char *topic, const void *payload,
             size_t len, bool retain, int64_t ts, uint64_t seq)
{
	struct spool_seg *last;
	size_t tlen = strlen(topic), reclen;

	if (tlen == 0 || tlen > WIRE_TOPIC_MAX - 1 || len > WIRE_MAX_PAYLOAD) {
		errno = tlen == 0 || tlen >= WIRE_TOPIC_MAX ? EINVAL : E2BIG;
		return -1;
	}
	reclen = SPOOL_HDR + tlen + len;
	if (reclen > sp->max_bytes) {
		errno = E2BIG;
		return -1;
	}
	while (sp->nsegs > 0 && sp->total + reclen > sp->max_bytes)
		spool_drop_oldest(sp);
	last = sp->nsegs > 0 ? &sp->segs[sp->nsegs - 1] : NULL;
	if (last == NULL || sp->wfd < 0 ||
	    (last->size > 0 && last->size + reclen > sp->seg_max)) {
		/* a full disk: one retry in the reserve (spool_full.c) */
		if (spool_seg_create(sp) != 0 &&
		    (!spool_full_hit(sp, errno) || spool_seg_create(sp) != 0))
			goto fail;
		spool_trim(sp);
		last = &sp->segs[sp->nsegs - 1];
	}

	if (spool_seg_write_rec(sp, topic, tlen, payload, len, retain, ts,
	                        seq) != 0 &&
	    (!spool_full_hit(sp, errno) ||
	     spool_seg_write_rec(sp, topic, tlen, payload, len, retain, ts,
	                         seq) != 0))
		goto fail;
	last->size += reclen;
	sp->total += reclen;
	if (seq > 0 && spool_state_seq_seen(sp, topic, tlen, seq) == 0)
		sp->state_dirty = true;
	return 0;
fail:
	/* no room even after the reserve: dropped and counted, not logged */
	if (spool_full_errno(errno))
		spool_full_lost(sp);
	return -1;
}

int
spool_seq_next(struct spool *sp, const char *topic, uint64_t *seq)
{
	struct spool_seq *s;

	if ((s = spool_state_seq(sp, topic, strlen(topic), true)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	*seq = s->next++;
	sp->state_dirty = true;
	return 0;
}

int
spool_sync(struct spool *sp)
{
	if (sp->wfd >= 0 && sp->nsegs > 0 &&
	    sp->synced < sp->segs[sp->nsegs - 1].size) {
		if (fdatasync(sp->wfd) != 0)
			return -1;
		sp->synced = sp->segs[sp->nsegs - 1].size;
	}
	if (sp->state_dirty) {
		/* the state file is rewritten whole: it may need the reserve */
		if (spool_state_write(sp) != 0 &&
		    (!spool_full_hit(sp, errno) || spool_state_write(sp) != 0))
			return -1;
		sp->state_dirty = false;
		sp->dir_dirty = true;
	}
	if (sp->dir_dirty) {
		if (fsync(sp->dirfd) != 0)
			return -1;
		sp->dir_dirty = false;
	}
	spool_full_check(sp);
	return 0;
}

int
spool_next(struct spool *sp, struct spool_rec *rec)
{
	struct spool_hdr h;
	struct spool_seg *s;
	char name[32];
	uint64_t limit;
	ssize_t i, n;

	if (sp->ninflight >= sp->window)
		return 0;
	spool_trim(sp);
	if ((i = spool_seg_index(sp, sp->cur_seg)) < 0)
		return 0;
	s = &sp->segs[i];
	/* Only durable records leave: see the top of this file. */
	limit =
	    (size_t)i + 1 == sp->nsegs && sp->wfd >= 0 ? sp->synced : s->size;
	if (sp->cur_off >= limit)
		return 0;
	if (sp->rfd < 0 || sp->rfd_no != s->no) {
		if (sp->rfd >= 0)
			close(sp->rfd);
		spool_seg_name(name, sizeof(name), s->no);
		if ((sp->rfd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC)) <
		    0)
			return -1;
		sp->rfd_no = s->no;
	}
	n = spool_seg_read_rec(sp, sp->rfd, sp->cur_off, limit, &h);
	if (n < 0 && errno == EBADMSG) {
		/*
		 * Checked at open and written by us since: the disk changed
		 * under us.  Skip the rest of the segment rather than send
		 * garbage; the loss is counted.
		 */
		log_err("spool: corrupt record in %s/%08" PRIx32
		        ".seg at %" PRIu64 "; skipping the rest of the segment",
		        sp->dir, s->no, sp->cur_off);
		sp->dropped += 1;
		sp->state_dirty = true;
		sp->cur_off = s->size;
		return 0;
	}
	if (n <= 0)
		return n < 0 ? -1 : 0;

	memcpy(sp->topic, sp->buf + SPOOL_HDR, h.topic_len);
	sp->topic[h.topic_len] = '\0';
	rec->id = spool_id(s->no, sp->cur_off);
	rec->ts = h.ts;
	rec->seq = h.seq;
	rec->retain = (h.flags & SPOOL_RETAIN) != 0;
	rec->topic = sp->topic;
	rec->payload = sp->buf + SPOOL_HDR + h.topic_len;
	rec->len = h.len - h.topic_len;
	sp->inflight[sp->ninflight++] = rec->id;
	sp->cur_off += (uint64_t)n;
	return 1;
}

int
spool_ack(struct spool *sp, uint64_t id)
{
	unsigned i;

	for (i = 0; i < sp->ninflight; i++)
		if (sp->inflight[i] == id)
			break;
	if (i == sp->ninflight) {
		errno = ENOENT;
		return -1;
	}
	sp->ninflight--;
	memmove(sp->inflight + i, sp->inflight + i + 1,
	        (sp->ninflight - i) * sizeof(*sp->inflight));
	sp->state_dirty = true;
	spool_trim(sp);
	return 0;
}

void
spool_rewind(struct spool *sp)
{
	spool_head(sp, &sp->cur_seg, &sp->cur_off);
	sp->ninflight = 0;
}

void
spool_set_max(struct spool *sp, uint64_t max_bytes)
{
	sp->max_bytes = max_bytes;
	sp->seg_max = max_bytes / 8;
	if (sp->seg_max < SPOOL_SEG_MIN)
		sp->seg_max = SPOOL_SEG_MIN;
	if (sp->seg_max > SPOOL_SEG_MAX)
		sp->seg_max = SPOOL_SEG_MAX;
}

uint64_t
spool_dropped(const struct spool *sp)
{
	return sp->dropped;
}

uint64_t
spool_pending_bytes(const struct spool *sp)
{
	uint32_t hseg;
	uint64_t hoff;

	spool_head(sp, &hseg, &hoff);
	if (sp->nsegs > 0 && sp->segs[0].no == hseg)
		return sp->total - hoff;
	return sp->total;
}

unsigned
spool_inflight(const struct spool *sp)
{
	return sp->ninflight;
}

static int
spool_recover(struct spool *sp)
{
	uint32_t hseg;
	uint64_t hoff;
	bool boundary = false, b;
	size_t i;

	if (spool_state_read(sp, &hseg, &hoff) != 0 || spool_seg_list(sp) != 0)
		return -1;
	for (i = 0; i < sp->nsegs; i++) {
		if (spool_seg_scan(sp, i, sp->segs[i].no == hseg ? hoff : 0,
		                   &b) != 0)
			return -1;
		if (sp->segs[i].no == hseg)
			boundary = b;
	}
	/* Resume at the saved head when it is sound, else at the oldest. */
	if (spool_seg_index(sp, hseg) >= 0 && boundary) {
		sp->cur_seg = hseg;
		sp->cur_off = hoff;
	} else {
		sp->cur_seg = sp->nsegs > 0 ? sp->segs[0].no : sp->last_no + 1;
		sp->cur_off = 0;
	}
	spool_trim(sp);
	return 0;
}

struct spool *
spool_open(const char *dir, uint64_t max_bytes, unsigned window)
{
	struct spool *sp;
	char name[32];
	int saved;

	if ((sp = calloc(1, sizeof(*sp))) == NULL)
		return NULL;
	sp->dirfd = sp->wfd = sp->rfd = -1;
	sp->window = window > 0 ? window : 1;
	spool_set_max(sp, max_bytes);
	if ((sp->dir = strdup(dir)) == NULL ||
	    (sp->buf = malloc(SPOOL_HDR + SPOOL_BODY_MAX)) == NULL ||
	    (sp->inflight = calloc(sp->window, sizeof(*sp->inflight))) == NULL)
		goto fail;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_err("spool: cannot create %s: %s", dir, strerror(errno));
		goto fail;
	}
	if ((sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		log_err("spool: cannot open %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (spool_recover(sp) != 0)
		goto fail;
	spool_full_open(sp);

	/* Keep appending to the newest segment while it has room. */
	if (sp->nsegs > 0 && sp->segs[sp->nsegs - 1].size < sp->seg_max) {
		spool_seg_name(name, sizeof(name), sp->segs[sp->nsegs - 1].no);
		sp->wfd =
		    openat(sp->dirfd, name, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (sp->wfd < 0)
			goto fail;
		sp->synced = sp->segs[sp->nsegs - 1].size;
	}
	log_debug("spool: %s: %zu segments, %" PRIu64 " bytes pending", dir,
	          sp->nsegs, spool_pending_bytes(sp));
	return sp;
fail:
	saved = errno;
	spool_close(sp);
	errno = saved;
	return NULL;
}

void
spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->dirfd >= 0 && spool_sync(sp) != 0)
		log_err("spool: cannot sync %s: %s", sp->dir, strerror(errno));
	if (sp->wfd >= 0)
		close(sp->wfd);
	if (sp->rfd >= 0)
		close(sp->rfd);
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	spool_state_free(sp);
	free(sp->segs);
	free(sp->inflight);
	free(sp->buf);
	free(sp->dir);
	free(sp);
}
