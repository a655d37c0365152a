/*
 * check_pc_inventory.c: the PC's inventory message (agent/pc_inventory.c)
 * for each fixture tree, the labels behind sanitized metric parts, and
 * the stability of the text the agent compares between rounds.
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

static Suite *
pc_inventory_suite(void)
{
	Suite *s = suite_create("pc_inventory");
	TCase *tc = tcase_create("inventory");

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
	return check_pc_main(pc_inventory_suite());
}
