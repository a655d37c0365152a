/*
 * check_wire: the MQTT contract (common/wire.c).  Good payloads round-trip
 * exactly; every malformed payload is refused with its specific reason and
 * detail, because the collector counts rejections by reason and logs the
 * detail.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/wire.h"

#define GOOD_METRICS                                                           \
	"{\"v\":1,\"ts\":1764345600,\"seq\":1842,\"type\":\"pc\","             \
	"\"interval\":60,\"gauges\":{\"cpu.util\":12.5,"                       \
	"\"mem.used_pct\":43.1,\"fs.root.used_pct\":71},"                      \
	"\"counters\":{\"net.eth0.rx_bytes\":9812345123,"                      \
	"\"uptime.seconds\":86400}}"

/* Decodes 'len' bytes of 'p' as 'ch'; returns the reason, fills detail. */
static enum wire_reason
decode(enum wire_channel ch, const char *p, size_t len, char *canon,
       size_t canonsz, struct wire_error *err)
{
	struct wire_metrics m;
	struct wire_status s;
	struct wire_event e;
	struct wire_inventory inv;
	enum wire_reason r;
	char *out = NULL;
	void *copy;

	/* An exact-size heap copy: ASan sees any read past 'len'. */
	copy = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, p, len);
	memset(err, 0, sizeof(*err));
	switch (ch) {
	case WIRE_CH_METRICS:
		r = wire_metrics_decode(copy, len, &m, err);
		if (r == WIRE_OK)
			out = wire_metrics_encode(&m, NULL);
		wire_metrics_clear(&m);
		break;
	case WIRE_CH_STATUS:
		r = wire_status_decode(copy, len, &s, err);
		if (r == WIRE_OK)
			out = wire_status_encode(&s, NULL);
		break;
	case WIRE_CH_EVENTS:
		r = wire_event_decode(copy, len, &e, err);
		if (r == WIRE_OK)
			out = wire_event_encode(&e, NULL);
		break;
	default:
		r = wire_inventory_decode(copy, len, &inv, err);
		if (r == WIRE_OK)
			out = strdup(inv.json);
		wire_inventory_clear(&inv);
		ck_assert_ptr_null(inv.json);
		break;
	}
	free(copy);
	if (r == WIRE_OK) {
		ck_assert_ptr_nonnull(out);
		snprintf(canon, canonsz, "%s", out);
		free(out);
	} else {
		ck_assert_int_eq(err->reason, r);
	}
	return r;
}

#define M WIRE_CH_METRICS
#define S WIRE_CH_STATUS
#define E WIRE_CH_EVENTS
#define I WIRE_CH_INVENTORY

/* Metrics with one field replaced: PRE + field + POST. */
#define MPRE "{\"v\":1,\"ts\":1764345600,\"seq\":7,\"type\":\"pc\","
#define MG(g) MPRE "\"interval\":60,\"gauges\":{" g "},\"counters\":{}}"
#define MC(c) MPRE "\"interval\":60,\"gauges\":{},\"counters\":{" c "}}"
#define EV(f) "{\"v\":1,\"ts\":1764345600,\"code\":\"printer.jam\"," f "}"

