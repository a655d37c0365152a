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
	uint64_t v[11], majmin[2];
	struct pc_inst *in;
	char *line, *next, *name, *end;
	const char *p;
	bool isnew;

	if (pc_src_read(pc, PC_SRC_DISKSTATS, 0) < 0)
		return 0;
	for (line = pc->buf; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		p = line;
		if (pc_scan_u64(&p, majmin, 2) != 2)
			continue;
		name = (char *)line + (p - line);
		while (*name == ' ')
			name++;
		if ((end = strchr(name, ' ')) == NULL)
			continue;
		*end = '\0';
		/* reads merged sectors ms writes merged sectors ms inflight
		 * io_ms weighted_ms */
		p = end + 1;
		if (pc_scan_u64(&p, v, 11) != 11 ||
		    strlen(name) >= sizeof(in->name))
			continue;
		if ((in = pc_inst_get(&pc->disks, name, &isnew)) == NULL)
			return -1;
		if (isnew && pc_disk_wanted(pc, name) &&
		    pc_label_part(pc, "disk", name, false, in->part) < 0)
			in->part[0] = '\0';
		if (in->part[0] == '\0')
			continue;
		if (pc_add3(m, 1, (double)v[2] * 512.0, "disk.", in->part,
		            ".read_bytes") < 0 ||
		    pc_add3(m, 1, (double)v[6] * 512.0, "disk.", in->part,
		            ".write_bytes") < 0 ||
		    pc_add3(m, 1, (double)v[9], "disk.", in->part, ".io_ms") <
		        0)
			return -1;
	}
	return 0;
}
