/*
 * fuzz_wire.c: libFuzzer target for the collector's parse of an MQTT
 * message (common/wire.h), the path ingest_message() takes before the
 * database: the topic, then the decoder of its channel.
 *
 * Input: the topic up to the first newline, the payload after it (no
 * newline: the whole input is the payload of a metrics topic).  Beyond
 * "no crash, no leak, no undefined behaviour" it checks the contract of
 * wire.h: whatever a decoder accepts, the encoder re-encodes and the
 * decoder reads back to the same values.  docs/fuzzing.md runs it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The topic of an input without a newline. */
#define FUZZ_WIRE_DEFAULT_TOPIC "pantau/v1/site-a/pc-01/metrics"

static void
fuzz_wire_metrics(const uint8_t *p, size_t n)
{
	struct wire_metrics m = {0}, back = {0};
	struct wire_error err;
	size_t i, len;
	char *enc;

	if (wire_metrics_decode(p, n, &m, &err) != WIRE_OK)
		return;
	if ((enc = wire_metrics_encode(&m, &len)) == NULL)
		abort(); /* accepted, so it must encode */
	if (wire_metrics_decode(enc, len, &back, &err) != WIRE_OK)
		abort();
	if (back.ts != m.ts || back.seq != m.seq || back.type != m.type ||
	    back.interval != m.interval || back.ngauges != m.ngauges ||
	    back.ncounters != m.ncounters)
		abort();
	for (i = 0; i < m.ngauges; i++)
		if (strcmp(back.gauges[i].name, m.gauges[i].name) != 0 ||
		    back.gauges[i].value != m.gauges[i].value)
			abort();
	for (i = 0; i < m.ncounters; i++)
		if (strcmp(back.counters[i].name, m.counters[i].name) != 0 ||
		    back.counters[i].value != m.counters[i].value)
			abort();
	free(enc);
	wire_metrics_clear(&back);
	wire_metrics_clear(&m);
}

static void
fuzz_wire_status(const uint8_t *p, size_t n)
{
	struct wire_status s, back;
	struct wire_error err;
	size_t len;
	char *enc;

	if (wire_status_decode(p, n, &s, &err) != WIRE_OK)
		return;
	if ((enc = wire_status_encode(&s, &len)) == NULL)
		abort();
	if (wire_status_decode(enc, len, &back, &err) != WIRE_OK ||
	    back.ts != s.ts || back.state != s.state)
		abort();
	free(enc);
}

static void
fuzz_wire_event(const uint8_t *p, size_t n)
{
	struct wire_event e, back;
	struct wire_error err;
	size_t len;
	char *enc;

	if (wire_event_decode(p, n, &e, &err) != WIRE_OK)
		return;
	if ((enc = wire_event_encode(&e, &len)) == NULL)
		abort();
	if (wire_event_decode(enc, len, &back, &err) != WIRE_OK ||
	    back.ts != e.ts || back.severity != e.severity ||
	    back.state != e.state || strcmp(back.code, e.code) != 0 ||
	    strcmp(back.text, e.text) != 0)
		abort();
	free(enc);
}

static void
fuzz_wire_inventory(const uint8_t *p, size_t n)
{
	struct wire_inventory inv = {0}, back = {0};
	struct wire_error err;

	if (wire_inventory_decode(p, n, &inv, &err) != WIRE_OK)
		return;
	/* the stored re-encoding must itself be a valid inventory */
	if (wire_inventory_decode(inv.json, strlen(inv.json), &back, &err) !=
	        WIRE_OK ||
	    back.ts != inv.ts || back.type != inv.type ||
	    strcmp(back.json, inv.json) != 0)
		abort();
	wire_inventory_clear(&back);
	wire_inventory_clear(&inv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char topic[WIRE_TOPIC_MAX * 2];
	char site[NAME_ID_MAX + 1], device[NAME_ID_MAX + 1];
	const uint8_t *nl = memchr(data, '\n', size);
	const uint8_t *payload = data;
	size_t tlen, plen = size;
	enum wire_channel ch;
	struct wire_error err;

	if (nl == NULL) {
		strcpy(topic, FUZZ_WIRE_DEFAULT_TOPIC);
	} else {
		/* mosquitto hands the collector a NUL-terminated topic */
		tlen = (size_t)(nl - data);
		if (tlen >= sizeof(topic))
			tlen = sizeof(topic) - 1;
		memcpy(topic, data, tlen);
		topic[tlen] = '\0';
		payload = nl + 1;
		plen = size - (size_t)(payload - data);
	}
	if (wire_topic_parse(topic, site, device, &ch, &err) != WIRE_OK)
		return 0;
	/* a topic that parses is one the collector could have written */
	if (wire_topic(topic, sizeof(topic), site, device, ch) != 0)
		abort();
	/* the payload on its own heap block, so ASan sees a read past it */
	{
		uint8_t *copy = malloc(plen ? plen : 1);

		if (copy == NULL)
			return 0;
		memcpy(copy, payload, plen);
		switch (ch) {
		case WIRE_CH_METRICS:
			fuzz_wire_metrics(copy, plen);
			break;
		case WIRE_CH_STATUS:
			fuzz_wire_status(copy, plen);
			break;
		case WIRE_CH_INVENTORY:
			fuzz_wire_inventory(copy, plen);
			break;
		case WIRE_CH_EVENTS:
			fuzz_wire_event(copy, plen);
			break;
		default:
			abort();
		}
		free(copy);
	}
	return 0;
}
