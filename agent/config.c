/*
 * config.c: pantau-agent.conf (DESIGN.md section 7) into a struct
 * agent_config.
 *
 * Loading is a transaction: the file is parsed by common/conf.c (inih), then
 * every section and key is checked here against the tables below into a
 * fresh struct, and every mistake is recorded as "FILE:LINE: message" so a
 * technician sees all of them at once.  Only a file without errors yields a
 * configuration; -n and SIGHUP take exactly this path, so a broken edit is
 * never half applied.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/link.h"

static const char *const config_agent_keys[] = {
    "site",     "device",         "interval",      "spool_dir", "spool_max_mb",
    "smartctl", "smart_interval", "smart_timeout", "log_level", NULL};

static const char *const config_mqtt_keys[] = {
    "host",   "port",      "username",      "password_file",
    "tls_ca", "keepalive", "reconnect_max", NULL};

static const char *const config_device_keys[] = {
    "type",           "address",         "snmp_version",   "community",
    "snmp_user",      "snmp_auth",       "snmp_auth_pass", "snmp_priv",
    "snmp_priv_pass", "pjlink_password", "interval",       NULL};

/* The keys only SNMPv3 uses, in the order they are reported. */
static const char *const config_v3_keys[] = {"snmp_user",      "snmp_auth",
                                             "snmp_auth_pass", "snmp_priv",
                                             "snmp_priv_pass", NULL};

static const char *const config_log_levels[] = {"error", "warning", "info",
                                                "debug", NULL};
static const char *const config_types[] = {"pc", "printer", "switch",
                                           "projector", NULL};
static const char *const config_snmp_versions[] = {"1", "2c", "3", NULL};
static const char *const config_auths[] = {"SHA", "SHA-256", "MD5", NULL};
static const char *const config_privs[] = {"AES", "DES", NULL};
static const char *const config_snmp_keys[] = {"agentx", NULL};

/* net-snmp refuses shorter v3 pass phrases (RFC 3414 asks for 8). */
#define CONFIG_SNMP_PASS_MIN 8
#define CONFIG_SPOOL_MAX ((uint64_t)1 << 40)

/*
 * Copies an optional string value into *out (NULL when absent).  Returns -1
 * on a bad value or memory failure (recorded), 0 otherwise.
 */
static int
config_dup(const struct conf_section *s, const char *key, char **out,
           struct conf_err *errs)
{
	const char *v;
	int r;

	if ((r = conf_get_str(s, key, &v, errs)) <= 0)
		return r;
	if ((*out = strdup(v)) == NULL) {
		conf_errorf(s, key, errs, "out of memory");
		return -1;
	}
	return 0;
}

/* Records an error unless the file at 'key' can be opened for reading. */
static void
config_check_readable(const struct conf_section *s, const char *key,
                      const char *path, struct conf_err *errs)
{
	if (path != NULL && access(path, R_OK) != 0)
		conf_errorf(s, key, errs, "%s: cannot read '%s': %s", key, path,
		            strerror(errno));
}

static void
config_agent(const struct conf_section *s, const char *hostname,
             struct agent_config *cfg, struct conf_err *errs)
{
	const char *v;
	int level;

	conf_check_keys(s, config_agent_keys, errs);
	if (conf_require(s, "site", errs) == 0 &&
	    conf_get_id(s, "site", &v, errs) == 1)
		snprintf(cfg->site, sizeof(cfg->site), "%s", v);

	switch (conf_get_id(s, "device", &v, errs)) {
	case 1:
		snprintf(cfg->device, sizeof(cfg->device), "%s", v);
		break;
	case 0:
		if (name_id_from_host(hostname, cfg->device,
		                      sizeof(cfg->device)) != 0)
			conf_errorf(s, "device", errs,
			            "device: cannot make "
			            "an id of host name '%s'; set device",
			            hostname);
		break;
	default:
		break;
	}

