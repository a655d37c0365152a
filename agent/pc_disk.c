/*
 * pc_disk.c: bytes read and written by the PC's disks, from /proc/diskstats.
 *
 * Only whole, fixed, real disks count: a name listed in /sys/block (which
 * holds no partitions) with a "device" link (loop, ram, zram, dm and md
 * devices have none) and "removable" not 1 (CD drives, card readers, USB
 * sticks come and go).  Partitions would count every byte twice.
 *
 * A diskstats line is "major minor name" and then (kernel 4.18 and later
 * add more at the end) reads merged sectors_read ms_reading writes merged
 * sectors_written ms_writing in_flight ms_io weighted_ms; sectors are
 * always 512 bytes here, whatever the disk's own sector size.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "agent/pc_priv.h"

bool
pc_disk_wanted(struct pc *pc, const char *dev)
{
	char rel[96];
	long long removable;

	snprintf(rel, sizeof(rel), "sys/block/%s/device", dev);
	if (!pc_exists(pc, rel))
		return false;
	snprintf(rel, sizeof(rel), "sys/block/%s/removable", dev);
	if (pc_read_int(pc, rel, &removable) == 0 && removable == 1)
		return false;
	return true;
}

int
pc_disk_sample(struct pc *pc, struct wire_metrics *m)
{
	unsigned long long rd, rdm, rsec, rms, wr, wrm, wsec, wms, infl, ioms;
	unsigned maj, min;
	struct pc_inst *in;
	char *line, *next, name[32];
	bool isnew;

	if (pc_src_read(pc, PC_SRC_DISKSTATS, 0) < 0)
		return 0;
	for (line = pc->buf; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (sscanf(line,
		           "%u %u %31s %llu %llu %llu %llu %llu %llu "
		           "%llu %llu %llu %llu",
		           &maj, &min, name, &rd, &rdm, &rsec, &rms, &wr, &wrm,
		           &wsec, &wms, &infl, &ioms) != 13)
			continue;
		if ((in = pc_inst_get(&pc->disks, name, &isnew)) == NULL)
			return -1;
		if (isnew && pc_disk_wanted(pc, name) &&
		    pc_label_part(pc, "disk", name, false, in->part) < 0)
			in->part[0] = '\0';
		if (in->part[0] == '\0')
			continue;
		if (pc_addf(m, 1, (double)rsec * 512.0, "disk.%s.read_bytes",
		            in->part) < 0 ||
		    pc_addf(m, 1, (double)wsec * 512.0, "disk.%s.write_bytes",
		            in->part) < 0 ||
		    pc_addf(m, 1, (double)ioms, "disk.%s.io_ms", in->part) < 0)
			return -1;
	}
	return 0;
}
