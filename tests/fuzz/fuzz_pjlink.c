/*
 * fuzz_pjlink.c: libFuzzer target for what a projector answers over
 * PJLink (agent/pjlink_proto.c): the greeting, every response line and the
 * data parsers behind pjlink_status_apply() (power, ERST, lamps, hours,
 * class, texts).
 *
 * The input is a conversation as the projector would send it, lines ending
 * in CR or LF: the greeting first, then one answer per query in the order
 * of enum pjlink_cmd (wrapping round).  Texts kept from the projector must
 * come out as clean UTF-8.  docs/fuzzing.md runs it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/dev_projector.h"
#include "agent/pjlink_proto.h"
#include "common/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A text the agent publishes must be one the wire encoder takes. */
static void
fuzz_pjlink_text_ok(const char *s)
{
	struct wire_event e = {.ts = 1};
	char *enc;

	if (strlen(s) >= PJLINK_TEXT_MAX)
		abort();
	strcpy(e.code, "projector.lamp");
	strcpy(e.text, s);
	if ((enc = wire_event_encode(&e, NULL)) == NULL)
		abort();
	free(enc);
}

static void
fuzz_pjlink_line(struct pjlink_status *st, const char *line, int i)
{
	enum pjlink_cmd c = (enum pjlink_cmd)(i % PJLINK_NCMDS);
	char data[PJLINK_LINE_MAX], clean[PJLINK_TEXT_MAX], small[4];
	long hours[PJLINK_LAMPS_MAX];
	signed char on[PJLINK_LAMPS_MAX], erst[6];
	enum pjlink_resp r;
	int v, n;

	r = pjlink_response_parse(line, c, data, sizeof(data));
	if (r == PJLINK_RESP_OK) {
		if (strlen(data) >= sizeof(data))
			abort();
		(void)pjlink_status_apply(st, c, r, data);
	} else if (r != PJLINK_RESP_BAD) {
		(void)pjlink_status_apply(st, c, r, NULL);
	}
	/* the parsers on the raw line too: they must refuse, not crash */
	(void)pjlink_parse_power(line, &v);
	(void)pjlink_parse_erst(line, erst);
	if (pjlink_parse_lamps(line, hours, on, PJLINK_LAMPS_MAX, &n) == 0 &&
	    (n < 0 || n > PJLINK_LAMPS_MAX))
		abort();
	(void)pjlink_parse_hours(line, &hours[0]);
	(void)pjlink_parse_class(line, &v);
	fuzz_pjlink_text_ok(pjlink_text_clean(line, clean, sizeof(clean)));
	(void)pjlink_text_clean(line, small, sizeof(small));
	if (strlen(small) >= sizeof(small))
		abort();
}

/* What dev_projector.c makes of the round must encode as wire messages. */
static void
fuzz_pjlink_round(struct pjlink_status *st, int answers)
{
	struct dev_projector *dp;
	const struct dev_projector_out *o;
	size_t k;
	char *enc;

	if ((dp = dev_projector_new("proj-1", "127.0.0.1", 60)) == NULL)
		return;
	st->answers = answers > 0 ? answers : 0;
	st->fail = answers > 0 ? PJLINK_FAIL_NONE : PJLINK_FAIL_TIMEOUT;
	st->inventory = true;
	if ((o = dev_projector_round(dp, 1700000000, st)) == NULL) {
		dev_projector_free(dp);
		return;
	}
	if (o->metrics != NULL &&
	    o->metrics->ngauges + o->metrics->ncounters > 0) {
		if ((enc = wire_metrics_encode(o->metrics, NULL)) == NULL)
			abort();
		free(enc);
	}
	for (k = 0; k < o->nevents; k++) {
		if ((enc = wire_event_encode(&o->events[k], NULL)) == NULL)
			abort();
		free(enc);
	}
	dev_projector_free(dp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[PJLINK_LINE_MAX], random[PJLINK_RANDOM_MAX + 1];
	char digest[PJLINK_DIGEST_LEN + 1], query[PJLINK_LINE_MAX];
	struct pjlink_status st;
	size_t pos = 0, len;
	int i = -1;

	pjlink_status_init(&st);
	while (pos < size) {
		/* one line, as pjlink.c cuts them: at most LINE_MAX - 1 */
		for (len = 0; pos + len < size && data[pos + len] != '\r' &&
		              data[pos + len] != '\n' && len < sizeof(line) - 1;
		     len++)
			line[len] = (char)data[pos + len];
		line[len] = '\0';
		pos += len + 1;
		if (i++ == -1) {
			if (pjlink_greeting_parse(line, random) ==
			    PJLINK_GREET_AUTH) {
				if (strlen(random) > PJLINK_RANDOM_MAX)
					abort();
				if (pjlink_digest(random, "secret", digest) ==
				        0 &&
				    pjlink_format(query, sizeof(query), digest,
				                  PJLINK_POWR) < 0)
					abort();
			}
			continue;
		}
		fuzz_pjlink_line(&st, line, i - 1);
	}
	if (st.nlamps > PJLINK_LAMPS_MAX || st.power < -1 || st.power > 3)
		abort();
	fuzz_pjlink_text_ok(st.name);
	fuzz_pjlink_text_ok(st.maker);
	fuzz_pjlink_text_ok(st.model);
	fuzz_pjlink_text_ok(st.info);
	fuzz_pjlink_text_ok(st.serial);
	fuzz_pjlink_text_ok(st.version);
	fuzz_pjlink_text_ok(st.lamp_model);
	fuzz_pjlink_text_ok(st.filter_model);
	fuzz_pjlink_round(&st, i);
	return 0;
}
