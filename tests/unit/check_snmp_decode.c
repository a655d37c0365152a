/*
 * check_snmp_decode: the SNMP poller's pure decoders (agent/snmp_decode.c)
 * and its store (agent/snmp_store.c), table-driven.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agent/snmp_priv.h"

static const struct {
	const char *bytes;
	size_t n;
	unsigned want;
} error_cases[] = {
    {"", 0, 0},
    {"\x20", 1, 0x2000}, /* one octet: lowToner, the high byte */
    {"\x20\x00", 2, 0x2000},
    {"\x04", 1, 0x0400},     /* jammed */
    {"\x00\x80", 2, 0x0080}, /* inputTrayMissing */
    {"\x10\x80", 2, 0x1080}, /* noToner + inputTrayMissing */
    {"\xff\xfe", 2, 0xfffe},
    {"\x80\x01\xff", 3, 0x8001}, /* a third octet is not defined */
};

START_TEST(test_error_bits)
{
	ck_assert_uint_eq(
	    snmp_decode_error_bits((const uint8_t *)error_cases[_i].bytes,
	                           error_cases[_i].n),
	    error_cases[_i].want);
}
END_TEST

START_TEST(test_error_names)
{
	unsigned all = 0;
	size_t i;

	ck_assert_uint_eq(snmp_nerrbits, 15);
	for (i = 0; i < snmp_nerrbits; i++) {
		ck_assert_uint_eq(all & snmp_errbits[i].mask, 0);
		all |= snmp_errbits[i].mask;
	}
	ck_assert_uint_eq(all, 0xfffe);
	ck_assert_str_eq(snmp_errbits[2].name, "lowToner");
	ck_assert_str_eq(snmp_errbits[2].code, "printer.toner_low");
	ck_assert_str_eq(snmp_errbits[5].code, "printer.jam");
	ck_assert_int_eq(snmp_errbits[5].sev, WIRE_SEV_CRITICAL);
}
END_TEST

static const struct {
	int64_t level, max;
	bool ok;
	double pct;
} level_cases[] = {
    {7, 100, true, 7},     {0, 100, true, 0},   {100, 100, true, 100},
    {150, 100, true, 100}, /* refilled past capacity: clipped */
    {1, 3, true, 33.33},   {2, 3, true, 66.67}, {27000, 30000, true, 90},
    {-1, 100, false, 0}, /* other: no limit */
    {-2, 100, false, 0}, /* unknown */
    {-3, 100, false, 0}, /* some remains */
    {50, -2, false, 0},    {50, -1, false, 0},  {0, 0, false, 0},
};

START_TEST(test_level_pct)
{
	double pct = -99;
	bool ok = snmp_decode_level_pct(level_cases[_i].level,
	                                level_cases[_i].max, &pct);

	ck_assert_int_eq(ok, level_cases[_i].ok);
	if (ok)
		ck_assert_double_eq_tol(pct, level_cases[_i].pct, 1e-9);
	else
		ck_assert_double_eq(pct, -99);
}
END_TEST

static const struct {
	const char *bytes;
	size_t n;
	int charset;
	const char *want;
} text_cases[] = {
    {"Black Cartridge", 15, 3, "Black Cartridge"},
    {"Black Cartridge", 15, 0, "Black Cartridge"},
    {"\x00K\x00o\x00n\x00i", 8, 1013, "Koni"}, /* UTF-16BE */
    {"K\x00o\x00n\x00i\x00", 8, 1014, "Koni"}, /* UTF-16LE */
    {"\xff\xfeK\x00o\x00", 6, 1015, "Ko"},     /* BOM, LE */
    {"\xfe\xff\x00K\x00o", 6, 1015, "Ko"},     /* BOM, BE */
    {"\x00K\x00o", 4, 1015, "Ko"},             /* no BOM: BE */
    {"\x00U\x00n\x00i\x00t\x00\xe9", 10, 1013, "Unit\xc3\xa9"},
    {"\x00K\x00o", 4, 0, "Ko"},                        /* undeclared UTF-16BE */
    {"K\x00o\x00", 4, 0, "Ko"},                        /* undeclared UTF-16LE */
    {"\xd8\x3d\xde\x00", 4, 1013, "\xf0\x9f\x98\x80"}, /* surrogates */
    {"\xd8\x3d\x00K", 4, 1013, "\xef\xbf\xbdK"},       /* lone high */
    {"black", 5, 1013, "black"},        /* declared UTF-16, odd: ASCII */
    {"cyan", 4, 1013, "cyan"},          /* printable ASCII, no NUL */
    {"Unit\xe9", 5, 4, "Unit\xc3\xa9"}, /* Latin-1 */
    {"Unit\xe9", 5, 0, "Unit\xc3\xa9"}, /* not UTF-8: Latin-1 */
    {"Unit\xc3\xa9", 6, 106, "Unit\xc3\xa9"},
    {"Unit\xc3\xa9", 6, 0, "Unit\xc3\xa9"},
    {"a\xff"
     "b",
     3, 106,
     "a\xef\xbf\xbd"
     "b"},
    {"  Toner\t1  ", 11, 3, "Toner 1"},
    {"Toner\0\0\0", 8, 3, "Toner"}, /* NUL padding */
    {"", 0, 3, ""},
};

