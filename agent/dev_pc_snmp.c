/*
 * dev_pc_snmp.c: PCs that cannot run pantau-agent but answer SNMP (Windows
 * with the SNMP service, Linux with snmpd), through HOST-RESOURCES-MIB
 * (RFC 2790).
 *
 * The metric names are the PC's own (docs/metrics.md), so a polled PC and
 * an agent PC graph the same: cpu.util is the mean of hrProcessorLoad (the
 * per-CPU busy percentage over the last minute), memory and swap come from
 * the hrStorage rows of type Ram and VirtualMemory (swap: the row named so,
 * since Windows' "Virtual Memory" is the commit charge), file systems from
 * the FixedDisk rows, uptime from hrSystemUptime (the host's, not the SNMP
 * agent's sysUpTime), sessions from hrSystemNumUsers.
 */
#define _GNU_SOURCE /* strcasestr */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "agent/snmp_priv.h"
#include "common/names.h"

#define HR_STORAGE 1, 3, 6, 1, 2, 1, 25, 2, 3, 1
#define HR_DEVICE 1, 3, 6, 1, 2, 1, 25, 3, 2, 1
#define HR_PROCESSOR 1, 3, 6, 1, 2, 1, 25, 3, 3, 1

#define HR_TYPE_RAM "1.3.6.1.2.1.25.2.1.2"
#define HR_TYPE_VIRTUAL "1.3.6.1.2.1.25.2.1.3"
#define HR_TYPE_DISK "1.3.6.1.2.1.25.2.1.4"
#define HR_TYPE_CPU "1.3.6.1.2.1.25.3.1.3"

static const struct snmp_oid hr_uptime =
    SNMP_OID(1, 3, 6, 1, 2, 1, 25, 1, 1, 0);
static const struct snmp_oid hr_users = SNMP_OID(1, 3, 6, 1, 2, 1, 25, 1, 5, 0);
static const struct snmp_oid hr_procs = SNMP_OID(1, 3, 6, 1, 2, 1, 25, 1, 6, 0);
static const struct snmp_oid hr_memsize =
    SNMP_OID(1, 3, 6, 1, 2, 1, 25, 2, 2, 0);
static const struct snmp_oid st_type = SNMP_OID(HR_STORAGE, 2);
static const struct snmp_oid st_descr = SNMP_OID(HR_STORAGE, 3);
static const struct snmp_oid st_units = SNMP_OID(HR_STORAGE, 4);
static const struct snmp_oid st_size = SNMP_OID(HR_STORAGE, 5);
static const struct snmp_oid st_used = SNMP_OID(HR_STORAGE, 6);
static const struct snmp_oid dev_type = SNMP_OID(HR_DEVICE, 2);
static const struct snmp_oid dev_descr = SNMP_OID(HR_DEVICE, 3);
static const struct snmp_oid cpu_load = SNMP_OID(HR_PROCESSOR, 2);

static const struct snmp_oid dev_pc_gets[] = {
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 1, 0),
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 2, 0),
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 3, 0),
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 5, 0),
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 6, 0),
    SNMP_OID(1, 3, 6, 1, 2, 1, 25, 1, 1, 0),
    SNMP_OID(1, 3, 6, 1, 2, 1, 25, 1, 5, 0),
    SNMP_OID(1, 3, 6, 1, 2, 1, 25, 1, 6, 0),
    SNMP_OID(1, 3, 6, 1, 2, 1, 25, 2, 2, 0),
};

static const struct snmp_walk dev_pc_walks[] = {
    {SNMP_OID(HR_STORAGE), {2, 3, 4, 5, 6}, 5},
    {SNMP_OID(HR_PROCESSOR), {2}, 1},
    {SNMP_OID(HR_DEVICE), {2, 3}, 2},
};

static bool
dev_pc_oid_is(const struct snmp_var *v, const char *dotted)
{
	return v != NULL && v->type == SNMP_T_OID &&
	       strcmp((const char *)v->str, dotted) == 0;
}

/* Pseudo file systems net-snmp lists as fixed disks on Linux. */
static bool
dev_pc_skip_mount(const char *descr)
{
	static const char *const skip[] = {"/dev", "/sys", "/proc", "/run",
	                                   "/snap"};
	size_t i, n;

	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		n = strlen(skip[i]);
		if (strncmp(descr, skip[i], n) == 0 &&
		    (descr[n] == '\0' || descr[n] == '/'))
			return true;
	}
	return false;
}

/* "C:\ Label:OS  Serial Number 5c3a" is "C:\"; "/home" stays. */
static void
dev_pc_mount_label(const char *descr, char *out, size_t outsz)
{
	size_t n;

	if (descr[0] == '/' ||
	    !(isalpha((unsigned char)descr[0]) && descr[1] == ':')) {
		snprintf(out, outsz, "%s", descr);
		return;
	}
	n = strcspn(descr, " ");
	snprintf(out, outsz, "%.*s", (int)n, descr);
}

