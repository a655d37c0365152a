/*
 * asset_ctl.c: "pantauctl asset ..." (pantauctl(8), docs/assets.md).
 *
 * pantauctl.c owns the command table; this file owns what follows the
 * word "asset".  Exit status: 0 done, 1 failed (the reason on stderr),
 * 2 usage error.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "collector/asset.h"
#include "collector/asset_csv.h"
#include "collector/asset_ctl.h"
#include "collector/asset_priv.h"
#include "collector/audit.h"
#include "collector/collector.h"
#include "collector/db.h"
#include "common/names.h"
#include "common/timeutil.h"

#define ASSET_CTL_USAGE                                                        \
	"usage: pantauctl asset import FILE.csv\n"                             \
	"       pantauctl asset list [--site S] [--type T] [--funding F] "     \
	"[--condition C] [--all] [--format table|csv|json]\n"                  \
	"       pantauctl asset export [--site S] [--all]\n"                   \
	"       pantauctl asset show TAG [--format text|json]\n"               \
	"       pantauctl asset link TAG SITE/DEVICE\n"                        \
	"       pantauctl asset unlink TAG\n"                                  \
	"       pantauctl asset condition TAG B|KB|RB [--note TEXT]\n"         \
	"       pantauctl asset move TAG SITE [--room ROOM] [--note TEXT]\n"   \
	"       pantauctl asset dispose TAG [--note TEXT]\n"

const char *
asset_ctl_actor(void)
{
	const char *u = getenv("SUDO_USER");

	if (u == NULL || u[0] == '\0')
		u = getenv("USER");
	return u != NULL && u[0] != '\0' ? u : "pantauctl";
}

void
asset_ctl_audit(struct db *db, const char *action, const char *object,
                const char *detail)
{
	audit_log(db, asset_ctl_actor(), action, object, detail, time_now());
}

static int
asset_ctl_usage(void)
{
	fputs(ASSET_CTL_USAGE, stderr);
	return 2;
}

/* Options shared by the subcommands; each takes the ones it knows. */
struct asset_opts {
	const char *site, *type, *funding, *condition, *format, *note, *room;
	int all;
};

/* Parses options after the subcommand into 'o'; returns the index of the
 * first operand, or -1 on a usage error. */
static int
asset_ctl_opts(int argc, char **argv, struct asset_opts *o)
{
	static const struct option longopts[] = {
	    {"site", required_argument, NULL, 's'},
	    {"type", required_argument, NULL, 't'},
	    {"funding", required_argument, NULL, 'f'},
	    {"condition", required_argument, NULL, 'k'},
	    {"format", required_argument, NULL, 'F'},
	    {"note", required_argument, NULL, 'n'},
	    {"room", required_argument, NULL, 'r'},
	    {"all", no_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	memset(o, 0, sizeof *o);
	optind = 0;
	opterr = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			o->site = optarg;
			break;
		case 't':
			o->type = optarg;
			break;
		case 'f':
			o->funding = optarg;
			break;
		case 'k':
			o->condition = optarg;
			break;
		case 'F':
			o->format = optarg;
			break;
		case 'n':
			o->note = optarg;
			break;
		case 'r':
			o->room = optarg;
			break;
		case 'a':
			o->all = 1;
			break;
		default:
			return -1;
		}
	}
	return optind;
}

static int
asset_ctl_import(struct db *db, int argc, char **argv)
{
	struct asset_csv_errors errs = {0};
	size_t created, updated, i;
	char detail[64];
	int rc;

	if (argc != 2)
		return asset_ctl_usage();
	rc = asset_csv_import(db, argv[1], asset_ctl_actor(), time_now(),
	                      &created, &updated, &errs);
	if (rc == -1) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s: %s\n", argv[1], errs.msg[i]);
		if (errs.more)
			fprintf(stderr, "%s: ... and %zu more problems\n",
			        argv[1], errs.more);
		fprintf(stderr, "%s: nothing imported\n", argv[1]);
		asset_csv_errors_clear(&errs);
		return 1;
	}
	if (rc == -2) {
		fprintf(stderr, "%s: database error, nothing imported\n",
		        argv[1]);
		return 1;
	}
	snprintf(detail, sizeof detail, "%zu new, %zu updated", created,
	         updated);
	asset_ctl_audit(db, "asset.import", argv[1], detail);
	printf("imported %zu assets (%zu new, %zu updated)\n",
	       created + updated, created, updated);
	return 0;
}

