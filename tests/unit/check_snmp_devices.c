/*
 * check_snmp_devices: the device builders (dev_printer.c, dev_switch.c,
 * dev_pc_snmp.c through snmp_round_build()) over the snmpsim data files
 * the integration tests serve (tests/fixtures/snmpsim/), without a
 * network: every value is checked exactly, and so are the count of
 * metrics (nothing extra, nothing missing), the events raised and cleared
 * across rounds, counter discontinuities, and the inventory.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/snmp_priv.h"

#define TS 1764345600

struct kv {
	const char *name;
	double value;
};

static void
load(struct snmp_store *st, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/snmpsim/%s.snmprec", FIXTURES, name);
	snmp_store_init(st);
	ck_assert_int_eq(snmp_store_load_snmprec(st, path), 0);
}

static void
parse_oid(const char *s, uint32_t *oid, size_t *len)
{
	char *end;

	*len = 0;
	while (*s) {
		oid[(*len)++] = (uint32_t)strtoul(s, &end, 10);
		s = *end == '.' ? end + 1 : end;
	}
}

/* Sets (or overrides) an integer-typed variable. */
static void
set_num(struct snmp_store *st, const char *oid, uint8_t type, int64_t v)
{
	uint32_t o[SNMP_OID_MAX];
	size_t len;

	parse_oid(oid, o, &len);
	ck_assert_int_eq(snmp_store_add(st, o, len, type, v, NULL, 0), 0);
	snmp_store_sort(st);
}

static void
set_str(struct snmp_store *st, const char *oid, const char *bytes, size_t n)
{
	uint32_t o[SNMP_OID_MAX];
	size_t len;

	parse_oid(oid, o, &len);
	ck_assert_int_eq(snmp_store_add(st, o, len, SNMP_T_OCTETS, 0, bytes, n),
	                 0);
	snmp_store_sort(st);
}

/* Removes every variable under 'prefix' (a table the agent lost). */
static void
drop(struct snmp_store *st, const char *prefix)
{
	uint32_t o[SNMP_OID_MAX];
	size_t len, i, j;

	parse_oid(prefix, o, &len);
	for (i = j = 0; i < st->n; i++) {
		if (st->v[i].oid_len >= len &&
		    memcmp(st->v[i].oid, o, len * sizeof(*o)) == 0) {
			free(st->v[i].oid);
			free(st->v[i].str);
			continue;
		}
		st->v[j++] = st->v[i];
	}
	st->n = j;
}

static void
check_set(const struct wire_metrics *m, int counter, const struct kv *want,
          size_t nwant, size_t total)
{
	const struct wire_sample *s;
	size_t i;

	for (i = 0; i < nwant; i++) {
		s = wire_metrics_find(m, counter, want[i].name);
		ck_assert_msg(s != NULL, "%s %s missing",
		              counter ? "counter" : "gauge", want[i].name);
		ck_assert_msg(s->value == want[i].value,
		              "%s = %.17g, want %.17g", want[i].name, s->value,
		              want[i].value);
	}
	if (total != (size_t)-1)
		ck_assert_uint_eq(counter ? m->ncounters : m->ngauges, total);
}

static const struct wire_event *
find_event(const struct snmp_round *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->nev; i++)
		if (strcmp(r->ev[i].code, code) == 0)
			return &r->ev[i];
	return NULL;
}

static void
check_event(const struct snmp_round *r, const char *code,
            enum wire_severity sev, enum wire_evstate state, const char *text)
{
	const struct wire_event *e = find_event(r, code);

	ck_assert_msg(e != NULL, "event %s missing", code);
	ck_assert_int_eq(e->ts, TS);
	ck_assert_int_eq(e->severity, sev);
	ck_assert_int_eq(e->state, state);
	ck_assert_str_eq(e->text, text);
}

static cJSON *
inventory(const struct snmp_round *r)
{
	cJSON *o;

	ck_assert_ptr_nonnull(r->inventory);
	o = cJSON_Parse(r->inventory);
	ck_assert_ptr_nonnull(o);
	return o;
}

static const char *
inv_str(cJSON *o, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	ck_assert_msg(cJSON_IsString(v), "inventory %s missing", key);
	return v->valuestring;
}

