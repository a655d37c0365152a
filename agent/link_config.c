/*
 * link_config.c: the [link] section of pantau-agent.conf (link.h,
 * pantau-agent.conf(5)) into a struct link_config.
 *
 *   [link]
 *   targets = detik.com, 1.1.1.1     ; besides the gateway
 *   method.detik_com = tcp:443       ; icmp (default) | tcp:PORT
 *   method.gateway = icmp
 *   gateway = yes                    ; probe the default gateway
 *   resolvers = 127.0.0.53           ; default: etc/resolv.conf
 *   dns_name = kemdikbud.go.id       ; no name: no DNS probes
 *   probes = 5
 *   spacing_ms = 200
 *   timeout_ms = 1000
 *   dns_timeout_ms = 2000
 *   fallback_port = 443              ; TCP when ICMP is not allowed
 *
 * A method key names its target as written in targets or by its metric
 * part; only the part works for an IPv6 address, since inih takes ':' as
 * a key/value separator.  The errors go the way of config.c: recorded
 * with their line, all of them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/link.h"

static const char *const link_config_fixed_keys[] = {
    "targets",    "gateway",    "resolvers",      "dns_name",      "probes",
    "spacing_ms", "timeout_ms", "dns_timeout_ms", "fallback_port", NULL};

#define LINK_CONFIG_NKEYS                                                      \
	(sizeof(link_config_fixed_keys) / sizeof(link_config_fixed_keys[0]) +  \
	 1 + 2 * LINK_TARGETS_MAX)

/*
 * Splits a list at commas and blanks into 'out' (each at most 'width'
 * bytes with the NUL).  Returns the count, or -1 (recorded) when an item
 * is too long or there are more than 'max'.
 */
static int
link_config_list(const struct conf_section *s, const char *key, char *out,
                 size_t width, size_t max, struct conf_err *errs)
{
	const char *v, *p;
	size_t n = 0, len;

	if (conf_get_str(s, key, &v, errs) != 1)
		return 0;
	for (p = v; *p != '\0';) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		len = strcspn(p, ", \t");
		if (len >= width) {
			conf_errorf(s, key, errs, "%s: '%.*s' is too long", key,
			            (int)len, p);
			return -1;
		}
		if (n == max) {
			conf_errorf(s, key, errs, "%s: at most %zu entries",
			            key, max);
			return -1;
		}
		memcpy(out + n * width, p, len);
		out[n * width + len] = '\0';
		n++;
		p += len;
	}
	return (int)n;
}

/* "icmp", "tcp" (the fallback port) or "tcp:PORT" into 't'. */
static void
link_config_method(const struct conf_section *s, const char *key,
                   unsigned fallback, struct link_target *t,
                   struct conf_err *errs)
{
	const char *v;
	long port;

	t->method = LINK_ICMP;
	t->port = fallback;
	if (conf_get_str(s, key, &v, errs) != 1)
		return;
	if (strcmp(v, "icmp") == 0)
		return;
	if (strcmp(v, "tcp") == 0) {
		t->method = LINK_TCP;
		return;
	}
	if (strncmp(v, "tcp:", 4) == 0 && conf_parse_long(v + 4, &port) == 0 &&
	    port >= 1 && port <= 65535) {
		t->method = LINK_TCP;
		t->port = (unsigned)port;
		return;
	}
	conf_errorf(s, key, errs,
	            "%s: '%s' is not a method (use icmp, tcp or tcp:PORT)", key,
	            v);
}

static void
link_config_targets(const struct conf_section *s, struct link_config *lc,
                    struct conf_err *errs)
{
	char hosts[LINK_TARGETS_MAX][LINK_HOST_MAX + 1];
	char taken[LINK_TARGETS_MAX + 1][NAME_PART_MAX + 1];
	char k1[NAME_PART_MAX + 16], k2[LINK_HOST_MAX + 16];
	struct sockaddr_storage sa;
	socklen_t len;
	const char *key;
	struct link_target *t;
	int n, i;

	n = link_config_list(s, "targets", &hosts[0][0], sizeof(hosts[0]),
	                     LINK_TARGETS_MAX, errs);
	/* The gateway's part is reserved: a target never takes it. */
	snprintf(taken[0], sizeof(taken[0]), "gateway");
	for (i = 0; i < n; i++) {
		t = &lc->targets[lc->ntargets];
		/* the same size: a whole copy (-O2 cannot tell for snprintf) */
		_Static_assert(sizeof(t->host) == sizeof(hosts[0]),
		               "host buffers differ");
		memcpy(t->host, hosts[i], sizeof(t->host));
		if (link_part(t->host, (const char(*)[NAME_PART_MAX + 1]) taken,
		              lc->ntargets + 1, t->part,
		              sizeof(t->part)) != 0) {
			conf_errorf(s, "targets", errs,
			            "targets: '%s' is not a host", t->host);
			continue;
		}
		snprintf(taken[lc->ntargets + 1], sizeof(taken[0]), "%s",
		         t->part);
		if (link_parse_addr(t->host, 0, &sa, &len) != 0)
			lc->names = true;
		snprintf(k1, sizeof(k1), "method.%s", t->part);
		snprintf(k2, sizeof(k2), "method.%s", t->host);
		key = k1;
		if (strcmp(k1, k2) != 0 && conf_value(s, k2, NULL) != NULL) {
			if (conf_value(s, k1, NULL) != NULL)
				conf_errorf(s, k2, errs,
				            "%s: the method of '%s' is also "
				            "given as %s",
				            k2, t->host, k1);
			key = k2;
		}
		link_config_method(s, key, lc->fallback_port, t, errs);
		lc->ntargets++;
	}
}

