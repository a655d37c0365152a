# agent/agentx.mk: PANTAU-MIB served as an AgentX subagent (issue 11,
# agent/agentx.h, docs/snmp-manager.md).
#
# The store the emit hooks fill links no net-snmp and goes into the core
# library (the unit tests link it).  pantau-agent gets the entry points of
# agentx.h from agentx_load.c, which opens the subagent itself, a plug-in
# (pantau-agentx.so, agentx.c), only when [snmp] agentx is set:
# libnetsnmpagent pulls in libperl, libwrap, Kerberos and more, about
# 1.5 MiB of RSS for every agent if it were linked (agentx_mod.h).
agent_libagent_core_a_SOURCES += agent/agentx.h agent/agentx_priv.h \
	agent/agentx_store.c

noinst_LIBRARIES += agent/libagentx-load.a
agent_libagentx_load_a_SOURCES = agent/agentx_load.c agent/agentx_mod.h
agent_libagentx_load_a_CPPFLAGS = $(AM_CPPFLAGS) \
	-DAGENTX_MODULE_DIR='"$(agentxmoddir)"'
agent_pantau_agent_LDADD += agent/libagentx-load.a

# The plug-in: a shared object built as a program (no libtool here).
agentxmoddir = $(pkglibdir)
agentxmod_PROGRAMS = agent/pantau-agentx.so
agent_pantau_agentx_so_SOURCES = agent/agentx.c agent/agentx_mod.h
agent_pantau_agentx_so_CFLAGS = $(AM_CFLAGS) -fPIC $(NETSNMP_AGENT_CFLAGS)
agent_pantau_agentx_so_LDFLAGS = $(AM_LDFLAGS) -shared -Wl,--as-needed
agent_pantau_agentx_so_LDADD = $(NETSNMP_AGENT_LIBS)

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
