# collector/alerts.mk: alerts and tickets (issue 7, docs/alerts.md,
# docs/tickets.md).
#
# collector/libalerts.a: the rule configuration ([rule NAME], [alerts]),
# the engine the ingest thread feeds, the alert and silence store, the
# ticket store, their HTTP endpoints and pantauctl commands.  Linked into
# every program through COLLECTOR_MODULE_LIBS (collector/local.mk).
noinst_LIBRARIES += collector/libalerts.a
collector_libalerts_a_SOURCES = \
	collector/alert.h collector/alert_priv.h collector/alert_engine.h \
	collector/alert_config.c \
	collector/alert.c \
	collector/alert_site.c \
	collector/alert_store.c \
	collector/alert_api.c \
	collector/alert_ctl.c \
	collector/ticket.c collector/ticket.h \
	collector/ticket_store.h collector/ticket_edit.c
collector_libalerts_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(CJSON_CFLAGS)
COLLECTOR_MODULE_LIBS += collector/libalerts.a

ALERTS_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SQLITE_CFLAGS) \
	$(CJSON_CFLAGS)
# The unit tests need the store and engine only, not the whole collector.
ALERTS_TEST_LIBS = collector/libalerts.a $(COLLECTOR_DB_LIBS) \
	$(COMMON_LIBS) $(CHECK_LIBS)

# Unit tests: the engine (table-driven: for, clear, flapping, silences,
# events, site outage, and its cost per sample) and the ticket store.
ALERTS_CHECKS = tests/unit/check_alert tests/unit/check_ticket
check_PROGRAMS += $(ALERTS_CHECKS)
TESTS += $(ALERTS_CHECKS)
tests_unit_check_alert_SOURCES = tests/unit/check_alert.c
tests_unit_check_alert_CFLAGS = $(ALERTS_TEST_CFLAGS)
tests_unit_check_alert_LDADD = $(ALERTS_TEST_LIBS)
tests_unit_check_ticket_SOURCES = tests/unit/check_ticket.c
tests_unit_check_ticket_CFLAGS = $(ALERTS_TEST_CFLAGS)
tests_unit_check_ticket_LDADD = $(ALERTS_TEST_LIBS)

# Integration: a real mosquitto and pantau-collector.
alerts_test_scripts = \
	tests/integration/80-alerts-threshold.sh \
	tests/integration/81-alerts-events.sh \
	tests/integration/82-alerts-site-outage.sh
TESTS += $(alerts_test_scripts)
EXTRA_DIST += $(alerts_test_scripts) docs/alerts.md docs/tickets.md
