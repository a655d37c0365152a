/*
 * cups_ipp.c: reading CUPS' IPP answers into plain structs, and the rules
 * that decide what a job's numbers mean (docs/printing.md).
 *
 * Nothing here talks to a server: cups_poll.c sends the requests and
 * hands the responses to these functions, and the unit tests build the
 * responses by hand.  Attribute values are taken only with the value tag
 * CUPS documents for them, so a no-value (time-at-completed of a pending
 * job) or an unexpected type reads as "absent", never as 0.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/cups_poll.h"

bool
cups_ipp_final(int state)
{
	return state == IPP_JSTATE_CANCELED || state == IPP_JSTATE_ABORTED ||
	       state == IPP_JSTATE_COMPLETED;
}

int
cups_ipp_pages(const struct cups_job *j, const struct cups_queue *q)
{
	if (q != NULL && q->raw)
		return -1;
	if (j->impressions > 0)
		return j->impressions;
	if (j->sheets > 0)
		return j->sheets;
	/*
	 * Zero (or nothing) counted: believable only for a job that never
	 * finished on a queue we know runs a counting driver.
	 */
	if (q != NULL &&
	    (j->state == IPP_JSTATE_CANCELED ||
	     j->state == IPP_JSTATE_ABORTED) &&
	    j->impressions == 0)
		return 0;
	return -1;
}

int
cups_ipp_rollover(int next_id, int lowest_new, int *from, int *to)
{
	if (next_id <= 1 || lowest_new <= next_id)
		return 0;
	*from = next_id;
	*to = lowest_new - 1;
	return 1;
}

void
cups_ipp_result_clear(struct cups_result *r)
{
	free(r->jobs);
	free(r->queues);
	memset(r, 0, sizeof(*r));
}

/* Copies a string attribute's first value, cut to fit. */
static void
cups_ipp_str(ipp_attribute_t *a, char *buf, size_t bufsz)
{
	const char *v = ippGetString(a, 0, NULL);

	if (v != NULL)
		snprintf(buf, bufsz, "%s", v);
}

/* An integer or enum attribute's first value, or -1 when it has none. */
static int
cups_ipp_int(ipp_attribute_t *a)
{
	ipp_tag_t t = ippGetValueTag(a);

	if (t != IPP_TAG_INTEGER && t != IPP_TAG_ENUM)
		return -1;
	return ippGetInteger(a, 0);
}

/*
 * The queue name from a printer URI ("ipp://localhost:631/printers/psq",
 * "/classes/office"): the last part of the resource, %-decoded by
 * httpSeparateURI().
 */
static void
cups_ipp_queue(const char *uri, char *buf, size_t bufsz)
{
	char scheme[32], user[256], host[256], resource[1024];
	const char *slash;
	int port;

	if (httpSeparateURI(HTTP_URI_CODING_ALL, uri, scheme, sizeof(scheme),
	                    user, sizeof(user), host, sizeof(host), &port,
	                    resource, sizeof(resource)) < HTTP_URI_STATUS_OK)
		return;
	if ((slash = strrchr(resource, '/')) != NULL)
		snprintf(buf, bufsz, "%s", slash + 1);
}

static void
cups_ipp_job_init(struct cups_job *j)
{
	memset(j, 0, sizeof(*j));
	j->impressions = j->sheets = j->copies = j->k_octets = -1;
}

/* Sets one field of *j from attribute 'a'. */
static void
cups_ipp_job_attr(struct cups_job *j, ipp_attribute_t *a, bool keep_titles)
{
	const char *name = ippGetName(a);
	char uri[CUPS_URI_MAX] = "";
	int v = cups_ipp_int(a);

	if (strcmp(name, "job-id") == 0)
		j->id = v;
	else if (strcmp(name, "job-printer-uri") == 0) {
		cups_ipp_str(a, uri, sizeof(uri));
		cups_ipp_queue(uri, j->queue, sizeof(j->queue));
	} else if (strcmp(name, "job-originating-user-name") == 0)
		cups_ipp_str(a, j->user, sizeof(j->user));
	else if (strcmp(name, "job-name") == 0 && keep_titles)
		cups_ipp_str(a, j->title, sizeof(j->title));
	else if (strcmp(name, "job-impressions-completed") == 0)
		j->impressions = v;
	else if (strcmp(name, "job-media-sheets-completed") == 0)
		j->sheets = v;
	else if (strcmp(name, "copies") == 0)
		j->copies = v;
	else if (strcmp(name, "job-k-octets") == 0)
		j->k_octets = v;
	else if (strcmp(name, "time-at-creation") == 0)
		j->created = v > 0 ? v : 0;
	else if (strcmp(name, "time-at-completed") == 0)
		j->completed = v > 0 ? v : 0;
	else if (strcmp(name, "job-state") == 0)
		j->state = v;
}

/*
 * The arrays grow by doubling without a capacity field: an array of n
 * entries always has room for the next power of two, so it is full
 * exactly when n is 0 or a power of two (10,000 jobs by one realloc each
 * took minutes under ASan, which copies on every realloc).
 */
#define CUPS_IPP_GROW(n) ((n) == 0 || ((n) & ((n)-1)) == 0)
#define CUPS_IPP_CAP(n) ((n) == 0 ? 1 : 2 * (n))

/* Appends *j to the array *arr of *n entries. */
static int
cups_ipp_job_append(struct cups_job **arr, size_t *n, const struct cups_job *j)
{
	struct cups_job *p = *arr;

	if (CUPS_IPP_GROW(*n)) {
		if ((p = realloc(*arr, CUPS_IPP_CAP(*n) * sizeof(*p))) == NULL)
			return -1;
		*arr = p;
	}
	p[(*n)++] = *j;
	return 0;
}

