/*
 * wire.h: the MQTT contract of DESIGN.md section 5, version 1.
 *
 * Topics are pantau/v1/<site>/<device>/<channel>.  Payloads are JSON
 * objects with "v":1.  The encoders produce what the decoders accept; the
 * decoders are strict, because the collector turns what they return into
 * file names, SQL rows and pages: every name is checked with names.h, every
 * number for type, range and finiteness, unknown fields are refused (a new
 * field means a new version), and nothing is read past 'len'.  A rejected
 * payload yields a reason (a stable label the collector counts by) and a
 * short detail for the log.
 *
 * Decoded structures own their memory; release them with the matching
 * _clear() function, which leaves them zeroed and reusable.
 *
 * Every function may be called from several threads at once on different
 * structures (cJSON stores its last parse error in a global that this
 * module never reads: a benign race a thread sanitizer will report).
 * Numbers are printed and parsed in the "C" numeric locale:
 * a process that calls setlocale() keeps LC_NUMERIC at "C".
 */
#ifndef PANTAU_WIRE_H
#define PANTAU_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"

#define WIRE_VERSION 1
#define WIRE_TOPIC_PREFIX "pantau/v1/"
#define WIRE_TOPIC_MAX 160            /* bytes, with NUL */
#define WIRE_MAX_PAYLOAD (256 * 1024) /* bytes; larger is WIRE_ETOOBIG */
#define WIRE_MAX_SAMPLES 4096         /* gauges + counters per message */
#define WIRE_TEXT_MAX 1024            /* bytes of an event text, with NUL */
#define WIRE_INTERVAL_MAX 86400       /* seconds */

enum dev_type {
	DEV_PC = 0,
	DEV_PRINTER,
	DEV_SWITCH,
	DEV_PROJECTOR,
	DEV_NTYPES
};

enum wire_channel {
	WIRE_CH_METRICS = 0,
	WIRE_CH_STATUS,
	WIRE_CH_INVENTORY,
	WIRE_CH_EVENTS,
	WIRE_NCHANNELS
};

enum wire_state {
	WIRE_ONLINE = 0,
	WIRE_OFFLINE,
	WIRE_UNREACHABLE,
	WIRE_NSTATES
};

enum wire_severity {
	WIRE_SEV_CRITICAL = 0,
	WIRE_SEV_WARNING,
	WIRE_SEV_INFO,
	WIRE_NSEVERITIES
};

enum wire_evstate { WIRE_EV_RAISED = 0, WIRE_EV_CLEARED, WIRE_NEVSTATES };

/* Why a topic or payload was refused.  Names are stable metric labels. */
enum wire_reason {
	WIRE_OK = 0,
	WIRE_ETOPIC,     /* "bad_topic": not pantau/v1/<id>/<id>/<channel> */
	WIRE_ETOOBIG,    /* "too_large": over WIRE_MAX_PAYLOAD */
	WIRE_EJSON,      /* "bad_json": not JSON, or not an object */
	WIRE_EVERSION,   /* "bad_version": "v" missing or not 1 */
	WIRE_EMISSING,   /* "missing_field" */
	WIRE_EFIELD,     /* "unknown_field" */
	WIRE_ETYPE,      /* "bad_type": wrong JSON type or out of range */
	WIRE_ENAME,      /* "bad_name": metric name or event code */
	WIRE_ENOTFINITE, /* "not_finite": NaN or infinity */
	WIRE_EDUP,       /* "duplicate": a metric given twice */
	WIRE_ETOOMANY,   /* "too_many": over WIRE_MAX_SAMPLES */
	WIRE_EUTF8,      /* "bad_utf8": a string is not valid UTF-8 */
	WIRE_NREASONS
};

struct wire_error {
	enum wire_reason reason;
	char detail[128]; /* e.g. "gauges.cpu.util: not a number" */
};

struct wire_sample {
	char name[NAME_METRIC_MAX + 1];
	double value;
};

struct wire_metrics {
	int64_t ts;   /* sampling time, Unix seconds */
	uint64_t seq; /* per device, survives restarts */
	enum dev_type type;
	unsigned interval;          /* seconds, 1..WIRE_INTERVAL_MAX */
	struct wire_sample *gauges; /* owned */
	size_t ngauges;
	struct wire_sample *counters; /* owned; values >= 0 */
	size_t ncounters;
	size_t cap_gauges;   /* private */
	size_t cap_counters; /* private */
};

