/*
 * pc_mem.c: memory and swap use, from /proc/meminfo.
 *
 * "Used" memory is what programs cannot get back: MemTotal - MemAvailable
 * (the kernel's own estimate since 3.14, which counts reclaimable cache as
 * available).  Older kernels lack MemAvailable; MemFree + Buffers + Cached
 * stands in for it there.  Without swap (SwapTotal 0) the swap metrics are
 * absent: 0 % of nothing would read as "swap is fine".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/pc_priv.h"

enum {
	MI_TOTAL = 0,
	MI_AVAIL,
	MI_FREE,
	MI_BUFFERS,
	MI_CACHED,
	MI_SWAPTOTAL,
	MI_SWAPFREE,
	MI_N
};

static const char *const pc_mem_keys[MI_N] = {
    "MemTotal:", "MemAvailable:", "MemFree:",  "Buffers:",
    "Cached:",   "SwapTotal:",    "SwapFree:",
};

/* The keys needed sit in the first 20 lines (~1 KiB); read a little more. */
#define PC_MEMINFO_HEAD 2048

int
pc_mem_sample(struct pc *pc, struct wire_metrics *m)
{
	uint64_t kb[MI_N];
	bool have[MI_N] = {false};
	double total, used, avail;
	const char *p;
	char *line, *next;
	size_t i, found = 0;

	if (pc_src_read(pc, PC_SRC_MEMINFO, PC_MEMINFO_HEAD) < 0)
		return 0;
	for (line = pc->buf; line != NULL && *line != '\0' && found < MI_N;
	     line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		for (i = 0; i < MI_N; i++) {
			size_t kl = strlen(pc_mem_keys[i]);

			if (!have[i] &&
			    strncmp(line, pc_mem_keys[i], kl) == 0) {
				p = line + kl;
				have[i] = pc_scan_u64(&p, &kb[i], 1) == 1;
				found++;
				break;
			}
		}
	}
	if (have[MI_TOTAL] && kb[MI_TOTAL] > 0) {
		total = (double)kb[MI_TOTAL] * 1024.0;
		if (have[MI_AVAIL])
			avail = (double)kb[MI_AVAIL] * 1024.0;
		else if (have[MI_FREE] && have[MI_BUFFERS] && have[MI_CACHED])
			avail = (double)(kb[MI_FREE] + kb[MI_BUFFERS] +
			                 kb[MI_CACHED]) *
			        1024.0;
		else
			avail = -1;
		if (avail >= 0 && avail <= total) {
			used = total - avail;
			if (pc_add(m, 0, "mem.used_pct",
			           pc_round2(100.0 * used / total)) < 0 ||
			    pc_add(m, 0, "mem.used_bytes", used) < 0 ||
			    pc_add(m, 0, "mem.available_bytes", avail) < 0)
				return -1;
		}
	}
	if (have[MI_SWAPTOTAL] && have[MI_SWAPFREE] && kb[MI_SWAPTOTAL] > 0 &&
	    kb[MI_SWAPFREE] <= kb[MI_SWAPTOTAL]) {
		total = (double)kb[MI_SWAPTOTAL] * 1024.0;
		used = (double)(kb[MI_SWAPTOTAL] - kb[MI_SWAPFREE]) * 1024.0;
		if (pc_add(m, 0, "swap.used_pct",
		           pc_round2(100.0 * used / total)) < 0 ||
		    pc_add(m, 0, "swap.used_bytes", used) < 0)
			return -1;
	}
	return 0;
}
