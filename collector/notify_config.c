/*
 * notify_config.c: validation of the [notify NAME] sections
 * (pantau-collector.conf(5), docs/notify.md).
 *
 * config.c hands every [notify NAME] section here; the result is kept in
 * struct collector_conf and compared on SIGHUP to decide whether the
 * delivery threads must be restarted.  Everything a delivery needs is
 * checked now, so that a typo in an address or a URL is reported by -n,
 * not discovered at 3 a.m. when the first alert cannot be sent.  Nothing
 * here touches the network or libcurl.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/notify_config.h"

#define NOTIFY_EMAIL_URL_DEFAULT "smtp://127.0.0.1"

enum { NOTIFY_OWN_SITES, NOTIFY_OWN_EVENTS, NOTIFY_OWN_TO, NOTIFY_OWN_ARGV };

static const char *const notify_config_keys[] = {
    "type",          "url",      "to",          "from",        "command",
    "min_severity",  "language", "sites",       "events",      "rate_limit",
    "rate_period",   "timeout",  "backoff_min", "backoff_max", "retry_for",
    "queue_max",     "tls_ca",   "token_file",  "header",      "username",
    "password_file", "starttls", NULL};

/* The order of these lists is the order of the messages naming them. */
static const char *const notify_config_types[] = {"webhook", "email", "command",
                                                  NULL};
static const char *const notify_config_severities[] = {"critical", "warning",
                                                       "info", NULL};
static const char *const notify_config_languages[] = {"id", "en", NULL};
static const char *const notify_config_starttls[] = {"try", "off", "required",
                                                     NULL};

/* The keys that only make sense for one type, and that type. */
static const struct {
	const char *key;
	enum notify_type type;
} notify_config_only[] = {
    {"to", NOTIFY_EMAIL},       {"from", NOTIFY_EMAIL},
    {"username", NOTIFY_EMAIL}, {"password_file", NOTIFY_EMAIL},
    {"starttls", NOTIFY_EMAIL}, {"token_file", NOTIFY_WEBHOOK},
    {"header", NOTIFY_WEBHOOK}, {"command", NOTIFY_COMMAND},
};

int
notify_severity_parse(const char *name)
{
	if (name == NULL)
		return -1;
	if (strcmp(name, "info") == 0)
		return NOTIFY_INFO;
	if (strcmp(name, "warning") == 0)
		return NOTIFY_WARNING;
	if (strcmp(name, "critical") == 0)
		return NOTIFY_CRITICAL;
	return -1;
}

/*
 * A mail address as pantau accepts it in its own configuration: local@domain
 * of printable ASCII without blanks or the characters that would end or
 * extend an SMTP path or a header ("<>,;:\"()[]\\").  Stricter than RFC
 * 5321 on purpose: the address goes into MAIL FROM, RCPT TO and headers.
 */
static bool
notify_config_address_valid(const char *a)
{
	const char *at = strchr(a, '@');
	const unsigned char *p;

	if (at == NULL || at == a || at[1] == '\0' || strchr(at + 1, '@'))
		return false;
	for (p = (const unsigned char *)a; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("<>,;:\"()[]\\", *p))
			return false;
	return strlen(a) <= 254;
}

/* An event pattern: lower-case event names, '.', '-', '_' and globs. */
static bool
notify_config_event_valid(const char *e)
{
	size_t n = strlen(e);

	return n > 0 && n <= 64 &&
	       strspn(e, "abcdefghijklmnopqrstuvwxyz0123456789._-*?") == n;
}

