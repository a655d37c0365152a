/*
 * names.c: validation and sanitization of the identities of DESIGN.md
 * section 4.
 *
 * Every check is a plain byte loop over a fixed ASCII alphabet: no locale,
 * no regex library, so a name that passes here means the same thing in
 * every process and can never carry '/', '.', '+', '#', a space or a byte
 * above 0x7f into a path, an SQL string or an MQTT topic.
 */
#include "config.h"

#include <string.h>

#include "common/names.h"

static int
names_is_lower_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool
name_id_valid(const char *s)
{
	size_t i;

	if (s == NULL || !names_is_lower_alnum((unsigned char)s[0]))
		return false;
	for (i = 1; s[i] != '\0'; i++) {
		if (i >= NAME_ID_MAX)
			return false;
		if (!names_is_lower_alnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return false;
	}
	return true;
}

bool
name_metric_valid(const char *s)
{
	size_t i, seglen = 0;
	int first = 1;

	if (s == NULL || s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i >= NAME_METRIC_MAX)
			return false;
		if (c == '.') {
			/* Empty segments ("a..b", ".a", "a.") are refused. */
			if (seglen == 0)
				return false;
			first = 0;
			seglen = 0;
			continue;
		}
		/* '-' may appear in instance parts, not in the first one. */
		if (names_is_lower_alnum(c) || c == '_' || (c == '-' && !first))
			seglen++;
		else
			return false;
	}
	return seglen > 0;
}

/*
 * The common core of the sanitizers: copies the label's ASCII letters
 * (lower-cased) and digits, turning each run of anything else into one
 * '_', without a leading or trailing '_', at most 'max' bytes.
 */
static int
names_squash(const char *label, char *out, size_t outsz, size_t max)
{
	size_t n = 0;
	int pending = 0;
	const char *p;

	if (out == NULL || outsz < 2) {
		if (out != NULL && outsz > 0)
			out[0] = '\0';
		return -1;
	}
	if (max > outsz - 1)
		max = outsz - 1;
	for (p = label != NULL ? label : ""; *p != '\0' && n < max; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!names_is_lower_alnum(c)) {
			pending = n > 0;
			continue;
		}
		if (pending) {
			if (n + 1 >= max)
				break;
			out[n++] = '_';
			pending = 0;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n > 0 ? (int)n : -1;
}

int
name_sanitize(const char *label, char *out, size_t outsz)
{
	return names_squash(label, out, outsz, NAME_PART_MAX);
}

int
name_mount_part(const char *mountpoint, char *out, size_t outsz)
{
	if (mountpoint != NULL && strcmp(mountpoint, "/") == 0) {
		if (out == NULL || outsz < sizeof("root")) {
			if (out != NULL && outsz > 0)
				out[0] = '\0';
			return -1;
		}
		memcpy(out, "root", sizeof("root"));
		return (int)strlen(out);
	}
	return names_squash(mountpoint, out, outsz, NAME_PART_MAX);
}

int
name_id_from_host(const char *host, char *out, size_t outsz)
{
	size_t n = 0, max;
	const char *p;

	if (out == NULL || outsz < 2 || host == NULL) {
		if (out != NULL && outsz > 0)
			out[0] = '\0';
		return -1;
	}
	max = outsz - 1 < NAME_ID_MAX ? outsz - 1 : NAME_ID_MAX;
	p = host;
	/* The id starts at the first letter or digit. */
	while (*p == '-' || *p == '_')
		p++;
	for (; *p != '\0' && *p != '.' && n < max; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!names_is_lower_alnum(c) && c != '_')
			c = '-';
		if (n == 0 && (c == '-' || c == '_'))
			continue;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	if (!name_id_valid(out)) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
