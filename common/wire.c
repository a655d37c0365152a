/*
 * wire.c: the MQTT contract of DESIGN.md section 5 (see wire.h).
 *
 * Encoders are hand-built with a growing buffer and snprintf: the agent
 * encodes every round, the names are already validated (so they need no
 * escaping) and numbers must be printed so that they round-trip exactly.
 * Decoders use cJSON, after a byte scan that checks the size limit, UTF-8
 * and the one escape cJSON would silently mangle (\u0000 truncates the
 * string).  Every decoder walks the fields in document order and reports
 * the first problem found with a stable reason.
 *
 * cJSON, like snprintf, honours LC_NUMERIC: processes that use this module
 * keep the "C" numeric locale (the encoder still repairs a ',' decimal
 * point, the parser cannot).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/names.h"
#include "common/wire.h"

/* Time stamps: 1970 up to the end of year 9999. */
#define WIRE_TS_MAX INT64_C(253402300799)
/* Sequence numbers must stay exact in a JSON (double) number. */
#define WIRE_SEQ_MAX (UINT64_C(1) << 53)

static const char *const wire_type_names[DEV_NTYPES] = {
    [DEV_PC] = "pc",
    [DEV_PRINTER] = "printer",
    [DEV_SWITCH] = "switch",
    [DEV_PROJECTOR] = "projector",
};

static const char *const wire_channel_names[WIRE_NCHANNELS] = {
    [WIRE_CH_METRICS] = "metrics",
    [WIRE_CH_STATUS] = "status",
    [WIRE_CH_INVENTORY] = "inventory",
    [WIRE_CH_EVENTS] = "events",
};

static const char *const wire_state_names[WIRE_NSTATES] = {
    [WIRE_ONLINE] = "online",
    [WIRE_OFFLINE] = "offline",
    [WIRE_UNREACHABLE] = "unreachable",
};

static const char *const wire_severity_names[WIRE_NSEVERITIES] = {
    [WIRE_SEV_CRITICAL] = "critical",
    [WIRE_SEV_WARNING] = "warning",
    [WIRE_SEV_INFO] = "info",
};

static const char *const wire_evstate_names[WIRE_NEVSTATES] = {
    [WIRE_EV_RAISED] = "raised",
    [WIRE_EV_CLEARED] = "cleared",
};

static const char *const wire_reason_names[WIRE_NREASONS] = {
    [WIRE_OK] = "ok",
    [WIRE_ETOPIC] = "bad_topic",
    [WIRE_ETOOBIG] = "too_large",
    [WIRE_EJSON] = "bad_json",
    [WIRE_EVERSION] = "bad_version",
    [WIRE_EMISSING] = "missing_field",
    [WIRE_EFIELD] = "unknown_field",
    [WIRE_ETYPE] = "bad_type",
    [WIRE_ENAME] = "bad_name",
    [WIRE_ENOTFINITE] = "not_finite",
    [WIRE_EDUP] = "duplicate",
    [WIRE_ETOOMANY] = "too_many",
    [WIRE_EUTF8] = "bad_utf8",
};

static const char *
wire_name(const char *const *names, int n, int i)
{
	return i >= 0 && i < n ? names[i] : NULL;
}

