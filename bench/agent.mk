# bench/agent.mk: the agent's benchmark against collectd (issue 3).
