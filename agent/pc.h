/*
 * pc.h: sampling the PC the agent runs on (DESIGN.md section 6, type pc).
 *
 * This is the boundary between the agent's core (schedule, spool, publish:
 * agent.h) and its samplers (pc_*.c).  The core creates one struct pc, calls
 * pc_sample() once per round and pc_inventory() at connect and every round
 * (publishing only when the text changed).  Every file is read under 'root'
 * (the --root option), so tests run on fixture trees captured from real
 * machines; nothing here reads the live system when root is not "/", except
 * that smartctl is always given /dev/<disk> (tests use a fake smartctl).
 *
 * Counters are sent as totals (the collector makes rates).  A value the PC
 * does not have is absent, never 0.  A slow source (smartctl) runs outside
 * the round with a timeout: pc_sample() starts the runs as child processes
 * (their own process group), collects finished ones without waiting and
 * uses the last results, so SMART values appear from the round after a
 * run started.  The caller may leave SIGCHLD at its default or ignore it;
 * it must not reap children it did not start (no waitpid(-1, ...)).
 *
 * Metric names and sources: docs/metrics.md; SMART: docs/smart.md.
 */
#ifndef PANTAU_AGENT_PC_H
#define PANTAU_AGENT_PC_H

#include <stdint.h>

#include "common/wire.h"

struct pc;

struct pc_options {
	const char *root;     /* "/" or a fixture tree; copied */
	const char *smartctl; /* path of smartctl or the helper; NULL: none */
	unsigned smart_interval; /* seconds between SMART refreshes */
	unsigned smart_timeout;  /* seconds before a smartctl run is killed */
};

/*
 * Prepares the samplers.  Returns the state (free with pc_free()), or NULL
 * with errno set (ENOMEM).  A missing source is not an error: its metrics
 * are simply absent.
 */
struct pc *pc_new(const struct pc_options *opt);
void pc_free(struct pc *pc); /* pc_free(NULL) is a no-op */

/*
 * One sampling round at time 'ts': appends the PC's gauges and counters to
 * 'm' (whose ts, type and interval the caller sets).  Rates that need two
 * readings (cpu.util) are absent on the first round.  Returns 0, or -1 only
 * when 'm' could not take a sample (ENOMEM, E2BIG); sources that fail are
 * skipped and logged once per state change.
 */
int pc_sample(struct pc *pc, int64_t ts, struct wire_metrics *m);

/*
 * The inventory object of DESIGN.md section 5 as compact JSON, including
 * "labels" for every sanitized metric part seen so far.  Only "ts" differs
 * between two calls while nothing changed, so pc_inventory(pc, 0) is a
 * stable text to compare.  Cheap: the text is kept between calls.  Returns
 * a string the caller frees, or NULL with errno set.
 */
char *pc_inventory(struct pc *pc, int64_t ts);

#endif
