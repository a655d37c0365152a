/*
 * check_names: the identities of DESIGN.md section 4 (common/names.c).
 * Hostile names from topics, payloads and config files must be refused;
 * free-form labels must sanitize to valid metric parts.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"

static const struct {
	const char *s;
	bool ok;
} id_cases[] = {
    {"asriloka", true},
    {"pc-01", true},
    {"printer_lobby", true},
    {"0", true},
    {"a", true},
    /* 63 bytes is the limit */
    {"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0", true},
    {"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01", false},
    {"", false},
    {"-pc", false},
    {"_pc", false},
    {"PC-01", false},
    {"pc 01", false},
    {"../x", false},
    {"a/b", false},
    {"+", false},
    {"#", false},
    {"a.b", false},
    {"caf\xc3\xa9", false},
    {"pc\n", false},
    {"pc\t1", false},
    {"a'b", false},
    {"a;b", false},
};

START_TEST(test_id_valid)
{
	ck_assert_msg(name_id_valid(id_cases[_i].s) == id_cases[_i].ok,
	              "name_id_valid(\"%s\") != %d", id_cases[_i].s,
	              id_cases[_i].ok);
}
END_TEST

START_TEST(test_id_long)
{
	char buf[256];

	memset(buf, 'a', 200);
	buf[200] = '\0';
	ck_assert(!name_id_valid(buf));
	ck_assert(!name_metric_valid(buf));
	ck_assert(!name_id_valid(NULL));
	ck_assert(!name_metric_valid(NULL));
}
END_TEST

static const struct {
	const char *s;
	bool ok;
} metric_cases[] = {
    {"cpu.util", true},
    {"load.1", true},
    {"mem.used_pct", true},
    {"fs.root.used_pct", true},
    {"net.eth0.rx_bytes", true},
    {"if.br-lan.in_bytes", true},
    {"printer.jam", true},
    {"_x", true},
    {"uptime", true},
    {"a.-", true},
    {"", false},
    {".cpu", false},
    {"cpu.", false},
    {"cpu..util", false},
    {"cpu-x.util", false},
    {"-cpu", false},
    {"CPU.util", false},
    {"cpu/util", false},
    {"../etc", false},
    {"cpu util", false},
    {"cpu.+", false},
    {"cpu.#", false},
    {"cpu.\xc3\xa9", false},
    {"cpu.util\n", false},
};

START_TEST(test_metric_valid)
{
	ck_assert_msg(name_metric_valid(metric_cases[_i].s) ==
	                  metric_cases[_i].ok,
	              "name_metric_valid(\"%s\") != %d", metric_cases[_i].s,
	              metric_cases[_i].ok);
}
END_TEST

START_TEST(test_metric_length)
{
	char buf[NAME_METRIC_MAX + 2];

	memset(buf, 'a', NAME_METRIC_MAX);
	buf[NAME_METRIC_MAX] = '\0';
	ck_assert(name_metric_valid(buf));
	buf[NAME_METRIC_MAX] = 'a';
	buf[NAME_METRIC_MAX + 1] = '\0';
	ck_assert(!name_metric_valid(buf));
}
END_TEST

static const struct {
	const char *label;
	const char *out; /* NULL: -1 expected */
} sanitize_cases[] = {
    {"eth0", "eth0"},
    {"Black Toner Cartridge", "black_toner_cartridge"},
    {"  Black  Toner -- (HP 85A) ", "black_toner_hp_85a"},
    {"br-lan", "br_lan"},
    {"GigabitEthernet0/1", "gigabitethernet0_1"},
    {"Tray 1", "tray_1"},
    {"caf\xc3\xa9 bar", "caf_bar"},
    {"__x__", "x"},
    {"../../etc/passwd", "etc_passwd"},
    {"", NULL},
    {"---", NULL},
    {"\xc3\xa9\xc3\xa9", NULL},
    {"+#/", NULL},
};

START_TEST(test_sanitize)
{
	char out[NAME_PART_MAX + 1];
	int r = name_sanitize(sanitize_cases[_i].label, out, sizeof(out));

	if (sanitize_cases[_i].out == NULL) {
		ck_assert_int_eq(r, -1);
		ck_assert_str_eq(out, "");
	} else {
		ck_assert_str_eq(out, sanitize_cases[_i].out);
		ck_assert_int_eq(r, (int)strlen(sanitize_cases[_i].out));
	}
}
END_TEST

