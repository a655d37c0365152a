/*
 * mqtt_pass.c: MQTT secrets, their mosquitto hashes, and the store of
 * hashes in DATA/mqtt/passwd (mqtt_ctl.h).
 *
 * mosquitto 2.0 reads password_file lines "user:$7$ITER$SALT$HASH" where
 * HASH is PBKDF2-HMAC-SHA512 of the password over SALT, both base64 with
 * padding (mosquitto's password_mosq.c; mosquitto_passwd writes 12 salt
 * bytes and 101 iterations).  The hash is made here with OpenSSL's
 * PKCS5_PBKDF2_HMAC instead of running mosquitto_passwd, so pantauctl
 * needs no broker package and never puts a secret on a command line.
 *
 * The iteration count stays at mosquitto's default: device secrets are
 * 256 random bits, which no count makes easier or harder to guess, and
 * the broker pays the count at every connect.  A person-chosen collector
 * password is the exception (docs/security.md says to make it random too).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "collector/mqtt_ctl.h"

#define MQTT_SALT_LEN 12
#define MQTT_DK_LEN 64 /* SHA-512 */

/* Standard base64 with padding, as mosquitto writes it. */
static int
mqtt_pass_b64(const unsigned char *in, size_t n, char *out, size_t outsz)
{
	if (outsz < 4 * ((n + 2) / 3) + 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	return 0;
}

/*
 * Decodes exactly one base64 field into out; returns the byte count, or
 * -1.  EVP_DecodeBlock counts the padding as zero bytes: take them off.
 */
static int
mqtt_pass_unb64(const char *in, size_t len, unsigned char *out, size_t outsz)
{
	int n;
	size_t pad = 0;

	if (len == 0 || len % 4 != 0 || 3 * (len / 4) > outsz)
		return -1;
	n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
	if (n < 0)
		return -1;
	if (in[len - 1] == '=')
		pad++;
	if (in[len - 2] == '=')
		pad++;
	return n - (int)pad;
}

static int
mqtt_pass_derive(const char *secret, const unsigned char *salt, size_t saltlen,
                 int iter, unsigned char dk[MQTT_DK_LEN])
{
	return PKCS5_PBKDF2_HMAC(secret, (int)strlen(secret), salt,
	                         (int)saltlen, iter, EVP_sha512(), MQTT_DK_LEN,
	                         dk) == 1
	           ? 0
	           : -1;
}

int
mqtt_pass_hash(const char *secret, char *out, size_t outsz)
{
	unsigned char salt[MQTT_SALT_LEN], dk[MQTT_DK_LEN];
	char bsalt[32], bdk[96];
	int n;

	if (RAND_bytes(salt, sizeof salt) != 1 ||
	    mqtt_pass_derive(secret, salt, sizeof salt, MQTT_PBKDF2_ITER, dk) !=
	        0 ||
	    mqtt_pass_b64(salt, sizeof salt, bsalt, sizeof bsalt) != 0 ||
	    mqtt_pass_b64(dk, sizeof dk, bdk, sizeof bdk) != 0)
		return -1;
	OPENSSL_cleanse(dk, sizeof dk);
	n = snprintf(out, outsz, "$7$%d$%s$%s", MQTT_PBKDF2_ITER, bsalt, bdk);
	return n > 0 && (size_t)n < outsz ? 0 : -1;
}

int
mqtt_pass_check(const char *secret, const char *hash)
{
	unsigned char salt[64], want[MQTT_DK_LEN + 3], got[MQTT_DK_LEN];
	const char *s, *h;
	char *end;
	long iter;
	int nsalt, nwant, ok;

	if (strncmp(hash, "$7$", 3) != 0)
		return -1;
	errno = 0;
	iter = strtol(hash + 3, &end, 10);
	if (errno != 0 || end == hash + 3 || *end != '$' || iter < 1 ||
	    iter > 10000000)
		return -1;
	s = end + 1;
	if ((h = strchr(s, '$')) == NULL)
		return -1;
	nsalt = mqtt_pass_unb64(s, (size_t)(h - s), salt, sizeof salt);
	nwant = mqtt_pass_unb64(h + 1, strlen(h + 1), want, sizeof want);
	if (nsalt <= 0 || nwant != MQTT_DK_LEN)
		return -1;
	if (mqtt_pass_derive(secret, salt, (size_t)nsalt, (int)iter, got) != 0)
		return -1;
	ok = CRYPTO_memcmp(got, want, MQTT_DK_LEN) == 0;
	OPENSSL_cleanse(got, sizeof got);
	return ok;
}

int
mqtt_pass_secret(char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[32];
	size_t i;

	if (outsz < 2 * sizeof b + 1 || RAND_bytes(b, sizeof b) != 1)
		return -1;
	for (i = 0; i < sizeof b; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * sizeof b] = '\0';
	OPENSSL_cleanse(b, sizeof b);
	return 0;
}

int
mqtt_pass_user(const char *arg, char site[NAME_ID_MAX + 1],
               char device[NAME_ID_MAX + 1], char user[MQTT_USER_MAX])
{
	const char *slash = strchr(arg, '/');
	size_t n;

	if (slash == NULL || (n = (size_t)(slash - arg)) > NAME_ID_MAX)
		return -1;
	memcpy(site, arg, n);
	site[n] = '\0';
	if (!name_id_valid(site) || !name_id_valid(slash + 1))
		return -1;
	snprintf(device, NAME_ID_MAX + 1, "%s", slash + 1);
	snprintf(user, MQTT_USER_MAX, "%s.%s", site, device);
	return 0;
}

/*
 * A user name may be written into both files: no ':' (the password
 * file's separator), no white space or control character (the ACL's
 * "user NAME" line), not empty.
 */
static int
mqtt_store_name_ok(const char *user)
{
	const unsigned char *p = (const unsigned char *)user;

	if (*p == '\0' || strlen(user) >= MQTT_USER_MAX)
		return 0;
	for (; *p != '\0'; p++)
		if (*p <= ' ' || *p == ':' || *p >= 0x7f)
			return 0;
	return 1;
}

static int
mqtt_store_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mqtt_entry *)a)->user,
	              ((const struct mqtt_entry *)b)->user);
}