static void
dev_pc_storage(struct snmp_out *o)
{
	const struct snmp_var *v, *t;
	struct snmp_parts parts = {0};
	char descr[256], label[256], part[NAME_PART_MAX + 1], fallback[32];
	char prefix[NAME_METRIC_MAX + 1];
	int64_t units, size, used;
	double pct;
	uint32_t idx;
	size_t pos = 0;
	bool have_mem = false, have_swap = false;

	while ((v = snmp_store_next(o->st, &st_descr, &pos)) != NULL) {
		if (v->oid_len != st_descr.len + 1)
			continue;
		idx = v->oid[st_descr.len];
		t = snmp_store_get(o->st, &st_type, &idx, 1);
		if (!snmp_var_int(snmp_store_get(o->st, &st_units, &idx, 1),
		                  &units) ||
		    !snmp_var_int(snmp_store_get(o->st, &st_size, &idx, 1),
		                  &size) ||
		    !snmp_var_int(snmp_store_get(o->st, &st_used, &idx, 1),
		                  &used) ||
		    units <= 0 || size <= 0 || used < 0)
			continue;
		snmp_out_text(v, 0, descr, sizeof(descr));
		pct = (double)used * 100.0 / (double)size;
		pct = (double)(int64_t)(pct * 100.0 + 0.5) / 100.0;
		if (dev_pc_oid_is(t, HR_TYPE_RAM) && !have_mem) {
			have_mem = true;
			snmp_out_gauge(o, pct, "mem.used_pct");
			snmp_out_gauge(o, (double)used * (double)units,
			               "mem.used_bytes");
		} else if (dev_pc_oid_is(t, HR_TYPE_VIRTUAL) && !have_swap &&
		           strcasestr(descr, "swap") != NULL) {
			have_swap = true;
			snmp_out_gauge(o, pct, "swap.used_pct");
			snmp_out_gauge(o, (double)used * (double)units,
			               "swap.used_bytes");
		} else if (dev_pc_oid_is(t, HR_TYPE_DISK) &&
		           !dev_pc_skip_mount(descr)) {
			dev_pc_mount_label(descr, label, sizeof(label));
			snprintf(fallback, sizeof(fallback), "storage%u", idx);
			if (label[0] == '/') {
				if (name_mount_part(label, part, sizeof(part)) <
				    0)
					snprintf(part, sizeof(part), "%s",
					         fallback);
			} else if (snmp_parts_pick(&parts, label, fallback,
			                           part) != 0) {
				o->err = 1;
				break;
			}
			snmp_out_gauge(o, pct, "fs.%s.used_pct", part);
			snmp_out_gauge(o, (double)(size - used) * (double)units,
			               "fs.%s.free_bytes", part);
			snprintf(prefix, sizeof(prefix), "fs.%s", part);
			snmp_out_label(o, prefix, label);
		}
	}
	snmp_parts_clear(&parts);
}

static void
dev_pc_cpu(struct snmp_out *o)
{
	const struct snmp_var *v;
	char model[256] = "";
	double sum = 0;
	int64_t load;
	size_t pos = 0, n = 0;
	cJSON *cpu;

	while ((v = snmp_store_next(o->st, &cpu_load, &pos)) != NULL)
		if (snmp_var_int(v, &load) && load >= 0 && load <= 100) {
			sum += (double)load;
			n++;
		}
	if (n > 0)
		snmp_out_gauge(
		    o, (double)(int64_t)(sum / (double)n * 100 + 0.5) / 100.0,
		    "cpu.util");
	pos = 0;
	while ((v = snmp_store_next(o->st, &dev_type, &pos)) != NULL) {
		uint32_t idx = v->oid[v->oid_len - 1];

		if (!dev_pc_oid_is(v, HR_TYPE_CPU))
			continue;
		snmp_out_text(snmp_store_get(o->st, &dev_descr, &idx, 1), 0,
		              model, sizeof(model));
		break;
	}
	if (n == 0 && model[0] == '\0')
		return;
	if ((cpu = cJSON_AddObjectToObject(o->inv, "cpu")) == NULL) {
		o->err = 1;
		return;
	}
	snmp_out_inv_str(o, cpu, "model", model);
	if (n > 0)
		cJSON_AddNumberToObject(cpu, "threads", (double)n);
}

static void
dev_pc_build(struct snmp_out *o)
{
	const struct snmp_var *v;
	char text[256];
	int64_t x;
	bool ok;

	/* The host's uptime; the SNMP service's when the host's is missing. */
	v = snmp_store_get(o->st, &hr_uptime, NULL, 0);
	if (v == NULL)
		v = snmp_store_get(o->st, &snmp_oid_sysuptime, NULL, 0);
	if (snmp_var_int(v, &x)) {
		ok = o->counters_ok;
		o->counters_ok = true;
		snmp_out_counter(o, (double)(x / 100), "uptime.seconds");
		o->counters_ok = ok;
	}
	if (snmp_var_int(snmp_store_get(o->st, &hr_users, NULL, 0), &x))
		snmp_out_gauge(o, (double)x, "users.sessions");
	if (snmp_var_int(snmp_store_get(o->st, &hr_procs, NULL, 0), &x))
		snmp_out_gauge(o, (double)x, "procs.total");
	dev_pc_cpu(o);
	dev_pc_storage(o);
	if (snmp_var_int(snmp_store_get(o->st, &hr_memsize, NULL, 0), &x) &&
	    x > 0)
		cJSON_AddNumberToObject(o->inv, "ram_bytes",
		                        (double)x * 1024.0);
	snmp_out_text(snmp_store_get(o->st, &snmp_oid_sysname, NULL, 0), 0,
	              text, sizeof(text));
	snmp_out_inv_str(o, o->inv, "hostname", text);
}

const struct snmp_plan dev_pc_snmp_plan = {
    DEV_PC,
    dev_pc_gets,
    sizeof(dev_pc_gets) / sizeof(dev_pc_gets[0]),
    dev_pc_walks,
    sizeof(dev_pc_walks) / sizeof(dev_pc_walks[0]),
    dev_pc_build,
};
