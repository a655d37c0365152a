/*
 * pm.h: preventive maintenance plans (issue 8, docs/pm.md).
 *
 * A plan says "service this every N days / N months", "every N units of a
 * counter" (pages printed, lamp hours, power-on hours: any counter or
 * gauge the device reports), or both, whichever comes first.  It applies
 * to one asset, every asset of a type, or every asset of a model.  For
 * each (plan, asset) the collector keeps where the count starts (the last
 * completion: its time and its counter reading) and the open preventive
 * ticket.
 *
 * pm_evaluate() is the whole engine, with time injected: the collector
 * runs it once a minute; pantauctl and the API run it without acting to
 * show the state.  Functions return 0, or -1 on a database error (logged).
 */
#ifndef PANTAU_COLLECTOR_PM_H
#define PANTAU_COLLECTOR_PM_H

#include <stddef.h>
#include <stdint.h>

#include "collector/asset.h"
#include "common/names.h"

struct db;

#define PM_NAME_MAX 127

struct pm_plan {
	int64_t id;
	char name[PM_NAME_MAX + 1];
	char target_kind[8]; /* "asset", "type", "model" */
	char target[ASSET_TEXT_MAX + 1];
	unsigned every_days;   /* 0: none */
	unsigned every_months; /* 0: none; not with every_days */
	char counter_metric[NAME_METRIC_MAX + 1]; /* "": none */
	double counter_every;                     /* > 0 with a metric */
	unsigned lead_days;                       /* due soon this early */
	int64_t start_at; /* time plans count from here (creation) */
	int64_t created_at;
	int active;
};

/*
 * Checks a plan before it is stored.  Returns 0, or -1 with a message in
 * 'err' (which field, what is wrong).
 */
int pm_plan_check(const struct pm_plan *p, char *err, size_t errsz);

/* Stores a checked plan, setting p->id and created_at. */
int pm_plan_add(struct db *db, struct pm_plan *p, int64_t now);

/* Every plan, by id; *out malloc'd, the caller frees. */
int pm_plans_load(struct db *db, struct pm_plan **out, size_t *n);

enum pm_status {
	PM_OK,       /* not due within the lead time */
	PM_DUE_SOON, /* due (or forecast due) within lead_days */
	PM_DUE,      /* reached: a preventive ticket is open */
	PM_OVERDUE,  /* reached more than a day ago and not done */
	PM_UNKNOWN,  /* a counter plan without a reading (no device) */
};

const char *pm_status_name(enum pm_status s); /* "ok", "due_soon", ... */

/* Where one (plan, asset) stands at the evaluation time. */
struct pm_item {
	int64_t plan_id;
	char plan_name[PM_NAME_MAX + 1];
	char tag[ASSET_TAG_MAX + 1];
	char site[64];
	char device[64];
	enum pm_status status;
	int64_t base_at;     /* the last completion (or the plan's start) */
	int64_t due_at;      /* time part: the due day (00:00 UTC); 0 none */
	int has_counter;     /* counter part with a reading */
	double counter;      /* the reading */
	double base_counter; /* the reading at the last completion */
	double due_counter;  /* due when the reading reaches it */
	double rate_per_day; /* recent rate; 0 unknown */
	int64_t forecast_at; /* counter part: forecast due time; 0 unknown */
	int64_t next_at;     /* the earlier of due_at and forecast_at; 0 */
	int64_t ticket_id;   /* the open preventive ticket; 0 none */
	int64_t due_since;   /* when it was reached (ticket opened); 0 */
};

/*
 * Evaluates every active plan for every asset it applies to at time
 * 'now'.  With 'act' set it also acts: records the day's counter reading
 * (for the forecast), re-arms the (plan, asset) whose ticket was resolved
 * or closed from that time and the reading, and opens a preventive
 * ticket (dedup key "pm:<plan id>", or "pm:<plan id>:<tag>" for a type or
 * model plan) for what became due.  Without 'act' nothing is written.
 * *out (may be NULL when not wanted) is a malloc'd array of every item,
 * by next due time; the caller frees it.
 */
int pm_evaluate(struct db *db, int64_t now, int act, struct pm_item **out,
                size_t *n);

/*
 * Marks the plan done for 'tag' (NULL: the plan's only asset) at 'now':
 * resolves its open preventive ticket, if any, and re-arms from now and
 * the current reading.  Returns 0, 1 with a message in err when there is
 * no such plan or asset (or the plan has several and tag is NULL), -1 on
 * a database error.
 */
int pm_done(struct db *db, int64_t plan_id, const char *tag, const char *actor,
            int64_t now, char *err, size_t errsz);

/*
 * The collector's timer: pm_evaluate(db, now, 1) at most once per
 * PM_EVERY seconds (the first call runs it).  Call once a second from
 * the event loop, outside the ingest transaction.
 */
#define PM_EVERY 60
void pm_tick(struct db *db, int64_t now);

#endif
