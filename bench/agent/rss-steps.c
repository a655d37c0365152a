/*
 * bench/agent/rss-steps.c: where the RSS floor of pantau-agent comes
 * from, library by library, for bench/10-agent-round.sh.
 *
 * The program links libc alone and then loads, with dlopen() and
 * RTLD_NOW (as the agent's own start-up binds them), the libraries the
 * agent links, in the order that tells the story: libmosquitto, which
 * brings libssl and libcrypto; cJSON and inih; net-snmp.  After each
 * step it prints one line "STEP RSS PSS PRIVATE" (kB, from
 * /proc/self/smaps_rollup); the differences are what each library costs
 * a process merely by being loaded.  Nothing is initialised: in
 * libmosquitto 2.0.11 mosquitto_lib_init() touches no OpenSSL (TLS is set
 * up at the first TLS connection), so loading is the whole cost.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
rss_steps_print(const char *step)
{
	FILE *f;
	char line[256];
	long rss = -1, pss = -1, priv = 0, kb;

	if ((f = fopen("/proc/self/smaps_rollup", "r")) == NULL) {
		perror("rss-steps: /proc/self/smaps_rollup");
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "Rss: %ld", &kb) == 1)
			rss = kb;
		else if (sscanf(line, "Pss: %ld", &kb) == 1)
			pss = kb;
		else if (strncmp(line, "Private_", 8) == 0 &&
		         sscanf(strchr(line, ':') + 1, "%ld", &kb) == 1)
			priv += kb;
	}
	fclose(f);
	printf("%s %ld %ld %ld\n", step, rss, pss, priv);
}

static void
rss_steps_load(const char *lib)
{
	if (dlopen(lib, RTLD_NOW | RTLD_GLOBAL) == NULL) {
		fprintf(stderr, "rss-steps: %s\n", dlerror());
		exit(1);
	}
}

int
main(void)
{
	rss_steps_print("libc");
	rss_steps_load("libmosquitto.so.1");
	rss_steps_print("+libmosquitto,libssl,libcrypto");
	rss_steps_load("libcjson.so.1");
	rss_steps_load("libinih.so.1");
	rss_steps_print("+libcjson,libinih");
	rss_steps_load("libnetsnmp.so.40");
	rss_steps_print("+libnetsnmp");
	rss_steps_load("libm.so.6");
	rss_steps_print("+libm");
	return 0;
}
