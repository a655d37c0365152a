# agent/link.mk: the internet link as the PC sees it (issue 14): latency,
# loss and reachability of the default gateway and configured targets, and
# DNS lookups through the resolvers (agent/link.h, docs/link.md).  The code
# joins the agent's core library (config.c and agent.c call it), so every
# program and test that links the core resolves it.
agent_libagent_core_a_SOURCES += \
	agent/link.h \
	agent/link_config.c \
	agent/link_names.c \
	agent/link_probe.c \
	agent/link_poll.c \
	agent/link_agent.c

# Unit tests: the [link] section, statistics, metric parts, the gateway and
# resolvers read from captured files, metrics of a round, and a round of
# real probes on loopback (TCP; ICMP where ping sockets are allowed).
check_PROGRAMS += tests/unit/check_link
TESTS += tests/unit/check_link
tests_unit_check_link_SOURCES = tests/unit/check_link.c
tests_unit_check_link_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_link_LDADD = $(AGENT_CORE_LIBS) $(CHECK_LIBS)

# In network namespaces (root only, else skipped): a router, targets behind
# it with added delay and loss (tc netem, or the userspace impairer where
# the kernel has no netem), dnsmasq as the resolver.
link_test_scripts = tests/integration/170-link-netns.sh
TESTS += $(link_test_scripts)
EXTRA_DIST += $(link_test_scripts) tests/integration/netns-lib.sh \
	tests/integration/netns-impair.py
dist_doc_DATA += docs/link.md
