/*
 * journal.c: the collector's ingest journal, DATA/journal/NNN.log.
 *
 * libmosquitto sends the PUBACK of a QoS 1 message right after our message
 * callback returns; from then on the broker forgets the message.  Samples
 * still waiting in the write queue would die with the process, so the
 * callback appends every accepted metrics message here first (one write(2)
 * of a small record: it survives a crash or SIGKILL of the collector, not a
 * power cut, like the broker's own persistence between autosaves).  When
 * the writer reports records as written, journal_release() drops them: a
 * segment file whose records are all written is deleted, and the current
 * one is truncated when the queue runs empty.  At start, records of an
 * earlier run are replayed through the normal ingest path; what was in
 * fact written already is skipped as a duplicate by rrdstore.c.
 *
 * Record: "PJ1\n", topic length and payload length (uint32, host order),
 * topic, payload.  A torn record at the end of a file (a crash inside
 * write(2)) ends that file's replay.  Used by the event loop thread only.
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
#include <sys/uio.h>
#include <unistd.h>

#include "collector/collector.h"
#include "collector/diskfull.h"

#define JOURNAL_MAGIC "PJ1\n"
#define JOURNAL_ROTATE (8 * 1024 * 1024) /* bytes per file */
#define JOURNAL_TOPIC_MAX 4096

struct journal_seg {
	uint64_t num;
	uint64_t last; /* id of its last record */
};

struct journal {
	char *dir;
	int dirfd;
	int fd;       /* the current file */
	uint64_t num; /* its number */
	off_t size;
	uint64_t next_id;
	struct journal_seg *segs; /* closed files of this run */
	size_t nsegs;
	uint64_t *stale; /* files of an earlier run */
	size_t nstale;
	bool failed; /* logged once */
};

struct journal_hdr {
	char magic[4];
	uint32_t topic_len;
	uint32_t payload_len;
};

static void
journal_name(uint64_t num, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%020" PRIu64 ".log", num);
}