	conf_get_duration(s, "interval", 1, WIRE_INTERVAL_MAX, &cfg->interval,
	                  errs);
	config_dup(s, "spool_dir", &cfg->spool_dir, errs);
	conf_get_size(s, "spool_max_mb", 1024 * 1024, CONFIG_SPOOL_MIN,
	              CONFIG_SPOOL_MAX, &cfg->spool_max, errs);
	config_dup(s, "smartctl", &cfg->smartctl, errs);
	conf_get_duration(s, "smart_interval", 60, 7 * 86400,
	                  &cfg->smart_interval, errs);
	conf_get_duration(s, "smart_timeout", 1, 600, &cfg->smart_timeout,
	                  errs);
	if (conf_get_enum(s, "log_level", config_log_levels, &level, errs) == 1)
		cfg->log_level = (enum log_level)level;
}

static void
config_mqtt(const struct conf_section *s, struct agent_config *cfg,
            struct conf_err *errs)
{
	struct agent_mqtt *mq = &cfg->mqtt;
	long port;

	conf_check_keys(s, config_mqtt_keys, errs);
	if (config_dup(s, "host", &mq->host, errs) == 0 && mq->host != NULL &&
	    mq->host[0] == '\0')
		conf_errorf(s, "host", errs, "host: must not be empty");
	config_dup(s, "username", &mq->username, errs);
	config_dup(s, "password_file", &mq->password_file, errs);
	config_dup(s, "tls_ca", &mq->tls_ca, errs);
	if (mq->tls_ca != NULL)
		mq->port = 8883;
	if (conf_get_int(s, "port", 1, 65535, &port, errs) == 1)
		mq->port = (unsigned)port;
	conf_get_duration(s, "keepalive", 5, 65535, &mq->keepalive, errs);
	conf_get_duration(s, "reconnect_max", 1, 3600, &mq->reconnect_max,
	                  errs);

	if (mq->password_file != NULL && mq->username == NULL)
		conf_errorf(s, "password_file", errs,
		            "password_file: needs username");
	config_check_readable(s, "password_file", mq->password_file, errs);
	config_check_readable(s, "tls_ca", mq->tls_ca, errs);
}

/*
 * Splits "host", "host:port" or "[v6]:port".  Returns 0, or -1 when the
 * address is malformed.
 */
static int
config_address(const char *addr, struct agent_device *d)
{
	const char *host = addr, *end, *colon;
	char *p;
	unsigned long port;
	size_t n;

	if (addr[0] == '[') {
		host = addr + 1;
		if ((end = strchr(host, ']')) == NULL)
			return -1;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			return -1;
	} else {
		colon = strrchr(addr, ':');
		if (colon != NULL && strchr(addr, ':') != colon)
			colon = NULL; /* a bare IPv6 address */
		end = colon != NULL ? colon : addr + strlen(addr);
	}
	n = (size_t)(end - host);
	if (n == 0 || n > 253 || strcspn(host, " \t/") < n)
		return -1;
	if (colon != NULL) {
		errno = 0;
		port = strtoul(colon + 1, &p, 10);
		if (colon[1] == '\0' || *p != '\0' || errno != 0 || port < 1 ||
		    port > 65535)
			return -1;
		d->port = (unsigned)port;
	}
	if ((d->host = strndup(host, n)) == NULL)
		return -1;
	return 0;
}

/* SNMPv3 keys and their dependencies. */
static void
config_device_v3(const struct conf_section *s, struct agent_device *d,
                 struct conf_err *errs)
{
	int i;

	if (d->snmp_version != 3) {
		for (i = 0; config_v3_keys[i] != NULL; i++)
			if (conf_value(s, config_v3_keys[i], NULL) != NULL)
				conf_errorf(
				    s, config_v3_keys[i], errs,
				    "%s: only used with snmp_version = 3",
				    config_v3_keys[i]);
		return;
	}
	if (conf_value(s, "community", NULL) != NULL)
		conf_errorf(s, "community", errs,
		            "community: not used with snmp_version = 3");
	if (conf_require(s, "snmp_user", errs) == 0)
		config_dup(s, "snmp_user", &d->snmp_user, errs);
	if (conf_get_enum(s, "snmp_auth", config_auths, &i, errs) == 1)
		d->snmp_auth = (enum snmp_auth)i;
	if (conf_get_enum(s, "snmp_priv", config_privs, &i, errs) == 1)
		d->snmp_priv = (enum snmp_priv)i;
	config_dup(s, "snmp_auth_pass", &d->snmp_auth_pass, errs);
	config_dup(s, "snmp_priv_pass", &d->snmp_priv_pass, errs);

