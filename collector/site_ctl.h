/*
 * site_ctl.h: pantauctl's "site" command (pantauctl(8), docs/province.md).
 *
 *   pantauctl site bridge-config SITE [--remote HOST[:PORT]]
 *       [--cafile FILE | --no-tls] [--username NAME] [--password-file FILE]
 *       [--protocol mqttv311|mqttv50] [--devices N] [--interval SECS]
 *       [--queue-hours H] [-o FILE]
 *
 * prints the mosquitto configuration that a site broker needs to forward
 * its pantau/v1/SITE/# to the province broker over TLS, queueing on disk
 * while the link is down (DESIGN.md section 11).  The text is built by
 * site_bridge_write() from a filled struct site_bridge, so the unit test
 * checks the exact output without a database or a configuration file.
 */
#ifndef PANTAU_COLLECTOR_SITE_CTL_H
#define PANTAU_COLLECTOR_SITE_CTL_H

#include <stdio.h>

struct collector_conf;

/* Where the province broker's CA goes on a Debian site broker. */
#define SITE_BRIDGE_CAFILE "/etc/mosquitto/ca_certificates/pantau-province.crt"
#define SITE_BRIDGE_PORT_TLS 8883
#define SITE_BRIDGE_PORT_PLAIN 1883
#define SITE_BRIDGE_HOURS 24    /* outage the queue covers by default */
#define SITE_BRIDGE_DEVICES 30  /* a large telecenter (DESIGN.md 1) */
#define SITE_BRIDGE_INTERVAL 60 /* the agent's default interval */
#define SITE_BRIDGE_AUTOSAVE 60 /* seconds of queue a power cut may lose */

/* Everything the bridge section depends on; strings are borrowed. */
struct site_bridge {
	const char *site;     /* a valid site id (name_id_valid) */
	const char *host;     /* the province broker, as the site sees it */
	unsigned port;        /* 1..65535 */
	const char *cafile;   /* NULL: plain TCP (labs and tests only) */
	const char *username; /* never NULL */
	const char *password; /* NULL: no remote_password line */
	const char *protocol; /* "mqttv311" or "mqttv50" */
	unsigned devices;     /* devices publishing through the site broker */
	unsigned interval;    /* their shortest interval, seconds */
	unsigned hours;       /* the outage the queue must cover */
};

/*
 * The messages the site broker must be able to hold for the bridge:
 * devices x (3600 / interval) x hours, plus a quarter for status,
 * inventory and events, rounded up to a thousand; never below
 * mosquitto's default of 1000.  0 when an input is 0.
 */
unsigned long site_bridge_queue(const struct site_bridge *b);

/* Writes the configuration text to 'f'.  Returns 0, or -1 on a write error. */
int site_bridge_write(FILE *f, const struct site_bridge *b);

/*
 * The "site" command: argv[0] is "site", argv[1] the subcommand.  Output
 * goes to 'out' (or to the -o file, created mode 0600 because it may hold
 * the bridge password), warnings and errors to 'err'.  Returns the exit
 * status: 0 done, 1 failed, 2 usage (an invalid SITE is a usage error).
 */
int site_ctl_run(const struct collector_conf *cf, int argc, char **argv,
                 FILE *out, FILE *err);

/* pantauctl.c's table row: site_ctl_run() on stdout and stderr. */
int site_ctl(const struct collector_conf *cf, int argc, char **argv);

#endif