static int
journal_start(struct journal *j)
{
	char name[32];

	journal_name(j->num, name, sizeof(name));
	j->fd = openat(j->dirfd, name,
	               O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	j->size = 0;
	return j->fd < 0 ? -1 : 0;
}

static int
journal_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Lists the files an earlier run left, oldest first. */
static int
journal_scan(struct journal *j)
{
	struct dirent *de;
	uint64_t num, *ns;
	char *end;
	size_t cap = 0;
	DIR *d;
	int fd;

	if ((fd = dup(j->dirfd)) < 0 || (d = fdopendir(fd)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		num = strtoull(de->d_name, &end, 10);
		if (strcmp(end, ".log") != 0)
			continue;
		if (j->nstale == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			if ((ns = reallocarray(j->stale, cap, sizeof(*ns))) ==
			    NULL) {
				closedir(d);
				return -1;
			}
			j->stale = ns;
		}
		j->stale[j->nstale++] = num;
	}
	closedir(d);
	if (j->nstale > 1)
		qsort(j->stale, j->nstale, sizeof(*j->stale), journal_cmp);
	return 0;
}

struct journal *
journal_open(const char *dir, char *err, size_t errsz)
{
	struct journal *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		goto fail_nomem;
	j->fd = -1;
	j->dirfd = -1;
	j->next_id = 1;
	if ((j->dir = strdup(dir)) == NULL)
		goto fail_nomem;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		goto fail_errno;
	if ((j->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto fail_errno;
	if (journal_scan(j) != 0)
		goto fail_errno;
	j->num = j->nstale > 0 ? j->stale[j->nstale - 1] + 1 : 1;
	if (journal_start(j) != 0)
		goto fail_errno;
	return j;

fail_errno:
	snprintf(err, errsz, "journal %s: %s", dir, strerror(errno));
	journal_close(j);
	return NULL;
fail_nomem:
	snprintf(err, errsz, "out of memory");
	journal_close(j);
	return NULL;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	if (j->fd >= 0)
		close(j->fd);
	if (j->dirfd >= 0)
		close(j->dirfd);
	free(j->segs);
	free(j->stale);
	free(j->dir);
	free(j);
}

/* Reads one whole file into a malloc'd buffer. */
static char *
journal_slurp(struct journal *j, uint64_t num, size_t *len)
{
	char name[32], *buf;
	struct stat st;
	ssize_t r;
	size_t got = 0;
	int fd;

	journal_name(num, name, sizeof(name));
	if ((fd = openat(j->dirfd, name, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) != 0 ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	while (got < (size_t)st.st_size &&
	       (r = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)r;
	close(fd);
	*len = got;
	return buf;
}

long
journal_replay(struct journal *j, journal_fn *fn, void *arg)
{
	struct journal_hdr h;
	char name[32], topic[JOURNAL_TOPIC_MAX + 1], *buf;
	size_t len, off;
	long n = 0;
	size_t i;

	for (i = 0; i < j->nstale; i++) {
		if ((buf = journal_slurp(j, j->stale[i], &len)) == NULL) {
			log_err("journal: cannot read file %" PRIu64 " in %s:"
			        " %s",
			        j->stale[i], j->dir, strerror(errno));
			return -1;
		}
		for (off = 0; off + sizeof(h) <= len;) {
			memcpy(&h, buf + off, sizeof(h));
			if (memcmp(h.magic, JOURNAL_MAGIC, 4) != 0 ||
			    h.topic_len > JOURNAL_TOPIC_MAX ||
			    len - off - sizeof(h) <
			        (size_t)h.topic_len + h.payload_len) {
				log_warn("journal: file %" PRIu64 " ends in a "
				         "torn record at %zu; rest ignored",
				         j->stale[i], off);
				break;
			}
			off += sizeof(h);
			memcpy(topic, buf + off, h.topic_len);
			topic[h.topic_len] = '\0';
			off += h.topic_len;
			fn(arg, topic, buf + off, h.payload_len);
			off += h.payload_len;
			n++;
		}
		free(buf);
	}
	/* everything is in the current file again by now */
	for (i = 0; i < j->nstale; i++) {
		journal_name(j->stale[i], name, sizeof(name));
		unlinkat(j->dirfd, name, 0);
	}
	j->nstale = 0;
	return n;
}

/* Closes the current file (keeping it until written) and starts a new one. */
static void
journal_rotate(struct journal *j)
{
	struct journal_seg *ns;

	if ((ns = reallocarray(j->segs, j->nsegs + 1, sizeof(*ns))) == NULL)
		return; /* keep appending to the big file */
	j->segs = ns;
	j->segs[j->nsegs].num = j->num;
	j->segs[j->nsegs].last = j->next_id - 1;
	j->nsegs++;
	close(j->fd);
	j->num++;
	if (journal_start(j) != 0)
		log_err("journal: cannot start a file in %s: %s", j->dir,
		        strerror(errno));
}

uint64_t
journal_append(struct journal *j, const char *topic, const void *payload,
               size_t len)
{
	struct journal_hdr h;
	struct iovec iov[3];
	size_t tlen = strlen(topic), total;
	ssize_t r;

	if (j->fd < 0 || tlen > JOURNAL_TOPIC_MAX || len > UINT32_MAX)
		return 0;
	memcpy(h.magic, JOURNAL_MAGIC, 4);
	h.topic_len = (uint32_t)tlen;
	h.payload_len = (uint32_t)len;
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = (void *)(uintptr_t)topic;
	iov[1].iov_len = tlen;
	iov[2].iov_base = (void *)(uintptr_t)payload;
	iov[2].iov_len = len;
	total = sizeof(h) + tlen + len;
	if ((r = writev(j->fd, iov, 3)) != (ssize_t)total) {
		/* no room: the collector pauses MQTT (diskfull.c) */
		if (r < 0)
			diskfull_hit(errno, "the journal");
		if (!j->failed)
			log_err("journal: cannot write to %s: %s", j->dir,
			        r < 0 ? strerror(errno) : "short write");
		j->failed = true;
		/* a short write leaves a torn record: start over cleanly */
		if (r > 0 && ftruncate(j->fd, j->size) != 0)
			journal_rotate(j);
		return 0;
	}
	if (j->failed)
		log_info("journal: writing to %s again", j->dir);
	j->failed = false;
	j->size += (off_t)total;
	if (j->size >= JOURNAL_ROTATE)
		journal_rotate(j);
	return j->next_id++;
}

void
journal_release(struct journal *j, uint64_t done)
{
	char name[32];
	size_t i, k = 0;

	for (i = 0; i < j->nsegs; i++) {
		if (j->segs[i].last <= done) {
			journal_name(j->segs[i].num, name, sizeof(name));
			unlinkat(j->dirfd, name, 0);
		} else {
			j->segs[k++] = j->segs[i];
		}
	}
	j->nsegs = k;
	if (j->fd >= 0 && j->size > 0 && j->next_id - 1 <= done &&
	    ftruncate(j->fd, 0) == 0)
		j->size = 0;
}