/* "Name: value" with an HTTP token as the name and no control bytes. */
static bool
notify_config_header_valid(const char *h)
{
	const char *colon = strchr(h, ':');
	const unsigned char *p;
	size_t n;

	if (colon == NULL || colon == h)
		return false;
	n = (size_t)(colon - h);
	if (strspn(h, "abcdefghijklmnopqrstuvwxyz"
	              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != n)
		return false;
	for (p = (const unsigned char *)colon; *p != '\0'; p++)
		if (*p < ' ' || *p == 0x7f)
			return false;
	return true;
}

/*
 * Splits the value of 'key' at commas and blanks into 'out' (at most
 * NOTIFY_LIST_MAX words) in a copy kept in t->own[slot].  Returns the
 * number of words (0 when the key is absent), -1 after recording an error.
 */
static int
notify_config_list(const struct conf_section *s, const char *key,
                   struct notify_target *t, int slot, const char **out,
                   struct conf_err *errs)
{
	const char *v;
	char *save, *w;
	int n = 0;

	if (conf_get_str(s, key, &v, errs) != 1)
		return 0;
	if ((t->own[slot] = strdup(v)) == NULL) {
		conf_errorf(s, key, errs, "out of memory");
		return -1;
	}
	for (w = strtok_r(t->own[slot], ", \t", &save); w != NULL;
	     w = strtok_r(NULL, ", \t", &save)) {
		if (n == NOTIFY_LIST_MAX) {
			conf_errorf(s, key, errs, "%s: at most %d entries", key,
			            NOTIFY_LIST_MAX);
			return -1;
		}
		out[n++] = w;
	}
	if (n == 0) {
		conf_errorf(s, key, errs, "%s must not be empty", key);
		return -1;
	}
	return n;
}

/* An optional string that must not be empty; as config.c's config_str. */
static int
notify_config_str(const struct conf_section *s, const char *key,
                  const char **out, struct conf_err *errs)
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
notify_config_readable(const struct conf_section *s, const char *key,
                       const char *path, struct conf_err *errs)
{
	if (path != NULL && access(path, R_OK) != 0)
		conf_errorf(s, key, errs, "cannot read %s '%s': %s", key, path,
		            strerror(errno));
}

static void
notify_config_defaults(struct notify_target *t, const char *name)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->min_severity = NOTIFY_INFO;
	t->rate_limit = 20;
	t->rate_period = 60;
	t->timeout = 15;
	t->backoff_min = 10;
	t->backoff_max = 600;
	t->retry_for = 3 * 86400;
	t->queue_max = 1000;
	t->starttls = NOTIFY_STARTTLS_TRY;
}

/* The keys common to every type: routing, limits, retries. */
static void
notify_config_common(const struct conf_section *s, struct notify_target *t,
                     struct conf_err *errs)
{
	static const enum notify_severity sev[] = {NOTIFY_CRITICAL,
	                                           NOTIFY_WARNING, NOTIFY_INFO};
	long l;
	int i, n;

	if (conf_get_enum(s, "min_severity", notify_config_severities, &i,
	                  errs) == 1)
		t->min_severity = sev[i];
	if (conf_get_enum(s, "language", notify_config_languages, &i, errs) ==
	    1)
		t->english = i == 1;
	if ((n = notify_config_list(s, "sites", t, NOTIFY_OWN_SITES, t->sites,
	                            errs)) > 0) {
		t->nsites = (size_t)n;
		for (i = 0; i < n; i++)
			if (!name_id_valid(t->sites[i]))
				conf_errorf(s, "sites", errs,
				            "sites: '%s' is not a site id",
				            t->sites[i]);
	}
	if ((n = notify_config_list(s, "events", t, NOTIFY_OWN_EVENTS,
	                            t->events, errs)) > 0) {
		t->nevents = (size_t)n;
		for (i = 0; i < n; i++)
			if (!notify_config_event_valid(t->events[i]))
				conf_errorf(s, "events", errs,
				            "events: '%s' is not an event "
				            "name or pattern",
				            t->events[i]);
	}
	if (conf_get_int(s, "rate_limit", 0, 10000, &l, errs) == 1)
		t->rate_limit = (unsigned)l;
	conf_get_duration(s, "rate_period", 1, 86400, &t->rate_period, errs);
	conf_get_duration(s, "timeout", 1, 300, &t->timeout, errs);
	conf_get_duration(s, "backoff_min", 1, 86400, &t->backoff_min, errs);
	conf_get_duration(s, "backoff_max", 1, 86400, &t->backoff_max, errs);
	if (t->backoff_min > t->backoff_max)
		conf_errorf(s, "backoff_min", errs,
		            "backoff_min must not be above backoff_max");
	conf_get_duration(s, "retry_for", 1, 30 * 86400, &t->retry_for, errs);
	if (conf_get_int(s, "queue_max", 1, 100000, &l, errs) == 1)
		t->queue_max = (unsigned)l;
	if (notify_config_str(s, "tls_ca", &t->tls_ca, errs) == 1)
		notify_config_readable(s, "tls_ca", t->tls_ca, errs);
}

