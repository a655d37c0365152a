/*
 * auth.h: the building blocks of sign-in (issue 9, docs/auth.md): role
 * names, password hashing, random secrets and their digests.
 *
 * Passwords are yescrypt hashes made by libxcrypt (crypt_gensalt_rn +
 * crypt_rn): salted and slow (about 0.15 s at the default cost on a small
 * PC), so a stolen database does not give the passwords away.  Session ids,
 * CSRF tokens and API tokens are 256 bits from getrandom(2) written as hex;
 * they are stored as their SHA-256, which needs no salt or slowness because
 * nobody can guess 256 random bits.  Every comparison of a secret runs in
 * constant time.
 */
#ifndef PANTAU_COLLECTOR_AUTH_H
#define PANTAU_COLLECTOR_AUTH_H

#include <stddef.h>

#define AUTH_NAME_MAX 32 /* user and token names */
#define AUTH_PASSWORD_MIN 8
#define AUTH_PASSWORD_MAX 256
#define AUTH_HASH_MAX 160  /* a crypt(3) string */
#define AUTH_SECRET_HEX 64 /* 256 random bits as hex */
#define AUTH_DIGEST_HEX 64 /* SHA-256 as hex */

/*
 * A user or token name: 1 to 32 of [A-Za-z0-9._-], starting with a letter
 * or digit (it appears in logs, the audit log and URLs).  1 valid, 0 not.
 */
int auth_name_valid(const char *s);

/* "admin", "technician", "secretary", "viewer" for one role bit; NULL else. */
const char *auth_role_name(unsigned role);

/* The role bit of a role name; 0, or -1 when unknown. */
int auth_role_parse(const char *s, unsigned *role);

/*
 * Length rules for a new password (8 to 256 bytes, no NUL or newline).
 * 0, or -1 with the reason in err.
 */
int auth_password_check(const char *pw, char *err, size_t errsz);

/*
 * Hashes 'pw' with yescrypt and a fresh random salt.  'cost' is
 * libxcrypt's count (0: its default; tests use 1 to run fast).  Writes the
 * crypt(3) string to out (AUTH_HASH_MAX + 1 bytes).  0, or -1.
 */
int auth_password_hash(const char *pw, unsigned long cost, char *out,
                       size_t outsz);

/*
 * 1 when 'pw' matches 'hash', 0 otherwise (also for a malformed hash).
 * With hash NULL it still spends the time of one verification against a
 * dummy hash and returns 0, so a name that does not exist answers as slowly
 * as a wrong password.  The final comparison runs in constant time.
 */
int auth_password_verify(const char *pw, const char *hash);

/* AUTH_SECRET_HEX hex digits from getrandom(2) and a NUL.  0, or -1. */
int auth_random_hex(char out[AUTH_SECRET_HEX + 1]);

/* The SHA-256 of 's' as lower-case hex and a NUL. */
void auth_digest_hex(const char *s, char out[AUTH_DIGEST_HEX + 1]);

/*
 * 1 when the strings are equal, comparing the bytes in constant time (the
 * lengths, which are public for hashes and tokens, are compared first).
 * NULL equals nothing.
 */
int auth_equal(const char *a, const char *b);

#endif
