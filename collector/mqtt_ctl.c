/*
 * mqtt_ctl.c: pantauctl mqtt passwd|acl|users (mqtt_ctl.h).
 *
 * The life of a device's credentials (docs/security.md):
 *   1. "mqtt passwd --new SITE/DEVICE -o FILE" makes a random secret,
 *      writes it to FILE (0600) for the technician to copy to the PC's
 *      [mqtt] password_file, and keeps only its hash in DATA/mqtt/passwd;
 *      run again on an existing device, it rotates the secret.
 *   2. "mqtt passwd -o /etc/mosquitto/pantau.passwd" and "mqtt acl -o
 *      /etc/mosquitto/pantau.acl" write the broker's files; a SIGHUP makes
 *      mosquitto read them again.
 *   3. "mqtt passwd --remove SITE/DEVICE" revokes (then step 2).
 * The collector's own entry is made from its [mqtt] username and the
 * password in its password_file, and kept while that password still
 * matches, so the generated files change only when something did.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "collector/collector.h"
#include "collector/mqtt_ctl.h"

#define MQTT_CTL_SECRET_MAX 256

struct mqtt_ctl_args {
	const char *newdev;
	const char *remove;
	const char *site;
	const char *out;
	int npos;
};

static int
mqtt_ctl_usage(void)
{
	fprintf(stderr,
	        "usage: pantauctl mqtt passwd --new SITE/DEVICE -o FILE\n"
	        "       pantauctl mqtt passwd --remove SITE/DEVICE\n"
	        "       pantauctl mqtt passwd [--site S] [-o FILE]\n"
	        "       pantauctl mqtt acl [--site S] [-o FILE]\n"
	        "       pantauctl mqtt users\n");
	return 2;
}

static int
mqtt_ctl_parse(int argc, char **argv, struct mqtt_ctl_args *a)
{
	int i;

	memset(a, 0, sizeof *a);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--new") == 0 && i + 1 < argc)
			a->newdev = argv[++i];
		else if (strcmp(argv[i], "--remove") == 0 && i + 1 < argc)
			a->remove = argv[++i];
		else if (strcmp(argv[i], "--site") == 0 && i + 1 < argc)
			a->site = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			a->out = argv[++i];
		else
			return -1;
	}
	if (a->site != NULL && !name_id_valid(a->site)) {
		fprintf(stderr, "pantauctl: '%s' is not a site id\n", a->site);
		return -1;
	}
	return 0;
}

static void
mqtt_ctl_store_path(const struct collector_conf *cf, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s/mqtt/passwd", cf->data_dir);
}

static int
mqtt_ctl_load(const struct collector_conf *cf, struct mqtt_store *st)
{
	char path[4096], err[4200];

	mqtt_ctl_store_path(cf, path, sizeof path);
	if (mqtt_store_load(st, path, err, sizeof err) != 0) {
		fprintf(stderr, "pantauctl: %s\n", err);
		return -1;
	}
	return 0;
}

/* Writes the store back, DATA/mqtt made 0700 when missing. */
static int
mqtt_ctl_save(const struct collector_conf *cf, const struct mqtt_store *st)
{
	char path[4096], dir[4096];
	char *text = NULL;
	size_t len = 0;
	FILE *m;
	size_t i;
	int rc;

	snprintf(dir, sizeof dir, "%s/mqtt", cf->data_dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "pantauctl: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if ((m = open_memstream(&text, &len)) == NULL)
		return -1;
	for (i = 0; i < st->n; i++)
		fprintf(m, "%s:%s\n", st->v[i].user, st->v[i].hash);
	if (fclose(m) != 0) {
		free(text);
		return -1;
	}
	mqtt_ctl_store_path(cf, path, sizeof path);
	rc = mqtt_file_replace(path, text, len, 0600);
	if (rc != 0)
		fprintf(stderr, "pantauctl: %s: %s\n", path, strerror(errno));
	free(text);
	return rc;
}

/*
 * The collector's entry, kept in step with its password file.  Returns 1
 * when the store changed, 0 when not, -1 on failure.
 */
static int
mqtt_ctl_collector(const struct collector_conf *cf, struct mqtt_store *st)
{
	const struct mqtt_entry *e;
	char pw[MQTT_CTL_SECRET_MAX], hash[MQTT_HASH_MAX];
	size_t n;
	FILE *f;
	int rc = -1;

	if (cf->mqtt_username == NULL)
		return 0;
	if (strchr(cf->mqtt_username, '.') != NULL) {
		fprintf(stderr,
		        "pantauctl: the collector's username '%s' has a '.', "
		        "which device users (SITE.DEVICE) are made of\n",
		        cf->mqtt_username);
		return -1;
	}
	if (cf->mqtt_password_file == NULL) {
		fprintf(stderr,
		        "pantauctl: the collector has no [mqtt] password_file: "
		        "the broker will refuse it\n");
		return 0;
	}
	if ((f = fopen(cf->mqtt_password_file, "re")) == NULL) {
		fprintf(stderr, "pantauctl: %s: %s\n", cf->mqtt_password_file,
		        strerror(errno));
		return -1;
	}
	/* The collector reads the first line without its line end. */
	if (fgets(pw, sizeof pw, f) == NULL)
		pw[0] = '\0';
	fclose(f);
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if (n == 0) {
		fprintf(stderr, "pantauctl: %s: no password\n",
		        cf->mqtt_password_file);
		goto done;
	}
	e = mqtt_store_find(st, cf->mqtt_username);
	if (e != NULL && mqtt_pass_check(pw, e->hash) == 1) {
		rc = 0;
		goto done;
	}
	if (mqtt_pass_hash(pw, hash, sizeof hash) != 0 ||
	    mqtt_store_set(st, cf->mqtt_username, hash) != 0) {
		fprintf(stderr, "pantauctl: cannot hash the collector's "
		                "password\n");
		goto done;
	}
	rc = 1;
done:
	OPENSSL_cleanse(pw, sizeof pw);
	return rc;
}

/* 'text' to 'path' (mode 'mode'), or to stdout when path is NULL. */
static int
mqtt_ctl_emit(const char *path, const char *text, size_t len, unsigned mode)
{
	if (path == NULL || strcmp(path, "-") == 0) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
			return -1;
		return 0;
	}
	if (mqtt_file_replace(path, text, len, mode) != 0) {
		fprintf(stderr, "pantauctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
mqtt_ctl_new(const struct collector_conf *cf, struct mqtt_store *st,
             const struct mqtt_ctl_args *a)
{
	char site[NAME_ID_MAX + 1], dev[NAME_ID_MAX + 1];
	char user[MQTT_USER_MAX], secret[80], hash[MQTT_HASH_MAX];
	char line[96];
	int rotated, rc = 1;

	if (mqtt_pass_user(a->newdev, site, dev, user) != 0) {
		fprintf(stderr,
		        "pantauctl: '%s' is not SITE/DEVICE (ids: a-z, 0-9, "
		        "'-', '_'; no '+', '#', '/', '.')\n",
		        a->newdev);
		return 2;
	}
	if (a->out == NULL) {
		fprintf(stderr, "pantauctl: --new needs -o FILE for the "
		                "agent's password_file\n");
		return 2;
	}
	rotated = mqtt_store_find(st, user) != NULL;
	if (mqtt_pass_secret(secret, sizeof secret) != 0 ||
	    mqtt_pass_hash(secret, hash, sizeof hash) != 0 ||
	    mqtt_store_set(st, user, hash) != 0) {
		fprintf(stderr, "pantauctl: cannot make a secret\n");
		goto done;
	}
	/* The secret first: a failure leaves the store as it was. */
	snprintf(line, sizeof line, "%s\n", secret);
	if (mqtt_ctl_emit(a->out, line, strlen(line), 0600) != 0 ||
	    mqtt_ctl_save(cf, st) != 0)
		goto done;
	fprintf(stderr,
	        "pantauctl: %s secret of %s (username %s) in %s; now write "
	        "the broker's files (mqtt passwd, mqtt acl) and reload it\n",
	        rotated ? "rotated the" : "new", a->newdev, user,
	        strcmp(a->out, "-") == 0 ? "stdout" : a->out);
	rc = 0;
done:
	OPENSSL_cleanse(secret, sizeof secret);
	OPENSSL_cleanse(line, sizeof line);
	return rc;
}

static int
mqtt_ctl_remove(const struct collector_conf *cf, struct mqtt_store *st,
                const char *arg)
{
	char site[NAME_ID_MAX + 1], dev[NAME_ID_MAX + 1];
	char user[MQTT_USER_MAX];

	if (mqtt_pass_user(arg, site, dev, user) != 0) {
		fprintf(stderr, "pantauctl: '%s' is not SITE/DEVICE\n", arg);
		return 2;
	}
	if (mqtt_store_del(st, user) == 0) {
		fprintf(stderr, "pantauctl: %s has no credentials\n", arg);
		return 1;
	}
	if (mqtt_ctl_save(cf, st) != 0)
		return 1;
	fprintf(stderr,
	        "pantauctl: removed %s; write the broker's files and reload "
	        "it\n",
	        user);
	return 0;
}

/* passwd or acl into memory, then out: the output is never half made. */
static int
mqtt_ctl_files(const struct collector_conf *cf, struct mqtt_store *st,
               const struct mqtt_ctl_args *a, int acl)
{
	char db_path[4096];
	char *text = NULL;
	size_t len = 0;
	FILE *m;
	int r, rc;

	if ((r = mqtt_ctl_collector(cf, st)) < 0 ||
	    (r == 1 && mqtt_ctl_save(cf, st) != 0))
		return 1;
	if ((m = open_memstream(&text, &len)) == NULL)
		return 1;
	if (acl) {
		snprintf(db_path, sizeof db_path, "%s/pantau.db", cf->data_dir);
		rc = mqtt_acl_write(db_path, st, cf->mqtt_username, a->site, m,
		                    stderr);
	} else {
		rc = mqtt_store_print(st, cf->mqtt_username, a->site, m);
	}
	if (fclose(m) != 0)
		rc = -1;
	/* The password file holds hashes only; the broker's group reads. */
	if (rc == 0)
		rc = mqtt_ctl_emit(a->out, text, len, acl ? 0644 : 0640);
	free(text);
	return rc == 0 ? 0 : 1;
}

int
mqtt_ctl(const struct collector_conf *cf, int argc, char **argv)
{
	struct mqtt_store st = {0};
	struct mqtt_ctl_args a;
	size_t i;
	int rc;

	if (argc < 2 || mqtt_ctl_parse(argc, argv, &a) != 0)
		return mqtt_ctl_usage();
	if (strcmp(argv[1], "passwd") != 0 &&
	    (a.newdev != NULL || a.remove != NULL))
		return mqtt_ctl_usage();
	if (mqtt_ctl_load(cf, &st) != 0)
		return 1;
	if (strcmp(argv[1], "passwd") == 0 && a.newdev != NULL)
		rc = a.remove != NULL || a.site != NULL
		         ? mqtt_ctl_usage()
		         : mqtt_ctl_new(cf, &st, &a);
	else if (strcmp(argv[1], "passwd") == 0 && a.remove != NULL)
		rc = a.site != NULL || a.out != NULL
		         ? mqtt_ctl_usage()
		         : mqtt_ctl_remove(cf, &st, a.remove);
	else if (strcmp(argv[1], "passwd") == 0)
		rc = mqtt_ctl_files(cf, &st, &a, 0);
	else if (strcmp(argv[1], "acl") == 0)
		rc = mqtt_ctl_files(cf, &st, &a, 1);
	else if (strcmp(argv[1], "users") == 0 && a.site == NULL &&
	         a.out == NULL) {
		for (i = 0; i < st.n; i++)
			printf("%s\n", st.v[i].user);
		rc = 0;
	} else
		rc = mqtt_ctl_usage();
	mqtt_store_clear(&st);
	return rc;
}
