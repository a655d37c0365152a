# collector/: pantau-collector and pantauctl.  The source list reads as the
# ingest path: configuration, MQTT subscription, validation and dispatch,
# journal, write queue, RRD store, counters.  Everything but main.c and
# pantauctl.c is a convenience library the unit tests link; the database,
# presence and HTTP parts are in collector/libcollector-db.a (db.mk).
noinst_LIBRARIES += collector/libcollector.a
collector_libcollector_a_SOURCES = \
	collector/collector.h \
	collector/config.c \
	collector/subscribe.c \
	collector/ingest.c \
	collector/journal.c \
	collector/writeq.c \
	collector/rrdstore.c \
	collector/diskfull.c collector/diskfull.h \
	collector/stats.c collector/stats.h
collector_libcollector_a_CFLAGS = $(AM_CFLAGS) $(MOSQ_CFLAGS) $(RRD_CFLAGS)

# http.o (db.mk) calls stats.c and config.o calls http.o: the core library
# is named twice so a static link resolves both directions.
COLLECTOR_LIBS = collector/libcollector.a $(COLLECTOR_MODULE_LIBS) \
	$(COLLECTOR_DB_LIBS) $(CUPS_POLL_LIBS) collector/libcollector.a \
	$(COLLECTOR_MODULE_LIBS) $(COLLECTOR_DB_LIBS) $(COMMON_LIBS) \
	$(MOSQ_LIBS) $(RRD_LIBS) $(COLLECTOR_MODULE_EXT_LIBS)

sbin_PROGRAMS += collector/pantau-collector collector/pantauctl
collector_pantau_collector_SOURCES = collector/main.c
collector_pantau_collector_CFLAGS = $(AM_CFLAGS) $(MOSQ_CFLAGS)
collector_pantau_collector_LDADD = $(COLLECTOR_LIBS)
collector_pantauctl_SOURCES = collector/pantauctl.c
collector_pantauctl_LDADD = $(COLLECTOR_LIBS)

dist_man_MANS += collector/pantau-collector.8 collector/pantau-collector.conf.5 \
	collector/pantauctl.8
EXTRA_DIST += collector/pantau-collector.conf.example \
	collector/pantau-collector.service docs/collector.md

# Unit tests of the ingest path.
check_PROGRAMS += tests/unit/check_rrdstore tests/unit/check_journal \
	tests/unit/check_collector_config
TESTS += tests/unit/check_rrdstore tests/unit/check_journal \
	tests/unit/check_collector_config
tests_unit_check_rrdstore_SOURCES = tests/unit/check_rrdstore.c
tests_unit_check_rrdstore_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(RRD_CFLAGS)
tests_unit_check_rrdstore_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)
tests_unit_check_journal_SOURCES = tests/unit/check_journal.c
tests_unit_check_journal_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_journal_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)
tests_unit_check_collector_config_SOURCES = tests/unit/check_collector_config.c
tests_unit_check_collector_config_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	-DFIXTURES='"$(abs_top_srcdir)/tests/fixtures"'
tests_unit_check_collector_config_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)

# Golden tests (pantau-collector -n on configuration files, output compared
# exactly) and the integration scripts with a real mosquitto and rrdcached.
collector_test_scripts = \
	tests/golden/collector-conf/run.sh \
	tests/integration/30-collector-ingest.sh \
	tests/integration/31-collector-rrdcached.sh \
	tests/integration/32-collector-hostile.sh \
	tests/integration/33-collector-kill.sh \
	tests/integration/34-collector-signals.sh \
	tests/integration/35-collector-backpressure.sh \
	tests/integration/36-collector-broker-restart.sh
TESTS += $(collector_test_scripts)
# The golden files one by one: the directory would also ship the test logs
# a build directory leaves there.
EXTRA_DIST += $(collector_test_scripts) tests/integration/collector-lib.sh \
	tests/golden/collector-conf/bad-rules.conf \
	tests/golden/collector-conf/bad-rules.out \
	tests/golden/collector-conf/bad-sections.conf \
	tests/golden/collector-conf/bad-sections.out \
	tests/golden/collector-conf/bad-syntax.conf \
	tests/golden/collector-conf/bad-syntax.out \
	tests/golden/collector-conf/bad-three.conf \
	tests/golden/collector-conf/bad-three.out \
	tests/golden/collector-conf/bad-values.conf \
	tests/golden/collector-conf/bad-values.out \
	tests/golden/collector-conf/missing.out \
	tests/golden/collector-conf/mqtt.pass \
	tests/golden/collector-conf/ok-full.conf \
	tests/golden/collector-conf/ok-full.out \
	tests/golden/collector-conf/ok-minimal.conf \
	tests/golden/collector-conf/ok-minimal.out
