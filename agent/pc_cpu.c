/*
 * pc_cpu.c: CPU time, load average and uptime, from /proc.
 *
 * cpu.util is the share of CPU time that was neither idle nor waiting for
 * I/O between this round and the last, over all CPUs, from the first line
 * of /proc/stat ("cpu  user nice system idle iowait irq softirq steal guest
 * guest_nice", in USER_HZ ticks).  guest and guest_nice are already counted
 * in user and nice (proc(5)), so they are not added again.  The first round
 * has nothing to compare with: cpu.util is absent then, as it is when the
 * counters did not move or went backwards (a CPU went offline).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/pc_priv.h"

/* The "cpu " line comes first and is short; the rest is not needed. */
#define PC_STAT_HEAD 512

int
pc_cpu_sample(struct pc *pc, struct wire_metrics *m)
{
	uint64_t v[8] = {0};
	uint64_t total, busy, idle, dt;
	struct pc_cpu *c = &pc->cpu;
	const char *p;
	size_t n;

	if (pc_src_read(pc, PC_SRC_STAT, PC_STAT_HEAD) < 0)
		return 0;
	if (strncmp(pc->buf, "cpu ", 4) != 0)
		return 0;
	p = pc->buf + 4;
	if ((n = pc_scan_u64(&p, v, 8)) < 4)
		return 0;
	/* user nice system idle iowait irq softirq steal */
	idle = v[3] + v[4];
	total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
	busy = total - idle;

	if (c->have && total > c->prev_total && busy >= c->prev_busy &&
	    v[4] >= c->prev_iowait && v[7] >= c->prev_steal) {
		dt = total - c->prev_total;
		if (pc_add(m, 0, "cpu.util",
		           pc_round2(100.0 * (double)(busy - c->prev_busy) /
		                     (double)dt)) < 0)
			return -1;
		if (n >= 5 &&
		    pc_add(m, 0, "cpu.iowait_pct",
		           pc_round2(100.0 * (double)(v[4] - c->prev_iowait) /
		                     (double)dt)) < 0)
			return -1;
		if (n >= 8 &&
		    pc_add(m, 0, "cpu.steal_pct",
		           pc_round2(100.0 * (double)(v[7] - c->prev_steal) /
		                     (double)dt)) < 0)
			return -1;
	}
	c->have = true;
	c->prev_total = total;
	c->prev_busy = busy;
	c->prev_iowait = v[4];
	c->prev_steal = v[7];
	return 0;
}

int
pc_load_sample(struct pc *pc, struct wire_metrics *m)
{
	double l1, l5, l15;

	if (pc_src_read(pc, PC_SRC_LOADAVG, 128) < 0)
		return 0;
	if (sscanf(pc->buf, "%lf %lf %lf", &l1, &l5, &l15) != 3)
		return 0;
	if (pc_add(m, 0, "load.1", l1) < 0 || pc_add(m, 0, "load.5", l5) < 0 ||
	    pc_add(m, 0, "load.15", l15) < 0)
		return -1;
	return 0;
}

int
pc_uptime_sample(struct pc *pc, struct wire_metrics *m)
{
	char *end;
	double up;

	if (pc_src_read(pc, PC_SRC_UPTIME, 128) < 0)
		return 0;
	up = strtod(pc->buf, &end);
	if (end == pc->buf || up < 0)
		return 0;
	/* Whole seconds: the collector makes a rate of it, or a boot time. */
	return pc_add(m, 1, "uptime.seconds", (double)(uint64_t)up);
}
