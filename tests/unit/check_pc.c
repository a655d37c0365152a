/*
 * check_pc.c: the PC samplers (agent/pc_*.c) against the fixture trees of
 * tests/fixtures/pc/ (desktop: hwmon with coretemp and a Super I/O chip,
 * two SATA disks; laptop: battery, NVMe, wifi; vm: virtio, no sensors, no
 * swap, no utmp).
 *
 * Each fixture is copied into a temp dir and sampled twice, 60 s apart;
 * between the rounds its proc/stat is overwritten in place with the one
 * from <fixture>-round2/, so cpu.util has an exact expected value.  The
 * tables list what round 2 must hold, exactly, and what must be absent.
 * SMART runs a fake smartctl (a script printing tests/fixtures/pc/smart/
 * JSON), and one that never finishes, to show the round never waits.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utmpx.h>

#include <cjson/cJSON.h>

#include "agent/pc.h"
#include "common/log.h"

#define TS0 1764345600LL /* a round's time, aligned to 60 s */

static char fixdir[1024];  /* $top_srcdir/tests/fixtures/pc */
static char tmpbase[1024]; /* this run's temp dir */

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

/* The fixture tree itself, for tests that only read. */
static const char *
fixture(const char *name)
{
	static char path[2048];

	snprintf(path, sizeof(path), "%s/%s", fixdir, name);
	return path;
}

/* A writable copy of fixture 'name'; returns its path (static buffer). */
static const char *
copy_fixture(const char *name)
{
	static char dst[2048];
	static unsigned n;

	/* Check forks each test: the pid keeps the copies apart. */
	snprintf(dst, sizeof(dst), "%s/%s.%ld.%u", tmpbase, name,
	         (long)getpid(), n++);
	run("cp -R '%s/%s' '%s' && chmod -R u+w '%s'", fixdir, name, dst, dst);
	return dst;
}

/*
 * A cheap stand-in for copy_fixture() when only proc/stat changes: every
 * top-level entry and every proc/ entry but stat is a symlink into the
 * fixture; proc/stat is a copy.  Returns its path (static buffer).
 */
static const char *
link_fixture(const char *name)
{
	static char dst[2048];
	static unsigned n;
	char src[2048], a[3072], b[3072];
	struct dirent *de;
	DIR *d;

	snprintf(dst, sizeof(dst), "%s/%s.l%ld.%u", tmpbase, name,
	         (long)getpid(), n++);
	snprintf(src, sizeof(src), "%s/%s", fixdir, name);
	ck_assert_int_eq(mkdir(dst, 0755), 0);
	ck_assert_ptr_nonnull(d = opendir(src));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "proc") == 0)
			continue;
		snprintf(a, sizeof(a), "%s/%s", src, de->d_name);
		snprintf(b, sizeof(b), "%s/%s", dst, de->d_name);
		ck_assert_int_eq(symlink(a, b), 0);
	}
	closedir(d);
	snprintf(b, sizeof(b), "%s/proc", dst);
	ck_assert_int_eq(mkdir(b, 0755), 0);
	snprintf(a, sizeof(a), "%s/proc", src);
	ck_assert_ptr_nonnull(d = opendir(a));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(a, sizeof(a), "%s/proc/%s", src, de->d_name);
		snprintf(b, sizeof(b), "%s/proc/%s", dst, de->d_name);
		if (strcmp(de->d_name, "stat") == 0)
			run("cp '%s' '%s' && chmod u+w '%s'", a, b, b);
		else
			ck_assert_int_eq(symlink(a, b), 0);
	}
	closedir(d);
	return dst;
}

