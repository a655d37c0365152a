# collector/sites.mk: the register of sites and the roll-up per regency
# (issue 13, docs/province.md).
#
# collector/libsites.a: [site NAME] checked and copied into the sites
# table, and GET /api/v1/sites with per-regency and province totals.  The
# reports' own roll-up is collector/report_rollup.c (reports.mk).
noinst_LIBRARIES += collector/libsites.a
collector_libsites_a_SOURCES = collector/site.c collector/site.h
collector_libsites_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(CJSON_CFLAGS) \
	$(MHD_CFLAGS)
COLLECTOR_MODULE_LIBS += collector/libsites.a

SITES_CHECKS = tests/unit/check_site
check_PROGRAMS += $(SITES_CHECKS)
TESTS += $(SITES_CHECKS) tests/integration/180-sites-rollup.sh
EXTRA_DIST += tests/integration/180-sites-rollup.sh
tests_unit_check_site_SOURCES = tests/unit/check_site.c
tests_unit_check_site_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	$(SQLITE_CFLAGS) $(CJSON_CFLAGS)
tests_unit_check_site_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)
