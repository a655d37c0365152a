/*
 * auth.c: role names, password hashes, random secrets (auth.h).
 */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "collector/api.h"
#include "collector/auth.h"
#include "common/log.h"

/*
 * A yescrypt hash at libxcrypt's default cost, of a password nobody is
 * told: verified against when the user does not exist, so that answer
 * takes as long as a wrong password.  Its result is never trusted.
 */
#define AUTH_DUMMY_HASH                                                        \
	"$y$j9T$eI94GGmV3iznf4Fpz9HtA0$5fDM53WvPxIImUfWspcgSCO8cMh."           \
	"XtRgTQfFgwZZtu7"

static const struct {
	unsigned role;
	const char *name;
} auth_roles[] = {
    {ROLE_ADMIN, "admin"},
    {ROLE_TECHNICIAN, "technician"},
    {ROLE_SECRETARY, "secretary"},
    {ROLE_VIEWER, "viewer"},
};

#define AUTH_NROLES (sizeof auth_roles / sizeof auth_roles[0])

int
auth_name_valid(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || strlen(s) > AUTH_NAME_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return 0;
	}
	return 1;
}

const char *
auth_role_name(unsigned role)
{
	size_t i;

	for (i = 0; i < AUTH_NROLES; i++)
		if (auth_roles[i].role == role)
			return auth_roles[i].name;
	return NULL;
}

int
auth_role_parse(const char *s, unsigned *role)
{
	size_t i;

	for (i = 0; s != NULL && i < AUTH_NROLES; i++)
		if (strcmp(auth_roles[i].name, s) == 0) {
			*role = auth_roles[i].role;
			return 0;
		}
	return -1;
}

int
auth_password_check(const char *pw, char *err, size_t errsz)
{
	size_t n = strlen(pw);

	if (n < AUTH_PASSWORD_MIN) {
		snprintf(err, errsz, "password too short (at least %d bytes)",
		         AUTH_PASSWORD_MIN);
		return -1;
	}
	if (n > AUTH_PASSWORD_MAX) {
		snprintf(err, errsz, "password too long (at most %d bytes)",
		         AUTH_PASSWORD_MAX);
		return -1;
	}
	if (strpbrk(pw, "\r\n") != NULL) {
		snprintf(err, errsz, "password contains a line break");
		return -1;
	}
	return 0;
}

int
auth_password_hash(const char *pw, unsigned long cost, char *out, size_t outsz)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *h;
	int rc = -1;

	/* NULL random bytes: libxcrypt reads the salt from getrandom itself */
	if (crypt_gensalt_rn("$y$", cost, NULL, 0, salt, sizeof salt) == NULL) {
		log_err("auth: crypt_gensalt: %s", strerror(errno));
		return -1;
	}
	/* struct crypt_data is 32 KiB: not for the HTTP thread's stack */
	if ((cd = calloc(1, sizeof *cd)) == NULL)
		return -1;
	if ((h = crypt_rn(pw, salt, cd, sizeof *cd)) == NULL ||
	    strlen(h) >= outsz) {
		log_err("auth: crypt: %s", strerror(errno));
		goto out;
	}
	snprintf(out, outsz, "%s", h);
	rc = 0;
out:
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return rc;
}

int
auth_password_verify(const char *pw, const char *hash)
{
	struct crypt_data *cd;
	const char *h;
	int ok = 0;

	if ((cd = calloc(1, sizeof *cd)) == NULL)
		return 0;
	h = crypt_rn(pw, hash != NULL ? hash : AUTH_DUMMY_HASH, cd, sizeof *cd);
	if (hash != NULL && h != NULL && h[0] == '$')
		ok = auth_equal(h, hash);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return ok;
}

static void
auth_hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

int
auth_random_hex(char out[AUTH_SECRET_HEX + 1])
{
	unsigned char b[AUTH_SECRET_HEX / 2];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof b) {
		n = getrandom(b + got, sizeof b - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_err("auth: getrandom: %s", strerror(errno));
			return -1;
		}
		got += (size_t)n;
	}
	auth_hex(b, sizeof b, out);
	explicit_bzero(b, sizeof b);
	return 0;
}

void
auth_digest_hex(const char *s, char out[AUTH_DIGEST_HEX + 1])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)s, strlen(s), md);
	auth_hex(md, sizeof md, out);
}

int
auth_equal(const char *a, const char *b)
{
	size_t n;

	if (a == NULL || b == NULL || (n = strlen(a)) != strlen(b))
		return 0;
	return CRYPTO_memcmp(a, b, n) == 0;
}
