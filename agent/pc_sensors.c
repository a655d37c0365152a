/*
 * pc_sensors.c: temperatures and fans, from hwmon and thermal zones.
 *
 * The kernel's hwmon ABI (Documentation/ABI/testing/sysfs-class-hwmon):
 * /sys/class/hwmon/hwmonN/name is the chip ("coretemp", "nct6775",
 * "nvme", "acpitz"), tempK_input is in millidegrees Celsius, fanK_input in
 * RPM, and tempK_label / fanK_label name the input ("Package id 0",
 * "Core 1", "Composite").  Old drivers keep the files in hwmonN/device/.
 * Thermal zones (/sys/class/thermal/thermal_zoneN/{type,temp}) add what
 * hwmon lacks (x86_pkg_temp); a zone whose type is also a hwmon chip name
 * is the same sensor and is read once.
 *
 * Sensors are discovered once, at pc_new(), and each input file is kept
 * open and re-read with pread(): a round costs one system call per sensor.
 * The metric part is "<chip>_<label>" sanitized ("coretemp_core_0"), or
 * "<chip>_temp<K>" without a label; a chip name that repeats (two NVMe
 * drives) gets "_2", "_3" in the order of hwmonN.
 *
 * Absent rather than wrong: a temperature outside -40..126 degrees, or
 * exactly 0, is a disconnected input (Super I/O chips show -128 or 127,
 * ThinkPads 0 for the sensors a model lacks), and a fan
 * is published only once it has been seen turning, so unused fan headers
 * (always 0) stay absent while a fan that stops is reported as 0 rpm.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/pc_priv.h"

struct pc_sensor {
	int fd;
	bool fan;
	bool spun;                      /* fan seen above 0 rpm */
	char name[NAME_METRIC_MAX + 1]; /* the whole metric name */
};

#define PC_MAX_SENSORS 128
#define PC_MAX_CHIPS 64

static int
pc_sensors_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/*
 * The numbers N of the entries "<prefix>N<suffix>" of directory 'rel',
 * sorted.
 * Returns how many were found (at most 'max').
 */
static size_t
pc_sensors_list(struct pc *pc, const char *rel, const char *prefix,
                const char *suffix, int *out, size_t max)
{
	size_t n = 0, pl = strlen(prefix);
	struct dirent *de;
	DIR *d;
	int fd;

	if ((fd = pc_open(pc, rel, O_RDONLY | O_DIRECTORY)) < 0)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL && n < max) {
		char *end;
		long k;

		if (strncmp(de->d_name, prefix, pl) != 0)
			continue;
		k = strtol(de->d_name + pl, &end, 10);
		if (end == de->d_name + pl || strcmp(end, suffix) != 0 ||
		    k < 0 || k > 100000)
			continue;
		out[n++] = (int)k;
	}
	closedir(d);
	qsort(out, n, sizeof(*out), pc_sensors_cmp);
	return n;
}

static int
pc_sensors_add(struct pc *pc, const char *rel, bool fan, const char *label)
{
	char part[NAME_PART_MAX + 1];
	struct pc_sensor *s;
	int fd;

	if (pc->nsensors >= PC_MAX_SENSORS)
		return 0;
	if (pc->nsensors == pc->capsensors) {
		size_t cap = pc->capsensors ? pc->capsensors * 2 : 8;

		if ((s = realloc(pc->sensors, cap * sizeof(*s))) == NULL)
			return -1;
		pc->sensors = s;
		pc->capsensors = cap;
	}
	if ((fd = pc_open(pc, rel, O_RDONLY)) < 0)
		return 0;
	s = &pc->sensors[pc->nsensors];
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->fan = fan;
	if (pc_label_part(pc, fan ? "fan" : "temp", label, false, part) < 0) {
		close(fd);
		return 0;
	}
	snprintf(s->name, sizeof(s->name),
	         fan ? "fan.%s.rpm" : "temp.%s.celsius", part);
	pc->nsensors++;
	return 0;
}

/* The inputs of one chip, in 'dir' ("sys/class/hwmon/hwmon3[/device]"). */
static int
pc_sensors_chip(struct pc *pc, const char *dir, const char *chip)
{
	static const char *const kinds[] = {"temp", "fan"};
	char rel[160], lab[96], label[160];
	int idx[PC_MAX_SENSORS];
	size_t k, i, n;

	for (k = 0; k < 2; k++) {
		n = pc_sensors_list(pc, dir, kinds[k], "_input", idx,
		                    PC_MAX_SENSORS);
		for (i = 0; i < n; i++) {
			snprintf(rel, sizeof(rel), "%s/%s%d_label", dir,
			         kinds[k], idx[i]);
			if (pc_read_small(pc, rel, lab, sizeof(lab)) > 0)
				snprintf(label, sizeof(label), "%s %s", chip,
				         lab);
			else
				snprintf(label, sizeof(label), "%s %s%d", chip,
				         kinds[k], idx[i]);
			snprintf(rel, sizeof(rel), "%s/%s%d_input", dir,
			         kinds[k], idx[i]);
			if (pc_sensors_add(pc, rel, k == 1, label) < 0)
				return -1;
		}
	}
	return 0;
}

