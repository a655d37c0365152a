/*
 * config.c: pantau-collector.conf (DESIGN.md section 7) into a struct
 * collector_conf.
 *
 * Loading is a transaction: common/conf.c (inih) parses the file, then every
 * section and key is checked here against the tables below, and every
 * mistake is recorded as "FILE:LINE: message" so a technician sees all of
 * them at once.  Only a file without errors yields a configuration; -n,
 * "pantauctl check" and SIGHUP all take this path, so a broken edit is
 * never half applied.
 *
 * [cups] is validated by cups_config_parse() (collector/cups_config.c),
 * [notify NAME] by notify_config_parse() (collector/notify_config.c).
 * [rule NAME] belongs to a later part of the collector; its keys are
 * checked here already (docs in pantau-collector.conf(5)) so that a typo
 * is caught today, not when the feature arrives.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collector/alert.h"
#include "collector/asset.h"
#include "collector/collector.h"
#include "collector/http.h"
#include "collector/internet.h"
#include "collector/site.h"
#include "common/names.h"

#define CONFIG_QUEUE_DEFAULT 200000
#define CONFIG_QUEUE_MIN 1000
#define CONFIG_QUEUE_MAX 10000000

static const char *const config_collector_keys[] = {"data_dir", "log_level",
                                                    NULL};
static const char *const config_mqtt_keys[] = {
    "host",   "port",      "username",  "password_file",
    "tls_ca", "client_id", "keepalive", NULL};
static const char *const config_rrd_keys[] = {"cached", "step", "queue_max",
                                              NULL};
static const char *const config_http_keys[] = {"listen", "tls_cert", "tls_key",
                                               "dashboards", NULL};

static const char *const config_log_levels[] = {"error", "warning", "info",
                                                "debug", NULL};

/* Records an error unless the file at 'key' can be opened for reading. */
static void
config_readable(const struct conf_section *s, const char *key, const char *path,
                struct conf_err *errs)
{
	if (path != NULL && access(path, R_OK) != 0)
		conf_errorf(s, key, errs, "cannot read %s '%s': %s", key, path,
		            strerror(errno));
}

/* An optional string that must not be empty. */
static int
config_str(const struct conf_section *s, const char *key, const char **out,
           struct conf_err *errs)
{
	const char *v;
	int r;

	if ((r = conf_get_str(s, key, &v, errs)) != 1)
		return r;
	if (v[0] == '\0') {
		conf_errorf(s, key, errs, "%s must not be empty", key);
		return -1;
	}
	*out = v;
	return 1;
}

static void
config_collector(const struct conf_section *s, struct collector_conf *cf,
                 struct conf_err *errs)
{
	int level;

	conf_check_keys(s, config_collector_keys, errs);
	if (config_str(s, "data_dir", &cf->data_dir, errs) == 1 &&
	    cf->data_dir[0] != '/')
		conf_errorf(s, "data_dir", errs,
		            "data_dir must be an absolute path");
	if (conf_get_enum(s, "log_level", config_log_levels, &level, errs) == 1)
		cf->log_level = (enum log_level)level;
}

/*
 * MQTT client ids: the 3.1.1 specification only promises 1..23 characters
 * of [0-9a-zA-Z]; mosquitto takes more, so allow a conservative superset.
 */
static bool
config_client_id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 64)
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyz"
	                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

static void
config_mqtt(const struct conf_section *s, struct collector_conf *cf,
            struct conf_err *errs)
{
	conf_check_keys(s, config_mqtt_keys, errs);
	config_str(s, "host", &cf->mqtt_host, errs);
	config_str(s, "username", &cf->mqtt_username, errs);
	config_str(s, "password_file", &cf->mqtt_password_file, errs);
	if (config_str(s, "tls_ca", &cf->mqtt_tls_ca, errs) == 1)
		cf->mqtt_port = 8883;
	conf_get_int(s, "port", 1, 65535, &cf->mqtt_port, errs);
	if (config_str(s, "client_id", &cf->mqtt_client_id, errs) == 1 &&
	    !config_client_id_valid(cf->mqtt_client_id))
		conf_errorf(s, "client_id", errs,
		            "client_id must be 1 to 64 "
		            "characters of letters, digits, '-', '_' and '.'");
	conf_get_duration(s, "keepalive", 5, 3600, &cf->mqtt_keepalive, errs);

	if (cf->mqtt_password_file != NULL && cf->mqtt_username == NULL)
		conf_errorf(s, "password_file", errs,
		            "password_file needs username");
	config_readable(s, "password_file", cf->mqtt_password_file, errs);
	config_readable(s, "tls_ca", cf->mqtt_tls_ca, errs);
}

static void
config_rrd(const struct conf_section *s, struct collector_conf *cf,
           struct conf_err *errs)
{
	const char *path;

	conf_check_keys(s, config_rrd_keys, errs);
	if (config_str(s, "cached", &cf->rrd_cached, errs) == 1) {
		/*
		 * Only a unix socket: rrdcached's TCP port has no
		 * authentication, and a path rrdcached resolves is only
		 * meaningful when it shares our file system.
		 */
		path = cf->rrd_cached;
		if (strncmp(path, "unix:", 5) == 0)
			path += 5;
		if (path[0] != '/')
			conf_errorf(s, "cached", errs,
			            "cached must be "
			            "unix:/path of the rrdcached socket");
	}
	conf_get_duration(s, "step", 1, WIRE_INTERVAL_MAX, &cf->rrd_step, errs);
	conf_get_int(s, "queue_max", CONFIG_QUEUE_MIN, CONFIG_QUEUE_MAX,
	             &cf->rrd_queue_max, errs);
}