	if ((d->snmp_auth != SNMP_AUTH_NONE) != (d->snmp_auth_pass != NULL))
		conf_errorf(s,
		            d->snmp_auth_pass ? "snmp_auth_pass" : "snmp_auth",
		            errs, "%s: needs %s",
		            d->snmp_auth_pass ? "snmp_auth_pass" : "snmp_auth",
		            d->snmp_auth_pass ? "snmp_auth" : "snmp_auth_pass");
	else if (d->snmp_auth_pass != NULL &&
	         strlen(d->snmp_auth_pass) < CONFIG_SNMP_PASS_MIN)
		conf_errorf(s, "snmp_auth_pass", errs,
		            "snmp_auth_pass: must "
		            "have at least %d characters",
		            CONFIG_SNMP_PASS_MIN);
	if ((d->snmp_priv != SNMP_PRIV_NONE) != (d->snmp_priv_pass != NULL))
		conf_errorf(s,
		            d->snmp_priv_pass ? "snmp_priv_pass" : "snmp_priv",
		            errs, "%s: needs %s",
		            d->snmp_priv_pass ? "snmp_priv_pass" : "snmp_priv",
		            d->snmp_priv_pass ? "snmp_priv" : "snmp_priv_pass");
	else if (d->snmp_priv_pass != NULL &&
	         strlen(d->snmp_priv_pass) < CONFIG_SNMP_PASS_MIN)
		conf_errorf(s, "snmp_priv_pass", errs,
		            "snmp_priv_pass: must "
		            "have at least %d characters",
		            CONFIG_SNMP_PASS_MIN);
	if (d->snmp_priv != SNMP_PRIV_NONE && d->snmp_auth == SNMP_AUTH_NONE)
		conf_errorf(s, "snmp_priv", errs, "snmp_priv: needs snmp_auth");
}

static void
config_device(const struct conf_section *s, struct agent_config *cfg,
              struct conf_err *errs)
{
	struct agent_device *d = &cfg->devices[cfg->ndevices++];
	const char *name = conf_section_name(s), *v;
	int i;

	d->snmp_version = 2;
	d->snmp_auth = SNMP_AUTH_NONE;
	d->snmp_priv = SNMP_PRIV_NONE;
	d->interval = cfg->interval;

	conf_check_keys(s, config_device_keys, errs);
	if (name == NULL)
		conf_errorf(s, NULL, errs,
		            "section [device] needs a name: "
		            "[device NAME]");
	else if (!name_id_valid(name))
		conf_errorf(
		    s, NULL, errs,
		    "device name '%s' is not a valid "
		    "id (use a-z, 0-9, '-' and '_', at most %d characters, "
		    "starting with a letter or digit)",
		    name, NAME_ID_MAX);
	else if (strcmp(name, cfg->device) == 0)
		conf_errorf(s, NULL, errs,
		            "device '%s' is this agent's own "
		            "device id",
		            name);
	else
		snprintf(d->name, sizeof(d->name), "%s", name);

	if (conf_require(s, "type", errs) == 0 &&
	    conf_get_enum(s, "type", config_types, &i, errs) == 1)
		d->type = (enum dev_type)i;
	if (conf_require(s, "address", errs) == 0 &&
	    conf_get_str(s, "address", &v, errs) == 1 &&
	    config_address(v, d) != 0)
		conf_errorf(
		    s, "address", errs,
		    "address: '%s' is not an "
		    "address (use host, host:port or [v6-address]:port)",
		    v);
	if (conf_get_enum(s, "snmp_version", config_snmp_versions, &i, errs) ==
	    1)
		d->snmp_version = i + 1;
	config_dup(s, "community", &d->community, errs);
	if (d->community == NULL && d->snmp_version != 3 &&
	    (d->community = strdup("public")) == NULL)
		conf_errorf(s, NULL, errs, "out of memory");
	config_device_v3(s, d, errs);
	config_dup(s, "pjlink_password", &d->pjlink_password, errs);
	if (d->pjlink_password != NULL && d->type != DEV_PROJECTOR)
		conf_errorf(s, "pjlink_password", errs,
		            "pjlink_password: only used with type = projector");
	conf_get_duration(s, "interval", 1, WIRE_INTERVAL_MAX, &d->interval,
	                  errs);
}

