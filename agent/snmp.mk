# agent/snmp.mk: SNMP polling of printers, switches and PCs (issue 4).
# The engine (snmp_poll.c: one thread, net-snmp's async single-session
# API), the store of fetched variables, the pure decoders, and one builder
# per kind of device; agent/poll.h is the contract with the core.
noinst_LIBRARIES += agent/libsnmppoll.a
agent_libsnmppoll_a_SOURCES = \
	agent/poll.h agent/snmp_priv.h agent/snmp_dev.h \
	agent/snmp_poll.c \
	agent/snmp_dev.c \
	agent/snmp_store.c \
	agent/snmp_decode.c \
	agent/snmp_out.c \
	agent/dev_printer.c \
	agent/dev_switch.c \
	agent/dev_pc_snmp.c
agent_libsnmppoll_a_CFLAGS = $(AM_CFLAGS) $(NETSNMP_CFLAGS) $(CJSON_CFLAGS) \
	-pthread
# What a program linking agent/libsnmppoll.a needs besides it.
SNMP_POLL_LIBS = agent/libsnmppoll.a $(NETSNMP_LIBS) $(COMMON_LIBS) -lpthread

# A driver that runs the poller over a config's [device] sections and
# prints each round (the integration tests read its output).
check_PROGRAMS += tests/tools/snmp-poll-tool
tests_tools_snmp_poll_tool_SOURCES = tests/tools/snmp-poll-tool.c
tests_tools_snmp_poll_tool_CFLAGS = $(AM_CFLAGS) $(MOSQ_CFLAGS)
tests_tools_snmp_poll_tool_LDADD = agent/libagent-core.a $(SNMP_POLL_LIBS) \
	$(MOSQ_LIBS)

# Unit tests: the decoders (tables), and the builders over recorded
# snmpsim data files (tests/fixtures/snmpsim/).
check_PROGRAMS += tests/unit/check_snmp_decode tests/unit/check_snmp_devices
TESTS += tests/unit/check_snmp_decode tests/unit/check_snmp_devices
SNMP_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CJSON_CFLAGS) \
	-DFIXTURES='"$(abs_top_srcdir)/tests/fixtures"'
tests_unit_check_snmp_decode_SOURCES = tests/unit/check_snmp_decode.c
tests_unit_check_snmp_decode_CFLAGS = $(SNMP_TEST_CFLAGS)
tests_unit_check_snmp_decode_LDADD = $(SNMP_POLL_LIBS) $(CHECK_LIBS)
tests_unit_check_snmp_devices_SOURCES = tests/unit/check_snmp_devices.c
tests_unit_check_snmp_devices_CFLAGS = $(SNMP_TEST_CFLAGS)
tests_unit_check_snmp_devices_LDADD = $(SNMP_POLL_LIBS) $(CHECK_LIBS)

# Integration: snmpsim serving the fixtures; snmpd with SNMPv3 users.
snmp_test_scripts = \
	tests/integration/50-snmp-snmpsim.sh \
	tests/integration/51-snmp-snmpd-v3.sh
TESTS += $(snmp_test_scripts)
EXTRA_DIST += $(snmp_test_scripts) tests/integration/50-snmp-snmpsim.expected \
	tests/integration/lib.sh tests/fixtures/snmpsim docs/snmp.md
