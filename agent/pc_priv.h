/*
 * pc_priv.h: what the PC samplers (pc_*.c) share behind agent/pc.h.
 *
 * struct pc holds one state block per sampler, the directory handle of
 * --root (every path is opened relative to it with openat(), so nothing
 * escapes a fixture tree through an absolute path), one scratch buffer that
 * grows to the largest file read and is then reused, and the table of labels
 * behind sanitized metric parts that the inventory publishes.
 *
 * Files read every round (/proc/stat, /proc/meminfo, hwmon inputs...) are
 * opened once and re-read with pread() at offset 0: procfs and sysfs produce
 * fresh contents for every read from the start, and a round then costs one
 * system call per file instead of three.
 */
#ifndef PANTAU_AGENT_PC_PRIV_H
#define PANTAU_AGENT_PC_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "agent/pc.h"
#include "common/names.h"

/* One file read every round; fd is -1 until opened. */
struct pc_src {
	int fd;
	const char *path; /* relative to the root; static */
	bool failed;      /* a read error was logged */
};

struct pc_label {
	char prefix[NAME_METRIC_MAX + 1]; /* "fs.home", "net.eth0" */
	char *label;                      /* "/home", "eth0" */
};

/* Sources whose failure is logged once per state change. */
enum pc_source {
	PC_SRC_STAT = 0,
	PC_SRC_LOADAVG,
	PC_SRC_UPTIME,
	PC_SRC_MEMINFO,
	PC_SRC_MOUNTS,
	PC_SRC_NETDEV,
	PC_SRC_DISKSTATS,
	PC_SRC_UTMP,
	PC_NSRC
};

struct pc_cpu {
	bool have; /* prev holds a reading */
	uint64_t prev_total;
	uint64_t prev_busy;
	uint64_t prev_iowait;
	uint64_t prev_steal;
};

/* A per-instance name decided once: interface, disk. */
struct pc_inst {
	char name[32];                /* kernel name: "eth0", "sda" */
	char part[NAME_PART_MAX + 1]; /* metric part, "" if skipped */
};

struct pc_insts {
	struct pc_inst *v;
	size_t n, cap;
};

struct cJSON;
struct pc_sensor;  /* pc_sensors.c */
struct pc_smart;   /* pc_smart.c */
struct pc_battery; /* pc_battery.c */

struct pc {
	char *root;
	int rootfd;
	bool fake_statvfs; /* ROOT/.pantau-statvfs exists */

	char *buf; /* scratch for one file */
	size_t bufcap;

	struct pc_src src[PC_NSRC];

	struct pc_label *labels;
	size_t nlabels, caplabels;

	struct pc_cpu cpu;
	struct pc_insts nets;
	struct pc_insts disks;

	struct pc_sensor *sensors; /* discovered at pc_new() */
	size_t nsensors, capsensors;

	struct pc_battery *battery;
	struct pc_smart *smart;

	int64_t users_prev_ts; /* last round, for session seconds */
	double users_seconds;  /* usage.session_seconds */
	bool users_have;

	struct cJSON *inv_static; /* pc_inventory.c: the fixed part */
	unsigned inv_gen;         /* pc_smart_generation() it saw */
	char *inv_text;           /* the printed object without v and ts */
	size_t inv_nlabels;       /* nlabels when inv_text was printed */

	char *smartctl; /* copied option, or NULL */
	unsigned smart_interval, smart_timeout;
};

/* pc.c: files under the root */

/* openat() under the root, O_RDONLY|O_CLOEXEC.  Returns an fd or -1. */
int pc_open(struct pc *pc, const char *rel, int flags);

/*
 * Reads the whole of 'src' from offset 0 into pc->buf (NUL-terminated),
 * opening it on first use.  'max' bounds the bytes read (0: the whole
 * file); a file only needed for its first lines is read that far.
 * Returns the length, or -1 when the file is missing or unreadable (logged
 * once per state change unless it is simply absent).
 */
ssize_t pc_src_read(struct pc *pc, enum pc_source s, size_t max);

/* Same for an fd the caller keeps; returns -1 on error.  Into pc->buf. */
ssize_t pc_fd_read(struct pc *pc, int fd, size_t max);

/*
 * Reads a small file under the root into 'out' (NUL-terminated, trailing
 * white space removed).  Returns the length, or -1.
 */
ssize_t pc_read_small(struct pc *pc, const char *rel, char *out, size_t outsz);

/* Like pc_read_small(), then parses one integer.  Returns 0 or -1. */
int pc_read_int(struct pc *pc, const char *rel, long long *out);

