#!/bin/sh
# 22-agent-kill.sh: the agent is killed with SIGKILL while the broker is
# away, and restarted on the same spool; nothing is lost.  Every seq from
# the first to the last arrives at least once, first arrivals in seq order,
# and seq goes on from where the killed agent stopped (no reuse: a seq is
# never given to two different rounds).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/agent-lib.sh"

start_mosquitto
sub_start sub
agent_conf "$T/agent.conf"
agent_start agent "$T/agent.conf"
wait_for 20 sh -c "[ \$(grep -c '/metrics ' '$T/sub.log') -ge 3 ]" ||
	fail "no metrics before the outage"

stop "$MQTT_PID" TERM
before=$(max_seq "$T/sub.log")
sleep 6
stop "$AGENT_PID" KILL
note "agent killed during the outage (last seq seen $before)"
agent_start agent2 "$T/agent.conf"
sleep 6
restart_mosquitto

want=$((before + 12))
wait_for 30 sh -c "[ \$(grep -c '/metrics ' '$T/sub.log') -ge $want ]" ||
	fail "only $(metrics_count "$T/sub.log") metrics, want $want"
res=$(check_seqs "$T/sub.log" 1) || fail "seq check: $res"

# Rounds of both agents: the killed one's spool went out with the new one.
python3 - "$T/sub.log" <<'EOF2' || fail "ts/seq across the restart"
import json, sys
ts = {}
for l in open(sys.argv[1]):
    if l.startswith("pantau/v1/asriloka/pc-01/metrics "):
        m = json.loads(l.split(" ", 1)[1])
        ts.setdefault(m["seq"], set()).add(m["ts"])
# A seq reused after the restart would show two different time stamps.
bad = {s: t for s, t in ts.items() if len(t) > 1}
assert not bad, bad
EOF2
stop "$AGENT_PID" TERM
pass "SIGKILL during the outage: $res (distinct, duplicates), nothing lost"