/* Overwrites 'dst' in place (same inode: the sampler keeps it open). */
static void
overwrite(const char *dst, const char *src)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	in = open(src, O_RDONLY);
	ck_assert_int_ge(in, 0);
	out = open(dst, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(out, 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

static struct pc *
new_pc(const char *root, const char *smartctl, unsigned timeout)
{
	struct pc_options o = {
	    .root = root,
	    .smartctl = smartctl,
	    .smart_interval = 3600,
	    .smart_timeout = timeout,
	};
	struct pc *pc = pc_new(&o);

	ck_assert_ptr_nonnull(pc);
	return pc;
}

static void
sample(struct pc *pc, int64_t ts, struct wire_metrics *m)
{
	memset(m, 0, sizeof(*m));
	m->ts = ts;
	m->type = DEV_PC;
	m->interval = 60;
	ck_assert_int_eq(pc_sample(pc, ts, m), 0);
}

/* Round 2 of fixture 'name' (round 1 at TS0, round 2 at TS0 + 60). */
static void
two_rounds(const char *name, struct wire_metrics *m)
{
	char src[2048], dst[2100];
	const char *root = link_fixture(name);
	struct pc *pc = new_pc(root, NULL, 0);

	sample(pc, TS0, m);
	ck_assert_ptr_null(wire_metrics_find(m, 0, "cpu.util"));
	wire_metrics_clear(m);
	snprintf(src, sizeof(src), "%s/%s-round2/proc/stat", fixdir, name);
	snprintf(dst, sizeof(dst), "%s/proc/stat", root);
	overwrite(dst, src);
	sample(pc, TS0 + 60, m);
	pc_free(pc);
}

struct expect {
	const char *fixture;
	int counter;
	const char *name;
	double value;
};

static const struct expect expects[] = {
    /* desktop: cpu deltas user 600 system 150 idle 5000 iowait 200 softirq 50
     */
    {"desktop", 0, "cpu.util", 13.33},
    {"desktop", 0, "cpu.iowait_pct", 3.33},
    {"desktop", 0, "cpu.steal_pct", 0},
    {"desktop", 0, "load.1", 0.52},
    {"desktop", 0, "load.5", 0.58},
    {"desktop", 0, "load.15", 0.59},
    {"desktop", 1, "uptime.seconds", 86400},
    {"desktop", 0, "mem.used_pct", 32.65},
    {"desktop", 0, "mem.used_bytes", 2691801088.0},
    {"desktop", 0, "mem.available_bytes", 5553573888.0},
    {"desktop", 0, "swap.used_pct", 12.5},
    {"desktop", 0, "swap.used_bytes", 268435456.0},
    {"desktop", 0, "fs.root.used_pct", 61.34},
    {"desktop", 0, "fs.root.free_bytes", 90575994880.0},
    {"desktop", 0, "fs.root.inodes_used_pct", 6.27},
    {"desktop", 0, "fs.boot_efi.used_pct", 1.91},
    {"desktop", 0, "fs.home.used_pct", 52.68},
    {"desktop", 0, "fs.home.free_bytes", 442201276416.0},
    {"desktop", 0, "fs.srv_data_share.used_pct", 100},
    {"desktop", 0, "fs.srv_data_share.free_bytes", 0},
    {"desktop", 1, "net.enp3s0.rx_bytes", 18234567890.0},
    {"desktop", 1, "net.enp3s0.tx_bytes", 2345678901.0},
    {"desktop", 1, "net.enp3s0.rx_errors", 3},
    {"desktop", 1, "net.enp3s0.tx_errors", 0},
    {"desktop", 1, "disk.sda.read_bytes", 6320987136.0},
    {"desktop", 1, "disk.sda.write_bytes", 5056790016.0},
    {"desktop", 1, "disk.sda.io_ms", 345678},
    {"desktop", 1, "disk.sdb.read_bytes", 1769875968.0},
    {"desktop", 1, "disk.sdb.write_bytes", 1200987136.0},
    {"desktop", 0, "temp.coretemp_package_id_0.celsius", 45},
    {"desktop", 0, "temp.coretemp_core_3.celsius", 42},
    {"desktop", 0, "temp.acpitz_temp1.celsius", 27.8},
    {"desktop", 0, "temp.nct6776_systin.celsius", 36},
    {"desktop", 0, "temp.nct6776_peci_agent_0.celsius", 38.5},
    {"desktop", 0, "temp.x86_pkg_temp.celsius", 46},
    {"desktop", 0, "fan.nct6776_fan2.rpm", 1054},
    {"desktop", 0, "users.sessions", 2},
    {"desktop", 1, "usage.session_seconds", 60},

    /* laptop: 8 threads; deltas user 1200 nice 30 system 400 idle 10000
     * iowait 120 softirq 50 */
    {"laptop", 0, "cpu.util", 14.24},
    {"laptop", 0, "cpu.iowait_pct", 1.02},
    {"laptop", 0, "load.1", 1.24},
    {"laptop", 1, "uptime.seconds", 45296},
    {"laptop", 0, "mem.used_pct", 37.01},
    {"laptop", 0, "swap.used_pct", 0},
    {"laptop", 0, "swap.used_bytes", 0},
    {"laptop", 0, "fs.root.used_pct", 81.07},
    {"laptop", 0, "fs.root.free_bytes", 45043613696.0},
    {"laptop", 0, "fs.root.inodes_used_pct", 6.8},
    {"laptop", 1, "net.wlp2s0.rx_bytes", 4567890123.0},
    {"laptop", 1, "net.wlp2s0.tx_bytes", 345678901.0},
    {"laptop", 1, "net.wlp2s0.rx_errors", 12},
    {"laptop", 1, "disk.nvme0n1.read_bytes", 12009875968.0},
    {"laptop", 1, "disk.nvme0n1.write_bytes", 17698759680.0},
    {"laptop", 0, "temp.nvme_composite.celsius", 35.85},
    {"laptop", 0, "temp.nvme_sensor_2.celsius", 38.85},
    {"laptop", 0, "temp.coretemp_package_id_0.celsius", 52},
    {"laptop", 0, "temp.thinkpad_temp1.celsius", 50},
    {"laptop", 0, "temp.x86_pkg_temp.celsius", 52},
    {"laptop", 0, "fan.thinkpad_fan1.rpm", 2712},
    {"laptop", 0, "battery.capacity_pct", 71},
    {"laptop", 0, "battery.health_pct", 77.43},
    {"laptop", 0, "battery.cycles", 412},
    {"laptop", 0, "power.ac_online", 0},
    {"laptop", 0, "users.sessions", 1},
    {"laptop", 1, "usage.session_seconds", 60},

    /* vm: deltas user 300 system 100 idle 1500 iowait 20 softirq 5
     * steal 75 */
    {"vm", 0, "cpu.util", 24},
    {"vm", 0, "cpu.iowait_pct", 1},
    {"vm", 0, "cpu.steal_pct", 3.75},
    {"vm", 0, "load.15", 0.01},
    {"vm", 1, "uptime.seconds", 604800},
    {"vm", 0, "mem.used_pct", 17.87},
    {"vm", 0, "fs.root.used_pct", 34.34},
    {"vm", 0, "fs.root.free_bytes", 13085265920.0},
    {"vm", 0, "fs.boot_efi.used_pct", 5.09},
    {"vm", 0, "fs.boot_efi.free_bytes", 122880000},
    {"vm", 1, "net.ens3.rx_bytes", 987654321},
    {"vm", 1, "net.ens3.tx_errors", 1},
    {"vm", 1, "disk.vda.read_bytes", 1200987136.0},
    {"vm", 1, "disk.vda.write_bytes", 1769875968.0},
    {"vm", 1, "disk.vda.io_ms", 45678},
};

struct absent {
	const char *fixture;
	const char *name; /* as gauge and as counter */
};

static const struct absent absents[] = {
    /* pseudo, image and network file systems */
    {"desktop", "fs.run.used_pct"},
    {"desktop", "fs.dev.used_pct"},
    {"desktop", "fs.snap_core22_1380.used_pct"},
    {"desktop", "fs.media_lab_dvd_rom.used_pct"},
    {"desktop", "fs.sys_fs_cgroup.used_pct"},
    {"desktop", "fs.boot_efi.inodes_used_pct"}, /* vfat: no inodes */
    {"laptop", "fs.mnt_share.used_pct"},        /* cifs */
    {"laptop", "fs.snap_firefox_4173.used_pct"},
    /* loopback and virtual interfaces */
    {"desktop", "net.lo.rx_bytes"},
    {"desktop", "net.docker0.rx_bytes"},
    {"desktop", "net.veth1a2b3c4.rx_bytes"},
    {"laptop", "net.tun0.rx_bytes"},
    /* partitions, loop devices, removable media */
    {"desktop", "disk.sda1.read_bytes"},
    {"desktop", "disk.sr0.read_bytes"},
    {"desktop", "disk.loop0.read_bytes"},
    {"laptop", "disk.nvme0n1p2.read_bytes"},
    {"laptop", "disk.sda.read_bytes"}, /* USB stick */
    {"laptop", "disk.loop1.read_bytes"},
    /* disconnected sensors, unused fan headers, duplicate zones */
    {"desktop", "temp.nct6776_auxtin.celsius"},
    {"desktop", "fan.nct6776_fan1.rpm"},
    {"desktop", "fan.nct6776_fan3.rpm"},
    {"desktop", "temp.acpitz.celsius"},
    {"laptop", "temp.thinkpad_temp2.celsius"},
    {"laptop", "temp.int3400_thermal.celsius"},
    {"laptop", "temp.acpitz.celsius"},
    /* what the machine does not have */
    {"desktop", "battery.capacity_pct"},
    {"desktop", "power.ac_online"},
    {"desktop", "disk.sda.smart_ok"}, /* no smartctl given */
    {"vm", "swap.used_pct"},
    {"vm", "swap.used_bytes"},
    {"vm", "battery.capacity_pct"},
    {"vm", "users.sessions"},
    {"vm", "usage.session_seconds"},
    {"vm", "temp.acpitz_temp1.celsius"},
    {"vm", "disk.vda.smart_ok"},
};

static const char *const fixtures[] = {"desktop", "laptop", "vm"};
#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

/*
 * One test per fixture runs its rows of the tables (a forked test per row
 * would cost more than the rows): every mismatch is reported, then the
 * test fails if there was one.
 */
START_TEST(test_expect)
{
	const char *fx = fixtures[_i];
	const struct wire_sample *s;
	struct wire_metrics m;
	unsigned bad = 0, rows = 0;
	size_t k;

	two_rounds(fx, &m);
	for (k = 0; k < sizeof(expects) / sizeof(expects[0]); k++) {
		const struct expect *e = &expects[k];

		if (strcmp(e->fixture, fx) != 0)
			continue;
		/* The fixtures' utmp files have glibc's x86-64 layout. */
		if (sizeof(struct utmpx) != 384 &&
		    (strncmp(e->name, "users.", 6) == 0 ||
		     strncmp(e->name, "usage.", 6) == 0))
			continue;
		rows++;
		s = wire_metrics_find(&m, e->counter, e->name);
		if (s == NULL) {
			fprintf(stderr, "%s: %s %s missing\n", fx,
			        e->counter ? "counter" : "gauge", e->name);
			bad++;
		} else if (fabs(s->value - e->value) >= 1e-9) {
			fprintf(stderr, "%s: %s = %.17g, expected %.17g\n", fx,
			        e->name, s->value, e->value);
			bad++;
		}
	}
	for (k = 0; k < sizeof(absents) / sizeof(absents[0]); k++) {
		const struct absent *a = &absents[k];

		if (strcmp(a->fixture, fx) != 0)
			continue;
		rows++;
		if (wire_metrics_find(&m, 0, a->name) != NULL ||
		    wire_metrics_find(&m, 1, a->name) != NULL) {
			fprintf(stderr, "%s: %s present\n", fx, a->name);
			bad++;
		}
	}
	wire_metrics_clear(&m);
	ck_assert_uint_gt(rows, 10);
	ck_assert_msg(bad == 0, "%s: %u of %u rows wrong", fx, bad, rows);
}
END_TEST

/* How many metrics each fixture's round 2 has: nothing unexpected. */
START_TEST(test_counts)
{
	static const struct {
		const char *fixture;
		size_t gauges, counters;
	} c[] = {
	    {"desktop", 33, 12},
	    {"laptop", 33, 9},
	    {"vm", 14, 8},
	};
	struct wire_metrics m;

	two_rounds(c[_i].fixture, &m);
	ck_assert_uint_eq(m.ngauges, c[_i].gauges);
	ck_assert_uint_eq(m.ncounters, c[_i].counters);
	wire_metrics_clear(&m);
}
END_TEST

/* The first round has no rate yet; a second without ticks has none either. */
START_TEST(test_cpu_first_round)
{
	struct pc *pc = new_pc(fixture("desktop"), NULL, 0);
	struct wire_metrics m;

	sample(pc, TS0, &m);
	ck_assert_ptr_null(wire_metrics_find(&m, 0, "cpu.util"));
	ck_assert_ptr_nonnull(wire_metrics_find(&m, 0, "load.1"));
	wire_metrics_clear(&m);
	sample(pc, TS0 + 60, &m);
	ck_assert_ptr_null(wire_metrics_find(&m, 0, "cpu.util"));
	wire_metrics_clear(&m);
	pc_free(pc);
}
END_TEST

/* A root without anything: an empty round, not an error. */
START_TEST(test_empty_root)
{
	struct pc *pc = new_pc(tmpbase, NULL, 0);
	struct wire_metrics m;
	char *inv;

	sample(pc, TS0, &m);
	ck_assert_uint_eq(m.ngauges + m.ncounters, 0);
	wire_metrics_clear(&m);
	inv = pc_inventory(pc, TS0);
	ck_assert_ptr_nonnull(inv);
	ck_assert_str_eq(inv, "{\"v\":1,\"ts\":1764345600,\"type\":\"pc\","
	                      "\"disks\":[],\"interfaces\":[],\"agent_"
	                      "version\":\"" PACKAGE_VERSION
	                      "\",\"labels\":{},\"smart\":{\"available\":false,"
	                      "\"reason\":\"no smartctl configured\"}}");
	free(inv);
	pc_free(pc);
}
END_TEST

static void
put_utmp(const char *root, const char *user, int64_t login)
{
	char path[2048];
	struct utmpx u;
	FILE *f;

	snprintf(path, sizeof(path), "%s/var", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/var/run", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/var/run/utmp", root);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	memset(&u, 0, sizeof(u));
	u.ut_type = BOOT_TIME;
	u.ut_tv.tv_sec = (int32_t)(TS0 - 3600);
	ck_assert_uint_eq(fwrite(&u, sizeof(u), 1, f), 1);
	memset(&u, 0, sizeof(u));
	u.ut_type = USER_PROCESS;
	u.ut_pid = 4242;
	snprintf(u.ut_line, sizeof(u.ut_line), "tty7");
	snprintf(u.ut_user, sizeof(u.ut_user), "%s", user);
	u.ut_tv.tv_sec = (int32_t)login;
	ck_assert_uint_eq(fwrite(&u, sizeof(u), 1, f), 1);
	fclose(f);
}

/*
 * A session that starts between two rounds counts from its login: here
 * 30 s of the 60 s round.  A logout leaves the total where it was.
 */
START_TEST(test_session_seconds)
{
	const char *root = copy_fixture("vm");
	struct pc *pc = new_pc(root, NULL, 0);
	const struct wire_sample *s;
	struct wire_metrics m;
	char path[2048];

	put_utmp(root, "siswa", TS0 - 600); /* an old, empty file */
	snprintf(path, sizeof(path), "%s/var/run/utmp", root);
	ck_assert_int_eq(truncate(path, 0), 0);
	sample(pc, TS0, &m);
	ck_assert_ptr_nonnull(s = wire_metrics_find(&m, 0, "users.sessions"));
	ck_assert_double_eq(s->value, 0);
	wire_metrics_clear(&m);

	put_utmp(root, "siswa", TS0 + 30);
	sample(pc, TS0 + 60, &m);
	ck_assert_ptr_nonnull(
	    s = wire_metrics_find(&m, 1, "usage.session_seconds"));
	ck_assert_double_eq(s->value, 30);
	wire_metrics_clear(&m);

	sample(pc, TS0 + 120, &m);
	s = wire_metrics_find(&m, 1, "usage.session_seconds");
	ck_assert_double_eq(s->value, 90);
	ck_assert_double_eq(wire_metrics_find(&m, 0, "users.sessions")->value,
	                    1);
	wire_metrics_clear(&m);

	ck_assert_int_eq(truncate(path, 0), 0);
	sample(pc, TS0 + 180, &m);
	ck_assert_double_eq(
	    wire_metrics_find(&m, 1, "usage.session_seconds")->value, 90);
	ck_assert_double_eq(wire_metrics_find(&m, 0, "users.sessions")->value,
	                    0);
	wire_metrics_clear(&m);
	pc_free(pc);
}
END_TEST

/* A fake smartctl printing the fixture JSON for the disk it is given. */
static const char *
fake_smartctl(const char *fixture, const char *body)
{
	static char path[2048];
	static unsigned n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/smartctl.%ld.%u", tmpbase,
	         (long)getpid(), n++);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	if (body != NULL)
		fprintf(f, "#!/bin/sh\n%s\n", body);
	else
		fprintf(f,
		        "#!/bin/sh\nfor a; do d=$a; done\n"
		        "exec cat '%s/smart/%s/'\"${d#/dev/}\".json\n",
		        fixdir, fixture);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0755), 0);
	return path;
}

