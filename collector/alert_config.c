/*
 * alert_config.c: the alert rules, built in and from [rule NAME], and the
 * engine's settings from [alerts] (alert.h, docs/alerts.md).
 *
 * The built-in rules below are the defaults pantau ships with, named so
 * that a [rule NAME] section of the same name overrides them key by key
 * (or turns one off with "enabled = no").  A section with a new name adds
 * a rule and then needs exactly one of metric, event and presence.  The
 * metric and event names are those the agent sends (docs/metrics.md,
 * docs/snmp.md, docs/pjlink.md).
 *
 * Validation (for config.c's table, so -n and SIGHUP catch every mistake)
 * and loading (for the engine) read the same keys; loading trusts that the
 * file was validated.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/alert_priv.h"
#include "collector/collector.h"

#define T(x) (1u << (x))

/*
 * name, kind, pattern, above?, above, below?, below, clear?, clear, for,
 * severity (-1: the event's), types, text, ticket, resolve, priority,
 * rate, presence.
 */
static const struct arule alert_builtins[] = {
    {.name = "disk_full",
     .kind = AR_METRIC,
     .pattern = "fs.*.used_pct",
     .has_above = 1,
     .above = 90,
     .has_clear = 1,
     .clear = 85,
     .for_s = 600,
     .severity = SEV_WARNING,
     .text = "disk almost full",
     .text_id = "disk hampir penuh",
     .ticket = 1},
    {.name = "smart_failing",
     .kind = AR_METRIC,
     .pattern = "disk.*.smart_ok",
     .has_below = 1,
     .below = 1,
     .severity = SEV_CRITICAL,
     .text = "disk SMART health failing",
     .text_id = "kesehatan SMART disk gagal",
     .ticket = 1,
     .priority = 2},
    {.name = "overheating",
     .kind = AR_METRIC,
     .pattern = "temp.*.celsius",
     .has_above = 1,
     .above = 85,
     .has_clear = 1,
     .clear = 75,
     .for_s = 300,
     .severity = SEV_CRITICAL,
     .text = "overheating",
     .text_id = "suhu terlalu tinggi",
     .ticket = 1},
    {.name = "disk_hot",
     .kind = AR_METRIC,
     .pattern = "disk.*.temp_celsius",
     .has_above = 1,
     .above = 60,
     .has_clear = 1,
     .clear = 55,
     .for_s = 600,
     .severity = SEV_WARNING,
     .text = "disk too hot",
     .text_id = "disk terlalu panas",
     .ticket = 1},
    {.name = "fan_stopped",
     .kind = AR_METRIC,
     .pattern = "fan.*.rpm",
     .has_below = 1,
     .below = 1,
     .for_s = 120,
     .severity = SEV_CRITICAL,
     .text = "fan stopped",
     .text_id = "kipas berhenti",
     .ticket = 1},
    {.name = "toner_low",
     .kind = AR_METRIC,
     .pattern = "printer.supply.*.level_pct",
     .has_below = 1,
     .below = 10,
     .has_clear = 1,
     .clear = 15,
     .severity = SEV_WARNING,
     .types = T(DEV_PRINTER),
     .text = "toner or ink low",
     .text_id = "toner atau tinta hampir habis"},
    {.name = "toner_empty",
     .kind = AR_METRIC,
     .pattern = "printer.supply.*.level_pct",
     .has_below = 1,
     .below = 1,
     .has_clear = 1,
     .clear = 5,
     .severity = SEV_CRITICAL,
     .types = T(DEV_PRINTER),
     .text = "toner or ink empty",
     .text_id = "toner atau tinta habis",
     .ticket = 1},
    {.name = "lamp_end_of_life",
     .kind = AR_METRIC,
     .pattern = "projector.lamp*.hours",
     .has_above = 1,
     .above = 3000,
     .severity = SEV_WARNING,
     .types = T(DEV_PROJECTOR),
     .text = "projector lamp near the end of its life",
     .text_id = "lampu proyektor hampir habis umurnya",
     .ticket = 1,
     .priority = 3},
    {.name = "port_errors",
     .kind = AR_METRIC,
     .pattern = "if.*.*_errors",
     .has_above = 1,
     .above = 1,
     .has_clear = 1,
     .clear = 0.1,
     .for_s = 300,
     .severity = SEV_WARNING,
     .types = T(DEV_SWITCH),
     .text = "switch port errors",
     .text_id = "error pada port switch",
     .rate = 1},
    {.name = "uplink_down",
     .kind = AR_METRIC,
     .pattern = "if.uplink*.oper_up",
     .has_below = 1,
     .below = 1,
     .for_s = 60,
     .severity = SEV_CRITICAL,
     .types = T(DEV_SWITCH),
     .text = "uplink down",
     .text_id = "uplink mati",
     .ticket = 1,
     .priority = 1},
    {.name = "printer_jam",
     .kind = AR_EVENT,
     .pattern = "printer.jam",
     .severity = -1,
     .text = "paper jam",
     .text_id = "kertas macet",
     .ticket = 1},
    {.name = "printer_door_open",
     .kind = AR_EVENT,
     .pattern = "printer.door_open",
     .severity = -1,
     .text = "door open",
     .text_id = "pintu printer terbuka"},
    {.name = "printer_paper_out",
     .kind = AR_EVENT,
     .pattern = "printer.paper_empty",
     .severity = -1,
     .text = "paper out",
     .text_id = "kertas habis"},
    {.name = "printer_toner",
     .kind = AR_EVENT,
     .pattern = "printer.toner_*",
     .severity = -1,
     .text = "toner",
     .text_id = "toner"},
    {.name = "projector_lamp",
     .kind = AR_EVENT,
     .pattern = "projector.lamp",
     .severity = -1,
     .text = "projector lamp error",
     .text_id = "lampu proyektor rusak",
     .ticket = 1},
    {.name = "projector_fan",
     .kind = AR_EVENT,
     .pattern = "projector.fan",
     .severity = -1,
     .text = "projector fan error",
     .text_id = "kipas proyektor rusak",
     .ticket = 1},
    {.name = "projector_temp",
     .kind = AR_EVENT,
     .pattern = "projector.temp",
     .severity = -1,
     .text = "projector temperature error",
     .text_id = "suhu proyektor bermasalah",
     .ticket = 1},
    {.name = "switch_port_down",
     .kind = AR_EVENT,
     .pattern = "switch.port_down.*",
     .severity = -1,
     .text = "port down",
     .text_id = "port mati"},
    /* the presence rule device_unreachable says it, once per device */
    {.name = "unreachable_event",
     .kind = AR_EVENT,
     .pattern = "*.unreachable",
     .severity = -1,
     .ignore = 1},
    {.name = "agent_event",
     .kind = AR_EVENT,
     .pattern = "*",
     .severity = -1,
     .text = ""},
    {.name = "device_offline",
     .kind = AR_PRESENCE,
     .presence = STATE_OFFLINE,
     .for_s = 300,
     .severity = SEV_WARNING,
     .text = "device offline",
     .text_id = "perangkat mati (offline)"},
    {.name = "device_stale",
     .kind = AR_PRESENCE,
     .presence = STATE_STALE,
     .severity = SEV_WARNING,
     .text = "no metrics from the device",
     .text_id = "tidak ada data dari perangkat"},
    {.name = "device_unreachable",
     .kind = AR_PRESENCE,
     .presence = STATE_UNREACHABLE,
     .for_s = 300,
     .severity = SEV_WARNING,
     .text = "device unreachable",
     .text_id = "perangkat tidak dapat dihubungi"},
};
#define ALERT_NBUILTINS (sizeof alert_builtins / sizeof alert_builtins[0])