static const struct {
	enum wire_channel ch;
	const char *payload;
	enum wire_reason reason;
	const char *detail; /* or, for WIRE_OK, the output */
} cases[] = {
    /* Good payloads, and their canonical form. */
    {M, GOOD_METRICS, WIRE_OK, GOOD_METRICS},
    {M, " \n" GOOD_METRICS "\r\n\t ", WIRE_OK, GOOD_METRICS},
    {M,
     "{\"counters\":{},\"gauges\":{},\"interval\":1,\"type\":\"switch\","
     "\"seq\":0,\"ts\":0,\"v\":1}",
     WIRE_OK,
     "{\"v\":1,\"ts\":0,\"seq\":0,\"type\":\"switch\",\"interval\":1,"
     "\"gauges\":{},\"counters\":{}}"},
    {M, MG("\"a\":1.0,\"b\":-0.5,\"c\":1e3,\"d\":0.1,\"e\":-7"), WIRE_OK,
     MG("\"a\":1,\"b\":-0.5,\"c\":1000,\"d\":0.1,\"e\":-7")},
    {M, MPRE "\"interval\":86400,\"gauges\":{},\"counters\":{}}", WIRE_OK,
     MPRE "\"interval\":86400,\"gauges\":{},\"counters\":{}}"},
    {S, "{\"v\":1,\"state\":\"online\",\"ts\":1764345600}", WIRE_OK,
     "{\"v\":1,\"state\":\"online\",\"ts\":1764345600}"},
    {S, "{\"ts\":5,\"v\":1,\"state\":\"unreachable\"}", WIRE_OK,
     "{\"v\":1,\"state\":\"unreachable\",\"ts\":5}"},
    {E,
     EV("\"severity\":\"critical\",\"state\":\"raised\","
        "\"text\":\"Paper jam in tray 2\""),
     WIRE_OK,
     EV("\"severity\":\"critical\",\"state\":\"raised\","
        "\"text\":\"Paper jam in tray 2\"")},
    {E,
     EV("\"severity\":\"info\",\"state\":\"cleared\",\"text\":"
        "\"\\\"q\\\" \\\\ \\n\\u0001 \\u00e9 \xc3\xa9\""),
     WIRE_OK,
     EV("\"severity\":\"info\",\"state\":\"cleared\",\"text\":"
        "\"\\\"q\\\" \\\\ \\n\\u0001 \xc3\xa9 \xc3\xa9\"")},
    {I,
     "{\"v\":1, \"ts\":1, \"type\":\"printer\", \"vendor\":\"HP\", "
     "\"supplies\":[{\"index\":1,\"description\":\"Black\"}], "
     "\"labels\":{\"printer.supply.black\":\"Black\"}}",
     WIRE_OK,
     "{\"v\":1,\"ts\":1,\"type\":\"printer\",\"vendor\":\"HP\","
     "\"supplies\":[{\"index\":1,\"description\":\"Black\"}],"
     "\"labels\":{\"printer.supply.black\":\"Black\"}}"},
    {I,
     "{\"v\":1,\"ts\":1,\"type\":\"pc\",\"ram_bytes\":17179869184,"
     "\"hostname\":\"Lab \xe2\x82\xac\"}",
     WIRE_OK,
     "{\"v\":1,\"ts\":1,\"type\":\"pc\",\"ram_bytes\":17179869184,"
     "\"hostname\":\"Lab \xe2\x82\xac\"}"},

    /* Not JSON, not an object. */
    {M, "", WIRE_EJSON, "empty payload"},
    {M, "not json", WIRE_EJSON, "not JSON (near byte 0)"},
    {M, "{\"v\":1,", WIRE_EJSON, "not JSON (near byte 6)"},
    {M, "[1,2]", WIRE_EJSON, "not an object"},
    {M, "1", WIRE_EJSON, "not an object"},
    {M, GOOD_METRICS "x", WIRE_EJSON, "data after the object at byte 196"},
    /* Numbers as RFC 8259 has them, not as strtod() takes them. */
    {M, MG("\"a\":01"), WIRE_EJSON, "bad number at byte 71"},
    {M, MG("\"a\":-01"), WIRE_EJSON, "bad number at byte 71"},
    {M, MG("\"a\":1."), WIRE_EJSON, "bad number at byte 71"},
    {M, MG("\"a\":-"), WIRE_EJSON, "bad number at byte 71"},
    {M, MG("\"a\":1e"), WIRE_EJSON, "bad number at byte 71"},
    {M, MG("\"a\":1e5e3"), WIRE_EJSON, "bad number at byte 71"},
    {M, MG("\"a\":1.5.3"), WIRE_EJSON, "bad number at byte 71"},
    {M, MG("\"a\":+1"), WIRE_EJSON, "not JSON (near byte 71)"},
    {M, MG("\"a\":.5"), WIRE_EJSON, "not JSON (near byte 71)"},
    {M, MG("\"a\":0x10"), WIRE_EJSON, "not JSON (near byte 72)"},
    {M, MG("\"a\":-0.0e-0,\"b\":1E+2,\"c\":0.5e1"), WIRE_OK,
     MG("\"a\":-0,\"b\":100,\"c\":5")},
    /* Control characters: raw in a string, or between tokens. */
    {M, MG("\"a\x01\":1"), WIRE_EJSON,
     "control character in a string at byte 69"},
    {S, "{\"v\":1,\x01\"state\":\"online\",\"ts\":1}", WIRE_EJSON,
     "control character at byte 7"},
    {E, EV("\"severity\":\"info\",\"state\":\"raised\",\"text\":\"a\tb\""),
     WIRE_EJSON, "control character in a string at byte 88"},
    {M, GOOD_METRICS GOOD_METRICS, WIRE_EJSON,
     "data after the object at byte 196"},
    {S, "{\"v\":1,\"state\":\"online\",\"ts\":1}\0", WIRE_EJSON,
     "NUL byte at 31"},
    {M, MG("\"a\\u0000b\":1"), WIRE_EJSON, "\\u0000 in a string at byte 69"},

    /* Version. */
    {M, "{\"ts\":1}", WIRE_EVERSION, "v: missing"},
    {M, "{\"v\":2,\"whatever\":true}", WIRE_EVERSION, "v: not 1"},
    {M, "{\"v\":\"1\"}", WIRE_EVERSION, "v: not 1"},
    {S, "{\"v\":1.5,\"state\":\"online\",\"ts\":1}", WIRE_EVERSION, "v: not 1"},
    {I, "{\"v\":null}", WIRE_EVERSION, "v: not 1"},

    /* Fields missing, unknown, repeated. */
    {M,
     "{\"v\":1,\"seq\":1,\"type\":\"pc\",\"interval\":60,"
     "\"gauges\":{},\"counters\":{}}",
     WIRE_EMISSING, "ts: missing"},
    {M, MPRE "\"interval\":60,\"gauges\":{}}", WIRE_EMISSING,
     "counters: missing"},
    {M, MPRE "\"interval\":60,\"gauges\":{},\"counters\":{},\"x\":1}",
     WIRE_EFIELD, "unknown field 'x'"},
    {M, MPRE "\"Interval\":60,\"gauges\":{},\"counters\":{}}", WIRE_EFIELD,
     "unknown field 'Interval'"},
    {M, MPRE "\"interval\":60,\"gauges\":{},\"counters\":{},\"ts\":2}",
     WIRE_EDUP, "field 'ts' given twice"},
    {S, "{\"v\":1,\"state\":\"online\"}", WIRE_EMISSING, "ts: missing"},
    {S, "{\"v\":1,\"state\":\"online\",\"ts\":1,\"seq\":1}", WIRE_EFIELD,
     "unknown field 'seq'"},
    {E, EV("\"severity\":\"info\",\"state\":\"raised\""), WIRE_EMISSING,
     "text: missing"},
    {E,
     EV("\"severity\":\"info\",\"state\":\"raised\",\"text\":\"\","
        "\"extra\":\"\\n\""),
     WIRE_EFIELD, "unknown field 'extra'"},
    {I, "{\"v\":1,\"ts\":1}", WIRE_EMISSING, "type: missing"},
    {I, "{\"v\":1,\"ts\":1,\"type\":\"pc\",\"ts\":2}", WIRE_EDUP,
     "field 'ts' given twice"},

    /* Types and ranges of the header fields. */
    {M,
     "{\"v\":1,\"ts\":\"1764345600\",\"seq\":1,\"type\":\"pc\","
     "\"interval\":60,\"gauges\":{},\"counters\":{}}",
     WIRE_ETYPE, "ts: not a number"},
    {M,
     "{\"v\":1,\"ts\":1764345600.5,\"seq\":1,\"type\":\"pc\","
     "\"interval\":60,\"gauges\":{},\"counters\":{}}",
     WIRE_ETYPE, "ts: not an integer"},
    {M,
     "{\"v\":1,\"ts\":-1,\"seq\":1,\"type\":\"pc\","
     "\"interval\":60,\"gauges\":{},\"counters\":{}}",
     WIRE_ETYPE, "ts: out of range (0..253402300799)"},
    {M,
     "{\"v\":1,\"ts\":1e999,\"seq\":1,\"type\":\"pc\","
     "\"interval\":60,\"gauges\":{},\"counters\":{}}",
     WIRE_ENOTFINITE, "ts: not finite"},
    {M,
     "{\"v\":1,\"ts\":1,\"seq\":-1,\"type\":\"pc\","
     "\"interval\":60,\"gauges\":{},\"counters\":{}}",
     WIRE_ETYPE, "seq: out of range (0..9007199254740992)"},
    {M,
     "{\"v\":1,\"ts\":1,\"seq\":1e16,\"type\":\"pc\","
     "\"interval\":60,\"gauges\":{},\"counters\":{}}",
     WIRE_ETYPE, "seq: out of range (0..9007199254740992)"},
    {M,
     "{\"v\":1,\"ts\":1,\"seq\":true,\"type\":\"pc\","
     "\"interval\":60,\"gauges\":{},\"counters\":{}}",
     WIRE_ETYPE, "seq: not a number"},
    {M,
     "{\"v\":1,\"ts\":1,\"seq\":1,\"type\":\"fax\","
     "\"interval\":60,\"gauges\":{},\"counters\":{}}",
     WIRE_ETYPE, "type: unknown value 'fax'"},
    {M,
     "{\"v\":1,\"ts\":1,\"seq\":1,\"type\":\"PC\","
     "\"interval\":60,\"gauges\":{},\"counters\":{}}",
     WIRE_ETYPE, "type: unknown value 'PC'"},
    {M,
     "{\"v\":1,\"ts\":1,\"seq\":1,\"type\":0,"
     "\"interval\":60,\"gauges\":{},\"counters\":{}}",
     WIRE_ETYPE, "type: not a string"},
    {M, MPRE "\"interval\":0,\"gauges\":{},\"counters\":{}}", WIRE_ETYPE,
     "interval: out of range (1..86400)"},
    {M, MPRE "\"interval\":86401,\"gauges\":{},\"counters\":{}}", WIRE_ETYPE,
     "interval: out of range (1..86400)"},
    {M, MPRE "\"interval\":60.5,\"gauges\":{},\"counters\":{}}", WIRE_ETYPE,
     "interval: not an integer"},
    {M, MPRE "\"interval\":60,\"gauges\":[],\"counters\":{}}", WIRE_ETYPE,
     "gauges: not an object"},
    {M, MPRE "\"interval\":60,\"gauges\":{},\"counters\":null}", WIRE_ETYPE,
     "counters: not an object"},

    /* Samples. */
    {M, MG("\"cpu.util\":\"12\""), WIRE_ETYPE, "gauges.cpu.util: not a number"},
    {M, MG("\"cpu.util\":null"), WIRE_ETYPE, "gauges.cpu.util: not a number"},
    {M, MG("\"cpu.util\":true"), WIRE_ETYPE, "gauges.cpu.util: not a number"},
    {M, MG("\"cpu.util\":{\"x\":1}"), WIRE_ETYPE,
     "gauges.cpu.util: not a number"},
    {M, MG("\"cpu.util\":1e999"), WIRE_ENOTFINITE,
     "gauges.cpu.util: not finite"},
    {M, MG("\"cpu.util\":-1e999"), WIRE_ENOTFINITE,
     "gauges.cpu.util: not finite"},
    {M, MC("\"uptime.seconds\":-1"), WIRE_ETYPE,
     "counters.uptime.seconds: negative"},
    {M, MC("\"uptime.seconds\":1e400"), WIRE_ENOTFINITE,
     "counters.uptime.seconds: not finite"},
    {M, MG("\"a\":1,\"b\":2,\"a\":3"), WIRE_EDUP, "metric 'a' given twice"},
    {M,
     MPRE "\"interval\":60,\"gauges\":{\"x.y\":1},"
          "\"counters\":{\"x.y\":2}}",
     WIRE_EDUP, "metric 'x.y' given twice"},

    /* Hostile names. */
    {M, MG("\"../x\":1"), WIRE_ENAME, "gauges: bad name '../x'"},
    {M, MG("\"a/b\":1"), WIRE_ENAME, "gauges: bad name 'a/b'"},
    {M, MG("\"+\":1"), WIRE_ENAME, "gauges: bad name '+'"},
    {M, MG("\"#\":1"), WIRE_ENAME, "gauges: bad name '#'"},
    {M, MG("\"\":1"), WIRE_ENAME, "gauges: bad name ''"},
    {M, MG("\"CPU.util\":1"), WIRE_ENAME, "gauges: bad name 'CPU.util'"},
    {M, MG("\"cpu util\":1"), WIRE_ENAME, "gauges: bad name 'cpu util'"},
    {M, MG("\"a'b\":1"), WIRE_ENAME, "gauges: bad name 'a?b'"},
    {M, MG("\"a\\nb\":1"), WIRE_ENAME, "gauges: bad name 'a?b'"},
    {M, MG("\"\\\\u0000\":1"), WIRE_ENAME, "gauges: bad name '\\u0000'"},
    {M, MG("\"caf\xc3\xa9\":1"), WIRE_ENAME,
     "gauges: bad name 'caf?"
     "?'"},
    {M,
     MC("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaa\":1"),
     WIRE_ENAME,
     "counters: bad name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'"},

    /* UTF-8. */
    {M, MG("\"caf\xc3\":1"), WIRE_EUTF8, "invalid UTF-8 at byte 71"},
    {M, MG("\"\xc0\xaf\":1"), WIRE_EUTF8, "invalid UTF-8 at byte 68"},
    {M, MG("\"\xed\xa0\x80\":1"), WIRE_EUTF8, "invalid UTF-8 at byte 68"},
    {M, MG("\"\xf4\x90\x80\x80\":1"), WIRE_EUTF8, "invalid UTF-8 at byte 68"},
    {M, MG("\"\xff\":1"), WIRE_EUTF8, "invalid UTF-8 at byte 68"},
    {E,
     EV("\"severity\":\"info\",\"state\":\"raised\","
        "\"text\":\"\\ud800\""),
     WIRE_EJSON, "not JSON (near byte 87)"},

    /* Status. */
    {S, "{\"v\":1,\"state\":\"sleeping\",\"ts\":1}", WIRE_ETYPE,
     "state: unknown value 'sleeping'"},
    {S, "{\"v\":1,\"state\":1,\"ts\":1}", WIRE_ETYPE, "state: not a string"},
    {S, "{\"v\":1,\"state\":\"online\",\"ts\":\"now\"}", WIRE_ETYPE,
     "ts: not a number"},

    /* Events. */
    {E,
     "{\"v\":1,\"ts\":1.5,\"code\":\"a\",\"severity\":\"info\","
     "\"state\":\"raised\",\"text\":\"\"}",
     WIRE_ETYPE, "ts: not an integer"},
    {E,
     "{\"v\":1,\"ts\":1,\"code\":\"../x\",\"severity\":\"info\","
     "\"state\":\"raised\",\"text\":\"\"}",
     WIRE_ENAME, "code: bad name '../x'"},
    {E,
     "{\"v\":1,\"ts\":1,\"code\":7,\"severity\":\"info\","
     "\"state\":\"raised\",\"text\":\"\"}",
     WIRE_ETYPE, "code: not a string"},
    {E, EV("\"severity\":\"fatal\",\"state\":\"raised\",\"text\":\"\""),
     WIRE_ETYPE, "severity: unknown value 'fatal'"},
    {E, EV("\"severity\":\"info\",\"state\":\"open\",\"text\":\"\""),
     WIRE_ETYPE, "state: unknown value 'open'"},
    {E, EV("\"severity\":\"info\",\"state\":\"raised\",\"text\":null"),
     WIRE_ETYPE, "text: not a string"},

    /* Inventory: open-ended, but typed where it matters. */
    {I, "{\"v\":1,\"ts\":1,\"type\":\"pc\",\"labels\":[]}", WIRE_ETYPE,
     "labels: not an object"},
    {I, "{\"v\":1,\"ts\":1,\"type\":\"pc\",\"labels\":{\"../x\":\"y\"}}",
     WIRE_ENAME, "labels: bad name '../x'"},
    {I, "{\"v\":1,\"ts\":1,\"type\":\"pc\",\"labels\":{\"fs.home\":1}}",
     WIRE_ETYPE, "labels.fs.home: not a string"},
    {I, "{\"v\":1,\"ts\":1,\"type\":\"fax\"}", WIRE_ETYPE,
     "type: unknown value 'fax'"},
    {I, "{\"v\":1,\"ts\":-5,\"type\":\"pc\"}", WIRE_ETYPE,
     "ts: out of range (0..253402300799)"},
    {I, "{\"v\":1,\"ts\":1,\"type\":\"pc\",\"disks\":[{\"size\":1e999}]}",
     WIRE_ENOTFINITE, "disks: not finite"},
    {I, "{\"v\":1,\"ts\":1,\"type\":\"pc\",\"hostname\":\"\xe2\x82\"}",
     WIRE_EUTF8, "invalid UTF-8 at byte 38"},
};