/* True when 'pid' exists and is not a zombie. */
static bool
alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return false;
	return p[2] != 'Z' && p[2] != 'X';
}

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * Rounds every 20 ms until 'name' appears (SMART arrives a round after
 * its run started) or 'secs' pass; each round must be quick.  Leaves the
 * last round in 'm'.
 */
static bool
rounds_until(struct pc *pc, const char *name, double secs,
             struct wire_metrics *m)
{
	double start = now_s(), t;
	int64_t ts = TS0;

	for (;;) {
		t = now_s();
		sample(pc, ts, m);
		ck_assert_msg(now_s() - t < 0.25, "a round took %.3f s",
		              now_s() - t);
		if (name != NULL && (wire_metrics_find(m, 0, name) != NULL ||
		                     wire_metrics_find(m, 1, name) != NULL))
			return true;
		if (now_s() - start > secs)
			return false;
		wire_metrics_clear(m);
		ts += 60;
		usleep(20000);
	}
}

struct smart_expect {
	const char *fixture;
	int counter;
	const char *name;
	double value; /* -1: absent */
};

static const struct smart_expect smart_expects[] = {
    {"desktop", 0, "disk.sda.smart_ok", 1},
    {"desktop", 0, "disk.sda.temp_celsius", 34},
    {"desktop", 1, "disk.sda.power_on_hours", 12873},
    {"desktop", 0, "disk.sda.reallocated_sectors", 0},
    {"desktop", 0, "disk.sda.pending_sectors", 0},
    {"desktop", 0, "disk.sda.wear_pct", -1},
    {"desktop", 0, "disk.sdb.smart_ok", 0}, /* FAILED! */
    {"desktop", 0, "disk.sdb.temp_celsius", 41},
    {"desktop", 1, "disk.sdb.power_on_hours", 41022},
    {"desktop", 0, "disk.sdb.reallocated_sectors", 1832},
    {"desktop", 0, "disk.sdb.pending_sectors", 24},
    {"desktop", 0, "disk.sr0.smart_ok", -1},
    {"laptop", 0, "disk.nvme0n1.smart_ok", 1},
    {"laptop", 0, "disk.nvme0n1.temp_celsius", 36},
    {"laptop", 1, "disk.nvme0n1.power_on_hours", 3154},
    {"laptop", 0, "disk.nvme0n1.wear_pct", 3},
    {"laptop", 1, "disk.nvme0n1.media_errors", 0},
    {"laptop", 0, "disk.nvme0n1.reallocated_sectors", -1},
    {"laptop", 0, "disk.sda.smart_ok", -1}, /* USB stick */
};

