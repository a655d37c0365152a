/*
 * pm_json.h: plans and their state as JSON, shared by the API
 * (pm_api.c) and "pantauctl pm list --format json" (docs/pm.md).
 */
#ifndef PANTAU_COLLECTOR_PM_JSON_H
#define PANTAU_COLLECTOR_PM_JSON_H

#include <stddef.h>

struct cJSON;
struct pm_item;
struct pm_plan;

/* 'only': 0 every item, 1 due_soon/due/overdue, 2 overdue. */
int pm_json_selected(const struct pm_item *it, int only);

/* {"items": [...], "count": n}; NULL when out of memory. */
struct cJSON *pm_json_items(const struct pm_item *v, size_t n, int only);

struct cJSON *pm_json_plan(const struct pm_plan *p);

/*
 * A plan from a POST body: name, and one of asset/type/model, every_days
 * or every_months, counter and count, lead_days, start (YYYY-MM-DD).
 * Returns 0, or -1 with a message in err.  The result is checked
 * (pm_plan_check).
 */
int pm_json_parse_plan(const struct cJSON *o, struct pm_plan *p, char *err,
                       size_t errsz);

#endif
