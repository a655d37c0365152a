/*
 * alert.h: alerts on what the collector sees (issue 7, docs/alerts.md).
 *
 * Rules come built in (disk almost full, SMART failing, toner, jam, lamp,
 * offline, ...) and from [rule NAME] sections, which override a built-in
 * of the same name, disable it (enabled = no) or add new ones; [alerts]
 * holds the engine's settings (site outage, flapping).
 *
 * The engine runs on the ingest thread: ingest.c hands it every accepted
 * metrics message and event, presence.c every state change, and main.c
 * calls alert_engine_tick() about once a second.  A rule's state per
 * series goes pending -> firing -> resolved; firing and resolved alerts are
 * rows of table alerts (the history), written on the engine's connection
 * inside the caller's transaction.  A firing alert whose rule says
 * "ticket = yes" opens (or notes) a maintenance ticket (ticket.h), and
 * every firing and resolution is handed to the notification hook.
 */
#ifndef PANTAU_COLLECTOR_ALERT_H
#define PANTAU_COLLECTOR_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "collector/db.h"
#include "common/conf.h"
#include "common/wire.h"

struct alert_engine;
struct alert_rules;
struct collector_conf;
struct notify_msg;

/* alert_config.c: validation for config.c's section table. */
void alert_config_rule(const struct conf_section *s, struct conf_err *errs);
void alert_config_alerts(const struct conf_section *s,
                         struct collector_conf *cf, struct conf_err *errs);

/*
 * The built-in rules with the [rule NAME] and [alerts] sections of 'raw'
 * applied ('raw' NULL: the built-ins and defaults alone).  The file was
 * validated already; returns NULL only when memory runs out.
 */
struct alert_rules *alert_rules_load(const struct conf *raw);
void alert_rules_free(struct alert_rules *r); /* NULL is a no-op */
size_t alert_rules_count(const struct alert_rules *r);

/* Where firing and resolved alerts and opened tickets are announced. */
typedef int alert_notify_fn(void *arg, const struct notify_msg *m);

/*
 * The engine over 'db' (the event loop's writable connection), owning
 * 'rules'.  Loads the alerts still firing and the devices known, so a
 * restart neither fires twice nor forgets to resolve.  NULL on failure
 * ('rules' is then freed) or when 'rules' is NULL.
 */
struct alert_engine *alert_engine_new(struct db *db, struct alert_rules *rules,
                                      int64_t now);
void alert_engine_free(struct alert_engine *e); /* NULL is a no-op */

/*
 * New rules (SIGHUP); states of rules that keep their name go on.  NULL
 * (out of memory loading them) keeps the old ones.
 */
void alert_engine_set_rules(struct alert_engine *e, struct alert_rules *rules);

void alert_engine_set_notify(struct alert_engine *e, alert_notify_fn *fn,
                             void *arg);

/* A metrics message (accepted by ingest), evaluated per sample. */
void alert_engine_metrics(struct alert_engine *e, const char *site,
                          const char *device, const struct wire_metrics *m,
                          int64_t now);

/* An agent event: raised fires an alert at once, cleared resolves it. */
void alert_engine_event(struct alert_engine *e, const char *site,
                        const char *device, const struct wire_event *ev,
                        int64_t now);

/* A presence change (presence.c's hook). */
void alert_engine_presence(struct alert_engine *e, const char *site,
                           const char *device, enum dev_type type,
                           enum dev_state state, int64_t now);

/* The same with presence.c's presence_hook_fn signature ('arg': engine). */
void alert_engine_presence_hook(void *arg, const char *site, const char *device,
                                enum dev_type type, enum dev_state state,
                                int64_t now);

/* Timers: 'for' of presence rules, site outages, silences, flapping. */
void alert_engine_tick(struct alert_engine *e, int64_t now);

/*
 * alert_ctl.c: "pantauctl ticket|alert|silence ..." on the database file
 * 'db_path'; argv[0] is the command.  Returns the exit status (2: usage).
 */
int alert_ctl(const char *db_path, int argc, char **argv);

/* Counters, for tests and /metrics. */
struct alert_engine_stats {
	uint64_t samples;  /* samples looked at */
	uint64_t fired;    /* alerts that became firing */
	uint64_t resolved; /* alerts resolved */
	uint64_t tickets;  /* tickets opened (not notes) */
	uint64_t series;   /* series in the cache */
};
void alert_engine_stats(const struct alert_engine *e,
                        struct alert_engine_stats *out);

#endif
