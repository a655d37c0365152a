/*
 * log.h: the one logging facility of pantau's daemons and tools.
 *
 * In the foreground (-d) messages go to stderr with a time stamp; otherwise
 * to syslog(3) under the program's name.  A message whose text repeats is
 * written once and then summarised ("last message repeated 312 times"), so
 * a broker that is down for a day does not fill the disk: the daemons log
 * state changes, and this is the safety net for the places that do not.
 *
 * Not thread-safe across log_init(); the log_* calls themselves take a lock
 * and may be used from worker threads.
 */
#ifndef PANTAU_LOG_H
#define PANTAU_LOG_H

#include <stdarg.h>
#include <stdint.h>

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

/*
 * Starts logging for program 'ident' (not copied: keep it alive).  With
 * 'foreground' non-zero, to stderr; otherwise to syslog (facility daemon).
 * Messages above 'level' are dropped.  Calling it again switches targets.
 */
void log_init(const char *ident, int foreground, enum log_level level);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/*
 * Parses "error", "warning", "info" or "debug".  Returns 0 and sets *out, or
 * -1 for anything else.
 */
int log_level_parse(const char *s, enum log_level *out);

/*
 * Within this many seconds, an identical message (same text and level,
 * among the last few distinct messages) is counted rather than written
 * again.  The count is reported as "last message repeated N times" before
 * the next line when the message is the line just written, otherwise as
 * "message repeated N times: TEXT" with the next occurrence after the
 * window or by log_flush_repeats().  Default 300; 0 disables the filter
 * (tests use that).
 */
void log_set_repeat_window(unsigned seconds);

/*
 * The clock of the repeat filter (Unix seconds); NULL restores time(NULL).
 * For tests, which step it instead of sleeping through a window.
 */
void log_set_clock(int64_t (*now)(void));

/* Writes pending "repeated N times" summaries (call at exit, or periodically).
 */
void log_flush_repeats(void);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/*
 * Logs at error level and exits with status 1.  Only for start-up failures
 * and broken invariants in the daemons, never from common/ code.
 */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
