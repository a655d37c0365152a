/*
 * check_pjlink.c: the PJLink protocol functions (agent/pjlink_proto.c) and
 * a projector's rounds as metrics, events, inventory and reachability
 * (agent/dev_projector.c), table-driven, without sockets.
 */
#include "config.h"

#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/dev_projector.h"
#include "agent/pjlink_proto.h"
#include "agent/poll.h"
#include "common/log.h"

static const struct {
	const char *line;
	enum pjlink_greeting_kind kind;
	const char *random;
} greetings[] = {
    {"PJLINK 0", PJLINK_GREET_OPEN, NULL},
    {"PJLINK 1 498e4a67", PJLINK_GREET_AUTH, "498e4a67"},
    {"PJLINK 1 abcd1234", PJLINK_GREET_AUTH, "abcd1234"},
    {"PJLINK ERRA", PJLINK_GREET_ERRA, NULL},
    {"PJLINK 2", PJLINK_GREET_BAD, NULL},
    {"PJLINK 1", PJLINK_GREET_BAD, NULL},
    {"PJLINK 1 ", PJLINK_GREET_BAD, NULL},
    {"PJLINK 1 abc def", PJLINK_GREET_BAD, NULL},
    {"PJLINK 1 0123456789abcdef0123456789abcdef0", PJLINK_GREET_BAD, NULL},
    {"PJLINK 0 extra", PJLINK_GREET_BAD, NULL},
    {"pjlink 0", PJLINK_GREET_BAD, NULL},
    {"%1POWR=1", PJLINK_GREET_BAD, NULL},
    {"", PJLINK_GREET_BAD, NULL},
};

START_TEST(test_greeting)
{
	char random[PJLINK_RANDOM_MAX + 1] = "";

	ck_assert_int_eq(pjlink_greeting_parse(greetings[_i].line, random),
	                 greetings[_i].kind);
	if (greetings[_i].random != NULL)
		ck_assert_str_eq(random, greetings[_i].random);
}
END_TEST

static const struct {
	const char *random, *password, *digest;
} digests[] = {
    /* The PJLink specification's example. */
    {"498e4a67", "JBMIAProjectorLink", "5d8409bc1c3fa39749434aa3a5c38682"},
    {"abcd1234", "", "e19d5cd5af0378da05f63f891c7467af"},
    /* Leading zeros are kept (openHAB's BigInteger bug drops them). */
    {"0000007a", "panasonic", "001e73720bd8e706a0cad41f83bc96a1"},
};

START_TEST(test_digest)
{
	char out[PJLINK_DIGEST_LEN + 1];

	ck_assert_int_eq(
	    pjlink_digest(digests[_i].random, digests[_i].password, out), 0);
	ck_assert_str_eq(out, digests[_i].digest);
}
END_TEST

START_TEST(test_format)
{
	char buf[PJLINK_LINE_MAX];

	ck_assert_int_eq(pjlink_format(buf, sizeof(buf), NULL, PJLINK_POWR), 9);
	ck_assert_str_eq(buf, "%1POWR ?\r");
	ck_assert_int_eq(pjlink_format(buf, sizeof(buf), NULL, PJLINK_FILT), 9);
	ck_assert_str_eq(buf, "%2FILT ?\r");
	ck_assert_int_eq(pjlink_format(buf, sizeof(buf),
	                               "5d8409bc1c3fa39749434aa3a5c38682",
	                               PJLINK_CLSS),
	                 41);
	ck_assert_str_eq(buf, "5d8409bc1c3fa39749434aa3a5c38682%1CLSS ?\r");
	ck_assert_int_eq(pjlink_format(buf, 9, NULL, PJLINK_POWR), -1);
	ck_assert_int_eq(pjlink_format(buf, sizeof(buf), NULL, PJLINK_NCMDS),
	                 -1);
}
END_TEST

