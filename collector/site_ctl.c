/*
 * site_ctl.c: pantauctl site bridge-config (site_ctl.h, docs/province.md).
 *
 * A province has one broker that the collector subscribes to and, at every
 * telecenter, a site broker that its agents publish to.  The site broker
 * bridges its own pantau/v1/SITE/# out to the province broker at QoS 1
 * over TLS, with a persistent session on both sides (cleansession false),
 * so that a link that drops for hours loses nothing: the site broker
 * queues for the bridge, on disk through its persistence file, and sends
 * in order when the link is back.  This file prints that configuration
 * for one site, so every site's bridge is the same but for its names.
 *
 * mosquitto 2.0 (Debian 12) has no bridge option for the queue: the
 * queue limit (max_queued_messages) and persistence are global options of
 * the site broker, so they are printed first, apart from the bridge
 * section.  persistence_location is not printed: Debian's mosquitto.conf
 * sets it, and mosquitto refuses a second one.
 *
 * A SITE that is not a valid id is refused.  A valid one that the
 * collector has never seen (no device in the database, no [site SITE]
 * section) gets a warning and the configuration anyway: sites are set up
 * before their first agent publishes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/collector.h"
#include "collector/db.h"
#include "collector/site_ctl.h"
#include "common/conf.h"
#include "common/names.h"

#define SITE_CTL_PASSWORD_MAX 256

/* What the command line said; unset numbers are 0. */
struct site_ctl_args {
	const char *site;
	const char *remote;
	const char *cafile;
	int no_tls;
	const char *username;
	const char *password_file;
	const char *protocol;
	const char *output;
	unsigned devices;
	unsigned interval;
	unsigned hours;
};

unsigned long
site_bridge_queue(const struct site_bridge *b)
{
	unsigned long per_hour, n;

	if (b->devices == 0 || b->interval == 0 || b->hours == 0)
		return 0;
	/* a round per interval, a partial one counted whole */
	per_hour = (3600ul + b->interval - 1) / b->interval;
	n = (unsigned long)b->devices * per_hour * b->hours;
	n += (n + 3) / 4; /* status, inventory, events */
	n = (n + 999) / 1000 * 1000;
	return n < 1000 ? 1000 : n;
}

int
site_bridge_write(FILE *f, const struct site_bridge *b)
{
	unsigned long q = site_bridge_queue(b);

	fprintf(f,
	        "# pantau: bridge of site %s to the province broker %s:%u.\n"
	        "# From pantauctl site bridge-config; on a Debian site broker "
	        "put it in\n"
	        "# /etc/mosquitto/conf.d/pantau-bridge.conf and restart "
	        "mosquitto.\n"
	        "#\n"
	        "# While the link is down the site broker queues for the "
	        "bridge:\n"
	        "# %u devices x %lu rounds an hour (interval %u s) x %u h,\n"
	        "# plus a quarter for status, inventory and events = %lu "
	        "messages.\n"
	        "# These three are global: they apply to the whole site "
	        "broker.\n"
	        "persistence true\n"
	        "autosave_interval %u\n"
	        "max_queued_messages %lu\n"
	        "\n",
	        b->site, b->host, b->port, b->devices,
	        (3600ul + b->interval - 1) / b->interval, b->interval, b->hours,
	        q, SITE_BRIDGE_AUTOSAVE, q);
	fprintf(f,
	        "connection pantau-%s\n"
	        "address %s:%u\n"
	        "topic pantau/v1/%s/# out 1\n"
	        "bridge_protocol_version %s\n"
	        "cleansession false\n"
	        "local_clientid pantau-bridge-%s.local\n"
	        "remote_clientid pantau-bridge-%s\n"
	        "remote_username %s\n",
	        b->site, b->host, b->port, b->site, b->protocol, b->site,
	        b->site, b->username);
	if (b->password != NULL)
		fprintf(f, "remote_password %s\n", b->password);
	else
		fprintf(f, "# remote_password: give pantauctl "
		           "--password-file FILE\n");
	if (b->cafile != NULL)
		fprintf(f,
		        "bridge_cafile %s\n"
		        "bridge_tls_version tlsv1.2\n"
		        "bridge_insecure false\n",
		        b->cafile);
	else
		fprintf(f, "# no TLS (--no-tls): for a lab or a test on "
		           "loopback only\n");
	fprintf(f, "try_private true\n"
	           "notifications true\n");
	return ferror(f) ? -1 : 0;
}

