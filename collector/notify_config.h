/*
 * notify_config.h: the [notify NAME] sections of pantau-collector.conf
 * (pantau-collector.conf(5), docs/notify.md), apart from notify.h so that
 * collector.h can hold them without libcurl or threads.
 */
#ifndef PANTAU_COLLECTOR_NOTIFY_CONFIG_H
#define PANTAU_COLLECTOR_NOTIFY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/conf.h"
#include "common/names.h"

#define NOTIFY_TARGETS_MAX 32
#define NOTIFY_LIST_MAX 16 /* sites, events, recipients, argv words */

enum notify_type {
	NOTIFY_WEBHOOK,
	NOTIFY_EMAIL,
	NOTIFY_COMMAND, /* "command" or "exec" */
};

enum notify_severity {
	NOTIFY_INFO,
	NOTIFY_WARNING,
	NOTIFY_CRITICAL,
};

enum notify_starttls {
	NOTIFY_STARTTLS_TRY, /* when the server offers it */
	NOTIFY_STARTTLS_OFF,
	NOTIFY_STARTTLS_REQUIRED,
};

/*
 * One validated [notify NAME].  The strings point into the parsed file
 * (struct conf) the configuration owns; notify_new() copies what it needs.
 * Lists are split at commas and blanks.  NULL or 0: not set.
 */
struct notify_target {
	const char *name;
	enum notify_type type;
	enum notify_severity min_severity; /* default info: everything */
	bool english;                      /* language = en; default id */
	size_t nsites;                     /* 0: every site */
	const char *sites[NOTIFY_LIST_MAX];
	size_t nevents; /* 0: every event; shell globs ("alert.*") */
	const char *events[NOTIFY_LIST_MAX];
	unsigned rate_limit;  /* messages per rate_period; 0: unlimited */
	unsigned rate_period; /* seconds */
	unsigned timeout;     /* seconds per delivery */
	unsigned backoff_min; /* seconds before the first retry */
	unsigned backoff_max; /* seconds, the cap of the doubling */
	unsigned retry_for;   /* seconds a message is retried, then dropped */
	unsigned queue_max;   /* messages waiting for this target */
	const char *url;      /* webhook: http(s)://; email: smtp(s):// */
	const char *tls_ca;   /* a CA file instead of the system's */
	/* webhook */
	const char *token_file; /* "Authorization: Bearer <its content>" */
	const char *header;     /* one extra "Name: value" */
	/* email */
	const char *from;
	size_t nto;
	const char *to[NOTIFY_LIST_MAX];
	const char *username;
	const char *password_file;
	enum notify_starttls starttls;
	/* command: argv, split at blanks, never through a shell */
	size_t nargv;
	const char *argv[NOTIFY_LIST_MAX];
	char *own[4]; /* the split copies the lists point into */
};

/* Every [notify NAME] of a configuration, in file order. */
struct notify_config {
	size_t ntargets;
	struct notify_target targets[NOTIFY_TARGETS_MAX];
};

/*
 * Validates one [notify NAME] section 's' and appends it to 'cfg'.  Every
 * problem is recorded in 'errs' as FILE:LINE: message.  Returns 0, or -1
 * when an error was recorded.  The strings of 'cfg' point into the
 * section, which must outlive it.
 */
int notify_config_parse(const struct conf_section *s, struct notify_config *cfg,
                        struct conf_err *errs);

/* Frees the lists' copies (not the struct).  NULL is a no-op. */
void notify_config_clear(struct notify_config *cfg);

/* Whether two configurations describe the same targets (for SIGHUP). */
bool notify_config_equal(const struct notify_config *a,
                         const struct notify_config *b);

/* A severity name ("info", "warning", "critical") or -1. */
int notify_severity_parse(const char *name);

#endif