static void
asset_ctl_table(const struct asset *v, size_t n, int64_t now)
{
	printf("%-24s %-28s %-9s %-14s %-4s %-14s %-20s %4s %14s %14s\n", "TAG",
	       "NAME", "TYPE", "SITE", "COND", "DEVICE", "FUNDING", "YEAR",
	       "PRICE_IDR", "BOOK_IDR");
	for (size_t i = 0; i < n; i++)
		printf("%-24s %-28.28s %-9s %-14s %-4s %-14s %-20.20s %4d "
		       "%14lld %14lld%s\n",
		       v[i].tag, v[i].name, v[i].type, v[i].site,
		       v[i].condition, v[i].device[0] ? v[i].device : "-",
		       v[i].funding, v[i].budget_year,
		       (long long)v[i].price_idr,
		       (long long)asset_book_value_now(&v[i], now),
		       v[i].disposed_at ? " (disposed)" : "");
}

static int
asset_ctl_json_list(const struct asset *v, size_t n, int64_t now)
{
	cJSON *doc, *arr, *o;
	char *s;

	if ((doc = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(doc, "assets")) == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if ((o = asset_json(&v[i], now)) == NULL)
			goto fail;
		cJSON_AddItemToArray(arr, o);
	}
	if (cJSON_AddNumberToObject(doc, "count", (double)n) == NULL ||
	    (s = cJSON_Print(doc)) == NULL)
		goto fail;
	puts(s);
	free(s);
	cJSON_Delete(doc);
	return 0;
fail:
	cJSON_Delete(doc);
	fprintf(stderr, "pantauctl: out of memory\n");
	return 1;
}

static int
asset_ctl_list(struct db *db, int argc, char **argv, const char *format)
{
	struct asset_opts o;
	struct asset_filter f;
	struct asset *v;
	size_t n;
	int first, rc = 0;

	if ((first = asset_ctl_opts(argc, argv, &o)) == -1 || first != argc)
		return asset_ctl_usage();
	if (o.format != NULL)
		format = o.format;
	if (strcmp(format, "table") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "json") != 0)
		return asset_ctl_usage();
	f = (struct asset_filter){.site = o.site,
	                          .type = o.type,
	                          .funding = o.funding,
	                          .condition = o.condition,
	                          .disposed = o.all};
	if (asset_list(db, &f, &v, &n) != ASSET_OK)
		return 1;
	if (strcmp(format, "csv") == 0)
		rc = asset_csv_write(stdout, v, n) == 0 ? 0 : 1;
	else if (strcmp(format, "json") == 0)
		rc = asset_ctl_json_list(v, n, time_now());
	else
		asset_ctl_table(v, n, time_now());
	free(v);
	return rc;
}

static void
asset_ctl_day(int64_t t, char *buf, size_t bufsz)
{
	if (t == 0 || time_format_iso(t, buf, bufsz) == NULL)
		snprintf(buf, bufsz, "-");
}