static const char *const alert_rule_keys[] = {
    "metric", "event",          "presence", "above", "below",   "clear",
    "for",    "severity",       "type",     "site",  "device",  "text",
    "ticket", "resolve_ticket", "priority", "rate",  "enabled", NULL};
static const char *const alert_alerts_keys[] = {
    "site_outage_pct",    "site_outage_min_devices",
    "site_outage_window", "flap_count",
    "flap_window",        NULL};
static const char *const alert_sevs[] = {"info", "warning", "critical", NULL};
/* As config.c always listed them (its messages are tested): graver first. */
static const char *const alert_sev_choices[] = {"critical", "warning", "info",
                                                NULL};
static const char *const alert_types[] = {"pc", "printer", "switch",
                                          "projector", NULL};
static const char *const alert_presences[] = {"offline", "stale", "unreachable",
                                              NULL};

const char *
alert_sev_name(int sev)
{
	return sev >= 0 && sev <= SEV_CRITICAL ? alert_sevs[sev] : "warning";
}

int
alert_sev_parse(const char *s)
{
	for (int i = 0; alert_sevs[i] != NULL; i++)
		if (strcmp(s, alert_sevs[i]) == 0)
			return i;
	return -1;
}

static const struct arule *
alert_builtin_find(const char *name)
{
	for (size_t i = 0; i < ALERT_NBUILTINS; i++)
		if (strcmp(alert_builtins[i].name, name) == 0)
			return &alert_builtins[i];
	return NULL;
}

