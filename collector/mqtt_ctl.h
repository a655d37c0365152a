/*
 * mqtt_ctl.h: the broker's password and ACL files (DESIGN.md section 9,
 * docs/security.md).
 *
 *   pantauctl mqtt passwd --new SITE/DEVICE -o FILE   create or rotate
 *   pantauctl mqtt passwd --remove SITE/DEVICE        revoke
 *   pantauctl mqtt passwd [--site S] [-o FILE]        mosquitto's password_file
 *   pantauctl mqtt acl [--site S] [-o FILE]           mosquitto's acl_file
 *   pantauctl mqtt users                              who has credentials
 *
 * An agent logs in as "SITE.DEVICE" (a '.' is in no id, so the name is
 * unambiguous across sites); the collector as its [mqtt] username.  The
 * hashes live in DATA/mqtt/passwd (mosquitto's own format, 0600), the only
 * place they are kept; a device's plain secret exists once, in the file
 * --new writes for the technician.
 *
 * mqtt_ctl.c holds the commands, mqtt_pass.c the hashes and that store,
 * mqtt_acl.c the ACL model read from the database.
 */
#ifndef PANTAU_COLLECTOR_MQTT_CTL_H
#define PANTAU_COLLECTOR_MQTT_CTL_H

#include <stddef.h>
#include <stdio.h>

#include "common/names.h"

struct collector_conf;

/* pantauctl mqtt ...: argv[0] is "mqtt".  Returns 0, 1 failed, 2 usage. */
int mqtt_ctl(const struct collector_conf *cf, int argc, char **argv);

/* mqtt_pass.c */

#define MQTT_USER_MAX (2 * NAME_ID_MAX + 2) /* "site.device" and NUL */
#define MQTT_HASH_MAX 160                   /* "$7$..." and NUL */
#define MQTT_PBKDF2_ITER 101                /* mosquitto_passwd's default */

/*
 * The mosquitto 2.0 hash of 'secret': "$7$ITER$SALT$HASH", PBKDF2 with
 * HMAC-SHA512 over a random 12-byte salt, both base64.  Returns 0, or -1
 * (no randomness, outsz too small).
 */
int mqtt_pass_hash(const char *secret, char *out, size_t outsz);

/* 1 when 'hash' is secret's "$7$" hash, 0 when not, -1 when malformed. */
int mqtt_pass_check(const char *secret, const char *hash);

/* A new device secret: 64 hex digits (256 random bits).  0 or -1. */
int mqtt_pass_secret(char *out, size_t outsz);

/*
 * "SITE/DEVICE" (pantauctl's spelling, as in asset link) into the two ids
 * and the user name "SITE.DEVICE".  Returns 0, or -1 when either id is not
 * valid (names.h: no '+', '#', '/', '.', upper case, ...).
 */
int mqtt_pass_user(const char *arg, char site[NAME_ID_MAX + 1],
                   char device[NAME_ID_MAX + 1], char user[MQTT_USER_MAX]);

/* The store of hashes: user name and hash per line, sorted by user. */
struct mqtt_entry {
	char user[MQTT_USER_MAX];
	char hash[MQTT_HASH_MAX];
};

struct mqtt_store {
	struct mqtt_entry *v; /* owned */
	size_t n, cap;
};

/*
 * Reads a password file into an empty store; a missing file is an empty
 * store.  A line that is not "user:$7$..." fails with "FILE:LINE: ..."
 * in err.  Returns 0 or -1.
 */
int mqtt_store_load(struct mqtt_store *st, const char *path, char *err,
                    size_t errsz);

/* Adds or replaces a user's hash.  0, or -1 (ENOMEM, or a bad name). */
int mqtt_store_set(struct mqtt_store *st, const char *user, const char *hash);

/* Removes a user: 1 removed, 0 not there. */
int mqtt_store_del(struct mqtt_store *st, const char *user);

/* The entry of 'user', or NULL. */
const struct mqtt_entry *mqtt_store_find(const struct mqtt_store *st,
                                         const char *user);

void mqtt_store_clear(struct mqtt_store *st);

/*
 * Writes the password file: the collector's entry ('collector', may be
 * NULL) and the device users of 'site' (NULL: all sites), sorted.  0/-1.
 */
int mqtt_store_print(const struct mqtt_store *st, const char *collector,
                     const char *site, FILE *out);

/*
 * Writes 'text' (len bytes) to 'path' through a temporary file renamed in
 * place, created with 'mode', so a reader never sees half a file.  0 or
 * -1 with errno set.
 */
int mqtt_file_replace(const char *path, const char *text, size_t len,
                      unsigned mode);

/* mqtt_acl.c */

/*
 * Writes the ACL to 'out' for the device users in 'st' of 'site' (NULL:
 * all sites) and the collector's user 'collector' (NULL: none), reading
 * the known devices and the agents' "polls" claims from the database at
 * 'db_path' (a missing file: no claims).  Every claim that is not granted,
 * and every known device no agent may publish for, is explained on
 * 'notes' (may be NULL).  Returns 0 or -1 (message on 'notes' or stderr).
 */
int mqtt_acl_write(const char *db_path, const struct mqtt_store *st,
                   const char *collector, const char *site, FILE *out,
                   FILE *notes);

#endif
