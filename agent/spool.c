/*
 * spool.c: the agent's on-disk queue; nothing is published that is not in
 * it first, and nothing leaves it before the broker acknowledged it.
 *
 * Layout of the spool directory (docs/agent.md has the full story):
 *
 *   00000001.seg 00000002.seg ...   append-only segments, oldest first
 *   state                           seq counters, drop count, send position
 *
 * A segment is a run of records:
 *
 *   magic u32 | crc u32 | len u32 | topic_len u16 | flags u8 | version u8 |
 *   ts i64 | seq u64 | topic (topic_len bytes) | payload (len - topic_len)
 *
 * in host byte order (a spool never moves between machines).  The CRC32C
 * covers everything after the crc field, so a torn write, a zeroed page or a
 * flipped bit is caught; at open the first bad record and everything after
 * it in that segment is cut off, never replayed.
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
 * records are counted in 'dropped', which the agent publishes.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent.h"

#define SPOOL_MAGIC 0x31525350u /* "PSR1" on little-endian hosts */
#define SPOOL_VERSION 1
#define SPOOL_HDR 32
#define SPOOL_RETAIN 0x01
#define SPOOL_BODY_MAX (WIRE_MAX_PAYLOAD + WIRE_TOPIC_MAX)
#define SPOOL_SEG_MIN (4 * 1024)
#define SPOOL_SEG_MAX (1024 * 1024)
#define SPOOL_STATE "state"

struct spool_hdr {
	uint32_t magic;
	uint32_t crc;
	uint32_t len;
	uint16_t topic_len;
	uint8_t flags;
	uint8_t version;
	int64_t ts;
	uint64_t seq;
};

_Static_assert(sizeof(struct spool_hdr) == SPOOL_HDR, "record header size");

struct spool_seg {
	uint32_t no;
	uint64_t size; /* bytes of valid records */
};

struct spool_seq {
	char *topic;
	uint64_t next;
};

struct spool {
	char *dir;
	int dirfd;
	uint64_t max_bytes;
	uint64_t seg_max;
	unsigned window;

	struct spool_seg *segs; /* oldest first */
	size_t nsegs, capsegs;
	uint32_t last_no; /* highest segment number used */
	uint64_t total;   /* bytes in all segments */
	int wfd;          /* newest segment, or -1 */
	uint64_t synced;  /* durable bytes of the newest */
	bool dir_dirty;
	bool state_dirty;

	uint32_t cur_seg; /* next record to hand out */
	uint64_t cur_off;
	int rfd;
	uint32_t rfd_no;
	uint64_t *inflight; /* ids, in the order handed out */
	unsigned ninflight;

	uint64_t dropped;
	struct spool_seq *seqs;
	size_t nseqs;

	unsigned char *buf; /* one record */
	char topic[WIRE_TOPIC_MAX + 1];
};

static uint32_t spool_crc_table[256];

/* CRC32C (Castagnoli), reflected, table-driven. */
static uint32_t
spool_crc(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t c;
	int i, k;

	if (spool_crc_table[1] == 0) {
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
			spool_crc_table[i] = c;
		}
	}
	crc = ~crc;
	while (len-- > 0)
		crc = spool_crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* The checksum of a record whose header and body are contiguous in 'rec'. */
static uint32_t
spool_rec_crc(const unsigned char *rec, size_t body_len)
{
	return spool_crc(0, rec + 8, SPOOL_HDR - 8 + body_len);
}

static uint64_t
spool_id(uint32_t seg, uint64_t off)
{
	return (uint64_t)seg << 32 | off;
}

static void
spool_seg_name(char *buf, size_t sz, uint32_t no)
{
	snprintf(buf, sz, "%08" PRIx32 ".seg", no);
}

static ssize_t
spool_seg_index(const struct spool *sp, uint32_t no)
{
	size_t i;

	for (i = 0; i < sp->nsegs; i++)
		if (sp->segs[i].no == no)
			return (ssize_t)i;
	return -1;
}