/* "asset show" as text: the record, then its history. */
static void
asset_ctl_show_text(const cJSON *o)
{
	static const char *const keys[] = {"tag",
	                                   "name",
	                                   "type",
	                                   "brand",
	                                   "model",
	                                   "serial",
	                                   "site",
	                                   "room",
	                                   "device",
	                                   "funding",
	                                   "budget_year",
	                                   "purchase_date",
	                                   "price_idr",
	                                   "book_value_idr",
	                                   "life_years",
	                                   "supplier",
	                                   "warranty_until",
	                                   "condition",
	                                   "disposal_note",
	                                   NULL};
	const cJSON *v, *e;
	char t1[32], t2[32];

	for (size_t i = 0; keys[i] != NULL; i++) {
		v = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
		if (cJSON_IsString(v))
			printf("%-16s %s\n", keys[i], v->valuestring);
		else if (cJSON_IsNumber(v))
			printf("%-16s %.0f\n", keys[i], v->valuedouble);
		else
			printf("%-16s -\n", keys[i]);
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "disposed_at");
	asset_ctl_day(cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0, t1,
	              sizeof t1);
	printf("%-16s %s\n", "disposed_at", t1);
	printf("\nsuggested links:\n");
	cJSON_ArrayForEach(
	    e, cJSON_GetObjectItemCaseSensitive(o, "suggested_links"))
	{
		printf("  %s/%s (%s): pantauctl asset link %s %s/%s\n",
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "site")),
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "device")),
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "reason")),
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(o, "tag")),
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "site")),
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "device")));
	}
	printf("\nhistory:\n");
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(o, "history"))
	{
		asset_ctl_day((int64_t)cJSON_GetNumberValue(
		                  cJSON_GetObjectItemCaseSensitive(e, "ts")),
		              t1, sizeof t1);
		printf("  %s %-9s %s -> %s  (%s) %s\n", t1,
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "field")),
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "old")),
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "new")),
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "actor")),
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "note")));
	}
	printf("\nmaintenance:\n");
	cJSON_ArrayForEach(e,
	                   cJSON_GetObjectItemCaseSensitive(o, "maintenance"))
	{
		v = cJSON_GetObjectItemCaseSensitive(e, "resolved_at");
		asset_ctl_day(
		    (int64_t)cJSON_GetNumberValue(
		        cJSON_GetObjectItemCaseSensitive(e, "opened_at")),
		    t1, sizeof t1);
		asset_ctl_day(cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0,
		              t2, sizeof t2);
		printf("  #%.0f %-10s %-11s %s .. %s  %12.0f IDR  %s\n",
		       cJSON_GetNumberValue(
		           cJSON_GetObjectItemCaseSensitive(e, "id")),
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "kind")),
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "state")),
		       t1, t2,
		       cJSON_GetNumberValue(
		           cJSON_GetObjectItemCaseSensitive(e, "cost_idr")),
		       cJSON_GetStringValue(
		           cJSON_GetObjectItemCaseSensitive(e, "title")));
	}
	printf("%-28s %.0f\n%-28s %.0f\n", "maintenance_cost_idr",
	       cJSON_GetNumberValue(
	           cJSON_GetObjectItemCaseSensitive(o, "maintenance_cost_idr")),
	       "total_cost_of_ownership_idr",
	       cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
	           o, "total_cost_of_ownership_idr")));
}

static int
asset_ctl_show(struct db *db, int argc, char **argv)
{
	struct asset_opts o;
	cJSON *doc;
	char *s;
	int first, found;

	if ((first = asset_ctl_opts(argc, argv, &o)) == -1 || first != argc - 1)
		return asset_ctl_usage();
	if ((doc = asset_json_full(db, argv[first], time_now(), &found)) ==
	    NULL) {
		fprintf(stderr,
		        found ? "pantauctl: database error\n"
		              : "pantauctl: no asset '%s'\n",
		        argv[first]);
		return 1;
	}
	if (o.format != NULL && strcmp(o.format, "json") == 0) {
		if ((s = cJSON_Print(doc)) != NULL)
			puts(s);
		free(s);
	} else {
		asset_ctl_show_text(doc);
	}
	cJSON_Delete(doc);
	return 0;
}

/* Reports an ASSET_* result of a change. */
static int
asset_ctl_result(int rc, const char *tag)
{
	if (rc == ASSET_NOTFOUND) {
		fprintf(stderr, "pantauctl: no asset '%s'\n", tag);
		return 1;
	}
	if (rc != ASSET_OK) {
		fprintf(stderr, "pantauctl: database error\n");
		return 1;
	}
	return 0;
}

static int
asset_ctl_link(struct db *db, int argc, char **argv)
{
	char site[NAME_ID_MAX + 1];
	const char *slash;
	int rc;

	if (argc != 3)
		return asset_ctl_usage();
	slash = strchr(argv[2], '/');
	if (slash == NULL || (size_t)(slash - argv[2]) > NAME_ID_MAX) {
		fprintf(stderr, "pantauctl: expected SITE/DEVICE, got '%s'\n",
		        argv[2]);
		return 2;
	}
	memcpy(site, argv[2], (size_t)(slash - argv[2]));
	site[slash - argv[2]] = '\0';
	if (!name_id_valid(site) || !name_id_valid(slash + 1)) {
		fprintf(stderr, "pantauctl: '%s' is not SITE/DEVICE\n",
		        argv[2]);
		return 2;
	}
	rc = asset_link(db, argv[1], site, slash + 1, asset_ctl_actor(),
	                time_now());
	if (rc == ASSET_OK)
		asset_ctl_audit(db, "asset.link", argv[1], argv[2]);
	return asset_ctl_result(rc, argv[1]);
}

