/*
 * pjlink_proto.c: the PJLink protocol as pure functions (pjlink_proto.h).
 *
 * The parsers are strict about the shapes the spec gives (a power state is
 * one digit 0..3, ERST six digits 0..2, LAMP pairs of hours and 0/1) and
 * lenient about what projectors are known to vary in: the class digit of
 * an answer, the case of the command name, extra spaces between LAMP
 * fields.  Anything else leaves the value unknown rather than guessed, so
 * a confused projector yields absent metrics, never wrong ones.
 *
 * MD5 comes from libcrypto (OpenSSL), which the agent's process loads
 * anyway through net-snmp; the EVP interface is the one OpenSSL 3 does not
 * deprecate.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "agent/pjlink_proto.h"

static const struct {
	const char *name;
	int klass;
	bool inventory;
} pjlink_cmds[PJLINK_NCMDS] = {
    [PJLINK_CLSS] = {"CLSS", 1, false}, [PJLINK_POWR] = {"POWR", 1, false},
    [PJLINK_ERST] = {"ERST", 1, false}, [PJLINK_LAMP] = {"LAMP", 1, false},
    [PJLINK_FILT] = {"FILT", 2, false}, [PJLINK_NAME] = {"NAME", 1, true},
    [PJLINK_INF1] = {"INF1", 1, true},  [PJLINK_INF2] = {"INF2", 1, true},
    [PJLINK_INFO] = {"INFO", 1, true},  [PJLINK_SNUM] = {"SNUM", 2, true},
    [PJLINK_SVER] = {"SVER", 2, true},  [PJLINK_RLMP] = {"RLMP", 2, true},
    [PJLINK_RFIL] = {"RFIL", 2, true},
};

static const char *const pjlink_fail_names[PJLINK_NFAILS] = {
    "none",     "resolve", "connect",     "timeout",  "closed",
    "protocol", "auth",    "no_password", "internal",
};

static const char *const pjlink_erst_names[PJLINK_NERST] = {
    "fan", "lamp", "temp", "cover", "filter", "other",
};

static const char *const pjlink_resp_names[] = {
    [PJLINK_RESP_OK] = "OK",       [PJLINK_RESP_ERR1] = "ERR1",
    [PJLINK_RESP_ERR2] = "ERR2",   [PJLINK_RESP_ERR3] = "ERR3",
    [PJLINK_RESP_ERR4] = "ERR4",   [PJLINK_RESP_ERRA] = "ERRA",
    [PJLINK_RESP_OTHER] = "other", [PJLINK_RESP_BAD] = "malformed",
};

const char *
pjlink_cmd_name(enum pjlink_cmd c)
{
	return c < PJLINK_NCMDS ? pjlink_cmds[c].name : "?";
}

int
pjlink_cmd_class(enum pjlink_cmd c)
{
	return c < PJLINK_NCMDS ? pjlink_cmds[c].klass : 1;
}

bool
pjlink_cmd_inventory(enum pjlink_cmd c)
{
	return c < PJLINK_NCMDS && pjlink_cmds[c].inventory;
}

bool
pjlink_cmd_wanted(enum pjlink_cmd c, int klass, bool inventory)
{
	if (c >= PJLINK_NCMDS)
		return false;
	if (c == PJLINK_CLSS)
		return inventory || klass == 0;
	if (pjlink_cmds[c].inventory && !inventory)
		return false;
	return pjlink_cmds[c].klass <= 1 || klass >= 2;
}

const char *
pjlink_fail_name(enum pjlink_fail f)
{
	return f < PJLINK_NFAILS ? pjlink_fail_names[f] : "?";
}

const char *
pjlink_erst_name(enum pjlink_erst e)
{
	return e < PJLINK_NERST ? pjlink_erst_names[e] : "?";
}

const char *
pjlink_resp_name(enum pjlink_resp r)
{
	return r <= PJLINK_RESP_BAD ? pjlink_resp_names[r] : "?";
}

enum pjlink_greeting_kind
pjlink_greeting_parse(const char *line, char *random)
{
	const char *p;
	size_t n;

	if (strncmp(line, "PJLINK ", 7) != 0)
		return PJLINK_GREET_BAD;
	p = line + 7;
	if (strcmp(p, "ERRA") == 0)
		return PJLINK_GREET_ERRA;
	if (strcmp(p, "0") == 0)
		return PJLINK_GREET_OPEN;
	if (strncmp(p, "1 ", 2) != 0)
		return PJLINK_GREET_BAD;
	p += 2;
	n = strlen(p);
	if (n == 0 || n > PJLINK_RANDOM_MAX)
		return PJLINK_GREET_BAD;
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)p[i]))
			return PJLINK_GREET_BAD;
	memcpy(random, p, n + 1);
	return PJLINK_GREET_AUTH;
}

int
pjlink_digest(const char *random, const char *password, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char buf[PJLINK_RANDOM_MAX + 64 + 1];
	int n, ok;

	out[0] = '\0';
	n = snprintf(buf, sizeof(buf), "%s%s", random, password);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	ok = EVP_Digest(buf, (size_t)n, md, &mdlen, EVP_md5(), NULL);
	/* The buffer held the password: do not leave it on the stack. */
	explicit_bzero(buf, sizeof(buf));
	if (ok != 1 || mdlen != PJLINK_DIGEST_LEN / 2)
		return -1;
	for (unsigned i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[PJLINK_DIGEST_LEN] = '\0';
	return 0;
}

