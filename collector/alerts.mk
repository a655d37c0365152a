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
	collector/ticket.c collector/ticket.h \
	collector/ticket_store.h collector/ticket_edit.c
collector_libalerts_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(CJSON_CFLAGS)
COLLECTOR_MODULE_LIBS += collector/libalerts.a