static int
site_ctl_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	long v;

	if (conf_parse_long(s, &v) != 0 || v < (long)min || v > (long)max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* argv[2..]: SITE and the options, in any order.  0, or -1 (printed). */
static int
site_ctl_parse(int argc, char **argv, struct site_ctl_args *a, FILE *err)
{
	const char *opt;
	int i;

	memset(a, 0, sizeof *a);
	for (i = 2; i < argc; i++) {
		opt = argv[i];
		if (strcmp(opt, "--no-tls") == 0) {
			a->no_tls = 1;
			continue;
		}
		if (opt[0] != '-' || opt[1] == '\0') {
			if (a->site != NULL) {
				fprintf(err, "pantauctl: one SITE only\n");
				return -1;
			}
			a->site = opt;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(err, "pantauctl: %s needs a value\n", opt);
			return -1;
		}
		i++;
		if (strcmp(opt, "--remote") == 0)
			a->remote = argv[i];
		else if (strcmp(opt, "--cafile") == 0)
			a->cafile = argv[i];
		else if (strcmp(opt, "--username") == 0)
			a->username = argv[i];
		else if (strcmp(opt, "--password-file") == 0)
			a->password_file = argv[i];
		else if (strcmp(opt, "--protocol") == 0)
			a->protocol = argv[i];
		else if (strcmp(opt, "-o") == 0)
			a->output = argv[i];
		else if (strcmp(opt, "--devices") == 0) {
			if (site_ctl_uint(argv[i], 1, 100000, &a->devices)) {
				fprintf(err,
				        "pantauctl: --devices: 1..100000\n");
				return -1;
			}
		} else if (strcmp(opt, "--interval") == 0) {
			if (site_ctl_uint(argv[i], 1, 86400, &a->interval)) {
				fprintf(err, "pantauctl: --interval: 1..86400 "
				             "seconds\n");
				return -1;
			}
		} else if (strcmp(opt, "--queue-hours") == 0) {
			if (site_ctl_uint(argv[i], 1, 24 * 31, &a->hours)) {
				fprintf(err, "pantauctl: --queue-hours: "
				             "1..744\n");
				return -1;
			}
		} else {
			fprintf(err, "pantauctl: unknown option '%s'\n", opt);
			return -1;
		}
	}
	if (a->no_tls && a->cafile != NULL) {
		fprintf(err, "pantauctl: --cafile and --no-tls exclude each "
		             "other\n");
		return -1;
	}
	return 0;
}

/* A host name or IPv4 address: letters, digits, '.', '-'. */
static int
site_ctl_host_valid(const char *h, size_t len)
{
	size_t i;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') ||
		      (h[i] >= 'A' && h[i] <= 'Z') ||
		      (h[i] >= '0' && h[i] <= '9') || h[i] == '.' ||
		      h[i] == '-'))
			return 0;
	return 1;
}

static int
site_ctl_loopback(const char *h)
{
	return strncmp(h, "127.", 4) == 0 || strcmp(h, "localhost") == 0 ||
	       strcmp(h, "::1") == 0;
}

/*
 * --remote HOST[:PORT] into b->host (in 'buf') and b->port; without it the
 * collector's own broker, which a site must be able to reach.
 */
static int
site_ctl_remote(const struct collector_conf *cf, const struct site_ctl_args *a,
                struct site_bridge *b, char *buf, size_t bufsz, FILE *err)
{
	const char *colon;
	size_t hlen;

	b->port = a->no_tls ? SITE_BRIDGE_PORT_PLAIN : SITE_BRIDGE_PORT_TLS;
	if (a->remote == NULL) {
		if (cf->mqtt_host == NULL || site_ctl_loopback(cf->mqtt_host)) {
			fprintf(err,
			        "pantauctl: the collector's broker is "
			        "%s, which a site cannot reach: give "
			        "--remote HOST[:PORT]\n",
			        cf->mqtt_host ? cf->mqtt_host : "not set");
			return -1;
		}
		snprintf(buf, bufsz, "%s", cf->mqtt_host);
		b->host = buf;
		return 0;
	}
	colon = strrchr(a->remote, ':');
	hlen = colon ? (size_t)(colon - a->remote) : strlen(a->remote);
	if (!site_ctl_host_valid(a->remote, hlen) || hlen >= bufsz ||
	    (colon != NULL &&
	     site_ctl_uint(colon + 1, 1, 65535, &b->port) != 0)) {
		fprintf(err, "pantauctl: --remote: HOST[:PORT] with a host "
		             "name or IPv4 address\n");
		return -1;
	}
	memcpy(buf, a->remote, hlen);
	buf[hlen] = '\0';
	b->host = buf;
	return 0;
}

/*
 * The first line of the password file.  mosquitto takes the rest of the
 * line as the value, so control characters and surrounding blanks are
 * refused rather than silently changed.  The password is never printed
 * in a message.
 */