/* A metric name or a glob of one: name characters and '*', '?'. */
static int
alert_glob_valid(const char *v)
{
	size_t n = strlen(v);

	return n > 0 && n <= NAME_METRIC_MAX &&
	       strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_.-*?") == n;
}

static int
alert_number(const struct conf_section *s, const char *key, double *out,
             struct conf_err *errs)
{
	const char *v;
	char *end;
	double d;

	if (conf_get_str(s, key, &v, errs) != 1)
		return 0;
	errno = 0;
	d = strtod(v, &end);
	if (v[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(d)) {
		if (errs != NULL)
			conf_errorf(s, key, errs, "%s: '%s' is not a number",
			            key, v);
		return -1;
	}
	*out = d;
	return 1;
}

void
alert_config_rule(const struct conf_section *s, struct conf_err *errs)
{
	const char *v;
	unsigned dur;
	long l;
	bool b;
	double d;
	int i, nkind;

	conf_check_keys(s, alert_rule_keys, errs);
	if (conf_get_str(s, "metric", &v, errs) == 1 && !alert_glob_valid(v))
		conf_errorf(s, "metric", errs,
		            "metric: '%s' is not a metric name", v);
	if (conf_get_str(s, "event", &v, errs) == 1 && !alert_glob_valid(v))
		conf_errorf(s, "event", errs,
		            "event: '%s' is not an event code", v);
	conf_get_enum(s, "presence", alert_presences, &i, errs);
	nkind = (conf_value(s, "metric", NULL) != NULL) +
	        (conf_value(s, "event", NULL) != NULL) +
	        (conf_value(s, "presence", NULL) != NULL);
	/* a built-in's name: the section overrides what it sets */
	if (alert_builtin_find(conf_section_name(s)) == NULL) {
		if (nkind != 1)
			conf_errorf(s, NULL, errs,
			            "rule needs exactly one of metric and "
			            "event");
	} else if (nkind > 1) {
		conf_errorf(s, NULL, errs,
		            "rule needs exactly one of metric and event");
	}
	alert_number(s, "above", &d, errs);
	alert_number(s, "below", &d, errs);
	alert_number(s, "clear", &d, errs);
	if (conf_value(s, "metric", NULL) != NULL &&
	    conf_value(s, "above", NULL) == NULL &&
	    conf_value(s, "below", NULL) == NULL)
		conf_errorf(s, "metric", errs,
		            "a metric rule needs above or below");
	if (conf_value(s, "above", NULL) != NULL &&
	    conf_value(s, "below", NULL) != NULL)
		conf_errorf(s, "below", errs, "use above or below, not both");
	conf_get_duration(s, "for", 0, 7 * 86400, &dur, errs);
	conf_get_enum(s, "severity", alert_sev_choices, &i, errs);
	conf_get_enum(s, "type", alert_types, &i, errs);
	conf_get_id(s, "site", &v, errs);
	conf_get_id(s, "device", &v, errs);
	if (conf_get_str(s, "text", &v, errs) == 1 && strlen(v) >= 200)
		conf_errorf(s, "text", errs, "text: at most 199 bytes");
	conf_get_bool(s, "ticket", &b, errs);
	conf_get_bool(s, "resolve_ticket", &b, errs);
	conf_get_bool(s, "rate", &b, errs);
	conf_get_bool(s, "enabled", &b, errs);
	conf_get_int(s, "priority", 1, 4, &l, errs);
}

void
alert_config_alerts(const struct conf_section *s, struct collector_conf *cf,
                    struct conf_err *errs)
{
	unsigned dur;
	long l;

