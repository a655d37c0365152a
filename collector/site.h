/*
 * site.h: the register of sites and their roll-up per regency (issue 13,
 * docs/province.md).
 *
 * A province collector holds hundreds of telecenters.  The [site NAME]
 * sections of the collector configuration say where each is (label,
 * location, regency); site_sync() copies them into the sites table so
 * that reports and the API, which read only the database, can group by
 * regency and total the province.  A site that appears on MQTT but has no
 * section stays "no regency" until one is written.
 */
#ifndef PANTAU_COLLECTOR_SITE_H
#define PANTAU_COLLECTOR_SITE_H

#include "common/conf.h"

struct db;
struct http_req;

/* Checks one [site NAME] section (config.c's section table). */
void site_config_check(const struct conf_section *s, struct conf_err *errs);

/*
 * Writes every [site NAME] of 'raw' into the sites table (creating the
 * site when it was never seen) and clears label, location and regency of
 * the sites the configuration no longer names.  One transaction; 0, or
 * -1 (logged) leaving the table as it was.
 */
int site_sync(struct db *db, const struct conf *raw);

/*
 * GET /api/v1/sites[?regency=R]: every site with its place and counts
 * (devices, online, firing alerts, open tickets), the same per regency,
 * and the province total (docs/api.md).
 */
int api_sites_list(struct http_req *req);

#endif