static int
site_ctl_password(const char *path, char *buf, size_t bufsz, FILE *err)
{
	FILE *f;
	size_t n, i;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(err, "pantauctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fgets(buf, (int)bufsz, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	for (i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			break;
	if (n == 0 || i < n || buf[0] == ' ' || buf[n - 1] == ' ' ||
	    n + 1 >= bufsz) {
		fprintf(err,
		        "pantauctl: %s: the first line must be the password "
		        "(no control characters, no surrounding blanks, "
		        "under %d bytes)\n",
		        path, SITE_CTL_PASSWORD_MAX);
		return -1;
	}
	return 0;
}

/*
 * What the collector knows of the site: its devices (how many, and the
 * shortest interval) from the database, and whether a [site SITE] section
 * names it.  Returns 1 known, 0 not; a missing database is "not seen".
 */
static int
site_ctl_known(const struct collector_conf *cf, const char *site,
               unsigned *ndev, unsigned *interval)
{
	struct db_device *devs = NULL;
	struct db *db;
	char path[4096], errbuf[256];
	size_t n = 0, i;
	int known;

	*ndev = 0;
	*interval = 0;
	known = conf_find(cf->raw, "site", site) != NULL;
	snprintf(path, sizeof path, "%s/pantau.db", cf->data_dir);
	if (access(path, R_OK) != 0 ||
	    (db = db_open(path, 1, errbuf, sizeof errbuf)) == NULL)
		return known;
	if (db_devices_query(db, site, 0, &devs, &n) == 0 && n > 0) {
		known = 1;
		*ndev = (unsigned)n;
		for (i = 0; i < n; i++)
			if (devs[i].interval > 0 &&
			    (*interval == 0 || devs[i].interval < *interval))
				*interval = devs[i].interval;
	}
	free(devs);
	db_close(db);
	return known;
}

static int
site_ctl_bridge(const struct collector_conf *cf, int argc, char **argv,
                FILE *out, FILE *err)
{
	struct site_ctl_args a;
	struct site_bridge b;
	char host[256], user[NAME_ID_MAX + 16];
	char password[SITE_CTL_PASSWORD_MAX];
	unsigned seen_dev, seen_int;
	FILE *f = out;
	int fd, rc = 0;

	password[0] = '\0';
	if (site_ctl_parse(argc, argv, &a, err) != 0 || a.site == NULL)
		goto usage;
	if (!name_id_valid(a.site)) {
		fprintf(err,
		        "pantauctl: '%s' is not a site id "
		        "([a-z0-9][a-z0-9_-]{0,62})\n",
		        a.site);
		return 2;
	}
	if (a.protocol != NULL && strcmp(a.protocol, "mqttv311") != 0 &&
	    strcmp(a.protocol, "mqttv50") != 0) {
		fprintf(err, "pantauctl: --protocol: mqttv311 or mqttv50\n");
		return 2;
	}
	memset(&b, 0, sizeof b);
	b.site = a.site;
	if (site_ctl_remote(cf, &a, &b, host, sizeof host, err) != 0)
		return 2;
	b.cafile = a.no_tls ? NULL : a.cafile ? a.cafile : SITE_BRIDGE_CAFILE;
	snprintf(user, sizeof user, "pantau-bridge-%s", a.site);
	b.username = a.username ? a.username : user;
	if (strpbrk(b.username, " \t\r\n") != NULL || b.username[0] == '\0') {
		fprintf(err, "pantauctl: --username: no blanks\n");
		return 2;
	}
	b.protocol = a.protocol ? a.protocol : "mqttv311";
	b.hours = a.hours ? a.hours : SITE_BRIDGE_HOURS;

	if (!site_ctl_known(cf, a.site, &seen_dev, &seen_int))
		fprintf(err,
		        "pantauctl: warning: site '%s' is not known yet (no "
		        "device seen, no [site %s] section); the configuration "
		        "follows anyway\n",
		        a.site, a.site);
	b.devices = a.devices  ? a.devices
	            : seen_dev ? seen_dev
	                       : SITE_BRIDGE_DEVICES;
	b.interval = a.interval ? a.interval
	             : seen_int ? seen_int
	                        : SITE_BRIDGE_INTERVAL;

	if (a.password_file != NULL &&
	    site_ctl_password(a.password_file, password, sizeof password,
	                      err) != 0) {
		rc = 1;
		goto done;
	}
	b.password = a.password_file ? password : NULL;

	if (a.output != NULL) {
		/* 0600: the file may hold the bridge's password */
		fd = open(a.output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		          0600);
		if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
			fprintf(err, "pantauctl: %s: %s\n", a.output,
			        strerror(errno));
			if (fd >= 0)
				close(fd);
			rc = 1;
			goto done;
		}
	}
	if (site_bridge_write(f, &b) != 0 || fflush(f) != 0) {
		fprintf(err, "pantauctl: writing the configuration: %s\n",
		        strerror(errno));
		rc = 1;
	}
	if (f != out && fclose(f) != 0)
		rc = 1;
done:
	memset(password, 0, sizeof password);
	return rc;
usage:
	fprintf(err, "usage: pantauctl site bridge-config SITE [--remote "
	             "HOST[:PORT]] [--cafile FILE | --no-tls]\n"
	             "       [--username NAME] [--password-file FILE] "
	             "[--protocol mqttv311|mqttv50]\n"
	             "       [--devices N] [--interval SECS] "
	             "[--queue-hours H] [-o FILE]\n");
	return 2;
}

int
site_ctl_run(const struct collector_conf *cf, int argc, char **argv, FILE *out,
             FILE *err)
{
	if (argc >= 2 && strcmp(argv[1], "bridge-config") == 0)
		return site_ctl_bridge(cf, argc, argv, out, err);
	fprintf(err, "usage: pantauctl site bridge-config SITE [OPTIONS]\n");
	return 2;
}

int
site_ctl(const struct collector_conf *cf, int argc, char **argv)
{
	return site_ctl_run(cf, argc, argv, stdout, stderr);
}
