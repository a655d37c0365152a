/*
 * dev_switch.c: switches, through IF-MIB (RFC 2863), ENTITY-MIB (RFC 6933)
 * and ENTITY-SENSOR-MIB (RFC 3433).
 *
 * Per port: oper and admin status, speed, octets (the 64-bit ifHC
 * counters where the device has them, the 32-bit ones otherwise, e.g. over
 * SNMPv1), errors and discards.  A port's counters are left out of a round
 * when its ifCounterDiscontinuityTime moved (and all counters when
 * sysUpTime went back, snmp_out.c), so a reset never becomes a rate.  A
 * port that was up and goes down while administratively up is a
 * condition (raised, then cleared when it comes back or is shut down).
 * Temperatures come from ENTITY-SENSOR celsius sensors when present; model
 * and serial from the chassis row of entPhysicalTable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/snmp_priv.h"

#define IF_TABLE 1, 3, 6, 1, 2, 1, 2, 2, 1
#define IFX_TABLE 1, 3, 6, 1, 2, 1, 31, 1, 1, 1
#define ENT_PHYS 1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1
#define ENT_SENSOR 1, 3, 6, 1, 2, 1, 99, 1, 1, 1

static const struct snmp_oid if_descr = SNMP_OID(IF_TABLE, 2);
static const struct snmp_oid if_type = SNMP_OID(IF_TABLE, 3);
static const struct snmp_oid if_speed = SNMP_OID(IF_TABLE, 5);
static const struct snmp_oid if_phys = SNMP_OID(IF_TABLE, 6);
static const struct snmp_oid if_admin = SNMP_OID(IF_TABLE, 7);
static const struct snmp_oid if_oper = SNMP_OID(IF_TABLE, 8);
static const struct snmp_oid if_in_octets = SNMP_OID(IF_TABLE, 10);
static const struct snmp_oid if_in_discards = SNMP_OID(IF_TABLE, 13);
static const struct snmp_oid if_in_errors = SNMP_OID(IF_TABLE, 14);
static const struct snmp_oid if_out_octets = SNMP_OID(IF_TABLE, 16);
static const struct snmp_oid if_out_discards = SNMP_OID(IF_TABLE, 19);
static const struct snmp_oid if_out_errors = SNMP_OID(IF_TABLE, 20);
static const struct snmp_oid ifx_name = SNMP_OID(IFX_TABLE, 1);
static const struct snmp_oid ifx_hc_in = SNMP_OID(IFX_TABLE, 6);
static const struct snmp_oid ifx_hc_out = SNMP_OID(IFX_TABLE, 10);
static const struct snmp_oid ifx_high_speed = SNMP_OID(IFX_TABLE, 15);
static const struct snmp_oid ifx_alias = SNMP_OID(IFX_TABLE, 18);
static const struct snmp_oid ifx_disc_time = SNMP_OID(IFX_TABLE, 19);
static const struct snmp_oid ent_descr = SNMP_OID(ENT_PHYS, 2);
static const struct snmp_oid ent_class = SNMP_OID(ENT_PHYS, 5);
static const struct snmp_oid ent_name = SNMP_OID(ENT_PHYS, 7);
static const struct snmp_oid ent_serial = SNMP_OID(ENT_PHYS, 11);
static const struct snmp_oid ent_model = SNMP_OID(ENT_PHYS, 13);
static const struct snmp_oid sensor_type = SNMP_OID(ENT_SENSOR, 1);
static const struct snmp_oid sensor_scale = SNMP_OID(ENT_SENSOR, 2);
static const struct snmp_oid sensor_precision = SNMP_OID(ENT_SENSOR, 3);
static const struct snmp_oid sensor_value = SNMP_OID(ENT_SENSOR, 4);
static const struct snmp_oid sensor_status = SNMP_OID(ENT_SENSOR, 5);

static const struct snmp_oid dev_switch_gets[] = {
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 1, 0), SNMP_OID(1, 3, 6, 1, 2, 1, 1, 2, 0),
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 3, 0), SNMP_OID(1, 3, 6, 1, 2, 1, 1, 5, 0),
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 6, 0),
};

static const struct snmp_walk dev_switch_walks[] = {
    {SNMP_OID(IF_TABLE), {2, 3, 5, 6, 7, 8, 10, 13, 14, 16, 19, 20}, 12},
    {SNMP_OID(IFX_TABLE), {1, 6, 10, 15, 18, 19}, 6},
    {SNMP_OID(ENT_PHYS), {2, 5, 7, 11, 13}, 5},
    {SNMP_OID(ENT_SENSOR), {1, 2, 3, 4, 5}, 5},
};

/* Interfaces that are not ports: loopback, VLAN and tunnel interfaces. */
static bool
dev_switch_is_port(int64_t type)
{
	switch (type) {
	case 24:  /* softwareLoopback */
	case 53:  /* propVirtual */
	case 131: /* tunnel */
	case 135: /* l2vlan */
	case 136: /* l3ipvlan */
		return false;
	default:
		return true;
	}
}

