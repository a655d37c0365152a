/*
 * asset_suggest.c: proposes links between assets and monitored devices
 * from what the devices say about themselves (asset.h,
 * asset_suggest_inventory).
 *
 * The register is typed in by a secretary, the inventory is read by an
 * agent: the serial number printed on the label and the one the firmware
 * reports are the common ground.  A switch or a camera often has no
 * readable serial, so a MAC address written in the asset's serial column
 * counts too (compared as 12 hex digits, whatever the separators).  A
 * match is only stored as a suggestion: the same serial typed twice, or a
 * refurbished board, must not move an asset without a person agreeing.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "collector/asset.h"
#include "collector/asset_priv.h"
#include "collector/db.h"

#define SUGGEST_MAX_KEYS 32

/* The 12 hex digits of a MAC address, lower-cased; -1 when it is none. */
static int
asset_mac_norm(const char *s, char *out)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (*s == ':' || *s == '-' || *s == '.')
			continue;
		if (!isxdigit((unsigned char)*s) || n == 12)
			return -1;
		out[n++] = (char)tolower((unsigned char)*s);
	}
	out[n] = '\0';
	return n == 12 ? 0 : -1;
}

/* Stores one suggestion for every asset matching 'key'. */
static int
asset_suggest_key(struct db *db, const char *site, const char *device,
                  const char *key, int mac, int64_t now)
{
	char norm[13], reason[ASSET_TEXT_MAX + 1];
	sqlite3_stmt *st;
	int rc, n = 0;

	if (mac && asset_mac_norm(key, norm) == -1)
		return 0;
	st = asset_db_prepare(
	    db,
	    mac ? "INSERT INTO asset_suggestions (tag, site, device, reason, "
	          "ts) SELECT tag, ?2, ?3, ?4, ?5 FROM assets WHERE "
	          "disposed_at IS NULL AND lower(replace(replace(replace("
	          "serial, ':', ''), '-', ''), '.', '')) = ?1 AND "
	          "NOT (site = ?2 AND device IS ?3) "
	          "ON CONFLICT DO UPDATE SET reason = excluded.reason, "
	          "ts = excluded.ts"
	        : "INSERT INTO asset_suggestions (tag, site, device, reason, "
	          "ts) SELECT tag, ?2, ?3, ?4, ?5 FROM assets WHERE "
	          "disposed_at IS NULL AND serial <> '' AND "
	          "upper(trim(serial)) = upper(trim(?1)) AND "
	          "NOT (site = ?2 AND device IS ?3) "
	          "ON CONFLICT DO UPDATE SET reason = excluded.reason, "
	          "ts = excluded.ts");
	if (st == NULL)
		return -1;
	snprintf(reason, sizeof reason, "%s %s", mac ? "mac" : "serial", key);
	sqlite3_bind_text(st, 1, mac ? norm : key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, device, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		n = sqlite3_changes(db_sqlite(db));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		asset_db_fail(db, "store suggestion");
		return -1;
	}
	return n;
}

/* The string at obj[key], when it is a non-empty string. */
static const char *
asset_json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	const char *s = cJSON_GetStringValue(v);

	return s != NULL && s[0] != '\0' ? s : NULL;
}

int
asset_suggest_inventory(struct db *db, const char *site, const char *device,
                        const char *json, int64_t now)
{
	const char *serials[SUGGEST_MAX_KEYS], *macs[SUGGEST_MAX_KEYS], *s;
	size_t ns = 0, nm = 0, i;
	const cJSON *ifs, *it;
	cJSON *inv;
	int total = 0, r = 0;

	if (json == NULL || (inv = cJSON_Parse(json)) == NULL)
		return 0;
	if ((s = asset_json_str(inv, "serial")) != NULL)
		serials[ns++] = s;
	if ((s = asset_json_str(cJSON_GetObjectItemCaseSensitive(inv, "dmi"),
	                        "serial")) != NULL)
		serials[ns++] = s;
	ifs = cJSON_GetObjectItemCaseSensitive(inv, "interfaces");
	cJSON_ArrayForEach(it, ifs)
	{
		if (nm < SUGGEST_MAX_KEYS &&
		    (s = asset_json_str(it, "mac")) != NULL)
			macs[nm++] = s;
	}
	if (asset_db_begin(db) == -1) {
		cJSON_Delete(inv);
		return -1;
	}
	for (i = 0; i < ns && r >= 0; i++)
		if ((r = asset_suggest_key(db, site, device, serials[i], 0,
		                           now)) > 0)
			total += r;
	for (i = 0; i < nm && r >= 0; i++)
		if ((r = asset_suggest_key(db, site, device, macs[i], 1, now)) >
		    0)
			total += r;
	asset_db_end(db, r >= 0);
	cJSON_Delete(inv);
	return r < 0 ? -1 : total;
}
