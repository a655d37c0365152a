/*
 * spool_state.c: the spool's state file and its seq counters.
 *
 * The state file holds what the segments alone cannot say: the seq counters
 * (they outlive their records), the drop count, the highest segment number
 * used and the position of the oldest unacknowledged record.  It is
 * rewritten whole at each spool_sync() that changed it (temporary file,
 * fdatasync, rename), so it is always either the old or the new one.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/spool_priv.h"

struct spool_seq *
spool_state_seq(struct spool *sp, const char *topic, size_t tlen, bool add)
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
int
spool_state_seq_seen(struct spool *sp, const char *topic, size_t tlen,
                     uint64_t seq)
{
	struct spool_seq *s;

	if ((s = spool_state_seq(sp, topic, tlen, true)) == NULL)
		return -1;
	if (seq >= s->next)
		s->next = seq + 1;
	return 0;
}

/* Writes the state file atomically (temporary file, fdatasync, rename). */
int
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

/*
 * Reads the state file, if any.  Unknown or malformed lines are ignored:
 * the segments themselves are the truth, the state only saves resending
 * and keeps seq counters that outlive their records.
 */
int
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
		         spool_state_seq_seen(sp, topic, strlen(topic),
		                              b - 1) != 0) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

void
spool_state_free(struct spool *sp)
{
	size_t i;

	for (i = 0; i < sp->nseqs; i++)
		free(sp->seqs[i].topic);
	free(sp->seqs);
	sp->seqs = NULL;
	sp->nseqs = 0;
}
