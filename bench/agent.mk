# bench/agent.mk: the agent's benchmark against collectd (issue 3).
# bench/10-agent-round.sh drives it (bench/run _build 10-agent); collectd's
# side is bench/agent/collectd.conf.in.  rss-floor is built with the tree
# but never installed: the RSS of a program linked like the agent that
# does nothing, the part of the agent's memory its code cannot change.
noinst_PROGRAMS += bench/agent/rss-floor
bench_agent_rss_floor_SOURCES = bench/agent/rss-floor.c
bench_agent_rss_floor_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS) $(INIH_CFLAGS) \
	$(MOSQ_CFLAGS) $(NETSNMP_CFLAGS)
bench_agent_rss_floor_LDADD = $(CJSON_LIBS) $(INIH_LIBS) $(MOSQ_LIBS) \
	$(NETSNMP_LIBS) -lm
EXTRA_DIST += bench/10-agent-round.sh bench/agent/collectd.conf.in docs/bench.md
