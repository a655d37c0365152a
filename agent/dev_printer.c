/*
 * dev_printer.c: printers, through Printer-MIB (RFC 3805) and
 * HOST-RESOURCES-MIB (RFC 2790).
 *
 * The printer is the hrDevice row that has an hrPrinterTable entry
 * (usually index 1, not always); every Printer-MIB table is indexed by that
 * hrDeviceIndex first.  Published (docs/metrics.md, docs/snmp.md):
 * hrPrinterStatus, the error-state bits as one integer and as conditions,
 * prtMarkerLifeCount by its unit, each supply's level (or, for a waste
 * receptacle, how full it is) only when level and capacity are real
 * numbers, each input tray's level, and prtAlertTable rows as conditions.
 * Supply, tray and alert texts are in the printer's localization charset.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/snmp_priv.h"

#define HR_DEVICE 1, 3, 6, 1, 2, 1, 25, 3, 2, 1
#define HR_PRINTER 1, 3, 6, 1, 2, 1, 25, 3, 5, 1
#define PRT_GENERAL 1, 3, 6, 1, 2, 1, 43, 5, 1, 1
#define PRT_LOCAL 1, 3, 6, 1, 2, 1, 43, 7, 1, 1
#define PRT_INPUT 1, 3, 6, 1, 2, 1, 43, 8, 2, 1
#define PRT_MARKER 1, 3, 6, 1, 2, 1, 43, 10, 2, 1
#define PRT_SUPPLY 1, 3, 6, 1, 2, 1, 43, 11, 1, 1
#define PRT_COLORANT 1, 3, 6, 1, 2, 1, 43, 12, 1, 1
#define PRT_ALERT 1, 3, 6, 1, 2, 1, 43, 18, 1, 1

static const struct snmp_oid hr_device_descr = SNMP_OID(HR_DEVICE, 3);
static const struct snmp_oid hr_device_status = SNMP_OID(HR_DEVICE, 5);
static const struct snmp_oid hr_printer_status = SNMP_OID(HR_PRINTER, 1);
static const struct snmp_oid hr_printer_errors = SNMP_OID(HR_PRINTER, 2);
static const struct snmp_oid prt_general_loc = SNMP_OID(PRT_GENERAL, 2);
static const struct snmp_oid prt_general_name = SNMP_OID(PRT_GENERAL, 16);
static const struct snmp_oid prt_general_serial = SNMP_OID(PRT_GENERAL, 17);
static const struct snmp_oid prt_local_charset = SNMP_OID(PRT_LOCAL, 4);
static const struct snmp_oid prt_input_max = SNMP_OID(PRT_INPUT, 9);
static const struct snmp_oid prt_input_level = SNMP_OID(PRT_INPUT, 10);
static const struct snmp_oid prt_input_media = SNMP_OID(PRT_INPUT, 12);
static const struct snmp_oid prt_input_name = SNMP_OID(PRT_INPUT, 13);
static const struct snmp_oid prt_input_descr = SNMP_OID(PRT_INPUT, 18);
static const struct snmp_oid prt_marker_unit = SNMP_OID(PRT_MARKER, 3);
static const struct snmp_oid prt_marker_life = SNMP_OID(PRT_MARKER, 4);
static const struct snmp_oid prt_supply_colorant = SNMP_OID(PRT_SUPPLY, 3);
static const struct snmp_oid prt_supply_class = SNMP_OID(PRT_SUPPLY, 4);
static const struct snmp_oid prt_supply_type = SNMP_OID(PRT_SUPPLY, 5);
static const struct snmp_oid prt_supply_descr = SNMP_OID(PRT_SUPPLY, 6);
static const struct snmp_oid prt_supply_unit = SNMP_OID(PRT_SUPPLY, 7);
static const struct snmp_oid prt_supply_max = SNMP_OID(PRT_SUPPLY, 8);
static const struct snmp_oid prt_supply_level = SNMP_OID(PRT_SUPPLY, 9);
static const struct snmp_oid prt_colorant_value = SNMP_OID(PRT_COLORANT, 4);
static const struct snmp_oid prt_alert_severity = SNMP_OID(PRT_ALERT, 2);
static const struct snmp_oid prt_alert_group = SNMP_OID(PRT_ALERT, 4);
static const struct snmp_oid prt_alert_code = SNMP_OID(PRT_ALERT, 7);
static const struct snmp_oid prt_alert_descr = SNMP_OID(PRT_ALERT, 8);

static const struct snmp_oid dev_printer_gets[] = {
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 1, 0), SNMP_OID(1, 3, 6, 1, 2, 1, 1, 2, 0),
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 3, 0), SNMP_OID(1, 3, 6, 1, 2, 1, 1, 5, 0),
    SNMP_OID(1, 3, 6, 1, 2, 1, 1, 6, 0),
};

static const struct snmp_walk dev_printer_walks[] = {
    {SNMP_OID(HR_PRINTER), {1, 2}, 2},
    {SNMP_OID(HR_DEVICE), {3, 5}, 2},
    {SNMP_OID(PRT_GENERAL), {2, 16, 17}, 3},
    {SNMP_OID(PRT_LOCAL), {4}, 1},
    {SNMP_OID(PRT_MARKER), {3, 4}, 2},
    {SNMP_OID(PRT_SUPPLY), {3, 4, 5, 6, 7, 8, 9}, 7},
    {SNMP_OID(PRT_COLORANT), {4}, 1},
    {SNMP_OID(PRT_INPUT), {9, 10, 12, 13, 18}, 5},
    {SNMP_OID(PRT_ALERT), {2, 4, 7, 8}, 4},
};

/* PrtMarkerSuppliesTypeTC (IANA-PRINTER-MIB), for the inventory. */
static const char *const dev_printer_supply_types[] = {
    [1] = "other",
    [2] = "unknown",
    [3] = "toner",
    [4] = "wasteToner",
    [5] = "ink",
    [6] = "inkCartridge",
    [7] = "inkRibbon",
    [8] = "wasteInk",
    [9] = "opc",
    [10] = "developer",
    [11] = "fuserOil",
    [12] = "solidWax",
    [13] = "ribbonWax",
    [14] = "wasteWax",
    [15] = "fuser",
    [16] = "coronaWire",
    [17] = "fuserOilWick",
    [18] = "cleanerUnit",
    [19] = "fuserCleaningPad",
    [20] = "transferUnit",
    [21] = "tonerCartridge",
    [22] = "fuserOiler",
    [23] = "water",
    [24] = "wasteWater",
    [25] = "glueWaterAdditive",
    [26] = "wastePaper",
    [27] = "bindingSupply",
    [28] = "bandingSupply",
    [29] = "stitchingWire",
    [30] = "shrinkWrap",
    [31] = "paperWrap",
    [32] = "staples",
    [33] = "inserts",
    [34] = "covers",
};