const struct mqtt_entry *
mqtt_store_find(const struct mqtt_store *st, const char *user)
{
	struct mqtt_entry key;

	if (st->n == 0 || snprintf(key.user, sizeof key.user, "%s", user) >=
	                      (int)sizeof key.user)
		return NULL;
	return bsearch(&key, st->v, st->n, sizeof *st->v, mqtt_store_cmp);
}

int
mqtt_store_set(struct mqtt_store *st, const char *user, const char *hash)
{
	const struct mqtt_entry *c;
	struct mqtt_entry *e, *nv;

	if (!mqtt_store_name_ok(user) || strlen(hash) >= MQTT_HASH_MAX ||
	    strchr(hash, '\n') != NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((c = mqtt_store_find(st, user)) != NULL) {
		e = &st->v[c - st->v];
		snprintf(e->hash, sizeof e->hash, "%s", hash);
		return 0;
	}
	if (st->n == st->cap) {
		nv = realloc(st->v, (st->cap ? 2 * st->cap : 16) * sizeof *nv);
		if (nv == NULL)
			return -1;
		st->v = nv;
		st->cap = st->cap ? 2 * st->cap : 16;
	}
	e = &st->v[st->n++];
	snprintf(e->user, sizeof e->user, "%s", user);
	snprintf(e->hash, sizeof e->hash, "%s", hash);
	qsort(st->v, st->n, sizeof *st->v, mqtt_store_cmp);
	return 0;
}

int
mqtt_store_del(struct mqtt_store *st, const char *user)
{
	const struct mqtt_entry *e = mqtt_store_find(st, user);
	size_t i;

	if (e == NULL)
		return 0;
	i = (size_t)(e - st->v);
	memmove(&st->v[i], &st->v[i + 1], (st->n - i - 1) * sizeof *st->v);
	st->n--;
	return 1;
}

void
mqtt_store_clear(struct mqtt_store *st)
{
	if (st == NULL)
		return;
	if (st->v != NULL)
		OPENSSL_cleanse(st->v, st->cap * sizeof *st->v);
	free(st->v);
	memset(st, 0, sizeof *st);
}

int
mqtt_store_load(struct mqtt_store *st, const char *path, char *err,
                size_t errsz)
{
	char *line = NULL, *colon;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	FILE *f;
	int rc = 0;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		colon = strchr(line, ':');
		if (colon != NULL)
			*colon = '\0';
		if (colon == NULL || strncmp(colon + 1, "$7$", 3) != 0 ||
		    mqtt_store_set(st, line, colon + 1) != 0) {
			snprintf(err, errsz,
			         "%s:%u: not a \"user:$7$...\" line", path,
			         lineno);
			rc = -1;
			break;
		}
	}
	if (line != NULL)
		OPENSSL_cleanse(line, cap);
	free(line);
	fclose(f);
	return rc;
}

/* Whether 'user' is "SITE.DEVICE" of 'site' (NULL: of any site). */
static int
mqtt_store_of_site(const char *user, const char *site)
{
	size_t n;

	if (site == NULL)
		return strchr(user, '.') != NULL;
	n = strlen(site);
	return strncmp(user, site, n) == 0 && user[n] == '.';
}

int
mqtt_store_print(const struct mqtt_store *st, const char *collector,
                 const char *site, FILE *out)
{
	const struct mqtt_entry *c = NULL;
	size_t i;

	if (collector != NULL && (c = mqtt_store_find(st, collector)) != NULL)
		fprintf(out, "%s:%s\n", c->user, c->hash);
	for (i = 0; i < st->n; i++)
		if (&st->v[i] != c && mqtt_store_of_site(st->v[i].user, site))
			fprintf(out, "%s:%s\n", st->v[i].user, st->v[i].hash);
	return ferror(out) ? -1 : 0;
}

int
mqtt_file_replace(const char *path, const char *text, size_t len, unsigned mode)
{
	char tmp[4096];
	ssize_t w;
	size_t off = 0;
	int fd, saved;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
	if (fd < 0)
		return -1;
	/* The umask must not widen nor narrow what the caller asked for. */
	if (fchmod(fd, (mode_t)mode) != 0)
		goto fail_write;
	while (off < len) {
		if ((w = write(fd, text + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail_write;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail_write;
	if (close(fd) != 0) {
		fd = -1;
		goto fail_write;
	}
	if (rename(tmp, path) != 0) {
		fd = -1;
		goto fail_write;
	}
	return 0;

fail_write:
	saved = errno;
	if (fd >= 0)
		close(fd);
	(void)unlink(tmp);
	errno = saved;
	return -1;
}