/* Chip name 'chip' and zone type 'type' equal, '-' and '_' alike. */
static bool
pc_sensors_same(const char *chip, const char *type)
{
	for (; *chip != '\0' && *type != '\0'; chip++, type++)
		if (*chip != *type && !((*chip == '_' || *chip == '-') &&
		                        (*type == '_' || *type == '-')))
			return false;
	return *chip == *type;
}

/* How many of the first 'n' names equal names[n]. */
static unsigned
pc_sensors_repeats(char names[][32], size_t n)
{
	unsigned r = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], names[n]) == 0)
			r++;
	return r;
}

int
pc_sensors_init(struct pc *pc)
{
	char names[PC_MAX_CHIPS][32];
	char dir[96], rel[128], chip[48], type[32];
	int nums[PC_MAX_CHIPS], zones[PC_MAX_CHIPS];
	size_t n, nz, i, j;
	unsigned rep;

	n = pc_sensors_list(pc, "sys/class/hwmon", "hwmon", "", nums,
	                    PC_MAX_CHIPS);
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "sys/class/hwmon/hwmon%d", nums[i]);
		snprintf(rel, sizeof(rel), "%s/name", dir);
		if (pc_read_small(pc, rel, names[i], sizeof(names[i])) <= 0) {
			snprintf(rel, sizeof(rel), "%s/device/name", dir);
			if (pc_read_small(pc, rel, names[i],
			                  sizeof(names[i])) <= 0)
				snprintf(names[i], sizeof(names[i]), "hwmon%d",
				         nums[i]);
		}
		rep = pc_sensors_repeats(names, i);
		if (rep > 0)
			snprintf(chip, sizeof(chip), "%.31s_%u", names[i],
			         rep + 1);
		else
			snprintf(chip, sizeof(chip), "%.31s", names[i]);
		snprintf(rel, sizeof(rel), "%s/temp1_input", dir);
		if (!pc_exists(pc, rel)) {
			snprintf(rel, sizeof(rel), "%s/fan1_input", dir);
			if (!pc_exists(pc, rel)) {
				size_t dl = strlen(dir);

				snprintf(dir + dl, sizeof(dir) - dl, "/device");
			}
		}
		if (pc_sensors_chip(pc, dir, chip) < 0)
			return -1;
	}

	nz = pc_sensors_list(pc, "sys/class/thermal", "thermal_zone", "", zones,
	                     PC_MAX_CHIPS);
	for (i = 0; i < nz; i++) {
		snprintf(rel, sizeof(rel),
		         "sys/class/thermal/thermal_zone%d/type", zones[i]);
		if (pc_read_small(pc, rel, type, sizeof(type)) <= 0)
			continue;
		/* The kernel names a zone's hwmon chip after its type, with
		 * '-' turned into '_'. */
		for (j = 0; j < n; j++)
			if (pc_sensors_same(names[j], type))
				break;
		if (j < n)
			continue;
		snprintf(rel, sizeof(rel),
		         "sys/class/thermal/thermal_zone%d/temp", zones[i]);
		if (pc_sensors_add(pc, rel, false, type) < 0)
			return -1;
	}
	return 0;
}

void
pc_sensors_free(struct pc *pc)
{
	size_t i;

	for (i = 0; i < pc->nsensors; i++)
		close(pc->sensors[i].fd);
	free(pc->sensors);
	pc->sensors = NULL;
	pc->capsensors = 0;
	pc->nsensors = 0;
}

int
pc_sensors_sample(struct pc *pc, struct wire_metrics *m)
{
	char b[32], *end;
	struct pc_sensor *s;
	long long v;
	ssize_t n;
	size_t i;

	for (i = 0; i < pc->nsensors; i++) {
		s = &pc->sensors[i];
		/* A sensor that is off answers EIO or ENODATA: absent. */
		n = pread(s->fd, b, sizeof(b) - 1, 0);
		if (n <= 0)
			continue;
		b[n] = '\0';
		errno = 0;
		v = strtoll(b, &end, 10);
		if (errno != 0 || end == b)
			continue;
		if (s->fan) {
			if (v < 0)
				continue;
			if (v > 0)
				s->spun = true;
			if (s->spun && pc_add(m, 0, s->name, (double)v) < 0)
				return -1;
		} else {
			if (v == 0 || v < -40000 || v >= 127000)
				continue;
			if (pc_add(m, 0, s->name, (double)v / 1000.0) < 0)
				return -1;
		}
	}
	return 0;
}
