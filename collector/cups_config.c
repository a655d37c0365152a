/*
 * cups_config.c: the [cups] section of pantau-collector.conf
 * (docs/printing.md).
 *
 * The collector's config.c calls cups_config_parse() for the section, so
 * the keys are checked with the same "FILE:LINE: message" reporting as the
 * rest of the file and a broken edit is refused as a whole.  The result is
 * a plain struct with fixed buffers: copying it to the worker thread is a
 * memcpy, and there is nothing to free.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "collector/cups_config.h"
#include "common/names.h"

#define CUPS_CONF_INTERVAL_DEFAULT 60
#define CUPS_CONF_TIMEOUT_DEFAULT 10

static const char *const cups_config_keys[] = {
    "server", "interval", "timeout", "site", "store_titles", "map", NULL};

/*
 * Splits 'list' at commas and blanks and calls 'fn' for every word.  The
 * word is copied into 'buf' (truncated words are reported by 'fn' through
 * the length).  Returns the number of words.
 */
static size_t
cups_config_words(const char *list, void (*fn)(const char *, size_t, void *),
                  void *arg)
{
	const char *p = list, *start;
	size_t n = 0;

	for (;;) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return n;
		start = p;
		while (*p != '\0' && *p != ',' && !isspace((unsigned char)*p))
			p++;
		fn(start, (size_t)(p - start), arg);
		n++;
	}
}

struct cups_config_ctx {
	const struct conf_section *s;
	struct cups_config *out;
	struct conf_err *errs;
	int bad;
};

/* 0 when 'a' is host, host:port, [v6] or [v6]:port with port 1..65535. */
static int
cups_config_hostport(const char *a)
{
	const char *port;
	long n = 0;

	if (a[0] == '[') {
		if ((port = strchr(a, ']')) == NULL || port == a + 1)
			return -1;
		port++;
		if (*port == '\0')
			return 0;
		if (*port != ':')
			return -1;
	} else {
		if (a[0] == ':')
			return -1;
		if ((port = strchr(a, ':')) == NULL)
			return 0;
		if (strchr(port + 1, ':') != NULL)
			return -1;
	}
	port++;
	if (*port == '\0')
		return -1;
	for (; *port != '\0'; port++) {
		if (!isdigit((unsigned char)*port) || n > 65535)
			return -1;
		n = n * 10 + (*port - '0');
	}
	return n >= 1 && n <= 65535 ? 0 : -1;
}

/* A server is a socket path ("/run/cups/cups.sock") or host[:port]. */
static void
cups_config_server(const char *w, size_t len, void *arg)
{
	struct cups_config_ctx *c = arg;
	char buf[CUPS_ADDR_MAX];
	size_t i;

	if (len >= CUPS_ADDR_MAX) {
		conf_errorf(c->s, "server", c->errs,
		            "server address longer than %d bytes",
		            CUPS_ADDR_MAX - 1);
		c->bad = 1;
		return;
	}
	memcpy(buf, w, len);
	buf[len] = '\0';
	if (c->out->nservers == CUPS_SERVERS_MAX) {
		conf_errorf(c->s, "server", c->errs,
		            "more than %d CUPS servers", CUPS_SERVERS_MAX);
		c->bad = 1;
		return;
	}
	if (buf[0] != '/' && cups_config_hostport(buf) != 0) {
		conf_errorf(
		    c->s, "server", c->errs,
		    "bad server '%s': "
		    "expected host[:port] (port 1..65535) or a socket path",
		    buf);
		c->bad = 1;
		return;
	}
	for (i = 0; i < c->out->nservers; i++)
		if (strcmp(c->out->servers[i], buf) == 0) {
			conf_errorf(c->s, "server", c->errs,
			            "server '%s' listed twice", buf);
			c->bad = 1;
			return;
		}
	memcpy(c->out->servers[c->out->nservers++], buf, len + 1);
}