/*
 * [snmp] agentx: where the master agent (snmpd with "master agentx")
 * listens, as net-snmp names it: tcp:HOST:PORT, tcp6:[HOST]:PORT,
 * unix:/PATH or /PATH.
 */
static void
config_snmp(const struct conf_section *s, struct agent_config *cfg,
            struct conf_err *errs)
{
	const char *v, *host, *port;
	long p;

	conf_check_keys(s, config_snmp_keys, errs);
	if (conf_section_name(s) != NULL) {
		conf_errorf(s, NULL, errs, "section [snmp] takes no name");
		return;
	}
	if (conf_get_str(s, "agentx", &v, errs) != 1)
		return;
	if (strncmp(v, "tcp:", 4) == 0 || strncmp(v, "tcp6:", 5) == 0) {
		host = strchr(v, ':') + 1;
		port = strrchr(host, ':');
		if (port == NULL || port == host ||
		    conf_parse_long(port + 1, &p) != 0 || p < 1 || p > 65535) {
			conf_errorf(s, "agentx", errs,
			            "agentx: '%s' is not tcp:HOST:PORT or "
			            "tcp6:[HOST]:PORT (port 1..65535)",
			            v);
			return;
		}
	} else if (v[0] != '/' && strncmp(v, "unix:/", 6) != 0) {
		conf_errorf(s, "agentx", errs,
		            "agentx: '%s' is not tcp:HOST:PORT, unix:/PATH or "
		            "an absolute socket path",
		            v);
		return;
	}
	free(cfg->snmp_agentx);
	if ((cfg->snmp_agentx = strdup(v)) == NULL)
		conf_errorf(s, "agentx", errs, "out of memory");
}

static void
config_defaults(struct agent_config *cfg)
{
	cfg->interval = 60;
	cfg->spool_max = (uint64_t)64 * 1024 * 1024;
	cfg->smart_interval = 3600;
	cfg->smart_timeout = 10;
	cfg->log_level = LOG_LVL_INFO;
	cfg->mqtt.port = 1883;
	cfg->mqtt.keepalive = 60;
	cfg->mqtt.reconnect_max = 60;
}

/* Fills the defaults that are strings, once the file had no errors. */
static int
config_default_strings(struct agent_config *cfg)
{
	if (cfg->spool_dir == NULL &&
	    (cfg->spool_dir = strdup(CONFIG_DEFAULT_SPOOL)) == NULL)
		return -1;
	if (cfg->mqtt.host == NULL &&
	    (cfg->mqtt.host = strdup("127.0.0.1")) == NULL)
		return -1;
	return 0;
}

static int
config_build(struct conf *c, const char *hostname, struct agent_config *cfg,
             struct conf_err *errs)
{
	const struct conf_section *s, *agent, *mqtt;
	const char *type;
	char host[256];
	size_t i, n, before = errs->n;

	memset(cfg, 0, sizeof(*cfg));
	config_defaults(cfg);
	if (hostname == NULL) {
		if (gethostname(host, sizeof(host)) != 0)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		hostname = host;
	}

	/* [agent] first: devices take their interval default from it. */
	n = conf_section_count(c);
	agent = conf_find(c, "agent", NULL);
	if (agent == NULL)
		conf_err_addf(errs, conf_path(c), 0, "missing section [agent]");
	else
		config_agent(agent, hostname, cfg, errs);
	if ((mqtt = conf_find(c, "mqtt", NULL)) != NULL)
		config_mqtt(mqtt, cfg, errs);

	if (n > 0 && (cfg->devices = calloc(n, sizeof(*cfg->devices))) == NULL)
		conf_err_addf(errs, conf_path(c), 0, "out of memory");
	for (i = 0; i < n && cfg->devices != NULL; i++) {
		s = conf_section_at(c, i);
		type = conf_section_type(s);
		if (strcmp(type, "device") == 0)
			config_device(s, cfg, errs);
		else if (strcmp(type, "snmp") == 0)
			config_snmp(s, cfg, errs);
		else if (strcmp(type, "link") == 0) {
			/* a second [link] is an error (conf.c): no leak */
			link_config_free(cfg->link);
			link_config_parse(s, cfg->interval, &cfg->link, errs);
		} else if (strcmp(type, "agent") != 0 &&
		           strcmp(type, "mqtt") != 0)
			conf_errorf(s, NULL, errs, "unknown section [%s]",
			            type);
		else if (conf_section_name(s) != NULL)
			conf_errorf(s, NULL, errs, "section [%s] takes no name",
			            type);
	}

