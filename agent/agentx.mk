# agent/agentx.mk: PANTAU-MIB served as an AgentX subagent (issue 11,
# agent/agentx.h, docs/snmp-manager.md).
#
# The store the emit hooks fill links no net-snmp and goes into the core
# library (the unit tests link it); the subagent itself (agentx.c) is a
# library of its own linked into pantau-agent only, with net-snmp's agent
# library.  The agent links with --as-needed, so libnetsnmpmibs, which
# pkg-config names too, is not loaded.
agent_libagent_core_a_SOURCES += agent/agentx.h agent/agentx_priv.h \
	agent/agentx_store.c

noinst_LIBRARIES += agent/libagentx.a
agent_libagentx_a_SOURCES = agent/agentx.c
agent_libagentx_a_CFLAGS = $(AM_CFLAGS) $(NETSNMP_AGENT_CFLAGS)
AGENTX_LIBS = agent/libagentx.a $(NETSNMP_AGENT_LIBS)
agent_pantau_agent_LDADD += $(AGENTX_LIBS)

# Unit test of the store: hooks, units, value formatting.
check_PROGRAMS += tests/unit/check_agentx_store
TESTS += tests/unit/check_agentx_store
tests_unit_check_agentx_store_SOURCES = tests/unit/check_agentx_store.c
tests_unit_check_agentx_store_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_agentx_store_LDADD = $(AGENT_CORE_LIBS) $(CHECK_LIBS)

# A real snmpd as master, the agent as subagent, snmptrapd for the
# notifications.
agentx_test_scripts = tests/integration/140-agentx.sh
TESTS += $(agentx_test_scripts)
EXTRA_DIST += $(agentx_test_scripts) docs/snmp-manager.md
