/*
 * check_conf: configuration files (common/conf.c).  Every error message is
 * asserted exactly, with its FILE:LINE, because technicians read them and
 * tests of the daemons match them.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/conf.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures"
#endif

/* All messages of 'e', joined with '|'. */
static const char *
joined(struct conf_err *e)
{
	static char buf[8192];
	size_t i, len = 0;
	const char *m;

	buf[0] = '\0';
	for (i = 0; (m = conf_err_get(e, i)) != NULL; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		                        i > 0 ? "|" : "", m);
	return buf;
}

/* The schema of an agent configuration, as agent/config.c would check it. */
static void
check_agent(const struct conf *c, struct conf_err *e)
{
	static const char *const agent_keys[] = {
	    "site", "device", "interval", "spool_dir", "spool_max_mb", NULL};
	const struct conf_section *s = conf_find(c, "agent", NULL);
	const char *site = NULL;
	unsigned interval = 60;
	uint64_t spool = 64 << 20;

	ck_assert_ptr_nonnull(s);
	conf_check_keys(s, agent_keys, e);
	conf_require(s, "site", e);
	conf_get_id(s, "site", &site, e);
	conf_get_duration(s, "interval", 1, 86400, &interval, e);
	conf_get_size(s, "spool_max_mb", 1 << 20, 1 << 20, UINT64_C(1) << 30,
	              &spool, e);
}

START_TEST(test_three_errors)
{
	const char *path = FIXTURES "/conf/three-errors.conf";
	struct conf_err e = {0};
	struct conf *c = conf_load(path, &e);
	char want[2048];

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(e.n, 0);
	check_agent(c, &e);
	snprintf(
	    want, sizeof(want),
	    "%s:3: site: 'Bad Site' is not a valid id (use a-z, 0-9, '-' and "
	    "'_', at most 63 characters, starting with a letter or digit)|"
	    "%s:5: interval: '5x' is not a duration (use 60, 5m, 1h)|"
	    "%s:6: unknown key 'colour' in section [agent]",
	    path, path, path);
	ck_assert_str_eq(joined(&e), want);
	conf_free(c);
	conf_err_clear(&e);
}
END_TEST

START_TEST(test_good_file)
{
	const char *path = FIXTURES "/conf/good.conf";
	struct conf_err e = {0};
	struct conf *c = conf_load(path, &e);
	const struct conf_section *s;
	const char *v;
	unsigned iv = 0;
	uint64_t sz = 0;
	long port = 0;
	int line = 0, type = -1;
	static const char *const types[] = {"printer", "switch", "projector",
	                                    "pc", NULL};

	ck_assert_ptr_nonnull(c);
	check_agent(c, &e);
	ck_assert_str_eq(joined(&e), "");
	ck_assert_str_eq(conf_path(c), path);
	ck_assert_uint_eq(conf_section_count(c), 3);
	s = conf_section_at(c, 2);
	ck_assert_str_eq(conf_section_type(s), "device");
	ck_assert_str_eq(conf_section_name(s), "printer-lobby");
	ck_assert_int_eq(conf_section_line(s), 16);
	ck_assert_ptr_eq(conf_find(c, "device", "printer-lobby"), s);
	ck_assert_ptr_null(conf_find(c, "device", NULL));
	ck_assert_ptr_null(conf_find(c, "device", "other"));
	ck_assert_ptr_null(conf_section_at(c, 3));
	/* Inline comments and white space are gone from values. */
	ck_assert_str_eq(conf_value(s, "type", &line), "printer");
	ck_assert_int_eq(line, 17);
	ck_assert_int_eq(conf_get_enum(s, "type", types, &type, &e), 1);
	ck_assert_int_eq(type, 0);
	ck_assert_int_eq(conf_get_duration(s, "interval", 1, 86400, &iv, &e),
	                 1);
	ck_assert_uint_eq(iv, 300);
	s = conf_find(c, "agent", NULL);
	ck_assert_int_eq(
	    conf_get_size(s, "spool_max_mb", 1 << 20, 0, UINT64_MAX, &sz, &e),
	    1);
	ck_assert_uint_eq(sz, 64 << 20);
	ck_assert_int_eq(conf_get_str(s, "device", &v, &e), 1);
	ck_assert_str_eq(v, "pc-01");
	ck_assert_int_eq(conf_get_str(s, "nothing", &v, &e), 0);
	s = conf_find(c, "mqtt", NULL);
	ck_assert_int_eq(conf_get_int(s, "port", 1, 65535, &port, &e), 1);
	ck_assert_int_eq(port, 1883);
	ck_assert_str_eq(conf_value(s, "tls_ca", NULL), "/etc/pantau/ca.crt");
	ck_assert_uint_eq(e.n, 0);
	conf_free(c);
	conf_err_clear(&e);
}
END_TEST

