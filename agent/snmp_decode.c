/*
 * snmp_decode.c: the pure decoding rules of the SNMP poller.
 *
 * Everything a device's answer needs before it becomes a metric or an
 * event and that can be stated as a function of a few values: the
 * hrPrinterDetectedErrorState bit field (RFC 2790, one or two octets),
 * Printer-MIB levels with their special values (RFC 3805), localized text
 * (the printer's prtLocalizationCharacterSet, UTF-16 included), alert
 * codes (IANA-PRINTER-MIB PrtAlertCodeTC), ENTITY-SENSOR scaling
 * (RFC 3433) and counter discontinuities.  No I/O, no state: the unit
 * tests drive these with tables (tests/unit/check_snmp_decode.c).
 */
#include <stdio.h>
#include <string.h>

#include "agent/snmp_priv.h"

/*
 * Bit 0 is the most significant bit of the first octet.  Severities: what
 * stops printing is critical (RFC 1514's hrDeviceStatus down), what only
 * warns is a warning.  Names of the conditions follow the events that
 * prtAlertTable rows map to, so both sources raise the same code.
 */
const struct snmp_errbit snmp_errbits[] = {
    {0x8000, "lowPaper", "printer.paper_low", WIRE_SEV_WARNING, "Paper low"},
    {0x4000, "noPaper", "printer.paper_empty", WIRE_SEV_CRITICAL, "No paper"},
    {0x2000, "lowToner", "printer.toner_low", WIRE_SEV_WARNING, "Toner low"},
    {0x1000, "noToner", "printer.toner_empty", WIRE_SEV_CRITICAL, "No toner"},
    {0x0800, "doorOpen", "printer.door_open", WIRE_SEV_CRITICAL, "Door open"},
    {0x0400, "jammed", "printer.jam", WIRE_SEV_CRITICAL, "Paper jam"},
    {0x0200, "offline", "printer.offline", WIRE_SEV_CRITICAL, "Offline"},
    {0x0100, "serviceRequested", "printer.service_requested", WIRE_SEV_WARNING,
     "Service requested"},
    {0x0080, "inputTrayMissing", "printer.input_tray_missing", WIRE_SEV_WARNING,
     "Input tray missing"},
    {0x0040, "outputTrayMissing", "printer.output_tray_missing",
     WIRE_SEV_WARNING, "Output tray missing"},
    {0x0020, "markerSupplyMissing", "printer.supply_missing", WIRE_SEV_CRITICAL,
     "Marker supply missing"},
    {0x0010, "outputNearFull", "printer.output_near_full", WIRE_SEV_WARNING,
     "Output tray almost full"},
    {0x0008, "outputFull", "printer.output_full", WIRE_SEV_CRITICAL,
     "Output tray full"},
    {0x0004, "inputTrayEmpty", "printer.input_tray_empty", WIRE_SEV_WARNING,
     "Input tray empty"},
    {0x0002, "overduePreventMaint", "printer.maintenance_overdue",
     WIRE_SEV_WARNING, "Preventive maintenance overdue"},
};
const size_t snmp_nerrbits = sizeof(snmp_errbits) / sizeof(snmp_errbits[0]);

unsigned
snmp_decode_error_bits(const uint8_t *s, size_t n)
{
	if (s == NULL || n == 0)
		return 0;
	/* More than two octets: later bits are not defined; ignore them. */
	return (unsigned)s[0] << 8 | (n > 1 ? s[1] : 0);
}

bool
snmp_decode_level_pct(int64_t level, int64_t max, double *pct)
{
	double p;

	if (level < 0 || max <= 0)
		return false;
	p = (double)level * 100.0 / (double)max;
	if (p > 100.0)
		p = 100.0;
	/* round(p * 100) / 100 for 0 <= p <= 100, without libm (round() is
	 * the agent's only use of it; docs/bench.md). */
	p *= 100.0;
	*pct = (double)(int64_t)p;
	if (p - *pct >= 0.5)
		*pct += 1.0;
	*pct /= 100.0;
	return true;
}

