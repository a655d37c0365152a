/*
 * log.c: pantau's one logging facility (see log.h).
 *
 * Messages are formatted outside the lock, then looked up in a small table
 * of recently written messages: an identical text at the same level within
 * the repeat window is only counted.  The table holds several messages, so
 * two faults that alternate every round ("broker down", "spool full") are
 * both suppressed, which a filter on the last line alone would not do.
 *
 * A count is written when it can be read in place: as "last message
 * repeated N times" right before the next line when the repeated message
 * is the last line written (as syslogd does), otherwise as "message
 * repeated N times: TEXT" when the message comes back after its window,
 * leaves the table, or at log_flush_repeats().  A fault that repeats every
 * second thus costs two lines per window instead of thousands.
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
#define LOG_SLOTS 8

struct log_slot {
	char text[LOG_MSG_MAX];
	enum log_level level;
	int used;              /* slot holds a message */
	int64_t written;       /* when the text was last written */
	unsigned long repeats; /* suppressed since then */
	unsigned long stamp;   /* last seen, for replacement */
};

static struct log_slot log_slots[LOG_SLOTS];
static struct log_slot *log_last; /* the slot of the last line written */
static unsigned long log_stamp;

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

/*
 * Writes the pending count of 'sl', if any: in the short form when its
 * message is the line just above.  Called with log_lock held.
 */
static void
log_write_repeats(struct log_slot *sl)
{
	char line[LOG_MSG_MAX + 64];
	const char *s = sl->repeats == 1 ? "" : "s";

	if (!sl->used || sl->repeats == 0)
		return;
	if (sl == log_last)
		snprintf(line, sizeof(line), "last message repeated %lu time%s",
		         sl->repeats, s);
	else
		snprintf(line, sizeof(line), "message repeated %lu time%s: %s",
		         sl->repeats, s, sl->text);
	log_write(sl->level, line);
	sl->repeats = 0;
	/* The summary is now the line above: nothing is adjacent any more. */
	log_last = NULL;
}

void
log_flush_repeats(void)
{
	size_t i;

	pthread_mutex_lock(&log_lock);
	if (log_last != NULL)
		log_write_repeats(log_last);
	for (i = 0; i < LOG_SLOTS; i++)
		log_write_repeats(&log_slots[i]);
	pthread_mutex_unlock(&log_lock);
}

/* The slot of (level, msg), or NULL.  Called with log_lock held. */
static struct log_slot *
log_find(enum log_level level, const char *msg)
{
	size_t i;

	for (i = 0; i < LOG_SLOTS; i++)
		if (log_slots[i].used && log_slots[i].level == level &&
		    strcmp(log_slots[i].text, msg) == 0)
			return &log_slots[i];
	return NULL;
}

/* A free slot, or the least recently seen one, emptied. */
static struct log_slot *
log_take_slot(void)
{
	struct log_slot *sl = &log_slots[0];
	size_t i;

	for (i = 0; i < LOG_SLOTS; i++) {
		if (!log_slots[i].used)
			return &log_slots[i];
		if (log_slots[i].stamp < sl->stamp)
			sl = &log_slots[i];
	}
	log_write_repeats(sl);
	if (sl == log_last)
		log_last = NULL;
	sl->used = 0;
	return sl;
}

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX];
	struct log_slot *sl;
	int64_t now;
	int saved = errno;

	if (level > log_get_level())
		return;
	/* errno is kept so that "%m" and later checks still see it. */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	errno = saved;

	pthread_mutex_lock(&log_lock);
	now = log_now();
	sl = log_window > 0 ? log_find(level, msg) : NULL;
	if (sl != NULL && now - sl->written < (int64_t)log_window) {
		sl->repeats++;
		sl->stamp = ++log_stamp;
		pthread_mutex_unlock(&log_lock);
		errno = saved;
		return;
	}
	/* The count of the line above goes right below it. */
	if (log_last != NULL && log_last != sl)
		log_write_repeats(log_last);
	if (sl != NULL)
		log_write_repeats(sl);
	else if (log_window > 0)
		sl = log_take_slot();
	log_write(level, msg);
	if (sl != NULL) {
		memcpy(sl->text, msg, sizeof(sl->text));
		sl->level = level;
		sl->used = 1;
		sl->written = now;
		sl->repeats = 0;
		sl->stamp = ++log_stamp;
	}
	log_last = sl;
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