/* PrtMarkerCounterUnitTC: the metric a lifetime count goes to. */
static const char *
dev_printer_count_metric(int64_t unit, const char **unitname)
{
	switch (unit) {
	case 7:
		*unitname = "impressions";
		return "printer.pages.total";
	case 8:
		*unitname = "sheets";
		return "printer.sheets.total";
	case 3:
		*unitname = "tenThousandthsOfInches";
		return "printer.usage.ten_thousandths_of_inches";
	case 4:
		*unitname = "micrometers";
		return "printer.usage.micrometers";
	case 5:
		*unitname = "characters";
		return "printer.usage.characters";
	case 6:
		*unitname = "lines";
		return "printer.usage.lines";
	case 9:
		*unitname = "dotRow";
		return "printer.usage.dot_rows";
	case 11:
		*unitname = "hours";
		return "printer.usage.hours";
	case 16:
		*unitname = "feet";
		return "printer.usage.feet";
	case 17:
		*unitname = "meters";
		return "printer.usage.meters";
	default:
		*unitname = NULL;
		return NULL;
	}
}

/* The hrDeviceIndex of the printer: its hrPrinterTable row. */
static uint32_t
dev_printer_index(const struct snmp_store *st)
{
	const struct snmp_var *v;
	size_t pos = 0;

	if ((v = snmp_store_next(st, &hr_printer_status, &pos)) != NULL ||
	    (pos = 0, v = snmp_store_next(st, &hr_printer_errors, &pos)) !=
	        NULL)
		return v->oid[v->oid_len - 1];
	pos = 0;
	if ((v = snmp_store_next(st, &prt_marker_life, &pos)) != NULL)
		return v->oid[prt_marker_life.len];
	return 1;
}