static const struct snmp_port_hist *
dev_switch_hist(const struct snmp_hist *h, uint32_t ifindex)
{
	size_t i;

	for (i = 0; i < h->nports; i++)
		if (h->ports[i].ifindex == ifindex)
			return &h->ports[i];
	return NULL;
}

/* A counter: the 64-bit column if the device has it, else the 32-bit. */
static void
dev_switch_counter(struct snmp_out *o, const struct snmp_oid *hc,
                   const struct snmp_oid *c32, uint32_t ifindex,
                   const char *part, const char *what)
{
	uint64_t v;

	if ((hc != NULL &&
	     snmp_var_uint(snmp_store_get(o->st, hc, &ifindex, 1), &v)) ||
	    snmp_var_uint(snmp_store_get(o->st, c32, &ifindex, 1), &v))
		snmp_out_counter(o, (double)v, "if.%s.%s", part, what);
}

static void
dev_switch_port(struct snmp_out *o, uint32_t ifindex, const char *label,
                const char *part, struct snmp_port_hist *ph, cJSON *arr)
{
	const struct snmp_port_hist *prev = dev_switch_hist(o->h, ifindex);
	char prefix[NAME_METRIC_MAX + 1], alias[256], descr[256], text[600];
	const struct snmp_var *v;
	int64_t oper = 0, admin = 0;
	uint64_t speed = 0, disc;
	bool counters, have_speed = false;
	cJSON *p;

	snmp_var_int(snmp_store_get(o->st, &if_oper, &ifindex, 1), &oper);
	snmp_var_int(snmp_store_get(o->st, &if_admin, &ifindex, 1), &admin);
	if (oper != 0)
		snmp_out_gauge(o, oper == 1, "if.%s.oper_up", part);
	if (admin != 0)
		snmp_out_gauge(o, admin == 1, "if.%s.admin_up", part);
	if (snmp_var_uint(snmp_store_get(o->st, &ifx_high_speed, &ifindex, 1),
	                  &speed) &&
	    speed > 0)
		have_speed = true;
	else if (snmp_var_uint(snmp_store_get(o->st, &if_speed, &ifindex, 1),
	                       &speed)) {
		speed /= 1000000;
		have_speed = true;
	}
	if (have_speed)
		snmp_out_gauge(o, (double)speed, "if.%s.speed_mbps", part);

	ph->ifindex = ifindex;
	ph->oper = (int)oper;
	ph->seen_up = oper == 1 || (prev != NULL && prev->seen_up);
	counters = true;
	if (snmp_var_uint(snmp_store_get(o->st, &ifx_disc_time, &ifindex, 1),
	                  &disc)) {
		ph->disc = (uint32_t)disc;
		ph->have_disc = true;
		if (prev != NULL && prev->have_disc && prev->disc != ph->disc)
			counters = false;
	}
	if (counters) {
		dev_switch_counter(o, &ifx_hc_in, &if_in_octets, ifindex, part,
		                   "in_bytes");
		dev_switch_counter(o, &ifx_hc_out, &if_out_octets, ifindex,
		                   part, "out_bytes");
		dev_switch_counter(o, NULL, &if_in_errors, ifindex, part,
		                   "in_errors");
		dev_switch_counter(o, NULL, &if_out_errors, ifindex, part,
		                   "out_errors");
		dev_switch_counter(o, NULL, &if_in_discards, ifindex, part,
		                   "in_discards");
		dev_switch_counter(o, NULL, &if_out_discards, ifindex, part,
		                   "out_discards");
	}

	snmp_out_text(snmp_store_get(o->st, &ifx_alias, &ifindex, 1), 0, alias,
	              sizeof(alias));
	snmp_out_text(snmp_store_get(o->st, &if_descr, &ifindex, 1), 0, descr,
	              sizeof(descr));
	/* Down after having been up, while meant to be up: worth a look. */
	if (ph->seen_up && admin == 1 && oper != 1) {
		char code[NAME_METRIC_MAX + 1];

		snprintf(code, sizeof(code), "switch.port_down.%s", part);
		snprintf(text, sizeof(text), "Port %s%s%s%s down", label,
		         alias[0] ? " (" : "", alias, alias[0] ? ")" : "");
		snmp_out_cond(o, code, WIRE_SEV_WARNING, text);
	}

	snprintf(prefix, sizeof(prefix), "if.%s", part);
	snmp_out_label(o, prefix, label);
	if ((p = cJSON_CreateObject()) == NULL) {
		o->err = 1;
		return;
	}
	cJSON_AddItemToArray(arr, p);
	snmp_out_inv_str(o, p, "name", label);
	cJSON_AddNumberToObject(p, "index", ifindex);
	snmp_out_inv_str(o, p, "descr", descr);
	snmp_out_inv_str(o, p, "alias", alias);
	v = snmp_store_get(o->st, &if_phys, &ifindex, 1);
	if (v != NULL && v->type == SNMP_T_OCTETS && v->str_len == 6) {
		snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x",
		         v->str[0], v->str[1], v->str[2], v->str[3], v->str[4],
		         v->str[5]);
		snmp_out_inv_str(o, p, "mac", text);
	}
	if (have_speed)
		cJSON_AddNumberToObject(p, "speed_mbps", (double)speed);
}

