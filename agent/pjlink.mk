# agent/pjlink.mk: PJLink polling of projectors (issue 4).
# The protocol as pure functions (pjlink_proto.c), a projector's rounds as
# metrics/events/inventory (dev_projector.c) and the poller thread with its
# non-blocking connections (pjlink.c); agent/poll.h is the contract with the
# core.  docs/pjlink.md describes it.
noinst_LIBRARIES += agent/libpjlink.a
agent_libpjlink_a_SOURCES = \
	agent/poll.h \
	agent/pjlink_proto.h agent/pjlink_proto.c \
	agent/dev_projector.h agent/dev_projector.c \
	agent/pjlink.c
agent_libpjlink_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
# MD5 for the PJLink digest comes from libcrypto (libssl-dev, which
# libsnmp-dev already depends on; libcrypto.pc has no cflags).
PJLINK_CRYPTO_LIBS = $(CRYPTO_LIBS)
# What a program linking agent/libpjlink.a needs besides it.
PJLINK_LIBS = agent/libpjlink.a $(COMMON_LIBS) $(PJLINK_CRYPTO_LIBS)

# Unit tests: greetings, digests, commands, responses, and the mapping of
# rounds to metrics, events, inventory and reachability.
check_PROGRAMS += tests/unit/check_pjlink
TESTS += tests/unit/check_pjlink
tests_unit_check_pjlink_SOURCES = tests/unit/check_pjlink.c
tests_unit_check_pjlink_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CJSON_CFLAGS)
tests_unit_check_pjlink_LDADD = $(PJLINK_LIBS) $(CHECK_LIBS)

# The poller from the shell, against the scripted projector
# (tests/tools/pjlink-fake), until the core runs it.
check_PROGRAMS += tests/tools/pjlink-poll-tool
tests_tools_pjlink_poll_tool_SOURCES = tests/tools/pjlink-poll-tool.c
tests_tools_pjlink_poll_tool_LDADD = $(PJLINK_LIBS)

pjlink_test_scripts = \
	tests/integration/60-pjlink-open.sh \
	tests/integration/61-pjlink-auth.sh \
	tests/integration/62-pjlink-unreachable.sh
TESTS += $(pjlink_test_scripts)
EXTRA_DIST += $(pjlink_test_scripts) tests/integration/lib.sh \
	tests/integration/pjlink-lib.sh tests/tools/pjlink-fake
dist_doc_DATA += docs/pjlink.md
