# collector/auth.mk: sign-in, roles, sessions, tokens, audit log (issue 9).
#
# collector/libauth.a: the audit log (audit.c), and the sign-in parts as
# they land.  Linked into pantau-collector, pantauctl and every test that
# links $(COLLECTOR_LIBS) through COLLECTOR_MODULE_LIBS.
noinst_LIBRARIES += collector/libauth.a
collector_libauth_a_SOURCES = \
	collector/audit.c collector/audit.h
collector_libauth_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(CJSON_CFLAGS) \
	$(MHD_CFLAGS) $(CRYPT_CFLAGS) $(CRYPTO_CFLAGS)
COLLECTOR_MODULE_LIBS += collector/libauth.a
COLLECTOR_MODULE_EXT_LIBS += $(CRYPT_LIBS) $(CRYPTO_LIBS)
