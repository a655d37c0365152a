/*
 * pc_inventory.c: what the PC is, for the retained "inventory" message
 * (DESIGN.md section 5, fields in docs/wire.md and docs/metrics.md).
 *
 * The machine itself (host name, OS, kernel, CPU, RAM, disks, network
 * cards, DMI, machine id) does not change while the agent runs, so that
 * part is read once and kept as a cJSON tree; it is rebuilt only when the
 * SMART runner learned something new about the disks (a model or serial
 * that sysfs does not show).  Each call adds the parts that grow as the
 * samplers run, the labels behind sanitized metric parts and the SMART
 * state, and prints the object compactly.
 *
 * Strings from firmware are not trusted to be text: DMI fields and disk
 * models are cut to printable ASCII, and the placeholders vendors leave in
 * DMI ("To Be Filled By O.E.M.", "Default string") count as absent.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "agent/pc_priv.h"

/* Keeps printable ASCII, trims spaces; returns s. */
static char *
pc_inv_clean(char *s)
{
	char *o = s, *p, *start = s;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
			*o++ = *p;
	*o = '\0';
	while (*start == ' ')
		start++;
	o = start + strlen(start);
	while (o > start && o[-1] == ' ')
		*--o = '\0';
	if (start != s)
		memmove(s, start, strlen(start) + 1);
	return s;
}

static bool
pc_inv_placeholder(const char *s)
{
	static const char *const junk[] = {
	    "",
	    "To Be Filled By O.E.M.",
	    "To be filled by O.E.M.",
	    "Default string",
	    "System Product Name",
	    "System Serial Number",
	    "System manufacturer",
	    "Not Specified",
	    "Not Applicable",
	    "None",
	    "0123456789",
	    "Unknown",
	};
	size_t i;

	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		if (strcmp(s, junk[i]) == 0)
			return true;
	return false;
}

/* Adds the cleaned contents of file 'rel' as 'key', when it has any. */
static int
pc_inv_file(struct pc *pc, cJSON *o, const char *key, const char *rel)
{
	char b[256];

	if (pc_read_small(pc, rel, b, sizeof(b)) <= 0 ||
	    pc_inv_placeholder(pc_inv_clean(b)))
		return 0;
	return cJSON_AddStringToObject(o, key, b) != NULL ? 0 : -1;
}

/* PRETTY_NAME from os-release, without its quotes. */
static int
pc_inv_os(struct pc *pc, cJSON *o)
{
	char b[4096], *p, *end;

	if (pc_read_small(pc, "etc/os-release", b, sizeof(b)) < 0 &&
	    pc_read_small(pc, "usr/lib/os-release", b, sizeof(b)) < 0)
		return 0;
	for (p = b; p != NULL;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, "PRETTY_NAME=", 12) != 0)
			continue;
		p += 12;
		if ((end = strchr(p, '\n')) != NULL)
			*end = '\0';
		if (*p == '"' || *p == '\'') {
			p++;
			if (*p != '\0' && (p[strlen(p) - 1] == '"' ||
			                   p[strlen(p) - 1] == '\''))
				p[strlen(p) - 1] = '\0';
		}
		pc_inv_clean(p);
		return cJSON_AddStringToObject(o, "os", p) != NULL ? 0 : -1;
	}
	return 0;
}

/*
 * "model name" of the first processor; threads are "processor" entries,
 * cores the distinct (physical id, core id) pairs, or the threads when
 * the kernel does not say (VMs, ARM).
 */