static int
spool_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n;
	size_t done = 0;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done,
		          (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/*
 * Reads and checks the record at 'off' of 'fd' (limit: the valid end) into
 * sp->buf.  Returns the record's length, 0 at the end, -1 when the record
 * is torn or corrupt (errno EBADMSG) or unreadable.
 */
static ssize_t
spool_read_rec(struct spool *sp, int fd, uint64_t off, uint64_t limit,
               struct spool_hdr *h)
{
	if (off >= limit)
		return 0;
	if (limit - off < SPOOL_HDR)
		goto bad;
	if (spool_pread_full(fd, sp->buf, SPOOL_HDR, off) != 0)
		return -1;
	memcpy(h, sp->buf, SPOOL_HDR);
	if (h->magic != SPOOL_MAGIC || h->version != SPOOL_VERSION ||
	    h->topic_len == 0 || h->topic_len > WIRE_TOPIC_MAX - 1 ||
	    h->len < h->topic_len || h->len > SPOOL_BODY_MAX ||
	    limit - off - SPOOL_HDR < h->len)
		goto bad;
	if (spool_pread_full(fd, sp->buf + SPOOL_HDR, h->len,
	                     off + SPOOL_HDR) != 0)
		return -1;
	if (spool_rec_crc(sp->buf, h->len) != h->crc)
		goto bad;
	return (ssize_t)(SPOOL_HDR + h->len);
bad:
	errno = EBADMSG;
	return -1;
}

static struct spool_seq *
spool_seq_find(struct spool *sp, const char *topic, size_t tlen, bool add)
{
	struct spool_seq *n;
	size_t i;

	for (i = 0; i < sp->nseqs; i++)
		if (strlen(sp->seqs[i].topic) == tlen &&
		    memcmp(sp->seqs[i].topic, topic, tlen) == 0)
			return &sp->seqs[i];
	if (!add)
		return NULL;
	if ((n = realloc(sp->seqs, (sp->nseqs + 1) * sizeof(*n))) == NULL)
		return NULL;
	sp->seqs = n;
	n = &sp->seqs[sp->nseqs];
	if ((n->topic = strndup(topic, tlen)) == NULL)
		return NULL;
	n->next = 1;
	sp->nseqs++;
	return n;
}

/* A seq found on disk: the counter must go past it. */
static int
spool_seq_seen(struct spool *sp, const char *topic, size_t tlen, uint64_t seq)
{
	struct spool_seq *s;

	if ((s = spool_seq_find(sp, topic, tlen, true)) == NULL)
		return -1;
	if (seq >= s->next)
		s->next = seq + 1;
	return 0;
}

/* The oldest record not acknowledged. */
static void
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

static int
spool_seg_push(struct spool *sp, uint32_t no, uint64_t size)
{
	struct spool_seg *n;

	if (sp->nsegs == sp->capsegs) {
		size_t cap = sp->capsegs ? sp->capsegs * 2 : 8;

		if ((n = realloc(sp->segs, cap * sizeof(*n))) == NULL)
			return -1;
		sp->segs = n;
		sp->capsegs = cap;
	}
	sp->segs[sp->nsegs].no = no;
	sp->segs[sp->nsegs].size = size;
	sp->nsegs++;
	if (no > sp->last_no)
		sp->last_no = no;
	return 0;
}

/* Deletes the oldest segment's file and entry. */
static void
spool_seg_unlink_oldest(struct spool *sp)
{
	char name[32];

	spool_seg_name(name, sizeof(name), sp->segs[0].no);
	if (unlinkat(sp->dirfd, name, 0) != 0 && errno != ENOENT)
		log_warn("spool: cannot delete %s/%s: %s", sp->dir, name,
		         strerror(errno));
	if (sp->rfd >= 0 && sp->rfd_no == sp->segs[0].no) {
		close(sp->rfd);
		sp->rfd = -1;
	}
	if (sp->nsegs == 1 && sp->wfd >= 0) {
		close(sp->wfd);
		sp->wfd = -1;
	}
	sp->total -= sp->segs[0].size;
	sp->nsegs--;
	memmove(sp->segs, sp->segs + 1, sp->nsegs * sizeof(*sp->segs));
	sp->dir_dirty = true;
	sp->state_dirty = true;
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

/* Counts the records of segment 'no' from 'off' on (headers only). */
static uint64_t
spool_count(struct spool *sp, uint32_t no, uint64_t off, uint64_t size)
{
	struct spool_hdr h;
	char name[32];
	uint64_t n = 0;
	int fd;

	spool_seg_name(name, sizeof(name), no);
	if ((fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	while (off + SPOOL_HDR <= size &&
	       spool_pread_full(fd, &h, SPOOL_HDR, off) == 0 &&
	       h.magic == SPOOL_MAGIC) {
		n++;
		off += SPOOL_HDR + h.len;
	}
	close(fd);
	return n;
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
	n = spool_count(sp, s->no, hseg == s->no ? hoff : 0, s->size);
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

/* Starts a new newest segment, after making the current one durable. */
static int
spool_seg_create(struct spool *sp)
{
	char name[32];
	uint32_t no = sp->last_no + 1;
	bool orphan = spool_seg_index(sp, sp->cur_seg) < 0;
	int fd;

	if (sp->wfd >= 0) {
		if (sp->synced < sp->segs[sp->nsegs - 1].size &&
		    fdatasync(sp->wfd) != 0)
			return -1;
		close(sp->wfd);
		sp->wfd = -1;
	}
	spool_seg_name(name, sizeof(name), no);
	fd = openat(sp->dirfd, name,
	            O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (spool_seg_push(sp, no, 0) != 0) {
		close(fd);
		unlinkat(sp->dirfd, name, 0);
		return -1;
	}
	/* With nothing left to send, sending resumes in the new segment. */
	if (orphan) {
		sp->cur_seg = no;
		sp->cur_off = 0;
	}
	sp->wfd = fd;
	sp->synced = 0;
	sp->dir_dirty = true;
	sp->state_dirty = true;
	spool_trim(sp);
	return 0;
}

static int
spool_write_full(int fd, const void *buf, size_t len)
{
	ssize_t n;
	size_t done = 0;

	while (done < len) {
		n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int
spool_append(struct spool *sp, const char *topic, const void *payload,
             size_t len, bool retain, int64_t ts, uint64_t seq)
{
	struct spool_hdr h;
	struct spool_seg *last;
	size_t tlen = strlen(topic), reclen;
	int saved;

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
		if (spool_seg_create(sp) != 0)
			return -1;
		last = &sp->segs[sp->nsegs - 1];
	}

	memset(&h, 0, sizeof(h));
	h.magic = SPOOL_MAGIC;
	h.len = (uint32_t)(tlen + len);
	h.topic_len = (uint16_t)tlen;
	h.flags = retain ? SPOOL_RETAIN : 0;
	h.version = SPOOL_VERSION;
	h.ts = ts;
	h.seq = seq;
	memcpy(sp->buf, &h, SPOOL_HDR);
	memcpy(sp->buf + SPOOL_HDR, topic, tlen);
	if (len > 0)
		memcpy(sp->buf + SPOOL_HDR + tlen, payload, len);
	h.crc = spool_rec_crc(sp->buf, h.len);
	memcpy(sp->buf + 4, &h.crc, sizeof(h.crc));

	if (spool_write_full(sp->wfd, sp->buf, reclen) != 0) {
		saved = errno;
		/* Take back a partial record so the segment stays whole. */
		if (ftruncate(sp->wfd, (off_t)last->size) != 0)
			log_err("spool: cannot truncate %s after a failed "
			        "write: %s",
			        sp->dir, strerror(errno));
		errno = saved;
		return -1;
	}
	last->size += reclen;
	sp->total += reclen;
	if (seq > 0 && spool_seq_seen(sp, topic, tlen, seq) == 0)
		sp->state_dirty = true;
	return 0;
}

int
spool_seq_next(struct spool *sp, const char *topic, uint64_t *seq)
{
	struct spool_seq *s;

	if ((s = spool_seq_find(sp, topic, strlen(topic), true)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	*seq = s->next++;
	sp->state_dirty = true;
	return 0;
}

/* Writes the state file atomically (temporary file, fdatasync, rename). */
static int
spool_state_write(struct spool *sp)
{
	uint32_t hseg;
	uint64_t hoff;
	FILE *f;
	size_t i;
	int fd, r;

	fd = openat(sp->dirfd, SPOOL_STATE ".tmp",
	            O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	spool_head(sp, &hseg, &hoff);
	fprintf(f,
	        "pantau-spool %d\nsegment %" PRIu32 "\nhead %" PRIu32
	        " %" PRIu64 "\ndropped %" PRIu64 "\n",
	        SPOOL_VERSION, sp->last_no, hseg, hoff, sp->dropped);
	for (i = 0; i < sp->nseqs; i++)
		fprintf(f, "seq %" PRIu64 " %s\n", sp->seqs[i].next,
		        sp->seqs[i].topic);
	r = fflush(f) == 0 && fdatasync(fd) == 0 ? 0 : -1;
	if (fclose(f) != 0)
		r = -1;
	if (r == 0 && renameat(sp->dirfd, SPOOL_STATE ".tmp", sp->dirfd,
	                       SPOOL_STATE) != 0)
		r = -1;
	return r;
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
		if (spool_state_write(sp) != 0)
			return -1;
		sp->state_dirty = false;
		sp->dir_dirty = true;
	}
	if (sp->dir_dirty) {
		if (fsync(sp->dirfd) != 0)
			return -1;
		sp->dir_dirty = false;
	}
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
	n = spool_read_rec(sp, sp->rfd, sp->cur_off, limit, &h);
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

/*
 * Reads the state file, if any.  Unknown or malformed lines are ignored:
 * the segments themselves are the truth, the state only saves resending
 * and keeps seq counters that outlive their records.
 */
static int
spool_state_read(struct spool *sp, uint32_t *hseg, uint64_t *hoff)
{
	char line[WIRE_TOPIC_MAX + 64], topic[WIRE_TOPIC_MAX];
	uint64_t a, b;
	uint32_t u;
	FILE *f;
	int fd;

	*hseg = 0;
	*hoff = 0;
	if ((fd = openat(sp->dirfd, SPOOL_STATE, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : -1;
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "segment %" SCNu32, &u) == 1 &&
		    u > sp->last_no)
			sp->last_no = u;
		else if (sscanf(line, "head %" SCNu32 " %" SCNu64, &u, &a) ==
		         2) {
			*hseg = u;
			*hoff = a;
		} else if (sscanf(line, "dropped %" SCNu64, &a) == 1)
			sp->dropped = a;
		else if (sscanf(line, "seq %" SCNu64 " %159s", &b, topic) ==
		             2 &&
		         b > 0 &&
		         spool_seq_seen(sp, topic, strlen(topic), b - 1) != 0) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static int
spool_cmp_no(const void *a, const void *b)
{
	const struct spool_seg *x = a, *y = b;

	return x->no < y->no ? -1 : x->no > y->no;
}

/* Lists the segment files into sp->segs, sorted, sizes not yet checked. */
static int
spool_list(struct spool *sp)
{
	struct dirent *de;
	char name[32];
	uint32_t no;
	DIR *d;
	int fd;

	if ((fd = dup(sp->dirfd)) < 0)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != 12 ||
		    sscanf(de->d_name, "%8" SCNx32, &no) != 1)
			continue;
		spool_seg_name(name, sizeof(name), no);
		if (strcmp(name, de->d_name) != 0)
			continue;
		if (spool_seg_push(sp, no, 0) != 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	if (sp->nsegs > 1)
		qsort(sp->segs, sp->nsegs, sizeof(*sp->segs), spool_cmp_no);
	return 0;
}

/*
 * Checks every record of segment i, sets its size to the valid part and
 * cuts off a torn or corrupt tail.  *boundary tells whether 'hoff' is a
 * record boundary (when this is the head segment).
 */
static int
spool_scan_seg(struct spool *sp, size_t i, uint64_t hoff, bool *boundary)
{
	struct spool_seg *s = &sp->segs[i];
	struct spool_hdr h;
	struct stat st;
	char name[32];
	uint64_t off = 0;
	ssize_t n;
	int fd;

	spool_seg_name(name, sizeof(name), s->no);
	if ((fd = openat(sp->dirfd, name, O_RDWR | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0)
		goto fail;
	*boundary = hoff == 0;
	while ((n = spool_read_rec(sp, fd, off, (uint64_t)st.st_size, &h)) >
	       0) {
		if (h.seq > 0 &&
		    spool_seq_seen(sp, (const char *)sp->buf + SPOOL_HDR,
		                   h.topic_len, h.seq) != 0)
			goto fail;
		off += (uint64_t)n;
		if (off == hoff)
			*boundary = true;
	}
	if (n < 0 && errno != EBADMSG)
		goto fail;
	if (off < (uint64_t)st.st_size) {
		log_warn("spool: %s/%s: discarding %" PRIu64 " bytes of a "
		         "torn or corrupt record at offset %" PRIu64,
		         sp->dir, name, (uint64_t)st.st_size - off, off);
		if (ftruncate(fd, (off_t)off) != 0)
			goto fail;
	}
	/* A killed agent leaves unsynced records: make them durable now. */
	if (fdatasync(fd) != 0)
		goto fail;
	s->size = off;
	sp->total += off;
	close(fd);
	return 0;
fail:
	log_err("spool: %s/%s: %s", sp->dir, name, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int
spool_recover(struct spool *sp)
{
	uint32_t hseg;
	uint64_t hoff;
	bool boundary = false, b;
	size_t i;

	if (spool_state_read(sp, &hseg, &hoff) != 0 || spool_list(sp) != 0)
		return -1;
	for (i = 0; i < sp->nsegs; i++) {
		if (spool_scan_seg(sp, i, sp->segs[i].no == hseg ? hoff : 0,
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
	size_t i;

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
	for (i = 0; i < sp->nseqs; i++)
		free(sp->seqs[i].topic);
	free(sp->seqs);
	free(sp->segs);
	free(sp->inflight);
	free(sp->buf);
	free(sp->dir);
	free(sp);
}
