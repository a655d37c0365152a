/*
 * spool_priv.h: what the spool's files share behind agent.h.
 *
 * spool.c is the queue (append, hand out, ack, bound, recovery at open);
 * spool_seg.c the segment files and the checksummed records in them;
 * spool_state.c the state file and the seq counters it persists.  The
 * layout on disk is described at the top of spool.c.
 */
#ifndef PANTAU_AGENT_SPOOL_PRIV_H
#define PANTAU_AGENT_SPOOL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "agent/agent.h"

#define SPOOL_MAGIC 0x31525350u /* "PSR1" on little-endian hosts */
#define SPOOL_VERSION 1
#define SPOOL_HDR 32
#define SPOOL_RETAIN 0x01
#define SPOOL_BODY_MAX (WIRE_MAX_PAYLOAD + WIRE_TOPIC_MAX)
#define SPOOL_SEG_MIN (4 * 1024)
#define SPOOL_SEG_MAX (1024 * 1024)
#define SPOOL_STATE "state"
#define SPOOL_RESERVE "reserve" /* room kept for a full disk: spool_full.c */
#define SPOOL_RESERVE_BYTES (64 * 1024)

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
	/* a full disk (spool_full.c) */
	bool disk_full;
	bool full_changed;        /* not yet reported by spool_full_news() */
	uint64_t full_dropped_at; /* 'dropped' when the disk filled */
	uint64_t full_dropped;    /* of 'dropped', for want of space */
	struct spool_seq *seqs;
	size_t nseqs;

	unsigned char *buf; /* one record */
	char topic[WIRE_TOPIC_MAX + 1];
};

/* spool.c */

/* The oldest record not acknowledged. */
void spool_head(const struct spool *sp, uint32_t *seg, uint64_t *off);

/* spool_seg.c */

void spool_seg_name(char *buf, size_t sz, uint32_t no);
/* The index of segment 'no' in sp->segs, or -1. */
ssize_t spool_seg_index(const struct spool *sp, uint32_t no);
/*
 * Reads and checks the record at 'off' of 'fd' (limit: the valid end) into
 * sp->buf.  Returns the record's length, 0 at the end, -1 when the record
 * is torn or corrupt (errno EBADMSG) or unreadable.
 */
ssize_t spool_seg_read_rec(struct spool *sp, int fd, uint64_t off,
                           uint64_t limit, struct spool_hdr *h);
/*
 * Writes one record at the end of the newest segment (sp->wfd), built in
 * sp->buf.  Returns 0, or -1 with errno set and the segment unchanged.
 */
int spool_seg_write_rec(struct spool *sp, const char *topic, size_t tlen,
                        const void *payload, size_t len, bool retain,
                        int64_t ts, uint64_t seq);
int spool_seg_push(struct spool *sp, uint32_t no, uint64_t size);
/* Deletes the oldest segment's file and entry. */
void spool_seg_unlink_oldest(struct spool *sp);
/* Counts the records of segment 'no' from 'off' on (headers only). */
uint64_t spool_seg_count(struct spool *sp, uint32_t no, uint64_t off,
                         uint64_t size);
/*
 * Starts a new newest segment, after making the current one durable.
 * The caller trims finished segments afterwards.
 */
int spool_seg_create(struct spool *sp);
/* Lists the segment files into sp->segs, sorted, sizes not yet checked. */
int spool_seg_list(struct spool *sp);
/*
 * Checks every record of segment i, sets its size to the valid part and
 * cuts off a torn or corrupt tail.  *boundary tells whether 'hoff' is a
 * record boundary (when this is the head segment).
 */
int spool_seg_scan(struct spool *sp, size_t i, uint64_t hoff, bool *boundary);

/* spool_full.c */

/* Whether 'err' is ENOSPC or EDQUOT. */
bool spool_full_errno(int err);
/* At open, after recovery: makes the reserve, or starts out full. */
void spool_full_open(struct spool *sp);
/*
 * A write failed with 'err'.  When it is a full disk, marks the spool
 * full (logged once) and deletes the reserve; returns true when that freed
 * space, so the write is worth one retry.
 */
bool spool_full_hit(struct spool *sp, int err);
/* A record that did not fit is dropped: counted, not logged. */
void spool_full_lost(struct spool *sp);
/* At each sync while full: space is back once the reserve fits again. */
void spool_full_check(struct spool *sp);

/* spool_state.c */

/* The counter for 'topic' (tlen bytes); with 'add' created at 1. */
struct spool_seq *spool_state_seq(struct spool *sp, const char *topic,
                                  size_t tlen, bool add);
/* A seq found on disk: the counter must go past it.  0, or -1 (ENOMEM). */
int spool_state_seq_seen(struct spool *sp, const char *topic, size_t tlen,
                         uint64_t seq);
/* Reads the state file, if any, and the send position saved in it. */
int spool_state_read(struct spool *sp, uint32_t *hseg, uint64_t *hoff);
/* Writes the state file atomically (temporary file, fdatasync, rename). */
int spool_state_write(struct spool *sp);
void spool_state_free(struct spool *sp);

#endif