/* A directory opens but cannot be read; a NUL byte ends no line early. */
START_TEST(test_unreadable)
{
	struct conf_err e = {0};
	char path[] = "/tmp/check_conf.XXXXXX", want[256];
	static const char text[] = "[a]\nk = v\0x\nj = 1";
	struct conf *c;
	FILE *f;
	int fd;

	ck_assert_ptr_null(conf_load("/", &e));
	ck_assert_str_eq(joined(&e), "/: read error: Is a directory");
	conf_err_clear(&e);
	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	f = fdopen(fd, "w");
	ck_assert_uint_eq(fwrite(text, 1, sizeof(text) - 1, f),
	                  sizeof(text) - 1);
	fclose(f);
	c = conf_load(path, &e);
	unlink(path);
	ck_assert_ptr_nonnull(c);
	snprintf(want, sizeof(want), "%s:2: line contains a NUL byte", path);
	ck_assert_str_eq(joined(&e), want);
	ck_assert_ptr_null(conf_value(conf_find(c, "a", NULL), "k", NULL));
	ck_assert_str_eq(conf_value(conf_find(c, "a", NULL), "j", NULL), "1");
	conf_free(c);
	conf_err_clear(&e);
}
END_TEST

START_TEST(test_missing_file)
{
	struct conf_err e = {0};

	ck_assert_ptr_null(conf_load("/nonexistent/pantau.conf", &e));
	ck_assert_str_eq(
	    joined(&e),
	    "/nonexistent/pantau.conf: cannot open: No such file or directory");
	conf_err_clear(&e);
	conf_free(NULL);
}
END_TEST

/* Syntax-level errors found while parsing, as "LINE: message". */
static const struct {
	const char *text;
	const char *errors;
} parse_cases[] = {
    {"[agent]\nsite = a\n", ""},
    {"", ""},
    {"; only a comment\n# and another\n\n", ""},
    {"[agent]\nsite = a\nsite = b\n",
     "t.conf:3: key 'site' given twice (first on line 2)"},
    {"[agent]\nsite = a\n[mqtt]\nhost = h\n[agent]\ndevice = d\n",
     "t.conf:5: section [agent] given twice (first on line 1)"},
    {"[device a]\n[device b]\n[device a]\n",
     "t.conf:3: section [device a] given twice (first on line 1)"},
    {"[agent]\nthis is not a key\n",
     "t.conf:2: syntax error: expected 'key = value'"},
    {"[agent]\nsite ; = a\n", "t.conf:2: syntax error: expected 'key = value'"},
    {"[agent]\n= a\n", "t.conf:2: syntax error: missing key before '='"},
    {"site = a\n[agent]\n", "t.conf:1: key 'site' outside any section"},
    {"[agent\nsite = a\n",
     "t.conf:1: syntax error: missing ']' in section header"},
    {"[agent] x\n", "t.conf:1: syntax error: text after ']' in section header"},
    {"[agent] ; comment\nsite = a\n", ""},
    {"[a b c]\nsite = a\n",
     "t.conf:1: bad section header '[a b c]' (use [type] or [type name])"},
    {"[Agent]\n",
     "t.conf:1: bad section header '[Agent]' (use [type] or [type name])"},
    {"[]\n", "t.conf:1: bad section header '[]' (use [type] or [type name])"},
    {"[ device  x ]\nk = v\n", ""},
    /* Every error of a file at once, in line order. */
    {"x = 1\n[agent]\nbad line\nk = 1\nk = 2\n[agent]\n",
     "t.conf:1: key 'x' outside any section|"
     "t.conf:3: syntax error: expected 'key = value'|"
     "t.conf:5: key 'k' given twice (first on line 4)|"
     "t.conf:6: section [agent] given twice (first on line 2)"},
    /* CRLF line ends and a byte order mark are fine. */
    {"\xef\xbb\xbf[agent]\r\nsite = a\r\n", ""},
    /* An indented line is a key, not a continuation of the one above. */
    {"[agent]\nsite = a\n  device = b\n", ""},
    {"[agent]\nsite = a\nsite\n",
     "t.conf:3: syntax error: expected 'key = value'"},
};

