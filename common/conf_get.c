/*
 * conf_get.c: the schema side of configuration files (see conf.h): key
 * checks, the value parsers, and the typed accessors with their messages.
 *
 * Every message names the key, quotes the value as written and says what
 * is expected, with limits printed in the unit a person would write
 * ("(1s..1d)", "(1M..1G)").  The daemons' tests match these messages
 * exactly: change them only with those tests.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/conf.h"
#include "common/conf_priv.h"
#include "common/names.h"

/* Schema checks. */

int
conf_check_keys(const struct conf_section *s, const char *const *known,
                struct conf_err *errs)
{
	char lbl[CONF_LINE_MAX + 8];
	size_t i, k;
	int unknown = 0;

	for (i = 0; i < s->n; i++) {
		for (k = 0; known[k] != NULL; k++)
			if (strcmp(known[k], s->kv[i].key) == 0)
				break;
		if (known[k] != NULL)
			continue;
		conf_err_addf(errs, s->conf->path, s->kv[i].line,
		              "unknown key '%s' in section %s", s->kv[i].key,
		              conf_section_label(s, lbl, sizeof(lbl)));
		unknown++;
	}
	return unknown;
}

int
conf_require(const struct conf_section *s, const char *key,
             struct conf_err *errs)
{
	char lbl[CONF_LINE_MAX + 8];

	if (conf_kv_find(s, key) != NULL)
		return 0;
	conf_err_addf(errs, s->conf->path, s->line,
	              "missing required key '%s' in section %s", key,
	              conf_section_label(s, lbl, sizeof(lbl)));
	return -1;
}

void
conf_errorf(const struct conf_section *s, const char *key,
            struct conf_err *errs, const char *fmt, ...)
{
	const struct conf_kv *kv = key != NULL ? conf_kv_find(s, key) : NULL;
	va_list ap;

	va_start(ap, fmt);
	conf_err_vaddf(errs, s->conf->path, kv != NULL ? kv->line : s->line,
	               fmt, ap);
	va_end(ap);
}

/* Value parsers. */

int
conf_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1", NULL};
	static const char *const no[] = {"no", "false", "off", "0", NULL};
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

int
conf_parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0' || conf_is_space((unsigned char)*s) ||
	    *s == '\n')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* Reads leading decimal digits into *v; returns the rest, or NULL. */
static const char *
conf_digits(const char *s, uint64_t *v)
{
	uint64_t n = 0;

	if (s == NULL || *s < '0' || *s > '9')
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (n > (UINT64_MAX - d) / 10)
			return NULL;
		n = n * 10 + d;
	}
	*v = n;
	return s;
}

int
conf_parse_duration(const char *s, unsigned *seconds)
{
	uint64_t n, mul;
	const char *rest;

	if ((rest = conf_digits(s, &n)) == NULL)
		return -1;
	switch (*rest) {
	case '\0':
	case 's':
		mul = 1;
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = 86400;
		break;
	case 'w':
		mul = 604800;
		break;
	default:
		return -1;
	}
	if (*rest != '\0' && rest[1] != '\0')
		return -1;
	if (n > UINT_MAX / mul)
		return -1;
	*seconds = (unsigned)(n * mul);
	return 0;
}

int
conf_parse_size(const char *s, uint64_t unit, uint64_t *bytes)
{
	uint64_t n, mul;
	const char *rest;

	if ((rest = conf_digits(s, &n)) == NULL)
		return -1;
	switch (*rest) {
	case '\0':
		mul = unit > 0 ? unit : 1;
		break;
	case 'k':
	case 'K':
		mul = UINT64_C(1) << 10;
		break;
	case 'm':
	case 'M':
		mul = UINT64_C(1) << 20;
		break;
	case 'g':
	case 'G':
		mul = UINT64_C(1) << 30;
		break;
	default:
		return -1;
	}
	if (*rest != '\0' && rest[1] != '\0')
		return -1;
	if (n > UINT64_MAX / mul)
		return -1;
	*bytes = n * mul;
	return 0;
}

/* "90s", "5m", "2h", "1d", "1w": the largest unit that divides exactly. */
static const char *
conf_fmt_duration(unsigned v, char *buf, size_t bufsz)
{
	if (v > 0 && v % 604800 == 0)
		snprintf(buf, bufsz, "%uw", v / 604800);
	else if (v > 0 && v % 86400 == 0)
		snprintf(buf, bufsz, "%ud", v / 86400);
	else if (v > 0 && v % 3600 == 0)
		snprintf(buf, bufsz, "%uh", v / 3600);
	else if (v > 0 && v % 60 == 0)
		snprintf(buf, bufsz, "%um", v / 60);
	else
		snprintf(buf, bufsz, "%us", v);
	return buf;
}