int
pjlink_format(char *buf, size_t bufsz, const char *digest, enum pjlink_cmd c)
{
	int n;

	if (c >= PJLINK_NCMDS)
		return -1;
	n = snprintf(buf, bufsz, "%s%%%d%s ?\r", digest ? digest : "",
	             pjlink_cmds[c].klass, pjlink_cmds[c].name);
	if (n < 0 || (size_t)n >= bufsz)
		return -1;
	return n;
}

enum pjlink_resp
pjlink_response_parse(const char *line, enum pjlink_cmd c, char *data,
                      size_t datasz)
{
	const char *d;

	if (strcmp(line, "PJLINK ERRA") == 0)
		return PJLINK_RESP_ERRA;
	/* Our first query echoed back carries the digest: skip it. */
	if (strspn(line, "0123456789abcdef") == PJLINK_DIGEST_LEN &&
	    line[PJLINK_DIGEST_LEN] == '%')
		line += PJLINK_DIGEST_LEN;
	if (c >= PJLINK_NCMDS || line[0] != '%' ||
	    !isdigit((unsigned char)line[1]) || strlen(line) < 7 ||
	    (line[6] != '=' && line[6] != ' '))
		return PJLINK_RESP_BAD;
	for (int i = 2; i < 6; i++)
		if (!isalnum((unsigned char)line[i]))
			return PJLINK_RESP_BAD;
	/* A command line: our own query echoed by a serial bridge. */
	if (line[6] == ' ')
		return PJLINK_RESP_OTHER;
	if (strncasecmp(line + 2, pjlink_cmds[c].name, 4) != 0)
		return PJLINK_RESP_OTHER;
	d = line + 7;
	if (strncmp(d, "ERR", 3) == 0 && d[3] != '\0' && d[4] == '\0') {
		switch (d[3]) {
		case '1':
			return PJLINK_RESP_ERR1;
		case '2':
			return PJLINK_RESP_ERR2;
		case '3':
			return PJLINK_RESP_ERR3;
		case '4':
			return PJLINK_RESP_ERR4;
		case 'A':
			return PJLINK_RESP_ERRA;
		default:
			break;
		}
	}
	if (datasz > 0)
		snprintf(data, datasz, "%s", d);
	return PJLINK_RESP_OK;
}

/* A decimal number of 1..maxdigits digits, ending at *end. */
static int
pjlink_number(const char *s, int maxdigits, long *out, const char **end)
{
	long v = 0;
	int n = 0;

	while (isdigit((unsigned char)s[n])) {
		if (n == maxdigits)
			return -1;
		v = v * 10 + (s[n] - '0');
		n++;
	}
	if (n == 0)
		return -1;
	*out = v;
	*end = s + n;
	return 0;
}

int
pjlink_parse_power(const char *data, int *power)
{
	if (data[0] < '0' || data[0] > '3' || data[1] != '\0')
		return -1;
	*power = data[0] - '0';
	return 0;
}

int
pjlink_parse_erst(const char *data, signed char erst[6])
{
	if (strlen(data) != PJLINK_NERST)
		return -1;
	for (int i = 0; i < PJLINK_NERST; i++) {
		if (data[i] < '0' || data[i] > '2')
			return -1;
		erst[i] = (signed char)(data[i] - '0');
	}
	return 0;
}

