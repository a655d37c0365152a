/*
 * alert_ctl.c: "pantauctl ticket|alert|silence" (pantauctl(8),
 * docs/tickets.md, docs/alerts.md).
 *
 * The commands work on DATA/pantau.db directly, through the same store
 * functions as the API, so a ticket changed here has the same timeline
 * rows.  The actor is --by, else $SUDO_USER or $USER, else "pantauctl".
 * Every option takes a value ("--state open"); the rest are positional.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "collector/alert_priv.h"
#include "collector/ticket_store.h"
#include "common/conf.h"
#include "common/names.h"
#include "common/timeutil.h"

#define CTL_MAXPOS 4
#define CTL_NCOLS 9 /* of ticket list */

/* The options of one command line: --name value pairs and positionals. */
struct ctl_args {
	const char *state, *site, *device, *format, *by, *title, *kind,
	    *priority, *description, *assignee, *cost, *parts, *note, *rule,
	    *dur, *comment, *limit;
	const char *pos[CTL_MAXPOS];
	int npos;
};

static int
ctl_parse(int argc, char **argv, struct ctl_args *a)
{
	static const struct {
		const char *name;
		size_t off;
	} opts[] = {
#define O(n) {"--" #n, offsetof(struct ctl_args, n)}
	    O(state),
	    O(site),
	    O(device),
	    O(format),
	    O(by),
	    O(title),
	    O(kind),
	    O(priority),
	    O(description),
	    O(assignee),
	    O(cost),
	    O(parts),
	    O(note),
	    O(rule),
	    O(comment),
	    O(limit),
	    {"--for", offsetof(struct ctl_args, dur)},
#undef O
	};
	size_t j;

	memset(a, 0, sizeof *a);
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0) {
			if (a->npos == CTL_MAXPOS)
				return -1;
			a->pos[a->npos++] = argv[i];
			continue;
		}
		for (j = 0; j < sizeof opts / sizeof opts[0]; j++)
			if (strcmp(argv[i], opts[j].name) == 0)
				break;
		if (j == sizeof opts / sizeof opts[0] || i + 1 == argc) {
			fprintf(stderr,
			        "pantauctl: unknown option or missing "
			        "value: %s\n",
			        argv[i]);
			return -1;
		}
		*(const char **)((char *)a + opts[j].off) = argv[++i];
	}
	return 0;
}

static const char *
ctl_actor(const struct ctl_args *a)
{
	const char *u = a->by;

	if (u == NULL || u[0] == '\0')
		u = getenv("SUDO_USER");
	if (u == NULL || u[0] == '\0')
		u = getenv("USER");
	return u != NULL && u[0] != '\0' ? u : "pantauctl";
}

/*
 * The database, created with its directory when missing (a silence may
 * be planned before the collector's first start).
 */
static struct db *
ctl_open(const char *path)
{
	char err[512], dir[4096], *slash;
	struct db *db;

	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST)
			fprintf(stderr, "pantauctl: cannot create %s: %s\n",
			        dir, strerror(errno));
	}
	if ((db = db_open(path, 0, err, sizeof err)) == NULL)
		fprintf(stderr, "pantauctl: %s\n", err);
	return db;
}

static int
ctl_id(const char *s, int64_t *id)
{
	long v;

	if (s == NULL || conf_parse_long(s, &v) != 0 || v < 1) {
		fprintf(stderr, "pantauctl: '%s' is not a number\n",
		        s != NULL ? s : "");
		return -1;
	}
	*id = v;
	return 0;
}

static void
ctl_json_print(const cJSON *doc)
{
	char *s = cJSON_Print(doc);

	if (s != NULL)
		printf("%s\n", s);
	free(s);
}

/* A member as text for a table or CSV: "" for null. */
static void
ctl_text(const cJSON *o, const char *key, char *buf, size_t bufsz)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (cJSON_IsString(v))
		snprintf(buf, bufsz, "%s", v->valuestring);
	else if (cJSON_IsNumber(v))
		snprintf(buf, bufsz, "%.0f", v->valuedouble);
	else
		buf[0] = '\0';
}