static void
dev_switch_ports(struct snmp_out *o)
{
	const struct snmp_var *v;
	struct snmp_parts parts = {0};
	struct snmp_port_hist *ports = NULL, *np;
	size_t nports = 0, cap = 0, pos = 0;
	char name[256], part[NAME_PART_MAX + 1], fallback[32];
	uint32_t ifindex;
	int64_t type;
	cJSON *arr;

	if ((arr = cJSON_AddArrayToObject(o->inv, "interfaces")) == NULL) {
		o->err = 1;
		return;
	}
	while ((v = snmp_store_next(o->st, &if_descr, &pos)) != NULL) {
		if (v->oid_len != if_descr.len + 1)
			continue;
		ifindex = v->oid[if_descr.len];
		if (snmp_var_int(snmp_store_get(o->st, &if_type, &ifindex, 1),
		                 &type) &&
		    !dev_switch_is_port(type))
			continue;
		snmp_out_text(snmp_store_get(o->st, &ifx_name, &ifindex, 1), 0,
		              name, sizeof(name));
		if (name[0] == '\0')
			snmp_out_text(v, 0, name, sizeof(name));
		snprintf(fallback, sizeof(fallback), "if%u", ifindex);
		if (snmp_parts_pick(&parts, name, fallback, part) != 0)
			goto nomem;
		if (nports == cap) {
			cap = cap ? cap * 2 : 32;
			if ((np = realloc(ports, cap * sizeof(*np))) == NULL)
				goto nomem;
			ports = np;
		}
		memset(&ports[nports], 0, sizeof(*ports));
		dev_switch_port(o, ifindex, name[0] ? name : fallback, part,
		                &ports[nports++], arr);
	}
	free(o->h->ports);
	o->h->ports = ports;
	o->h->nports = nports;
	snmp_parts_clear(&parts);
	return;
nomem:
	o->err = 1;
	free(ports);
	snmp_parts_clear(&parts);
}

