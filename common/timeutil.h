/*
 * timeutil.h: time helpers shared by the agent and the collector.
 *
 * Sampling rounds are aligned to multiples of their interval in Unix time,
 * so every agent of a site samples at the same wall-clock instants and RRD
 * updates land exactly on step boundaries (unaligned updates smear
 * averages).  Scheduling uses the monotonic clock so a clock step does not
 * starve or flood the rounds; time stamps use the real-time clock.
 */
#ifndef PANTAU_TIMEUTIL_H
#define PANTAU_TIMEUTIL_H

#include <stdint.h>
#include <stddef.h>
#include <time.h>

/* The largest multiple of 'interval' that is <= t.  interval must be >= 1. */
int64_t time_align(int64_t t, unsigned interval);

/* The smallest multiple of 'interval' that is > t. */
int64_t time_next_round(int64_t t, unsigned interval);

/* Real-time clock, whole seconds, and in milliseconds. */
int64_t time_now(void);
int64_t time_now_ms(void);

/* Monotonic clock in milliseconds (never steps). */
int64_t time_mono_ms(void);

/*
 * Formats t as UTC "2026-11-28T12:00:00Z" into buf (at least 21 bytes).
 * Returns buf, or NULL when it does not fit.
 */
char *time_format_iso(int64_t t, char *buf, size_t bufsz);

/*
 * Parses an ISO 8601 date "2026-11-28" (midnight UTC) or date-time
 * "2026-11-28T12:00:00Z" / "2026-11-28 12:00:00" (UTC).  Returns 0 and sets
 * *out, or -1 for anything else, including impossible dates.
 */
int time_parse_iso(const char *s, int64_t *out);

/*
 * Like time_parse_iso, but a bare date is local midnight (report periods
 * follow the site's calendar); a date-time is still UTC.
 */
int time_parse_local_date(const char *s, int64_t *out);

#endif