START_TEST(test_cases)
{
	struct wire_error err;
	char canon[4096];
	enum wire_reason r;
	size_t len = strlen(cases[_i].payload);

	/* The NUL case carries its NUL inside the payload. */
	if (cases[_i].reason == WIRE_EJSON &&
	    strcmp(cases[_i].detail, "NUL byte at 31") == 0)
		len++;
	r = decode(cases[_i].ch, cases[_i].payload, len, canon, sizeof(canon),
	           &err);
	ck_assert_msg(r == cases[_i].reason, "case %d: got %s (%s), want %s",
	              _i, wire_reason_name(r), err.detail,
	              wire_reason_name(cases[_i].reason));
	if (r == WIRE_OK)
		ck_assert_str_eq(canon, cases[_i].detail);
	else
		ck_assert_str_eq(err.detail, cases[_i].detail);
}
END_TEST

/* Only 'len' bytes are read: a prefix of a good payload is not JSON. */
START_TEST(test_length_respected)
{
	struct wire_metrics m;
	struct wire_error err;
	size_t len = strlen(GOOD_METRICS), cut;

	for (cut = 1; cut < len; cut += 7) {
		char *p = malloc(cut);

		memcpy(p, GOOD_METRICS, cut);
		ck_assert_int_eq(wire_metrics_decode(p, cut, &m, &err),
		                 WIRE_EJSON);
		ck_assert_ptr_null(m.gauges);
		free(p);
	}
	ck_assert_int_eq(wire_metrics_decode(GOOD_METRICS, len, &m, &err),
	                 WIRE_OK);
	ck_assert_uint_eq(m.ngauges, 3);
	ck_assert_uint_eq(m.ncounters, 2);
	ck_assert_int_eq(m.ts, 1764345600);
	ck_assert_uint_eq(m.seq, 1842);
	ck_assert_int_eq(m.type, DEV_PC);
	ck_assert_uint_eq(m.interval, 60);
	ck_assert_str_eq(m.gauges[0].name, "cpu.util");
	ck_assert(m.gauges[0].value == 12.5);
	ck_assert(wire_metrics_find(&m, 1, "net.eth0.rx_bytes")->value ==
	          9812345123.0);
	ck_assert_ptr_null(wire_metrics_find(&m, 0, "net.eth0.rx_bytes"));
	wire_metrics_clear(&m);
	ck_assert_ptr_null(m.gauges);
	ck_assert_uint_eq(m.ngauges, 0);
	ck_assert_int_eq(wire_metrics_decode(NULL, 0, &m, &err), WIRE_EJSON);
}
END_TEST

