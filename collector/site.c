/*
 * site.c: the register of sites from [site NAME] and the roll-up per
 * regency the manager and the province read (site.h, docs/province.md).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "collector/api.h"
#include "collector/db.h"
#include "collector/site.h"
#include "common/log.h"

static const char *const site_keys[] = {"label", "location", "regency", NULL};

/* Longest label, location or regency: a name, not a paragraph. */
#define SITE_TEXT_MAX 120

void
site_config_check(const struct conf_section *s, struct conf_err *errs)
{
	const char *v;
	size_t i;

	/* config.c has checked that NAME is a site id */
	conf_check_keys(s, site_keys, errs);
	for (i = 0; site_keys[i] != NULL; i++)
		if (conf_get_str(s, site_keys[i], &v, errs) == 1 &&
		    (v[0] == '\0' || strlen(v) > SITE_TEXT_MAX))
			conf_errorf(s, site_keys[i], errs,
			            "%s: expected 1 to %d characters",
			            site_keys[i], SITE_TEXT_MAX);
}

/* Binds 'v' as ?n, or NULL when absent. */
static void
site_bind(sqlite3_stmt *st, int n, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(st, n, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, n);
}

int
site_sync(struct db *db, const struct conf *raw)
{
	static const char clear_sql[] =
	    "UPDATE sites SET label = NULL, location = NULL, regency = NULL";
	static const char upsert_sql[] =
	    "INSERT INTO sites (name, label, location, regency, first_seen) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET "
	    "label = ?2, location = ?3, regency = ?4";
	sqlite3 *h = db_sqlite(db);
	sqlite3_stmt *st = NULL;
	const struct conf_section *s;
	size_t i, n = 0;

	/* a savepoint nests inside the loop's batch, if one is open */
	if (sqlite3_exec(h, "SAVEPOINT site_sync", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto fail;
	if (sqlite3_exec(h, clear_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, upsert_sql, -1, &st, NULL) != SQLITE_OK)
		goto fail_rollback;
	for (i = 0; i < conf_section_count(raw); i++) {
		s = conf_section_at(raw, i);
		if (strcmp(conf_section_type(s), "site") != 0 ||
		    conf_section_name(s) == NULL)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, conf_section_name(s), -1,
		                  SQLITE_TRANSIENT);
		site_bind(st, 2, conf_value(s, "label", NULL));
		site_bind(st, 3, conf_value(s, "location", NULL));
		site_bind(st, 4, conf_value(s, "regency", NULL));
		sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail_rollback;
		n++;
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(h, "RELEASE site_sync", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	log_debug("sites: %zu from the configuration", n);
	return 0;

fail_rollback:
	log_err("sites: cannot write the register: %s", sqlite3_errmsg(h));
	sqlite3_finalize(st);
	sqlite3_exec(h, "ROLLBACK TO site_sync; RELEASE site_sync", NULL, NULL,
	             NULL);
	return -1;
fail:
	log_err("sites: cannot write the register: %s", sqlite3_errmsg(h));
	return -1;
}

/* The counts the overview shows, per site, regency and province. */
enum { SC_DEVICES, SC_ONLINE, SC_ALERTS, SC_TICKETS, SC_N };

static const char *const site_count_keys[SC_N] = {"devices", "online", "alerts",
                                                  "tickets"};

static const char site_list_sql[] =
    "SELECT s.name, s.label, s.location, s.regency, "
    "(SELECT count(*) FROM devices d WHERE d.site_id = s.id), "
    "(SELECT count(*) FROM devices d WHERE d.site_id = s.id "
    "AND d.state = 'online'), "
    "(SELECT count(*) FROM alerts a WHERE a.site = s.name "
    "AND a.state = 'firing'), "
    "(SELECT count(*) FROM tickets t WHERE t.site = s.name "
    "AND t.state NOT IN ('resolved', 'closed')) "
    "FROM sites s WHERE ?1 IS NULL OR s.regency = ?1 "
    "ORDER BY s.regency IS NULL, s.regency, s.name";

/* Adds the counts as numbers to 'o'; -1 when out of memory. */
static int
site_add_counts(cJSON *o, const int64_t *c)
{
	for (int i = 0; i < SC_N; i++)
		if (cJSON_AddNumberToObject(o, site_count_keys[i],
		                            (double)c[i]) == NULL)
			return -1;
	return 0;
}

/* Adds column 'col' as a string, or null. */
static int
site_add_text(cJSON *o, const char *key, sqlite3_stmt *st, int col)
{
	const char *v = (const char *)sqlite3_column_text(st, col);

	return (v != NULL ? cJSON_AddStringToObject(o, key, v)
	                  : cJSON_AddNullToObject(o, key)) != NULL
	           ? 0
	           : -1;
}

/* Whether two regencies (NULL: none) are the same. */
static int
site_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Closes the regency being summed into 'arr' (rows arrive ordered by
 * regency), with its site count and counts.
 */
static int
site_flush_regency(cJSON *arr, const char *regency, int64_t nsites,
                   const int64_t *c)
{
	cJSON *o;

	if (nsites == 0)
		return 0;
	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(arr, o);
	if ((regency != NULL ? cJSON_AddStringToObject(o, "regency", regency)
	                     : cJSON_AddNullToObject(o, "regency")) == NULL ||
	    cJSON_AddNumberToObject(o, "sites", (double)nsites) == NULL)
		return -1;
	return site_add_counts(o, c);
}

int
api_sites_list(struct http_req *req)
{
	const char *regency = http_req_arg(req, "regency");
	sqlite3 *h = db_sqlite(http_req_db(req));
	int64_t site_c[SC_N], reg_c[SC_N] = {0}, tot_c[SC_N] = {0};
	int64_t reg_sites = 0, tot_sites = 0;
	char *cur = NULL;
	cJSON *doc = NULL, *sites, *regs, *o;
	sqlite3_stmt *st = NULL;
	const char *r;
	int rc, i;

	if (regency != NULL &&
	    (regency[0] == '\0' || strlen(regency) > SITE_TEXT_MAX))
		return http_reply_error(req, 400, "bad regency");
	if (sqlite3_prepare_v2(h, site_list_sql, -1, &st, NULL) != SQLITE_OK)
		goto fail_db;
	site_bind(st, 1, regency);
	if ((doc = cJSON_CreateObject()) == NULL ||
	    (sites = cJSON_AddArrayToObject(doc, "sites")) == NULL ||
	    (regs = cJSON_AddArrayToObject(doc, "regencies")) == NULL)
		goto fail_mem;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = (const char *)sqlite3_column_text(st, 3);
		if (reg_sites > 0 && !site_same(r, cur)) {
			if (site_flush_regency(regs, cur, reg_sites, reg_c) ==
			    -1)
				goto fail_mem;
			reg_sites = 0;
			memset(reg_c, 0, sizeof(reg_c));
		}
		free(cur);
		cur = NULL;
		if (r != NULL && (cur = strdup(r)) == NULL)
			goto fail_mem;
		for (i = 0; i < SC_N; i++) {
			site_c[i] = sqlite3_column_int64(st, 4 + i);
			reg_c[i] += site_c[i];
			tot_c[i] += site_c[i];
		}
		reg_sites++;
		tot_sites++;
		if ((o = cJSON_CreateObject()) == NULL)
			goto fail_mem;
		cJSON_AddItemToArray(sites, o);
		if (site_add_text(o, "site", st, 0) == -1 ||
		    site_add_text(o, "label", st, 1) == -1 ||
		    site_add_text(o, "location", st, 2) == -1 ||
		    site_add_text(o, "regency", st, 3) == -1 ||
		    site_add_counts(o, site_c) == -1)
			goto fail_mem;
	}
	if (rc != SQLITE_DONE)
		goto fail_db;
	if (site_flush_regency(regs, cur, reg_sites, reg_c) == -1 ||
	    (o = cJSON_AddObjectToObject(doc, "total")) == NULL ||
	    cJSON_AddNumberToObject(o, "sites", (double)tot_sites) == NULL ||
	    site_add_counts(o, tot_c) == -1)
		goto fail_mem;
	free(cur);
	sqlite3_finalize(st);
	return http_reply_json(req, 200, doc);

fail_db:
	log_err("api: sites: %s", sqlite3_errmsg(h));
	free(cur);
	sqlite3_finalize(st);
	cJSON_Delete(doc);
	return http_reply_error(req, 500, "database error");
fail_mem:
	free(cur);
	sqlite3_finalize(st);
	cJSON_Delete(doc);
	return http_reply_error(req, 500, "out of memory");
}
