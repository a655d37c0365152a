/*
 * wire_decode.c: strict decoders for received payloads (see wire.h).
 *
 * cJSON does the parsing, after a byte scan for what it would let through
 * or mangle (size, UTF-8, NUL bytes, control characters, sloppy numbers,
 * the escape \u0000).  Each decoder then walks its fields in document
 * order against a table, and reports the first problem with a stable
 * reason; the collector turns what passes into file names, SQL rows and
 * pages.
 *
 * cJSON, like strtod, honours LC_NUMERIC: processes that use this module
 * keep the "C" numeric locale.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/names.h"
#include "common/wire.h"
#include "common/wire_priv.h"

/*
 * Decoding.  wire_parse() does what every decoder needs first: size,
 * UTF-8 and a lexical pass (wire_scan()), JSON syntax, nothing but white
 * space after the object, and the version.
 */

static int
wire_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The length of the JSON number at 's' (RFC 8259:
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), or 0 when it is not
 * one.  cJSON hands anything made of number characters to strtod(), which
 * also takes "01" and "1.".
 */
static size_t
wire_number_len(const unsigned char *s, size_t len)
{
	size_t i = 0;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && wire_is_digit(s[i]))
		while (i < len && wire_is_digit(s[i]))
			i++;
	else
		return 0;
	if (i < len && s[i] == '.') {
		if (++i >= len || !wire_is_digit(s[i]))
			return 0;
		while (i < len && wire_is_digit(s[i]))
			i++;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || !wire_is_digit(s[i]))
			return 0;
		while (i < len && wire_is_digit(s[i]))
			i++;
	}
	/* "01", "1.", "1e5e3": the token goes on where it must not. */
	if (i < len && (wire_is_digit(s[i]) || s[i] == '.' || s[i] == 'e' ||
	                s[i] == 'E' || s[i] == '+' || s[i] == '-'))
		return 0;
	return i;
}

/*
 * What cJSON lets through but JSON does not, and what it would mangle:
 * NUL bytes, control characters (raw in strings, or between tokens other
 * than white space), sloppy numbers, and the escape \u0000, which would cut
 * a string short.  Brackets and the rest of the syntax are cJSON's job.
 */
static enum wire_reason
wire_scan(const unsigned char *s, size_t len, struct wire_error *err)
{
	size_t i, n, bad;
	int in_str = 0;

	if ((bad = wire_utf8_check(s, len)) != (size_t)-1)
		return wire_fail(err, WIRE_EUTF8, "invalid UTF-8 at byte %zu",
		                 bad);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '\0')
			return wire_fail(err, WIRE_EJSON, "NUL byte at %zu", i);
		if (in_str) {
			if (c == '"') {
				in_str = 0;
			} else if (c == '\\') {
				/* Skip the escaped character: "\\u0000" is
				 * text. */
				if (len - i > 5 &&
				    memcmp(s + i + 1, "u0000", 5) == 0)
					return wire_fail(
					    err, WIRE_EJSON,
					    "\\u0000 in a string at byte %zu",
					    i);
				i++;
			} else if (c < 0x20) {
				return wire_fail(
				    err, WIRE_EJSON,
				    "control character in a string at byte %zu",
				    i);
			}
			continue;
		}
		if (c == '"') {
			in_str = 1;
		} else if (c < 0x20 && c != ' ' && c != '\t' && c != '\n' &&
		           c != '\r') {
			return wire_fail(err, WIRE_EJSON,
			                 "control character at byte %zu", i);
		} else if (c == '-' || wire_is_digit(c)) {
			if ((n = wire_number_len(s + i, len - i)) == 0)
				return wire_fail(err, WIRE_EJSON,
				                 "bad number at byte %zu", i);
			i += n - 1;
		}
	}
	return WIRE_OK;
}