START_TEST(test_smart)
{
	const char *fx = fixtures[_i]; /* desktop, laptop */
	struct pc *pc = new_pc(fixture(fx), fake_smartctl(fx, NULL), 10);
	const struct wire_sample *s;
	struct wire_metrics m;
	unsigned bad = 0, rows = 0;
	size_t k;

	/* Every disk's child runs at once; wait until the last is in. */
	ck_assert(rounds_until(pc,
	                       strcmp(fx, "desktop") == 0
	                           ? "disk.sdb.smart_ok"
	                           : "disk.nvme0n1.smart_ok",
	                       5, &m));
	if (strcmp(fx, "desktop") == 0 &&
	    wire_metrics_find(&m, 0, "disk.sda.smart_ok") == NULL) {
		wire_metrics_clear(&m);
		ck_assert(rounds_until(pc, "disk.sda.smart_ok", 5, &m));
	}
	for (k = 0; k < sizeof(smart_expects) / sizeof(smart_expects[0]); k++) {
		const struct smart_expect *e = &smart_expects[k];

		if (strcmp(e->fixture, fx) != 0)
			continue;
		/* The fixtures' utmp files have glibc's x86-64 layout. */
		if (sizeof(struct utmpx) != 384 &&
		    (strncmp(e->name, "users.", 6) == 0 ||
		     strncmp(e->name, "usage.", 6) == 0))
			continue;
		rows++;
		s = wire_metrics_find(&m, e->counter, e->name);
		if ((e->value < 0) != (s == NULL) ||
		    (s != NULL && s->value != e->value)) {
			fprintf(stderr, "%s: %s = %s%g, expected %g\n", fx,
			        e->name, s ? "" : "(absent) ", s ? s->value : 0,
			        e->value);
			bad++;
		}
	}
	wire_metrics_clear(&m);
	pc_free(pc);
	ck_assert_msg(bad == 0, "%s: %u of %u rows wrong", fx, bad, rows);
}
END_TEST