/* RFC 4180: every field quoted, quotes doubled. */
static void
ctl_csv_field(const char *s, int last)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	fputs(last ? "\"\r\n" : "\",", stdout);
}

static int
ctl_ticket_list(struct db *db, const struct ctl_args *a)
{
	static const char *const cols[CTL_NCOLS] = {
	    "id",     "kind",     "state", "priority", "site",
	    "device", "assignee", "title", "opened_at"};
	const size_t ncols = CTL_NCOLS;
	const char *fmt = a->format != NULL ? a->format : "table";
	const cJSON *t;
	cJSON *doc;
	char v[CTL_NCOLS][256];
	long limit = 0;
	size_t i;

	if ((strcmp(fmt, "table") != 0 && strcmp(fmt, "csv") != 0 &&
	     strcmp(fmt, "json") != 0) ||
	    (a->state != NULL && !ticket_state_valid(a->state) &&
	     strcmp(a->state, "active") != 0) ||
	    (a->site != NULL && !name_id_valid(a->site)) ||
	    (a->limit != NULL &&
	     (conf_parse_long(a->limit, &limit) != 0 || limit < 1))) {
		fprintf(stderr, "usage: pantauctl ticket list [--state S] "
		                "[--site S] [--limit N] "
		                "[--format table|csv|json]\n");
		return 2;
	}
	if ((doc = ticket_list_json(db, a->state, a->site, limit)) == NULL)
		return 1;
	if (strcmp(fmt, "json") == 0) {
		ctl_json_print(doc);
		cJSON_Delete(doc);
		return 0;
	}
	if (strcmp(fmt, "csv") == 0)
		for (i = 0; i < ncols; i++)
			ctl_csv_field(cols[i], i + 1 == ncols);
	else
		printf("%-5s %-10s %-11s %-3s %-14s %-14s %-10s %s\n", "ID",
		       "KIND", "STATE", "PRI", "SITE", "DEVICE", "ASSIGNEE",
		       "TITLE");
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(doc, "tickets"))
	{
		for (i = 0; i < ncols; i++)
			ctl_text(t, cols[i], v[i], sizeof v[i]);
		if (strcmp(fmt, "csv") == 0)
			for (i = 0; i < ncols; i++)
				ctl_csv_field(v[i], i + 1 == ncols);
		else
			printf("%-5s %-10s %-11s %-3s %-14s %-14s %-10s %s\n",
			       v[0], v[1], v[2], v[3], v[4],
			       v[5][0] ? v[5] : "-", v[6][0] ? v[6] : "-",
			       v[7]);
	}
	cJSON_Delete(doc);
	return 0;
}

static int
ctl_ticket_show(struct db *db, const struct ctl_args *a)
{
	static const char *const fields[] = {
	    "kind",   "state",     "priority",   "site",
	    "device", "asset_tag", "assignee",   "cost_idr",
	    "parts",  "opened_by", "description"};
	const cJSON *n, *as;
	cJSON *doc;
	char v[256], ts[32], who[128], kind[16], text[1024];
	int64_t id;
	int found;

	if (a->npos != 2 || ctl_id(a->pos[1], &id) != 0)
		return 2;
	doc = ticket_get_json(db, id, time_now(), &found);
	if (doc == NULL) {
		fprintf(stderr, "pantauctl: %s\n",
		        found ? "database error" : "no such ticket");
		return 1;
	}
	if (a->format != NULL && strcmp(a->format, "json") == 0) {
		ctl_json_print(doc);
		cJSON_Delete(doc);
		return 0;
	}
	ctl_text(doc, "title", v, sizeof v);
	printf("ticket %lld: %s\n", (long long)id, v);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		ctl_text(doc, fields[i], v, sizeof v);
		if (v[0] != '\0')
			printf("  %-12s %s\n", fields[i], v);
	}
	if ((as = cJSON_GetObjectItem(doc, "asset")) != NULL) {
		ctl_text(as, "supplier", v, sizeof v);
		ctl_text(as, "warranty_until", who, sizeof who);
		printf("  %-12s %s, warranty until %s%s\n", "supplier", v,
		       who[0] ? who : "-",
		       cJSON_IsTrue(cJSON_GetObjectItem(as, "under_warranty"))
		           ? " (under warranty)"
		           : "");
	}
	printf("timeline:\n");
	cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "notes"))
	{
		ctl_text(n, "ts", v, sizeof v);
		time_format_iso(strtoll(v, NULL, 10), ts, sizeof ts);
		ctl_text(n, "actor", who, sizeof who);
		ctl_text(n, "kind", kind, sizeof kind);
		ctl_text(n, "text", text, sizeof text);
		printf("  %s  %-10s %-6s %s\n", ts, who, kind, text);
	}
	cJSON_Delete(doc);
	return 0;
}

