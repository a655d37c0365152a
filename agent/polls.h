/*
 * polls.h: the PC's inventory with the list of the devices this agent
 * polls, so that "pantauctl mqtt acl" can let it write their topics
 * (docs/security.md).
 */
#ifndef PANTAU_AGENT_POLLS_H
#define PANTAU_AGENT_POLLS_H

#include <stdint.h>

#include "agent/agent.h"
#include "agent/pc.h"

/*
 * pc_inventory(pc, ts) with "polls":["printer-lobby",...] appended, the
 * ids of cfg's [device] sections in file order; without [device] sections
 * it is pc_inventory() unchanged.  Returns a malloc'd string the caller
 * frees, or NULL with errno set.
 */
char *polls_inventory(struct pc *pc, const struct agent_config *cfg,
                      int64_t ts);

#endif