/* prtGeneralCurrentLocalization -> prtLocalizationCharacterSet. */
static int
dev_printer_charset(const struct snmp_store *st, uint32_t dev)
{
	uint32_t idx[2] = {dev, 0};
	int64_t loc, cs;

	if (!snmp_var_int(snmp_store_get(st, &prt_general_loc, &dev, 1),
	                  &loc) ||
	    loc < 0 || loc > UINT32_MAX)
		return 0;
	idx[1] = (uint32_t)loc;
	if (!snmp_var_int(snmp_store_get(st, &prt_local_charset, idx, 2), &cs))
		return 0;
	return (int)cs;
}

/* Rows of a Printer-MIB column that belong to printer 'dev'. */
static const struct snmp_var *
dev_printer_row(const struct snmp_store *st, const struct snmp_oid *col,
                uint32_t dev, size_t *pos, uint32_t *row)
{
	const struct snmp_var *v;

	while ((v = snmp_store_next(st, col, pos)) != NULL) {
		if (v->oid_len != col->len + 2 || v->oid[col->len] != dev)
			continue;
		*row = v->oid[col->len + 1];
		return v;
	}
	return NULL;
}

static void
dev_printer_counts(struct snmp_out *o, uint32_t dev, cJSON *inv)
{
	const struct snmp_var *v;
	const char *metric, *unitname, *first_unit = NULL;
	uint32_t idx[2] = {dev, 0};
	uint64_t life;
	int64_t unit;
	double sum[18] = {0};
	bool have[18] = {false};
	size_t pos = 0;

	/* Several markers (a colour engine with two): summed per unit. */
	while ((v = dev_printer_row(o->st, &prt_marker_life, dev, &pos,
	                            &idx[1])) != NULL) {
		if (!snmp_var_uint(v, &life))
			continue;
		if (!snmp_var_int(
		        snmp_store_get(o->st, &prt_marker_unit, idx, 2), &unit))
			unit = 7; /* most printers count impressions */
		if (unit < 0 || unit >= 18 ||
		    dev_printer_count_metric(unit, &unitname) == NULL)
			continue;
		sum[unit] += (double)life;
		have[unit] = true;
	}
	for (unit = 0; unit < 18; unit++) {
		if (!have[unit])
			continue;
		metric = dev_printer_count_metric(unit, &unitname);
		snmp_out_counter(o, sum[unit], "%s", metric);
		if (first_unit == NULL)
			first_unit = unitname;
	}
	snmp_out_inv_str(o, inv, "page_counter_unit", first_unit);
}

