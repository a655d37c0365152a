/*
 * pantauctl.c: the administrator's command line over the collector's
 * configuration, database and data directory (DESIGN.md section 9).
 *
 * "pantauctl [-c FILE] COMMAND [ARGS]".  Commands live in one table, sorted
 * by name, each with its synopsis and a function that gets the arguments
 * after the command name; later parts of pantau (users, assets, tickets,
 * PM, reports, MQTT credentials) add rows.  A command returns the exit
 * status: 0 done, 1 failed, 2 usage error.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/asset_ctl.h"
#include "collector/auth_ctl.h"
#include "collector/alert.h"
#include "collector/asset.h"
#include "collector/collector.h"
#include "collector/mqtt_ctl.h"
#include "collector/notify.h"
#include "collector/report.h"
#include "collector/site_ctl.h"

/*
 * A command gets the arguments from its own name on, and either the
 * database file (DATA/pantau.db) or the whole loaded configuration: one
 * of 'db' and 'conf' is set.
 */
struct ctl_command {
	const char *name;
	const char *synopsis;
	const char *help;
	int (*db)(const char *db_path, int, char **);
	int (*conf)(const struct collector_conf *, int, char **);
};

static int ctl_check(const struct collector_conf *, int, char **);
static int ctl_notify(const struct collector_conf *, int, char **);

static const struct ctl_command ctl_commands[] = {
    {"alert", "alert list|ack",
     "alerts (list [--site S] [--state firing|resolved], ack N)", alert_ctl,
     NULL},
    {"asset", "asset import|list|export|show|link|...",
     "the asset register (import FILE.csv, list --site --format "
     "table|csv|json, show TAG, link TAG SITE/DEVICE, condition, move, "
     "dispose)",
     NULL, asset_ctl},
    {"check", "check",
     "validate the collector configuration "
     "(like pantau-collector -n)",
     NULL, ctl_check},
    {"mqtt", "mqtt passwd|acl|users",
     "broker credentials and ACL (passwd --new SITE/DEVICE -o FILE, "
     "passwd --remove SITE/DEVICE, passwd|acl [--site S] [-o FILE])",
     NULL, mqtt_ctl},
    {"notify", "notify test NAME",
     "send a test message to the [notify NAME] target now", NULL, ctl_notify},
    {"pm", "pm list|plans|add|done",
     "preventive maintenance (list --due, add NAME --asset|--type|--model "
     "--days|--months|--counter M --count N, done PLAN [TAG])",
     NULL, pm_ctl},
    {"report", "report NAME [OPTIONS]",
     "assets, print-volume, maintenance, availability or daily "
     "(--site --from --to --format csv|pdf|json --lang id|en -o FILE)",
     report_cli, NULL},
    {"silence", "silence add|list",
     "planned work: add --site S --for 2h [--device D] [--rule R]", alert_ctl,
     NULL},
    {"site", "site bridge-config SITE",
     "the site broker's mosquitto bridge to the province broker (--remote "
     "HOST[:PORT] --cafile F --password-file F --queue-hours H -o FILE)",
     NULL, site_ctl},
    {"ticket", "ticket list|show|note|close|set|open",
     "maintenance tickets (list [--state S] [--site S] [--format "
     "table|csv|json], show N, note N TEXT, close N)",
     alert_ctl, NULL},
    {"token", "token create|revoke|list",
     "API tokens for scripts (create NAME --role ROLE prints it once)",
     auth_ctl_token, NULL},
    {"user", "user add|passwd|role|disable|enable|list",
     "web users (add NAME --role ROLE; password from stdin or "
     "--password-file)",
     auth_ctl_user, NULL},
};

#define CTL_NCOMMANDS (sizeof(ctl_commands) / sizeof(ctl_commands[0]))

static void
ctl_usage(FILE *f)
{
	size_t i;

	fprintf(f,
	        "usage: pantauctl [-c FILE] COMMAND [ARGS]\n"
	        "  -c FILE    collector configuration (default %s)\n"
	        "  --help     this text\n"
	        "  --version  the version\n"
	        "commands:\n",
	        COLLECTOR_CONF_DEFAULT);
	for (i = 0; i < CTL_NCOMMANDS; i++)
		fprintf(f, "  %-24s %s\n", ctl_commands[i].synopsis,
		        ctl_commands[i].help);
}

/*
 * Loads the configuration, printing every error.  Returns NULL on errors;
 * the caller frees the result with config_free().
 */
static struct collector_conf *
ctl_load(const char *conf_path)
{
	struct conf_err errs = {0};
	struct collector_conf *cf;

	if ((cf = config_load(conf_path, &errs)) == NULL)
		conf_err_print(&errs, stderr);
	else
		asset_lives_load(cf->raw); /* book values in reports, assets */
	conf_err_clear(&errs);
	return cf;
}

static int
ctl_check(const struct collector_conf *cf, int argc, char **argv)
{
	(void)cf;
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: pantauctl [-c FILE] check\n");
		return 2;
	}
	printf("configuration OK\n");
	return 0;
}

/* notify test (notify.c): straight to the target, not through a queue. */
static int
ctl_notify(const struct collector_conf *cf, int argc, char **argv)
{
	return notify_ctl(&cf->notify, argc, argv);
}

static const struct ctl_command *
ctl_find(const char *name)
{
	size_t i;

	for (i = 0; i < CTL_NCOMMANDS; i++)
		if (strcmp(ctl_commands[i].name, name) == 0)
			return &ctl_commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	const struct ctl_command *cmd;
	const char *conf_path = COLLECTOR_CONF_DEFAULT;
	struct collector_conf *cf;
	char db_path[4096];
	int ch, rc;

	/* "+": options end at the command; its own options are its own */
	while ((ch = getopt_long(argc, argv, "+c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'h':
			ctl_usage(stdout);
			return 0;
		case 'V':
			printf("pantauctl %s\n", PACKAGE_VERSION);
			return 0;
		default:
			ctl_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		ctl_usage(stderr);
		return 2;
	}
	if ((cmd = ctl_find(argv[optind])) == NULL) {
		fprintf(stderr, "pantauctl: unknown command '%s'\n",
		        argv[optind]);
		ctl_usage(stderr);
		return 2;
	}
	log_init("pantauctl", 1, LOG_LVL_WARN);
	if ((cf = ctl_load(conf_path)) == NULL)
		return 1;
	snprintf(db_path, sizeof(db_path), "%s/pantau.db", cf->data_dir);
	rc = cmd->db != NULL ? cmd->db(db_path, argc - optind, argv + optind)
	                     : cmd->conf(cf, argc - optind, argv + optind);
	config_free(cf);
	return rc;
}