START_TEST(test_too_large)
{
	size_t len = WIRE_MAX_PAYLOAD + 1;
	char *p = malloc(len);
	struct wire_metrics m;
	struct wire_error err;

	memset(p, ' ', len);
	ck_assert_int_eq(wire_metrics_decode(p, len, &m, &err), WIRE_ETOOBIG);
	ck_assert_str_eq(err.detail, "262145 bytes, limit 262144");
	free(p);
}
END_TEST

/* Builds {"v":1,...,"gauges":{"g0":0,...}} with n gauges. */
static char *
many_gauges(size_t n)
{
	char *p = malloc(64 + n * 16), *q = p;
	size_t i;

	q += sprintf(q, MPRE "\"interval\":60,\"gauges\":{");
	for (i = 0; i < n; i++)
		q += sprintf(q, "%s\"g%zu\":%zu", i > 0 ? "," : "", i, i);
	sprintf(q, "},\"counters\":{}}");
	return p;
}

START_TEST(test_too_many)
{
	struct wire_metrics m;
	struct wire_error err;
	char *p = many_gauges(WIRE_MAX_SAMPLES);

	ck_assert_int_eq(wire_metrics_decode(p, strlen(p), &m, &err), WIRE_OK);
	ck_assert_uint_eq(m.ngauges, WIRE_MAX_SAMPLES);
	wire_metrics_clear(&m);
	free(p);
	p = many_gauges(WIRE_MAX_SAMPLES + 1);
	ck_assert_int_eq(wire_metrics_decode(p, strlen(p), &m, &err),
	                 WIRE_ETOOMANY);
	ck_assert_str_eq(err.detail, "more than 4096 samples");
	free(p);
}
END_TEST