START_TEST(test_parse_errors)
{
	struct conf_err e = {0};
	struct conf *c = conf_load_string("t.conf", parse_cases[_i].text, &e);

	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(joined(&e), parse_cases[_i].errors);
	conf_free(c);
	conf_err_clear(&e);
}
END_TEST

START_TEST(test_values)
{
	struct conf_err e = {0};
	struct conf *c = conf_load_string("t.conf",
	                                  "[x]\n"
	                                  "a = one two  \n"
	                                  "b = semi;colon\n"
	                                  "c = value ; comment\n"
	                                  "d =\n"
	                                  "e: colon\n"
	                                  "  f = indented\n"
	                                  "[device a]\n"
	                                  "a = other\n",
	                                  &e);
	const struct conf_section *s;
	int line = 0;

	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(joined(&e), "");
	s = conf_find(c, "x", NULL);
	ck_assert_str_eq(conf_value(s, "a", &line), "one two");
	ck_assert_int_eq(line, 2);
	ck_assert_str_eq(conf_value(s, "b", NULL), "semi;colon");
	ck_assert_str_eq(conf_value(s, "c", NULL), "value");
	ck_assert_str_eq(conf_value(s, "d", NULL), "");
	ck_assert_str_eq(conf_value(s, "e", NULL), "colon");
	ck_assert_str_eq(conf_value(s, "f", &line), "indented");
	ck_assert_int_eq(line, 7);
	ck_assert_ptr_null(conf_value(s, "g", NULL));
	ck_assert_ptr_null(conf_section_name(s));
	s = conf_find(c, "device", "a");
	ck_assert_str_eq(conf_value(s, "a", NULL), "other");
	conf_free(c);
	conf_err_clear(&e);
}
END_TEST

START_TEST(test_long_lines)
{
	char *text = malloc(4096), *p = text;
	struct conf_err e = {0};
	struct conf *c;
	const struct conf_section *s;

	/* A line of exactly CONF_LINE_MAX bytes is fine, one more is not. */
	p += sprintf(p, "[agent]\nok = ");
	memset(p, 'a', CONF_LINE_MAX - 5);
	p += CONF_LINE_MAX - 5;
	p += sprintf(p, "\nlong = ");
	memset(p, 'b', CONF_LINE_MAX - 6);
	p += CONF_LINE_MAX - 6;
	sprintf(p, "\nafter = 1\n");
	c = conf_load_string("t.conf", text, &e);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(joined(&e), "t.conf:3: line longer than 1024 bytes");
	s = conf_find(c, "agent", NULL);
	ck_assert_uint_eq(strlen(conf_value(s, "ok", NULL)), CONF_LINE_MAX - 5);
	ck_assert_ptr_null(conf_value(s, "long", NULL));
	ck_assert_str_eq(conf_value(s, "after", NULL), "1");
	conf_free(c);
	conf_err_clear(&e);
	free(text);
}
END_TEST

/* Accessor errors: each names the key, the value and what is expected. */
enum acc { ACC_INT, ACC_BOOL, ACC_DUR, ACC_SIZE, ACC_ID, ACC_ENUM };