static int
cups_ipp_queue_append(struct cups_queue **arr, size_t *n,
                      const struct cups_queue *q)
{
	struct cups_queue *p = *arr;

	if (CUPS_IPP_GROW(*n)) {
		if ((p = realloc(*arr, CUPS_IPP_CAP(*n) * sizeof(*p))) == NULL)
			return -1;
		*arr = p;
	}
	p[(*n)++] = *q;
	return 0;
}

int
cups_ipp_jobs(ipp_t *resp, bool keep_titles, struct cups_job **jobs, size_t *n)
{
	ipp_attribute_t *a;
	struct cups_job j;
	bool in_job = false;
	int count = 0;

	cups_ipp_job_init(&j);
	for (a = ippFirstAttribute(resp);; a = ippNextAttribute(resp)) {
		/* a job ends at a separator, a new group, or the end */
		if (a == NULL || ippGetName(a) == NULL ||
		    ippGetGroupTag(a) != IPP_TAG_JOB) {
			if (in_job && j.id > 0) {
				if (cups_ipp_job_append(jobs, n, &j) == -1) {
					errno = ENOMEM;
					return -1;
				}
				count++;
			}
			in_job = false;
			cups_ipp_job_init(&j);
			if (a == NULL)
				break;
			continue;
		}
		in_job = true;
		cups_ipp_job_attr(&j, a, keep_titles);
	}
	return count;
}

/* Reads marker-names and marker-levels into q->markers (same order). */
static void
cups_ipp_markers(struct cups_queue *q, ipp_attribute_t *names,
                 ipp_attribute_t *levels)
{
	int i, count;

	if (names == NULL)
		return;
	count = ippGetCount(names);
	for (i = 0; i < count && q->nmarkers < CUPS_MARKERS_MAX; i++) {
		struct cups_marker *m = &q->markers[q->nmarkers];
		const char *name = ippGetString(names, i, NULL);

		if (name == NULL)
			continue;
		snprintf(m->name, sizeof(m->name), "%s", name);
		m->level = -1;
		if (levels != NULL && i < ippGetCount(levels) &&
		    ippGetValueTag(levels) == IPP_TAG_INTEGER)
			m->level = ippGetInteger(levels, i);
		/* -1 unknown, -2 "some remains", -3 ...: not a percentage */
		if (m->level < 0 || m->level > 100)
			m->level = -1;
		q->nmarkers++;
	}
}

/* Joins the keywords of printer-state-reasons with commas. */
static void
cups_ipp_reasons(ipp_attribute_t *a, char *buf, size_t bufsz)
{
	int i, count = ippGetCount(a);
	size_t len = 0;

	buf[0] = '\0';
	for (i = 0; i < count; i++) {
		const char *k = ippGetString(a, i, NULL);
		size_t kl;

		if (k == NULL)
			continue;
		kl = strlen(k);
		if (len + kl + 2 > bufsz)
			break;
		if (len > 0)
			buf[len++] = ',';
		memcpy(buf + len, k, kl + 1);
		len += kl;
	}
	if (len == 0)
		snprintf(buf, bufsz, "none");
}

/* Fills one queue from the attributes of one printer group. */
static void
cups_ipp_queue_attr(struct cups_queue *q, ipp_attribute_t *a,
                    ipp_attribute_t **names, ipp_attribute_t **levels)
{
	const char *name = ippGetName(a);

	if (strcmp(name, "printer-name") == 0)
		cups_ipp_str(a, q->name, sizeof(q->name));
	else if (strcmp(name, "device-uri") == 0)
		cups_ipp_str(a, q->device_uri, sizeof(q->device_uri));
	else if (strcmp(name, "printer-make-and-model") == 0)
		cups_ipp_str(a, q->make_model, sizeof(q->make_model));
	else if (strcmp(name, "printer-state") == 0)
		q->state = cups_ipp_int(a);
	else if (strcmp(name, "printer-state-reasons") == 0)
		cups_ipp_reasons(a, q->reasons, sizeof(q->reasons));
	else if (strcmp(name, "marker-names") == 0)
		*names = a;
	else if (strcmp(name, "marker-levels") == 0)
		*levels = a;
}

int
cups_ipp_queues(ipp_t *resp, struct cups_queue **queues, size_t *n)
{
	ipp_attribute_t *a, *names = NULL, *levels = NULL;
	struct cups_queue q;
	bool in_q = false;
	int count = 0;

	memset(&q, 0, sizeof(q));
	for (a = ippFirstAttribute(resp);; a = ippNextAttribute(resp)) {
		if (a == NULL || ippGetName(a) == NULL ||
		    ippGetGroupTag(a) != IPP_TAG_PRINTER) {
			if (in_q && q.name[0] != '\0') {
				cups_ipp_markers(&q, names, levels);
				if (q.reasons[0] == '\0')
					strcpy(q.reasons, "none");
				/*
				 * CUPS names every queue without a driver
				 * this way; its jobs never get PAGE: lines.
				 */
				q.raw = strcmp(q.make_model,
				               "Local Raw Printer") == 0;
				if (cups_ipp_queue_append(queues, n, &q) ==
				    -1) {
					errno = ENOMEM;
					return -1;
				}
				count++;
			}
			in_q = false;
			names = levels = NULL;
			memset(&q, 0, sizeof(q));
			if (a == NULL)
				break;
			continue;
		}
		in_q = true;
		cups_ipp_queue_attr(&q, a, &names, &levels);
	}
	return count;
}
