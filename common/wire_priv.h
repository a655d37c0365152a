/*
 * wire_priv.h: what wire.c, wire_encode.c and wire_decode.c share.  Not
 * for other modules: they use wire.h.
 */
#ifndef PANTAU_WIRE_PRIV_H
#define PANTAU_WIRE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "common/wire.h"

/* Time stamps: 1970 up to the end of year 9999. */
#define WIRE_TS_MAX INT64_C(253402300799)
/* Sequence numbers must stay exact in a JSON (double) number. */
#define WIRE_SEQ_MAX (UINT64_C(1) << 53)

/* The stable names, indexed by their enum. */
extern const char *const wire_type_names[DEV_NTYPES];
extern const char *const wire_state_names[WIRE_NSTATES];
extern const char *const wire_severity_names[WIRE_NSEVERITIES];
extern const char *const wire_evstate_names[WIRE_NEVSTATES];

/* The index of 's' among the 'n' names, or -1. */
int wire_lookup(const char *const *names, int n, const char *s);

/* Sets err (if not NULL) to reason 'r' and the formatted detail; returns r. */
enum wire_reason wire_fail(struct wire_error *err, enum wire_reason r,
                           const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Copies received text for a detail: printable ASCII only (anything else,
 * and "'", becomes '?'), at most 40 characters then "...".  Returns buf.
 */
const char *wire_quote(const char *s, char *buf, size_t bufsz);

/*
 * A name given twice among gauges and counters, or NULL when all are
 * distinct (also when memory ran out: then *oom is set).
 */
const char *wire_metrics_dup(const struct wire_metrics *m, int *oom);

/*
 * Validates UTF-8 (RFC 3629).  Returns the offset of the first bad byte, or
 * (size_t)-1 when all 'len' bytes are valid.
 */
size_t wire_utf8_check(const unsigned char *s, size_t len);

#endif
