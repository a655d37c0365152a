/*
 * pc_smart.c: disk health from smartctl's JSON output (first version:
 * reports that SMART is not available; the asynchronous runner follows).
 */
#include "config.h"

#include <stdlib.h>

#include <cjson/cJSON.h>

#include "agent/pc_priv.h"

struct pc_smart {
	int	unused;
};

int
pc_smart_init(struct pc *pc)
{
	if ((pc->smart = calloc(1, sizeof(*pc->smart))) == NULL)
		return -1;
	return 0;
}

void
pc_smart_free(struct pc *pc)
{
	free(pc->smart);
	pc->smart = NULL;
}

int
pc_smart_sample(struct pc *pc, struct wire_metrics *m)
{
	(void)pc;
	(void)m;
	return 0;
}

int
pc_smart_inventory(struct pc *pc, struct cJSON *inv)
{
	cJSON *o;

	if ((o = cJSON_AddObjectToObject(inv, "smart")) == NULL ||
	    cJSON_AddBoolToObject(o, "available", 0) == NULL ||
	    cJSON_AddStringToObject(o, "reason", pc->smartctl == NULL ?
	    "no smartctl configured" : "not implemented yet") == NULL)
		return -1;
	return 0;
}

unsigned
pc_smart_generation(struct pc *pc)
{
	(void)pc;
	return 0;
}

const char *
pc_smart_model(struct pc *pc, const char *dev)
{
	(void)pc;
	(void)dev;
	return NULL;
}

const char *
pc_smart_serial(struct pc *pc, const char *dev)
{
	(void)pc;
	(void)dev;
	return NULL;
}