static void
dev_switch_sensors(struct snmp_out *o)
{
	const struct snmp_var *v;
	struct snmp_parts parts = {0};
	char name[256], part[NAME_PART_MAX + 1], fallback[32];
	char prefix[NAME_METRIC_MAX + 1];
	int64_t type, value, scale, prec, status;
	uint32_t idx;
	size_t pos = 0;

	while ((v = snmp_store_next(o->st, &sensor_value, &pos)) != NULL) {
		if (v->oid_len != sensor_value.len + 1 ||
		    !snmp_var_int(v, &value))
			continue;
		idx = v->oid[sensor_value.len];
		if (!snmp_var_int(snmp_store_get(o->st, &sensor_type, &idx, 1),
		                  &type) ||
		    type != 8 /* celsius */)
			continue;
		if (snmp_var_int(snmp_store_get(o->st, &sensor_status, &idx, 1),
		                 &status) &&
		    status != 1 /* ok */)
			continue;
		if (!snmp_var_int(snmp_store_get(o->st, &sensor_scale, &idx, 1),
		                  &scale))
			scale = 9;
		if (!snmp_var_int(
		        snmp_store_get(o->st, &sensor_precision, &idx, 1),
		        &prec))
			prec = 0;
		snmp_out_text(snmp_store_get(o->st, &ent_name, &idx, 1), 0,
		              name, sizeof(name));
		if (name[0] == '\0')
			snmp_out_text(
			    snmp_store_get(o->st, &ent_descr, &idx, 1), 0, name,
			    sizeof(name));
		snprintf(fallback, sizeof(fallback), "sensor%u", idx);
		if (snmp_parts_pick(&parts, name, fallback, part) != 0) {
			o->err = 1;
			break;
		}
		snmp_out_gauge(o, snmp_decode_sensor(value, scale, prec),
		               "temp.%s.celsius", part);
		snprintf(prefix, sizeof(prefix), "temp.%s", part);
		snmp_out_label(o, prefix, name);
	}
	snmp_parts_clear(&parts);
}

/* Model and serial: the chassis (entPhysicalClass 3), else the first. */
static void
dev_switch_entity(struct snmp_out *o)
{
	const struct snmp_var *v;
	char text[256];
	uint32_t idx = 0;
	int64_t cls;
	size_t pos = 0;

	while ((v = snmp_store_next(o->st, &ent_class, &pos)) != NULL) {
		if (v->oid_len != ent_class.len + 1)
			continue;
		if (idx == 0)
			idx = v->oid[ent_class.len];
		if (snmp_var_int(v, &cls) && cls == 3) {
			idx = v->oid[ent_class.len];
			break;
		}
	}
	if (idx == 0)
		return;
	snmp_out_text(snmp_store_get(o->st, &ent_model, &idx, 1), 0, text,
	              sizeof(text));
	if (text[0] == '\0')
		snmp_out_text(snmp_store_get(o->st, &ent_descr, &idx, 1), 0,
		              text, sizeof(text));
	snmp_out_inv_str(o, o->inv, "model", text);
	snmp_out_text(snmp_store_get(o->st, &ent_serial, &idx, 1), 0, text,
	              sizeof(text));
	snmp_out_inv_str(o, o->inv, "serial", text);
}

static void
dev_switch_build(struct snmp_out *o)
{
	dev_switch_entity(o);
	dev_switch_ports(o);
	dev_switch_sensors(o);
}

const struct snmp_plan dev_switch_plan = {
    DEV_SWITCH,
    dev_switch_gets,
    sizeof(dev_switch_gets) / sizeof(dev_switch_gets[0]),
    dev_switch_walks,
    sizeof(dev_switch_walks) / sizeof(dev_switch_walks[0]),
    dev_switch_build,
};
