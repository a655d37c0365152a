/*
 * fuzz_cups.c: libFuzzer target for the collector's ingest of CUPS
 * answers: an IPP response as it arrives from the server, read by
 * libcups' ippReadIO() from the fuzz bytes, then the job and queue
 * attributes (collector/cups_ipp.c), the page rule, the reasons keywords
 * and the wire messages made of them (collector/cups_msg.c).
 *
 * Every message cups_msg_build() hands on must pass the collector's own
 * decoders, as ingest_message() would apply them.  The print_jobs table it
 * reads lives in one in-memory SQLite database made at start.
 * docs/fuzzing.md runs it.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "collector/cups_msg.h"
#include "collector/cups_poll.h"
#include "collector/cups_store.h"
#include "common/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_cups_src {
	const uint8_t *p;
	size_t left;
};

static ssize_t
fuzz_cups_read(void *ctx, ipp_uchar_t *buf, size_t bytes)
{
	struct fuzz_cups_src *s = ctx;

	if (bytes > s->left)
		bytes = s->left;
	memcpy(buf, s->p, bytes);
	s->p += bytes;
	s->left -= bytes;
	return (ssize_t)bytes;
}

/* What ingest_message() does first: the topic, then the decoder. */
static void
fuzz_cups_msg(void *arg, const char *topic, const void *payload, size_t len)
{
	char site[NAME_ID_MAX + 1], device[NAME_ID_MAX + 1];
	struct wire_metrics m = {0};
	struct wire_status st;
	struct wire_event ev;
	struct wire_error err;
	enum wire_channel ch;
	enum wire_reason r = WIRE_OK;

	(void)arg;
	if (wire_topic_parse(topic, site, device, &ch, &err) != WIRE_OK)
		abort();
	if (ch == WIRE_CH_METRICS) {
		r = wire_metrics_decode(payload, len, &m, &err);
		wire_metrics_clear(&m);
	} else if (ch == WIRE_CH_STATUS) {
		r = wire_status_decode(payload, len, &st, &err);
	} else if (ch == WIRE_CH_EVENTS) {
		r = wire_event_decode(payload, len, &ev, &err);
	}
	if (r != WIRE_OK) {
		fprintf(stderr, "fuzz_cups: refused %s: %s: %s\n", topic,
		        wire_reason_name(r), err.detail);
		abort();
	}
}

static sqlite3 *
fuzz_cups_db(void)
{
	static sqlite3 *h;

	if (h == NULL && (sqlite3_open(":memory:", &h) != SQLITE_OK ||
	                  cups_store_migrate(h) != 0))
		abort();
	return h;
}

static void
fuzz_cups_build(const struct cups_queue *q, size_t nq)
{
	static const char *const devices[] = {"printer-1", "printer-2", ""};
	struct cups_msg_queue mq[8];
	struct cups_config cfg;
	size_t i, n = nq < 8 ? nq : 8;

	memset(&cfg, 0, sizeof(cfg));
	cfg.interval = 60;
	strcpy(cfg.site, "site-a");
	for (i = 0; i < n; i++) {
		mq[i].queue = &q[i];
		mq[i].device = devices[i % 3];
		/* the previous poll's reasons: another queue's, or none */
		mq[i].old_reasons = strdup(i > 0 ? q[i - 1].reasons : "none");
		if (mq[i].old_reasons == NULL)
			abort();
	}
	cups_msg_build(fuzz_cups_db(), &cfg, 1700000000, mq, n, fuzz_cups_msg,
	               NULL);
	for (i = 0; i < n; i++)
		free(mq[i].old_reasons);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_cups_src src = {data, size};
	struct cups_job *jobs = NULL;
	struct cups_queue *queues = NULL;
	size_t nj = 0, nq = 0, i, k;
	char code[64];
	ipp_t *resp;
	int sev, pages;

	if ((resp = ippNew()) == NULL)
		return 0;
	if (ippReadIO(&src, fuzz_cups_read, 1, NULL, resp) == IPP_STATE_DATA) {
		(void)cups_ipp_jobs(resp, (size & 1) != 0, &jobs, &nj);
		(void)cups_ipp_queues(resp, &queues, &nq);
		for (i = 0; i < nj; i++) {
			const struct cups_queue *q = NULL;

			for (k = 0; k < nq; k++)
				if (strcmp(queues[k].name, jobs[i].queue) == 0)
					q = &queues[k];
			pages = cups_ipp_pages(&jobs[i], q);
			if (pages < -1)
				abort();
			(void)cups_ipp_final(jobs[i].state);
		}
		for (i = 0; i < nq; i++) {
			if (strlen(queues[i].reasons) >= CUPS_REASONS_MAX)
				abort();
			if (cups_msg_reason(queues[i].reasons, code,
			                    sizeof(code), &sev) == 0 &&
			    !name_metric_valid(code))
				abort();
		}
		fuzz_cups_build(queues, nq);
	}
	free(jobs);
	free(queues);
	ippDelete(resp);
	return 0;
}
