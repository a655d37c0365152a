#!/bin/sh
# 26-agent-hung-broker.sh: the broker hangs (SIGSTOP) instead of closing
# the connection, as a dead link or a frozen machine does.  The agent finds
# out through the MQTT keepalive (5 s here), logs it once, goes on sampling
# into its spool, and delivers everything once the broker runs again.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/agent-lib.sh"

start_mosquitto
sub_start sub
agent_conf "$T/agent.conf"
agent_start agent "$T/agent.conf"
wait_for 20 sh -c "[ \$(grep -c '/metrics ' '$T/sub.log') -ge 3 ]" ||
	fail "no metrics before the hang"

kill -STOP "$MQTT_PID"
wait_for 20 grep -q 'lost the broker .*no answer within the keepalive' \
	"$T/agent.log" || { kill -CONT "$MQTT_PID"; fail "hang not detected"; }
sleep 2
kill -CONT "$MQTT_PID"
before=$(max_seq "$T/sub.log")
wait_for 20 grep -q 'is back after' "$T/agent.log" || fail "never back"
want=$((before + 12))
wait_for 30 sh -c "[ \$(grep -c '/metrics ' '$T/sub.log') -ge $want ]" ||
	fail "only $(metrics_count "$T/sub.log") metrics, want $want"
res=$(check_seqs "$T/sub.log" 1) || fail "seq check: $res"
[ "$(grep -c 'warning: lost the broker' "$T/agent.log")" -eq 1 ] ||
	fail "the hang was not logged exactly once"
stop "$AGENT_PID" TERM
pass "hung broker found by keepalive: $res (distinct, duplicates)"