static void
dev_printer_supplies(struct snmp_out *o, uint32_t dev, int charset, cJSON *inv)
{
	const struct snmp_var *v;
	struct snmp_parts parts = {0};
	uint32_t idx[2] = {dev, 0}, cidx[2] = {dev, 0};
	char descr[256], part[NAME_PART_MAX + 1], fallback[32], color[64];
	int64_t cls, type, level, max, colorant;
	double pct;
	cJSON *arr, *s;
	size_t pos = 0;
	bool receptacle;

	if ((arr = cJSON_AddArrayToObject(inv, "supplies")) == NULL) {
		o->err = 1;
		return;
	}
	while ((v = dev_printer_row(o->st, &prt_supply_descr, dev, &pos,
	                            &idx[1])) != NULL) {
		snmp_out_text(v, charset, descr, sizeof(descr));
		snprintf(fallback, sizeof(fallback), "supply%u", idx[1]);
		if (snmp_parts_pick(&parts, descr, fallback, part) != 0) {
			o->err = 1;
			break;
		}
		if (!snmp_var_int(
		        snmp_store_get(o->st, &prt_supply_class, idx, 2), &cls))
			cls = 3;
		receptacle = cls == 4;
		if (!snmp_var_int(
		        snmp_store_get(o->st, &prt_supply_level, idx, 2),
		        &level))
			level = -2;
		if (!snmp_var_int(
		        snmp_store_get(o->st, &prt_supply_max, idx, 2), &max))
			max = -2;
		/* A receptacle's level is the space left: report how full. */
		if (snmp_decode_level_pct(level, max, &pct)) {
			if (receptacle)
				snmp_out_gauge(o, 100.0 - pct,
				               "printer.supply.%s.full_pct",
				               part);
			else
				snmp_out_gauge(o, pct,
				               "printer.supply.%s.level_pct",
				               part);
		}
		{
			char prefix[NAME_METRIC_MAX + 1];

			snprintf(prefix, sizeof(prefix), "printer.supply.%s",
			         part);
			snmp_out_label(o, prefix, descr);
		}
		if ((s = cJSON_CreateObject()) == NULL) {
			o->err = 1;
			break;
		}
		cJSON_AddItemToArray(arr, s);
		cJSON_AddNumberToObject(s, "index", idx[1]);
		snmp_out_inv_str(o, s, "description", descr);
		snmp_out_inv_str(o, s, "name", part);
		if (snmp_var_int(
		        snmp_store_get(o->st, &prt_supply_type, idx, 2),
		        &type) &&
		    type > 0 &&
		    type < (int64_t)(sizeof(dev_printer_supply_types) /
		                     sizeof(dev_printer_supply_types[0])))
			snmp_out_inv_str(o, s, "type",
			                 dev_printer_supply_types[type]);
		snmp_out_inv_str(o, s, "class",
		                 receptacle ? "receptacle" : "consumed");
		if (snmp_var_int(
		        snmp_store_get(o->st, &prt_supply_colorant, idx, 2),
		        &colorant) &&
		    colorant > 0 && colorant <= UINT32_MAX) {
			cidx[1] = (uint32_t)colorant;
			snmp_out_text(
			    snmp_store_get(o->st, &prt_colorant_value, cidx, 2),
			    charset, color, sizeof(color));
			snmp_out_inv_str(o, s, "color", color);
		}
		cJSON_AddNumberToObject(s, "max_capacity", (double)max);
		/* PrtMarkerSuppliesSupplyUnitTC: 19 percent, 7 impressions...
		 */
		if (snmp_var_int(
		        snmp_store_get(o->st, &prt_supply_unit, idx, 2), &type))
			cJSON_AddNumberToObject(s, "unit", (double)type);
	}
	snmp_parts_clear(&parts);
}

static void
dev_printer_trays(struct snmp_out *o, uint32_t dev, int charset, cJSON *inv)
{
	const struct snmp_var *v;
	struct snmp_parts parts = {0};
	uint32_t idx[2] = {dev, 0};
	char name[256], media[128], part[NAME_PART_MAX + 1], fallback[32];
	char prefix[NAME_METRIC_MAX + 1];
	int64_t level, max;
	double pct;
	cJSON *arr, *t;
	size_t pos = 0;

	if ((arr = cJSON_AddArrayToObject(inv, "trays")) == NULL) {
		o->err = 1;
		return;
	}
	while ((v = dev_printer_row(o->st, &prt_input_level, dev, &pos,
	                            &idx[1])) != NULL) {
		snmp_out_text(snmp_store_get(o->st, &prt_input_name, idx, 2),
		              charset, name, sizeof(name));
		if (name[0] == '\0')
			snmp_out_text(
			    snmp_store_get(o->st, &prt_input_descr, idx, 2),
			    charset, name, sizeof(name));
		snprintf(fallback, sizeof(fallback), "tray%u", idx[1]);
		if (snmp_parts_pick(&parts, name, fallback, part) != 0) {
			o->err = 1;
			break;
		}
		if (!snmp_var_int(v, &level))
			level = -2;
		if (!snmp_var_int(snmp_store_get(o->st, &prt_input_max, idx, 2),
		                  &max))
			max = -2;
		if (snmp_decode_level_pct(level, max, &pct))
			snmp_out_gauge(o, pct, "printer.tray.%s.level_pct",
			               part);
		snprintf(prefix, sizeof(prefix), "printer.tray.%s", part);
		snmp_out_label(o, prefix, name);
		if ((t = cJSON_CreateObject()) == NULL) {
			o->err = 1;
			break;
		}
		cJSON_AddItemToArray(arr, t);
		cJSON_AddNumberToObject(t, "index", idx[1]);
		snmp_out_inv_str(o, t, "description", name);
		snmp_out_inv_str(o, t, "name", part);
		snmp_out_text(snmp_store_get(o->st, &prt_input_media, idx, 2),
		              charset, media, sizeof(media));
		snmp_out_inv_str(o, t, "media", media);
		cJSON_AddNumberToObject(t, "max_capacity", (double)max);
	}
	snmp_parts_clear(&parts);
}

