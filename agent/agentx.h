/*
 * agentx.h: PANTAU-MIB (mibs/PANTAU-MIB.txt) served as an AgentX subagent
 * of the machine's snmpd, so the SNMP managers a regency office already
 * runs see what the agent publishes (issue 11, docs/snmp-manager.md).
 *
 * Two halves.  agentx_store.c (in the core library, no net-snmp) keeps the
 * latest state and metrics of every device as emit.c sends them: emit.c
 * calls the agentx_on_*() hooks with each message it emits, so the tables
 * hold exactly what went out over MQTT, and an event becomes a
 * notification.  agentx.c (linked into pantau-agent only, with
 * libnetsnmpagent) connects to the master agent, answers its requests
 * from the store and sends the notifications; the agent's poll() loop
 * drives it through agentx_pollfds() and agentx_service().
 *
 * Nothing of it exists without [snmp] agentx: a->agentx stays NULL, every
 * function here is a no-op on NULL, and net-snmp's agent library is never
 * initialised.
 */
#ifndef PANTAU_AGENTX_H
#define PANTAU_AGENTX_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "common/wire.h"

struct agent_config;
struct agentx;

/* The most descriptors agentx_pollfds() fills. */
#define AGENTX_POLLFDS 4

/* agentx.c */

/*
 * Starts the subagent for cfg->snmp_agentx (which must be set): the store
 * with a row for the PC and each [device], the MIB's handlers, and the
 * connection to the master (retried every few seconds while the master is
 * away, so a missing snmpd is not an error).  Call before the device
 * pollers start: net-snmp is initialised once per process, here.  Returns
 * NULL with errno set on failure.
 */
struct agentx *agentx_start(const struct agent_config *cfg);
/* Closes the session; call after the device pollers stopped. */
void agentx_free(struct agentx *ax);
/*
 * SIGHUP: the rows follow the new configuration's devices (a device that
 * stays keeps its values).  A new agentx address takes a restart (logged).
 */
void agentx_reload(struct agentx *ax, const struct agent_config *n);
/*
 * Fills up to AGENTX_POLLFDS entries of pfd with net-snmp's descriptors
 * and lowers *timeout_ms to when its timers are due; returns how many.
 */
size_t agentx_pollfds(struct agentx *ax, struct pollfd *pfd,
                      int64_t *timeout_ms);
/* After poll(): reads what the master sent, answers, runs timers. */
void agentx_service(struct agentx *ax);

/* agentx_store.c: the hooks emit.c calls for each message it emits. */

void agentx_on_metrics(struct agentx *ax, const char *topic,
                       const struct wire_metrics *m);
void agentx_on_status(struct agentx *ax, const char *topic,
                      enum wire_state state, int64_t ts);
void agentx_on_event(struct agentx *ax, const char *topic,
                     const struct wire_event *ev);

#endif
