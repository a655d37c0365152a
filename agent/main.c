/*
 * main.c: pantau-agent, the program: options, start-up and exit.  The
 * daemon itself is agent.c and the rest of agent.h, in libagent-core.a.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "agent/agent.h"
#include "common/timeutil.h"

static void
main_usage(FILE *f)
{
	fprintf(f,
	        "usage: pantau-agent [-dn] [-c FILE] [--once] [--stdout] "
	        "[--root DIR]\n"
	        "  -c FILE     configuration (default %s)\n"
	        "  -n          check the configuration and exit\n"
	        "  -d          stay in the foreground and log to stderr\n"
	        "  --once      one sampling round, publish it, exit\n"
	        "  --stdout    print TOPIC<TAB>PAYLOAD lines instead of "
	        "publishing\n"
	        "  --root DIR  read /proc, /sys and /etc under DIR\n"
	        "  --help, --version\n",
	        CONFIG_DEFAULT_PATH);
}

/* -n: every problem as FILE:LINE: message, or "configuration OK". */
static int
main_check(const struct agent_options *o)
{
	struct agent_config cfg;
	struct conf_err errs = {0};
	char host[256];

	if (config_load(o->cfg_path,
	                config_root_hostname(o->root, host, sizeof(host)), &cfg,
	                &errs) != 0) {
		conf_err_print(&errs, stderr);
		conf_err_clear(&errs);
		return 1;
	}
	config_clear(&cfg);
	printf("configuration OK\n");
	return 0;
}

/* The configuration to start with; a bad one is fatal. */
static struct agent_config *
main_config(const struct agent_options *o)
{
	struct agent_config *cfg;
	struct conf_err errs = {0};
	char host[256];
	size_t i;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		fatal("out of memory");
	if (config_load(o->cfg_path,
	                config_root_hostname(o->root, host, sizeof(host)), cfg,
	                &errs) != 0) {
		for (i = 0; conf_err_get(&errs, i) != NULL; i++)
			log_err("%s", conf_err_get(&errs, i));
		fatal("%s: configuration refused", o->cfg_path);
	}
	return cfg;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"once", no_argument, NULL, 'o'},
	    {"stdout", no_argument, NULL, 's'},
	    {"root", required_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0}};
	struct agent_options o = {.cfg_path = CONFIG_DEFAULT_PATH, .root = "/"};
	struct agent_config *cfg;
	struct agent *a;
	bool check = false, foreground = false;
	int ch, status;

	while ((ch = getopt_long(argc, argv, "c:dnh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o.cfg_path = optarg;
			break;
		case 'd':
			foreground = true;
			break;
		case 'n':
			check = true;
			break;
		case 'o':
			o.once = true;
			break;
		case 's':
			o.to_stdout = true;
			break;
		case 'r':
			o.root = optarg;
			break;
		case 'h':
			main_usage(stdout);
			return 0;
		case 'V':
			printf("pantau-agent %s\n", PACKAGE_VERSION);
			return 0;
		default:
			main_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		main_usage(stderr);
		return 2;
	}
	if (check)
		return main_check(&o);

	log_init("pantau-agent", foreground || o.once || o.to_stdout,
	         LOG_LVL_INFO);
	cfg = main_config(&o);
	log_set_level(cfg->log_level);
	srandom((unsigned)(time_now_ms() ^ getpid()));
	if ((a = agent_new(&o, cfg)) == NULL)
		fatal("start-up failed");
	status = agent_run(a);
	agent_free(a);
	log_info("stopped");
	log_flush_repeats();
	return status;
}
