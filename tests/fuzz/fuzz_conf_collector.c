/*
 * fuzz_conf_collector.c: libFuzzer target for the collector's
 * configuration: the INI layer (common/conf.c, inih) and the validation of
 * every section (collector/config.c with [cups], [notify NAME], [rule
 * NAME], [assets] and [http] checked by their modules).
 *
 * config_load() reads a path, so the input is written to a memory file
 * (memfd) and loaded as /proc/self/fd/N: no disk I/O per run.  Errors are
 * printed to /dev/null.  docs/fuzzing.md runs it.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "collector/collector.h"
#include "common/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static int fd = -1;
	static char path[64];
	struct collector_conf *cf;
	struct conf_err errs = {0};

	if (fd == -1) {
		if ((fd = memfd_create("fuzz-collector.conf", 0)) == -1 ||
		    (devnull = fopen("/dev/null", "w")) == NULL)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	if ((cf = config_load(path, &errs)) != NULL) {
		if (errs.n != 0)
			abort(); /* a configuration only without errors */
		config_free(cf);
	} else if (errs.n == 0) {
		abort(); /* refused without saying why */
	}
	conf_err_print(&errs, devnull);
	conf_err_clear(&errs);
	return 0;
}
