/*
 * internet_config.c: the [internet] section of pantau-collector.conf
 * (internet.h, pantau-collector.conf(5), docs/internet.md).
 *
 * Validation (config.c's table, so -n and SIGHUP catch a mistake) and
 * loading read the same keys through internet_config_parse().
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "collector/internet.h"
#include "common/conf.h"

static const char *const internet_config_keys[] = {
    "loss_pct_degraded", "rtt_ms_degraded", "dns_ms_degraded",
    "stale_intervals",   "local_quorum",    "down_for",
    "degraded_for",      "alerts",          NULL};

void
internet_conf_default(struct internet_conf *c)
{
	memset(c, 0, sizeof *c);
	c->loss_pct_degraded = 20;
	c->rtt_ms_degraded = 300;
	c->dns_ms_degraded = 1000;
	c->stale_intervals = 2;
	c->local_quorum = 2;
	c->down_for = 0;
	c->degraded_for = 300;
	c->alerts = 1;
}

void
internet_config_parse(const struct conf_section *s, struct internet_conf *c,
                      struct conf_err *errs)
{
	long v;
	bool b;

	internet_conf_default(c);
	if (s == NULL)
		return;
	conf_check_keys(s, internet_config_keys, errs);
	if (conf_get_int(s, "loss_pct_degraded", 1, 100, &v, errs) == 1)
		c->loss_pct_degraded = (double)v;
	if (conf_get_int(s, "rtt_ms_degraded", 1, 60000, &v, errs) == 1)
		c->rtt_ms_degraded = (double)v;
	if (conf_get_int(s, "dns_ms_degraded", 1, 60000, &v, errs) == 1)
		c->dns_ms_degraded = (double)v;
	if (conf_get_int(s, "stale_intervals", 1, 100, &v, errs) == 1)
		c->stale_intervals = (unsigned)v;
	if (conf_get_int(s, "local_quorum", 1, 1000, &v, errs) == 1)
		c->local_quorum = (unsigned)v;
	conf_get_duration(s, "down_for", 0, 86400, &c->down_for, errs);
	conf_get_duration(s, "degraded_for", 0, 86400, &c->degraded_for, errs);
	if (conf_get_bool(s, "alerts", &b, errs) == 1)
		c->alerts = b;
}

void
internet_config_check(const struct conf_section *s, struct collector_conf *cf,
                      struct conf_err *errs)
{
	struct internet_conf c;

	(void)cf;
	internet_config_parse(s, &c, errs);
}

void
internet_conf_load(const struct conf *raw, struct internet_conf *c)
{
	struct conf_err errs = {0};

	internet_config_parse(
	    raw != NULL ? conf_find(raw, "internet", NULL) : NULL, c, &errs);
	conf_err_clear(&errs);
}