static enum wire_reason
wire_parse(const void *buf, size_t len, cJSON **root, struct wire_error *err)
{
	const char *end = NULL, *s = buf;
	const cJSON *v;
	enum wire_reason r;
	size_t i;

	*root = NULL;
	if (err != NULL) {
		err->reason = WIRE_OK;
		err->detail[0] = '\0';
	}
	if (len > WIRE_MAX_PAYLOAD)
		return wire_fail(err, WIRE_ETOOBIG, "%zu bytes, limit %d", len,
		                 WIRE_MAX_PAYLOAD);
	if (buf == NULL || len == 0)
		return wire_fail(err, WIRE_EJSON, "empty payload");
	if ((r = wire_scan(buf, len, err)) != WIRE_OK)
		return r;
	*root = cJSON_ParseWithLengthOpts(s, len, &end, 0);
	if (*root == NULL) {
		i = end != NULL && end >= s && end <= s + len
		        ? (size_t)(end - s)
		        : 0;
		return wire_fail(err, WIRE_EJSON, "not JSON (near byte %zu)",
		                 i);
	}
	for (i = end != NULL ? (size_t)(end - s) : len; i < len; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r') {
			r = wire_fail(err, WIRE_EJSON,
			              "data after the object at byte %zu", i);
			goto fail;
		}
	}
	if (!cJSON_IsObject(*root)) {
		r = wire_fail(err, WIRE_EJSON, "not an object");
		goto fail;
	}
	v = cJSON_GetObjectItemCaseSensitive(*root, "v");
	if (v == NULL) {
		r = wire_fail(err, WIRE_EVERSION, "v: missing");
		goto fail;
	}
	if (!cJSON_IsNumber(v) || v->valuedouble != WIRE_VERSION) {
		r = wire_fail(err, WIRE_EVERSION, "v: not %d", WIRE_VERSION);
		goto fail;
	}
	return WIRE_OK;

fail:
	cJSON_Delete(*root);
	*root = NULL;
	return r;
}

/*
 * Field tables: each decoder lists its fields; wire_fields() walks the
 * object in document order, refuses unknown and repeated fields, and
 * stores each known item in 'items' by its index.
 */
struct wire_field {
	const char *name;
	int required;
};

#define WIRE_FIELDS_MAX 8

static enum wire_reason
wire_fields(const cJSON *root, const struct wire_field *fields, size_t n,
            int open, const cJSON **items, struct wire_error *err)
{
	const cJSON *it;
	char q[48];
	size_t i;

	for (i = 0; i < n; i++)
		items[i] = NULL;
	for (it = root->child; it != NULL; it = it->next) {
		for (i = 0; i < n; i++)
			if (strcmp(fields[i].name, it->string) == 0)
				break;
		if (i < n && items[i] != NULL)
			return wire_fail(err, WIRE_EDUP,
			                 "field '%s' given twice",
			                 fields[i].name);
		if (i < n) {
			items[i] = it;
			continue;
		}
		if (open)
			continue;
		return wire_fail(err, WIRE_EFIELD, "unknown field '%s'",
		                 wire_quote(it->string, q, sizeof(q)));
	}
	for (i = 0; i < n; i++)
		if (fields[i].required && items[i] == NULL)
			return wire_fail(err, WIRE_EMISSING, "%s: missing",
			                 fields[i].name);
	return WIRE_OK;
}

static enum wire_reason
wire_get_int(const cJSON *it, const char *field, int64_t min, int64_t max,
             int64_t *out, struct wire_error *err)
{
	double d;

	if (!cJSON_IsNumber(it))
		return wire_fail(err, WIRE_ETYPE, "%s: not a number", field);
	d = it->valuedouble;
	if (!isfinite(d))
		return wire_fail(err, WIRE_ENOTFINITE, "%s: not finite", field);
	if (d != trunc(d))
		return wire_fail(err, WIRE_ETYPE, "%s: not an integer", field);
	if (d < (double)min || d > (double)max)
		return wire_fail(err, WIRE_ETYPE,
		                 "%s: out of range (%" PRId64 "..%" PRId64 ")",
		                 field, min, max);
	*out = (int64_t)d;
	return WIRE_OK;
}

/* A string field with one of the values in 'names'. */
static enum wire_reason
wire_get_enum(const cJSON *it, const char *field, const char *const *names,
              int n, int *out, struct wire_error *err)
{
	char q[48];
	int i;

	if (!cJSON_IsString(it))
		return wire_fail(err, WIRE_ETYPE, "%s: not a string", field);
	if ((i = wire_lookup(names, n, it->valuestring)) < 0)
		return wire_fail(err, WIRE_ETYPE, "%s: unknown value '%s'",
		                 field,
		                 wire_quote(it->valuestring, q, sizeof(q)));
	*out = i;
	return WIRE_OK;
}