/*
 * "queue:device".  CUPS queue names may hold ':' but device ids may not,
 * so the last ':' separates them.
 */
static void
cups_config_mapping(const char *w, size_t len, void *arg)
{
	struct cups_config_ctx *c = arg;
	struct cups_map *m;
	char buf[CUPS_NAME_MAX + NAME_ID_MAX + 2];
	char *colon;
	size_t i;

	if (len >= sizeof(buf)) {
		conf_errorf(c->s, "map", c->errs, "map entry too long");
		c->bad = 1;
		return;
	}
	memcpy(buf, w, len);
	buf[len] = '\0';
	if ((colon = strrchr(buf, ':')) == NULL || colon == buf ||
	    (size_t)(colon - buf) >= CUPS_NAME_MAX) {
		conf_errorf(c->s, "map", c->errs,
		            "bad map entry '%s': "
		            "expected queue:device",
		            buf);
		c->bad = 1;
		return;
	}
	*colon = '\0';
	if (!name_id_valid(colon + 1)) {
		conf_errorf(c->s, "map", c->errs,
		            "bad device id '%s' in map "
		            "entry for queue '%s'",
		            colon + 1, buf);
		c->bad = 1;
		return;
	}
	for (i = 0; i < c->out->nmaps; i++)
		if (strcmp(c->out->maps[i].queue, buf) == 0) {
			conf_errorf(c->s, "map", c->errs,
			            "queue '%s' mapped twice", buf);
			c->bad = 1;
			return;
		}
	if (c->out->nmaps == CUPS_MAPS_MAX) {
		conf_errorf(c->s, "map", c->errs, "more than %d map entries",
		            CUPS_MAPS_MAX);
		c->bad = 1;
		return;
	}
	m = &c->out->maps[c->out->nmaps++];
	strcpy(m->queue, buf);
	strcpy(m->device, colon + 1);
}

int
cups_config_parse(const struct conf_section *s, struct cups_config *out,
                  struct conf_err *errs)
{
	struct cups_config_ctx c = {s, out, errs, 0};
	const char *v, *site = NULL;
	size_t before;

	memset(out, 0, sizeof(*out));
	out->interval = CUPS_CONF_INTERVAL_DEFAULT;
	out->timeout = CUPS_CONF_TIMEOUT_DEFAULT;
	if (s == NULL)
		return 0;
	before = errs->n;

	conf_check_keys(s, cups_config_keys, errs);
	if (conf_get_str(s, "server", &v, errs) == 1 &&
	    cups_config_words(v, cups_config_server, &c) == 0 && !c.bad)
		conf_errorf(s, "server", errs, "server is empty");
	conf_get_duration(s, "interval", 10, 86400, &out->interval, errs);
	conf_get_duration(s, "timeout", 1, 300, &out->timeout, errs);
	conf_get_bool(s, "store_titles", &out->store_titles, errs);
	/*
	 * Without a site, queues map to no device: jobs are still counted
	 * per server and queue, but nothing reaches RRD, events or presence.
	 */
	if (conf_get_id(s, "site", &site, errs) == 1)
		strcpy(out->site, site);
	if (conf_get_str(s, "map", &v, errs) == 1) {
		cups_config_words(v, cups_config_mapping, &c);
		if (site == NULL && conf_value(s, "site", NULL) == NULL)
			conf_errorf(s, "map", errs,
			            "map needs the site of its devices "
			            "(key 'site')");
	}
	if (out->timeout >= out->interval)
		conf_errorf(s, "timeout", errs,
		            "timeout (%u s) must be "
		            "shorter than interval (%u s)",
		            out->timeout, out->interval);
	return errs->n == before ? 0 : -1;
}

const char *
cups_config_map(const struct cups_config *cfg, const char *queue)
{
	size_t i;

	for (i = 0; i < cfg->nmaps; i++)
		if (strcmp(cfg->maps[i].queue, queue) == 0)
			return cfg->maps[i].device;
	return NULL;
}
