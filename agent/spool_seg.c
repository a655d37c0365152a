/*
 * spool_seg.c: the spool's segment files and the records in them.
 *
 * A segment is a run of records:
 *
 *   magic u32 | crc u32 | len u32 | topic_len u16 | flags u8 | version u8 |
 *   ts i64 | seq u64 | topic (topic_len bytes) | payload (len - topic_len)
 *
 * in host byte order (a spool never moves between machines).  The CRC32C
 * covers everything after the crc field, so a torn write, a zeroed page or a
 * flipped bit is caught; spool_seg_scan() cuts off the first bad record and
 * everything after it in that segment, so it is never replayed.  Which
 * segments exist and where sending stands is spool.c's business.
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

#include "agent/spool_priv.h"

static uint32_t spool_seg_crc_table[256];

/* CRC32C (Castagnoli), reflected, table-driven. */
static uint32_t
spool_seg_crc(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t c;
	int i, k;

	if (spool_seg_crc_table[1] == 0) {
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
			spool_seg_crc_table[i] = c;
		}
	}
	crc = ~crc;
	while (len-- > 0)
		crc = spool_seg_crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* The checksum of a record whose header and body are contiguous in 'rec'. */
static uint32_t
spool_seg_rec_crc(const unsigned char *rec, size_t body_len)
{
	return spool_seg_crc(0, rec + 8, SPOOL_HDR - 8 + body_len);
}

void
spool_seg_name(char *buf, size_t sz, uint32_t no)
{
	snprintf(buf, sz, "%08" PRIx32 ".seg", no);
}

ssize_t
spool_seg_index(const struct spool *sp, uint32_t no)
{
	size_t i;

	for (i = 0; i < sp->nsegs; i++)
		if (sp->segs[i].no == no)
			return (ssize_t)i;
	return -1;
}

static int
spool_seg_pread_full(int fd, void *buf, size_t len, uint64_t off)
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
ssize_t
spool_seg_read_rec(struct spool *sp, int fd, uint64_t off, uint64_t limit,
                   struct spool_hdr *h)
{
	if (off >= limit)
		return 0;
	if (limit - off < SPOOL_HDR)
		goto bad;
	if (spool_seg_pread_full(fd, sp->buf, SPOOL_HDR, off) != 0)
		return -1;
	memcpy(h, sp->buf, SPOOL_HDR);
	if (h->magic != SPOOL_MAGIC || h->version != SPOOL_VERSION ||
	    h->topic_len == 0 || h->topic_len > WIRE_TOPIC_MAX - 1 ||
	    h->len < h->topic_len || h->len > SPOOL_BODY_MAX ||
	    limit - off - SPOOL_HDR < h->len)
		goto bad;
	if (spool_seg_pread_full(fd, sp->buf + SPOOL_HDR, h->len,
	                         off + SPOOL_HDR) != 0)
		return -1;
	if (spool_seg_rec_crc(sp->buf, h->len) != h->crc)
		goto bad;
	return (ssize_t)(SPOOL_HDR + h->len);
bad:
	errno = EBADMSG;
	return -1;
}

int
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
void
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

/* Counts the records of segment 'no' from 'off' on (headers only). */
uint64_t
spool_seg_count(struct spool *sp, uint32_t no, uint64_t off, uint64_t size)
{
	struct spool_hdr h;
	char name[32];
	uint64_t n = 0;
	int fd;

	spool_seg_name(name, sizeof(name), no);
	if ((fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	while (off + SPOOL_HDR <= size &&
	       spool_seg_pread_full(fd, &h, SPOOL_HDR, off) == 0 &&
	       h.magic == SPOOL_MAGIC) {
		n++;
		off += SPOOL_HDR + h.len;
	}
	close(fd);
	return n;
}

/* Starts a new newest segment, after making the current one durable. */
int
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
	return 0;
}

static int
spool_seg_write_full(int fd, const void *buf, size_t len)
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
spool_seg_write_rec(struct spool *sp, const char *topic, size_t tlen,
                    const void *payload, size_t len, bool retain, int64_t ts,
                    uint64_t seq)
{
	struct spool_hdr h;
	uint64_t size = sp->segs[sp->nsegs - 1].size;
	size_t reclen = SPOOL_HDR + tlen + len;
	int saved;

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
	h.crc = spool_seg_rec_crc(sp->buf, h.len);
	memcpy(sp->buf + 4, &h.crc, sizeof(h.crc));

	if (spool_seg_write_full(sp->wfd, sp->buf, reclen) != 0) {
		saved = errno;
		/* Take back a partial record so the segment stays whole. */
		if (ftruncate(sp->wfd, (off_t)size) != 0)
			log_err("spool: cannot truncate %s after a failed "
			        "write: %s",
			        sp->dir, strerror(errno));
		errno = saved;
		return -1;
	}
	return 0;
}

static int
spool_seg_cmp(const void *a, const void *b)
{
	const struct spool_seg *x = a, *y = b;

	return x->no < y->no ? -1 : x->no > y->no;
}

/* Lists the segment files into sp->segs, sorted, sizes not yet checked. */
int
spool_seg_list(struct spool *sp)
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
		qsort(sp->segs, sp->nsegs, sizeof(*sp->segs), spool_seg_cmp);
	return 0;
}

/*
 * Checks every record of segment i, sets its size to the valid part and
 * cuts off a torn or corrupt tail.  *boundary tells whether 'hoff' is a
 * record boundary (when this is the head segment).
 */
int
spool_seg_scan(struct spool *sp, size_t i, uint64_t hoff, bool *boundary)
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
	while ((n = spool_seg_read_rec(sp, fd, off, (uint64_t)st.st_size, &h)) >
	       0) {
		if (h.seq > 0 &&
		    spool_state_seq_seen(sp, (const char *)sp->buf + SPOOL_HDR,
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
