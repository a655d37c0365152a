/*
 * alert_engine.h: the engine's state, shared by alert.c (series, rules,
 * firing and resolving) and alert_site.c (presence, site outages, the
 * timer, start-up).  Nothing outside collector/alert*.c includes it.
 */
#ifndef PANTAU_COLLECTOR_ALERT_ENGINE_H
#define PANTAU_COLLECTOR_ALERT_ENGINE_H

#include <stdint.h>

#include "collector/alert_priv.h"
#include "collector/notify.h"

#define ALERT_FLAP_MAX 16 /* firings remembered per rule and series */

enum astate_kind { AS_OK, AS_PENDING, AS_FIRING };

/* One rule on one series. */
struct astate {
	uint16_t rule;  /* index in the engine's rules */
	uint8_t state;  /* enum astate_kind */
	uint8_t sev;    /* severity it fired with */
	uint8_t quiet;  /* fired silenced or flapping: tells nobody */
	uint8_t nfires; /* ring position in fires[] */
	int64_t since;  /* first breach (pending), sample or clock time */
	int64_t alert_id, ticket_id;
	int64_t fires[ALERT_FLAP_MAX]; /* when it fired, for flapping */
};

/* A metric ("fs.root.used_pct"), an event ("e:printer.jam") or "p:". */
struct aseries {
	struct aseries *next;
	uint32_t gen; /* the rules generation 'st' was bound with */
	uint16_t nst;
	int counter; /* a counter: rules with rate = yes */
	struct astate *st;
	double prev;     /* counters: the previous total */
	int64_t last_ts; /* newest sample or event time seen */
	char name[];
};

struct asite {
	struct asite *next;
	char name[NAME_ID_MAX + 1];
	unsigned ndev, ndown; /* devices known, of them not online */
	struct astate out;    /* the site outage alert */
	int64_t recovered;    /* when that alert last resolved (0 never) */
};

struct adev {
	struct adev *next;
	struct asite *site;
	char device[NAME_ID_MAX + 1];
	enum dev_type type; /* DEV_NTYPES: not known */
	enum dev_state pstate;
	uint32_t gen;
	struct aseries **b; /* the series, chained hash */
	size_t nb, ns;
};

struct alert_engine {
	struct db *db;
	struct alert_rules *rules;
	uint32_t gen;
	struct adev **devs;
	size_t ndevb, ndev;
	struct asite *sites;
	size_t nseries;
	struct alert_silence *sil;
	size_t nsil;
	int64_t sil_loaded;
	int64_t now; /* the latest clock seen */
	alert_notify_fn *notify;
	void *notify_arg;
	struct alert_engine_stats st;
};

/* alert.c */
struct adev *alert_dev_find(struct alert_engine *e, const char *site,
                            const char *device);
struct adev *alert_dev_get(struct alert_engine *e, const char *site,
                           const char *device);
void alert_dev_rebind(struct alert_engine *e, struct adev *d, int64_t now);
struct aseries *alert_series_get(struct alert_engine *e, struct adev *d,
                                 const char *name, int counter, int64_t now);
void alert_fire(struct alert_engine *e, const char *site, const char *device,
                struct astate *st, const struct arule *r, const char *subject,
                int sev, const double *value, const char *extra, int64_t now);
void alert_resolve(struct alert_engine *e, const char *site, const char *device,
                   struct astate *st, const struct arule *r, const char *why,
                   int64_t now);
void alert_notify(struct alert_engine *e, const char *event, int sev,
                  const char *site, const char *device, const char *what_en,
                  const char *what_id, int64_t now, int64_t alert_id,
                  int64_t ticket_id);
void alert_silences_refresh(struct alert_engine *e, int64_t now, int force);

/* alert_site.c */
struct asite *alert_site_get(struct alert_engine *e, const char *name);

#endif