static cJSON *
inventory(struct pc *pc)
{
	char *text = pc_inventory(pc, TS0);
	cJSON *j;

	ck_assert_ptr_nonnull(text);
	j = cJSON_Parse(text);
	ck_assert_ptr_nonnull(j);
	free(text);
	return j;
}

static const char *
jstr(cJSON *j, const char *path)
{
	char buf[256], *save, *k;
	cJSON *o = j;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k != NULL;
	     k = strtok_r(NULL, ".", &save)) {
		if (cJSON_IsArray(o))
			o = cJSON_GetArrayItem(o, atoi(k));
		else
			o = cJSON_GetObjectItemCaseSensitive(o, k);
	}
	if (cJSON_IsString(o))
		return o->valuestring;
	if (cJSON_IsNumber(o)) {
		static char num[64];

		snprintf(num, sizeof(num), "%.17g", o->valuedouble);
		return num;
	}
	if (cJSON_IsBool(o))
		return cJSON_IsTrue(o) ? "true" : "false";
	return NULL;
}

/* SMART model and serial reach the inventory; a failed run says why. */
START_TEST(test_smart_inventory)
{
	struct pc *pc =
	    new_pc(fixture("desktop"), fake_smartctl("desktop", NULL), 10);
	struct wire_metrics m;
	cJSON *j;

	ck_assert(rounds_until(pc, "disk.sdb.smart_ok", 5, &m));
	wire_metrics_clear(&m);
	if (!rounds_until(pc, "disk.sda.smart_ok", 5, &m))
		ck_abort_msg("sda never arrived");
	wire_metrics_clear(&m);
	j = inventory(pc);
	ck_assert_str_eq(jstr(j, "disks.0.name"), "sda");
	ck_assert_str_eq(jstr(j, "disks.0.model"), "ST500DM002-1BD142");
	ck_assert_str_eq(jstr(j, "disks.0.serial"), "Z3TAB1CD");
	ck_assert_str_eq(jstr(j, "disks.1.model"), "WDC WD10EZEX-08WN4A0");
	/* A failing disk is SMART working: smart_ok 0, no reason. */
	ck_assert_str_eq(jstr(j, "smart.available"), "true");
	ck_assert_ptr_null(jstr(j, "smart.reason"));
	cJSON_Delete(j);
	pc_free(pc);

	pc = new_pc(fixture("vm"), fake_smartctl("vm", NULL), 10);
	rounds_until(pc, NULL, 0.5, &m);
	wire_metrics_clear(&m);
	ck_assert_ptr_null(wire_metrics_find(&m, 0, "disk.vda.smart_ok"));
	j = inventory(pc);
	ck_assert_str_eq(jstr(j, "smart.available"), "false");
	ck_assert_str_eq(jstr(j, "smart.reason"),
	                 "vda: /dev/vda: Unable to detect device type");
	cJSON_Delete(j);
	pc_free(pc);

	pc = new_pc(fixture("vm"), "/nonexistent/smartctl", 10);
	rounds_until(pc, NULL, 0.1, &m);
	wire_metrics_clear(&m);
	j = inventory(pc);
	ck_assert_str_eq(jstr(j, "smart.reason"),
	                 "vda: cannot run "
	                 "/nonexistent/smartctl: No such file or directory");
	cJSON_Delete(j);
	pc_free(pc);
}
END_TEST

/*
 * A smartctl that never ends (a shell that waits on a sleep child) is
 * killed with its whole process group after smart_timeout, while every
 * round stays quick.
 */
START_TEST(test_smart_hang)
{
	char body[4096], pidfile[1100], kidfile[1100];
	struct wire_metrics m;
	struct pc *pc;
	FILE *f;
	long sh = 0, kid = 0;
	double t0;
	cJSON *j;

	snprintf(pidfile, sizeof(pidfile), "%s/hang.pid", tmpbase);
	snprintf(kidfile, sizeof(kidfile), "%s/hang.kid", tmpbase);
	snprintf(body, sizeof(body),
	         "echo $$ > '%s'\nsleep 1000 &\n"
	         "echo $! > '%s'\nwait",
	         pidfile, kidfile);
	pc = new_pc(fixture("vm"), fake_smartctl(NULL, body), 1);
	t0 = now_s();
	ck_assert(!rounds_until(pc, "disk.vda.smart_ok", 1.6, &m));
	wire_metrics_clear(&m);
	ck_assert(now_s() - t0 < 2.5);

	ck_assert_ptr_nonnull(f = fopen(pidfile, "r"));
	ck_assert_int_eq(fscanf(f, "%ld", &sh), 1);
	fclose(f);
	ck_assert_ptr_nonnull(f = fopen(kidfile, "r"));
	ck_assert_int_eq(fscanf(f, "%ld", &kid), 1);
	fclose(f);
	j = inventory(pc);
	ck_assert_str_eq(jstr(j, "smart.available"), "false");
	ck_assert_str_eq(jstr(j, "smart.reason"),
	                 "vda: smartctl timed out after 1 s");
	cJSON_Delete(j);
	pc_free(pc);
	/*
	 * The grandchild was in the group: dead (a zombie, if this
	 * container's init does not reap orphans).
	 */
	for (int i = 0; i < 100 && alive((pid_t)kid); i++)
		usleep(10000);
	ck_assert(!alive((pid_t)kid));
	ck_assert(!alive((pid_t)sh));
}
END_TEST

/*
 * Later runs: a disk in standby keeps its last values; a run that fails
 * (no permission) clears them and the inventory says why.
 */
