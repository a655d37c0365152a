/*
 * cups_msg.c: a CUPS poll as messages of the MQTT contract (cups_msg.h).
 *
 * The collector already knows how to store metrics, events and presence
 * for a device; rather than a second path into the database, RRD files
 * and presence table, the CUPS worker describes what it saw in the same
 * messages an agent would publish, and the event loop feeds them to
 * ingest_message().  Counters are totals read back from print_jobs after
 * the commit, so they are exact and survive restarts: a missed poll only
 * delays a step of the counter, it never loses pages.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/cups_msg.h"
#include "common/log.h"
#include "common/names.h"
#include "common/wire.h"

#define CUPS_MSG_REASONS_MAX 32

/* Keywords whose bare form (no -report/-warning/-error) is critical. */
static const char *const cups_msg_critical[] = {
    "media-jam",           "media-empty", "toner-empty",
    "marker-supply-empty", "door-open",   "cover-open",
    "interlock-open",      "offline",     "marker-waste-full",
    "fuser-over-temp",     NULL};

int
cups_msg_reason(const char *keyword, char *code, size_t codesz, int *severity)
{
	static const struct {
		const char *suffix;
		int severity;
	} suffixes[] = {
	    {"-error", WIRE_SEV_CRITICAL},
	    {"-warning", WIRE_SEV_WARNING},
	    {"-report", WIRE_SEV_INFO},
	};
	char base[64], part[NAME_PART_MAX + 1];
	size_t len = strlen(keyword), i, sl;

	/*
	 * "none", CUPS' own bookkeeping ("cups-waiting-for-job-completed"),
	 * passing states and vendor keywords with dots are not faults.
	 */
	if (strcmp(keyword, "none") == 0 || strncmp(keyword, "cups-", 5) == 0 ||
	    strcmp(keyword, "connecting-to-device") == 0 ||
	    strcmp(keyword, "moving-to-paused") == 0 ||
	    strchr(keyword, '.') != NULL || len == 0 || len >= sizeof(base))
		return -1;
	memcpy(base, keyword, len + 1);
	*severity = WIRE_SEV_WARNING;
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		sl = strlen(suffixes[i].suffix);
		if (len > sl &&
		    strcmp(base + len - sl, suffixes[i].suffix) == 0) {
			base[len - sl] = '\0';
			*severity = suffixes[i].severity;
			break;
		}
	}
	if (i == sizeof(suffixes) / sizeof(suffixes[0]))
		for (i = 0; cups_msg_critical[i] != NULL; i++)
			if (strcmp(base, cups_msg_critical[i]) == 0)
				*severity = WIRE_SEV_CRITICAL;
	if (strcmp(base, "paused") == 0)
		*severity = WIRE_SEV_INFO;
	/* the agents' code for a jam (docs/wire.md) */
	if (strcmp(base, "media-jam") == 0)
		snprintf(part, sizeof(part), "jam");
	else if (name_sanitize(base, part, sizeof(part)) < 0)
		return -1;
	if ((size_t)snprintf(code, codesz, "printer.%s", part) >= codesz)
		return -1;
	return 0;
}

struct cups_msg_reasons {
	size_t n;
	char code[CUPS_MSG_REASONS_MAX][NAME_METRIC_MAX + 1];
	int severity[CUPS_MSG_REASONS_MAX];
	char keyword[CUPS_MSG_REASONS_MAX][64];
};

/* Splits a stored "a,b,c" reasons list into distinct event codes. */
static void
cups_msg_split(const char *list, struct cups_msg_reasons *out)
{
	char kw[64], code[NAME_METRIC_MAX + 1];
	const char *p = list, *end;
	size_t len, i;
	int sev;

	out->n = 0;
	while (p != NULL && *p != '\0' && out->n < CUPS_MSG_REASONS_MAX) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len < sizeof(kw)) {
			memcpy(kw, p, len);
			kw[len] = '\0';
			if (cups_msg_reason(kw, code, sizeof(code), &sev) ==
			    0) {
				for (i = 0; i < out->n; i++)
					if (strcmp(out->code[i], code) == 0)
						break;
				if (i == out->n) {
					strcpy(out->code[out->n], code);
					strcpy(out->keyword[out->n], kw);
					out->severity[out->n++] = sev;
				}
			}
		}
		p = end != NULL ? end + 1 : NULL;
	}
}

static int
cups_msg_has(const struct cups_msg_reasons *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->code[i], code) == 0)
			return 1;
	return 0;
}

/* Hands 'payload' (freed here; NULL: encoding failed) to 'fn'. */
static void
cups_msg_send(const struct cups_config *cfg, const char *device,
              enum wire_channel ch, char *payload, cups_poll_msg_fn *fn,
              void *arg)
{
	char topic[WIRE_TOPIC_MAX];

	if (payload == NULL) {
		log_err("cups: cannot encode a message for %s/%s", cfg->site,
		        device);
		return;
	}
	if (wire_topic(topic, sizeof(topic), cfg->site, device, ch) == 0)
		fn(arg, topic, payload, strlen(payload));
	free(payload);
}