static int
ctl_ticket_change(struct db *db, const struct ctl_args *a, const char *verb)
{
	struct ticket_change c;
	int64_t id;
	long l;
	int found;

	if (a->npos < 2 || ctl_id(a->pos[1], &id) != 0)
		return 2;
	memset(&c, 0, sizeof c);
	c.cost_idr = -1;
	if (strcmp(verb, "note") == 0) {
		if (a->npos != 3 || a->pos[2][0] == '\0')
			return 2;
		c.note = a->pos[2];
	} else if (strcmp(verb, "close") == 0) {
		c.state = "closed";
		c.note = a->note;
	} else {
		c.state = a->state;
		c.assignee = a->assignee;
		c.parts = a->parts;
		c.note = a->note;
		if (a->priority != NULL) {
			if (conf_parse_long(a->priority, &l) != 0 || l < 1 ||
			    l > 4)
				return 2;
			c.priority = (int)l;
		}
		if (a->cost != NULL) {
			if (conf_parse_long(a->cost, &l) != 0 || l < 0)
				return 2;
			c.cost_idr = l;
		}
		if (c.state != NULL && !ticket_state_valid(c.state))
			return 2;
	}
	if (ticket_update(db, id, &c, ctl_actor(a), time_now(), &found) != 0)
		return 1;
	if (!found) {
		fprintf(stderr, "pantauctl: no such ticket\n");
		return 1;
	}
	return 0;
}

static int
ctl_ticket_open(struct db *db, const struct ctl_args *a)
{
	struct ticket_new t;
	int64_t id;
	long l = 3;
	int created;

	memset(&t, 0, sizeof t);
	t.kind = TICKET_REQUEST;
	if (a->site == NULL || !name_id_valid(a->site) || a->title == NULL ||
	    a->title[0] == '\0' ||
	    (a->device != NULL && !name_id_valid(a->device)) ||
	    (a->kind != NULL && ticket_kind_parse(a->kind, &t.kind) != 0) ||
	    (a->priority != NULL &&
	     (conf_parse_long(a->priority, &l) != 0 || l < 1 || l > 4)))
		return 2;
	t.title = a->title;
	t.description = a->description;
	t.site = a->site;
	t.device = a->device;
	t.priority = (int)l;
	t.actor = ctl_actor(a);
	if (ticket_open(db, &t, time_now(), &id, &created) != 0)
		return 1;
	printf("%lld\n", (long long)id);
	return 0;
}

static int
ctl_ticket(struct db *db, const struct ctl_args *a)
{
	const char *verb = a->npos > 0 ? a->pos[0] : "";

	if (strcmp(verb, "list") == 0)
		return ctl_ticket_list(db, a);
	if (strcmp(verb, "show") == 0)
		return ctl_ticket_show(db, a);
	if (strcmp(verb, "open") == 0)
		return ctl_ticket_open(db, a);
	if (strcmp(verb, "note") == 0 || strcmp(verb, "close") == 0 ||
	    strcmp(verb, "set") == 0)
		return ctl_ticket_change(db, a, verb);
	return 2;
}