/* Records an error unless every key is fixed or a target's method. */
static void
link_config_keys(const struct conf_section *s, const struct link_config *lc,
                 struct conf_err *errs)
{
	const char *known[LINK_CONFIG_NKEYS + 1];
	char methods[1 + 2 * LINK_TARGETS_MAX][LINK_HOST_MAX + 16];
	size_t n = 0, m = 0, i;

	for (i = 0; link_config_fixed_keys[i] != NULL; i++)
		known[n++] = link_config_fixed_keys[i];
	snprintf(methods[m], sizeof(methods[m]), "method.gateway");
	known[n++] = methods[m++];
	for (i = 0; i < lc->ntargets; i++) {
		snprintf(methods[m], sizeof(methods[m]), "method.%s",
		         lc->targets[i].part);
		known[n++] = methods[m++];
		snprintf(methods[m], sizeof(methods[m]), "method.%s",
		         lc->targets[i].host);
		known[n++] = methods[m++];
	}
	known[n] = NULL;
	conf_check_keys(s, known, errs);
}

static void
link_config_dns(const struct conf_section *s, struct link_config *lc,
                struct conf_err *errs)
{
	struct sockaddr_storage sa;
	socklen_t len;
	const char *v;
	int n, i;

	n = link_config_list(s, "resolvers", &lc->resolvers[0][0],
	                     sizeof(lc->resolvers[0]), LINK_RESOLVERS_MAX,
	                     errs);
	for (i = 0; i < n; i++)
		if (link_parse_addr(lc->resolvers[i], 53, &sa, &len) != 0)
			conf_errorf(s, "resolvers", errs,
			            "resolvers: '%s' is not an address",
			            lc->resolvers[i]);
	if (n > 0)
		lc->nresolvers = (size_t)n;
	if (conf_get_str(s, "dns_name", &v, errs) == 1) {
		if (v[0] == '\0' || strlen(v) > LINK_HOST_MAX ||
		    strcspn(v, " \t/") != strlen(v))
			conf_errorf(s, "dns_name", errs,
			            "dns_name: '%s' is not a host name", v);
		else
			snprintf(lc->dns_name, sizeof(lc->dns_name), "%s", v);
	}
}

static void
link_config_ms(const struct conf_section *s, const char *key, long min,
               long max, unsigned *out, struct conf_err *errs)
{
	long v;

	if (conf_get_int(s, key, min, max, &v, errs) == 1)
		*out = (unsigned)v;
}

unsigned
link_config_round_ms(const struct link_config *lc)
{
	unsigned ms = (lc->probes - 1) * lc->spacing_ms + lc->timeout_ms;

	if (lc->dns_name[0] != '\0' && lc->dns_timeout_ms > ms)
		ms = lc->dns_timeout_ms;
	return lc->names ? ms + lc->dns_timeout_ms : ms;
}

int
link_config_parse(const struct conf_section *s, unsigned interval,
                  struct link_config **out, struct conf_err *errs)
{
	struct link_config *lc;
	size_t before = errs->n;

	*out = NULL;
	if ((lc = calloc(1, sizeof(*lc))) == NULL) {
		conf_errorf(s, NULL, errs, "out of memory");
		return -1;
	}
	lc->probe_gateway = true;
	lc->probes = 5;
	lc->spacing_ms = 200;
	lc->timeout_ms = 1000;
	lc->dns_timeout_ms = 2000;
	lc->fallback_port = 443;
	if (conf_section_name(s) != NULL)
		conf_errorf(s, NULL, errs, "section [link] takes no name");

	link_config_ms(s, "fallback_port", 1, 65535, &lc->fallback_port, errs);
	link_config_ms(s, "probes", 1, LINK_PROBES_MAX, &lc->probes, errs);
	link_config_ms(s, "spacing_ms", 0, 10000, &lc->spacing_ms, errs);
	link_config_ms(s, "timeout_ms", 10, 30000, &lc->timeout_ms, errs);
	link_config_ms(s, "dns_timeout_ms", 10, 30000, &lc->dns_timeout_ms,
	               errs);
	conf_get_bool(s, "gateway", &lc->probe_gateway, errs);
	snprintf(lc->gateway.part, sizeof(lc->gateway.part), "gateway");
	link_config_method(s, "method.gateway", lc->fallback_port, &lc->gateway,
	                   errs);
	link_config_targets(s, lc, errs);
	link_config_dns(s, lc, errs);
	link_config_keys(s, lc, errs);

	if (errs->n == before &&
	    (uint64_t)link_config_round_ms(lc) * 4 > (uint64_t)interval * 3000)
		conf_errorf(s, NULL, errs,
		            "[link]: a round of probes takes up to %u ms "
		            "((probes - 1) * spacing_ms + timeout_ms, or "
		            "dns_timeout_ms, plus dns_timeout_ms for target "
		            "names), more than three quarters of the interval "
		            "(%u s)",
		            link_config_round_ms(lc), interval);
	if (errs->n != before) {
		free(lc);
		return -1;
	}
	*out = lc;
	return 0;
}

void
link_config_free(struct link_config *lc)
{
	free(lc);
}