/* Appends code point c as UTF-8 if it fits in out[*o..outsz-1). */
static bool
snmp_put_utf8(char *out, size_t outsz, size_t *o, uint32_t c)
{
	char b[4];
	size_t n;

	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
		c = ' ';
	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	if (*o + n >= outsz)
		return false;
	memcpy(out + *o, b, n);
	*o += n;
	return true;
}

/* The next UTF-8 code point at s[*i], or 0xfffd (one byte consumed). */
static uint32_t
snmp_utf8_next(const uint8_t *s, size_t n, size_t *i, bool *bad)
{
	uint32_t c = s[*i], min;
	size_t len, k;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if ((c & 0xe0) == 0xc0)
		len = 2, c &= 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		len = 3, c &= 0x0f, min = 0x800;
	else if ((c & 0xf8) == 0xf0)
		len = 4, c &= 0x07, min = 0x10000;
	else
		goto bad;
	if (*i + len > n)
		goto bad;
	for (k = 1; k < len; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			goto bad;
		c = c << 6 | (s[*i + k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		goto bad;
	*i += len;
	return c;
bad:
	*bad = true;
	(*i)++;
	return 0xfffd;
}

static bool
snmp_valid_utf8(const uint8_t *s, size_t n)
{
	size_t i = 0;
	bool bad = false;

	while (i < n && !bad)
		snmp_utf8_next(s, n, &i, &bad);
	return !bad;
}

static bool
snmp_printable_ascii(const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

enum snmp_cs { CS_UTF8, CS_LATIN1, CS_UTF16BE, CS_UTF16LE };

/* Which encoding to read, from the charset and a look at the bytes. */
static enum snmp_cs
snmp_pick_charset(const uint8_t *s, size_t n, int mibenum, size_t *skip)
{
	size_t i, zeven = 0, zodd = 0;

	*skip = 0;
	/*
	 * Printers that declare UTF-16 still send some strings in ASCII
	 * (colorant names, the printer name): an odd length, or printable
	 * ASCII without a single NUL, is not UTF-16.
	 */
	if (mibenum == 1000 || mibenum == 1013 || mibenum == 1014 ||
	    mibenum == 1015) {
		if (n % 2 != 0 ||
		    (memchr(s, 0, n) == NULL && snmp_printable_ascii(s, n)))
			return CS_UTF8;
	}
	switch (mibenum) {
	case 3:
	case 106:
		return CS_UTF8;
	case 4:
		return CS_LATIN1;
	case 1000:
	case 1013:
		return CS_UTF16BE;
	case 1014:
		return CS_UTF16LE;
	case 1015:
		if (n >= 2 && s[0] == 0xff && s[1] == 0xfe) {
			*skip = 2;
			return CS_UTF16LE;
		}
		if (n >= 2 && s[0] == 0xfe && s[1] == 0xff)
			*skip = 2;
		return CS_UTF16BE;
	default:
		break;
	}
	/* Unknown: UTF-16 shows as a NUL in every other byte of Latin text. */
	if (n >= 2 && n % 2 == 0) {
		for (i = 0; i < n; i++)
			if (s[i] == 0 && i % 2)
				zodd++;
			else if (s[i] == 0)
				zeven++;
		if (zeven == n / 2 && zodd == 0)
			return CS_UTF16BE;
		if (zodd == n / 2 && zeven == 0)
			return CS_UTF16LE;
	}
	return snmp_valid_utf8(s, n) ? CS_UTF8 : CS_LATIN1;
}

size_t
snmp_decode_text(const uint8_t *s, size_t n, int mibenum, char *out,
                 size_t outsz)
{
	size_t i, o = 0, skip;
	enum snmp_cs cs;
	uint32_t c, lo;
	bool bad = false;

	if (outsz == 0)
		return 0;
	out[0] = '\0';
	if (s == NULL)
		return 0;
	cs = snmp_pick_charset(s, n, mibenum, &skip);
	for (i = skip; i < n;) {
		switch (cs) {
		case CS_UTF8:
			c = snmp_utf8_next(s, n, &i, &bad);
			break;
		case CS_LATIN1:
			c = s[i++];
			break;
		default:
			if (i + 1 >= n) {
				i = n;
				continue;
			}
			c = cs == CS_UTF16BE ? (uint32_t)s[i] << 8 | s[i + 1]
			                     : (uint32_t)s[i + 1] << 8 | s[i];
			i += 2;
			if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
				lo = cs == CS_UTF16BE
				         ? (uint32_t)s[i] << 8 | s[i + 1]
				         : (uint32_t)s[i + 1] << 8 | s[i];
				if (lo >= 0xdc00 && lo < 0xe000) {
					c = 0x10000 + ((c - 0xd800) << 10) +
					    (lo - 0xdc00);
					i += 2;
				}
			}
			if (c >= 0xd800 && c < 0xe000)
				c = 0xfffd;
			break;
		}
		/* A NUL ends the text (C-style padding on some printers). */
		if (c == 0)
			break;
		if (!snmp_put_utf8(out, outsz, &o, c))
			break;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	/* Leading blanks too: "  Black" is "Black". */
	for (i = 0; out[i] == ' '; i++)
		;
	if (i > 0) {
		memmove(out, out + i, o - i + 1);
		o -= i;
	}
	return o;
}

/* PrtAlertGroupTC values the mapping looks at. */
enum {
	GRP_INPUT = 8,
	GRP_OUTPUT = 9,
	GRP_MARKER = 10,
	GRP_SUPPLIES = 11,
};

struct snmp_alertmap {
	int code;
	const char *cond; /* NULL: not a condition */
};

/* PrtAlertCodeTC (IANA-PRINTER-MIB); codes not listed keep their number. */
static const struct snmp_alertmap snmp_alertmap[] = {
    {3, "printer.door_open"}, /* coverOpen */
    {4, NULL},                /* coverClosed */
    {5, "printer.door_open"}, /* interlockOpen */
    {6, NULL},                /* interlockClosed */
    {7, NULL},                /* configurationChange */
    {8, "printer.jam"},
    {9, "printer.subunit_missing"},
    {10, "printer.life_almost_over"},
    {11, "printer.life_over"},
    {16, "printer.turned_off"}, /* subunitTurnedOff */
    {17, NULL},                 /* subunitTurnedOn */
    {18, "printer.subunit_offline"},
    {19, "printer.unable_to_print"},
    {22, "printer.offline"}, /* subunitOffline */
    {23, NULL},              /* subunitPowerSaver */
    {24, NULL},              /* subunitWarmingUp */
    {25, NULL},              /* subunitAdded */
    {26, NULL},              /* subunitRemoved */
    {27, "printer.resource_added"},
    {29, "printer.failure"}, /* recoverable */
    {30, "printer.failure"}, /* unrecoverable */
    {33, "printer.motor_failure"},
    {34, "printer.memory_exhausted"},
    {35, "printer.under_temperature"},
    {36, "printer.over_temperature"},
    {501, "printer.door_open"},
    {502, NULL}, /* doorClosed */
    {503, NULL}, /* powerUp */
    {504, NULL}, /* powerDown */
    {505, NULL}, /* printerNMSReset */
    {506, NULL}, /* printerManualReset */
    {507, NULL}, /* printerReadyToPrint */
    {801, "printer.input_tray_missing"},
    {802, "printer.input_supply_missing"},
    {803, "printer.input_media_size_change"},
    {804, "printer.input_media_weight_change"},
    {805, "printer.input_media_type_change"},
    {806, "printer.input_media_color_change"},
    {807, "printer.paper_low"},
    {808, "printer.paper_empty"},
    {809, "printer.input_manual_feed"},
    {901, "printer.output_tray_missing"},
    {902, "printer.output_near_full"},
    {903, "printer.output_full"},
    {1001, "printer.fuser_under_temperature"},
    {1002, "printer.fuser_over_temperature"},
    {1101, "printer.toner_empty"},
    {1102, "printer.ink_empty"},
    {1103, "printer.print_ribbon_empty"},
    {1104, "printer.toner_low"},
    {1105, "printer.ink_low"},
    {1106, "printer.print_ribbon_low"},
    {1107, "printer.waste_almost_full"},
    {1108, "printer.waste_almost_full"}, /* ink waste */
    {1109, "printer.waste_full"},
    {1110, "printer.waste_full"}, /* ink waste */
    {1111, "printer.opc_life_almost_over"},
    {1112, "printer.opc_life_over"},
    {1113, "printer.developer_low"},
    {1114, "printer.developer_empty"},
    {1115, "printer.toner_cartridge_missing"},
    {1301, "printer.media_path_tray_missing"},
    {1302, "printer.media_path_tray_almost_full"},
    {1303, "printer.media_path_tray_full"},
    {1304, "printer.duplexer_missing"},
    {1801, NULL}, /* alertRemovalOfBinaryChangeEntry */
};

bool
snmp_decode_alert(int64_t code, int64_t group, int64_t severity, char *codebuf,
                  size_t codesz, enum wire_severity *sev)
{
	const char *cond = NULL;
	size_t i;

	/* warningBinaryChangeEvent(5): an event, not a lasting condition. */
	if (severity == 5)
		return false;
	*sev = severity == 3   ? WIRE_SEV_CRITICAL
	       : severity == 4 ? WIRE_SEV_WARNING
	                       : WIRE_SEV_INFO;
	/* Generic codes made specific by the group the alert is about. */
	switch (code) {
	case 12: /* subunitAlmostEmpty */
		cond = group == GRP_INPUT      ? "printer.paper_low"
		       : group == GRP_SUPPLIES ? "printer.supply_low"
		                               : "printer.almost_empty";
		break;
	case 13: /* subunitEmpty */
		cond = group == GRP_INPUT      ? "printer.paper_empty"
		       : group == GRP_SUPPLIES ? "printer.supply_empty"
		                               : "printer.empty";
		break;
	case 14: /* subunitAlmostFull */
		cond = group == GRP_OUTPUT     ? "printer.output_near_full"
		       : group == GRP_SUPPLIES ? "printer.waste_almost_full"
		                               : "printer.almost_full";
		break;
	case 15: /* subunitFull */
		cond = group == GRP_OUTPUT     ? "printer.output_full"
		       : group == GRP_SUPPLIES ? "printer.waste_full"
		                               : "printer.full";
		break;
	default:
		for (i = 0; i < sizeof(snmp_alertmap) / sizeof(*snmp_alertmap);
		     i++) {
			if (snmp_alertmap[i].code != code)
				continue;
			if (snmp_alertmap[i].cond == NULL)
				return false;
			cond = snmp_alertmap[i].cond;
			break;
		}
	}
	if (cond != NULL)
		snprintf(codebuf, codesz, "%s", cond);
	else if (code >= 0)
		snprintf(codebuf, codesz, "printer.alert_%lld",
		         (long long)code);
	else
		return false;
	return true;
}

double
snmp_decode_sensor(int64_t value, int64_t scale, int64_t precision)
{
	/* EntitySensorDataScale: yocto(1) .. yotta(17), units(9) = 10^0. */
	static const int exp10[] = {0, -24, -21, -18, -15, -12, -9, -6, -3,
	                            0, 3,   6,   9,   12,  18,  15, 21, 24};
	/* 10^-33 .. 10^32, the range exp10 minus precision can take: a
	 * table instead of pow(), so the agent does not load libm. */
	static const double p10[] = {
	    1e-33, 1e-32, 1e-31, 1e-30, 1e-29, 1e-28, 1e-27, 1e-26, 1e-25,
	    1e-24, 1e-23, 1e-22, 1e-21, 1e-20, 1e-19, 1e-18, 1e-17, 1e-16,
	    1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9,  1e-8,  1e-7,
	    1e-6,  1e-5,  1e-4,  1e-3,  1e-2,  1e-1,  1e0,   1e1,   1e2,
	    1e3,   1e4,   1e5,   1e6,   1e7,   1e8,   1e9,   1e10,  1e11,
	    1e12,  1e13,  1e14,  1e15,  1e16,  1e17,  1e18,  1e19,  1e20,
	    1e21,  1e22,  1e23,  1e24,  1e25,  1e26,  1e27,  1e28,  1e29,
	    1e30,  1e31,  1e32,
	};
	double v = (double)value;
	int e = 0;

	if (scale >= 1 && scale <= 17)
		e = exp10[scale];
	if (precision >= -8 && precision <= 9)
		e -= (int)precision;
	return v * p10[e + 33];
}

bool
snmp_decode_counters_continue(uint32_t prev_ticks, uint32_t ticks)
{
	return ticks >= prev_ticks;
}