/* A large message with one duplicate far apart (the sorted path). */
START_TEST(test_dup_large)
{
	struct wire_metrics m;
	struct wire_error err;
	char *p = many_gauges(1000), *q;

	q = strstr(p, "\"g999\"");
	ck_assert_ptr_nonnull(q);
	memcpy(q, "\"g5\"  ", 6);
	ck_assert_int_eq(wire_metrics_decode(p, strlen(p), &m, &err),
	                 WIRE_EDUP);
	ck_assert_str_eq(err.detail, "metric 'g5' given twice");
	free(p);
}
END_TEST

static const double roundtrip_values[] = {
    0.0,
    -0.0,
    1.0,
    -1.0,
    12.5,
    0.1,
    1.0 / 3.0,
    2.0 / 3.0,
    43.1,
    71.0,
    9812345123.0,
    1e15,
    1e15 + 1,
    9007199254740992.0,
    1e17,
    1e20,
    1e300,
    -1e300,
    1e-300,
    5e-324,
    DBL_MAX,
    -DBL_MAX,
    DBL_MIN,
    123456789.123456789,
    3.141592653589793,
    0.30000000000000004,
};

START_TEST(test_roundtrip)
{
	struct wire_metrics m = {0}, back;
	struct wire_error err;
	char name[32], *json, *again;
	size_t i, n = sizeof(roundtrip_values) / sizeof(roundtrip_values[0]);
	size_t len;

	m.ts = 1764345600;
	m.seq = 9007199254740992ULL;
	m.type = DEV_PROJECTOR;
	m.interval = 300;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "g.v%zu", i);
		ck_assert_int_eq(
		    wire_metrics_add(&m, 0, name, roundtrip_values[i]), 0);
		if (roundtrip_values[i] >= 0) {
			snprintf(name, sizeof(name), "c.v%zu", i);
			ck_assert_int_eq(
			    wire_metrics_add(&m, 1, name, roundtrip_values[i]),
			    0);
		}
	}
	json = wire_metrics_encode(&m, &len);
	ck_assert_ptr_nonnull(json);
	ck_assert_uint_eq(len, strlen(json));
	/* Integers are printed as integers. */
	ck_assert_ptr_nonnull(strstr(json, "\"g.v10\":9812345123,"));
	ck_assert_ptr_nonnull(strstr(json, "\"g.v4\":12.5,"));
	ck_assert_ptr_nonnull(strstr(json, "\"g.v5\":0.1,"));
	ck_assert_ptr_nonnull(strstr(json, "\"seq\":9007199254740992,"));
	ck_assert_int_eq(wire_metrics_decode(json, len, &back, &err), WIRE_OK);
	ck_assert_uint_eq(back.ngauges, m.ngauges);
	ck_assert_uint_eq(back.ncounters, m.ncounters);
	ck_assert_uint_eq(back.seq, m.seq);
	ck_assert_int_eq(back.type, DEV_PROJECTOR);
	for (i = 0; i < m.ngauges; i++) {
		ck_assert_str_eq(back.gauges[i].name, m.gauges[i].name);
		ck_assert_msg(memcmp(&back.gauges[i].value, &m.gauges[i].value,
		                     sizeof(double)) == 0,
		              "%s: %.17g != %.17g", m.gauges[i].name,
		              back.gauges[i].value, m.gauges[i].value);
	}
	for (i = 0; i < m.ncounters; i++)
		ck_assert(back.counters[i].value == m.counters[i].value);
	again = wire_metrics_encode(&back, NULL);
	ck_assert_str_eq(again, json);
	free(again);
	free(json);
	wire_metrics_clear(&back);
	wire_metrics_clear(&m);
}
END_TEST