/* "alert list", "alert ack N", "silence add", "silence list". */
static int
ctl_alert(struct db *db, const struct ctl_args *a, int silence)
{
	const char *verb = a->npos > 0 ? a->pos[0] : "";
	sqlite3_stmt *st;
	sqlite3 *h = db_sqlite(db);
	unsigned secs;
	int64_t id;
	int rc;

	if (silence && strcmp(verb, "add") == 0) {
		if (a->site == NULL || !name_id_valid(a->site) ||
		    (a->device != NULL && !name_id_valid(a->device)) ||
		    (a->rule != NULL && !name_id_valid(a->rule)) ||
		    a->dur == NULL || conf_parse_duration(a->dur, &secs) != 0 ||
		    secs == 0)
			return 2;
		id = alert_silence_add(db, a->site, a->device, a->rule,
		                       time_now(), secs, ctl_actor(a),
		                       a->comment);
		if (id < 0)
			return 1;
		printf("%lld\n", (long long)id);
		return 0;
	}
	if (!silence && strcmp(verb, "ack") == 0) {
		if (a->npos != 2 || ctl_id(a->pos[1], &id) != 0)
			return 2;
		st = ticket_prepare(h, "UPDATE alerts SET acked_by = ?, "
		                       "acked_at = ? WHERE id = ?");
		if (st == NULL)
			return 1;
		ticket_bind_text(st, 1, ctl_actor(a));
		sqlite3_bind_int64(st, 2, time_now());
		sqlite3_bind_int64(st, 3, id);
		if (ticket_exec(h, st, "ack") != 0)
			return 1;
		return sqlite3_changes(h) == 1 ? 0 : 1;
	}
	if (strcmp(verb, "list") != 0 ||
	    (a->site != NULL && !name_id_valid(a->site)))
		return 2;
	st = ticket_prepare(
	    h, silence ? "SELECT id, site, ifnull(device, '*'), "
	                 "ifnull(rule, '*'), datetime(ends_at, 'unixepoch'), "
	                 "created_by FROM silences WHERE ends_at > ?2 AND "
	                 "(?1 IS NULL OR site = ?1) ORDER BY id"
	               : "SELECT id, state, severity, site, "
	                 "ifnull(device, '-'), rule, subject, "
	                 "ifnull(ticket_id, '-') FROM alerts WHERE "
	                 "(?1 IS NULL OR site = ?1) AND "
	                 "(?3 IS NULL OR state = ?3) ORDER BY id DESC "
	                 "LIMIT 1000");
	if (st == NULL)
		return 1;
	ticket_bind_text(st, 1, a->site);
	sqlite3_bind_int64(st, 2, time_now());
	if (!silence)
		ticket_bind_text(st, 3, a->state);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++)
			printf("%s%s", i ? "\t" : "",
			       (const char *)sqlite3_column_text(st, i));
		putchar('\n');
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : 1;
}

int
alert_ctl(const char *db_path, int argc, char **argv)
{
	struct ctl_args a;
	struct db *db;
	int rc;

	if (ctl_parse(argc - 1, argv + 1, &a) != 0)
		rc = 2;
	else if ((db = ctl_open(db_path)) == NULL)
		return 1;
	else {
		if (strcmp(argv[0], "ticket") == 0)
			rc = ctl_ticket(db, &a);
		else
			rc = ctl_alert(db, &a, strcmp(argv[0], "silence") == 0);
		db_close(db);
	}
	if (rc == 2)
		fprintf(
		    stderr,
		    "usage: pantauctl ticket list [--state S] [--site S] "
		    "[--format table|csv|json]\n"
		    "       pantauctl ticket show N [--format json]\n"
		    "       pantauctl ticket note N TEXT [--by USER]\n"
		    "       pantauctl ticket close N [--note TEXT]\n"
		    "       pantauctl ticket set N [--state S] [--assignee A] "
		    "[--priority 1-4] [--cost IDR] [--parts P] [--note T]\n"
		    "       pantauctl ticket open --site S --title T "
		    "[--device D] [--kind fault|preventive|request] "
		    "[--priority 1-4] [--description D]\n"
		    "       pantauctl alert list [--site S] "
		    "[--state firing|resolved]\n"
		    "       pantauctl alert ack N\n"
		    "       pantauctl silence add --site S --for 2h "
		    "[--device D] [--rule R] [--comment C]\n"
		    "       pantauctl silence list [--site S]\n");
	return rc;
}
