/*
 * ingest.c: every received MQTT message, from topic to stores.
 *
 * The topic and the payload are checked with common/wire.h before anything
 * else looks at them: a message that fails is counted by reason
 * (stats.rejected[]), logged once per reason and device (log.c folds the
 * repeats), and dropped; it never reaches a file name, a row or the write
 * queue.  Past the decoder, metrics stamped more than INGEST_MAX_FUTURE
 * seconds ahead of our clock are refused too (stats.rejected_other): an
 * agent with a clock years ahead would otherwise create files whose every
 * later, correct sample counts as "older" and is skipped.
 *
 * An accepted metrics message goes to the journal, the database (latest
 * values), presence, and the RRD write queue, in that order; status,
 * inventory and event messages go to the database and presence.  Database
 * writes are grouped in one transaction per turn of the event loop
 * (ingest_commit()).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/alert.h"
#include "collector/asset.h"
#include "collector/collector.h"
#include "collector/db.h"
#include "collector/internet.h"
#include "collector/presence.h"
#include "collector/stats.h"
#include "common/timeutil.h"

struct ingest {
	struct writeq *q;
	struct journal *j;
	struct db *db;
	struct presence *p;
	struct alert_engine *alerts; /* NULL: no alerts */
	struct internet *inet;       /* NULL: no internet states */
	bool in_txn;
};

void
ingest_set_alerts(struct ingest *in, struct alert_engine *e)
{
	in->alerts = e;
}

void
ingest_set_internet(struct ingest *in, struct internet *inet)
{
	in->inet = inet;
}

struct ingest *
ingest_new(struct writeq *q, struct journal *j, struct db *db,
           struct presence *p)
{
	struct ingest *in;

	if ((in = calloc(1, sizeof(*in))) == NULL)
		return NULL;
	in->q = q;
	in->j = j;
	in->db = db;
	in->p = p;
	return in;
}

void
ingest_free(struct ingest *in)
{
	if (in == NULL)
		return;
	ingest_commit(in);
	free(in);
}

static void
ingest_db_begin(struct ingest *in)
{
	if (in->db == NULL || in->in_txn)
		return;
	if (db_begin(in->db) == 0)
		in->in_txn = true;
	else
		STATS_ADD(db_errors, 1);
}

void
ingest_commit(struct ingest *in)
{
	if (!in->in_txn)
		return;
	in->in_txn = false;
	if (db_commit(in->db) != 0)
		STATS_ADD(db_errors, 1);
}

/*
 * Counts and logs a refused message.  A flood of bad messages is logged as
 * one line per reason and minute, with the number not logged; the topic
 * may be hostile, so it is cut and anything but printable ASCII replaced.
 */
#define INGEST_LOG_EVERY 60 /* seconds */

/* Copies 's' with anything but printable ASCII as '?', cut with "...". */
static void
ingest_printable(const char *s, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; i < outsz - 1 && s[i] != '\0'; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
	if (s[i] != '\0' && i >= 3)
		memcpy(out + i - 3, "...", 3);
}

static void
ingest_reject(enum wire_reason r, const char *topic,
              const struct wire_error *err, int64_t now)
{
	static int64_t last[WIRE_NREASONS];
	static uint64_t quiet[WIRE_NREASONS];
	char t[64], d[sizeof(err->detail)];

	STATS_ADD(rejected[r], 1);
	if (last[r] != 0 && now - last[r] < INGEST_LOG_EVERY) {
		quiet[r]++;
		return;
	}
	ingest_printable(topic, t, sizeof(t));
	ingest_printable(err->detail, d, sizeof(d));
	log_warn("ingest: rejected message on '%s': %s: %s (and %llu more "
	         "rejected for this reason in the last minute)",
	         t, wire_reason_name(r), d, (unsigned long long)quiet[r]);
	last[r] = now;
	quiet[r] = 0;
}

