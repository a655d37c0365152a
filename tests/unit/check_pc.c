/*
 * check_pc.c: the PC samplers (agent/pc_*.c) against the fixture trees of
 * tests/fixtures/pc/ (desktop: hwmon with coretemp and a Super I/O chip,
 * two SATA disks; laptop: battery, NVMe, wifi; vm: virtio, no sensors, no
 * swap, no utmp).
 *
 * Each fixture is sampled twice, 60 s apart; between the rounds its
 * proc/stat is overwritten in place with the one from <fixture>-round2/,
 * so cpu.util has an exact expected value.  The tables list what round 2
 * must hold, exactly, and what must be absent.  SMART is in
 * check_pc_smart.c, the inventory in check_pc_inventory.c.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utmpx.h>

#include <cjson/cJSON.h>

#include "agent/pc.h"
#include "tests/unit/check_pc.h"

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

static Suite *
pc_suite(void)
{
	Suite *s = suite_create("pc");
	TCase *tc = tcase_create("samplers");

	tcase_add_loop_test(tc, test_expect, 0, NFIXTURES);
	tcase_add_loop_test(tc, test_counts, 0, NFIXTURES);
	tcase_add_test(tc, test_cpu_first_round);
	tcase_add_test(tc, test_empty_root);
	tcase_add_test(tc, test_session_seconds);
	tcase_add_test(tc, test_sensor_names);
	tcase_add_loop_test(tc, test_wire_roundtrip, 0, NFIXTURES);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	/* The fixtures' utmp files are glibc's x86-64 layout. */
	if (sizeof(struct utmpx) != 384)
		fprintf(stderr,
		        "check_pc: struct utmpx is %zu bytes, the fixtures' "
		        "utmp are x86-64: their users rows are skipped\n",
		        sizeof(struct utmpx));
	return check_pc_main(pc_suite());
}