static void
notify_config_webhook(const struct conf_section *s, struct notify_target *t,
                      struct conf_err *errs)
{
	if (notify_config_str(s, "url", &t->url, errs) == 1 &&
	    strncmp(t->url, "http://", 7) != 0 &&
	    strncmp(t->url, "https://", 8) != 0)
		conf_errorf(s, "url", errs,
		            "url must start with http:// or https://");
	if (notify_config_str(s, "token_file", &t->token_file, errs) == 1)
		notify_config_readable(s, "token_file", t->token_file, errs);
	if (notify_config_str(s, "header", &t->header, errs) == 1 &&
	    !notify_config_header_valid(t->header))
		conf_errorf(s, "header", errs,
		            "header must be 'Name: value' (letters, digits "
		            "and '-' in the name)");
}

static void
notify_config_email(const struct conf_section *s, struct notify_target *t,
                    struct conf_err *errs)
{
	size_t i;
	int n, st;

	if ((n = notify_config_list(s, "to", t, NOTIFY_OWN_TO, t->to, errs)) >
	    0) {
		t->nto = (size_t)n;
		for (i = 0; i < t->nto; i++)
			if (!notify_config_address_valid(t->to[i]))
				conf_errorf(s, "to", errs,
				            "to: '%s' is not a mail address",
				            t->to[i]);
	}
	if (notify_config_str(s, "from", &t->from, errs) == 1 &&
	    !notify_config_address_valid(t->from))
		conf_errorf(s, "from", errs, "from: '%s' is not a mail address",
		            t->from);
	notify_config_str(s, "username", &t->username, errs);
	if (notify_config_str(s, "password_file", &t->password_file, errs) ==
	    1) {
		if (t->username == NULL)
			conf_errorf(s, "password_file", errs,
			            "password_file needs username");
		notify_config_readable(s, "password_file", t->password_file,
		                       errs);
	}
	if (conf_get_enum(s, "starttls", notify_config_starttls, &st, errs) ==
	    1)
		t->starttls = (enum notify_starttls)st;
}

static void
notify_config_command(const struct conf_section *s, struct notify_target *t,
                      struct conf_err *errs)
{
	int n;

	if ((n = notify_config_list(s, "command", t, NOTIFY_OWN_ARGV, t->argv,
	                            errs)) <= 0)
		return;
	t->nargv = (size_t)n;
	if (t->argv[0][0] != '/')
		conf_errorf(s, "command", errs,
		            "command must start with an absolute path");
}

/* The key each type cannot do without. */
static void
notify_config_need(const struct conf_section *s, const struct notify_target *t,
                   struct conf_err *errs)
{
	static const char *const need[] = {"url", "to", "command"};

	if (conf_value(s, need[t->type], NULL) == NULL)
		conf_errorf(s, "type", errs, "notify type %s needs %s",
		            notify_config_types[t->type], need[t->type]);
}

int
notify_config_parse(const struct conf_section *s, struct notify_config *cfg,
                    struct conf_err *errs)
{
	struct notify_target *t;
	size_t before = errs->n, i;
	const char *v;
	int type;

