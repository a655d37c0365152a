/*
 * snmp_out.c: what the device builders share.
 *
 * snmp_round_build() runs one builder over a finished round's store: it
 * adds what every SNMP device has (sysUpTime, the system group), decides
 * whether counters may be sent this round, lets the builder add its
 * metrics, conditions and inventory fields, then turns the conditions into
 * events by comparing them with the previous round's (a condition is
 * raised once and cleared when it is gone), and keeps the inventory text
 * so that it is handed out only when it changed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/snmp_priv.h"
#include "common/log.h"
#include "common/names.h"

const struct snmp_oid snmp_oid_sysdescr = SNMP_OID(1, 3, 6, 1, 2, 1, 1, 1, 0);
const struct snmp_oid snmp_oid_sysobjectid =
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 2, 0);
const struct snmp_oid snmp_oid_sysuptime = SNMP_OID(1, 3, 6, 1, 2, 1, 1, 3, 0);
const struct snmp_oid snmp_oid_sysname = SNMP_OID(1, 3, 6, 1, 2, 1, 1, 5, 0);
const struct snmp_oid snmp_oid_syslocation =
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 6, 0);

const struct snmp_plan *
snmp_plan_for(enum dev_type type)
{
	switch (type) {
	case DEV_PRINTER:
		return &dev_printer_plan;
	case DEV_SWITCH:
		return &dev_switch_plan;
	case DEV_PC:
		return &dev_pc_snmp_plan;
	default:
		return NULL;
	}
}

static void
snmp_out_metric(struct snmp_out *o, int counter, double v, const char *fmt,
                va_list ap)
{
	char name[NAME_METRIC_MAX + 2];
	int n;

	n = vsnprintf(name, sizeof(name), fmt, ap);
	if (n < 0 || (size_t)n > NAME_METRIC_MAX) {
		log_debug("snmp: metric name too long: %s...", name);
		return;
	}
	if (wire_metrics_add(&o->r->m, counter, name, v) != 0) {
		if (errno == ENOMEM)
			o->err = 1;
		else
			log_debug("snmp: metric %s dropped (%s)", name,
			          strerror(errno));
	}
}

void
snmp_out_gauge(struct snmp_out *o, double v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	snmp_out_metric(o, 0, v, fmt, ap);
	va_end(ap);
}

void
snmp_out_counter(struct snmp_out *o, double v, const char *fmt, ...)
{
	va_list ap;

	/* Totals that may restart from zero are sent only when continuous. */
	if (!o->counters_ok)
		return;
	va_start(ap, fmt);
	snmp_out_metric(o, 1, v, fmt, ap);
	va_end(ap);
}

static struct snmp_cond *
snmp_conds_find(const struct snmp_conds *c, const char *code)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].code, code) == 0)
			return &c->v[i];
	return NULL;
}

/*
 * Drops a UTF-8 sequence cut short at the end of 's' (snprintf() cuts on a
 * byte): the wire encoder refuses an event text that is not UTF-8.
 */
static void
snmp_out_utf8_trim(char *s)
{
	size_t len = strlen(s), i = len, need;
	unsigned char lead;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	lead = (unsigned char)s[i - 1];
	if (lead < 0x80)
		return;
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	if (len - (i - 1) < need)
		s[i - 1] = '\0';
}

/*
 * Two sources may name the same condition (the error-state bit jammed and
 * a prtAlertTable jam row): one condition, the graver severity, the texts
 * joined.
 */
void
snmp_out_cond(struct snmp_out *o, const char *code, enum wire_severity sev,
              const char *text)
{
	struct snmp_cond *c;
	size_t len;

	if (!name_metric_valid(code))
		return;
	if ((c = snmp_conds_find(&o->now, code)) != NULL) {
		if (sev < c->sev)
			c->sev = sev;
		len = strlen(c->text);
		if (text[0] != '\0' && strstr(c->text, text) == NULL &&
		    len + 2 < sizeof(c->text))
			snprintf(c->text + len, sizeof(c->text) - len, "%s%s",
			         len > 0 ? "; " : "", text);
		snmp_out_utf8_trim(c->text);
		return;
	}
	if (o->now.n == o->now.cap) {
		size_t cap = o->now.cap ? o->now.cap * 2 : 8;

		if ((c = realloc(o->now.v, cap * sizeof(*c))) == NULL) {
			o->err = 1;
			return;
		}
		o->now.v = c;
		o->now.cap = cap;
	}
	c = &o->now.v[o->now.n++];
	snprintf(c->code, sizeof(c->code), "%s", code);
	c->sev = sev;
	snprintf(c->text, sizeof(c->text), "%s", text);
	snmp_out_utf8_trim(c->text);
}

