/*
 * wire_encode.c: payloads from structures (see wire.h).
 *
 * Hand-built with a growing buffer and snprintf, not cJSON: the agent
 * encodes every round, names are validated before they get here (so they
 * need no escaping), and numbers must be printed so that they round-trip
 * exactly.  Every encoder checks what it is given as strictly as the
 * decoders do, so what it produces is always accepted.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"
#include "common/wire.h"
#include "common/wire_priv.h"

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
	/*
	 * The code (up to NAME_METRIC_MAX bytes) goes in by itself: with
	 * the rest it would overflow wire_buf_printf()'s 128-byte buffer.
	 */
	wire_buf_printf(&b, "{\"v\":%d,\"ts\":%" PRId64 ",\"code\":\"",
	                WIRE_VERSION, e->ts);
	wire_buf_str(&b, e->code);
	wire_buf_printf(&b, "\",\"severity\":\"%s\",\"state\":\"%s\",\"text\":",
	                wire_severity_name(e->severity),
	                wire_evstate_name(e->state));
	wire_buf_json_str(&b, e->text);
	wire_buf_put(&b, "}", 1);
	return wire_buf_finish(&b, len);
}
