# collector/notify.mk: notifications: mail, webhook, exec (issue 7,
# docs/notify.md).
#
# collector/libnotify.a: the [notify NAME] configuration (called by
# config.c), the message rendering, the transports (libcurl, posix_spawn),
# the queues with their threads and their files under DATA/notify/.
# Linked into everything that links $(COLLECTOR_LIBS).
noinst_LIBRARIES += collector/libnotify.a
collector_libnotify_a_SOURCES = \
	collector/notify.c collector/notify.h \
	collector/notify_config.c collector/notify_config.h \
	collector/notify_priv.h \
	collector/notify_msg.c \
	collector/notify_mail.c \
	collector/notify_send.c \
	collector/notify_exec.c \
	collector/notify_store.c
collector_libnotify_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(CJSON_CFLAGS)
COLLECTOR_MODULE_LIBS += collector/libnotify.a
COLLECTOR_MODULE_EXT_LIBS += $(CURL_LIBS) $(CJSON_LIBS)

# Unit tests: the configuration through config_load().
check_PROGRAMS += tests/unit/check_notify_config
TESTS += tests/unit/check_notify_config
tests_unit_check_notify_config_SOURCES = tests/unit/check_notify_config.c
tests_unit_check_notify_config_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_notify_config_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)
