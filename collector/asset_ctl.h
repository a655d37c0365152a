/*
 * asset_ctl.h: the "asset" and "pm" commands of pantauctl (pantauctl.c
 * has one table row each; docs/assets.md, docs/pm.md).
 */
#ifndef PANTAU_COLLECTOR_ASSET_CTL_H
#define PANTAU_COLLECTOR_ASSET_CTL_H

struct collector_conf;
struct db;

/*
 * argv[0] is "asset" (or "pm"), argv[1] the subcommand.  Opens
 * DATA/pantau.db of 'cf' (migrating it when new) and applies its [assets]
 * useful lives.  Returns the exit status: 0 done, 1 failed, 2 usage.
 */
int asset_ctl(const struct collector_conf *cf, int argc, char **argv);
int pm_ctl(const struct collector_conf *cf, int argc, char **argv);

/* asset_ctl.c, shared with pm_ctl.c: the database of 'cf' with the lives
 * applied (NULL, message printed, on failure), and who is acting. */
struct db *asset_ctl_open(const struct collector_conf *cf);
const char *asset_ctl_actor(void);

/* A row of the audit log by the acting user (detail may be NULL). */
void asset_ctl_audit(struct db *db, const char *action, const char *object,
                     const char *detail);

#endif
