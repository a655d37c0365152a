/*
 * pm_ctl.c: "pantauctl pm ..." (pantauctl(8), docs/pm.md): the due list,
 * adding plans, marking work done.  The list is computed exactly as the
 * collector computes it (pm_evaluate without acting), so what pantauctl
 * shows is what the next evaluation will do.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/asset_ctl.h"
#include "collector/db.h"
#include "collector/pm.h"
#include "collector/pm_json.h"
#include "common/conf.h"
#include "common/timeutil.h"

#define PM_CTL_USAGE                                                           \
	"usage: pantauctl pm list [--due | --overdue] [--format table|json]\n" \
	"       pantauctl pm plans\n"                                          \
	"       pantauctl pm add NAME (--asset TAG | --type TYPE | --model "   \
	"MODEL)\n"                                                             \
	"                [--days N | --months N] [--counter METRIC --count "   \
	"N]\n"                                                                 \
	"                [--lead DAYS] [--start YYYY-MM-DD]\n"                 \
	"       pantauctl pm done PLAN [TAG]\n"

static int
pm_ctl_usage(void)
{
	fputs(PM_CTL_USAGE, stderr);
	return 2;
}

static void
pm_ctl_day(int64_t t, char *buf, size_t bufsz)
{
	if (t == 0 || time_format_iso(t, buf, bufsz) == NULL)
		snprintf(buf, bufsz, "-");
	else
		buf[10] = '\0';
}

static int
pm_ctl_list(struct db *db, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"due", no_argument, NULL, 'd'},
	    {"overdue", no_argument, NULL, 'o'},
	    {"format", required_argument, NULL, 'F'},
	    {NULL, 0, NULL, 0},
	};
	const char *format = "table";
	struct pm_item *v;
	char due[32], fc[32], cnt[64];
	size_t n, i;
	int ch, only = 0, rc = 0;
	int64_t now = time_now();
	cJSON *doc;
	char *s;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'd')
			only = 1;
		else if (ch == 'o')
			only = 2;
		else if (ch == 'F')
			format = optarg;
		else
			return pm_ctl_usage();
	}
	if (optind != argc ||
	    (strcmp(format, "table") != 0 && strcmp(format, "json") != 0))
		return pm_ctl_usage();
	if (pm_evaluate(db, now, 0, &v, &n) == -1) {
		fprintf(stderr, "pantauctl: database error\n");
		return 1;
	}
	if (strcmp(format, "json") == 0) {
		if ((doc = pm_json_items(v, n, only)) == NULL ||
		    (s = cJSON_Print(doc)) == NULL) {
			cJSON_Delete(doc);
			free(v);
			fprintf(stderr, "pantauctl: out of memory\n");
			return 1;
		}
		puts(s);
		free(s);
		cJSON_Delete(doc);
		free(v);
		return 0;
	}
	printf("%-5s %-28s %-20s %-9s %-10s %-10s %-22s %s\n", "PLAN", "NAME",
	       "TAG", "STATUS", "DUE", "FORECAST", "COUNTER/DUE", "TICKET");
	for (i = 0; i < n; i++) {
		if (!pm_json_selected(&v[i], only))
			continue;
		pm_ctl_day(v[i].due_at, due, sizeof due);
		pm_ctl_day(v[i].forecast_at, fc, sizeof fc);
		if (v[i].has_counter)
			snprintf(cnt, sizeof cnt, "%.0f/%.0f", v[i].counter,
			         v[i].due_counter);
		else
			snprintf(cnt, sizeof cnt, "-");
		printf("%-5lld %-28.28s %-20s %-9s %-10s %-10s %-22s ",
		       (long long)v[i].plan_id, v[i].plan_name, v[i].tag,
		       pm_status_name(v[i].status), due, fc, cnt);
		if (v[i].ticket_id)
			printf("#%lld\n", (long long)v[i].ticket_id);
		else
			printf("-\n");
	}
	free(v);
	return rc;
}

static int
pm_ctl_plans(struct db *db, int argc)
{
	struct pm_plan *v;
	size_t n, i;

	if (argc != 1)
		return pm_ctl_usage();
	if (pm_plans_load(db, &v, &n) == -1)
		return 1;
	printf("%-5s %-28s %-22s %-12s %-30s %s\n", "PLAN", "NAME", "FOR",
	       "EVERY", "COUNTER", "LEAD");
	for (i = 0; i < n; i++) {
		char target[300], every[32], counter[180];

		snprintf(target, sizeof target, "%s %s", v[i].target_kind,
		         v[i].target);
		if (v[i].every_days)
			snprintf(every, sizeof every, "%u days",
			         v[i].every_days);
		else if (v[i].every_months)
			snprintf(every, sizeof every, "%u months",
			         v[i].every_months);
		else
			snprintf(every, sizeof every, "-");
		if (v[i].counter_metric[0])
			snprintf(counter, sizeof counter, "%.0f %s",
			         v[i].counter_every, v[i].counter_metric);
		else
			snprintf(counter, sizeof counter, "-");
		printf("%-5lld %-28.28s %-22.22s %-12s %-30s %u days\n",
		       (long long)v[i].id, v[i].name, target, every, counter,
		       v[i].lead_days);
	}
	free(v);
	return 0;
}

/* A whole number option in [1, max]; -1 when it is not. */
static long
pm_ctl_num(const char *s, long max)
{
	long v;

	if (conf_parse_long(s, &v) == -1 || v < 0 || v > max)
		return -1;
	return v;
}

