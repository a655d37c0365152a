/*
 * mqtt_acl.c: the broker's ACL, made from what the collector knows
 * (mqtt_ctl.h, docs/security.md).
 *
 * The rules:
 *   - the collector's user reads pantau/v1/# and writes nothing;
 *   - an agent's user SITE.DEVICE writes pantau/v1/SITE/DEVICE/#, and the
 *     topics of the devices it polls, and reads nothing (pantau v1 has no
 *     topic an agent subscribes to);
 *   - everyone else, anonymous clients included, gets nothing: no line
 *     stands before the first "user".
 *
 * "The devices it polls" come from the "polls" list in the agent's own
 * inventory (agent/polls.c), which the collector keeps in devices.inventory.
 * That list is the agent's word, so it is believed only where it cannot
 * hurt another agent: a device with credentials of its own is never
 * granted to anyone else, and a device two agents claim is granted to
 * neither (and said so), until the administrator revokes the wrong one.
 * The claims of agents without credentials are ignored: they cannot log
 * in.  Known devices (seen by the collector, or linked to an asset) that
 * nobody may publish for are listed on 'notes'.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "collector/db.h"
#include "collector/mqtt_ctl.h"

enum acl_verdict {
	ACL_GRANT,
	ACL_OWN,      /* the device has credentials of its own */
	ACL_CONFLICT, /* another agent claims it too */
	ACL_SELF,     /* the agent's own id: granted anyway */
};

/* A device id at a site; for claims, 'agent' says who claims it. */
struct acl_dev {
	char site[NAME_ID_MAX + 1];
	char agent[NAME_ID_MAX + 1];
	char device[NAME_ID_MAX + 1];
	enum acl_verdict verdict;
};

struct acl_list {
	struct acl_dev *v;
	size_t n, cap;
};

static int
acl_push(struct acl_list *l, const char *site, const char *agent,
         const char *device)
{
	struct acl_dev *nv, *d;

	if (l->n == l->cap) {
		nv = realloc(l->v, (l->cap ? 2 * l->cap : 32) * sizeof *nv);
		if (nv == NULL)
			return -1;
		l->v = nv;
		l->cap = l->cap ? 2 * l->cap : 32;
	}
	d = &l->v[l->n++];
	memset(d, 0, sizeof *d);
	snprintf(d->site, sizeof d->site, "%s", site);
	snprintf(d->agent, sizeof d->agent, "%s", agent);
	snprintf(d->device, sizeof d->device, "%s", device);
	return 0;
}

/* Order by site, device, agent: who claims the same device is adjacent. */
static int
acl_cmp_device(const void *a, const void *b)
{
	const struct acl_dev *x = a, *y = b;
	int c;

	if ((c = strcmp(x->site, y->site)) != 0 ||
	    (c = strcmp(x->device, y->device)) != 0)
		return c;
	return strcmp(x->agent, y->agent);
}

/* Order by site, agent, device: an agent's grants are adjacent. */
static int
acl_cmp_agent(const void *a, const void *b)
{
	const struct acl_dev *x = a, *y = b;
	int c;

	if ((c = strcmp(x->site, y->site)) != 0 ||
	    (c = strcmp(x->agent, y->agent)) != 0)
		return c;
	return strcmp(x->device, y->device);
}

static int
acl_has_user(const struct mqtt_store *st, const char *site, const char *device)
{
	char user[MQTT_USER_MAX];

	snprintf(user, sizeof user, "%s.%s", site, device);
	return mqtt_store_find(st, user) != NULL;
}

static int
acl_site_ok(const char *filter, const char *site)
{
	return filter == NULL || strcmp(filter, site) == 0;
}

/*
 * Runs 'sql' (two or three text columns: site, [agent,] device) and adds
 * the rows of the wanted site with valid ids to 'l'.  The claims' device
 * column is the agent's word: an invalid id is noted and skipped.
 */
