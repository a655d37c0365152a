# collector/assets.mk: the asset register and preventive maintenance
# (issue 8, docs/assets.md, docs/pm.md).
#
# collector/libassets.a is linked into pantau-collector, pantauctl and
# every test linking $(COLLECTOR_LIBS) (collector/local.mk); its external
# library is libcsv (the CSV import).  Its tables are migration
# collector/schema/003-assets-pm.sql (db.mk).
noinst_LIBRARIES += collector/libassets.a
collector_libassets_a_SOURCES = \
	collector/asset.c collector/asset.h collector/asset_priv.h \
	collector/asset_db.c \
	collector/asset_suggest.c \
	collector/asset_csv.c collector/asset_csv.h \
	collector/asset_json.c \
	collector/asset_api.c \
	collector/asset_ctl.c collector/asset_ctl.h \
	collector/pm.c collector/pm.h \
	collector/pm_plan.c \
	collector/pm_json.c collector/pm_json.h \
	collector/pm_api.c \
	collector/pm_ctl.c
collector_libassets_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(CJSON_CFLAGS)
COLLECTOR_MODULE_LIBS += collector/libassets.a
COLLECTOR_MODULE_EXT_LIBS += $(CSV_LIBS) $(SQLITE_LIBS) $(CJSON_LIBS) -lm

ASSETS_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SQLITE_CFLAGS) \
	$(CJSON_CFLAGS) -DFIXTURES='"$(abs_top_srcdir)/tests/fixtures"'

# Unit tests: CSV import and export, book values, link suggestions, and
# the PM engine with injected time (ticket.c opens the tickets).
check_PROGRAMS += tests/unit/check_asset tests/unit/check_pm
TESTS += tests/unit/check_asset tests/unit/check_pm
tests_unit_check_asset_SOURCES = tests/unit/check_asset.c
tests_unit_check_asset_CFLAGS = $(ASSETS_TEST_CFLAGS)
tests_unit_check_asset_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)
tests_unit_check_pm_SOURCES = tests/unit/check_pm.c
tests_unit_check_pm_CFLAGS = $(ASSETS_TEST_CFLAGS)
tests_unit_check_pm_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)

# Integration: pantauctl over a database, and a collector with a real
# mosquitto receiving an inventory whose serial matches an asset.
assets_test_scripts = \
	tests/integration/100-asset-pantauctl.sh \
	tests/integration/101-asset-collector.sh
TESTS += $(assets_test_scripts)
EXTRA_DIST += $(assets_test_scripts) tests/fixtures/assets \
	docs/assets.md docs/pm.md
