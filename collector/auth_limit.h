/*
 * auth_limit.h: sign-in rate limiting (issue 9, docs/auth.md).
 *
 * Counts failed sign-ins per key (a client address, a user name) in a
 * sliding window: after 'max' failures within 'window' seconds the key is
 * refused until the oldest of them leaves the window.  A refused attempt
 * is not checked at all, so guessing stops, and it does not count again.
 * The table has a fixed capacity; when full, the entry whose last failure
 * is oldest makes room.  Thread-safe (one mutex).
 */
#ifndef PANTAU_COLLECTOR_AUTH_LIMIT_H
#define PANTAU_COLLECTOR_AUTH_LIMIT_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_LIMIT_MAX_FAILURES 16 /* largest 'max' */
#define AUTH_LIMIT_KEY_MAX 80

struct auth_limit;

/* NULL when out of memory or max is 0 or above AUTH_LIMIT_MAX_FAILURES. */
struct auth_limit *auth_limit_new(unsigned max, unsigned window,
                                  size_t capacity);
void auth_limit_free(struct auth_limit *l); /* NULL is a no-op */

/* 0 when 'key' may try at 'now', else the seconds to wait (>= 1). */
unsigned auth_limit_check(struct auth_limit *l, const char *key, int64_t now);

/* Records a failure of 'key' at 'now'. */
void auth_limit_fail(struct auth_limit *l, const char *key, int64_t now);

/* Forgets the failures of 'key' (after a good sign-in). */
void auth_limit_clear(struct auth_limit *l, const char *key);

#endif