void
snmp_out_label(struct snmp_out *o, const char *prefix, const char *label)
{
	if (o->labels == NULL || label[0] == '\0' ||
	    cJSON_GetObjectItemCaseSensitive(o->labels, prefix) != NULL)
		return;
	if (cJSON_AddStringToObject(o->labels, prefix, label) == NULL)
		o->err = 1;
}

void
snmp_out_inv_str(struct snmp_out *o, cJSON *obj, const char *key,
                 const char *val)
{
	if (val == NULL || val[0] == '\0')
		return;
	if (cJSON_AddStringToObject(obj, key, val) == NULL)
		o->err = 1;
}

void
snmp_out_text(const struct snmp_var *v, int charset, char *out, size_t outsz)
{
	if (outsz > 0)
		out[0] = '\0';
	if (v == NULL || v->type != SNMP_T_OCTETS)
		return;
	snmp_decode_text(v->str, v->str_len, charset, out, outsz);
}

int
snmp_parts_pick(struct snmp_parts *p, const char *label, const char *fallback,
                char *part)
{
	size_t i;

	if (name_sanitize(label, part, NAME_PART_MAX + 1) < 0)
		goto fallback;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i], part) == 0)
			goto fallback;
	goto add;
fallback:
	snprintf(part, NAME_PART_MAX + 1, "%s", fallback);
add:
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		char(*v)[NAME_PART_MAX + 1];

		if ((v = realloc(p->v, cap * sizeof(*v))) == NULL)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	memcpy(p->v[p->n++], part, NAME_PART_MAX + 1);
	return 0;
}

void
snmp_parts_clear(struct snmp_parts *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

void
snmp_hist_clear(struct snmp_hist *h)
{
	free(h->active.v);
	free(h->ports);
	free(h->inv_text);
	memset(h, 0, sizeof(*h));
}

void
snmp_round_clear(struct snmp_round *r)
{
	wire_metrics_clear(&r->m);
	free(r->ev);
	free(r->inventory);
	memset(r, 0, sizeof(*r));
}

static int
snmp_round_event(struct snmp_round *r, int64_t ts, const struct snmp_cond *c,
                 enum wire_evstate state)
{
	struct wire_event *e;

	if (r->nev == r->cap_ev) {
		size_t cap = r->cap_ev ? r->cap_ev * 2 : 8;

		if ((e = realloc(r->ev, cap * sizeof(*e))) == NULL)
			return -1;
		r->ev = e;
		r->cap_ev = cap;
	}
	e = &r->ev[r->nev++];
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	snprintf(e->code, sizeof(e->code), "%s", c->code);
	e->severity = c->sev;
	e->state = state;
	snprintf(e->text, sizeof(e->text), "%s", c->text);
	return 0;
}

/* Raised: in this round and not the last; cleared: the other way round. */
static int
snmp_round_events(struct snmp_out *o)
{
	struct snmp_conds tmp;
	size_t i;

	for (i = 0; i < o->h->active.n; i++)
		if (snmp_conds_find(&o->now, o->h->active.v[i].code) == NULL &&
		    snmp_round_event(o->r, o->ts, &o->h->active.v[i],
		                     WIRE_EV_CLEARED) != 0)
			return -1;
	for (i = 0; i < o->now.n; i++)
		if (snmp_conds_find(&o->h->active, o->now.v[i].code) == NULL &&
		    snmp_round_event(o->r, o->ts, &o->now.v[i],
		                     WIRE_EV_RAISED) != 0)
			return -1;
	tmp = o->h->active;
	o->h->active = o->now;
	o->now = tmp;
	return 0;
}

static int
snmp_round_inventory(struct snmp_out *o)
{
	char *text;
	size_t len;

	if (o->labels != NULL && o->labels->child != NULL) {
		cJSON_AddItemToObject(o->inv, "labels", o->labels);
		o->labels = NULL;
	}
	if ((text = cJSON_PrintUnformatted(o->inv)) == NULL)
		return -1;
	if (o->h->inv_text != NULL && strcmp(o->h->inv_text, text) == 0) {
		free(text);
		return 0;
	}
	free(o->h->inv_text);
	o->h->inv_text = text;
	/* text is "{...}": splice "v" and "ts" in after its brace. */
	len = strlen(text) + 48;
	if ((o->r->inventory = malloc(len)) == NULL)
		return -1;
	snprintf(o->r->inventory, len, "{\"v\":1,\"ts\":%lld,%s",
	         (long long)o->ts, text + 1);
	return 0;
}

/* The system group: every SNMP device has it. */
static void
snmp_round_system(struct snmp_out *o)
{
	static const struct {
		const struct snmp_oid *oid;
		const char *key;
	} sys[] = {
	    {&snmp_oid_sysdescr, "sys_descr"},
	    {&snmp_oid_sysobjectid, "sys_object_id"},
	    {&snmp_oid_sysname, "sys_name"},
	    {&snmp_oid_syslocation, "sys_location"},
	};
	const struct snmp_var *v;
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(sys) / sizeof(sys[0]); i++) {
		v = snmp_store_get(o->st, sys[i].oid, NULL, 0);
		if (v == NULL)
			continue;
		if (v->type == SNMP_T_OID)
			snprintf(text, sizeof(text), "%s",
			         (const char *)v->str);
		else
			snmp_out_text(v, 0, text, sizeof(text));
		snmp_out_inv_str(o, o->inv, sys[i].key, text);
	}
}