	(void)cf; /* the engine reads [alerts] from cf->raw */
	conf_check_keys(s, alert_alerts_keys, errs);
	conf_get_int(s, "site_outage_pct", 1, 100, &l, errs);
	conf_get_int(s, "site_outage_min_devices", 1, 100000, &l, errs);
	conf_get_duration(s, "site_outage_window", 0, 86400, &dur, errs);
	conf_get_int(s, "flap_count", 2, 1000, &l, errs);
	conf_get_duration(s, "flap_window", 1, 7 * 86400, &dur, errs);
}

/* Applies the keys of [rule NAME] to 'r' (validated: errors are NULL). */
static void
alert_rule_apply(const struct conf_section *s, struct arule *r)
{
	const char *v;
	unsigned dur;
	long l;
	bool b;
	int i;

	if (conf_get_str(s, "metric", &v, NULL) == 1) {
		r->kind = AR_METRIC;
		snprintf(r->pattern, sizeof r->pattern, "%s", v);
	}
	if (conf_get_str(s, "event", &v, NULL) == 1) {
		r->kind = AR_EVENT;
		snprintf(r->pattern, sizeof r->pattern, "%s", v);
	}
	if (conf_get_enum(s, "presence", alert_presences, &i, NULL) == 1) {
		r->kind = AR_PRESENCE;
		r->presence = i == 0   ? STATE_OFFLINE
		              : i == 1 ? STATE_STALE
		                       : STATE_UNREACHABLE;
	}
	if (alert_number(s, "above", &r->above, NULL) == 1) {
		r->has_above = 1;
		r->has_below = 0;
		r->has_clear = 0;
	}
	if (alert_number(s, "below", &r->below, NULL) == 1) {
		r->has_below = 1;
		r->has_above = 0;
		r->has_clear = 0;
	}
	if (alert_number(s, "clear", &r->clear, NULL) == 1)
		r->has_clear = 1;
	if (conf_get_duration(s, "for", 0, 7 * 86400, &dur, NULL) == 1)
		r->for_s = dur;
	if (conf_get_enum(s, "severity", alert_sev_choices, &i, NULL) == 1)
		r->severity = SEV_CRITICAL - i;
	if (conf_get_enum(s, "type", alert_types, &i, NULL) == 1)
		r->types = 1u << i; /* same order as enum dev_type */
	if (conf_get_id(s, "site", &v, NULL) == 1)
		snprintf(r->site, sizeof r->site, "%s", v);
	if (conf_get_id(s, "device", &v, NULL) == 1)
		snprintf(r->device, sizeof r->device, "%s", v);
	if (conf_get_str(s, "text", &v, NULL) == 1) {
		snprintf(r->text, sizeof r->text, "%s", v);
		r->text_id = NULL; /* the technician's words, one language */
	}
	if (conf_get_bool(s, "ticket", &b, NULL) == 1)
		r->ticket = b;
	if (conf_get_bool(s, "resolve_ticket", &b, NULL) == 1)
		r->resolve_ticket = b;
	if (conf_get_bool(s, "rate", &b, NULL) == 1)
		r->rate = b;
	if (conf_get_int(s, "priority", 1, 4, &l, NULL) == 1)
		r->priority = (int)l;
}

static int
alert_rule_enabled(const struct conf_section *s)
{
	bool b = true;

	conf_get_bool(s, "enabled", &b, NULL);
	return b;
}

static void
alert_settings(const struct conf *raw, struct alert_rules *rs)
{
	const struct conf_section *s;
	unsigned dur;
	long l;

	rs->site_outage_pct = 60;
	rs->site_outage_min = 3;
	rs->site_outage_window = 120;
	rs->flap_count = 4;
	rs->flap_window = 1800;
	if (raw == NULL || (s = conf_find(raw, "alerts", NULL)) == NULL)
		return;
	if (conf_get_int(s, "site_outage_pct", 1, 100, &l, NULL) == 1)
		rs->site_outage_pct = (unsigned)l;
	if (conf_get_int(s, "site_outage_min_devices", 1, 100000, &l, NULL) ==
	    1)
		rs->site_outage_min = (unsigned)l;
	if (conf_get_duration(s, "site_outage_window", 0, 86400, &dur, NULL) ==
	    1)
		rs->site_outage_window = dur;
	if (conf_get_int(s, "flap_count", 2, 1000, &l, NULL) == 1)
		rs->flap_count = (unsigned)l;
	if (conf_get_duration(s, "flap_window", 1, 7 * 86400, &dur, NULL) == 1)
		rs->flap_window = dur;
}

/*
 * New rules first (for events the first matching rule wins, so a
 * technician's rule beats the catch-all), then the built-ins with their
 * overrides; disabled ones are left out.
 */
struct alert_rules *
alert_rules_load(const struct conf *raw)
{
	struct alert_rules *rs;
	const struct conf_section *s;
	size_t nsec = raw != NULL ? conf_section_count(raw) : 0, i;
	struct arule r;

	if ((rs = calloc(1, sizeof *rs)) == NULL ||
	    (rs->r = calloc(nsec + ALERT_NBUILTINS, sizeof *rs->r)) == NULL)
		goto fail;
	alert_settings(raw, rs);
	for (i = 0; i < nsec; i++) {
		s = conf_section_at(raw, i);
		if (strcmp(conf_section_type(s), "rule") != 0 ||
		    conf_section_name(s) == NULL ||
		    alert_builtin_find(conf_section_name(s)) != NULL ||
		    !alert_rule_enabled(s))
			continue;
		memset(&r, 0, sizeof r);
		snprintf(r.name, sizeof r.name, "%s", conf_section_name(s));
		r.severity = SEV_WARNING;
		alert_rule_apply(s, &r);
		if (r.kind == AR_EVENT &&
		    conf_value(s, "severity", NULL) == NULL)
			r.severity = -1;
		rs->r[rs->n++] = r;
	}
	for (i = 0; i < ALERT_NBUILTINS; i++) {
		r = alert_builtins[i];
		r.builtin = 1;
		s = raw != NULL ? conf_find(raw, "rule", r.name) : NULL;
		if (s != NULL) {
			if (!alert_rule_enabled(s))
				continue;
			alert_rule_apply(s, &r);
		}
		rs->r[rs->n++] = r;
	}
	return rs;
fail:
	alert_rules_free(rs);
	return NULL;
}

void
alert_rules_free(struct alert_rules *r)
{
	if (r == NULL)
		return;
	free(r->r);
	free(r);
}

size_t
alert_rules_count(const struct alert_rules *r)
{
	return r->n;
}

int
alert_rule_scope(const struct arule *r, const char *site, const char *device,
                 enum dev_type type)
{
	if (r->site[0] != '\0' && strcmp(r->site, site) != 0)
		return 0;
	if (r->device[0] != '\0' &&
	    (device == NULL || strcmp(r->device, device) != 0))
		return 0;
	if (r->types != 0 &&
	    ((unsigned)type >= DEV_NTYPES || !(r->types & (1u << type))))
		return 0;
	return 1;
}
