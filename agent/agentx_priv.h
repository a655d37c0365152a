/*
 * agentx_priv.h: the store behind PANTAU-MIB, shared by agentx_store.c
 * (which fills it from the messages the agent emits) and agentx.c (which
 * answers the master agent from it).  Private to those two.
 *
 * Rows are kept in index order so the table handlers can walk them as
 * they are: devices in the configuration's order (the PC first), and per
 * device its metrics in the order they first appeared.  A metric keeps its
 * slot while the agent runs; one missing from the device's latest message
 * is only marked absent.
 */
#ifndef PANTAU_AGENTX_PRIV_H
#define PANTAU_AGENTX_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/agentx.h"
#include "common/names.h"
#include "common/wire.h"

#define AGENTX_STATE_UNKNOWN (-1)
#define AGENTX_VALUE_MAX 32 /* bytes of pantauMetricValue, with NUL */

struct agentx_metric {
	char name[NAME_METRIC_MAX + 1];
	double value;
	bool counter;
	bool present; /* in the device's latest metrics message */
};

struct agentx_dev {
	char id[NAME_ID_MAX + 1];
	enum dev_type type;
	int state;         /* enum wire_state, or AGENTX_STATE_UNKNOWN */
	int64_t last_seen; /* ts of the latest metrics, 0: none yet */
	struct agentx_metric *metrics;
	size_t nmetrics, cap;
	size_t hint; /* where the next name is likely to be */
};

/* What agentx.c sends for an event of device 'dev' (an index in devs). */
typedef void (*agentx_notify_fn)(struct agentx *ax, size_t dev,
                                 const struct wire_event *ev);

struct agentx {
	char site[NAME_ID_MAX + 1];
	char device[NAME_ID_MAX + 1]; /* the PC's id */
	char *address;                /* [snmp] agentx it started with */
	struct agentx_dev *devs;
	size_t ndevs, cap;
	agentx_notify_fn notify;
	void *snmp; /* agentx.c's part */
};

/*
 * A store for cfg's devices (row 0: the PC), not yet connected to
 * anything.  Returns NULL with errno set.
 */
struct agentx *agentx_store_new(const struct agent_config *cfg);
void agentx_store_free(struct agentx *ax);
/* Rows for cfg's devices, carrying over those that stay.  0 or -1. */
int agentx_store_sync(struct agentx *ax, const struct agent_config *cfg);

/* The value as the MQTT payload prints it (wire_encode.c). */
void agentx_format_value(double v, char *buf, size_t sz);
/* The unit of a metric by its name (docs/metrics.md); "" if unknown. */
const char *agentx_unit(const char *name);
/* The value rounded, held within Integer32. */
long agentx_integer(double v);
/* A counter's total for Counter64 (0 for negatives and NaN). */
uint64_t agentx_counter64(double v);

#endif