START_TEST(test_printer_mono)
{
	static const struct kv gauges[] = {
	    {"printer.status", 3},
	    {"printer.device_status", 3},
	    {"printer.error_bits", 8192}, /* one octet 0x20: lowToner */
	    {"printer.supply.black_cartridge_hp_cf258a.level_pct", 7},
	    {"printer.tray.tray_2.level_pct", 50},
	};
	static const struct kv counters[] = {
	    {"uptime.seconds", 43210},
	    {"printer.pages.total", 123456},
	};
	struct snmp_store st;
	struct snmp_hist h = {0};
	struct snmp_round r = {0};
	cJSON *inv, *sup, *labels;

	load(&st, "printer-mono");
	ck_assert_int_eq(
	    snmp_round_build(&dev_printer_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_int_eq(r.m.type, DEV_PRINTER);
	ck_assert_int_eq(r.m.ts, TS);
	ck_assert_uint_eq(r.m.interval, 60);
	/* The drum (-3) and the fuser kit (-2) and tray 1 (-3): absent. */
	check_set(&r.m, 0, gauges, 5, 5);
	check_set(&r.m, 1, counters, 2, 2);
	/* The error bit and the alert row are one condition. */
	ck_assert_uint_eq(r.nev, 1);
	check_event(&r, "printer.toner_low", WIRE_SEV_WARNING, WIRE_EV_RAISED,
	            "Toner low; Black cartridge low");

	inv = inventory(&r);
	ck_assert_str_eq(inv_str(inv, "type"), "printer");
	ck_assert_str_eq(inv_str(inv, "model"), "HP LaserJet Pro M404dn");
	ck_assert_str_eq(inv_str(inv, "serial"), "PHBQB12345");
	ck_assert_str_eq(inv_str(inv, "page_counter_unit"), "impressions");
	ck_assert_str_eq(inv_str(inv, "sys_object_id"),
	                 "1.3.6.1.4.1.11.2.3.9.1");
	sup = cJSON_GetObjectItemCaseSensitive(inv, "supplies");
	ck_assert_int_eq(cJSON_GetArraySize(sup), 3);
	ck_assert_str_eq(inv_str(cJSON_GetArrayItem(sup, 1), "description"),
	                 "Imaging Drum");
	ck_assert_str_eq(inv_str(cJSON_GetArrayItem(sup, 1), "type"), "opc");
	ck_assert_str_eq(inv_str(cJSON_GetArrayItem(sup, 0), "color"), "black");
	labels = cJSON_GetObjectItemCaseSensitive(inv, "labels");
	ck_assert_str_eq(inv_str(labels, "printer.supply.imaging_drum"),
	                 "Imaging Drum");
	cJSON_Delete(inv);

	/* Same answers again: no event, no inventory. */
	snmp_round_clear(&r);
	ck_assert_int_eq(
	    snmp_round_build(&dev_printer_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_uint_eq(r.nev, 0);
	ck_assert_ptr_null(r.inventory);

	/* Toner replaced: the bit and the alert row are gone. */
	set_str(&st, "1.3.6.1.2.1.25.3.5.1.2.1", "\x00", 1);
	drop(&st, "1.3.6.1.2.1.43.18");
	set_num(&st, "1.3.6.1.2.1.43.11.1.1.9.1.1", SNMP_T_INTEGER, 100);
	snmp_round_clear(&r);
	ck_assert_int_eq(
	    snmp_round_build(&dev_printer_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_uint_eq(r.nev, 1);
	check_event(&r, "printer.toner_low", WIRE_SEV_WARNING, WIRE_EV_CLEARED,
	            "Toner low; Black cartridge low");
	check_set(
	    &r.m, 0,
	    (const struct kv[]){{"printer.error_bits", 0},
	                        {"printer.supply.black_cartridge_hp_cf258a"
	                         ".level_pct",
	                         100}},
	    2, 5);
	snmp_round_clear(&r);
	snmp_hist_clear(&h);
	snmp_store_clear(&st);
}
END_TEST

START_TEST(test_printer_color)
{
	static const struct kv gauges[] = {
	    {"printer.status", 1},
	    {"printer.device_status", 5},
	    {"printer.error_bits", 0x1080},
	    {"printer.supply.black_toner_tn_423bk.level_pct", 75},
	    {"printer.supply.cyan_toner_tn_423c.level_pct", 40},
	    {"printer.supply.yellow_toner_tn_423y.level_pct", 0},
	    {"printer.supply.unit_tambour_dr_421cl.level_pct", 90},
	    {"printer.supply.waste_toner_box_wt_223cl.full_pct", 20},
	    {"printer.tray.mp_tray.level_pct", 0},
	    {"printer.tray.cassette_1.level_pct", 80},
	};
	static const struct kv counters[] = {
	    {"uptime.seconds", 98765},
	    {"printer.pages.total", 46678}, /* two markers summed */
	};
	struct snmp_store st;
	struct snmp_hist h = {0};
	struct snmp_round r = {0};
	cJSON *inv, *sup, *labels;

	load(&st, "printer-color");
	ck_assert_int_eq(
	    snmp_round_build(&dev_printer_plan, &st, &h, TS, 60, &r), 0);
	/* Magenta says -3 (some remains): no level at all, never 0 %. */
	check_set(&r.m, 0, gauges, 10, 10);
	ck_assert_ptr_null(wire_metrics_find(
	    &r.m, 0, "printer.supply.magenta_toner_tn_423m.level_pct"));
	check_set(&r.m, 1, counters, 2, 2);
	/* coverClosed (a binary change event) is not a condition. */
	ck_assert_uint_eq(r.nev, 3);
	check_event(&r, "printer.toner_empty", WIRE_SEV_CRITICAL,
	            WIRE_EV_RAISED, "No toner; Yellow toner empty");
	check_event(&r, "printer.input_tray_missing", WIRE_SEV_WARNING,
	            WIRE_EV_RAISED, "Input tray missing");
	check_event(&r, "printer.jam", WIRE_SEV_CRITICAL, WIRE_EV_RAISED,
	            "Jam inside");

	inv = inventory(&r);
	ck_assert_str_eq(inv_str(inv, "model"), "Brother HL-L8360CDW series");
	ck_assert_str_eq(inv_str(inv, "serial"), "E78123K9N654321");
	ck_assert_int_eq(
	    cJSON_GetObjectItemCaseSensitive(inv, "charset")->valueint, 1013);
	sup = cJSON_GetObjectItemCaseSensitive(inv, "supplies");
	ck_assert_int_eq(cJSON_GetArraySize(sup), 6);
	/* UTF-16BE descriptions, an accent included. */
	ck_assert_str_eq(inv_str(cJSON_GetArrayItem(sup, 4), "description"),
	                 "Unit\xc3\xa9 tambour DR-421CL");
	ck_assert_str_eq(inv_str(cJSON_GetArrayItem(sup, 5), "class"),
	                 "receptacle");
	ck_assert_str_eq(inv_str(cJSON_GetArrayItem(sup, 3), "color"),
	                 "yellow");
	labels = cJSON_GetObjectItemCaseSensitive(inv, "labels");
	ck_assert_str_eq(
	    inv_str(labels, "printer.supply.unit_tambour_dr_421cl"),
	    "Unit\xc3\xa9 tambour DR-421CL");
	ck_assert_str_eq(inv_str(labels, "printer.tray.cassette_1"),
	                 "Cassette 1");
	cJSON_Delete(inv);

	/* The jam is cleared; the rest stays raised (no event). */
	drop(&st, "1.3.6.1.2.1.43.18.1.1.7.2.3");
	snmp_round_clear(&r);
	ck_assert_int_eq(
	    snmp_round_build(&dev_printer_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_uint_eq(r.nev, 1);
	check_event(&r, "printer.jam", WIRE_SEV_CRITICAL, WIRE_EV_CLEARED,
	            "Jam inside");
	snmp_round_clear(&r);
	snmp_hist_clear(&h);
	snmp_store_clear(&st);
}
END_TEST

START_TEST(test_switch)
{
	static const struct kv gauges[] = {
	    {"if.gi1_0_1.oper_up", 1},
	    {"if.gi1_0_1.admin_up", 1},
	    {"if.gi1_0_1.speed_mbps", 1000},
	    {"if.gi1_0_3.oper_up", 1},
	    {"if.gi1_0_4.oper_up", 0},
	    {"if.gi1_0_4.speed_mbps", 0},
	    {"if.gi1_0_24.oper_up", 0},
	    {"temp.chassis_temperature.celsius", 41.5},
	};
	static const struct kv counters[] = {
	    {"uptime.seconds", 1234567},
	    {"if.gi1_0_1.in_bytes", 5001000003.0}, /* Counter64, > 2^32 */
	    {"if.gi1_0_1.out_bytes", 9000000007.0},
	    {"if.gi1_0_1.in_errors", 1},
	    {"if.gi1_0_2.out_discards", 2},
	    {"if.gi1_0_3.in_bytes", 3000017},
	    {"if.gi1_0_4.in_bytes", 0},
	};
	struct snmp_store st;
	struct snmp_hist h = {0};
	struct snmp_round r = {0};
	cJSON *inv, *ifs;

	load(&st, "switch24");
	ck_assert_int_eq(
	    snmp_round_build(&dev_switch_plan, &st, &h, TS, 60, &r), 0);
	/* 24 ports x (oper, admin, speed) + one temperature; the VLAN
	 * interface and the unavailable CPU sensor are left out. */
	check_set(&r.m, 0, gauges, 8, 24 * 3 + 1);
	check_set(&r.m, 1, counters, 7, 1 + 24 * 6);
	ck_assert_ptr_null(wire_metrics_find(&r.m, 0, "if.vlan1.oper_up"));
	ck_assert_uint_eq(r.nev, 0);
	inv = inventory(&r);
	ck_assert_str_eq(inv_str(inv, "model"), "T2600G-28TS");
	ck_assert_str_eq(inv_str(inv, "serial"), "2197123000123");
	ifs = cJSON_GetObjectItemCaseSensitive(inv, "interfaces");
	ck_assert_int_eq(cJSON_GetArraySize(ifs), 24);
	ck_assert_str_eq(inv_str(cJSON_GetArrayItem(ifs, 2), "name"),
	                 "Gi1/0/3");
	ck_assert_str_eq(inv_str(cJSON_GetArrayItem(ifs, 2), "alias"),
	                 "lab-pc-03");
	ck_assert_str_eq(inv_str(cJSON_GetArrayItem(ifs, 0), "mac"),
	                 "50:d4:f7:a1:b2:01");
	cJSON_Delete(inv);

	/* Port 3 goes down: raised once. */
	set_num(&st, "1.3.6.1.2.1.2.2.1.8.3", SNMP_T_INTEGER, 2);
	snmp_round_clear(&r);
	ck_assert_int_eq(
	    snmp_round_build(&dev_switch_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_uint_eq(r.nev, 1);
	check_event(&r, "switch.port_down.gi1_0_3", WIRE_SEV_WARNING,
	            WIRE_EV_RAISED, "Port Gi1/0/3 (lab-pc-03) down");
	check_set(&r.m, 0, (const struct kv[]){{"if.gi1_0_3.oper_up", 0}}, 1,
	          (size_t)-1);
	ck_assert_ptr_null(r.inventory);
	snmp_round_clear(&r);
	ck_assert_int_eq(
	    snmp_round_build(&dev_switch_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_uint_eq(r.nev, 0);

	/* Back up: cleared. */
	set_num(&st, "1.3.6.1.2.1.2.2.1.8.3", SNMP_T_INTEGER, 1);
	snmp_round_clear(&r);
	ck_assert_int_eq(
	    snmp_round_build(&dev_switch_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_uint_eq(r.nev, 1);
	check_event(&r, "switch.port_down.gi1_0_3", WIRE_SEV_WARNING,
	            WIRE_EV_CLEARED, "Port Gi1/0/3 (lab-pc-03) down");

	/* A port never seen up going on and off is no news. */
	set_num(&st, "1.3.6.1.2.1.2.2.1.8.4", SNMP_T_INTEGER, 2);
	snmp_round_clear(&r);
	ck_assert_int_eq(
	    snmp_round_build(&dev_switch_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_uint_eq(r.nev, 0);

	/* Port 1's counters were reset (discontinuity time moved): its
	 * counters wait a round; the others go on. */
	set_num(&st, "1.3.6.1.2.1.31.1.1.1.19.1", SNMP_T_TIMETICKS, 123000000);
	snmp_round_clear(&r);
	ck_assert_int_eq(
	    snmp_round_build(&dev_switch_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_ptr_null(wire_metrics_find(&r.m, 1, "if.gi1_0_1.in_bytes"));
	ck_assert_ptr_nonnull(
	    wire_metrics_find(&r.m, 1, "if.gi1_0_2.in_bytes"));
	ck_assert_uint_eq(r.m.ncounters, 1 + 23 * 6);
	snmp_round_clear(&r);
	ck_assert_int_eq(
	    snmp_round_build(&dev_switch_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_ptr_nonnull(
	    wire_metrics_find(&r.m, 1, "if.gi1_0_1.in_bytes"));

	/* The switch rebooted (sysUpTime went back): no counter but the
	 * uptime itself, so no rate is made across the reset. */
	set_num(&st, "1.3.6.1.2.1.1.3.0", SNMP_T_TIMETICKS, 500);
	snmp_round_clear(&r);
	ck_assert_int_eq(
	    snmp_round_build(&dev_switch_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_uint_eq(r.m.ncounters, 1);
	check_set(&r.m, 1, (const struct kv[]){{"uptime.seconds", 5}}, 1, 1);
	ck_assert_uint_eq(r.m.ngauges, 24 * 3 + 1);
	set_num(&st, "1.3.6.1.2.1.1.3.0", SNMP_T_TIMETICKS, 6500);
	snmp_round_clear(&r);
	ck_assert_int_eq(
	    snmp_round_build(&dev_switch_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_uint_eq(r.m.ncounters, 1 + 24 * 6);
	snmp_round_clear(&r);
	snmp_hist_clear(&h);
	snmp_store_clear(&st);
}
END_TEST

START_TEST(test_switch_32bit)
{
	struct snmp_store st;
	struct snmp_hist h = {0};
	struct snmp_round r = {0};

	/* Over SNMPv1 (or an old switch) there is no ifXTable Counter64. */
	load(&st, "switch24");
	drop(&st, "1.3.6.1.2.1.31.1.1.1.6");
	drop(&st, "1.3.6.1.2.1.31.1.1.1.10");
	snmp_store_sort(&st);
	ck_assert_int_eq(
	    snmp_round_build(&dev_switch_plan, &st, &h, TS, 60, &r), 0);
	check_set(&r.m, 1,
	          (const struct kv[]){
	              {"if.gi1_0_1.in_bytes", 5001000003.0 - 4294967296.0},
	              {"if.gi1_0_3.in_bytes", 3000017}},
	          2, 1 + 24 * 6);
	snmp_round_clear(&r);
	snmp_hist_clear(&h);
	snmp_store_clear(&st);
}
END_TEST

START_TEST(test_pc)
{
	static const struct kv gauges[] = {
	    {"cpu.util", 25.25},
	    {"users.sessions", 2},
	    {"procs.total", 143},
	    {"mem.used_pct", 50},
	    {"mem.used_bytes", 62977.0 * 65536},
	    {"fs.c.used_pct", 50},
	    {"fs.c.free_bytes", 31000000.0 * 4096},
	    {"fs.d.used_pct", 25},
	    {"fs.d.free_bytes", 75.0 * 4096},
	};
	static const struct kv counters[] = {
	    {"uptime.seconds", 86400}, /* hrSystemUptime, not sysUpTime */
	};
	struct snmp_store st;
	struct snmp_hist h = {0};
	struct snmp_round r = {0};
	cJSON *inv, *cpu;

	load(&st, "pc-windows");
	ck_assert_int_eq(
	    snmp_round_build(&dev_pc_snmp_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_int_eq(r.m.type, DEV_PC);
	/* No swap row named so (Windows' Virtual Memory is the commit
	 * charge), the CD drive is not a fixed disk. */
	check_set(&r.m, 0, gauges, 9, 9);
	check_set(&r.m, 1, counters, 1, 1);
	inv = inventory(&r);
	ck_assert_str_eq(inv_str(inv, "type"), "pc");
	ck_assert_str_eq(inv_str(inv, "hostname"), "PC-LAB-07");
	ck_assert_double_eq(
	    cJSON_GetObjectItemCaseSensitive(inv, "ram_bytes")->valuedouble,
	    8254496.0 * 1024);
	cpu = cJSON_GetObjectItemCaseSensitive(inv, "cpu");
	ck_assert_str_eq(inv_str(cpu, "model"),
	                 "Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz");
	ck_assert_int_eq(
	    cJSON_GetObjectItemCaseSensitive(cpu, "threads")->valueint, 4);
	ck_assert_str_eq(
	    inv_str(cJSON_GetObjectItemCaseSensitive(inv, "labels"), "fs.c"),
	    "C:\\");
	cJSON_Delete(inv);
	snmp_round_clear(&r);
	snmp_hist_clear(&h);
	snmp_store_clear(&st);
}
END_TEST

START_TEST(test_empty)
{
	struct snmp_store st;
	struct snmp_hist h = {0};
	struct snmp_round r = {0};

	/* An agent that answers nothing useful: no metrics, no crash. */
	snmp_store_init(&st);
	snmp_store_sort(&st);
	ck_assert_int_eq(
	    snmp_round_build(&dev_printer_plan, &st, &h, TS, 60, &r), 0);
	ck_assert_uint_eq(r.m.ngauges + r.m.ncounters, 0);
	ck_assert_ptr_nonnull(r.inventory);
	snmp_round_clear(&r);
	snmp_hist_clear(&h);
	snmp_store_clear(&st);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("snmp_devices");
	TCase *tc = tcase_create("devices");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_printer_mono);
	tcase_add_test(tc, test_printer_color);
	tcase_add_test(tc, test_switch);
	tcase_add_test(tc, test_switch_32bit);
	tcase_add_test(tc, test_pc);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
