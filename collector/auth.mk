# collector/auth.mk: sign-in, roles, sessions, tokens, audit log (issue 9,
# docs/auth.md).
#
# collector/libauth.a, linked into pantau-collector, pantauctl and every
# test that links $(COLLECTOR_LIBS) through COLLECTOR_MODULE_LIBS.  The
# source list reads as the path of a request: building blocks (auth.c),
# rate limit, the tables (users, sessions, tokens, audit log), the verdict
# http.c asks for, the HTTP endpoints, pantauctl's commands.
noinst_LIBRARIES += collector/libauth.a
collector_libauth_a_SOURCES = \
	collector/auth.c collector/auth.h \
	collector/auth_limit.c collector/auth_limit.h \
	collector/user.c collector/user.h \
	collector/session.c collector/session.h \
	collector/auth_token.c collector/auth_token.h \
	collector/audit.c collector/audit.h \
	collector/auth_check.c collector/auth_check.h \
	collector/auth_api.c \
	collector/auth_ctl.c collector/auth_ctl.h
collector_libauth_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(CJSON_CFLAGS) \
	$(CRYPT_CFLAGS) $(CRYPTO_CFLAGS)
COLLECTOR_MODULE_LIBS += collector/libauth.a
COLLECTOR_MODULE_EXT_LIBS += $(CRYPT_LIBS) $(CRYPTO_LIBS)

EXTRA_DIST += docs/auth.md

# Unit tests: hashing, tokens, sessions, CSRF, rate limit, the verdict,
# the audit log, on a real SQLite file.
check_PROGRAMS += tests/unit/check_auth
TESTS += tests/unit/check_auth
tests_unit_check_auth_SOURCES = tests/unit/check_auth.c
tests_unit_check_auth_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SQLITE_CFLAGS)
tests_unit_check_auth_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)

# The route table printer the integration test walks.
check_PROGRAMS += tests/tools/http-routes
tests_tools_http_routes_SOURCES = tests/tools/http-routes.c
tests_tools_http_routes_LDADD = $(COLLECTOR_LIBS)

# Integration: a real collector, every route, sign-in, tokens, the limit.
auth_test_scripts = \
	tests/integration/110-auth-routes.sh \
	tests/integration/111-auth-login.sh \
	tests/integration/112-auth-tls.sh
TESTS += $(auth_test_scripts)
EXTRA_DIST += $(auth_test_scripts) tests/integration/auth-lib.sh