static int
pc_inv_cpu(struct pc *pc, cJSON *o)
{
	char model[128] = "", *line, *next, *v;
	unsigned threads = 0, cores = 0, phys = 0, pairs[256];
	cJSON *c;
	size_t i;
	int fd;

	if ((fd = pc_open(pc, "proc/cpuinfo", O_RDONLY)) < 0)
		return 0;
	if (pc_fd_read(pc, fd, 0) < 0) {
		close(fd);
		return 0;
	}
	close(fd);
	for (line = pc->buf; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if ((v = strchr(line, ':')) == NULL)
			continue;
		v++;
		while (*v == ' ')
			v++;
		if (strncmp(line, "processor", 9) == 0 &&
		    (line[9] == '\t' || line[9] == ' '))
			threads++;
		else if (strncmp(line, "model name", 10) == 0 &&
		         model[0] == '\0')
			snprintf(model, sizeof(model), "%s", v);
		else if (strncmp(line, "Hardware", 8) == 0 && model[0] == '\0')
			snprintf(model, sizeof(model), "%s", v);
		else if (strncmp(line, "physical id", 11) == 0)
			phys = (unsigned)strtoul(v, NULL, 10);
		else if (strncmp(line, "core id", 7) == 0) {
			unsigned key =
			    phys << 16 | (unsigned)strtoul(v, NULL, 10);

			for (i = 0; i < cores; i++)
				if (pairs[i] == key)
					break;
			if (i == cores && cores < 256)
				pairs[cores++] = key;
		}
	}
	if (threads == 0)
		return 0;
	if (cores == 0)
		cores = threads;
	if ((c = cJSON_AddObjectToObject(o, "cpu")) == NULL)
		return -1;
	if (model[0] != '\0' &&
	    cJSON_AddStringToObject(c, "model", pc_inv_clean(model)) == NULL)
		return -1;
	if (cJSON_AddNumberToObject(c, "cores", cores) == NULL ||
	    cJSON_AddNumberToObject(c, "threads", threads) == NULL)
		return -1;
	return 0;
}

static int
pc_inv_ram(struct pc *pc, cJSON *o)
{
	unsigned long long kb;
	int fd;

	if ((fd = pc_open(pc, "proc/meminfo", O_RDONLY)) < 0)
		return 0;
	if (pc_fd_read(pc, fd, 256) < 0 ||
	    sscanf(pc->buf, "MemTotal: %llu kB", &kb) != 1) {
		close(fd);
		return 0;
	}
	close(fd);
	return cJSON_AddNumberToObject(o, "ram_bytes", (double)kb * 1024.0)
	           ? 0
	           : -1;
}

/* E:KEY=value from the udev database entry of block device 'dev'. */
static void
pc_inv_udev(struct pc *pc, const char *dev, const char *key, char *out,
            size_t outsz)
{
	char rel[128], num[32], b[4096], pat[64], *p, *end;

	out[0] = '\0';
	snprintf(rel, sizeof(rel), "sys/block/%s/dev", dev);
	if (pc_read_small(pc, rel, num, sizeof(num)) <= 0)
		return;
	snprintf(rel, sizeof(rel), "run/udev/data/b%s", num);
	if (pc_read_small(pc, rel, b, sizeof(b)) <= 0)
		return;
	snprintf(pat, sizeof(pat), "E:%s=", key);
	for (p = b; (p = strstr(p, pat)) != NULL; p++) {
		if (p != b && p[-1] != '\n')
			continue;
		p += strlen(pat);
		if ((end = strchr(p, '\n')) != NULL)
			*end = '\0';
		snprintf(out, outsz, "%s", p);
		pc_inv_clean(out);
		return;
	}
}

/*
 * One disk: model and serial from SMART when it ran, else sysfs (NVMe
 * controllers and virtio show them), else the udev database (SATA: sysfs
 * cuts the ATA model to 16 characters and has no serial).
 */