START_TEST(test_smart_later_runs)
{
	char body[4096], count[1100];
	struct pc_options o = {0};
	struct wire_metrics m;
	struct pc *pc;
	cJSON *j;

	snprintf(count, sizeof(count), "%s/runs.%ld", tmpbase, (long)getpid());
	snprintf(body, sizeof(body),
	         "n=$(cat '%s' 2>/dev/null || echo 0); echo $((n + 1)) > '%s'\n"
	         "case $n in\n"
	         "0) exec cat '%s/smart/laptop/nvme0n1.json' ;;\n"
	         "1) echo '{\"smartctl\":{\"exit_status\":2,\"messages\":"
	         "[{\"string\":\"Device is in STANDBY mode, exit(2)\","
	         "\"severity\":\"information\"}]}}'; exit 2 ;;\n"
	         "*) echo '{\"smartctl\":{\"exit_status\":2,\"messages\":"
	         "[{\"string\":\"Smartctl open device: /dev/nvme0n1 failed: "
	         "Permission denied\",\"severity\":\"error\"}]}}'; exit 2 ;;\n"
	         "esac",
	         count, count, fixdir);
	o.root = fixture("laptop");
	o.smartctl = fake_smartctl(NULL, body);
	o.smart_interval = 1;
	o.smart_timeout = 10;
	ck_assert_ptr_nonnull(pc = pc_new(&o));

	ck_assert(rounds_until(pc, "disk.nvme0n1.smart_ok", 5, &m));
	wire_metrics_clear(&m);
	/* Second run (after 1 s): standby, the values stay. */
	usleep(1100000);
	rounds_until(pc, NULL, 0.3, &m);
	ck_assert_double_eq(
	    wire_metrics_find(&m, 1, "disk.nvme0n1.power_on_hours")->value,
	    3154);
	wire_metrics_clear(&m);
	j = inventory(pc);
	ck_assert_str_eq(jstr(j, "smart.available"), "true");
	ck_assert_str_eq(jstr(j, "smart.reason"),
	                 "nvme0n1: Device is in STANDBY mode, exit(2)");
	cJSON_Delete(j);
	/* Third run: refused; the values go, the reason comes. */
	usleep(1100000);
	rounds_until(pc, NULL, 0.3, &m);
	ck_assert_ptr_null(wire_metrics_find(&m, 0, "disk.nvme0n1.smart_ok"));
	ck_assert_ptr_null(
	    wire_metrics_find(&m, 1, "disk.nvme0n1.power_on_hours"));
	wire_metrics_clear(&m);
	j = inventory(pc);
	ck_assert_str_eq(jstr(j, "smart.available"), "false");
	ck_assert_str_eq(jstr(j, "smart.reason"),
	                 "nvme0n1: Smartctl open device: /dev/nvme0n1 failed: "
	                 "Permission denied");
	cJSON_Delete(j);
	pc_free(pc);
}
END_TEST

/*
 * pantau-smart-helper refuses every other command line before it would
 * reach sudo or smartctl, and says so as smartctl-style JSON.
 */
START_TEST(test_smart_helper)
{
	static const char *const bad[] = {
	    "-j -a -n standby /dev/../etc/shadow",
	    "-j -a -n standby /dev/sda1",
	    "-j -a -n standby /etc/passwd",
	    "-j -a -n standby '/dev/sda;id'",
	    "-j -t long -n /dev/sda",
	    "-j -a /dev/sda",
	    "-j -a -n standby /dev/sda extra",
	    "-s off -a -n standby /dev/sda",
	};
	char cmd[2048], out[512];
	const char *top = getenv("top_srcdir");
	size_t i, n;
	FILE *p;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cmd, sizeof(cmd),
		         "sh '%s/agent/pantau-smart-helper' "
		         "%s",
		         top != NULL ? top : ".", bad[i]);
		ck_assert_ptr_nonnull(p = popen(cmd, "r"));
		n = fread(out, 1, sizeof(out) - 1, p);
		out[n] = '\0';
		ck_assert_msg(WEXITSTATUS(pclose(p)) == 2, "%s", bad[i]);
		ck_assert_msg(strstr(out, "\"exit_status\":2") != NULL &&
		                  strstr(out, "pantau-smart-helper: ") != NULL,
		              "%s: %s", bad[i], out);
	}
}
END_TEST

/* The inventory of each fixture: the fields of docs/wire.md. */
struct inv_expect {
	const char *fixture, *path, *value;
};

static const struct inv_expect inv_expects[] = {
    {"desktop", "v", "1"},
    {"desktop", "ts", "1764345600"},
    {"desktop", "type", "pc"},
    {"desktop", "hostname", "pc-lab-03"},
    {"desktop", "os", "Debian GNU/Linux 12 (bookworm)"},
    {"desktop", "kernel", "6.1.0-26-amd64"},
    {"desktop", "cpu.model", "Intel(R) Core(TM) i5-4570 CPU @ 3.20GHz"},
    {"desktop", "cpu.cores", "4"},
    {"desktop", "cpu.threads", "4"},
    {"desktop", "ram_bytes", "8245374976"},
    {"desktop", "disks.0.name", "sda"},
    {"desktop", "disks.0.model", "ST500DM002-1BD14"}, /* sysfs */
    {"desktop", "disks.0.serial", "Z3TAB1CD"},        /* udev */
    {"desktop", "disks.0.size_bytes", "500107862016"},
    {"desktop", "disks.0.rotational", "true"},
    {"desktop", "disks.1.name", "sdb"},
    {"desktop", "disks.2.name", NULL}, /* not sr0 */
    {"desktop", "interfaces.0.name", "enp3s0"},
    {"desktop", "interfaces.0.mac", "d4:be:d9:12:34:56"},
    {"desktop", "interfaces.1.name", NULL},
    {"desktop", "dmi.vendor", "Dell Inc."},
    {"desktop", "dmi.product", "OptiPlex 9020"},
    {"desktop", "dmi.serial", NULL}, /* root only */
    {"desktop", "machine_id", "5f2c0a9e41b84f0e9d6c3a1b7e8d9f01"},
    {"desktop", "agent_version", PACKAGE_VERSION},
    {"desktop", "smart.available", "false"},
    {"desktop", "smart.reason", "no smartctl configured"},
    {"laptop", "hostname", "laptop-guru"},
    {"laptop", "os", "Ubuntu 22.04.4 LTS"},
    {"laptop", "cpu.cores", "4"},
    {"laptop", "cpu.threads", "8"},
    {"laptop", "disks.0.name", "nvme0n1"},
    {"laptop", "disks.0.model", "SAMSUNG MZVLB256HAHQ-000L7"},
    {"laptop", "disks.0.serial", "S41GNX0M512345"},
    {"laptop", "disks.1.name", NULL}, /* USB stick */
    {"laptop", "interfaces.0.name", "wlp2s0"},
    {"laptop", "dmi.serial", "PF1ABCDE"},
    {"laptop", "dmi.bios_version", "N24ET61W (1.36 )"},
    {"laptop", "disks.0.rotational", "false"},
    {"vm", "hostname", "vm-kiosk"},
    {"vm", "cpu.model", "QEMU Virtual CPU version 2.5+"},
    {"vm", "cpu.cores", "2"},
    {"vm", "ram_bytes", "2062573568"},
    {"vm", "disks.0.name", "vda"},
    {"vm", "disks.0.model", NULL},
    {"vm", "disks.0.rotational", "true"},
    {"vm", "disks.0.size_bytes", "21474836480"},
    {"vm", "interfaces.0.mac", "52:54:00:12:34:56"},
    {"vm", "dmi.vendor", "QEMU"},
};

