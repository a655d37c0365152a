#!/bin/sh
# 24-agent-signals.sh: SIGHUP and SIGTERM.
#  - a broken file on SIGHUP is refused with FILE:LINE errors in the log and
#    the agent goes on with the old configuration;
#  - a good file on SIGHUP is taken (the interval changes to 2 s);
#  - SIGTERM publishes the retained offline status itself, disconnects
#    cleanly (the broker does not fire the will) and exits 0.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/agent-lib.sh"

start_mosquitto
sub_start sub
agent_conf "$T/agent.conf"
agent_start agent "$T/agent.conf"
wait_for 20 sh -c "[ \$(grep -c '/metrics ' '$T/sub.log') -ge 2 ]" ||
	fail "no metrics"

# A broken edit: refused, nothing applied.
cp "$T/agent.conf" "$T/good.conf"
AGENT_INTERVAL=soon
agent_conf "$T/agent.conf" "" "colour = blue"
kill -HUP "$AGENT_PID"
wait_for 10 grep -q 'reload refused' "$T/agent.log" || fail "bad file not refused"
grep -q "agent.conf:4: interval: 'soon' is not a duration" "$T/agent.log" ||
	fail "no FILE:LINE error for the interval"
grep -q "agent.conf:7: unknown key 'colour' in section \[agent\]" \
	"$T/agent.log" || fail "no FILE:LINE error for the unknown key"
n=$(metrics_count "$T/sub.log")
wait_for 10 sh -c "[ \$(grep -c '/metrics ' '$T/sub.log') -ge $((n + 2)) ]" ||
	fail "the agent stopped publishing after a refused reload"
kill -0 "$AGENT_PID" || fail "the agent died on a bad reload"

# A good edit: interval 2.
AGENT_INTERVAL=2s
agent_conf "$T/agent.conf"
"$AGENT" -n -c "$T/agent.conf" >/dev/null || fail "test config is bad"
kill -HUP "$AGENT_PID"
wait_for 10 grep -q 'configuration reloaded' "$T/agent.log" ||
	fail "good file not reloaded"
wait_for 10 grep -q '"interval":2,' "$T/sub.log" ||
	fail "no metrics with interval 2 after the reload"
python3 - "$T/sub.log" <<'EOF2' || fail "interval-2 rounds"
import json, sys
ms = [json.loads(l.split(" ", 1)[1]) for l in open(sys.argv[1])
      if l.startswith("pantau/v1/asriloka/pc-01/metrics ")]
two = [m for m in ms if m["interval"] == 2]
assert all(m["ts"] % 2 == 0 for m in two), [m["ts"] for m in two]
seqs = [m["seq"] for m in ms]
assert seqs == list(range(1, len(ms) + 1)), seqs
EOF2

# SIGTERM: explicit offline, clean disconnect, exit 0.
kill -TERM "$AGENT_PID"
wait "$AGENT_PID"
status=$?
[ $status -eq 0 ] || fail "exit status $status after SIGTERM"
[ "$(retained_status)" = offline ] || fail "retained status is not offline"
grep -q 'Client pantau-agent-asriloka-pc-01 disconnected\.' "$T/mosquitto.log" ||
	fail "no clean disconnect in the broker log"
grep -q 'Client pantau-agent-asriloka-pc-01 closed its connection' \
	"$T/mosquitto.log" && fail "unclean disconnect"
grep -q 'disconnected from the broker' "$T/agent.log" ||
	fail "no disconnect line in the agent log"
pass "SIGHUP refused a bad file and took a good one; SIGTERM said offline"
