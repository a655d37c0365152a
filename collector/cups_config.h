/*
 * cups_config.h: the [cups] section of pantau-collector.conf
 * (docs/printing.md), apart from cups_poll.h so that collector.h can hold
 * a struct cups_config without including libcups.
 */
#ifndef PANTAU_COLLECTOR_CUPS_CONFIG_H
#define PANTAU_COLLECTOR_CUPS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/conf.h"
#include "common/names.h"

#define CUPS_SERVERS_MAX 16
#define CUPS_MAPS_MAX 128
#define CUPS_ADDR_MAX 256 /* "host:port" or a socket path */
#define CUPS_NAME_MAX 128 /* queue and user names */

/* One "queue:device" of the [cups] map key. */
struct cups_map {
	char queue[CUPS_NAME_MAX];
	char device[NAME_ID_MAX + 1];
};

/* The validated [cups] section. */
struct cups_config {
	size_t nservers; /* 0: CUPS polling is off */
	char servers[CUPS_SERVERS_MAX][CUPS_ADDR_MAX];
	unsigned interval;          /* seconds between rounds */
	unsigned timeout;           /* seconds per HTTP request */
	char site[NAME_ID_MAX + 1]; /* the site queues map into */
	bool store_titles;          /* job names are personal data */
	size_t nmaps;
	struct cups_map maps[CUPS_MAPS_MAX];
};

/*
 * Validates the [cups] section 's' (NULL: absent, polling off) into *out,
 * which is fully overwritten (defaults first).  Keys: server (one or more
 * addresses separated by commas or blanks), interval, timeout, site
 * (needed to map queues to devices; required with map), store_titles,
 * map ("queue:device ...").
 * Every problem is recorded in 'errs' as FILE:LINE: message ('errs' may
 * be NULL when 's' is).  Returns 0, or -1 when an error was recorded.
 * Nothing to free; a struct cups_config may be copied and compared with
 * memcmp (it is zeroed before it is filled).
 */
int cups_config_parse(const struct conf_section *s, struct cups_config *out,
                      struct conf_err *errs);

/* The configured device of 'queue', or NULL when the map does not say. */
const char *cups_config_map(const struct cups_config *cfg, const char *queue);

#endif