START_TEST(test_inventory)
{
	const char *fx = fixtures[_i];
	struct pc *pc = new_pc(fixture(fx), NULL, 0);
	struct wire_metrics m;
	unsigned bad = 0, rows = 0;
	const char *v;
	size_t k;
	cJSON *j;

	sample(pc, TS0, &m);
	wire_metrics_clear(&m);
	j = inventory(pc);
	for (k = 0; k < sizeof(inv_expects) / sizeof(inv_expects[0]); k++) {
		const struct inv_expect *e = &inv_expects[k];

		if (strcmp(e->fixture, fx) != 0)
			continue;
		rows++;
		v = jstr(j, e->path);
		if ((e->value == NULL) != (v == NULL) ||
		    (v != NULL && strcmp(v, e->value) != 0)) {
			fprintf(stderr, "%s: inventory %s = %s, expected %s\n",
			        fx, e->path, v ? v : "(absent)",
			        e->value ? e->value : "(absent)");
			bad++;
		}
	}
	cJSON_Delete(j);
	pc_free(pc);
	ck_assert_uint_gt(rows, 5);
	ck_assert_msg(bad == 0, "%s: %u of %u rows wrong", fx, bad, rows);
}
END_TEST

/*
 * What the samplers produce passes the collector's strict decoders: every
 * name valid, every value finite, labels keyed by metric names.
 */
START_TEST(test_wire_roundtrip)
{
	const char *fx = fixtures[_i];
	struct wire_metrics m, back;
	struct wire_inventory inv;
	struct wire_error err;
	char *text;
	size_t len;

	two_rounds(fx, &m);
	m.seq = 7;
	ck_assert_ptr_nonnull(text = wire_metrics_encode(&m, &len));
	ck_assert_msg(wire_metrics_decode(text, len, &back, &err) == WIRE_OK,
	              "%s: %s", fx, err.detail);
	ck_assert_uint_eq(back.ngauges, m.ngauges);
	ck_assert_uint_eq(back.ncounters, m.ncounters);
	free(text);
	wire_metrics_clear(&back);
	wire_metrics_clear(&m);

	{
		struct pc *pc = new_pc(fixture(fx), NULL, 0);

		sample(pc, TS0, &m);
		wire_metrics_clear(&m);
		ck_assert_ptr_nonnull(text = pc_inventory(pc, TS0));
		ck_assert_msg(wire_inventory_decode(text, strlen(text), &inv,
		                                    &err) == WIRE_OK,
		              "%s: %s", fx, err.detail);
		ck_assert_int_eq(inv.ts, TS0);
		ck_assert_int_eq(inv.type, DEV_PC);
		wire_inventory_clear(&inv);
		free(text);
		pc_free(pc);
	}
}
END_TEST

/*
 * Two hwmon chips of the same name (two NVMe drives) get distinct parts,
 * in the order of hwmonN; a chip with its files in device/ (old drivers)
 * is read there; a thermal zone that is also a hwmon chip is read once.
 */
START_TEST(test_sensor_names)
{
	static const char *const files[][2] = {
	    {"sys/class/hwmon/hwmon0/name", "nvme\n"},
	    {"sys/class/hwmon/hwmon0/temp1_input", "41850\n"},
	    {"sys/class/hwmon/hwmon0/temp1_label", "Composite\n"},
	    {"sys/class/hwmon/hwmon1/name", "nvme\n"},
	    {"sys/class/hwmon/hwmon1/temp1_input", "37850\n"},
	    {"sys/class/hwmon/hwmon1/temp1_label", "Composite\n"},
	    {"sys/class/hwmon/hwmon10/device/name", "it8728\n"},
	    {"sys/class/hwmon/hwmon10/device/temp1_input", "33000\n"},
	    {"sys/class/hwmon/hwmon10/device/fan1_input", "980\n"},
	    {"sys/class/hwmon/hwmon2/name", "k10temp\n"},
	    {"sys/class/hwmon/hwmon2/temp1_input", "51125\n"},
	    {"sys/class/hwmon/hwmon2/temp1_label", "Tctl\n"},
	    {"sys/class/hwmon/hwmon3/name", "iwlwifi_1\n"},
	    {"sys/class/hwmon/hwmon3/temp1_input", "40000\n"},
	    {"sys/class/thermal/thermal_zone0/type", "iwlwifi-1\n"},
	    {"sys/class/thermal/thermal_zone0/temp", "40000\n"},
	    {"sys/class/thermal/thermal_zone1/type", "pch_cannonlake\n"},
	    {"sys/class/thermal/thermal_zone1/temp", "47500\n"},
	};
	char root[1200], path[2048];
	struct wire_metrics m;
	struct pc *pc;
	FILE *f;
	size_t i;

	snprintf(root, sizeof(root), "%s/sensors.%ld", tmpbase, (long)getpid());
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, files[i][0]);
		*strrchr(path, '/') = '\0';
		run("mkdir -p '%s'", path);
		snprintf(path, sizeof(path), "%s/%s", root, files[i][0]);
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		fputs(files[i][1], f);
		fclose(f);
	}
	pc = new_pc(root, NULL, 0);
	sample(pc, TS0, &m);
	ck_assert_double_eq(
	    wire_metrics_find(&m, 0, "temp.nvme_composite.celsius")->value,
	    41.85);
	ck_assert_double_eq(
	    wire_metrics_find(&m, 0, "temp.nvme_2_composite.celsius")->value,
	    37.85);
	ck_assert_double_eq(
	    wire_metrics_find(&m, 0, "temp.k10temp_tctl.celsius")->value,
	    51.125);
	ck_assert_double_eq(
	    wire_metrics_find(&m, 0, "temp.it8728_temp1.celsius")->value, 33);
	ck_assert_double_eq(
	    wire_metrics_find(&m, 0, "fan.it8728_fan1.rpm")->value, 980);
	ck_assert_double_eq(
	    wire_metrics_find(&m, 0, "temp.iwlwifi_1_temp1.celsius")->value,
	    40);
	ck_assert_double_eq(
	    wire_metrics_find(&m, 0, "temp.pch_cannonlake.celsius")->value,
	    47.5);
	/* The zone "iwlwifi-1" is the chip "iwlwifi_1": read once. */
	ck_assert_uint_eq(m.ngauges, 7);
	wire_metrics_clear(&m);
	pc_free(pc);
}
END_TEST

