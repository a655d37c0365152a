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
	collector/notify_attach.c \
	collector/notify_mail.c \
	collector/notify_send.c \
	collector/notify_exec.c \
	collector/notify_store.c
collector_libnotify_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(CJSON_CFLAGS)
COLLECTOR_MODULE_LIBS += collector/libnotify.a
COLLECTOR_MODULE_EXT_LIBS += $(CURL_LIBS) $(CJSON_LIBS)

NOTIFY_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CURL_CFLAGS) \
	$(CJSON_CFLAGS)

# Unit tests: the configuration through config_load(); cleaning, the mail
# message, the JSON, the environment of commands, the queue file.
check_PROGRAMS += tests/unit/check_notify tests/unit/check_notify_config
TESTS += tests/unit/check_notify tests/unit/check_notify_config
tests_unit_check_notify_SOURCES = tests/unit/check_notify.c
tests_unit_check_notify_CFLAGS = $(NOTIFY_TEST_CFLAGS)
tests_unit_check_notify_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)
tests_unit_check_notify_config_SOURCES = tests/unit/check_notify_config.c
tests_unit_check_notify_config_CFLAGS = $(NOTIFY_TEST_CFLAGS)
tests_unit_check_notify_config_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)

# The driver of the integration tests: reads a collector configuration,
# submits the messages given as JSON arguments, waits for delivery.
check_PROGRAMS += tests/tools/notify-tool
tests_tools_notify_tool_SOURCES = tests/tools/notify-tool.c
tests_tools_notify_tool_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_tools_notify_tool_LDADD = $(COLLECTOR_LIBS)

# Integration: real listeners on 127.0.0.1 (a Python HTTP server, aiosmtpd).
notify_test_scripts = \
	tests/integration/90-notify-webhook.sh \
	tests/integration/91-notify-retry.sh \
	tests/integration/92-notify-email.sh \
	tests/integration/93-notify-exec.sh \
	tests/integration/94-notify-limits.sh \
	tests/integration/95-notify-report.sh
TESTS += $(notify_test_scripts)
EXTRA_DIST += $(notify_test_scripts) tests/integration/notify-lib.sh \
	tests/integration/webhook-sink.py tests/integration/smtp-sink.py \
	docs/notify.md