static const struct {
	enum acc acc;
	const char *value;
	int ret;
	const char *error;
} accessor_cases[] = {
    {ACC_INT, "8080", 1, ""},
    {ACC_INT, "abc", -1, "t.conf:2: k: 'abc' is not an integer"},
    {ACC_INT, "12abc", -1, "t.conf:2: k: '12abc' is not an integer"},
    {ACC_INT, "", -1, "t.conf:2: k: '' is not an integer"},
    {ACC_INT, "70000", -1, "t.conf:2: k: 70000 is out of range (1..65535)"},
    {ACC_INT, "0", -1, "t.conf:2: k: 0 is out of range (1..65535)"},
    {ACC_INT, "99999999999999999999", -1,
     "t.conf:2: k: '99999999999999999999' is not an integer"},
    {ACC_BOOL, "yes", 1, ""},
    {ACC_BOOL, "maybe", -1,
     "t.conf:2: k: 'maybe' is not a boolean "
     "(use yes/no, true/false, on/off, 1/0)"},
    {ACC_DUR, "5m", 1, ""},
    {ACC_DUR, "5x", -1, "t.conf:2: k: '5x' is not a duration (use 60, 5m, 1h)"},
    {ACC_DUR, "0", -1, "t.conf:2: k: '0' is out of range (1s..1d)"},
    {ACC_DUR, "2d", -1, "t.conf:2: k: '2d' is out of range (1s..1d)"},
    {ACC_SIZE, "64", 1, ""},
    {ACC_SIZE, "12X", -1,
     "t.conf:2: k: '12X' is not a size (use 64, 512k, 64M, 1G)"},
    {ACC_SIZE, "2G", -1, "t.conf:2: k: '2G' is out of range (1M..1G)"},
    {ACC_SIZE, "512k", -1, "t.conf:2: k: '512k' is out of range (1M..1G)"},
    {ACC_ID, "asriloka", 1, ""},
    {ACC_ID, "Bad Site", -1,
     "t.conf:2: k: 'Bad Site' is not a valid id "
     "(use a-z, 0-9, '-' and '_', at most 63 characters, starting with "
     "a letter or digit)"},
    {ACC_ID, "../x", -1,
     "t.conf:2: k: '../x' is not a valid id "
     "(use a-z, 0-9, '-' and '_', at most 63 characters, starting with "
     "a letter or digit)"},
    {ACC_ENUM, "switch", 1, ""},
    {ACC_ENUM, "fax", -1,
     "t.conf:2: k: 'fax' is not valid (use printer, switch, projector, pc)"},
};

START_TEST(test_accessors)
{
	static const char *const types[] = {"printer", "switch", "projector",
	                                    "pc", NULL};
	struct conf_err e = {0};
	struct conf *c;
	const struct conf_section *s;
	char text[256];
	const char *str;
	long l;
	bool b;
	unsigned u;
	uint64_t sz;
	int r = 0, en;

	snprintf(text, sizeof(text), "[s]\nk = %s\n", accessor_cases[_i].value);
	c = conf_load_string("t.conf", text, &e);
	ck_assert_ptr_nonnull(c);
	s = conf_find(c, "s", NULL);
	switch (accessor_cases[_i].acc) {
	case ACC_INT:
		r = conf_get_int(s, "k", 1, 65535, &l, &e);
		break;
	case ACC_BOOL:
		r = conf_get_bool(s, "k", &b, &e);
		break;
	case ACC_DUR:
		r = conf_get_duration(s, "k", 1, 86400, &u, &e);
		break;
	case ACC_SIZE:
		r = conf_get_size(s, "k", 1 << 20, 1 << 20, 1 << 30, &sz, &e);
		break;
	case ACC_ID:
		r = conf_get_id(s, "k", &str, &e);
		break;
	case ACC_ENUM:
		r = conf_get_enum(s, "k", types, &en, &e);
		break;
	}
	ck_assert_int_eq(r, accessor_cases[_i].ret);
	ck_assert_str_eq(joined(&e), accessor_cases[_i].error);
	conf_free(c);
	conf_err_clear(&e);
}
END_TEST

/* Range messages print limits in the largest unit that divides them. */
START_TEST(test_range_messages)
{
	struct conf_err e = {0};
	struct conf *c =
	    conf_load_string("t.conf", "[s]\nd = 1m\nw = 90s\nz = 10\n", &e);
	const struct conf_section *s = conf_find(c, "s", NULL);
	unsigned u = 0;
	uint64_t sz = 0;

	ck_assert_int_eq(conf_get_duration(s, "d", 300, 7200, &u, &e), -1);
	ck_assert_int_eq(conf_get_duration(s, "w", 604800, 1209600, &u, &e),
	                 -1);
	ck_assert_int_eq(conf_get_duration(s, "w", 0, 61, &u, &e), -1);
	ck_assert_int_eq(conf_get_size(s, "z", 1, 1000, 1536, &sz, &e), -1);
	ck_assert_str_eq(joined(&e),
	                 "t.conf:2: d: '1m' is out of range (5m..2h)|"
	                 "t.conf:3: w: '90s' is out of range (1w..2w)|"
	                 "t.conf:3: w: '90s' is out of range (0s..61s)|"
	                 "t.conf:4: z: '10' is out of range (1000..1536)");
	ck_assert_uint_eq(u, 0);
	ck_assert_uint_eq(sz, 0);
	conf_free(c);
	conf_err_clear(&e);
}
END_TEST