int
pjlink_parse_lamps(const char *data, long *hours, signed char *on, int max,
                   int *n)
{
	const char *p = data;
	long h, o;
	int k = 0;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (k == max || pjlink_number(p, 5, &h, &p) != 0 || *p != ' ')
			return -1;
		while (*p == ' ')
			p++;
		if (pjlink_number(p, 1, &o, &p) != 0 || o > 1 ||
		    (*p != ' ' && *p != '\0'))
			return -1;
		hours[k] = h;
		on[k] = (signed char)o;
		k++;
	}
	if (k == 0)
		return -1;
	*n = k;
	return 0;
}

int
pjlink_parse_hours(const char *data, long *hours)
{
	const char *end;

	/* The spec says 0..99999; allow more digits than that, not more
	 * than a long holds. */
	if (pjlink_number(data, 9, hours, &end) != 0 || *end != '\0')
		return -1;
	return 0;
}

int
pjlink_parse_class(const char *data, int *klass)
{
	if (data[0] < '1' || data[0] > '9' || data[1] != '\0')
		return -1;
	*klass = data[0] - '0';
	return 0;
}

/* The length of the valid UTF-8 sequence at s (RFC 3629), or 0. */
static size_t
pjlink_utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

char *
pjlink_text_clean(const char *in, char *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	if (outsz == 0)
		return out;
	while (*s == ' ')
		s++;
	while (*s != '\0') {
		size_t n = pjlink_utf8_len(s);

		if (n == 0 || (n == 1 && (*s < 0x20 || *s == 0x7f))) {
			if (o + 1 >= outsz)
				break;
			out[o++] = '?';
			s++;
			continue;
		}
		if (o + n >= outsz)
			break;
		memcpy(out + o, s, n);
		o += n;
		s += n;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return out;
}

void
pjlink_status_init(struct pjlink_status *st)
{
	memset(st, 0, sizeof(*st));
	st->fail = PJLINK_FAIL_NONE;
	st->power = -1;
	memset(st->erst, -1, sizeof(st->erst));
	st->nlamps = -1;
	st->filter_hours = -1;
}

static char *
pjlink_status_text(struct pjlink_status *st, enum pjlink_cmd c)
{
	switch (c) {
	case PJLINK_NAME:
		return st->name;
	case PJLINK_INF1:
		return st->maker;
	case PJLINK_INF2:
		return st->model;
	case PJLINK_INFO:
		return st->info;
	case PJLINK_SNUM:
		return st->serial;
	case PJLINK_SVER:
		return st->version;
	case PJLINK_RLMP:
		return st->lamp_model;
	case PJLINK_RFIL:
		return st->filter_model;
	default:
		return NULL;
	}
}

int
pjlink_status_apply(struct pjlink_status *st, enum pjlink_cmd c,
                    enum pjlink_resp r, const char *data)
{
	signed char erst[PJLINK_NERST];
	char *text;
	int rc = 0;

	if (r == PJLINK_RESP_ERR1 && c == PJLINK_LAMP) {
		/* A lamp-less (laser) projector answers LAMP=ERR1. */
		st->nlamps = 0;
		return 0;
	}
	if (r != PJLINK_RESP_OK)
		return 0;
	switch (c) {
	case PJLINK_CLSS:
		rc = pjlink_parse_class(data, &st->klass);
		break;
	case PJLINK_POWR:
		rc = pjlink_parse_power(data, &st->power);
		break;
	case PJLINK_ERST:
		if ((rc = pjlink_parse_erst(data, erst)) == 0)
			memcpy(st->erst, erst, sizeof(erst));
		break;
	case PJLINK_LAMP:
		rc = pjlink_parse_lamps(data, st->lamp_hours, st->lamp_on,
		                        PJLINK_LAMPS_MAX, &st->nlamps);
		if (rc != 0)
			st->nlamps = -1;
		break;
	case PJLINK_FILT:
		rc = pjlink_parse_hours(data, &st->filter_hours);
		if (rc != 0)
			st->filter_hours = -1;
		break;
	default:
		if ((text = pjlink_status_text(st, c)) == NULL)
			return -1;
		pjlink_text_clean(data, text, PJLINK_TEXT_MAX);
		break;
	}
	return rc;
}