	if (errs->n == before && config_default_strings(cfg) != 0)
		conf_err_addf(errs, conf_path(c), 0, "out of memory");
	if (errs->n == before && (cfg->path = strdup(conf_path(c))) == NULL)
		conf_err_addf(errs, conf_path(c), 0, "out of memory");
	if (errs->n != before) {
		config_clear(cfg);
		return -1;
	}
	return 0;
}

int
config_load(const char *path, const char *hostname, struct agent_config *cfg,
            struct conf_err *errs)
{
	struct conf *c;
	size_t before = errs->n;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	if ((c = conf_load(path, errs)) == NULL)
		return -1;
	r = config_build(c, hostname, cfg, errs);
	conf_free(c);
	/* conf_load() records syntax errors and still returns the file */
	if (r == 0 && errs->n != before) {
		config_clear(cfg);
		r = -1;
	}
	return r;
}

int
config_load_string(const char *name, const char *text, const char *hostname,
                   struct agent_config *cfg, struct conf_err *errs)
{
	struct conf *c;
	size_t before = errs->n;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	if ((c = conf_load_string(name, text, errs)) == NULL)
		return -1;
	r = config_build(c, hostname, cfg, errs);
	conf_free(c);
	/* conf_load() records syntax errors and still returns the file */
	if (r == 0 && errs->n != before) {
		config_clear(cfg);
		r = -1;
	}
	return r;
}

void
config_clear(struct agent_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->ndevices; i++) {
		struct agent_device *d = &cfg->devices[i];

		free(d->host);
		free(d->community);
		free(d->snmp_user);
		free(d->snmp_auth_pass);
		free(d->snmp_priv_pass);
		free(d->pjlink_password);
	}
	free(cfg->devices);
	free(cfg->snmp_agentx);
	link_config_free(cfg->link);
	free(cfg->path);
	free(cfg->spool_dir);
	free(cfg->smartctl);
	free(cfg->mqtt.host);
	free(cfg->mqtt.username);
	free(cfg->mqtt.password_file);
	free(cfg->mqtt.tls_ca);
	memset(cfg, 0, sizeof(*cfg));
}

/*
 * The host name that device defaults to: this machine's (NULL), or with a
 * root other than "/" the captured tree's (proc/sys/kernel/hostname, else
 * etc/hostname), so a fixture tree speaks for the machine it was captured
 * on.
 */
const char *
config_root_hostname(const char *root, char *buf, size_t sz)
{
	static const char *const files[] = {"proc/sys/kernel/hostname",
	                                    "etc/hostname"};
	char path[4096];
	FILE *f;
	size_t i;

	if (strcmp(root, "/") == 0 || sz == 0)
		return NULL;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		if (fgets(buf, (int)sz, f) == NULL)
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, "\r\n")] = '\0';
		if (buf[0] != '\0')
			return buf;
	}
	return NULL;
}

static bool
config_same_str(const char *x, const char *y)
{
	if (x == NULL || y == NULL)
		return x == y;
	return strcmp(x, y) == 0;
}

static bool
config_device_equal(const struct agent_device *x, const struct agent_device *y)
{
	return strcmp(x->name, y->name) == 0 && x->type == y->type &&
	       config_same_str(x->host, y->host) && x->port == y->port &&
	       x->snmp_version == y->snmp_version &&
	       config_same_str(x->community, y->community) &&
	       config_same_str(x->snmp_user, y->snmp_user) &&
	       x->snmp_auth == y->snmp_auth &&
	       config_same_str(x->snmp_auth_pass, y->snmp_auth_pass) &&
	       x->snmp_priv == y->snmp_priv &&
	       config_same_str(x->snmp_priv_pass, y->snmp_priv_pass) &&
	       config_same_str(x->pjlink_password, y->pjlink_password) &&
	       x->interval == y->interval;
}

bool
config_devices_equal(const struct agent_config *x, const struct agent_config *y)
{
	size_t i;

	if (x->ndevices != y->ndevices)
		return false;
	for (i = 0; i < x->ndevices; i++)
		if (!config_device_equal(&x->devices[i], &y->devices[i]))
			return false;
	return true;
}
