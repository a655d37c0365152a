# collector/bridge.mk: a province of bridged site brokers (issue 13,
# docs/province.md): pantauctl site bridge-config, its tests, the bridge
# cut test, and the province benchmarks (bench/50-province.sh,
# bench/55-bridge-cut.sh, run by hand through bench/run).
noinst_LIBRARIES += collector/libsitectl.a
collector_libsitectl_a_SOURCES = collector/site_ctl.c collector/site_ctl.h
collector_libsitectl_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS)
COLLECTOR_MODULE_LIBS += collector/libsitectl.a

EXTRA_DIST += docs/province.md

check_PROGRAMS += tests/unit/check_site_ctl
TESTS += tests/unit/check_site_ctl
tests_unit_check_site_ctl_SOURCES = tests/unit/check_site_ctl.c
tests_unit_check_site_ctl_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_site_ctl_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)

bridge_test_scripts = tests/integration/160-bridge-cut.sh \
	tests/integration/161-bridge-tls.sh
TESTS += $(bridge_test_scripts)
EXTRA_DIST += $(bridge_test_scripts) tests/integration/bridge-lib.sh

# The province benchmark's publisher: many simulated devices at a paced
# interval, one MQTT connection each, in one poll loop.
noinst_PROGRAMS += bench/tools/site-pub
bench_tools_site_pub_SOURCES = bench/tools/site-pub.c
bench_tools_site_pub_CFLAGS = $(AM_CFLAGS) $(MOSQ_CFLAGS)
bench_tools_site_pub_LDADD = $(COMMON_LIBS) $(MOSQ_LIBS)
EXTRA_DIST += bench/50-province.sh bench/55-bridge-cut.sh