START_TEST(test_absent_keeps_default)
{
	struct conf_err e = {0};
	struct conf *c = conf_load_string("t.conf", "[s]\n", &e);
	const struct conf_section *s = conf_find(c, "s", NULL);
	long l = 7;
	bool b = true;
	unsigned u = 60;
	uint64_t sz = 5;
	const char *str = "dflt";

	ck_assert_int_eq(conf_get_int(s, "k", 0, 10, &l, &e), 0);
	ck_assert_int_eq(conf_get_bool(s, "k", &b, &e), 0);
	ck_assert_int_eq(conf_get_duration(s, "k", 0, 10, &u, &e), 0);
	ck_assert_int_eq(conf_get_size(s, "k", 1, 0, 10, &sz, &e), 0);
	ck_assert_int_eq(conf_get_id(s, "k", &str, &e), 0);
	ck_assert(l == 7 && b && u == 60 && sz == 5);
	ck_assert_str_eq(str, "dflt");
	ck_assert_int_eq(conf_require(s, "site", &e), -1);
	ck_assert_str_eq(
	    joined(&e), "t.conf:1: missing required key 'site' in section [s]");
	conf_free(c);
	conf_err_clear(&e);
}
END_TEST

START_TEST(test_errors_sorted)
{
	struct conf_err e = {0};
	struct conf *c =
	    conf_load_string("t.conf", "[device p]\na = 1\nb = 2\nc = 3\n", &e);
	const struct conf_section *s = conf_find(c, "device", "p");
	static const char *const known[] = {"b", NULL};
	FILE *f;
	char out[512];
	size_t n;

	conf_errorf(s, "c", &e, "third %d", 3);
	conf_errorf(s, "nope", &e, "on the section line");
	ck_assert_int_eq(conf_check_keys(s, known, &e), 2);
	conf_err_addf(&e, "t.conf", 0, "whole file");
	ck_assert_str_eq(joined(&e),
	                 "t.conf: whole file|"
	                 "t.conf:1: on the section line|"
	                 "t.conf:2: unknown key 'a' in section [device p]|"
	                 "t.conf:4: third 3|"
	                 "t.conf:4: unknown key 'c' in section [device p]");
	f = tmpfile();
	conf_err_print(&e, f);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	ck_assert_str_eq(out,
	                 "t.conf: whole file\n"
	                 "t.conf:1: on the section line\n"
	                 "t.conf:2: unknown key 'a' in section [device p]\n"
	                 "t.conf:4: third 3\n"
	                 "t.conf:4: unknown key 'c' in section [device p]\n");
	ck_assert_ptr_null(conf_err_get(&e, 5));
	conf_err_clear(&e);
	ck_assert_uint_eq(e.n, 0);
	conf_err_addf(&e, "x", 1, "reused");
	ck_assert_str_eq(joined(&e), "x:1: reused");
	conf_err_clear(&e);
	conf_free(c);
}
END_TEST

static const struct {
	const char *s;
	int ok;
	unsigned secs;
} duration_cases[] = {
    {"60", 1, 60},
    {"60s", 1, 60},
    {"5m", 1, 300},
    {"1h", 1, 3600},
    {"2d", 1, 172800},
    {"1w", 1, 604800},
    {"0", 1, 0},
    {"4294967295", 1, 4294967295u},
    {"4294967296", 0, 0},
    {"71582789m", 0, 0},
    {"", 0, 0},
    {"m", 0, 0},
    {"5x", 0, 0},
    {"5mm", 0, 0},
    {"5 m", 0, 0},
    {" 5", 0, 0},
    {"-5", 0, 0},
    {"+5", 0, 0},
    {"1.5h", 0, 0},
    {"5M", 0, 0},
    {"99999999999999999999999", 0, 0},
};