static enum wire_reason
wire_get_samples(const cJSON *obj, int counter, struct wire_metrics *m,
                 struct wire_error *err)
{
	const char *field = counter ? "counters" : "gauges";
	struct wire_sample *v;
	const cJSON *it;
	size_t n = 0;
	char q[48];

	if (!cJSON_IsObject(obj))
		return wire_fail(err, WIRE_ETYPE, "%s: not an object", field);
	for (it = obj->child; it != NULL; it = it->next)
		n++;
	if (n + m->ngauges + m->ncounters > WIRE_MAX_SAMPLES)
		return wire_fail(err, WIRE_ETOOMANY, "more than %d samples",
		                 WIRE_MAX_SAMPLES);
	if (n == 0)
		return WIRE_OK;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return wire_fail(err, WIRE_EJSON, "out of memory");
	if (counter) {
		m->counters = v;
		m->cap_counters = n;
	} else {
		m->gauges = v;
		m->cap_gauges = n;
	}
	n = 0;
	for (it = obj->child; it != NULL; it = it->next) {
		if (!name_metric_valid(it->string))
			return wire_fail(err, WIRE_ENAME, "%s: bad name '%s'",
			                 field,
			                 wire_quote(it->string, q, sizeof(q)));
		if (!cJSON_IsNumber(it))
			return wire_fail(err, WIRE_ETYPE, "%s.%s: not a number",
			                 field, it->string);
		if (!isfinite(it->valuedouble))
			return wire_fail(err, WIRE_ENOTFINITE,
			                 "%s.%s: not finite", field,
			                 it->string);
		if (counter && it->valuedouble < 0)
			return wire_fail(err, WIRE_ETYPE, "%s.%s: negative",
			                 field, it->string);
		strcpy(v[n].name, it->string);
		v[n].value = it->valuedouble;
		n++;
		if (counter)
			m->ncounters = n;
		else
			m->ngauges = n;
	}
	return WIRE_OK;
}

enum wire_metrics_fields {
	WM_V,
	WM_TS,
	WM_SEQ,
	WM_TYPE,
	WM_INTERVAL,
	WM_GAUGES,
	WM_COUNTERS,
	WM_N
};

static const struct wire_field wire_metrics_fields[WM_N] = {
    [WM_V] = {"v", 1},
    [WM_TS] = {"ts", 1},
    [WM_SEQ] = {"seq", 1},
    [WM_TYPE] = {"type", 1},
    [WM_INTERVAL] = {"interval", 1},
    [WM_GAUGES] = {"gauges", 1},
    [WM_COUNTERS] = {"counters", 1},
};

enum wire_reason
wire_metrics_decode(const void *buf, size_t len, struct wire_metrics *out,
                    struct wire_error *err)
{
	const cJSON *f[WIRE_FIELDS_MAX];
	const char *dup;
	enum wire_reason r;
	cJSON *root;
	int64_t i;
	int t, oom;

	memset(out, 0, sizeof(*out));
	if ((r = wire_parse(buf, len, &root, err)) != WIRE_OK)
		return r;
	if ((r = wire_fields(root, wire_metrics_fields, WM_N, 0, f, err)) !=
	    WIRE_OK)
		goto fail;
	if ((r = wire_get_int(f[WM_TS], "ts", 0, WIRE_TS_MAX, &out->ts, err)) !=
	    WIRE_OK)
		goto fail;
	if ((r = wire_get_int(f[WM_SEQ], "seq", 0, (int64_t)WIRE_SEQ_MAX, &i,
	                      err)) != WIRE_OK)
		goto fail;
	out->seq = (uint64_t)i;
	if ((r = wire_get_enum(f[WM_TYPE], "type", wire_type_names, DEV_NTYPES,
	                       &t, err)) != WIRE_OK)
		goto fail;
	out->type = (enum dev_type)t;
	if ((r = wire_get_int(f[WM_INTERVAL], "interval", 1, WIRE_INTERVAL_MAX,
	                      &i, err)) != WIRE_OK)
		goto fail;
	out->interval = (unsigned)i;
	if ((r = wire_get_samples(f[WM_GAUGES], 0, out, err)) != WIRE_OK ||
	    (r = wire_get_samples(f[WM_COUNTERS], 1, out, err)) != WIRE_OK)
		goto fail;
	if ((dup = wire_metrics_dup(out, &oom)) != NULL || oom) {
		r = oom ? wire_fail(err, WIRE_EJSON, "out of memory")
		        : wire_fail(err, WIRE_EDUP, "metric '%s' given twice",
		                    dup);
		goto fail;
	}
	cJSON_Delete(root);
	return WIRE_OK;

fail:
	cJSON_Delete(root);
	wire_metrics_clear(out);
	return r;
}

