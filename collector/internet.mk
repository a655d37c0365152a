# collector/internet.mk: the internet link of each site (issue 14,
# docs/internet.md).
#
# collector/libinternet.a: the derivation of a site's state from its
# agents' probes, the tracker ingest feeds, its table (schema
# 006-internet.sql, listed in db.mk), the site alerts through the alert
# engine, the availability report's internet tables and
# GET /api/v1/internet.  Linked into every program through
# COLLECTOR_MODULE_LIBS (collector/local.mk).
noinst_LIBRARIES += collector/libinternet.a
collector_libinternet_a_SOURCES = \
	collector/internet.h \
	collector/internet_config.c \
	collector/internet_derive.c \
	collector/internet.c \
	collector/internet_store.c \
	collector/alert_internet.c \
	collector/report_internet.c \
	collector/internet_api.c
collector_libinternet_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) \
	$(CJSON_CFLAGS)
# alert_internet.c calls the alert engine, whose library may come first
COLLECTOR_MODULE_LIBS += collector/libinternet.a collector/libalerts.a

# Unit tests: the derivation, table-driven (one PC's cable is not the
# ISP; every agent cut off is; a lossy majority degrades; stale agents do
# not count), and the tracker over a database (periods, gaps, restarts).
INTERNET_CHECKS = tests/unit/check_internet
check_PROGRAMS += $(INTERNET_CHECKS)
TESTS += $(INTERNET_CHECKS)
tests_unit_check_internet_SOURCES = tests/unit/check_internet.c
tests_unit_check_internet_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	$(SQLITE_CFLAGS) $(CJSON_CFLAGS)
tests_unit_check_internet_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)

# Integration: two agents of one site through mosquitto and the
# collector, an outage of 17 minutes in sample time, its alert, ticket,
# report rows and API entry.
internet_test_scripts = tests/integration/175-internet-outage.sh \
	tests/integration/176-internet-netns.sh
TESTS += $(internet_test_scripts)
EXTRA_DIST += $(internet_test_scripts) docs/internet.md