	conf_check_keys(s, notify_config_keys, errs);
	if (cfg->ntargets == NOTIFY_TARGETS_MAX) {
		conf_errorf(s, NULL, errs, "at most %d [notify] sections",
		            NOTIFY_TARGETS_MAX);
		return -1;
	}
	t = &cfg->targets[cfg->ntargets++];
	notify_config_defaults(t, conf_section_name(s));
	notify_config_common(s, t, errs);
	if (conf_require(s, "type", errs) != 0)
		return -1;
	/* "exec" is the other name of "command" */
	if ((v = conf_value(s, "type", NULL)) != NULL && strcmp(v, "exec") == 0)
		type = NOTIFY_COMMAND;
	else if (conf_get_enum(s, "type", notify_config_types, &type, errs) !=
	         1)
		return -1;
	t->type = (enum notify_type)type;
	for (i = 0;
	     i < sizeof(notify_config_only) / sizeof(notify_config_only[0]);
	     i++)
		if (notify_config_only[i].type != t->type &&
		    conf_value(s, notify_config_only[i].key, NULL) != NULL)
			conf_errorf(
			    s, notify_config_only[i].key, errs,
			    "%s applies to notify type %s only",
			    notify_config_only[i].key,
			    notify_config_types[notify_config_only[i].type]);
	notify_config_need(s, t, errs);
	switch (t->type) {
	case NOTIFY_WEBHOOK:
		notify_config_webhook(s, t, errs);
		break;
	case NOTIFY_EMAIL:
		notify_config_email(s, t, errs);
		t->url = NOTIFY_EMAIL_URL_DEFAULT;
		if (notify_config_str(s, "url", &v, errs) == 1) {
			t->url = v;
			if (strncmp(v, "smtp://", 7) != 0 &&
			    strncmp(v, "smtps://", 8) != 0)
				conf_errorf(s, "url", errs,
				            "url must start with smtp:// or "
				            "smtps://");
		}
		break;
	case NOTIFY_COMMAND:
		notify_config_command(s, t, errs);
		if (conf_value(s, "url", NULL) != NULL)
			conf_errorf(s, "url", errs,
			            "url does not apply to notify type "
			            "command");
		break;
	}
	return errs->n == before ? 0 : -1;
}

void
notify_config_clear(struct notify_config *cfg)
{
	size_t i, j;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->ntargets; i++)
		for (j = 0; j < 4; j++) {
			free(cfg->targets[i].own[j]);
			cfg->targets[i].own[j] = NULL;
		}
	cfg->ntargets = 0;
}

static bool
notify_config_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
notify_config_listeq(const char *const *a, size_t na, const char *const *b,
                     size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static bool
notify_config_target_equal(const struct notify_target *a,
                           const struct notify_target *b)
{
	return notify_config_streq(a->name, b->name) && a->type == b->type &&
	       a->min_severity == b->min_severity && a->english == b->english &&
	       notify_config_listeq(a->sites, a->nsites, b->sites, b->nsites) &&
	       notify_config_listeq(a->events, a->nevents, b->events,
	                            b->nevents) &&
	       a->rate_limit == b->rate_limit &&
	       a->rate_period == b->rate_period && a->timeout == b->timeout &&
	       a->backoff_min == b->backoff_min &&
	       a->backoff_max == b->backoff_max &&
	       a->retry_for == b->retry_for && a->queue_max == b->queue_max &&
	       notify_config_streq(a->url, b->url) &&
	       notify_config_streq(a->tls_ca, b->tls_ca) &&
	       notify_config_streq(a->token_file, b->token_file) &&
	       notify_config_streq(a->header, b->header) &&
	       notify_config_streq(a->from, b->from) &&
	       notify_config_listeq(a->to, a->nto, b->to, b->nto) &&
	       notify_config_streq(a->username, b->username) &&
	       notify_config_streq(a->password_file, b->password_file) &&
	       a->starttls == b->starttls &&
	       notify_config_listeq(a->argv, a->nargv, b->argv, b->nargv);
}

bool
notify_config_equal(const struct notify_config *a,
                    const struct notify_config *b)
{
	size_t i;

	if (a->ntargets != b->ntargets)
		return false;
	for (i = 0; i < a->ntargets; i++)
		if (!notify_config_target_equal(&a->targets[i], &b->targets[i]))
			return false;
	return true;
}