static int
acl_query(sqlite3 *h, const char *sql, int claims, const char *site,
          const struct mqtt_store *st, struct acl_list *l, FILE *notes)
{
	sqlite3_stmt *q;
	const char *s, *a, *d;
	int rc;

	if (sqlite3_prepare_v2(h, sql, -1, &q, NULL) != SQLITE_OK) {
		fprintf(notes, "pantauctl: database: %s\n", sqlite3_errmsg(h));
		return -1;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(q, 0);
		a = claims ? (const char *)sqlite3_column_text(q, 1) : "";
		d = (const char *)sqlite3_column_text(q, claims ? 2 : 1);
		if (s == NULL || a == NULL || d == NULL ||
		    !acl_site_ok(site, s) || !name_id_valid(s))
			continue;
		/* Only agents that can log in make claims worth reading. */
		if (claims && !acl_has_user(st, s, a))
			continue;
		if (!name_id_valid(d)) {
			if (claims)
				fprintf(notes,
				        "pantauctl: %s.%s claims an invalid "
				        "device id: ignored\n",
				        s, a);
			continue;
		}
		if (acl_push(l, s, a, d) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		fprintf(notes, "pantauctl: database: %s\n", sqlite3_errmsg(h));
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const char acl_sql_known[] =
    "SELECT s.name, d.name FROM devices d JOIN sites s ON s.id = d.site_id "
    "UNION SELECT site, device FROM assets "
    "WHERE device IS NOT NULL AND disposed_at IS NULL";

static const char acl_sql_claims[] =
    "SELECT s.name, d.name, p.value "
    "FROM devices d JOIN sites s ON s.id = d.site_id, "
    "json_each(d.inventory, '$.polls') p "
    "WHERE d.inventory IS NOT NULL AND json_valid(d.inventory) "
    "AND json_type(d.inventory, '$.polls') = 'array' AND p.type = 'text'";

/* Known devices and claims from the database; none when there is no file. */
static int
acl_load(const char *db_path, const struct mqtt_store *st, const char *site,
         struct acl_list *known, struct acl_list *claims, FILE *notes)
{
	char err[256];
	struct stat sb;
	struct db *db;
	int rc;

	if (stat(db_path, &sb) != 0) {
		fprintf(notes,
		        "pantauctl: no database yet (%s): no device is "
		        "known, no agent claims a polled device\n",
		        db_path);
		return 0;
	}
	if ((db = db_open(db_path, 1, err, sizeof err)) == NULL) {
		fprintf(notes, "pantauctl: %s\n", err);
		return -1;
	}
	rc = acl_query(db_sqlite(db), acl_sql_known, 0, site, st, known, notes);
	if (rc == 0)
		rc = acl_query(db_sqlite(db), acl_sql_claims, 1, site, st,
		               claims, notes);
	db_close(db);
	return rc;
}

/* Decides every claim; 'c' is sorted by acl_cmp_device. */
static void
acl_judge(struct acl_list *c, const struct mqtt_store *st, FILE *notes)
{
	size_t i, j, k;

	for (i = 0; i < c->n; i = j) {
		for (j = i + 1;
		     j < c->n && strcmp(c->v[j].site, c->v[i].site) == 0 &&
		     strcmp(c->v[j].device, c->v[i].device) == 0;
		     j++)
			;
		for (k = i; k < j; k++) {
			struct acl_dev *d = &c->v[k];

			if (strcmp(d->agent, d->device) == 0)
				d->verdict = ACL_SELF;
			else if (acl_has_user(st, d->site, d->device))
				d->verdict = ACL_OWN;
			else if (j - i > 1)
				d->verdict = ACL_CONFLICT;
			else
				d->verdict = ACL_GRANT;
			if (d->verdict == ACL_OWN)
				fprintf(notes,
				        "pantauctl: %s.%s claims %s/%s, which "
				        "has credentials of its own: not "
				        "granted\n",
				        d->site, d->agent, d->site, d->device);
		}
		if (c->v[i].verdict == ACL_CONFLICT)
			fprintf(notes,
			        "pantauctl: %s/%s is claimed by %zu agents "
			        "(%s.%s, %s.%s%s): granted to none of them\n",
			        c->v[i].site, c->v[i].device, j - i,
			        c->v[i].site, c->v[i].agent, c->v[i + 1].site,
			        c->v[i + 1].agent, j - i > 2 ? ", ..." : "");
	}
}

/* Known devices nobody may publish for; both lists by acl_cmp_device. */
static void
acl_note_orphans(const struct acl_list *known, const struct acl_list *c,
                 const struct mqtt_store *st, FILE *notes)
{
	size_t i, j = 0;
	int cmp, granted;

	for (i = 0; i < known->n; i++) {
		const struct acl_dev *k = &known->v[i];

		granted = acl_has_user(st, k->site, k->device);
		for (; j < c->n; j++) {
			cmp = strcmp(c->v[j].site, k->site);
			if (cmp == 0)
				cmp = strcmp(c->v[j].device, k->device);
			if (cmp > 0)
				break;
			if (cmp == 0 && c->v[j].verdict == ACL_GRANT)
				granted = 1;
		}
		if (!granted)
			fprintf(notes,
			        "pantauctl: %s/%s is known, but no agent may "
			        "publish for it (no credentials of its own, "
			        "no agent polls it alone)\n",
			        k->site, k->device);
	}
}

static void
acl_print_agent(FILE *out, const char *site, const char *device,
                const struct acl_list *c)
{
	struct acl_dev key;
	size_t lo = 0, hi = c->n, mid;
	int first = 1;

	fprintf(out, "\nuser %s.%s\ntopic write pantau/v1/%s/%s/#\n", site,
	        device, site, device);
	memset(&key, 0, sizeof key);
	snprintf(key.site, sizeof key.site, "%s", site);
	snprintf(key.agent, sizeof key.agent, "%s", device);
	/* The first claim of (site, agent): a lower bound. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (acl_cmp_agent(&c->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->n && strcmp(c->v[lo].site, site) == 0 &&
	       strcmp(c->v[lo].agent, device) == 0;
	     lo++) {
		const struct acl_dev *d = &c->v[lo];

		if (d->verdict == ACL_SELF)
			continue;
		if (first) {
			fprintf(out,
			        "# the devices it polls (its inventory)\n");
			first = 0;
		}
		if (d->verdict == ACL_GRANT)
			fprintf(out, "topic write pantau/v1/%s/%s/#\n", site,
			        d->device);
		else
			fprintf(out, "# not granted: %s (%s)\n", d->device,
			        d->verdict == ACL_OWN
			            ? "it has credentials of its own"
			            : "another agent claims it too");
	}
}

int
mqtt_acl_write(const char *db_path, const struct mqtt_store *st,
               const char *collector, const char *site, FILE *out, FILE *notes)
{
	struct acl_list known = {0}, claims = {0};
	char s[NAME_ID_MAX + 1];
	const char *dot;
	size_t i, n;
	int rc = -1;

	if (notes == NULL)
		notes = stderr;
	if (acl_load(db_path, st, site, &known, &claims, notes) != 0)
		goto done;
	if (known.n > 1)
		qsort(known.v, known.n, sizeof *known.v, acl_cmp_device);
	if (claims.n > 1)
		qsort(claims.v, claims.n, sizeof *claims.v, acl_cmp_device);
	acl_judge(&claims, st, notes);
	acl_note_orphans(&known, &claims, st, notes);
	if (claims.n > 1)
		qsort(claims.v, claims.n, sizeof *claims.v, acl_cmp_agent);

	fprintf(out,
	        "# mosquitto acl_file for pantau, made by \"pantauctl mqtt "
	        "acl\"\n"
	        "# (docs/security.md).  Regenerate it; do not edit it.  "
	        "Nothing stands\n"
	        "# before the first \"user\": anonymous clients get "
	        "nothing.\n");
	if (collector != NULL)
		fprintf(out, "\nuser %s\ntopic read pantau/v1/#\n", collector);
	else
		fprintf(notes, "pantauctl: the collector has no [mqtt] "
		               "username: the ACL lets it read nothing\n");
	/* The store is sorted by user name, "SITE.DEVICE". */
	for (i = 0; i < st->n; i++) {
		const char *u = st->v[i].user;

		if (collector != NULL && strcmp(u, collector) == 0)
			continue;
		if ((dot = strchr(u, '.')) == NULL ||
		    (n = (size_t)(dot - u)) > NAME_ID_MAX) {
			fprintf(notes,
			        "pantauctl: '%s' is neither the collector nor "
			        "a device: left out\n",
			        u);
			continue;
		}
		memcpy(s, u, n);
		s[n] = '\0';
		if (!name_id_valid(s) || !name_id_valid(dot + 1)) {
			fprintf(notes,
			        "pantauctl: '%s' is not SITE.DEVICE: "
			        "left out\n",
			        u);
			continue;
		}
		if (acl_site_ok(site, s))
			acl_print_agent(out, s, dot + 1, &claims);
	}
	rc = ferror(out) ? -1 : 0;
done:
	free(known.v);
	free(claims.v);
	return rc;
}
