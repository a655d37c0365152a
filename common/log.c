/*
 * log.c: pantau's one logging facility (see log.h).
 *
 * Messages are formatted outside the lock, then compared with the last
 * message written: an identical text within the repeat window is only
 * counted.  The count is written as "last message repeated N times" before
 * the next different message, with the next occurrence after the window,
 * or by log_flush_repeats(), like syslogd does, so a fault that repeats
 * every second costs two lines per window instead of thousands.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "common/log.h"

#define LOG_MSG_MAX 1024

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *log_ident = "pantau";
static int log_foreground = 1;
static int log_syslog_open;
static enum log_level log_level_max = LOG_LVL_INFO;
static unsigned log_window = 300;
static int64_t (*log_clock)(void);

/* The repeat filter's state, under log_lock. */
static char log_last[LOG_MSG_MAX];
static enum log_level log_last_level;
static int log_have_last;
static int64_t log_last_time; /* when log_last was last written */
static unsigned long log_repeats;

static const char *const log_level_names[] = {
    [LOG_LVL_ERR] = "error",
    [LOG_LVL_WARN] = "warning",
    [LOG_LVL_INFO] = "info",
    [LOG_LVL_DEBUG] = "debug",
};

static int64_t
log_now(void)
{
	if (log_clock != NULL)
		return log_clock();
	return (int64_t)time(NULL);
}

void
log_init(const char *ident, int foreground, enum log_level level)
{
	pthread_mutex_lock(&log_lock);
	if (log_syslog_open) {
		closelog();
		log_syslog_open = 0;
	}
	log_ident = ident != NULL ? ident : "pantau";
	log_foreground = foreground;
	log_level_max = level;
	if (!foreground) {
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_syslog_open = 1;
	}
	pthread_mutex_unlock(&log_lock);
}

void
log_set_level(enum log_level level)
{
	pthread_mutex_lock(&log_lock);
	log_level_max = level;
	pthread_mutex_unlock(&log_lock);
}

enum log_level
log_get_level(void)
{
	enum log_level l;

	pthread_mutex_lock(&log_lock);
	l = log_level_max;
	pthread_mutex_unlock(&log_lock);
	return l;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof(log_level_names) / sizeof(log_level_names[0]);
	     i++) {
		if (strcmp(s, log_level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void
log_set_repeat_window(unsigned seconds)
{
	pthread_mutex_lock(&log_lock);
	log_window = seconds;
	pthread_mutex_unlock(&log_lock);
}

void
log_set_clock(int64_t (*now)(void))
{
	pthread_mutex_lock(&log_lock);
	log_clock = now;
	pthread_mutex_unlock(&log_lock);
}

/* Writes one line to the current target.  Called with log_lock held. */
static void
log_write(enum log_level level, const char *msg)
{
	static const int prio[] = {
	    [LOG_LVL_ERR] = LOG_ERR,
	    [LOG_LVL_WARN] = LOG_WARNING,
	    [LOG_LVL_INFO] = LOG_INFO,
	    [LOG_LVL_DEBUG] = LOG_DEBUG,
	};
	char stamp[32];
	struct tm tm;
	time_t now;
	int saved = errno;

	if ((unsigned)level > LOG_LVL_DEBUG)
		level = LOG_LVL_ERR;
	if (!log_foreground) {
		syslog(prio[level], "%s", msg);
		errno = saved;
		return;
	}
	now = time(NULL);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		stamp[0] = '\0';
	if (level == LOG_LVL_INFO)
		fprintf(stderr, "%s %s: %s\n", stamp, log_ident, msg);
	else
		fprintf(stderr, "%s %s: %s: %s\n", stamp, log_ident,
		        log_level_names[level], msg);
	fflush(stderr);
	errno = saved;
}

/* Writes the pending summary, if any.  Called with log_lock held. */
static void
log_write_repeats(void)
{
	char line[64];

	if (log_repeats == 0)
		return;
	snprintf(line, sizeof(line), "last message repeated %lu time%s",
	         log_repeats, log_repeats == 1 ? "" : "s");
	log_write(log_last_level, line);
	log_repeats = 0;
}

void
log_flush_repeats(void)
{
	pthread_mutex_lock(&log_lock);
	log_write_repeats();
	pthread_mutex_unlock(&log_lock);
}

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX];
	int64_t now;
	int saved = errno;

	if (level > log_get_level())
		return;
	/* errno is kept so that "%m" and later checks still see it. */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	errno = saved;

	pthread_mutex_lock(&log_lock);
	now = log_now();
	if (log_window > 0 && log_have_last && level == log_last_level &&
	    strcmp(msg, log_last) == 0) {
		if (now - log_last_time < (int64_t)log_window) {
			log_repeats++;
			pthread_mutex_unlock(&log_lock);
			errno = saved;
			return;
		}
	}
	log_write_repeats();
	log_write(level, msg);
	memcpy(log_last, msg, sizeof(log_last));
	log_last_level = level;
	log_have_last = 1;
	log_last_time = now;
	pthread_mutex_unlock(&log_lock);
	errno = saved;
}

#define LOG_FN(fn, lvl)                                                        \
	void fn(const char *fmt, ...)                                          \
	{                                                                      \
		va_list ap;                                                    \
                                                                               \
		va_start(ap, fmt);                                             \
		log_vmsg(lvl, fmt, ap);                                        \
		va_end(ap);                                                    \
	}

LOG_FN(log_err, LOG_LVL_ERR)
LOG_FN(log_warn, LOG_LVL_WARN)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERR, fmt, ap);
	va_end(ap);
	log_flush_repeats();
	exit(1);
}