/* Events for the reasons one queue raised and cleared since last poll. */
static void
cups_msg_events(const struct cups_config *cfg, int64_t now,
                const struct cups_msg_queue *m, cups_poll_msg_fn *fn, void *arg)
{
	struct cups_msg_reasons old, cur;
	struct wire_event ev;
	struct wire_status stt;
	size_t i;
	int pass;

	cups_msg_split(m->old_reasons, &old);
	cups_msg_split(m->queue->reasons, &cur);
	for (pass = 0; pass < 2; pass++) {
		const struct cups_msg_reasons *a = pass == 0 ? &cur : &old;
		const struct cups_msg_reasons *b = pass == 0 ? &old : &cur;

		for (i = 0; i < a->n; i++) {
			if (cups_msg_has(b, a->code[i]))
				continue;
			memset(&ev, 0, sizeof(ev));
			ev.ts = now;
			strcpy(ev.code, a->code[i]);
			ev.severity = (enum wire_severity)a->severity[i];
			ev.state = pass == 0 ? WIRE_EV_RAISED : WIRE_EV_CLEARED;
			snprintf(ev.text, sizeof(ev.text), "CUPS queue %s: %s",
			         m->queue->name, a->keyword[i]);
			cups_msg_send(cfg, m->device, WIRE_CH_EVENTS,
			              wire_event_encode(&ev, NULL), fn, arg);
		}
	}
	if (cups_msg_has(&cur, "printer.offline") ==
	    cups_msg_has(&old, "printer.offline"))
		return;
	stt.ts = now;
	stt.state = cups_msg_has(&cur, "printer.offline") ? WIRE_UNREACHABLE
	                                                  : WIRE_ONLINE;
	cups_msg_send(cfg, m->device, WIRE_CH_STATUS,
	              wire_status_encode(&stt, NULL), fn, arg);
}

/* Adds "cups.<a>.<b>.<c>" with a sanitized middle part; ignores failures. */
static void
cups_msg_add(struct wire_metrics *wm, int counter, const char *kind,
             const char *label, const char *what, double v)
{
	char part[NAME_PART_MAX + 1], name[NAME_METRIC_MAX + 1];

	if (name_sanitize(label, part, sizeof(part)) < 0)
		return;
	snprintf(name, sizeof(name), "cups.%s.%s.%s", kind, part, what);
	(void)wire_metrics_add(wm, counter, name, v);
}

/* The page and job totals of 'device' per queue, from print_jobs. */
static void
cups_msg_counters(sqlite3 *h, const struct cups_config *cfg, const char *device,
                  struct wire_metrics *wm)
{
	sqlite3_stmt *s;
	double pages = 0, jobs = 0;
	int known = 0;

	if (sqlite3_prepare_v2(h,
	                       "SELECT queue, sum(pages), count(*) FROM "
	                       "print_jobs WHERE site = ? AND device = ? AND "
	                       "final = 1 GROUP BY "
	                       "queue ORDER BY queue",
	                       -1, &s, NULL) != SQLITE_OK) {
		log_err("cups: database: %s", sqlite3_errmsg(h));
		return;
	}
	sqlite3_bind_text(s, 1, cfg->site, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, device, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *q = (const char *)sqlite3_column_text(s, 0);

		/* a queue whose pages are all unknown has no page counter */
		if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
			cups_msg_add(wm, 1, "queue", q, "pages",
			             sqlite3_column_double(s, 1));
			pages += sqlite3_column_double(s, 1);
			known = 1;
		}
		cups_msg_add(wm, 1, "queue", q, "jobs",
		             sqlite3_column_double(s, 2));
		jobs += sqlite3_column_double(s, 2);
	}
	sqlite3_finalize(s);
	if (known)
		(void)wire_metrics_add(wm, 1, "cups.pages", pages);
	(void)wire_metrics_add(wm, 1, "cups.jobs", jobs);
}

void
cups_msg_build(sqlite3 *h, const struct cups_config *cfg, int64_t now,
               const struct cups_msg_queue *mq, size_t n, cups_poll_msg_fn *fn,
               void *arg)
{
	struct wire_metrics wm;
	size_t i, k;
	int64_t ts = now - now % (int64_t)cfg->interval;

	for (i = 0; i < n; i++) {
		const char *dev = mq[i].device;

		if (dev[0] == '\0')
			continue;
		cups_msg_events(cfg, now, &mq[i], fn, arg);
		/* one metrics message per device: at its first queue */
		for (k = 0; k < i; k++)
			if (strcmp(mq[k].device, dev) == 0)
				break;
		if (k < i)
			continue;
		memset(&wm, 0, sizeof(wm));
		wm.ts = ts;
		wm.seq = (uint64_t)(ts / (int64_t)cfg->interval);
		wm.type = DEV_PRINTER;
		wm.interval = cfg->interval;
		cups_msg_counters(h, cfg, dev, &wm);
		for (k = i; k < n; k++) {
			const struct cups_queue *q = mq[k].queue;
			size_t j;

			if (strcmp(mq[k].device, dev) != 0)
				continue;
			if (q->state > 0)
				cups_msg_add(&wm, 0, "queue", q->name, "state",
				             q->state);
			for (j = 0; j < q->nmarkers; j++)
				if (q->markers[j].level >= 0)
					cups_msg_add(&wm, 0, "marker",
					             q->markers[j].name,
					             "level_pct",
					             q->markers[j].level);
		}
		cups_msg_send(cfg, dev, WIRE_CH_METRICS,
		              wire_metrics_encode(&wm, NULL), fn, arg);
		wire_metrics_clear(&wm);
	}
}
