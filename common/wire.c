/*
 * wire.c: the MQTT contract of DESIGN.md section 5 (see wire.h): the
 * stable names, topics, and building a metrics message.  Encoding is in
 * wire_encode.c, decoding in wire_decode.c; wire_priv.h holds what the
 * three share.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"
#include "common/wire.h"
#include "common/wire_priv.h"

const char *const wire_type_names[DEV_NTYPES] = {
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

const char *const wire_state_names[WIRE_NSTATES] = {
    [WIRE_ONLINE] = "online",
    [WIRE_OFFLINE] = "offline",
    [WIRE_UNREACHABLE] = "unreachable",
};

const char *const wire_severity_names[WIRE_NSEVERITIES] = {
    [WIRE_SEV_CRITICAL] = "critical",
    [WIRE_SEV_WARNING] = "warning",
    [WIRE_SEV_INFO] = "info",
};

const char *const wire_evstate_names[WIRE_NEVSTATES] = {
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

int
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
enum wire_reason
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

const char *
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
const char *
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

/*
 * Validates UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF).  Returns the offset of the first bad byte, or (size_t)-1
 * when all 'len' bytes are valid.
 */
size_t
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