static int
wire_lookup(const char *const *names, int n, const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *
wire_type_name(enum dev_type t)
{
	return wire_name(wire_type_names, DEV_NTYPES, (int)t);
}

const char *
wire_channel_name(enum wire_channel c)
{
	return wire_name(wire_channel_names, WIRE_NCHANNELS, (int)c);
}

const char *
wire_state_name(enum wire_state s)
{
	return wire_name(wire_state_names, WIRE_NSTATES, (int)s);
}

const char *
wire_severity_name(enum wire_severity s)
{
	return wire_name(wire_severity_names, WIRE_NSEVERITIES, (int)s);
}

const char *
wire_evstate_name(enum wire_evstate s)
{
	return wire_name(wire_evstate_names, WIRE_NEVSTATES, (int)s);
}

const char *
wire_reason_name(enum wire_reason r)
{
	return wire_name(wire_reason_names, WIRE_NREASONS, (int)r);
}

int
wire_type_parse(const char *s, enum dev_type *out)
{
	int i = wire_lookup(wire_type_names, DEV_NTYPES, s);

	if (i < 0)
		return -1;
	*out = (enum dev_type)i;
	return 0;
}

int
wire_channel_parse(const char *s, enum wire_channel *out)
{
	int i = wire_lookup(wire_channel_names, WIRE_NCHANNELS, s);

	if (i < 0)
		return -1;
	*out = (enum wire_channel)i;
	return 0;
}

int
wire_state_parse(const char *s, enum wire_state *out)
{
	int i = wire_lookup(wire_state_names, WIRE_NSTATES, s);

	if (i < 0)
		return -1;
	*out = (enum wire_state)i;
	return 0;
}

int
wire_severity_parse(const char *s, enum wire_severity *out)
{
	int i = wire_lookup(wire_severity_names, WIRE_NSEVERITIES, s);

	if (i < 0)
		return -1;
	*out = (enum wire_severity)i;
	return 0;
}

int
wire_evstate_parse(const char *s, enum wire_evstate *out)
{
	int i = wire_lookup(wire_evstate_names, WIRE_NEVSTATES, s);

	if (i < 0)
		return -1;
	*out = (enum wire_evstate)i;
	return 0;
}

/*
 * Errors.  A detail may quote received text: wire_quote() keeps printable
 * ASCII only and cuts it short, so a hostile name cannot forge log lines.
 */
static enum wire_reason wire_fail(struct wire_error *err, enum wire_reason r,
                                  const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum wire_reason
wire_fail(struct wire_error *err, enum wire_reason r, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return r;
	err->reason = r;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return r;
}

static const char *
wire_quote(const char *s, char *buf, size_t bufsz)
{
	size_t i, n = 0, max = bufsz > 4 ? bufsz - 4 : 0;

	for (i = 0; s != NULL && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (n >= max || n >= 40) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		buf[n++] = c >= 0x20 && c < 0x7f && c != '\'' ? (char)c : '?';
	}
	buf[n] = '\0';
	return buf;
}

int
wire_topic(char *buf, size_t bufsz, const char *site, const char *device,
           enum wire_channel ch)
{
	const char *chn = wire_channel_name(ch);
	int n;

	if (!name_id_valid(site) || !name_id_valid(device) || chn == NULL) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(buf, bufsz, WIRE_TOPIC_PREFIX "%s/%s/%s", site, device,
	             chn);
	if (n < 0 || (size_t)n >= bufsz) {
		if (bufsz > 0)
			buf[0] = '\0';
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

/* Copies one topic level of at most NAME_ID_MAX bytes. */
static int
wire_topic_level(const char **p, char *out)
{
	const char *s = *p, *slash = strchr(s, '/');
	size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s);

	if (n == 0 || n > NAME_ID_MAX)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	*p = slash != NULL ? slash + 1 : s + n;
	return slash != NULL ? 0 : 1;
}

enum wire_reason
wire_topic_parse(const char *topic, char *site, char *device,
                 enum wire_channel *ch, struct wire_error *err)
{
	char chname[NAME_ID_MAX + 1];
	const char *p;
	size_t plen = sizeof(WIRE_TOPIC_PREFIX) - 1;

	site[0] = device[0] = '\0';
	if (topic == NULL || strlen(topic) >= WIRE_TOPIC_MAX)
		return wire_fail(err, WIRE_ETOPIC, "topic too long");
	if (strncmp(topic, WIRE_TOPIC_PREFIX, plen) != 0)
		return wire_fail(err, WIRE_ETOPIC, "not under %s",
		                 WIRE_TOPIC_PREFIX);
	p = topic + plen;
	if (wire_topic_level(&p, site) != 0 || !name_id_valid(site))
		goto fail_site;
	if (wire_topic_level(&p, device) != 0 || !name_id_valid(device))
		goto fail_device;
	if (wire_topic_level(&p, chname) != 1 ||
	    wire_channel_parse(chname, ch) == -1) {
		site[0] = device[0] = '\0';
		return wire_fail(err, WIRE_ETOPIC, "bad channel");
	}
	return WIRE_OK;

fail_device:
	site[0] = device[0] = '\0';
	return wire_fail(err, WIRE_ETOPIC, "bad device id");
fail_site:
	site[0] = device[0] = '\0';
	return wire_fail(err, WIRE_ETOPIC, "bad site id");
}

/* Metrics messages under construction. */

static struct wire_sample *
wire_metrics_list(const struct wire_metrics *m, int counter, size_t *n)
{
	*n = counter ? m->ncounters : m->ngauges;
	return counter ? m->counters : m->gauges;
}

const struct wire_sample *
wire_metrics_find(const struct wire_metrics *m, int counter, const char *name)
{
	const struct wire_sample *v;
	size_t i, n;

	v = wire_metrics_list(m, counter, &n);
	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* Makes room for one more sample. */
static int
wire_metrics_grow(struct wire_sample **v, size_t n, size_t *cap)
{
	struct wire_sample *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap > 0 ? *cap * 2 : 32;
	if ((nv = realloc(*v, ncap * sizeof(*nv))) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

int
wire_metrics_add(struct wire_metrics *m, int counter, const char *name,
                 double value)
{
	struct wire_sample **v = counter ? &m->counters : &m->gauges;
	size_t *n = counter ? &m->ncounters : &m->ngauges;
	size_t *cap = counter ? &m->cap_counters : &m->cap_gauges;

	if (!name_metric_valid(name) || !isfinite(value) ||
	    (counter && value < 0)) {
		errno = EINVAL;
		return -1;
	}
	if (wire_metrics_find(m, 0, name) != NULL ||
	    wire_metrics_find(m, 1, name) != NULL) {
		errno = EEXIST;
		return -1;
	}
	if (m->ngauges + m->ncounters >= WIRE_MAX_SAMPLES) {
		errno = E2BIG;
		return -1;
	}
	if (wire_metrics_grow(v, *n, cap) == -1) {
		errno = ENOMEM;
		return -1;
	}
	/* name_metric_valid() bounds the length. */
	strcpy((*v)[*n].name, name);
	(*v)[*n].value = value;
	(*n)++;
	return 0;
}

void
wire_metrics_clear(struct wire_metrics *m)
{
	if (m == NULL)
		return;
	free(m->gauges);
	free(m->counters);
	memset(m, 0, sizeof(*m));
}

void
wire_inventory_clear(struct wire_inventory *inv)
{
	if (inv == NULL)
		return;
	free(inv->json);
	memset(inv, 0, sizeof(*inv));
}

static int
wire_name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Finds a name given twice among gauges and counters: pairwise for small
 * messages, sorted for large ones so a hostile 4096-sample message costs
 * n log n.  Returns the name, NULL when all are distinct, or sets *oom.
 */
static const char *
wire_metrics_dup(const struct wire_metrics *m, int *oom)
{
	size_t n = m->ngauges + m->ncounters, i, j;
	const char **names, *dup = NULL;

	*oom = 0;
	if (n <= 24) {
		for (i = 0; i < n; i++) {
			const char *a = i < m->ngauges
			                    ? m->gauges[i].name
			                    : m->counters[i - m->ngauges].name;

			for (j = i + 1; j < n; j++) {
				const char *b =
				    j < m->ngauges
				        ? m->gauges[j].name
				        : m->counters[j - m->ngauges].name;

				if (strcmp(a, b) == 0)
					return a;
			}
		}
		return NULL;
	}
	if ((names = malloc(n * sizeof(*names))) == NULL) {
		*oom = 1;
		return NULL;
	}
	for (i = 0; i < m->ngauges; i++)
		names[i] = m->gauges[i].name;
	for (i = 0; i < m->ncounters; i++)
		names[m->ngauges + i] = m->counters[i].name;
	qsort(names, n, sizeof(*names), wire_name_cmp);
	for (i = 1; i < n && dup == NULL; i++)
		if (strcmp(names[i - 1], names[i]) == 0)
			dup = names[i];
	free(names);
	return dup;
}

/* A growing output buffer; 'oom' sticks so callers check once. */
struct wire_buf {
	char *p;
	size_t len;
	size_t cap;
	int oom;
};

static void
wire_buf_put(struct wire_buf *b, const char *s, size_t n)
{
	char *np;
	size_t ncap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap > 0 ? b->cap : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
wire_buf_str(struct wire_buf *b, const char *s)
{
	wire_buf_put(b, s, strlen(s));
}

static void wire_buf_printf(struct wire_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
wire_buf_printf(struct wire_buf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->oom = 1; /* never happens with the formats used here */
		return;
	}
	wire_buf_put(b, tmp, (size_t)n);
}

/* Hands the buffer to the caller, or frees it and sets errno. */
static char *
wire_buf_finish(struct wire_buf *b, size_t *len)
{
	if (b->oom) {
		free(b->p);
		errno = ENOMEM;
		return NULL;
	}
	if (b->len > WIRE_MAX_PAYLOAD) {
		free(b->p);
		errno = E2BIG;
		return NULL;
	}
	if (len != NULL)
		*len = b->len;
	return b->p;
}

/*
 * Prints a finite double so that strtod() gives back the same value:
 * integral values without exponent or fraction, others with the fewest
 * significant digits (15 to 17) that round-trip.
 */
static void
wire_fmt_double(double v, char *buf, size_t bufsz)
{
	int prec;
	char *p;

	if (v == trunc(v) && fabs(v) < 1e15) {
		snprintf(buf, bufsz, "%.0f", v);
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, bufsz, "%.*g", prec, v);
		/* A foreign LC_NUMERIC may have put a ',' there. */
		if ((p = strchr(buf, ',')) != NULL)
			*p = '.';
		if (strtod(buf, NULL) == v)
			break;
	}
}

static void
wire_buf_samples(struct wire_buf *b, const char *key,
                 const struct wire_sample *v, size_t n)
{
	char num[40];
	size_t i;

	wire_buf_printf(b, ",\"%s\":{", key);
	for (i = 0; i < n; i++) {
		wire_fmt_double(v[i].value, num, sizeof(num));
		if (i > 0)
			wire_buf_put(b, ",", 1);
		wire_buf_put(b, "\"", 1);
		wire_buf_str(b, v[i].name);
		wire_buf_put(b, "\":", 2);
		wire_buf_str(b, num);
	}
	wire_buf_put(b, "}", 1);
}

static int
wire_samples_valid(const struct wire_sample *v, size_t n, int counter)
{
	size_t i;

	if (n > 0 && v == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		if (memchr(v[i].name, '\0', sizeof(v[i].name)) == NULL ||
		    !name_metric_valid(v[i].name) || !isfinite(v[i].value) ||
		    (counter && v[i].value < 0))
			return 0;
	}
	return 1;
}

char *
wire_metrics_encode(const struct wire_metrics *m, size_t *len)
{
	struct wire_buf b = {0};
	int oom;

	if (m == NULL || m->ts < 0 || m->ts > WIRE_TS_MAX ||
	    m->seq > WIRE_SEQ_MAX || wire_type_name(m->type) == NULL ||
	    m->interval < 1 || m->interval > WIRE_INTERVAL_MAX ||
	    m->ngauges + m->ncounters > WIRE_MAX_SAMPLES ||
	    !wire_samples_valid(m->gauges, m->ngauges, 0) ||
	    !wire_samples_valid(m->counters, m->ncounters, 1)) {
		errno = EINVAL;
		return NULL;
	}
	if (wire_metrics_dup(m, &oom) != NULL || oom) {
		errno = oom ? ENOMEM : EINVAL;
		return NULL;
	}
	wire_buf_printf(&b,
	                "{\"v\":%d,\"ts\":%" PRId64 ",\"seq\":%" PRIu64
	                ",\"type\":\"%s\",\"interval\":%u",
	                WIRE_VERSION, m->ts, m->seq, wire_type_name(m->type),
	                m->interval);
	wire_buf_samples(&b, "gauges", m->gauges, m->ngauges);
	wire_buf_samples(&b, "counters", m->counters, m->ncounters);
	wire_buf_put(&b, "}", 1);
	return wire_buf_finish(&b, len);
}

char *
wire_status_encode(const struct wire_status *s, size_t *len)
{
	struct wire_buf b = {0};

	if (s == NULL || s->ts < 0 || s->ts > WIRE_TS_MAX ||
	    wire_state_name(s->state) == NULL) {
		errno = EINVAL;
		return NULL;
	}
	wire_buf_printf(&b, "{\"v\":%d,\"state\":\"%s\",\"ts\":%" PRId64 "}",
	                WIRE_VERSION, wire_state_name(s->state), s->ts);
	return wire_buf_finish(&b, len);
}

/*
 * Validates UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF).  Returns the offset of the first bad byte, or (size_t)-1
 * when all 'len' bytes are valid.
 */
static size_t
wire_utf8_check(const unsigned char *s, size_t len)
{
	size_t i = 0, k, need;
	uint32_t cp, min;

	while (i < len) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return i;
		}
		if (len - i <= need)
			return i;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += need + 1;
	}
	return (size_t)-1;
}

/* Appends 's' as a JSON string, escaping quotes and control characters. */
static void
wire_buf_json_str(struct wire_buf *b, const char *s)
{
	const char *run = s;

	wire_buf_put(b, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		wire_buf_put(b, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"':
			wire_buf_put(b, "\\\"", 2);
			break;
		case '\\':
			wire_buf_put(b, "\\\\", 2);
			break;
		case '\n':
			wire_buf_put(b, "\\n", 2);
			break;
		case '\t':
			wire_buf_put(b, "\\t", 2);
			break;
		case '\r':
			wire_buf_put(b, "\\r", 2);
			break;
		default:
			wire_buf_printf(b, "\\u%04x", c);
			break;
		}
	}
	wire_buf_put(b, run, (size_t)(s - run));
	wire_buf_put(b, "\"", 1);
}

char *
wire_event_encode(const struct wire_event *e, size_t *len)
{
	struct wire_buf b = {0};
	size_t tlen;

	if (e == NULL || e->ts < 0 || e->ts > WIRE_TS_MAX ||
	    memchr(e->code, '\0', sizeof(e->code)) == NULL ||
	    !name_metric_valid(e->code) ||
	    wire_severity_name(e->severity) == NULL ||
	    wire_evstate_name(e->state) == NULL) {
		errno = EINVAL;
		return NULL;
	}
	tlen = strnlen(e->text, sizeof(e->text));
	if (tlen == sizeof(e->text) ||
	    wire_utf8_check((const unsigned char *)e->text, tlen) !=
	        (size_t)-1) {
		errno = EINVAL;
		return NULL;
	}
	wire_buf_printf(
	    &b,
	    "{\"v\":%d,\"ts\":%" PRId64
	    ",\"code\":\"%s\",\"severity\":\"%s\",\"state\":\"%s\",\"text\":",
	    WIRE_VERSION, e->ts, e->code, wire_severity_name(e->severity),
	    wire_evstate_name(e->state));
	wire_buf_json_str(&b, e->text);
	wire_buf_put(&b, "}", 1);
	return wire_buf_finish(&b, len);
}

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