START_TEST(test_sanitize_limits)
{
	char label[300], out[200], small[5];
	int i;

	for (i = 0; i < 299; i++)
		label[i] = i % 10 == 9 ? ' ' : 'A';
	label[299] = '\0';
	ck_assert_int_eq(name_sanitize(label, out, sizeof(out)), NAME_PART_MAX);
	ck_assert_uint_eq(strlen(out), NAME_PART_MAX);
	/* The cut never leaves a trailing '_'. */
	memset(label, 'a', 63);
	label[63] = ' ';
	label[64] = 'b';
	label[65] = '\0';
	ck_assert_int_eq(name_sanitize(label, out, sizeof(out)), 63);
	ck_assert_int_eq(name_sanitize("abcdef", small, sizeof(small)), 4);
	ck_assert_str_eq(small, "abcd");
	ck_assert_int_eq(name_sanitize("abc", small, 1), -1);
	ck_assert_int_eq(name_sanitize(NULL, out, sizeof(out)), -1);
	/* Every result is a valid metric part. */
	ck_assert_int_gt(name_sanitize("Ünïcödé Sensor #3", out, sizeof(out)),
	                 0);
	ck_assert_str_eq(out, "n_c_d_sensor_3");
	ck_assert(name_metric_valid(out));
}
END_TEST

static const struct {
	const char *mount;
	const char *out;
} mount_cases[] = {
    {"/", "root"},
    {"/home", "home"},
    {"/var/lib/x", "var_lib_x"},
    {"/mnt/My Disk", "mnt_my_disk"},
    {"/boot/efi/", "boot_efi"},
    {"", NULL},
    {"//", NULL},
};

START_TEST(test_mount)
{
	char out[NAME_PART_MAX + 1];
	int r = name_mount_part(mount_cases[_i].mount, out, sizeof(out));

	if (mount_cases[_i].out == NULL) {
		ck_assert_int_eq(r, -1);
	} else {
		ck_assert_str_eq(out, mount_cases[_i].out);
		ck_assert_int_eq(r, (int)strlen(mount_cases[_i].out));
	}
}
END_TEST

static const struct {
	const char *host;
	const char *out;
} host_cases[] = {
    {"PC-01", "pc-01"},
    {"pc-01.asriloka.local", "pc-01"},
    {"Lab PC 3", "lab-pc-3"},
    {"-weird", "weird"},
    {"__x", "x"},
    {"caf\xc3\xa9", "caf--"},
    {"", NULL},
    {".local", NULL},
    {"---", NULL},
    {"+#", NULL},
};

START_TEST(test_id_from_host)
{
	char out[NAME_ID_MAX + 1];
	int r = name_id_from_host(host_cases[_i].host, out, sizeof(out));

	if (host_cases[_i].out == NULL) {
		ck_assert_int_eq(r, -1);
		ck_assert_str_eq(out, "");
	} else {
		ck_assert_int_eq(r, 0);
		ck_assert_str_eq(out, host_cases[_i].out);
		ck_assert(name_id_valid(out));
	}
}
END_TEST

START_TEST(test_id_from_long_host)
{
	char host[201], out[NAME_ID_MAX + 1];

	memset(host, 'H', 200);
	host[200] = '\0';
	ck_assert_int_eq(name_id_from_host(host, out, sizeof(out)), 0);
	ck_assert_uint_eq(strlen(out), NAME_ID_MAX);
	ck_assert(name_id_valid(out));
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("names");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_id_valid, 0, N(id_cases));
	tcase_add_test(tc, test_id_long);
	tcase_add_loop_test(tc, test_metric_valid, 0, N(metric_cases));
	tcase_add_test(tc, test_metric_length);
	tcase_add_loop_test(tc, test_sanitize, 0, N(sanitize_cases));
	tcase_add_test(tc, test_sanitize_limits);
	tcase_add_loop_test(tc, test_mount, 0, N(mount_cases));
	tcase_add_loop_test(tc, test_id_from_host, 0, N(host_cases));
	tcase_add_test(tc, test_id_from_long_host);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
