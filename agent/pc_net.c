/*
 * pc_net.c: traffic of the network interfaces, from /proc/net/dev.
 *
 * A technician wants the PC's network cards, not the plumbing: only
 * interfaces backed by hardware (those with /sys/class/net/<if>/device:
 * ethernet, wifi, USB modems) are published; loopback, bridges, veth, tun
 * and friends are not.  Without /sys/class/net (a bare /proc) everything
 * but "lo" is.  The decision is made once per interface name.
 *
 * /proc/net/dev gives per interface 8 receive fields (bytes packets errs
 * drop fifo frame compressed multicast) then 8 transmit fields (bytes
 * packets errs drop fifo colls carrier compressed), 64-bit on 64-bit
 * kernels; the totals go out as counters.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "agent/pc_priv.h"

bool
pc_net_wanted(struct pc *pc, const char *ifname)
{
	char rel[96];

	if (strcmp(ifname, "lo") == 0)
		return false;
	if (!pc_exists(pc, "sys/class/net"))
		return true;
	snprintf(rel, sizeof(rel), "sys/class/net/%s/device", ifname);
	return pc_exists(pc, rel);
}

/* Splits "  eth0: 1 2 3..." (old kernels glue "eth0:123") at the colon. */
static int
pc_net_line(char *line, char **name, char **rest)
{
	char *colon = strchr(line, ':');

	if (colon == NULL)
		return -1;
	*colon = '\0';
	while (*line == ' ')
		line++;
	if (*line == '\0' || strchr(line, '|') != NULL)
		return -1;
	*name = line;
	*rest = colon + 1;
	return 0;
}

int
pc_net_sample(struct pc *pc, struct wire_metrics *m)
{
	uint64_t v[11];
	struct pc_inst *in;
	char *line, *next, *name, *rest;
	const char *p;
	bool isnew;

	if (pc_src_read(pc, PC_SRC_NETDEV, 0) < 0)
		return 0;
	for (line = pc->buf; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (pc_net_line(line, &name, &rest) < 0 ||
		    strlen(name) >= sizeof(in->name))
			continue;
		/* rx: bytes packets errs drop fifo frame compr mcast; tx: ...
		 */
		p = rest;
		if (pc_scan_u64(&p, v, 11) != 11)
			continue;
		if ((in = pc_inst_get(&pc->nets, name, &isnew)) == NULL)
			return -1;
		if (isnew && pc_net_wanted(pc, name) &&
		    pc_label_part(pc, "net", name, false, in->part) < 0)
			in->part[0] = '\0';
		if (in->part[0] == '\0')
			continue;
		if (pc_add3(m, 1, (double)v[0], "net.", in->part, ".rx_bytes") <
		        0 ||
		    pc_add3(m, 1, (double)v[8], "net.", in->part, ".tx_bytes") <
		        0 ||
		    pc_add3(m, 1, (double)v[2], "net.", in->part,
		            ".rx_errors") < 0 ||
		    pc_add3(m, 1, (double)v[10], "net.", in->part,
		            ".tx_errors") < 0)
			return -1;
	}
	return 0;
}
