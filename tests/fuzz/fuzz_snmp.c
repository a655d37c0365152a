/*
 * fuzz_snmp.c: libFuzzer target for the SNMP poller's decoding of what a
 * device answers (agent/snmp_decode.c and the builders of
 * agent/dev_printer.c, dev_switch.c, dev_pc_snmp.c): printer error-state
 * bits, supply and tray levels, localized text in the printer's charset
 * (UTF-16, Latin-1, ...), alert rows, sensors and counters.
 *
 * The input is a snmpsim data file (OID|TAG|VALUE lines, as the fixtures
 * in tests/fixtures/snmpsim/ are): loaded into a store as the poller's
 * answers would be, then every plan builds two rounds from it (the second
 * against the first's history) and what they produce must encode as wire
 * messages.  The raw bytes also go through the pure decoders directly,
 * with every charset.  docs/fuzzing.md runs it.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent/snmp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The charsets snmp_decode_text() knows, and two it does not. */
static const int fuzz_snmp_charsets[] = {0,    3,    4,    106,  1000,
                                         1013, 1014, 1015, 2025, -1};

static void
fuzz_snmp_decoders(const uint8_t *data, size_t size)
{
	char out[64], code[64];
	enum wire_severity sev;
	int64_t a = 0, b = 0, c = 0;
	double pct;
	size_t i, n;

	(void)snmp_decode_error_bits(data, size);
	for (i = 0; i < sizeof(fuzz_snmp_charsets) / sizeof(int); i++) {
		n = snmp_decode_text(data, size, fuzz_snmp_charsets[i], out,
		                     sizeof(out));
		if (n >= sizeof(out) || out[n] != '\0' || strlen(out) != n)
			abort();
		/* cut on a character boundary: the text stays UTF-8 */
		{
			struct wire_event e = {.ts = 1};
			char *enc;

			strcpy(e.code, "printer.jam");
			memcpy(e.text, out, n + 1);
			if ((enc = wire_event_encode(&e, NULL)) == NULL)
				abort();
			free(enc);
		}
	}
	if (size >= 24) {
		memcpy(&a, data, 8);
		memcpy(&b, data + 8, 8);
		memcpy(&c, data + 16, 8);
		if (snmp_decode_level_pct(a, b, &pct) &&
		    !(pct >= 0 && pct <= 100))
			abort();
		(void)snmp_decode_alert(a, b, c, code, sizeof(code), &sev);
		(void)snmp_decode_sensor(a, b, c);
		(void)snmp_decode_counters_continue((uint32_t)a, (uint32_t)b);
	}
}

static void
fuzz_snmp_check_round(const struct snmp_round *r)
{
	size_t i;
	char *enc;

	if (r->m.ngauges + r->m.ncounters > 0) {
		if ((enc = wire_metrics_encode(&r->m, NULL)) == NULL)
			abort();
		free(enc);
	}
	for (i = 0; i < r->nev; i++) {
		if ((enc = wire_event_encode(&r->ev[i], NULL)) == NULL)
			abort();
		free(enc);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct snmp_plan *const plans[] = {
	    &dev_printer_plan, &dev_switch_plan, &dev_pc_snmp_plan};
	static int fd = -1;
	static char path[64];
	struct snmp_store st;
	size_t p;
	int k;

	fuzz_snmp_decoders(data, size);

	if (fd == -1) {
		if ((fd = memfd_create("fuzz.snmprec", 0)) == -1)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	snmp_store_init(&st);
	if (snmp_store_load_snmprec(&st, path) == 0) {
		snmp_store_sort(&st);
		for (p = 0; p < sizeof(plans) / sizeof(plans[0]); p++) {
			struct snmp_hist h = {0};

			for (k = 0; k < 2; k++) {
				struct snmp_round r = {0};

				if (snmp_round_build(plans[p], &st, &h,
				                     1700000000 + 60 * k, 60,
				                     &r) == 0)
					fuzz_snmp_check_round(&r);
				snmp_round_clear(&r);
			}
			snmp_hist_clear(&h);
		}
	}
	snmp_store_clear(&st);
	return 0;
}
