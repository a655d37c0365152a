# agent/: pantau-agent's core.  The source list reads as the data path:
# configuration, round timer, spool, publishing, then the running daemon
# (agent.c: the loop; round.c: the PC; emit.c: every message's way out).
# main.c only parses options and starts it; everything else is a
# convenience library the unit tests link.
noinst_LIBRARIES += agent/libagent-core.a
agent_libagent_core_a_SOURCES = \
	agent/agent.h \
	agent/config.c \
	agent/sched.c \
	agent/spool_priv.h \
	agent/spool.c \
	agent/spool_seg.c \
	agent/spool_state.c \
	agent/spool_full.c \
	agent/publish.c \
	agent/agent_priv.h \
	agent/agent.c \
	agent/round.c \
	agent/devices.c \
	agent/emit.c
agent_libagent_core_a_CFLAGS = $(AM_CFLAGS) $(MOSQ_CFLAGS)

AGENT_CORE_LIBS = agent/libagent-core.a $(COMMON_LIBS) $(MOSQ_LIBS)

sbin_PROGRAMS += agent/pantau-agent
agent_pantau_agent_SOURCES = agent/main.c
agent_pantau_agent_CFLAGS = $(AM_CFLAGS) $(MOSQ_CFLAGS)
agent_pantau_agent_LDADD = agent/libagent-core.a $(PC_LIBS) \
	$(SNMP_POLL_LIBS) $(PJLINK_LIBS) $(COMMON_LIBS) $(MOSQ_LIBS)
# Only the libraries the agent calls: it uses nothing of libm (which
# COMMON_LIBS names), and every library loaded costs RSS (docs/bench.md).
agent_pantau_agent_LDFLAGS = -Wl,--as-needed

dist_man_MANS += agent/pantau-agent.8 agent/pantau-agent.conf.5
# The unit names Debian's paths (/usr/sbin, /etc/pantau): packages install
# it; from a source build copy it and adjust ExecStart (docs/agent.md).
dist_doc_DATA += agent/pantau-agent.conf.example agent/pantau-agent.service \
	docs/agent.md

# Unit tests of the core.
check_PROGRAMS += tests/unit/check_spool tests/unit/check_agent_config \
	tests/unit/check_agent_sched tests/unit/check_agent_devices
TESTS += tests/unit/check_spool tests/unit/check_agent_config \
	tests/unit/check_agent_sched tests/unit/check_agent_devices
tests_unit_check_spool_SOURCES = tests/unit/check_spool.c
tests_unit_check_spool_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_spool_LDADD = $(AGENT_CORE_LIBS) $(CHECK_LIBS)
tests_unit_check_agent_config_SOURCES = tests/unit/check_agent_config.c
tests_unit_check_agent_config_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_agent_config_LDADD = $(AGENT_CORE_LIBS) $(CHECK_LIBS)
tests_unit_check_agent_sched_SOURCES = tests/unit/check_agent_sched.c
tests_unit_check_agent_sched_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_agent_sched_LDADD = $(AGENT_CORE_LIBS) $(CHECK_LIBS)
# devices.c against fake pollers defined in the test (not the real ones).
tests_unit_check_agent_devices_SOURCES = tests/unit/check_agent_devices.c
tests_unit_check_agent_devices_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_agent_devices_LDADD = $(AGENT_CORE_LIBS) $(CHECK_LIBS)

# Golden tests: pantau-agent -n on configuration files, output compared
# exactly; and the integration scripts with a real mosquitto.
agent_test_scripts = \
	tests/golden/check-agent-conf.sh \
	tests/integration/20-agent-publish.sh \
	tests/integration/21-agent-outage.sh \
	tests/integration/22-agent-kill.sh \
	tests/integration/23-agent-spool-full.sh \
	tests/integration/24-agent-signals.sh \
	tests/integration/25-agent-tls-auth.sh \
	tests/integration/26-agent-hung-broker.sh \
	tests/integration/27-agent-devices.sh
TESTS += $(agent_test_scripts)
EXTRA_DIST += $(agent_test_scripts) tests/golden/agent-conf \
	tests/integration/agent-lib.sh