static void
config_cups(const struct conf_section *s, struct collector_conf *cf,
            struct conf_err *errs)
{
	cups_config_parse(s, &cf->cups, errs);
}

static void
config_http(const struct conf_section *s, struct collector_conf *cf,
            struct conf_err *errs)
{
	unsigned char addr[128];
	unsigned addrlen;
	char err[256];

	conf_check_keys(s, config_http_keys, errs);
	if (config_str(s, "listen", &cf->http_listen, errs) == 1 &&
	    http_listen_parse(cf->http_listen, addr, sizeof(addr), &addrlen,
	                      err, sizeof(err)) != 0)
		conf_errorf(s, "listen", errs, "%s", err);
	config_str(s, "tls_cert", &cf->http_tls_cert, errs);
	config_str(s, "tls_key", &cf->http_tls_key, errs);
	if ((cf->http_tls_cert == NULL) != (cf->http_tls_key == NULL))
		conf_errorf(s,
		            cf->http_tls_cert != NULL ? "tls_cert" : "tls_key",
		            errs, "tls_cert and tls_key go together");
	config_readable(s, "tls_cert", cf->http_tls_cert, errs);
	config_readable(s, "tls_key", cf->http_tls_key, errs);
	/*
	 * Only a directory named here must exist: the default is where
	 * "make install" puts the UI, absent in a build tree, and the API
	 * works without it (main.c warns at start).
	 */
	if (config_str(s, "dashboards", &cf->http_dashboards, errs) == 1)
		config_readable(s, "dashboards", cf->http_dashboards, errs);
}

static void
config_notify(const struct conf_section *s, struct collector_conf *cf,
              struct conf_err *errs)
{
	notify_config_parse(s, &cf->notify, errs);
}

/*
 * The sections, sorted by name.  'named' says whether the section takes a
 * name ([rule NAME]) or must not have one ([mqtt]).
 */
struct config_section {
	const char *type;
	bool named;
	void (*single)(const struct conf_section *, struct collector_conf *,
	               struct conf_err *);
	void (*each)(const struct conf_section *, struct conf_err *);
};

static const struct config_section config_sections[] = {
    {"alerts", false, alert_config_alerts, NULL}, /* alert_config.c */
    {"assets", false, asset_config_check, NULL},  /* asset.c */
    {"collector", false, config_collector, NULL},
    {"cups", false, config_cups, NULL},
    {"http", false, config_http, NULL},
    {"internet", false, internet_config_check, NULL}, /* internet.c */
    {"mqtt", false, config_mqtt, NULL},
    {"notify", true, config_notify, NULL},
    {"rrd", false, config_rrd, NULL},
    {"rule", true, NULL, alert_config_rule}, /* collector/alert_config.c */
    {"site", true, NULL, site_config_check}, /* collector/site.c */
};

static const struct config_section *
config_section_find(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(config_sections) / sizeof(config_sections[0]);
	     i++)
		if (strcmp(config_sections[i].type, type) == 0)
			return &config_sections[i];
	return NULL;
}

static void
config_defaults(struct collector_conf *cf)
{
	cf->data_dir = COLLECTOR_DATA_DEFAULT;
	cf->log_level = LOG_LVL_INFO;
	cf->mqtt_host = "127.0.0.1";
	cf->mqtt_port = 1883;
	cf->mqtt_client_id = COLLECTOR_CLIENT_ID;
	cf->mqtt_keepalive = 60;
	cf->rrd_queue_max = CONFIG_QUEUE_DEFAULT;
	cups_config_parse(NULL, &cf->cups, NULL);
	cf->http_listen = HTTP_LISTEN_DEFAULT;
	cf->http_dashboards = PKGDATADIR "/dashboards";
}

struct collector_conf *
config_load(const char *path, struct conf_err *errs)
{
	struct collector_conf *cf;
	const struct conf_section *s;
	const struct config_section *t;
	size_t before = errs->n, i;
	const char *name;

	if ((cf = calloc(1, sizeof(*cf))) == NULL) {
		conf_err_addf(errs, path, 0, "out of memory");
		return NULL;
	}
	config_defaults(cf);
	if ((cf->raw = conf_load(path, errs)) == NULL)
		goto fail;
	cf->path = conf_path(cf->raw);

	for (i = 0; i < conf_section_count(cf->raw); i++) {
		s = conf_section_at(cf->raw, i);
		name = conf_section_name(s);
		if ((t = config_section_find(conf_section_type(s))) == NULL) {
			conf_err_addf(errs, cf->path, conf_section_line(s),
			              "unknown section [%s]",
			              conf_section_type(s));
			continue;
		}
		if (t->named && name == NULL) {
			conf_err_addf(errs, cf->path, conf_section_line(s),
			              "section [%s] needs a name: [%s NAME]",
			              t->type, t->type);
			continue;
		}
		if (!t->named && name != NULL) {
			conf_err_addf(errs, cf->path, conf_section_line(s),
			              "section [%s] takes no name", t->type);
			continue;
		}
		if (t->named && !name_id_valid(name)) {
			conf_err_addf(
			    errs, cf->path, conf_section_line(s),
			    "[%s %s]: '%s' is not a valid name (a-z, 0-9, "
			    "'-', '_'; at most 63)",
			    t->type, name, name);
			continue;
		}
		if (t->single != NULL)
			t->single(s, cf, errs);
		else
			t->each(s, errs);
	}
	if (errs->n != before)
		goto fail;
	return cf;

fail:
	config_free(cf);
	return NULL;
}

void
config_free(struct collector_conf *cf)
{
	if (cf == NULL)
		return;
	notify_config_clear(&cf->notify);
	conf_free(cf->raw);
	free(cf);
}
