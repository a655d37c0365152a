/*
 * fuzz_conf_agent.c: libFuzzer target for configuration parsing: the INI
 * layer (common/conf.c, inih) and the agent's validation of every section
 * (agent/config.c), from a memory buffer as config_load_string() reads it.
 *
 * The input is the file's text (cut at its first NUL, as a file read by
 * inih would be).  Errors are formatted and printed to /dev/null so the
 * "FILE:LINE: message" path runs too.  docs/fuzzing.md runs it.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "common/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct agent_config cfg;
	struct conf_err errs = {0};
	char *text;
	size_t i;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (config_load_string("fuzz.conf", text, "fuzz-host", &cfg, &errs) ==
	    0) {
		if (errs.n != 0)
			abort(); /* valid means no error recorded */
		config_clear(&cfg);
	} else if (errs.n == 0) {
		abort(); /* refused without saying why */
	}
	for (i = 0; i < errs.n; i++)
		if (conf_err_get(&errs, i) == NULL)
			abort();
	conf_err_print(&errs, devnull);
	conf_err_clear(&errs);
	free(text);
	return 0;
}