struct wire_status {
	int64_t ts;
	enum wire_state state;
};

struct wire_event {
	int64_t ts;
	char code[NAME_METRIC_MAX + 1]; /* "printer.jam" */
	enum wire_severity severity;
	enum wire_evstate state;
	char text[WIRE_TEXT_MAX]; /* UTF-8, may be "" */
};

struct wire_inventory {
	int64_t ts;
	enum dev_type type;
	char *json; /* owned: the object, compact, re-encoded */
};

/* Stable names: "pc", "metrics", "online", "critical", "raised", "bad_json". */
const char *wire_type_name(enum dev_type t);
const char *wire_channel_name(enum wire_channel c);
const char *wire_state_name(enum wire_state s);
const char *wire_severity_name(enum wire_severity s);
const char *wire_evstate_name(enum wire_evstate s);
const char *wire_reason_name(enum wire_reason r);

/* Inverses of the above; return 0 and set *out, or -1 for an unknown name. */
int wire_type_parse(const char *s, enum dev_type *out);
int wire_channel_parse(const char *s, enum wire_channel *out);
int wire_state_parse(const char *s, enum wire_state *out);
int wire_severity_parse(const char *s, enum wire_severity *out);
int wire_evstate_parse(const char *s, enum wire_evstate *out);

/*
 * Writes the topic for (site, device, channel) into buf.  Returns 0, or -1
 * with errno EINVAL (an invalid id) or ENOSPC (bufsz too small).
 */
int wire_topic(char *buf, size_t bufsz, const char *site, const char *device,
               enum wire_channel ch);

/*
 * Splits a received topic.  site and device must hold NAME_ID_MAX + 1
 * bytes.  Returns WIRE_OK, or WIRE_ETOPIC with err->detail set.
 */
enum wire_reason wire_topic_parse(const char *topic, char *site, char *device,
                                  enum wire_channel *ch,
                                  struct wire_error *err);

/*
 * Builds a metrics message: appends a gauge (counter 0) or counter
 * (counter 1).  Returns 0, or -1 with errno EINVAL (invalid name, a value
 * that is not finite, a negative counter), EEXIST (the name is already in
 * the message), E2BIG (WIRE_MAX_SAMPLES reached) or ENOMEM.  The message is
 * unchanged on error.
 */
int wire_metrics_add(struct wire_metrics *m, int counter, const char *name,
                     double value);

/* The value of gauge or counter 'name', or NULL. */
const struct wire_sample *wire_metrics_find(const struct wire_metrics *m,
                                            int counter, const char *name);

/*
 * Encoders.  Each returns a NUL-terminated JSON string the caller frees
 * with free(), with its length in *len (if not NULL), or NULL with errno
 * EINVAL (a field out of range, an invalid name, a value that is not
 * finite, a negative counter, a name given twice, an event text that is
 * not UTF-8), E2BIG (the payload would exceed WIRE_MAX_PAYLOAD) or ENOMEM.
 */
char *wire_metrics_encode(const struct wire_metrics *m, size_t *len);
char *wire_status_encode(const struct wire_status *s, size_t *len);
char *wire_event_encode(const struct wire_event *e, size_t *len);

/*
 * Decoders.  'buf' need not be NUL-terminated; exactly 'len' bytes are
 * read.  Each returns WIRE_OK and fills *out (which the caller later
 * releases with the matching _clear()), or a reason with err->detail set
 * and *out zeroed.
 */
enum wire_reason wire_metrics_decode(const void *buf, size_t len,
                                     struct wire_metrics *out,
                                     struct wire_error *err);
enum wire_reason wire_status_decode(const void *buf, size_t len,
                                    struct wire_status *out,
                                    struct wire_error *err);
enum wire_reason wire_event_decode(const void *buf, size_t len,
                                   struct wire_event *out,
                                   struct wire_error *err);
/*
 * The inventory is open-ended (documented in docs/wire.md): "v", "ts" and
 * "type" are required; "labels", when present, must map valid metric
 * names to strings; every string must be valid UTF-8.  Other fields are
 * kept as they are.
 */
enum wire_reason wire_inventory_decode(const void *buf, size_t len,
                                       struct wire_inventory *out,
                                       struct wire_error *err);

void wire_metrics_clear(struct wire_metrics *m);
void wire_inventory_clear(struct wire_inventory *inv);

#endif