enum wire_status_fields { WS_V, WS_STATE, WS_TS, WS_N };

static const struct wire_field wire_status_fields[WS_N] = {
    [WS_V] = {"v", 1},
    [WS_STATE] = {"state", 1},
    [WS_TS] = {"ts", 1},
};

enum wire_reason
wire_status_decode(const void *buf, size_t len, struct wire_status *out,
                   struct wire_error *err)
{
	const cJSON *f[WIRE_FIELDS_MAX];
	enum wire_reason r;
	cJSON *root;
	int st;

	memset(out, 0, sizeof(*out));
	if ((r = wire_parse(buf, len, &root, err)) != WIRE_OK)
		return r;
	if ((r = wire_fields(root, wire_status_fields, WS_N, 0, f, err)) !=
	        WIRE_OK ||
	    (r = wire_get_enum(f[WS_STATE], "state", wire_state_names,
	                       WIRE_NSTATES, &st, err)) != WIRE_OK ||
	    (r = wire_get_int(f[WS_TS], "ts", 0, WIRE_TS_MAX, &out->ts, err)) !=
	        WIRE_OK) {
		cJSON_Delete(root);
		memset(out, 0, sizeof(*out));
		return r;
	}
	out->state = (enum wire_state)st;
	cJSON_Delete(root);
	return WIRE_OK;
}

enum wire_event_fields {
	WE_V,
	WE_TS,
	WE_CODE,
	WE_SEVERITY,
	WE_STATE,
	WE_TEXT,
	WE_N
};

static const struct wire_field wire_event_fields[WE_N] = {
    [WE_V] = {"v", 1},         [WE_TS] = {"ts", 1},
    [WE_CODE] = {"code", 1},   [WE_SEVERITY] = {"severity", 1},
    [WE_STATE] = {"state", 1}, [WE_TEXT] = {"text", 1},
};

static enum wire_reason
wire_event_fill(const cJSON **f, struct wire_event *out, struct wire_error *err)
{
	enum wire_reason r;
	char q[48];
	int i;

	if ((r = wire_get_int(f[WE_TS], "ts", 0, WIRE_TS_MAX, &out->ts, err)) !=
	    WIRE_OK)
		return r;
	if (!cJSON_IsString(f[WE_CODE]))
		return wire_fail(err, WIRE_ETYPE, "code: not a string");
	if (!name_metric_valid(f[WE_CODE]->valuestring))
		return wire_fail(
		    err, WIRE_ENAME, "code: bad name '%s'",
		    wire_quote(f[WE_CODE]->valuestring, q, sizeof(q)));
	strcpy(out->code, f[WE_CODE]->valuestring);
	if ((r = wire_get_enum(f[WE_SEVERITY], "severity", wire_severity_names,
	                       WIRE_NSEVERITIES, &i, err)) != WIRE_OK)
		return r;
	out->severity = (enum wire_severity)i;
	if ((r = wire_get_enum(f[WE_STATE], "state", wire_evstate_names,
	                       WIRE_NEVSTATES, &i, err)) != WIRE_OK)
		return r;
	out->state = (enum wire_evstate)i;
	if (!cJSON_IsString(f[WE_TEXT]))
		return wire_fail(err, WIRE_ETYPE, "text: not a string");
	if (strlen(f[WE_TEXT]->valuestring) >= sizeof(out->text))
		return wire_fail(err, WIRE_ETYPE, "text: longer than %zu bytes",
		                 sizeof(out->text) - 1);
	strcpy(out->text, f[WE_TEXT]->valuestring);
	return WIRE_OK;
}

