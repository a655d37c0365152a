/*
 * alert_priv.h: what the alert files share (alert_config.c compiles the
 * rules, alert.c evaluates them, alert_store.c writes and reads the rows).
 * Nothing outside collector/alert*.c includes it.
 */
#ifndef PANTAU_COLLECTOR_ALERT_PRIV_H
#define PANTAU_COLLECTOR_ALERT_PRIV_H

#include <stdint.h>

#include "collector/alert.h"
#include "common/names.h"

enum alert_sev { SEV_INFO, SEV_WARNING, SEV_CRITICAL };

enum arule_kind { AR_METRIC, AR_EVENT, AR_PRESENCE };

/* One compiled rule. */
struct arule {
	char name[NAME_ID_MAX + 1];
	enum arule_kind kind;
	char pattern[NAME_METRIC_MAX + 1]; /* glob of metric or event code */
	int has_above, has_below, has_clear;
	double above, below, clear;
	unsigned for_s;
	int severity;                 /* enum alert_sev; -1: the event's own */
	unsigned types;               /* bit (1 << dev_type); 0: any type */
	char site[NAME_ID_MAX + 1];   /* "": any */
	char device[NAME_ID_MAX + 1]; /* "": any */
	char text[200];
	const char *text_id; /* built-ins: the text in Bahasa Indonesia */
	int ticket;          /* a firing alert opens a ticket */
	int resolve_ticket;  /* clearing resolves that ticket */
	int priority;        /* 1..4; 0: from the severity */
	int rate;            /* counters: per-second rate, else gauges */
	int ignore;          /* events it matches make no alert at all */
	enum dev_state presence;
	int builtin;
};

struct alert_rules {
	struct arule *r;
	size_t n;
	unsigned site_outage_pct;    /* share of devices down, % */
	unsigned site_outage_min;    /* devices a site needs for it */
	unsigned site_outage_window; /* s a device alert waits for it */
	unsigned flap_count;         /* firings within flap_window */
	unsigned flap_window;        /* s */
};

const char *alert_sev_name(int sev);
int alert_sev_parse(const char *s); /* -1 when unknown */

/* 1 when rule 'r' applies to a device of this site, name and type. */
int alert_rule_scope(const struct arule *r, const char *site,
                     const char *device, enum dev_type type);

/* alert_store.c: rows of table alerts, on the engine's connection. */
struct alert_row {
	const char *rule, *site, *device, *subject, *text;
	int severity;
	double value;
	int has_value;
	int64_t started_at, fired_at;
	int silenced, flapping;
};
int alert_store_fire(struct db *db, const struct alert_row *a, int64_t *id);
int alert_store_value(struct db *db, int64_t id, double value);
int alert_store_resolve(struct db *db, int64_t id, int64_t now,
                        const char *why);
int alert_store_ticket(struct db *db, int64_t id, int64_t ticket_id);
int alert_store_flapping(struct db *db, int64_t id);

/* The firing alerts, for the engine's start; fn gets each row. */
typedef void alert_store_firing_fn(void *arg, int64_t id, const char *rule,
                                   const char *site, const char *device,
                                   const char *subject, int64_t started_at,
                                   int64_t ticket_id);
int alert_store_firing(struct db *db, alert_store_firing_fn *fn, void *arg);

/*
 * A silence of (site, device or every one, rule or every one) from 'now'
 * for 'secs' seconds.  Returns its id, or -1.
 */
int64_t alert_silence_add(struct db *db, const char *site, const char *device,
                          const char *rule, int64_t now, unsigned secs,
                          const char *actor, const char *comment);

/* The silences in force at 'now' or later. */
struct alert_silence {
	int64_t id;
	char site[NAME_ID_MAX + 1];
	char device[NAME_ID_MAX + 1]; /* "": every device */
	char rule[NAME_ID_MAX + 1];   /* "": every rule */
	int64_t starts_at, ends_at;
};
int alert_store_silences(struct db *db, int64_t now, struct alert_silence **out,
                         size_t *n);

#endif
