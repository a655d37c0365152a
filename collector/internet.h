/*
 * internet.h: the internet link of each site, as its agents see it
 * (issue 14, docs/internet.md).
 *
 * Every agent PC probes its default gateway, its DNS resolvers and a few
 * targets each round and publishes link.<target>.{up,rtt_ms,loss_pct}
 * and dns.<resolver>.{ok,ms} (docs/metrics.md).  The collector reduces
 * each such round to a struct internet_agent (internet_agent_read), and
 * derives the site's state from the agents that reported recently
 * (internet_derive): up, degraded (loss, latency or DNS trouble for most
 * agents), down (every agent cut off), or unknown.  One PC with a pulled
 * cable loses its gateway too and is a local fault, not the ISP.
 *
 * The tracker (internet.c) keeps the latest round of every agent, runs the
 * derivation in sample time (the rounds' own time stamps, so a spool or a
 * bridge queue replayed after an outage records it as it happened), and
 * writes each state period as a row of table internet_state (schema
 * 006-internet.sql), so outages survive restarts and the availability
 * report can count them.  Transitions raise and resolve site alerts
 * through the alert engine (alert_internet.c), named with the ISP of the
 * asset register when one is recorded.
 */
#ifndef PANTAU_COLLECTOR_INTERNET_H
#define PANTAU_COLLECTOR_INTERNET_H

#include <stddef.h>
#include <stdint.h>

#include "common/wire.h"

struct alert_engine;
struct conf;
struct conf_section;
struct collector_conf;
struct conf_err;
struct db;
struct http_req;

enum internet_state {
	INET_UNKNOWN,
	INET_UP,
	INET_DEGRADED,
	INET_DOWN,
	INET_NSTATES
};

/* The site alerts (alert_internet.c), one rule each. */
enum internet_alert_kind {
	INET_AL_DOWN,
	INET_AL_LOSS,
	INET_AL_LATENCY,
	INET_AL_DNS,
	INET_AL_N
};

/* Why a site is degraded or down (bits of internet_verdict.reasons). */
#define INET_R_LOSS 0x01    /* loss above loss_pct_degraded */
#define INET_R_LATENCY 0x02 /* round trip above rtt_ms_degraded */
#define INET_R_DNS 0x04     /* every resolver failing, or too slow */
#define INET_R_CUT 0x08     /* down: no target, some gateway answers */
#define INET_R_LOCAL 0x10   /* down: every agent lost its gateway too */

/* [internet] of pantau-collector.conf (internet_config_parse). */
struct internet_conf {
	double loss_pct_degraded; /* % loss that makes an agent's link poor */
	double rtt_ms_degraded;   /* ms round trip that does */
	double dns_ms_degraded;   /* ms a lookup may take */
	unsigned stale_intervals; /* an agent counts this many intervals */
	unsigned local_quorum;    /* agents all-lost needed for "down" */
	unsigned down_for;        /* s down before internet_down fires */
	unsigned degraded_for;    /* s of a cause before its alert fires */
	int alerts;               /* raise alerts at all */
};

/* internet_config.c */

void internet_conf_default(struct internet_conf *c);

/* Checks an [internet] section (NULL: none) into *c from the defaults. */
void internet_config_parse(const struct conf_section *s,
                           struct internet_conf *c, struct conf_err *errs);

/* config.c's handler of [internet]; 'cf' is not touched. */
void internet_config_check(const struct conf_section *s,
                           struct collector_conf *cf, struct conf_err *errs);

/* The [internet] section of a validated configuration (none: defaults). */
void internet_conf_load(const struct conf *raw, struct internet_conf *c);

/* internet_derive.c: pure functions, table-tested (check_internet). */

/* What one agent saw in one round. */
struct internet_agent {
	int64_t ts;
	unsigned interval;   /* s; 0 is taken as 60 */
	int gateway;         /* link.gateway.up: 1, 0, or -1 not probed */
	unsigned targets;    /* link targets other than the gateway */
	unsigned targets_up; /* of them up */
	double loss_pct;     /* the best target that is up; -1 none */
	double rtt_ms;       /* the best target that is up; -1 none */
	unsigned resolvers;  /* dns.<resolver>.ok present */
	unsigned resolvers_ok;
	double dns_ms; /* the fastest resolver that answered; -1 none */
};

/*
 * Reduces a metrics message to *a.  Returns 1 when it holds link or DNS
 * probes, 0 when it has none (a printer, an agent without [link]).  The
 * best target speaks for the link: a far target's trouble is not the
 * ISP's.
 */
int internet_agent_read(const struct wire_metrics *m, struct internet_agent *a);

/* How internet_derive() counted the agents. */
struct internet_verdict {
	enum internet_state state;
	unsigned reasons; /* INET_R_* */
	unsigned fresh;   /* agents that reported within stale_intervals */
	unsigned ok;      /* of them reaching some target */
	unsigned cut;     /* reaching no target, gateway answering/unknown */
	unsigned local;   /* reaching not even their gateway */
	unsigned poor;    /* ok agents over a threshold */
};

/*
 * The site's state at sample time 't' from its agents' latest rounds.
 * Agents older than stale_intervals of their interval, or with only a
 * gateway probe, are not counted.  Rules (docs/internet.md):
 *   no agent counted                        -> unknown
 *   none reaches a target, some cut          -> down (CUT)
 *   none reaches, all lost their gateway     -> down (LOCAL) when at least
 *                                               local_quorum agents, else
 *                                               unknown
 *   some reach: a majority of those over a threshold -> degraded
 *   otherwise                                -> up
 */
