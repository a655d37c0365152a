# dashboards/local.mk: the web UI served by the collector, graphs, browser tests (issue 9).
#
# collector/libdashboards.a: static files (static.c) and graphs (graph.c),
# linked into the collector through COLLECTOR_MODULE_LIBS.  The UI itself
# is plain files installed under $(pkgdatadir)/dashboards: no build step.
noinst_LIBRARIES += collector/libdashboards.a
collector_libdashboards_a_SOURCES = \
	collector/static.c collector/static.h \
	collector/graph.c collector/graph.h
collector_libdashboards_a_CFLAGS = $(AM_CFLAGS) $(RRD_CFLAGS)
COLLECTOR_MODULE_LIBS += collector/libdashboards.a
COLLECTOR_MODULE_EXT_LIBS += $(RRD_LIBS)

dashboardsdir = $(pkgdatadir)/dashboards
dist_dashboards_DATA = \
	dashboards/index.html \
	dashboards/app.css \
	dashboards/app.js
dashboardsjsdir = $(pkgdatadir)/dashboards/js
dist_dashboardsjs_DATA = \
	dashboards/js/api.js \
	dashboards/js/assets.js \
	dashboards/js/dom.js \
	dashboards/js/i18n.js \
	dashboards/js/monitor.js \
	dashboards/js/session.js \
	dashboards/js/work.js
dashboardsi18ndir = $(pkgdatadir)/dashboards/i18n
dist_dashboardsi18n_DATA = \
	dashboards/i18n/id.json \
	dashboards/i18n/en.json

EXTRA_DIST += docs/dashboards.md

# graph_parse_time() alone.
check_PROGRAMS += tests/unit/check_graph
TESTS += tests/unit/check_graph
tests_unit_check_graph_SOURCES = tests/unit/check_graph.c
tests_unit_check_graph_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_graph_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)

# Graph and static-file tests against a real collector, and the browser
# tests (tests/browser/, playwright-core driving Debian's chromium).
dashboards_test_scripts = \
	tests/integration/130-graph.sh \
	tests/integration/131-dashboards-static.sh \
	tests/integration/135-browser.sh
TESTS += $(dashboards_test_scripts)
EXTRA_DIST += $(dashboards_test_scripts) tests/integration/dash-lib.sh \
	tests/integration/lsan-graph.supp \
	tests/browser/package.json tests/browser/package-lock.json \
	tests/browser/dashboards.mjs

# The screenshots, and in a separate build tree the browser tests' copy
# with its node_modules (135-browser.sh installs it there when the source
# tree has none, as under make distcheck).
clean-local: clean-local-browser
clean-local-browser:
	-rm -rf tests/browser/artifacts
	-test "$(srcdir)" = . || rm -rf tests/browser/node_modules \
		tests/browser/package.json tests/browser/package-lock.json \
		tests/browser/dashboards.mjs
.PHONY: clean-local-browser

# The demo telecenter's data (tools/demo): snmpsim records of two printers
# and a switch, sample assets, PM plans.
EXTRA_DIST += tools/demo-data
