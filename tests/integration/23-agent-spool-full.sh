#!/bin/sh
# 23-agent-spool-full.sh: a spool of 16 KiB (a handful of rounds) and a
# 12 s outage.  The oldest rounds are dropped, never the newest: the seqs
# that arrive are everything up to the outage, one gap, then an unbroken
# run to the newest.  The drop is counted (agent.spool.dropped equals the
# size of the gap) and reported as an event once the broker is back
# (agent.spool_overflow raised, then cleared when the backlog is gone).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/agent-lib.sh"

start_mosquitto
sub_start sub
agent_conf "$T/agent.conf" "" "spool_max_mb = 16k"
agent_start agent "$T/agent.conf"
wait_for 20 sh -c "[ \$(grep -c '/metrics ' '$T/sub.log') -ge 3 ]" ||
	fail "no metrics before the outage"

stop "$MQTT_PID" TERM
sleep 12
restart_mosquitto

wait_for 30 grep -q '"code":"agent.spool_overflow".*"state":"cleared"' \
	"$T/sub.log" || fail "no cleared overflow event"
wait_for 10 sh -c "grep '/metrics ' '$T/sub.log' | tail -1 | grep -q '\"agent.spool.dropped\":[1-9]'" ||
	fail "agent.spool.dropped never went up"

python3 - "$T/sub.log" <<'EOF2' || fail "oldest-first drop"
import json, re, sys
seqs, events, last = set(), [], None
for l in open(sys.argv[1]):
    topic, _, payload = l.rstrip("\n").partition(" ")
    if topic == "pantau/v1/asriloka/pc-01/metrics":
        m = json.loads(payload)
        seqs.add(m["seq"])
        last = m
    elif topic == "pantau/v1/asriloka/pc-01/events":
        events.append(json.loads(payload))
missing = sorted(set(range(1, max(seqs) + 1)) - seqs)
assert missing, "nothing was dropped"
# One gap, and everything after it arrived: the oldest went first.
assert missing == list(range(missing[0], missing[-1] + 1)), missing
assert all(s in seqs for s in range(missing[-1] + 1, max(seqs) + 1))
dropped = last["counters"]["agent.spool.dropped"]
assert dropped == len(missing), (dropped, missing)
ov = [e for e in events if e["code"] == "agent.spool_overflow"]
assert [e["state"] for e in ov] == ["raised", "cleared"], ov
r = ov[0]
assert r["severity"] == "warning" and r["v"] == 1, r
n = int(re.search(r"dropped the (\d+) oldest", r["text"]).group(1))
assert n == len(missing), (r["text"], missing)
assert ov[1]["severity"] == "info", ov[1]
print("missing seqs %d..%d, counter %d" % (missing[0], missing[-1], dropped))
EOF2
grep -q 'warning: spool full' "$T/agent.log" || fail "no log line for the drop"
stop "$AGENT_PID" TERM
pass "full spool dropped the oldest rounds, counted and reported"