enum wire_reason
wire_event_decode(const void *buf, size_t len, struct wire_event *out,
                  struct wire_error *err)
{
	const cJSON *f[WIRE_FIELDS_MAX];
	enum wire_reason r;
	cJSON *root;

	memset(out, 0, sizeof(*out));
	if ((r = wire_parse(buf, len, &root, err)) != WIRE_OK)
		return r;
	if ((r = wire_fields(root, wire_event_fields, WE_N, 0, f, err)) ==
	    WIRE_OK)
		r = wire_event_fill(f, out, err);
	cJSON_Delete(root);
	if (r != WIRE_OK)
		memset(out, 0, sizeof(*out));
	return r;
}

/* Refuses NaN and infinities anywhere below 'it'. */
static enum wire_reason
wire_all_finite(const cJSON *it, const char *field, struct wire_error *err)
{
	const cJSON *c;
	enum wire_reason r;

	if (cJSON_IsNumber(it) && !isfinite(it->valuedouble))
		return wire_fail(err, WIRE_ENOTFINITE, "%s: not finite", field);
	for (c = it->child; c != NULL; c = c->next)
		if ((r = wire_all_finite(c, field, err)) != WIRE_OK)
			return r;
	return WIRE_OK;
}

enum wire_inventory_fields { WI_V, WI_TS, WI_TYPE, WI_LABELS, WI_N };

static const struct wire_field wire_inventory_fields[WI_N] = {
    [WI_V] = {"v", 1},
    [WI_TS] = {"ts", 1},
    [WI_TYPE] = {"type", 1},
    [WI_LABELS] = {"labels", 0},
};

static enum wire_reason
wire_inventory_check(const cJSON *root, const cJSON **f,
                     struct wire_inventory *out, struct wire_error *err)
{
	const cJSON *it;
	enum wire_reason r;
	char q[48];
	int t;

	if ((r = wire_get_int(f[WI_TS], "ts", 0, WIRE_TS_MAX, &out->ts, err)) !=
	    WIRE_OK)
		return r;
	if ((r = wire_get_enum(f[WI_TYPE], "type", wire_type_names, DEV_NTYPES,
	                       &t, err)) != WIRE_OK)
		return r;
	out->type = (enum dev_type)t;
	if (f[WI_LABELS] != NULL) {
		if (!cJSON_IsObject(f[WI_LABELS]))
			return wire_fail(err, WIRE_ETYPE,
			                 "labels: not an object");
		for (it = f[WI_LABELS]->child; it != NULL; it = it->next) {
			if (!name_metric_valid(it->string))
				return wire_fail(
				    err, WIRE_ENAME, "labels: bad name '%s'",
				    wire_quote(it->string, q, sizeof(q)));
			if (!cJSON_IsString(it))
				return wire_fail(err, WIRE_ETYPE,
				                 "labels.%s: not a string",
				                 it->string);
		}
	}
	for (it = root->child; it != NULL; it = it->next)
		if ((r = wire_all_finite(it,
		                         wire_quote(it->string, q, sizeof(q)),
		                         err)) != WIRE_OK)
			return r;
	return WIRE_OK;
}

enum wire_reason
wire_inventory_decode(const void *buf, size_t len, struct wire_inventory *out,
                      struct wire_error *err)
{
	const cJSON *f[WIRE_FIELDS_MAX];
	enum wire_reason r;
	cJSON *root;

	memset(out, 0, sizeof(*out));
	if ((r = wire_parse(buf, len, &root, err)) != WIRE_OK)
		return r;
	if ((r = wire_fields(root, wire_inventory_fields, WI_N, 1, f, err)) ==
	    WIRE_OK)
		r = wire_inventory_check(root, f, out, err);
	if (r == WIRE_OK && (out->json = cJSON_PrintUnformatted(root)) == NULL)
		r = wire_fail(err, WIRE_EJSON, "out of memory");
	cJSON_Delete(root);
	if (r != WIRE_OK)
		wire_inventory_clear(out);
	return r;
}
