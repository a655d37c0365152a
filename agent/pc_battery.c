/*
 * pc_battery.c: the laptop's battery and mains power, from
 * /sys/class/power_supply.
 *
 * A supply of type "Battery" whose scope is not "Device" (a wireless
 * mouse reports its own battery with scope Device) is the system battery;
 * the first one by name is published (BAT0 before BAT1).  Each round reads
 * its "uevent" file, which carries every attribute as POWER_SUPPLY_*=, in
 * one pread().  Health is the charge the battery holds now against what it
 * held new (energy_full / energy_full_design, or charge_* on batteries that
 * count in uAh): the number that tells a technician to order a battery.
 * A supply of type "Mains" gives power.ac_online.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/pc_priv.h"

struct pc_battery {
	int fd;    /* BATn/uevent, or -1 */
	int ac_fd; /* ACn/online, or -1 */
};

static int
pc_battery_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
pc_battery_init(struct pc *pc)
{
	char rel[160], type[32], scope[32], *names[32];
	struct pc_battery *b;
	struct dirent *de;
	size_t n = 0, i;
	DIR *d;
	int fd;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -1;
	b->fd = b->ac_fd = -1;
	pc->battery = b;
	if ((fd = pc_open(pc, "sys/class/power_supply",
	                  O_RDONLY | O_DIRECTORY)) < 0)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL && n < 32) {
		if (de->d_name[0] == '.')
			continue;
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), pc_battery_cmp);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "sys/class/power_supply/%s/type",
		         names[i]);
		if (pc_read_small(pc, rel, type, sizeof(type)) <= 0)
			continue;
		snprintf(rel, sizeof(rel), "sys/class/power_supply/%s/scope",
		         names[i]);
		if (pc_read_small(pc, rel, scope, sizeof(scope)) > 0 &&
		    strcmp(scope, "Device") == 0)
			continue;
		if (strcmp(type, "Battery") == 0 && b->fd < 0) {
			snprintf(rel, sizeof(rel),
			         "sys/class/power_supply/%s/uevent", names[i]);
			b->fd = pc_open(pc, rel, O_RDONLY);
		} else if (strcmp(type, "Mains") == 0 && b->ac_fd < 0) {
			snprintf(rel, sizeof(rel),
			         "sys/class/power_supply/%s/online", names[i]);
			b->ac_fd = pc_open(pc, rel, O_RDONLY);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	return 0;
}

void
pc_battery_free(struct pc *pc)
{
	struct pc_battery *b = pc->battery;

	if (b == NULL)
		return;
	if (b->fd >= 0)
		close(b->fd);
	if (b->ac_fd >= 0)
		close(b->ac_fd);
	free(b);
	pc->battery = NULL;
}

/* The value of POWER_SUPPLY_<key>= in the uevent text, or -1. */
static long long
pc_battery_key(const char *text, const char *key)
{
	char pat[64];
	const char *p;
	size_t pl;

	pl = (size_t)snprintf(pat, sizeof(pat), "POWER_SUPPLY_%s=", key);
	for (p = text; (p = strstr(p, pat)) != NULL; p += pl)
		if (p == text || p[-1] == '\n')
			return strtoll(p + pl, NULL, 10);
	return -1;
}

int
pc_battery_sample(struct pc *pc, struct wire_metrics *m)
{
	struct pc_battery *b = pc->battery;
	long long cap, full, design, cycles;
	char on[8];
	ssize_t n;

	if (b->ac_fd >= 0 && (n = pread(b->ac_fd, on, sizeof(on) - 1, 0)) > 0) {
		on[n] = '\0';
		if ((on[0] == '0' || on[0] == '1') &&
		    pc_add(m, 0, "power.ac_online", on[0] - '0') < 0)
			return -1;
	}
	if (b->fd < 0 || pc_fd_read(pc, b->fd, 0) <= 0)
		return 0;
	if ((cap = pc_battery_key(pc->buf, "CAPACITY")) >= 0 && cap <= 100 &&
	    pc_add(m, 0, "battery.capacity_pct", (double)cap) < 0)
		return -1;
	full = pc_battery_key(pc->buf, "ENERGY_FULL");
	design = pc_battery_key(pc->buf, "ENERGY_FULL_DESIGN");
	if (full <= 0 || design <= 0) {
		full = pc_battery_key(pc->buf, "CHARGE_FULL");
		design = pc_battery_key(pc->buf, "CHARGE_FULL_DESIGN");
	}
	if (full > 0 && design > 0 &&
	    pc_add(m, 0, "battery.health_pct",
	           pc_round2(100.0 * (double)full / (double)design)) < 0)
		return -1;
	/* Many batteries report cycle_count 0 meaning "not supported". */
	if ((cycles = pc_battery_key(pc->buf, "CYCLE_COUNT")) > 0 &&
	    pc_add(m, 0, "battery.cycles", (double)cycles) < 0)
		return -1;
	return 0;
}