START_TEST(test_add_errors)
{
	struct wire_metrics m = {0};
	char name[32];
	int i;

	ck_assert_int_eq(wire_metrics_add(&m, 0, "cpu.util", 1), 0);
	errno = 0;
	ck_assert_int_eq(wire_metrics_add(&m, 0, "cpu.util", 2), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(wire_metrics_add(&m, 1, "cpu.util", 2), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(wire_metrics_add(&m, 0, "../x", 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(wire_metrics_add(&m, 0, "a", NAN), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(wire_metrics_add(&m, 0, "a", INFINITY), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(wire_metrics_add(&m, 1, "a", -1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(wire_metrics_add(&m, 0, "a", -1), 0);
	ck_assert_uint_eq(m.ngauges, 2);
	ck_assert_uint_eq(m.ncounters, 0);
	for (i = 2; i < WIRE_MAX_SAMPLES; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		ck_assert_int_eq(wire_metrics_add(&m, i % 2, name, i), 0);
	}
	ck_assert_int_eq(wire_metrics_add(&m, 0, "one.more", 1), -1);
	ck_assert_int_eq(errno, E2BIG);
	ck_assert_uint_eq(m.ngauges + m.ncounters, WIRE_MAX_SAMPLES);
	wire_metrics_clear(&m);
}
END_TEST

START_TEST(test_encode_errors)
{
	struct wire_metrics m = {0};
	struct wire_status st = {0};
	struct wire_event ev = {0};
	char *p;
	int i;

	m.ts = 1;
	m.interval = 0;
	ck_assert_ptr_null(wire_metrics_encode(&m, NULL));
	ck_assert_int_eq(errno, EINVAL);
	m.interval = WIRE_INTERVAL_MAX + 1;
	ck_assert_ptr_null(wire_metrics_encode(&m, NULL));
	m.interval = 60;
	m.type = DEV_NTYPES;
	ck_assert_ptr_null(wire_metrics_encode(&m, NULL));
	m.type = DEV_PC;
	m.ts = -1;
	ck_assert_ptr_null(wire_metrics_encode(&m, NULL));
	m.ts = 1;
	m.seq = (1ULL << 53) + 1;
	ck_assert_ptr_null(wire_metrics_encode(&m, NULL));
	m.seq = 1;
	p = wire_metrics_encode(&m, NULL);
	ck_assert_str_eq(p, "{\"v\":1,\"ts\":1,\"seq\":1,\"type\":\"pc\","
	                    "\"interval\":60,\"gauges\":{},\"counters\":{}}");
	free(p);
	/* Samples filled in by hand are checked too. */
	ck_assert_int_eq(wire_metrics_add(&m, 1, "c", 1), 0);
	m.counters[0].value = -1;
	ck_assert_ptr_null(wire_metrics_encode(&m, NULL));
	ck_assert_int_eq(errno, EINVAL);
	m.counters[0].value = NAN;
	ck_assert_ptr_null(wire_metrics_encode(&m, NULL));
	wire_metrics_clear(&m);
	/* 4096 samples with long names exceed the payload limit. */
	m.ts = 1;
	m.interval = 60;
	for (i = 0; i < WIRE_MAX_SAMPLES; i++) {
		char name[NAME_METRIC_MAX + 1];

		memset(name, 'x', NAME_METRIC_MAX);
		snprintf(name + NAME_METRIC_MAX - 8, 9, ".%07d", i);
		ck_assert_int_eq(wire_metrics_add(&m, 0, name, 0.1), 0);
	}
	ck_assert_ptr_null(wire_metrics_encode(&m, NULL));
	ck_assert_int_eq(errno, E2BIG);
	wire_metrics_clear(&m);

	st.ts = 1;
	st.state = WIRE_NSTATES;
	ck_assert_ptr_null(wire_status_encode(&st, NULL));
	ck_assert_int_eq(errno, EINVAL);

	ev.ts = 1;
	strcpy(ev.code, "printer.jam");
	strcpy(ev.text, "bad \xc3");
	ck_assert_ptr_null(wire_event_encode(&ev, NULL));
	ck_assert_int_eq(errno, EINVAL);
	strcpy(ev.text, "ok");
	strcpy(ev.code, "Printer.Jam");
	ck_assert_ptr_null(wire_event_encode(&ev, NULL));
	strcpy(ev.code, "printer.jam");
	ev.severity = WIRE_NSEVERITIES;
	ck_assert_ptr_null(wire_event_encode(&ev, NULL));
	ev.severity = WIRE_SEV_WARNING;
	ev.state = WIRE_NEVSTATES;
	ck_assert_ptr_null(wire_event_encode(&ev, NULL));
	ev.state = WIRE_EV_CLEARED;
	p = wire_event_encode(&ev, NULL);
	ck_assert_str_eq(
	    p,
	    "{\"v\":1,\"ts\":1,\"code\":\"printer.jam\","
	    "\"severity\":\"warning\",\"state\":\"cleared\",\"text\":\"ok\"}");
	free(p);
}
END_TEST

START_TEST(test_event_text)
{
	struct wire_event ev = {0}, back;
	struct wire_error err;
	char *p, big[2048];
	size_t len;
	int i;

	ev.ts = 1764345600;
	strcpy(ev.code, "disk.smart_failed");
	ev.severity = WIRE_SEV_CRITICAL;
	ev.state = WIRE_EV_RAISED;
	/* Every control character, quotes, backslashes and UTF-8. */
	for (i = 1; i < 32; i++)
		ev.text[i - 1] = (char)i;
	strcat(ev.text,
	       "\"\\/ Disk \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 rusak");
	p = wire_event_encode(&ev, &len);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(wire_event_decode(p, len, &back, &err), WIRE_OK);
	ck_assert_str_eq(back.text, ev.text);
	ck_assert_str_eq(back.code, ev.code);
	ck_assert_int_eq(back.ts, ev.ts);
	ck_assert_int_eq(back.severity, WIRE_SEV_CRITICAL);
	ck_assert_int_eq(back.state, WIRE_EV_RAISED);
	free(p);
	/* 1023 bytes of text fit, 1024 do not. */
	memset(big, 'x', sizeof(big));
	snprintf(
	    big, sizeof(big),
	    "{\"v\":1,\"ts\":1,\"code\":\"a\",\"severity\":\"info\","
	    "\"state\":\"raised\",\"text\":\"%.*s\"}",
	    WIRE_TEXT_MAX - 1,
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	ck_assert_int_eq(wire_event_decode(big, strlen(big), &back, &err),
	                 WIRE_OK);
	ck_assert_uint_eq(strlen(back.text), WIRE_TEXT_MAX - 1);
	p = strstr(big, "\"}");
	memcpy(p, "x\"}", 4);
	ck_assert_int_eq(wire_event_decode(big, strlen(big), &back, &err),
	                 WIRE_ETYPE);
	ck_assert_str_eq(err.detail, "text: longer than 1023 bytes");
}
END_TEST

START_TEST(test_topic)
{
	char buf[WIRE_TOPIC_MAX];

	ck_assert_int_eq(
	    wire_topic(buf, sizeof(buf), "asriloka", "pc-01", WIRE_CH_METRICS),
	    0);
	ck_assert_str_eq(buf, "pantau/v1/asriloka/pc-01/metrics");
	ck_assert_int_eq(
	    wire_topic(buf, sizeof(buf), "a", "b", WIRE_CH_INVENTORY), 0);
	ck_assert_str_eq(buf, "pantau/v1/a/b/inventory");
	ck_assert_int_eq(
	    wire_topic(buf, 20, "asriloka", "pc-01", WIRE_CH_STATUS), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_int_eq(
	    wire_topic(buf, sizeof(buf), "a/b", "pc-01", WIRE_CH_STATUS), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(wire_topic(buf, sizeof(buf), "a", "+", WIRE_CH_STATUS),
	                 -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(wire_topic(buf, sizeof(buf), "a", "b", WIRE_NCHANNELS),
	                 -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static const struct {
	const char *topic;
	const char *site; /* NULL: refused with 'detail' */
	const char *device;
	enum wire_channel ch;
	const char *detail;
} topic_cases[] = {
    {"pantau/v1/asriloka/pc-01/metrics", "asriloka", "pc-01", WIRE_CH_METRICS,
     NULL},
    {"pantau/v1/s/printer-lobby/status", "s", "printer-lobby", WIRE_CH_STATUS,
     NULL},
    {"pantau/v1/s/d/inventory", "s", "d", WIRE_CH_INVENTORY, NULL},
    {"pantau/v1/s/d/events", "s", "d", WIRE_CH_EVENTS, NULL},
    {"pantau/v2/s/d/metrics", NULL, NULL, 0, "not under pantau/v1/"},
    {"pantau/v1", NULL, NULL, 0, "not under pantau/v1/"},
    {"", NULL, NULL, 0, "not under pantau/v1/"},
    {"/pantau/v1/s/d/metrics", NULL, NULL, 0, "not under pantau/v1/"},
    {"pantau/v1/S/d/metrics", NULL, NULL, 0, "bad site id"},
    {"pantau/v1/../d/metrics", NULL, NULL, 0, "bad site id"},
    {"pantau/v1//d/metrics", NULL, NULL, 0, "bad site id"},
    {"pantau/v1/+/d/metrics", NULL, NULL, 0, "bad site id"},
    {"pantau/v1/s", NULL, NULL, 0, "bad site id"},
    {"pantau/v1/s/#", NULL, NULL, 0, "bad device id"},
    {"pantau/v1/s/d", NULL, NULL, 0, "bad device id"},
    {"pantau/v1/s/d\xc3\xa9/metrics", NULL, NULL, 0, "bad device id"},
    {"pantau/v1/s/d/metric", NULL, NULL, 0, "bad channel"},
    {"pantau/v1/s/d/", NULL, NULL, 0, "bad channel"},
    {"pantau/v1/s/d/metrics/", NULL, NULL, 0, "bad channel"},
    {"pantau/v1/s/d/metrics/x", NULL, NULL, 0, "bad channel"},
    {"pantau/v1/s/d/METRICS", NULL, NULL, 0, "bad channel"},
    {"pantau/v1/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaa/d/metrics",
     NULL, NULL, 0, "bad site id"},
    {"pantau/v1/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aa/dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
     "dddddddddddddd/metrics",
     NULL, NULL, 0, "topic too long"},
};

START_TEST(test_topic_parse)
{
	char site[NAME_ID_MAX + 1], device[NAME_ID_MAX + 1];
	enum wire_channel ch = WIRE_NCHANNELS;
	struct wire_error err = {0};
	enum wire_reason r;

	r = wire_topic_parse(topic_cases[_i].topic, site, device, &ch, &err);
	if (topic_cases[_i].site != NULL) {
		ck_assert_int_eq(r, WIRE_OK);
		ck_assert_str_eq(site, topic_cases[_i].site);
		ck_assert_str_eq(device, topic_cases[_i].device);
		ck_assert_int_eq(ch, topic_cases[_i].ch);
	} else {
		ck_assert_int_eq(r, WIRE_ETOPIC);
		ck_assert_int_eq(err.reason, WIRE_ETOPIC);
		ck_assert_str_eq(err.detail, topic_cases[_i].detail);
		ck_assert_str_eq(site, "");
		ck_assert_str_eq(device, "");
	}
}
END_TEST

START_TEST(test_names)
{
	static const char *const reasons[WIRE_NREASONS] = {
	    "ok",          "bad_topic",     "too_large",     "bad_json",
	    "bad_version", "missing_field", "unknown_field", "bad_type",
	    "bad_name",    "not_finite",    "duplicate",     "too_many",
	    "bad_utf8"};
	enum dev_type t;
	enum wire_channel c;
	enum wire_state s;
	enum wire_severity sv;
	enum wire_evstate es;
	int i;

	for (i = 0; i < WIRE_NREASONS; i++)
		ck_assert_str_eq(wire_reason_name((enum wire_reason)i),
		                 reasons[i]);
	ck_assert_ptr_null(wire_reason_name(WIRE_NREASONS));
	for (i = 0; i < DEV_NTYPES; i++) {
		ck_assert_int_eq(
		    wire_type_parse(wire_type_name((enum dev_type)i), &t), 0);
		ck_assert_int_eq(t, i);
	}
	for (i = 0; i < WIRE_NCHANNELS; i++) {
		ck_assert_int_eq(
		    wire_channel_parse(wire_channel_name((enum wire_channel)i),
		                       &c),
		    0);
		ck_assert_int_eq(c, i);
	}
	for (i = 0; i < WIRE_NSTATES; i++) {
		ck_assert_int_eq(
		    wire_state_parse(wire_state_name((enum wire_state)i), &s),
		    0);
		ck_assert_int_eq(s, i);
	}
	for (i = 0; i < WIRE_NSEVERITIES; i++) {
		ck_assert_int_eq(
		    wire_severity_parse(
		        wire_severity_name((enum wire_severity)i), &sv),
		    0);
		ck_assert_int_eq(sv, i);
	}
	for (i = 0; i < WIRE_NEVSTATES; i++) {
		ck_assert_int_eq(
		    wire_evstate_parse(wire_evstate_name((enum wire_evstate)i),
		                       &es),
		    0);
		ck_assert_int_eq(es, i);
	}
	ck_assert_str_eq(wire_type_name(DEV_PROJECTOR), "projector");
	ck_assert_str_eq(wire_state_name(WIRE_OFFLINE), "offline");
	ck_assert_int_eq(wire_type_parse("fax", &t), -1);
	ck_assert_int_eq(wire_type_parse(NULL, &t), -1);
	ck_assert_int_eq(wire_channel_parse("Metrics", &c), -1);
	ck_assert_ptr_null(wire_type_name(DEV_NTYPES));
	ck_assert_ptr_null(wire_channel_name((enum wire_channel) - 1));
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("wire");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_cases, 0, N(cases));
	tcase_add_test(tc, test_length_respected);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_too_many);
	tcase_add_test(tc, test_dup_large);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_add_errors);
	tcase_add_test(tc, test_encode_errors);
	tcase_add_test(tc, test_event_text);
	tcase_add_test(tc, test_topic);
	tcase_add_loop_test(tc, test_topic_parse, 0, N(topic_cases));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