/* Labels: the original text behind every sanitized part. */
START_TEST(test_labels)
{
	static const char *const want[][2] = {
	    {"fs.root", "/"},
	    {"fs.boot_efi", "/boot/efi"},
	    {"fs.srv_data_share", "/srv/data share"},
	    {"net.enp3s0", "enp3s0"},
	    {"disk.sda", "sda"},
	    {"temp.coretemp_package_id_0", "coretemp Package id 0"},
	    {"temp.x86_pkg_temp", "x86_pkg_temp"},
	    {"fan.nct6776_fan2", "nct6776 fan2"},
	};
	struct pc *pc = new_pc(fixture("desktop"), NULL, 0);
	struct wire_metrics m;
	cJSON *j, *labels, *l;
	size_t i;

	sample(pc, TS0, &m);
	wire_metrics_clear(&m);
	j = inventory(pc);
	labels = cJSON_GetObjectItemCaseSensitive(j, "labels");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		l = cJSON_GetObjectItemCaseSensitive(labels, want[i][0]);
		ck_assert_msg(cJSON_IsString(l), "label %s", want[i][0]);
		ck_assert_str_eq(l->valuestring, want[i][1]);
	}
	/* Nothing for what is skipped. */
	ck_assert_ptr_null(
	    cJSON_GetObjectItemCaseSensitive(labels, "net.docker0"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(labels, "fs.run"));
	cJSON_Delete(j);
	pc_free(pc);
}
END_TEST

/* The inventory text is stable across rounds (the core compares it). */
START_TEST(test_inventory_stable)
{
	struct pc *pc = new_pc(fixture("laptop"), NULL, 0);
	struct wire_metrics m;
	char *a, *b;

	sample(pc, TS0, &m);
	wire_metrics_clear(&m);
	a = pc_inventory(pc, 0);
	sample(pc, TS0 + 60, &m);
	wire_metrics_clear(&m);
	b = pc_inventory(pc, 0);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	pc_free(pc);
}
END_TEST

/* Two mount points that sanitize alike get distinct parts. */
START_TEST(test_label_collision)
{
	const char *root = copy_fixture("vm");
	struct pc *pc;
	struct wire_metrics m;
	char path[2048];
	FILE *f;
	cJSON *j, *labels;

	snprintf(path, sizeof(path), "%s/proc/self/mounts", root);
	ck_assert_ptr_nonnull(f = fopen(path, "a"));
	fprintf(f, "/dev/vdb1 /data-1 ext4 rw 0 0\n"
	           "/dev/vdb2 /data_1 ext4 rw 0 0\n");
	fclose(f);
	snprintf(path, sizeof(path), "%s/.pantau-statvfs", root);
	ck_assert_ptr_nonnull(f = fopen(path, "a"));
	fprintf(f, "/data-1 4096 100 50 50 10 5\n"
	           "/data_1 4096 100 25 25 10 5\n");
	fclose(f);
	pc = new_pc(root, NULL, 0);
	sample(pc, TS0, &m);
	ck_assert_double_eq(
	    wire_metrics_find(&m, 0, "fs.data_1.used_pct")->value, 50);
	ck_assert_double_eq(
	    wire_metrics_find(&m, 0, "fs.data_1_2.used_pct")->value, 75);
	wire_metrics_clear(&m);
	j = inventory(pc);
	labels = cJSON_GetObjectItemCaseSensitive(j, "labels");
	ck_assert_str_eq(
	    cJSON_GetObjectItemCaseSensitive(labels, "fs.data_1")->valuestring,
	    "/data-1");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(labels, "fs.data_1_2")
	                     ->valuestring,
	                 "/data_1");
	cJSON_Delete(j);
	pc_free(pc);
}
END_TEST

static Suite *
pc_suite(void)
{
	Suite *s = suite_create("pc");
	TCase *tc;

	tc = tcase_create("samplers");
	tcase_add_loop_test(tc, test_expect, 0, NFIXTURES);
	tcase_add_loop_test(tc, test_counts, 0, NFIXTURES);
	tcase_add_test(tc, test_cpu_first_round);
	tcase_add_test(tc, test_empty_root);
	tcase_add_test(tc, test_session_seconds);
	tcase_add_test(tc, test_sensor_names);
	tcase_add_loop_test(tc, test_wire_roundtrip, 0, NFIXTURES);
	suite_add_tcase(s, tc);

	tc = tcase_create("smart");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_smart, 0, 2);
	tcase_add_test(tc, test_smart_inventory);
	tcase_add_test(tc, test_smart_hang);
	tcase_add_test(tc, test_smart_helper);
	tcase_add_test(tc, test_smart_later_runs);
	suite_add_tcase(s, tc);

	tc = tcase_create("inventory");
	tcase_add_loop_test(tc, test_inventory, 0, NFIXTURES);
	tcase_add_test(tc, test_labels);
	tcase_add_test(tc, test_inventory_stable);
	tcase_add_test(tc, test_label_collision);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	const char *tmp = getenv("TMPDIR");
	char cmd[1100];
	SRunner *sr;
	int failed;

	snprintf(fixdir, sizeof(fixdir), "%s/tests/fixtures/pc",
	         top != NULL ? top : ".");
	snprintf(tmpbase, sizeof(tmpbase), "%s/check_pc.XXXXXX",
	         tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(tmpbase) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	/* The fixtures' utmp files are glibc's x86-64 layout. */
	if (sizeof(struct utmpx) != 384)
		fprintf(
		    stderr,
		    "check_pc: struct utmpx is %zu bytes, the "
		    "fixtures' utmp are x86-64: their users rows are skipped\n",
		    sizeof(struct utmpx));
	log_init("check_pc", 1, LOG_LVL_WARN);
	log_set_repeat_window(0);
	sr = srunner_create(pc_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpbase);
	if (system(cmd) != 0)
		fprintf(stderr, "check_pc: could not remove %s\n", tmpbase);
	return failed == 0 ? 0 : 1;
}