static int
asset_ctl_change(struct db *db, int argc, char **argv)
{
	struct asset_opts o;
	struct asset a;
	const char *cmd = argv[0], *tag;
	char action[32];
	int first, rc;

	if ((first = asset_ctl_opts(argc, argv, &o)) == -1 || first >= argc)
		return asset_ctl_usage();
	tag = argv[first];
	if (strcmp(cmd, "unlink") == 0 && first == argc - 1) {
		if ((rc = asset_get(db, tag, &a)) != ASSET_OK)
			return asset_ctl_result(rc, tag);
		rc = asset_link(db, tag, a.site, NULL, asset_ctl_actor(),
		                time_now());
	} else if (strcmp(cmd, "condition") == 0 && first == argc - 2) {
		if (strcmp(argv[first + 1], "B") != 0 &&
		    strcmp(argv[first + 1], "KB") != 0 &&
		    strcmp(argv[first + 1], "RB") != 0) {
			fprintf(stderr,
			        "pantauctl: condition is B, KB or RB\n");
			return 2;
		}
		rc = asset_set_condition(db, tag, argv[first + 1], o.note,
		                         asset_ctl_actor(), time_now());
	} else if (strcmp(cmd, "move") == 0 && first == argc - 2) {
		if (!name_id_valid(argv[first + 1])) {
			fprintf(stderr, "pantauctl: '%s' is not a site id\n",
			        argv[first + 1]);
			return 2;
		}
		rc = asset_move(db, tag, argv[first + 1], o.room, o.note,
		                asset_ctl_actor(), time_now());
	} else if (strcmp(cmd, "dispose") == 0 && first == argc - 1) {
		rc = asset_dispose(db, tag, o.note, asset_ctl_actor(),
		                   time_now());
	} else {
		return asset_ctl_usage();
	}
	if (rc == ASSET_OK) {
		snprintf(action, sizeof action, "asset.%s", cmd);
		asset_ctl_audit(db, action, tag,
		                first + 1 < argc ? argv[first + 1] : o.note);
	}
	return asset_ctl_result(rc, tag);
}

struct db *
asset_ctl_open(const struct collector_conf *cf)
{
	struct db *db;
	char path[4096], err[512];

	asset_lives_load(cf->raw);
	/* as the collector does at start: pantauctl may come first */
	if (mkdir(cf->data_dir, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "pantauctl: cannot create %s: %s\n",
		        cf->data_dir, strerror(errno));
		return NULL;
	}
	snprintf(path, sizeof path, "%s/pantau.db", cf->data_dir);
	if ((db = db_open(path, 0, err, sizeof err)) == NULL)
		fprintf(stderr, "pantauctl: %s\n", err);
	return db;
}

int
asset_ctl(const struct collector_conf *cf, int argc, char **argv)
{
	struct db *db;
	const char *sub;
	int rc;

	if (argc < 2)
		return asset_ctl_usage();
	sub = argv[1];
	if ((db = asset_ctl_open(cf)) == NULL) {
		return 1;
	}
	argc--;
	argv++;
	if (strcmp(sub, "import") == 0)
		rc = asset_ctl_import(db, argc, argv);
	else if (strcmp(sub, "list") == 0)
		rc = asset_ctl_list(db, argc, argv, "table");
	else if (strcmp(sub, "export") == 0)
		rc = asset_ctl_list(db, argc, argv, "csv");
	else if (strcmp(sub, "show") == 0)
		rc = asset_ctl_show(db, argc, argv);
	else if (strcmp(sub, "link") == 0)
		rc = asset_ctl_link(db, argc, argv);
	else if (strcmp(sub, "unlink") == 0 || strcmp(sub, "condition") == 0 ||
	         strcmp(sub, "move") == 0 || strcmp(sub, "dispose") == 0)
		rc = asset_ctl_change(db, argc, argv);
	else
		rc = asset_ctl_usage();
	db_close(db);
	return rc;
}
