# bench/agent.mk: the agent's benchmark against collectd (issue 3).
# bench/10-agent-round.sh drives it (bench/run _build 10-agent); collectd's
# side is bench/agent/collectd.conf.in.  rss-floor is built with the tree
# but never installed: the RSS of a program linked like the agent that
# does nothing, the part of the agent's memory its code cannot change.
# rss-steps loads the same libraries one by one (dlopen) and prints the
# RSS after each: what every library costs by being loaded.
noinst_PROGRAMS += bench/agent/rss-floor bench/agent/rss-steps
bench_agent_rss_floor_SOURCES = bench/agent/rss-floor.c
bench_agent_rss_floor_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS) $(INIH_CFLAGS) \
	$(MOSQ_CFLAGS) $(NETSNMP_CFLAGS)
bench_agent_rss_floor_LDFLAGS = -Wl,--as-needed
bench_agent_rss_floor_LDADD = $(CJSON_LIBS) $(INIH_LIBS) $(MOSQ_LIBS) \
	$(NETSNMP_LIBS)
bench_agent_rss_steps_SOURCES = bench/agent/rss-steps.c
bench_agent_rss_steps_LDADD = -ldl
EXTRA_DIST += bench/10-agent-round.sh bench/agent/collectd.conf.in docs/bench.md

# The SNMP benchmark of issue 4 (bench/30-snmp-500.sh: pantau-agent,
# collectd's snmp plugin and net-snmp's tools over 500 simulated devices).
EXTRA_DIST += bench/30-snmp-500.sh bench/snmp/collectd.conf.in \
	bench/snmp/collectd-data.conf bench/snmp/snmprec2snmpd