static int
pm_ctl_add(struct db *db, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"asset", required_argument, NULL, 'a'},
	    {"type", required_argument, NULL, 't'},
	    {"model", required_argument, NULL, 'm'},
	    {"days", required_argument, NULL, 'd'},
	    {"months", required_argument, NULL, 'M'},
	    {"counter", required_argument, NULL, 'c'},
	    {"count", required_argument, NULL, 'n'},
	    {"lead", required_argument, NULL, 'l'},
	    {"start", required_argument, NULL, 's'},
	    {NULL, 0, NULL, 0},
	};
	struct pm_plan p;
	char err[256];
	long v;
	int ch;

	memset(&p, 0, sizeof p);
	p.lead_days = 7;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
		case 't':
		case 'm':
			snprintf(p.target_kind, sizeof p.target_kind, "%s",
			         ch == 'a'   ? "asset"
			         : ch == 't' ? "type"
			                     : "model");
			snprintf(p.target, sizeof p.target, "%s", optarg);
			break;
		case 'd':
		case 'M':
		case 'l':
			if ((v = pm_ctl_num(optarg, 100000)) == -1) {
				fprintf(stderr,
				        "pantauctl: '%s' is not a "
				        "number\n",
				        optarg);
				return 2;
			}
			if (ch == 'd')
				p.every_days = (unsigned)v;
			else if (ch == 'M')
				p.every_months = (unsigned)v;
			else
				p.lead_days = (unsigned)v;
			break;
		case 'c':
			snprintf(p.counter_metric, sizeof p.counter_metric,
			         "%s", optarg);
			break;
		case 'n':
			if ((v = pm_ctl_num(optarg, 1000000000L)) <= 0) {
				fprintf(stderr,
				        "pantauctl: '%s' is not a "
				        "positive number\n",
				        optarg);
				return 2;
			}
			p.counter_every = (double)v;
			break;
		case 's':
			if (strlen(optarg) != 10 ||
			    time_parse_iso(optarg, &p.start_at) == -1) {
				fprintf(stderr,
				        "pantauctl: '%s' is not a date "
				        "(YYYY-MM-DD)\n",
				        optarg);
				return 2;
			}
			break;
		default:
			return pm_ctl_usage();
		}
	}
	if (optind != argc - 1)
		return pm_ctl_usage();
	snprintf(p.name, sizeof p.name, "%s", argv[optind]);
	if (pm_plan_check(&p, err, sizeof err) == -1) {
		fprintf(stderr, "pantauctl: %s\n", err);
		return 2;
	}
	if (pm_plan_add(db, &p, time_now()) == -1)
		return 1;
	snprintf(err, sizeof err, "pm/%lld", (long long)p.id);
	asset_ctl_audit(db, "pm.create", err, p.name);
	printf("plan %lld added\n", (long long)p.id);
	return 0;
}

static int
pm_ctl_done(struct db *db, int argc, char **argv)
{
	char err[256];
	long plan;
	int rc;

	if (argc != 2 && argc != 3)
		return pm_ctl_usage();
	if (conf_parse_long(argv[1], &plan) == -1 || plan < 1) {
		fprintf(stderr, "pantauctl: '%s' is not a plan number\n",
		        argv[1]);
		return 2;
	}
	rc = pm_done(db, plan, argc == 3 ? argv[2] : NULL, asset_ctl_actor(),
	             time_now(), err, sizeof err);
	if (rc == 1)
		fprintf(stderr, "pantauctl: %s\n", err);
	else if (rc == -1)
		fprintf(stderr, "pantauctl: database error\n");
	else {
		snprintf(err, sizeof err, "pm/%ld", plan);
		asset_ctl_audit(db, "pm.done", err, argc == 3 ? argv[2] : NULL);
		printf("plan %ld done, re-armed\n", plan);
	}
	return rc == 0 ? 0 : 1;
}

int
pm_ctl(const struct collector_conf *cf, int argc, char **argv)
{
	struct db *db;
	const char *sub;
	int rc;

	if (argc < 2)
		return pm_ctl_usage();
	sub = argv[1];
	if ((db = asset_ctl_open(cf)) == NULL)
		return 1;
	argc--;
	argv++;
	if (strcmp(sub, "list") == 0)
		rc = pm_ctl_list(db, argc, argv);
	else if (strcmp(sub, "plans") == 0)
		rc = pm_ctl_plans(db, argc);
	else if (strcmp(sub, "add") == 0)
		rc = pm_ctl_add(db, argc, argv);
	else if (strcmp(sub, "done") == 0)
		rc = pm_ctl_done(db, argc, argv);
	else
		rc = pm_ctl_usage();
	db_close(db);
	return rc;
}