int
snmp_round_build(const struct snmp_plan *plan, const struct snmp_store *st,
                 struct snmp_hist *h, int64_t ts, unsigned interval,
                 struct snmp_round *r)
{
	struct snmp_out o;
	int64_t ticks;

	memset(&o, 0, sizeof(o));
	o.st = st;
	o.h = h;
	o.r = r;
	o.ts = ts;
	o.counters_ok = true;
	r->m.ts = ts;
	r->m.type = plan->type;
	r->m.interval = interval;
	if ((o.inv = cJSON_CreateObject()) == NULL ||
	    (o.labels = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o.inv, "type",
	                            wire_type_name(plan->type)) == NULL)
		goto fail;
	if (snmp_var_int(snmp_store_get(st, &snmp_oid_sysuptime, NULL, 0),
	                 &ticks)) {
		if (h->have_ticks &&
		    !snmp_decode_counters_continue(h->ticks, (uint32_t)ticks)) {
			log_info("snmp: sysUpTime went back from %u to %u: "
			         "counters skipped this round",
			         h->ticks, (unsigned)ticks);
			o.counters_ok = false;
		}
		h->have_ticks = true;
		h->ticks = (uint32_t)ticks;
		/*
		 * uptime.seconds itself goes back at a restart, which the
		 * collector's DERIVE turns into one unknown step: always sent.
		 * A PC's uptime is the host's (hrSystemUptime): its builder.
		 */
		if (plan->type != DEV_PC) {
			bool ok = o.counters_ok;

			o.counters_ok = true;
			snmp_out_counter(&o, (double)(ticks / 100),
			                 "uptime.seconds");
			o.counters_ok = ok;
		}
	}
	snmp_round_system(&o);
	plan->build(&o);
	if (o.err || snmp_round_events(&o) != 0 ||
	    snmp_round_inventory(&o) != 0)
		goto fail;
	cJSON_Delete(o.inv);
	cJSON_Delete(o.labels);
	free(o.now.v);
	return 0;
fail:
	cJSON_Delete(o.inv);
	cJSON_Delete(o.labels);
	free(o.now.v);
	snmp_round_clear(r);
	errno = ENOMEM;
	return -1;
}