static const struct {
	const char *line;
	enum pjlink_cmd cmd;
	enum pjlink_resp resp;
	const char *data;
} responses[] = {
    {"%1POWR=1", PJLINK_POWR, PJLINK_RESP_OK, "1"},
    {"%2POWR=0", PJLINK_POWR, PJLINK_RESP_OK, "0"},
    {"%1powr=3", PJLINK_POWR, PJLINK_RESP_OK, "3"},
    {"%1ERST=020000", PJLINK_ERST, PJLINK_RESP_OK, "020000"},
    {"%1LAMP=12345 1 2345 0", PJLINK_LAMP, PJLINK_RESP_OK, "12345 1 2345 0"},
    {"%1NAME=", PJLINK_NAME, PJLINK_RESP_OK, ""},
    {"%1NAME=Ruang ERR1", PJLINK_NAME, PJLINK_RESP_OK, "Ruang ERR1"},
    {"%1POWR=ERR1", PJLINK_POWR, PJLINK_RESP_ERR1, NULL},
    {"%1POWR=ERR2", PJLINK_POWR, PJLINK_RESP_ERR2, NULL},
    {"%1LAMP=ERR3", PJLINK_LAMP, PJLINK_RESP_ERR3, NULL},
    {"%2FILT=ERR4", PJLINK_FILT, PJLINK_RESP_ERR4, NULL},
    {"%1POWR=ERRA", PJLINK_POWR, PJLINK_RESP_ERRA, NULL},
    {"%1POWR=ERR5", PJLINK_POWR, PJLINK_RESP_OK, "ERR5"},
    {"PJLINK ERRA", PJLINK_POWR, PJLINK_RESP_ERRA, NULL},
    {"%1ERST=000000", PJLINK_POWR, PJLINK_RESP_OTHER, NULL},
    {"%2LKUP=00:11:22:33:44:55", PJLINK_LAMP, PJLINK_RESP_OTHER, NULL},
    {"%1POWR", PJLINK_POWR, PJLINK_RESP_BAD, NULL},
    {"%1POWR ?", PJLINK_POWR, PJLINK_RESP_OTHER, NULL},
    {"%1POWR 1", PJLINK_POWR, PJLINK_RESP_OTHER, NULL},
    {"5d8409bc1c3fa39749434aa3a5c38682%1CLSS ?", PJLINK_CLSS, PJLINK_RESP_OTHER,
     NULL},
    {"5d8409bc1c3fa39749434aa3a5c3868%1CLSS ?", PJLINK_CLSS, PJLINK_RESP_BAD,
     NULL},
    {"%XPOWR=1", PJLINK_POWR, PJLINK_RESP_BAD, NULL},
    {"%1PO-R=1", PJLINK_POWR, PJLINK_RESP_BAD, NULL},
    {"PJLINK 0", PJLINK_POWR, PJLINK_RESP_BAD, NULL},
    {"", PJLINK_POWR, PJLINK_RESP_BAD, NULL},
};

START_TEST(test_response)
{
	char data[PJLINK_LINE_MAX] = "untouched";

	ck_assert_int_eq(pjlink_response_parse(responses[_i].line,
	                                       responses[_i].cmd, data,
	                                       sizeof(data)),
	                 responses[_i].resp);
	if (responses[_i].data != NULL)
		ck_assert_str_eq(data, responses[_i].data);
}
END_TEST