void internet_derive(const struct internet_conf *c,
                     const struct internet_agent *a, size_t n, int64_t t,
                     struct internet_verdict *out);

const char *internet_state_name(enum internet_state s); /* "up", ... */
int internet_state_parse(const char *s);                /* -1 unknown */

/* The reasons as "loss,latency" (buf of 48 is enough). */
char *internet_reasons_str(unsigned reasons, char *buf, size_t sz);
unsigned internet_reasons_parse(const char *s);

/* internet.c: the tracker, on the ingest thread. */

struct internet;

/*
 * Over 'db' (the event loop's connection; writes go into the caller's
 * transaction) and 'alerts' (NULL: no alerts).  Loads the open state
 * rows and the firing internet alerts.  NULL on failure.
 */
struct internet *internet_new(struct db *db, struct alert_engine *alerts,
                              const struct internet_conf *c);
void internet_free(struct internet *in); /* NULL is a no-op */

void internet_set_conf(struct internet *in, const struct internet_conf *c);

/* A metrics message accepted by ingest (ingest.c's hook). */
void internet_metrics(struct internet *in, const char *site, const char *device,
                      const struct wire_metrics *m, int64_t now);

/*
 * internet_store.c: rows of internet_state, on the tracker's connection
 * (inside the caller's transaction).  Each returns 0 (or a row id) and -1
 * on a database error (logged).
 */
struct internet_period {
	int64_t row;
	enum internet_state state;
	unsigned reasons;
	int64_t since, last_seen;
	unsigned step;
};

/* A new open period; its id, or -1. */
int64_t internet_store_open(struct db *db, const char *site,
                            enum internet_state s, unsigned reasons,
                            int64_t since, unsigned step, unsigned agents);
int internet_store_close(struct db *db, int64_t row, int64_t until);
int internet_store_seen(struct db *db, int64_t row, int64_t last_seen,
                        unsigned step, unsigned reasons);
/* The open row 'row' (begun at this very instant) becomes state 's'. */
int internet_store_restate(struct db *db, int64_t row, enum internet_state s,
                           unsigned reasons, unsigned agents);
/*
 * When the period before open row 'row' ended at 'at' in state 's',
 * deletes 'row' and reopens that one (*prev): 1.  0 when there is none.
 */
int internet_store_merge(struct db *db, const char *site, int64_t row,
                         int64_t at, enum internet_state s,
                         struct internet_period *prev);

typedef void internet_store_fn(void *arg, const char *site,
                               const struct internet_period *p);
int internet_store_load(struct db *db, internet_store_fn *fn, void *arg);

typedef void internet_firing_fn(void *arg, const char *site,
                                enum internet_alert_kind k, int64_t id,
                                int64_t ticket_id, int64_t since);
int internet_store_firing(struct db *db, internet_firing_fn *fn, void *arg);

/* alert_internet.c: the four site alerts, through the alert engine. */

struct internet_alerts; /* one site's: opaque */

struct internet_alerts *internet_alerts_new(void);
void internet_alerts_free(struct internet_alerts *a); /* NULL: no-op */

/* Rule name of a kind ("internet_down"); -1 from _kind for other names. */
const char *internet_alert_rule(enum internet_alert_kind k);
int internet_alert_kind(const char *rule);

/* A firing alert of an earlier run (alert id, ticket id, first breach). */
void internet_alerts_restore(struct internet_alerts *a,
                             enum internet_alert_kind k, int64_t id,
                             int64_t ticket_id, int64_t since);

/*
 * Fires (on, once) or resolves (!on) alert 'k' of 'site'; 'since' is the
 * first breach in sample time, 'detail' a short line both languages read
 * ("internet 0/2 PC, gateway 2/2 PC"), appended to the alert's text, or
 * the resolution's reason.  The text names the ISP from the asset
 * register (docs/internet.md).
 */
void internet_alerts_set(struct internet_alerts *a, struct alert_engine *e,
                         struct db *db, const char *site,
                         enum internet_alert_kind k, int on, int64_t since,
                         const char *detail, int64_t now);

int internet_alerts_firing(const struct internet_alerts *a,
                           enum internet_alert_kind k);

/*
 * The site's internet connection in the asset register: an asset in
 * service of type network at 'site' linked to device "internet", or whose
 * name or model says "internet" (the lowest tag first).  'isp' gets the
 * supplier (else the brand, else the name), 'contract' the serial (the
 * customer or contract number), 'until' the warranty_until (the contract's
 * end), 'tag' the tag.  Returns 1 found, 0 none, -1 on a database error.
 */
struct internet_isp {
	char tag[65];
	char isp[256];
	char contract[256];
	char until[11];
	int64_t price_idr;
};
int internet_isp_find(struct db *db, const char *site,
                      struct internet_isp *out);

/*
 * report_internet.c: the tables "internet" (uptime per site and month)
 * and "internet_outages" of the availability report (report_avail.c);
 * 0, or -1 with a message in 'err'.
 */
struct report;
struct sqlite3;
int report_internet_tables(struct report *r, struct sqlite3 *h, char *err,
                           size_t errsz);

/* internet_api.c: GET /api/v1/internet?site=&limit= */
int api_internet(struct http_req *req);

#endif