static void
dev_printer_alerts(struct snmp_out *o, uint32_t dev, int charset)
{
	const struct snmp_var *v;
	uint32_t idx[2] = {dev, 0};
	char code[NAME_METRIC_MAX + 1], text[256];
	int64_t acode, group, sevl;
	enum wire_severity sev;
	size_t pos = 0;

	while ((v = dev_printer_row(o->st, &prt_alert_code, dev, &pos,
	                            &idx[1])) != NULL) {
		if (!snmp_var_int(v, &acode))
			continue;
		if (!snmp_var_int(
		        snmp_store_get(o->st, &prt_alert_group, idx, 2),
		        &group))
			group = -1;
		if (!snmp_var_int(
		        snmp_store_get(o->st, &prt_alert_severity, idx, 2),
		        &sevl))
			sevl = 1;
		if (!snmp_decode_alert(acode, group, sevl, code, sizeof(code),
		                       &sev))
			continue;
		snmp_out_text(snmp_store_get(o->st, &prt_alert_descr, idx, 2),
		              charset, text, sizeof(text));
		snmp_out_cond(o, code, sev, text);
	}
}

static void
dev_printer_build(struct snmp_out *o)
{
	const struct snmp_var *v;
	uint32_t dev = dev_printer_index(o->st);
	int charset = dev_printer_charset(o->st, dev);
	char text[256];
	unsigned bits;
	int64_t x;
	size_t i;

	if (snmp_var_int(snmp_store_get(o->st, &hr_printer_status, &dev, 1),
	                 &x))
		snmp_out_gauge(o, (double)x, "printer.status");
	if (snmp_var_int(snmp_store_get(o->st, &hr_device_status, &dev, 1), &x))
		snmp_out_gauge(o, (double)x, "printer.device_status");
	v = snmp_store_get(o->st, &hr_printer_errors, &dev, 1);
	if (v != NULL && v->type == SNMP_T_OCTETS) {
		bits = snmp_decode_error_bits(v->str, v->str_len);
		snmp_out_gauge(o, bits, "printer.error_bits");
		for (i = 0; i < snmp_nerrbits; i++)
			if (bits & snmp_errbits[i].mask)
				snmp_out_cond(o, snmp_errbits[i].code,
				              snmp_errbits[i].sev,
				              snmp_errbits[i].text);
	}
	dev_printer_counts(o, dev, o->inv);
	dev_printer_supplies(o, dev, charset, o->inv);
	dev_printer_trays(o, dev, charset, o->inv);
	dev_printer_alerts(o, dev, charset);

	snmp_out_text(snmp_store_get(o->st, &hr_device_descr, &dev, 1), 0, text,
	              sizeof(text));
	snmp_out_inv_str(o, o->inv, "model", text);
	snmp_out_text(snmp_store_get(o->st, &prt_general_serial, &dev, 1), 0,
	              text, sizeof(text));
	snmp_out_inv_str(o, o->inv, "serial", text);
	snmp_out_text(snmp_store_get(o->st, &prt_general_name, &dev, 1),
	              charset, text, sizeof(text));
	snmp_out_inv_str(o, o->inv, "printer_name", text);
	if (charset > 0)
		cJSON_AddNumberToObject(o->inv, "charset", charset);
}

const struct snmp_plan dev_printer_plan = {
    DEV_PRINTER,
    dev_printer_gets,
    sizeof(dev_printer_gets) / sizeof(dev_printer_gets[0]),
    dev_printer_walks,
    sizeof(dev_printer_walks) / sizeof(dev_printer_walks[0]),
    dev_printer_build,
};