START_TEST(test_duration)
{
	unsigned v = 12345;
	int r = conf_parse_duration(duration_cases[_i].s, &v);

	ck_assert_int_eq(r, duration_cases[_i].ok ? 0 : -1);
	ck_assert_uint_eq(v, duration_cases[_i].ok ? duration_cases[_i].secs
	                                           : 12345);
}
END_TEST

static const struct {
	const char *s;
	uint64_t unit;
	int ok;
	uint64_t bytes;
} size_cases[] = {
    {"64", 1, 1, 64},
    {"64", 1048576, 1, 67108864},
    {"512k", 1048576, 1, 524288},
    {"512K", 1, 1, 524288},
    {"64M", 1, 1, 67108864},
    {"1G", 1048576, 1, 1073741824},
    {"0", 1, 1, 0},
    {"18446744073709551615", 1, 1, UINT64_MAX},
    {"18446744073709551615", 2, 0, 0},
    {"17179869184G", 1, 0, 0},
    {"", 1, 0, 0},
    {"G", 1, 0, 0},
    {"12X", 1, 0, 0},
    {"1.5G", 1, 0, 0},
    {"64MB", 1, 0, 0},
    {"-1", 1, 0, 0},
    {"1 k", 1, 0, 0},
};

START_TEST(test_size)
{
	uint64_t v = 12345;
	int r = conf_parse_size(size_cases[_i].s, size_cases[_i].unit, &v);

	ck_assert_int_eq(r, size_cases[_i].ok ? 0 : -1);
	ck_assert_uint_eq(v, size_cases[_i].ok ? size_cases[_i].bytes : 12345);
}
END_TEST

static const struct {
	const char *s;
	int ok;
	bool v;
} bool_cases[] = {
    {"yes", 1, true},    {"YES", 1, true},      {"true", 1, true},
    {"on", 1, true},     {"1", 1, true},        {"no", 1, false},
    {"false", 1, false}, {"Off", 1, false},     {"0", 1, false},
    {"", 0, false},      {"y", 0, false},       {"2", 0, false},
    {"yes ", 0, false},  {"enabled", 0, false},
};

START_TEST(test_bool)
{
	bool v = true;
	int r = conf_parse_bool(bool_cases[_i].s, &v);

	ck_assert_int_eq(r, bool_cases[_i].ok ? 0 : -1);
	if (bool_cases[_i].ok)
		ck_assert(v == bool_cases[_i].v);
	else
		ck_assert(v);
}
END_TEST

static const struct {
	const char *s;
	int ok;
	long v;
} long_cases[] = {
    {"0", 1, 0},
    {"42", 1, 42},
    {"-42", 1, -42},
    {"+7", 1, 7},
    {"9223372036854775807", 1, 9223372036854775807L},
    {"9223372036854775808", 0, 0},
    {"", 0, 0},
    {" 1", 0, 0},
    {"1 ", 0, 0},
    {"0x10", 0, 0},
    {"1e3", 0, 0},
    {"abc", 0, 0},
};

START_TEST(test_long)
{
	long v = 12345;
	int r = conf_parse_long(long_cases[_i].s, &v);

	ck_assert_int_eq(r, long_cases[_i].ok ? 0 : -1);
	ck_assert_int_eq(v, long_cases[_i].ok ? long_cases[_i].v : 12345);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_three_errors);
	tcase_add_test(tc, test_good_file);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_unreadable);
	tcase_add_loop_test(tc, test_parse_errors, 0, N(parse_cases));
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_long_lines);
	tcase_add_loop_test(tc, test_accessors, 0, N(accessor_cases));
	tcase_add_test(tc, test_range_messages);
	tcase_add_test(tc, test_absent_keeps_default);
	tcase_add_test(tc, test_errors_sorted);
	tcase_add_loop_test(tc, test_duration, 0, N(duration_cases));
	tcase_add_loop_test(tc, test_size, 0, N(size_cases));
	tcase_add_loop_test(tc, test_bool, 0, N(bool_cases));
	tcase_add_loop_test(tc, test_long, 0, N(long_cases));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
