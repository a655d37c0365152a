/*
 * bench/agent/rss-floor.c: the memory a program linked like pantau-agent
 * takes before it does any work, for bench/10-agent-round.sh.
 *
 * RSS counts every page of a shared library the process has mapped in,
 * and merely loading Debian's libmosquitto brings in libssl and libcrypto
 * (relocations, constructors, the kernel's fault-around).  This program
 * loads the agent's libraries (libmosquitto, net-snmp, cJSON, inih, libm,
 * libc),
 * calls mosquitto_lib_init() as the agent does, and prints its own Rss,
 * Pss and private (Private_Clean + Private_Dirty) memory in kB: the part
 * of the agent's figures that its own code cannot change.
 */
#include <cjson/cJSON.h>
#include <ini.h>
#include <mosquitto.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/version.h>
#include <stdio.h>
#include <string.h>

static int
rss_floor_ini(void *user, const char *section, const char *name,
              const char *value)
{
	(void)user;
	(void)section;
	(void)name;
	(void)value;
	return 1;
}

int
main(int argc, char **argv)
{
	FILE *f;
	char line[256];
	long rss = -1, pss = -1, priv = 0, kb;

	(void)argv;
	/* Reference each library so that --as-needed keeps it, as it does
	 * for the agent. */
	if (mosquitto_lib_init() != MOSQ_ERR_SUCCESS)
		return 1;
	if (ini_parse_string("[a]\nb = c\n", rss_floor_ini, NULL) != 0 ||
	    cJSON_Version()[0] == '\0' || netsnmp_get_version()[0] == '\0' ||
	    argc < 1)
		return 1;
	f = fopen("/proc/self/smaps_rollup", "r");
	if (f == NULL) {
		perror("rss-floor: /proc/self/smaps_rollup");
		return 1;
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
	printf("%ld %ld %ld\n", rss, pss, priv);
	mosquitto_lib_cleanup();
	return rss < 0 || pss < 0;
}