START_TEST(test_parse_power_class_hours)
{
	static const struct {
		const char *s;
		int power; /* -1: rejected */
	} pw[] = {{"0", 0}, {"1", 1},   {"2", 2},   {"3", 3}, {"4", -1},
	          {"", -1}, {"11", -1}, {" 1", -1}, {"x", -1}};
	long h;
	int v;

	for (size_t i = 0; i < sizeof(pw) / sizeof(pw[0]); i++) {
		v = -1;
		ck_assert_int_eq(pjlink_parse_power(pw[i].s, &v),
		                 pw[i].power < 0 ? -1 : 0);
		if (pw[i].power >= 0)
			ck_assert_int_eq(v, pw[i].power);
	}
	ck_assert_int_eq(pjlink_parse_class("1", &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(pjlink_parse_class("2", &v), 0);
	ck_assert_int_eq(v, 2);
	ck_assert_int_eq(pjlink_parse_class("0", &v), -1);
	ck_assert_int_eq(pjlink_parse_class("A", &v), -1);
	ck_assert_int_eq(pjlink_parse_class("12", &v), -1);
	ck_assert_int_eq(pjlink_parse_hours("345", &h), 0);
	ck_assert_int_eq(h, 345);
	ck_assert_int_eq(pjlink_parse_hours("0", &h), 0);
	ck_assert_int_eq(h, 0);
	ck_assert_int_eq(pjlink_parse_hours("99999", &h), 0);
	ck_assert_int_eq(h, 99999);
	ck_assert_int_eq(pjlink_parse_hours("", &h), -1);
	ck_assert_int_eq(pjlink_parse_hours("12a", &h), -1);
	ck_assert_int_eq(pjlink_parse_hours("-1", &h), -1);
	ck_assert_int_eq(pjlink_parse_hours("1234567890", &h), -1);
}
END_TEST

START_TEST(test_parse_erst)
{
	signed char e[6];

	ck_assert_int_eq(pjlink_parse_erst("020000", e), 0);
	ck_assert_int_eq(e[0], 0);
	ck_assert_int_eq(e[1], 2);
	ck_assert_int_eq(e[5], 0);
	ck_assert_int_eq(pjlink_parse_erst("120012", e), 0);
	ck_assert_int_eq(e[0], 1);
	ck_assert_int_eq(e[1], 2);
	ck_assert_int_eq(e[4], 1);
	ck_assert_int_eq(e[5], 2);
	ck_assert_int_eq(pjlink_parse_erst("02000", e), -1);
	ck_assert_int_eq(pjlink_parse_erst("0200000", e), -1);
	ck_assert_int_eq(pjlink_parse_erst("030000", e), -1);
	ck_assert_int_eq(pjlink_parse_erst("", e), -1);
}
END_TEST

static const struct {
	const char *s;
	int n; /* -1: rejected */
	long h0, h1;
	int on0, on1;
} lamps[] = {
    {"1234 1", 1, 1234, 0, 1, 0},
    {"12345 1 2345 0", 2, 12345, 2345, 1, 0},
    {"0 0", 1, 0, 0, 0, 0},
    {"1234  1", 1, 1234, 0, 1, 0},
    {"1 1 2 1 3 1 4 1 5 1 6 1 7 1 8 1", 8, 1, 2, 1, 1},
    {"1 1 2 1 3 1 4 1 5 1 6 1 7 1 8 1 9 1", -1, 0, 0, 0, 0},
    {"1234", -1, 0, 0, 0, 0},
    {"1234 2", -1, 0, 0, 0, 0},
    {"123456 1", -1, 0, 0, 0, 0},
    {"1234 1 5", -1, 0, 0, 0, 0},
    {"", -1, 0, 0, 0, 0},
    {"a 1", -1, 0, 0, 0, 0},
};

START_TEST(test_parse_lamps)
{
	long h[PJLINK_LAMPS_MAX];
	signed char on[PJLINK_LAMPS_MAX];
	int n = -1;

	ck_assert_int_eq(
	    pjlink_parse_lamps(lamps[_i].s, h, on, PJLINK_LAMPS_MAX, &n),
	    lamps[_i].n < 0 ? -1 : 0);
	if (lamps[_i].n < 0)
		return;
	ck_assert_int_eq(n, lamps[_i].n);
	ck_assert_int_eq(h[0], lamps[_i].h0);
	ck_assert_int_eq(on[0], lamps[_i].on0);
	if (n > 1) {
		ck_assert_int_eq(h[1], lamps[_i].h1);
		ck_assert_int_eq(on[1], lamps[_i].on1);
	}
}
END_TEST

START_TEST(test_text_clean)
{
	char out[PJLINK_TEXT_MAX], small[6];

	ck_assert_str_eq(pjlink_text_clean("  Ruang 1  ", out, sizeof(out)),
	                 "Ruang 1");
	ck_assert_str_eq(pjlink_text_clean("a\x01"
	                                   "b\x7f",
	                                   out, sizeof(out)),
	                 "a?b?");
	ck_assert_str_eq(pjlink_text_clean("caf\xc3\xa9", out, sizeof(out)),
	                 "caf\xc3\xa9");
	ck_assert_str_eq(pjlink_text_clean("\xff\xc3(", out, sizeof(out)),
	                 "?"
	                 "?(");
	/* An overlong encoding and a surrogate are not UTF-8. */
	ck_assert_str_eq(pjlink_text_clean("\xe0\x80\xaf", out, sizeof(out)),
	                 "???");
	ck_assert_str_eq(pjlink_text_clean("\xed\xa0\x80", out, sizeof(out)),
	                 "???");
	/* Cut on a character boundary. */
	ck_assert_str_eq(
	    pjlink_text_clean("abcd\xc3\xa9", small, sizeof(small)), "abcd");
}
END_TEST

/* The queries of a round, as "CLSS POWR ..." */
static void
wanted(int klass, bool inv, char *buf, size_t sz)
{
	buf[0] = '\0';
	for (int c = 0; c < PJLINK_NCMDS; c++)
		if (pjlink_cmd_wanted((enum pjlink_cmd)c, klass, inv)) {
			if (buf[0] != '\0')
				strncat(buf, " ", sz - strlen(buf) - 1);
			strncat(buf, pjlink_cmd_name((enum pjlink_cmd)c),
			        sz - strlen(buf) - 1);
		}
}

START_TEST(test_cmd_wanted)
{
	char b[128];

	wanted(0, false, b, sizeof(b));
	ck_assert_str_eq(b, "CLSS POWR ERST LAMP");
	wanted(1, false, b, sizeof(b));
	ck_assert_str_eq(b, "POWR ERST LAMP");
	wanted(2, false, b, sizeof(b));
	ck_assert_str_eq(b, "POWR ERST LAMP FILT");
	wanted(1, true, b, sizeof(b));
	ck_assert_str_eq(b, "CLSS POWR ERST LAMP NAME INF1 INF2 INFO");
	wanted(2, true, b, sizeof(b));
	ck_assert_str_eq(b, "CLSS POWR ERST LAMP FILT NAME INF1 INF2 INFO "
	                    "SNUM SVER RLMP RFIL");
}
END_TEST

START_TEST(test_status_apply)
{
	struct pjlink_status st;

	pjlink_status_init(&st);
	ck_assert_int_eq(st.power, -1);
	ck_assert_int_eq(st.nlamps, -1);
	ck_assert_int_eq(st.filter_hours, -1);
	ck_assert_int_eq(st.erst[3], -1);
	/* A laser projector: LAMP=ERR1 means no lamp at all. */
	ck_assert_int_eq(
	    pjlink_status_apply(&st, PJLINK_LAMP, PJLINK_RESP_ERR1, NULL), 0);
	ck_assert_int_eq(st.nlamps, 0);
	/* Standby: ERST=ERR3 leaves it unknown. */
	ck_assert_int_eq(
	    pjlink_status_apply(&st, PJLINK_ERST, PJLINK_RESP_ERR3, NULL), 0);
	ck_assert_int_eq(st.erst[0], -1);
	ck_assert_int_eq(
	    pjlink_status_apply(&st, PJLINK_POWR, PJLINK_RESP_OK, "7"), -1);
	ck_assert_int_eq(st.power, -1);
	ck_assert_int_eq(
	    pjlink_status_apply(&st, PJLINK_ERST, PJLINK_RESP_OK, "00000x"),
	    -1);
	ck_assert_int_eq(st.erst[0], -1);
	ck_assert_int_eq(
	    pjlink_status_apply(&st, PJLINK_NAME, PJLINK_RESP_OK, " Aula\t1 "),
	    0);
	ck_assert_str_eq(st.name, "Aula?1");
	ck_assert_int_eq(
	    pjlink_status_apply(&st, PJLINK_CLSS, PJLINK_RESP_OK, "2"), 0);
	ck_assert_int_eq(st.klass, 2);
	ck_assert_int_eq(
	    pjlink_status_apply(&st, PJLINK_FILT, PJLINK_RESP_OK, "345"), 0);
	ck_assert_int_eq(st.filter_hours, 345);
}
END_TEST

/* A round that answered: power, ERST, lamps (hours; -1: none given). */
static struct pjlink_status
answered(int power, const char *erst, long lamp1, long lamp2)
{
	struct pjlink_status st;

	pjlink_status_init(&st);
	st.answers = 4;
	st.complete = true;
	st.power = power;
	if (erst != NULL)
		ck_assert_int_eq(pjlink_parse_erst(erst, st.erst), 0);
	if (lamp1 >= 0) {
		st.nlamps = 1;
		st.lamp_hours[0] = lamp1;
		st.lamp_on[0] = 1;
	}
	if (lamp2 >= 0) {
		st.nlamps = 2;
		st.lamp_hours[1] = lamp2;
	}
	return st;
}

static struct pjlink_status
failed(enum pjlink_fail f)
{
	struct pjlink_status st;

	pjlink_status_init(&st);
	st.fail = f;
	snprintf(st.detail, sizeof(st.detail), "%s",
	         "no greeting within 750 ms");
	return st;
}

static double
value(const struct wire_metrics *m, int counter, const char *name)
{
	const struct wire_sample *s = wire_metrics_find(m, counter, name);

	ck_assert_msg(s != NULL, "%s missing", name);
	return s->value;
}

static void
check_event(const struct dev_projector_out *o, size_t i, const char *code,
            enum wire_severity sev, enum wire_evstate state, const char *text)
{
	ck_assert_uint_gt(o->nevents, i);
	ck_assert_str_eq(o->events[i].code, code);
	ck_assert_int_eq(o->events[i].severity, sev);
	ck_assert_int_eq(o->events[i].state, state);
	ck_assert_str_eq(o->events[i].text, text);
}

START_TEST(test_round_metrics_and_events)
{
	struct dev_projector *dp =
	    dev_projector_new("proj-1", "10.0.0.5:4352", 60);
	const struct dev_projector_out *o;
	struct pjlink_status st;

	ck_assert_ptr_nonnull(dp);
	ck_assert(dev_projector_inventory_due(dp, 1000));
	st = answered(1, "020000", 1234, 500);
	st.klass = 2;
	st.filter_hours = 345;
	st.inventory = true;
	snprintf(st.name, sizeof(st.name), "Aula");
	snprintf(st.maker, sizeof(st.maker), "EPSON");
	snprintf(st.model, sizeof(st.model), "EB-X51");
	snprintf(st.serial, sizeof(st.serial), "X4JK0123456");
	o = dev_projector_round(dp, 960, &st);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(o->state, WIRE_ONLINE);
	ck_assert(o->state_changed);
	ck_assert_ptr_nonnull(o->metrics);
	ck_assert_int_eq(o->metrics->ts, 960);
	ck_assert_int_eq(o->metrics->type, DEV_PROJECTOR);
	ck_assert_uint_eq(o->metrics->interval, 60);
	ck_assert_uint_eq(o->metrics->ngauges, 7);
	ck_assert_uint_eq(o->metrics->ncounters, 3);
	ck_assert(value(o->metrics, 0, "projector.power") == 1);
	ck_assert(value(o->metrics, 0, "projector.error.fan") == 0);
	ck_assert(value(o->metrics, 0, "projector.error.lamp") == 2);
	ck_assert(value(o->metrics, 0, "projector.error.other") == 0);
	ck_assert(value(o->metrics, 1, "projector.lamp.hours") == 1234);
	ck_assert(value(o->metrics, 1, "projector.lamp2.hours") == 500);
	ck_assert(value(o->metrics, 1, "projector.filter.hours") == 345);
	ck_assert_uint_eq(o->nevents, 1);
	check_event(o, 0, "projector.lamp", WIRE_SEV_CRITICAL, WIRE_EV_RAISED,
	            "lamp error");
	ck_assert_int_eq(o->events[0].ts, 960);
	ck_assert_ptr_nonnull(o->inventory);
	ck_assert_str_eq(
	    o->inventory,
	    "{\"v\":1,\"ts\":960,\"type\":\"projector\",\"vendor\":\"EPSON\","
	    "\"model\":\"EB-X51\",\"serial\":\"X4JK0123456\",\"address\":"
	    "\"10.0.0.5:4352\",\"agent_version\":\"" PACKAGE_VERSION "\","
	    "\"projector\":{\"name\":\"Aula\",\"manufacturer\":\"EPSON\","
	    "\"product\":\"EB-X51\",\"class\":2,\"lamps\":2}}");
	ck_assert_int_eq(dev_projector_class(dp), 2);
	ck_assert(!dev_projector_inventory_due(dp, 1020));
	ck_assert(dev_projector_inventory_due(dp, 960 + 300));

	/* The same again: nothing to event, the inventory unchanged. */
	o = dev_projector_round(dp, 1020, &st);
	ck_assert(!o->state_changed);
	ck_assert_uint_eq(o->nevents, 0);
	ck_assert_ptr_null(o->inventory);

	/* Error to warning: raised again with the new severity. */
	st = answered(1, "010000", 1235, 500);
	o = dev_projector_round(dp, 1080, &st);
	ck_assert_uint_eq(o->nevents, 1);
	check_event(o, 0, "projector.lamp", WIRE_SEV_WARNING, WIRE_EV_RAISED,
	            "lamp warning");
	ck_assert_ptr_null(o->inventory);

	/* Standby: ERST unknown changes nothing, and is absent. */
	st = answered(0, NULL, 1235, -1);
	o = dev_projector_round(dp, 1140, &st);
	ck_assert_uint_eq(o->nevents, 0);
	ck_assert_ptr_null(
	    wire_metrics_find(o->metrics, 0, "projector.error.lamp"));
	ck_assert(value(o->metrics, 0, "projector.power") == 0);

	/* Back to ok, and a fan and a cover at once. */
	st = answered(1, "200100", 1236, -1);
	o = dev_projector_round(dp, 1200, &st);
	ck_assert_uint_eq(o->nevents, 3);
	check_event(o, 0, "projector.fan", WIRE_SEV_CRITICAL, WIRE_EV_RAISED,
	            "fan error");
	check_event(o, 1, "projector.lamp", WIRE_SEV_WARNING, WIRE_EV_CLEARED,
	            "lamp ok");
	check_event(o, 2, "projector.cover", WIRE_SEV_WARNING, WIRE_EV_RAISED,
	            "cover open warning");
	dev_projector_free(dp);
}
END_TEST

START_TEST(test_round_unreachable)
{
	struct dev_projector *dp =
	    dev_projector_new("proj-1", "10.0.0.5:4352", 60);
	const struct dev_projector_out *o;
	struct pjlink_status st;

	st = answered(1, "000000", 10, -1);
	o = dev_projector_round(dp, 60, &st);
	ck_assert_int_eq(o->state, WIRE_ONLINE);
	ck_assert(o->state_changed);
	/* No inventory was read yet. */
	ck_assert(dev_projector_inventory_due(dp, 120));

	/* One missed round: still online, nothing published but the round. */
	st = failed(PJLINK_FAIL_TIMEOUT);
	o = dev_projector_round(dp, 120, &st);
	ck_assert_int_eq(o->state, WIRE_ONLINE);
	ck_assert(!o->state_changed);
	ck_assert_ptr_null(o->metrics);
	ck_assert_uint_eq(o->nevents, 0);
	ck_assert(dev_projector_inventory_due(dp, 180));

	/* The second: unreachable, one event, no fault. */
	o = dev_projector_round(dp, 180, &st);
	ck_assert_int_eq(o->state, WIRE_UNREACHABLE);
	ck_assert(o->state_changed);
	ck_assert_uint_eq(o->nevents, 1);
	check_event(o, 0, "device.unreachable", WIRE_SEV_WARNING,
	            WIRE_EV_RAISED,
	            "no answer from 10.0.0.5:4352: no greeting within 750 ms");

	/* More of the same: quiet. */
	o = dev_projector_round(dp, 240, &st);
	ck_assert_int_eq(o->state, WIRE_UNREACHABLE);
	ck_assert(!o->state_changed);
	ck_assert_uint_eq(o->nevents, 0);

	/* Back. */
	st = answered(1, "000000", 11, -1);
	o = dev_projector_round(dp, 300, &st);
	ck_assert_int_eq(o->state, WIRE_ONLINE);
	ck_assert(o->state_changed);
	ck_assert_uint_eq(o->nevents, 1);
	check_event(o, 0, "device.unreachable", WIRE_SEV_WARNING,
	            WIRE_EV_CLEARED, "answers again");
	ck_assert(value(o->metrics, 1, "projector.lamp.hours") == 11);
	dev_projector_free(dp);
}
END_TEST

START_TEST(test_round_first_and_auth)
{
	struct dev_projector *dp =
	    dev_projector_new("proj-2", "10.0.0.6:4352", 60);
	const struct dev_projector_out *o;
	struct pjlink_status st;

	/* Never seen: unreachable at once. */
	st = failed(PJLINK_FAIL_CONNECT);
	o = dev_projector_round(dp, 60, &st);
	ck_assert_int_eq(o->state, WIRE_UNREACHABLE);
	ck_assert(o->state_changed);
	ck_assert_uint_eq(o->nevents, 1);

	/* Wrong password: its own event, once. */
	st = failed(PJLINK_FAIL_AUTH);
	snprintf(st.detail, sizeof(st.detail), "refused");
	o = dev_projector_round(dp, 120, &st);
	ck_assert(!o->state_changed);
	ck_assert_uint_eq(o->nevents, 1);
	check_event(o, 0, "device.auth_failed", WIRE_SEV_CRITICAL,
	            WIRE_EV_RAISED, "refused");
	o = dev_projector_round(dp, 180, &st);
	ck_assert_uint_eq(o->nevents, 0);

	/* Fixed: both cleared, online. A laser projector has no lamps. */
	st = answered(1, "000000", -1, -1);
	st.nlamps = 0;
	o = dev_projector_round(dp, 240, &st);
	ck_assert_int_eq(o->state, WIRE_ONLINE);
	ck_assert(o->state_changed);
	ck_assert_uint_eq(o->nevents, 2);
	check_event(o, 0, "device.auth_failed", WIRE_SEV_CRITICAL,
	            WIRE_EV_CLEARED, "authenticated");
	check_event(o, 1, "device.unreachable", WIRE_SEV_WARNING,
	            WIRE_EV_CLEARED, "answers again");
	ck_assert_uint_eq(o->metrics->ncounters, 0);

	/* From online, a wrong password is unreachable at once. */
	st = failed(PJLINK_FAIL_NOPASS);
	o = dev_projector_round(dp, 300, &st);
	ck_assert_int_eq(o->state, WIRE_UNREACHABLE);
	ck_assert(o->state_changed);
	ck_assert_uint_eq(o->nevents, 1);
	ck_assert_str_eq(o->events[0].code, "device.auth_failed");
	dev_projector_free(dp);
}
END_TEST

static void
never_called(void *arg, const struct poll_result *r)
{
	(void)arg;
	ck_abort_msg("a result for %s", r->device);
}

/* Devices of other types are ignored; a poller without projectors idles. */
START_TEST(test_poller_idle)
{
	struct agent_device dev;
	struct pjlink_poller *p;
	struct pollfd pfd;

	memset(&dev, 0, sizeof(dev));
	snprintf(dev.name, sizeof(dev.name), "printer-lobby");
	dev.type = DEV_PRINTER;
	dev.host = (char *)"127.0.0.1";
	dev.interval = 1;
	p = pjlink_poller_new(&dev, 1);
	ck_assert_ptr_nonnull(p);
	pfd.fd = pjlink_poller_fd(p);
	pfd.events = POLLIN;
	ck_assert_int_ge(pfd.fd, 0);
	pjlink_poller_tick(p, 1000);
	ck_assert_int_eq(poll(&pfd, 1, 50), 0);
	pjlink_poller_collect(p, never_called, NULL);
	pjlink_poller_free(p);
	pjlink_poller_free(NULL);
}
END_TEST

static Suite *
pjlink_suite(void)
{
	Suite *s = suite_create("pjlink");
	TCase *tc = tcase_create("proto");

	tcase_add_loop_test(tc, test_greeting, 0,
	                    sizeof(greetings) / sizeof(greetings[0]));
	tcase_add_loop_test(tc, test_digest, 0,
	                    sizeof(digests) / sizeof(digests[0]));
	tcase_add_test(tc, test_format);
	tcase_add_loop_test(tc, test_response, 0,
	                    sizeof(responses) / sizeof(responses[0]));
	tcase_add_test(tc, test_parse_power_class_hours);
	tcase_add_test(tc, test_parse_erst);
	tcase_add_loop_test(tc, test_parse_lamps, 0,
	                    sizeof(lamps) / sizeof(lamps[0]));
	tcase_add_test(tc, test_text_clean);
	tcase_add_test(tc, test_cmd_wanted);
	tcase_add_test(tc, test_status_apply);
	suite_add_tcase(s, tc);

	tc = tcase_create("projector");
	tcase_add_test(tc, test_round_metrics_and_events);
	tcase_add_test(tc, test_round_unreachable);
	tcase_add_test(tc, test_round_first_and_auth);
	tcase_add_test(tc, test_poller_idle);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pjlink_suite());
	int failed_n;

	log_init("check_pjlink", 1, LOG_LVL_ERR);
	srunner_run_all(sr, CK_NORMAL);
	failed_n = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed_n == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