static int
pc_inv_disk(struct pc *pc, cJSON *arr, const char *dev)
{
	char rel[128], model[128], serial[128];
	const char *sm;
	long long sectors, rot;
	cJSON *d;

	if ((d = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(arr, d);
	if (cJSON_AddStringToObject(d, "name", dev) == NULL)
		return -1;

	model[0] = '\0';
	if ((sm = pc_smart_model(pc, dev)) != NULL)
		snprintf(model, sizeof(model), "%s", sm);
	if (model[0] == '\0') {
		snprintf(rel, sizeof(rel), "sys/block/%s/device/model", dev);
		if (pc_read_small(pc, rel, model, sizeof(model)) > 0)
			pc_inv_clean(model);
	}
	if (model[0] == '\0')
		pc_inv_udev(pc, dev, "ID_MODEL", model, sizeof(model));

	serial[0] = '\0';
	if ((sm = pc_smart_serial(pc, dev)) != NULL)
		snprintf(serial, sizeof(serial), "%s", sm);
	if (serial[0] == '\0') {
		snprintf(rel, sizeof(rel), "sys/block/%s/device/serial", dev);
		if (pc_read_small(pc, rel, serial, sizeof(serial)) <= 0) {
			snprintf(rel, sizeof(rel), "sys/block/%s/serial", dev);
			pc_read_small(pc, rel, serial, sizeof(serial));
		}
		pc_inv_clean(serial);
	}
	if (serial[0] == '\0')
		pc_inv_udev(pc, dev, "ID_SERIAL_SHORT", serial, sizeof(serial));

	if (model[0] != '\0' &&
	    cJSON_AddStringToObject(d, "model", model) == NULL)
		return -1;
	if (serial[0] != '\0' &&
	    cJSON_AddStringToObject(d, "serial", serial) == NULL)
		return -1;
	snprintf(rel, sizeof(rel), "sys/block/%s/size", dev);
	if (pc_read_int(pc, rel, &sectors) == 0 && sectors > 0 &&
	    cJSON_AddNumberToObject(d, "size_bytes", (double)sectors * 512.0) ==
	        NULL)
		return -1;
	/* A spinning disk (1) or not (0): what wears out, and how. */
	snprintf(rel, sizeof(rel), "sys/block/%s/queue/rotational", dev);
	if (pc_read_int(pc, rel, &rot) == 0 && (rot == 0 || rot == 1) &&
	    cJSON_AddBoolToObject(d, "rotational", (int)rot) == NULL)
		return -1;
	return 0;
}

static int
pc_inv_disks(struct pc *pc, cJSON *o)
{
	cJSON *arr;
	char **v;
	size_t n, i;
	int rc = 0;

	if ((arr = cJSON_AddArrayToObject(o, "disks")) == NULL)
		return -1;
	n = pc_list_dir(pc, "sys/block", &v);
	for (i = 0; i < n && rc == 0; i++)
		if (pc_disk_wanted(pc, v[i]))
			rc = pc_inv_disk(pc, arr, v[i]);
	pc_list_free(v, n);
	return rc;
}

static int
pc_inv_interfaces(struct pc *pc, cJSON *o)
{
	char rel[128], mac[64];
	cJSON *arr, *i_o;
	char **v;
	size_t n, i;
	int rc = 0;

	if ((arr = cJSON_AddArrayToObject(o, "interfaces")) == NULL)
		return -1;
	n = pc_list_dir(pc, "sys/class/net", &v);
	for (i = 0; i < n && rc == 0; i++) {
		if (!pc_net_wanted(pc, v[i]))
			continue;
		if ((i_o = cJSON_CreateObject()) == NULL) {
			rc = -1;
			break;
		}
		cJSON_AddItemToArray(arr, i_o);
		if (cJSON_AddStringToObject(i_o, "name", v[i]) == NULL)
			rc = -1;
		snprintf(rel, sizeof(rel), "sys/class/net/%s/address", v[i]);
		if (rc == 0 && pc_read_small(pc, rel, mac, sizeof(mac)) > 0 &&
		    cJSON_AddStringToObject(i_o, "mac", pc_inv_clean(mac)) ==
		        NULL)
			rc = -1;
	}
	pc_list_free(v, n);
	return rc;
}

static int
pc_inv_dmi(struct pc *pc, cJSON *o)
{
	cJSON *d;

	if (!pc_exists(pc, "sys/class/dmi/id"))
		return 0;
	if ((d = cJSON_AddObjectToObject(o, "dmi")) == NULL)
		return -1;
	/* product_serial is root-only (0400): absent for an unprivileged agent.
	 */
	if (pc_inv_file(pc, d, "vendor", "sys/class/dmi/id/sys_vendor") < 0 ||
	    pc_inv_file(pc, d, "product", "sys/class/dmi/id/product_name") <
	        0 ||
	    pc_inv_file(pc, d, "serial", "sys/class/dmi/id/product_serial") <
	        0 ||
	    pc_inv_file(pc, d, "bios_version",
	                "sys/class/dmi/id/bios_version") < 0)
		return -1;
	return 0;
}

/* The parts that do not change while the agent runs. */
static cJSON *
pc_inv_static(struct pc *pc)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if ((pc_inv_file(pc, o, "hostname", "proc/sys/kernel/hostname") < 0) ||
	    (!cJSON_HasObjectItem(o, "hostname") &&
	     pc_inv_file(pc, o, "hostname", "etc/hostname") < 0) ||
	    pc_inv_os(pc, o) < 0 ||
	    pc_inv_file(pc, o, "kernel", "proc/sys/kernel/osrelease") < 0 ||
	    pc_inv_cpu(pc, o) < 0 || pc_inv_ram(pc, o) < 0 ||
	    pc_inv_disks(pc, o) < 0 || pc_inv_interfaces(pc, o) < 0 ||
	    pc_inv_dmi(pc, o) < 0 ||
	    pc_inv_file(pc, o, "machine_id", "etc/machine-id") < 0 ||
	    cJSON_AddStringToObject(o, "agent_version", PACKAGE_VERSION) ==
	        NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

void
pc_inventory_free(struct pc *pc)
{
	cJSON_Delete(pc->inv_static);
	pc->inv_static = NULL;
	free(pc->inv_text);
	pc->inv_text = NULL;
}

/* The object without "v" and "ts": {"type":"pc",...}. */
static char *
pc_inv_text(struct pc *pc)
{
	cJSON *o, *it, *labels;
	char *text = NULL;
	size_t i;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddStringToObject(o, "type", "pc") == NULL)
		goto fail;
	/* References: deleting 'o' leaves the cached tree alone. */
	for (it = pc->inv_static->child; it != NULL; it = it->next)
		if (!cJSON_AddItemReferenceToObject(o, it->string, it))
			goto fail;
	if ((labels = cJSON_AddObjectToObject(o, "labels")) == NULL)
		goto fail;
	for (i = 0; i < pc->nlabels; i++)
		if (cJSON_AddStringToObject(labels, pc->labels[i].prefix,
		                            pc->labels[i].label) == NULL)
			goto fail;
	if (pc_smart_inventory(pc, o) < 0)
		goto fail;
	text = cJSON_PrintUnformatted(o);
fail:
	cJSON_Delete(o);
	return text;
}

/*
 * The core asks twice a round (once with ts 0, to compare); the text is
 * kept and rebuilt only when a label was added or SMART's state changed,
 * so a steady round costs one snprintf().
 */
char *
pc_inventory(struct pc *pc, int64_t ts)
{
	unsigned gen = pc_smart_generation(pc);
	char *out;
	size_t len;

	if (pc->inv_static == NULL || gen != pc->inv_gen) {
		cJSON_Delete(pc->inv_static);
		free(pc->inv_text);
		pc->inv_text = NULL;
		if ((pc->inv_static = pc_inv_static(pc)) == NULL)
			goto fail;
		pc->inv_gen = gen;
	}
	if (pc->inv_text == NULL || pc->inv_nlabels != pc->nlabels) {
		free(pc->inv_text);
		if ((pc->inv_text = pc_inv_text(pc)) == NULL)
			goto fail;
		pc->inv_nlabels = pc->nlabels;
	}
	/* inv_text is "{...}": splice "v" and "ts" in after its brace. */
	len = strlen(pc->inv_text) + 48;
	if ((out = malloc(len)) == NULL)
		goto fail;
	snprintf(out, len, "{\"v\":1,\"ts\":%lld,%s", (long long)ts,
	         pc->inv_text + 1);
	return out;
fail:
	errno = ENOMEM;
	return NULL;
}