START_TEST(test_text)
{
	char out[64];
	size_t n = snmp_decode_text((const uint8_t *)text_cases[_i].bytes,
	                            text_cases[_i].n, text_cases[_i].charset,
	                            out, sizeof(out));

	ck_assert_str_eq(out, text_cases[_i].want);
	ck_assert_uint_eq(n, strlen(text_cases[_i].want));
}
END_TEST

START_TEST(test_text_cut)
{
	char out[6];

	/* "Unité é" does not fit: cut before a character, never inside. */
	snmp_decode_text((const uint8_t *)"Unit\xc3\xa9\xc3\xa9", 8, 106, out,
	                 sizeof(out));
	ck_assert_str_eq(out, "Unit");
	snmp_decode_text((const uint8_t *)"abcdefgh", 8, 3, out, sizeof(out));
	ck_assert_str_eq(out, "abcde");
	ck_assert_uint_eq(snmp_decode_text(NULL, 0, 3, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

static const struct {
	int64_t code, group, severity;
	bool ok;
	const char *cond;
	enum wire_severity sev;
} alert_cases[] = {
    {1104, 11, 4, true, "printer.toner_low", WIRE_SEV_WARNING},
    {1101, 11, 3, true, "printer.toner_empty", WIRE_SEV_CRITICAL},
    {8, 13, 3, true, "printer.jam", WIRE_SEV_CRITICAL},
    {501, 6, 3, true, "printer.door_open", WIRE_SEV_CRITICAL},
    {3, 6, 3, true, "printer.door_open", WIRE_SEV_CRITICAL},
    {807, 8, 4, true, "printer.paper_low", WIRE_SEV_WARNING},
    {808, 8, 3, true, "printer.paper_empty", WIRE_SEV_CRITICAL},
    {12, 8, 4, true, "printer.paper_low", WIRE_SEV_WARNING},
    {13, 11, 3, true, "printer.supply_empty", WIRE_SEV_CRITICAL},
    {14, 9, 4, true, "printer.output_near_full", WIRE_SEV_WARNING},
    {15, 11, 3, true, "printer.waste_full", WIRE_SEV_CRITICAL},
    {1107, 11, 4, true, "printer.waste_almost_full", WIRE_SEV_WARNING},
    {1111, 11, 4, true, "printer.opc_life_almost_over", WIRE_SEV_WARNING},
    {9999, 5, 1, true, "printer.alert_9999", WIRE_SEV_INFO},
    {4, 6, 5, false, NULL, 0},   /* coverClosed */
    {503, 5, 4, false, NULL, 0}, /* powerUp */
    {8, 13, 5, false, NULL, 0},  /* binary change event */
    {-1, 5, 4, false, NULL, 0},
};

START_TEST(test_alert)
{
	char code[NAME_METRIC_MAX + 1] = "";
	enum wire_severity sev = WIRE_NSEVERITIES;
	bool ok = snmp_decode_alert(alert_cases[_i].code, alert_cases[_i].group,
	                            alert_cases[_i].severity, code,
	                            sizeof(code), &sev);

	ck_assert_int_eq(ok, alert_cases[_i].ok);
	if (!ok)
		return;
	ck_assert_str_eq(code, alert_cases[_i].cond);
	ck_assert_int_eq(sev, alert_cases[_i].sev);
}
END_TEST

static const struct {
	int64_t value, scale, precision;
	double want;
} sensor_cases[] = {
    {415, 9, 1, 41.5},   /* units, one decimal */
    {41500, 8, 0, 41.5}, /* milli */
    {5, 10, 0, 5000},    /* kilo */
    {-5, 9, 0, -5},      {123, 9, 2, 1.23},
    {7, 14, 0, 7e18}, /* exa is 10^18 although listed before peta */
    {7, 15, 0, 7e15},
};

START_TEST(test_sensor)
{
	double v =
	    snmp_decode_sensor(sensor_cases[_i].value, sensor_cases[_i].scale,
	                       sensor_cases[_i].precision);

	ck_assert_double_eq_tol(v, sensor_cases[_i].want,
	                        fabs(sensor_cases[_i].want) * 1e-12);
}
END_TEST

START_TEST(test_counters_continue)
{
	ck_assert(snmp_decode_counters_continue(100, 200));
	ck_assert(snmp_decode_counters_continue(100, 100));
	ck_assert(!snmp_decode_counters_continue(200, 100));       /* restart */
	ck_assert(!snmp_decode_counters_continue(0xfffffff0u, 5)); /* wrap */
}
END_TEST

START_TEST(test_store)
{
	struct snmp_store st;
	static const struct snmp_oid col =
	    SNMP_OID(1, 3, 6, 1, 2, 1, 2, 2, 1, 8);
	const uint32_t a[] = {1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 10};
	const uint32_t b[] = {1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 2};
	const uint32_t c[] = {1, 3, 6, 1, 2, 1, 2, 2, 1, 9, 1};
	const struct snmp_var *v;
	uint32_t idx = 10;
	size_t pos = 0;
	int64_t x;
	uint64_t u;

	snmp_store_init(&st);
	ck_assert_int_eq(
	    snmp_store_add(&st, c, 11, SNMP_T_TIMETICKS, 5, NULL, 0), 0);
	ck_assert_int_eq(snmp_store_add(&st, a, 11, SNMP_T_INTEGER, 1, NULL, 0),
	                 0);
	ck_assert_int_eq(snmp_store_add(&st, b, 11, SNMP_T_INTEGER, 2, NULL, 0),
	                 0);
	/* A later answer for the same OID wins. */
	ck_assert_int_eq(
	    snmp_store_add(&st, a, 11, SNMP_T_INTEGER, -7, NULL, 0), 0);
	snmp_store_sort(&st);
	ck_assert_uint_eq(st.n, 3);
	ck_assert(snmp_var_int(snmp_store_get(&st, &col, &idx, 1), &x));
	ck_assert_int_eq(x, -7);
	ck_assert(!snmp_var_uint(snmp_store_get(&st, &col, &idx, 1), &u));
	/* Column order is numeric: .2 before .10, and .9 is not in it. */
	v = snmp_store_next(&st, &col, &pos);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->oid[10], 2);
	v = snmp_store_next(&st, &col, &pos);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->oid[10], 10);
	ck_assert_ptr_null(snmp_store_next(&st, &col, &pos));
	idx = 3;
	ck_assert_ptr_null(snmp_store_get(&st, &col, &idx, 1));
	snmp_store_clear(&st);
}
END_TEST

START_TEST(test_store_snmprec)
{
	struct snmp_store st;
	static const struct snmp_oid hc =
	    SNMP_OID(1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1);
	static const struct snmp_oid oper3 =
	    SNMP_OID(1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 3);
	const struct snmp_var *v;
	uint64_t u;
	int64_t x;

	snmp_store_init(&st);
	ck_assert_int_eq(
	    snmp_store_load_snmprec(&st, FIXTURES "/snmpsim/switch24.snmprec"),
	    0);
	v = snmp_store_get(&st, &hc, NULL, 0);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, SNMP_T_COUNTER64);
	ck_assert(snmp_var_uint(v, &u));
	ck_assert_uint_eq(u, 5001000003ULL);
	/* A writecache variation: its value= is the static value. */
	ck_assert(snmp_var_int(snmp_store_get(&st, &oper3, NULL, 0), &x));
	ck_assert_int_eq(x, 1);
	snmp_store_clear(&st);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite *s = suite_create("snmp_decode");
	TCase *tc = tcase_create("decode");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_error_bits, 0, N(error_cases));
	tcase_add_test(tc, test_error_names);
	tcase_add_loop_test(tc, test_level_pct, 0, N(level_cases));
	tcase_add_loop_test(tc, test_text, 0, N(text_cases));
	tcase_add_test(tc, test_text_cut);
	tcase_add_loop_test(tc, test_alert, 0, N(alert_cases));
	tcase_add_loop_test(tc, test_sensor, 0, N(sensor_cases));
	tcase_add_test(tc, test_counters_continue);
	tcase_add_test(tc, test_store);
	tcase_add_test(tc, test_store_snmprec);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