static const char *
conf_fmt_size(uint64_t v, char *buf, size_t bufsz)
{
	static const char units[] = "GMk";
	int i;

	for (i = 0; i < 3; i++) {
		uint64_t u = UINT64_C(1) << (10 * (3 - i));

		if (v > 0 && v % u == 0) {
			snprintf(buf, bufsz, "%llu%c",
			         (unsigned long long)(v / u), units[i]);
			return buf;
		}
	}
	snprintf(buf, bufsz, "%llu", (unsigned long long)v);
	return buf;
}

/* Typed accessors. */

int
conf_get_str(const struct conf_section *s, const char *key, const char **out,
             struct conf_err *errs)
{
	const char *v = conf_value(s, key, NULL);

	(void)errs;
	if (v == NULL)
		return 0;
	*out = v;
	return 1;
}

int
conf_get_int(const struct conf_section *s, const char *key, long min, long max,
             long *out, struct conf_err *errs)
{
	const char *v = conf_value(s, key, NULL);
	long n;

	if (v == NULL)
		return 0;
	if (conf_parse_long(v, &n) == -1) {
		conf_errorf(s, key, errs, "%s: '%s' is not an integer", key, v);
		return -1;
	}
	if (n < min || n > max) {
		conf_errorf(s, key, errs, "%s: %ld is out of range (%ld..%ld)",
		            key, n, min, max);
		return -1;
	}
	*out = n;
	return 1;
}

int
conf_get_bool(const struct conf_section *s, const char *key, bool *out,
              struct conf_err *errs)
{
	const char *v = conf_value(s, key, NULL);

	if (v == NULL)
		return 0;
	if (conf_parse_bool(v, out) == -1) {
		conf_errorf(
		    s, key, errs,
		    "%s: '%s' is not a boolean (use yes/no, true/false, "
		    "on/off, 1/0)",
		    key, v);
		return -1;
	}
	return 1;
}

int
conf_get_duration(const struct conf_section *s, const char *key, unsigned min,
                  unsigned max, unsigned *out, struct conf_err *errs)
{
	const char *v = conf_value(s, key, NULL);
	char a[32], b[32];
	unsigned n;

	if (v == NULL)
		return 0;
	if (conf_parse_duration(v, &n) == -1) {
		conf_errorf(s, key, errs,
		            "%s: '%s' is not a duration (use 60, 5m, 1h)", key,
		            v);
		return -1;
	}
	if (n < min || n > max) {
		conf_errorf(s, key, errs, "%s: '%s' is out of range (%s..%s)",
		            key, v, conf_fmt_duration(min, a, sizeof(a)),
		            conf_fmt_duration(max, b, sizeof(b)));
		return -1;
	}
	*out = n;
	return 1;
}

int
conf_get_size(const struct conf_section *s, const char *key, uint64_t unit,
              uint64_t min, uint64_t max, uint64_t *out, struct conf_err *errs)
{
	const char *v = conf_value(s, key, NULL);
	char a[32], b[32];
	uint64_t n;

	if (v == NULL)
		return 0;
	if (conf_parse_size(v, unit, &n) == -1) {
		conf_errorf(s, key, errs,
		            "%s: '%s' is not a size (use 64, 512k, 64M, 1G)",
		            key, v);
		return -1;
	}
	if (n < min || n > max) {
		conf_errorf(s, key, errs, "%s: '%s' is out of range (%s..%s)",
		            key, v, conf_fmt_size(min, a, sizeof(a)),
		            conf_fmt_size(max, b, sizeof(b)));
		return -1;
	}
	*out = n;
	return 1;
}

int
conf_get_id(const struct conf_section *s, const char *key, const char **out,
            struct conf_err *errs)
{
	const char *v = conf_value(s, key, NULL);

	if (v == NULL)
		return 0;
	if (!name_id_valid(v)) {
		conf_errorf(
		    s, key, errs,
		    "%s: '%s' is not a valid id (use a-z, 0-9, '-' and '_', "
		    "at most 63 characters, starting with a letter or digit)",
		    key, v);
		return -1;
	}
	*out = v;
	return 1;
}

int
conf_get_enum(const struct conf_section *s, const char *key,
              const char *const *choices, int *out, struct conf_err *errs)
{
	const char *v = conf_value(s, key, NULL);
	char list[512];
	size_t len = 0;
	int i;

	if (v == NULL)
		return 0;
	for (i = 0; choices[i] != NULL; i++) {
		if (strcmp(choices[i], v) == 0) {
			*out = i;
			return 1;
		}
	}
	list[0] = '\0';
	for (i = 0; choices[i] != NULL && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
		                        i > 0 ? ", " : "", choices[i]);
	conf_errorf(s, key, errs, "%s: '%s' is not valid (use %s)", key, v,
	            list);
	return -1;
}