/*
 * The entries of directory 'rel' (no dot files), sorted.  Returns their
 * number and sets *out (free with pc_list_free()); 0 when unreadable.
 */
size_t pc_list_dir(struct pc *pc, const char *rel, char ***out);
void pc_list_free(char **v, size_t n);

/* True when 'rel' exists under the root. */
bool pc_exists(struct pc *pc, const char *rel);

/* pc.c: metrics and labels */

/*
 * Appends a gauge (counter 0) or counter to 'm'.  A refused name or value
 * is logged and skipped (returns 0); returns -1 only for ENOMEM/E2BIG.
 */
int pc_add(struct wire_metrics *m, int counter, const char *name, double value);

/*
 * Decides the metric part for the instance 'label' of 'kind' ("fs", "net",
 * "temp"...): sanitized (mount points with name_mount_part() when 'mount'),
 * with "_2", "_3"... appended when another label already took the part.
 * Records kind.part -> label for the inventory.  Returns 0 and fills 'out'
 * (NAME_PART_MAX + 1 bytes), or -1 when nothing usable remains.
 */
int pc_label_part(struct pc *pc, const char *kind, const char *label,
                  bool mount, char *out);

/*
 * Finds or adds the instance 'name' in 'set'.  Returns it (new ones have
 * part "" and the caller decides), or NULL on ENOMEM.  *isnew tells which.
 */
struct pc_inst *pc_inst_get(struct pc_insts *set, const char *name,
                            bool *isnew);

/*
 * pc_add() with the name a + b + c ("net.", "eth0", ".rx_bytes"), built
 * without printf: a round adds dozens of names.
 */
int pc_add3(struct wire_metrics *m, int counter, double value, const char *a,
            const char *b, const char *c);

/*
 * Parses up to 'n' unsigned decimal numbers separated by blanks from *pp
 * into v[], advancing *pp.  Returns how many were read (sscanf() costs ten
 * times as much, and the samplers parse a few hundred numbers a round).
 */
size_t pc_scan_u64(const char **pp, uint64_t *v, size_t n);

/* Rounds to two decimals: percentages travel as 43.21, not 43.2109375. */
double pc_round2(double v);

/* Logs a source's failure once, and its recovery once. */
void pc_src_state(struct pc *pc, enum pc_source s, bool ok, const char *what);

/* The samplers, in the order of a round.  Each returns 0, or -1 (ENOMEM,
 * E2BIG from the message). */
int pc_cpu_sample(struct pc *pc, struct wire_metrics *m);
int pc_load_sample(struct pc *pc, struct wire_metrics *m);
int pc_uptime_sample(struct pc *pc, struct wire_metrics *m);
int pc_mem_sample(struct pc *pc, struct wire_metrics *m);
int pc_fs_sample(struct pc *pc, struct wire_metrics *m);
int pc_net_sample(struct pc *pc, struct wire_metrics *m);
int pc_disk_sample(struct pc *pc, struct wire_metrics *m);
int pc_sensors_sample(struct pc *pc, struct wire_metrics *m);
int pc_battery_sample(struct pc *pc, struct wire_metrics *m);
int pc_users_sample(struct pc *pc, int64_t ts, struct wire_metrics *m);
int pc_smart_sample(struct pc *pc, struct wire_metrics *m);

/* Discovery at pc_new() and release at pc_free(). */
int pc_sensors_init(struct pc *pc);
void pc_sensors_free(struct pc *pc);
int pc_battery_init(struct pc *pc);
void pc_battery_free(struct pc *pc);
int pc_smart_init(struct pc *pc);
void pc_smart_free(struct pc *pc);

/* pc_smart.c: adds "smart":{"available","reason"} to the inventory object;
 * pc_inventory.c fills the disks' model and serial from SMART when sysfs
 * lacks them.  Returns 0, or -1 on ENOMEM. */
int pc_smart_inventory(struct pc *pc, struct cJSON *inv);

/* Bumped whenever SMART learned a disk's model or serial. */
unsigned pc_smart_generation(struct pc *pc);

/* The model / serial smartctl reported for 'dev' ("sda"), or NULL. */
const char *pc_smart_model(struct pc *pc, const char *dev);
const char *pc_smart_serial(struct pc *pc, const char *dev);

/* pc_inventory.c: drops the cached tree. */
void pc_inventory_free(struct pc *pc);

/* pc_net.c / pc_disk.c: which instances are real hardware (cached). */
bool pc_net_wanted(struct pc *pc, const char *ifname);
bool pc_disk_wanted(struct pc *pc, const char *dev);

#endif