static void
ingest_metrics(struct ingest *in, const char *topic, const char *site,
               const char *device, const void *payload, size_t len, int64_t now)
{
	struct wire_metrics m = {0};
	struct wire_error err;
	enum wire_reason r;
	uint64_t id;

	if ((r = wire_metrics_decode(payload, len, &m, &err)) != WIRE_OK) {
		ingest_reject(r, topic, &err, now);
		return;
	}
	if (m.ts > now + INGEST_MAX_FUTURE) {
		STATS_ADD(rejected_other, 1);
		log_warn("ingest: rejected metrics of %s/%s: time stamp %lld "
		         "is more than a day ahead of this clock",
		         site, device, (long long)m.ts);
		wire_metrics_clear(&m);
		return;
	}
	STATS_ADD(samples_in, m.ngauges + m.ncounters);

	id = in->j != NULL ? journal_append(in->j, topic, payload, len) : 0;
	if (in->db != NULL) {
		ingest_db_begin(in);
		if (db_metrics_store(in->db, site, device, &m, now) != 0)
			STATS_ADD(db_errors, 1);
	}
	if (in->p != NULL)
		presence_metrics(in->p, site, device, m.type, m.interval, m.ts,
		                 now);
	/* before the queue takes the samples; writes in this transaction */
	if (in->alerts != NULL && in->db != NULL)
		alert_engine_metrics(in->alerts, site, device, &m, now);
	/* link probes: the site's internet state (internet.c) */
	if (in->inet != NULL && in->db != NULL)
		internet_metrics(in->inet, site, device, &m, now);
	if (writeq_push(in->q, site, device, &m, id) != 0) {
		STATS_ADD(rrd_errors, m.ngauges + m.ncounters);
		log_err("ingest: out of memory queueing %s/%s", site, device);
	}
	wire_metrics_clear(&m);
}

static void
ingest_status(struct ingest *in, const char *topic, const char *site,
              const char *device, const void *payload, size_t len, int64_t now)
{
	struct wire_status st;
	struct wire_error err;
	enum wire_reason r;

	if ((r = wire_status_decode(payload, len, &st, &err)) != WIRE_OK) {
		ingest_reject(r, topic, &err, now);
		return;
	}
	if (in->p != NULL) {
		ingest_db_begin(in);
		presence_status(in->p, site, device, st.state, st.ts, now);
	}
}

static void
ingest_inventory(struct ingest *in, const char *topic, const char *site,
                 const char *device, const void *payload, size_t len,
                 int64_t now)
{
	struct wire_inventory inv = {0};
	struct wire_error err;
	enum wire_reason r;

	if ((r = wire_inventory_decode(payload, len, &inv, &err)) != WIRE_OK) {
		ingest_reject(r, topic, &err, now);
		return;
	}
	if (in->db != NULL) {
		ingest_db_begin(in);
		if (db_inventory_store(in->db, site, device, &inv, now) != 0)
			STATS_ADD(db_errors, 1);
		/* a serial or MAC of the asset register: suggest a link */
		if (asset_suggest_inventory(in->db, site, device, inv.json,
		                            now) < 0)
			STATS_ADD(db_errors, 1);
	}
	wire_inventory_clear(&inv);
}

static void
ingest_event(struct ingest *in, const char *topic, const char *site,
             const char *device, const void *payload, size_t len, int64_t now)
{
	struct wire_event ev;
	struct wire_error err;
	enum wire_reason r;

	if ((r = wire_event_decode(payload, len, &ev, &err)) != WIRE_OK) {
		ingest_reject(r, topic, &err, now);
		return;
	}
	if (in->db != NULL) {
		ingest_db_begin(in);
		if (db_event_store(in->db, site, device, &ev, now) != 0)
			STATS_ADD(db_errors, 1);
		alert_engine_event(in->alerts, site, device, &ev, now);
	}
}

void
ingest_message(void *arg, const char *topic, const void *payload, size_t len)
{
	struct ingest *in = arg;
	char site[NAME_ID_MAX + 1], device[NAME_ID_MAX + 1];
	enum wire_channel ch;
	struct wire_error err;
	enum wire_reason r;
	int64_t now = time_now();

	if ((r = wire_topic_parse(topic, site, device, &ch, &err)) != WIRE_OK) {
		ingest_reject(r, topic, &err, now);
		return;
	}
	STATS_ADD(messages_in[ch], 1);
	switch (ch) {
	case WIRE_CH_METRICS:
		ingest_metrics(in, topic, site, device, payload, len, now);
		break;
	case WIRE_CH_STATUS:
		ingest_status(in, topic, site, device, payload, len, now);
		break;
	case WIRE_CH_INVENTORY:
		ingest_inventory(in, topic, site, device, payload, len, now);
		break;
	case WIRE_CH_EVENTS:
		ingest_event(in, topic, site, device, payload, len, now);
		break;
	default:
		break;
	}
}
