/*
 * http-routes.c: prints http.c's route table, one route a line:
 *
 *   METHOD PATTERN ROLES
 *
 * ROLES is "public" or the role names joined by ','.  The sign-in test
 * (tests/integration/110-auth-routes.sh) walks this list, so a route added
 * to http.c is checked for 401 and 403 without anyone editing the test.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "collector/api.h"
#include "collector/auth.h"

int
main(void)
{
	const struct http_route *r = NULL;
	const unsigned bits[] = {ROLE_ADMIN, ROLE_TECHNICIAN, ROLE_SECRETARY,
	                         ROLE_VIEWER};
	char roles[64];
	size_t n = 0, i, b, len;

	r = http_route_table(&n);
	for (i = 0; i < n; i++) {
		roles[0] = '\0';
		for (b = 0; b < sizeof bits / sizeof bits[0]; b++) {
			if ((r[i].roles & bits[b]) == 0)
				continue;
			len = strlen(roles);
			snprintf(roles + len, sizeof roles - len, "%s%s",
			         len ? "," : "", auth_role_name(bits[b]));
		}
		printf("%s %s %s\n", r[i].method, r[i].pattern,
		       r[i].roles == HTTP_PUBLIC ? "public" : roles);
	}
	return 0;
}
