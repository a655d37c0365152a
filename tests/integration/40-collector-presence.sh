#!/bin/sh
# 40-collector-presence.sh: an agent's Last Will turns its device offline in
# /api/v1/devices (issue 5).
#
# A real mosquitto and pantau-collector; the "agent" is mosquitto_pub
# holding a connection open with a Last Will registered, publishing
# metrics read from a FIFO, and killed with SIGKILL so that only the
# broker can tell the collector it is gone.
. "$top_srcdir/tests/integration/lib.sh"

COLLECTOR="$top_builddir/collector/pantau-collector"
[ -x "$COLLECTOR" ] || fail "$COLLECTOR not built"
get() { python3 "$top_srcdir/tests/integration/httpget.py" "$@"; }

start_mosquitto
HTTP_PORT=$(free_port)
API="http://127.0.0.1:$HTTP_PORT"
mkdir -p "$T/data"
cat >"$T/collector.conf" <<EOF
[collector]
data_dir = $T/data
log_level = debug

[mqtt]
host = 127.0.0.1
port = $MQTT_PORT
client_id = pantau-test-presence

[http]
listen = 127.0.0.1:$HTTP_PORT
EOF
# the API needs sign-in (issue 9): a viewer token for httpget.py
PANTAU_TEST_TOKEN=$("$top_builddir/collector/pantauctl" -c "$T/collector.conf" \
	token create test --role viewer) || fail "pantauctl token create"
export PANTAU_TEST_TOKEN
spawn collector "$COLLECTOR" -d -c "$T/collector.conf"
wait_for 10 get "$API/healthz" || fail "collector HTTP did not come up"
[ "$(get "$API/healthz")" = ok ] || fail "/healthz is not ok"

topic=pantau/v1/asriloka/pc-01
now=$(date +%s)
ts=$((now / 60 * 60))

# The agent: online status (retained) and a connection with a Last Will.
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -r -t "$topic/status" \
	-m "{\"v\":1,\"state\":\"online\",\"ts\":$now}" \
	|| fail "cannot publish status"
mkfifo "$T/agent.in"
spawn agent sh -c "exec mosquitto_pub -h 127.0.0.1 -p $MQTT_PORT \
	-i fake-agent-pc-01 -q 1 -l -t $topic/metrics \
	--will-topic $topic/status \
	--will-payload '{\"v\":1,\"state\":\"offline\",\"ts\":$now}' \
	--will-retain --will-qos 1 <'$T/agent.in'"
AGENT_PID=$SPAWNED
exec 3>"$T/agent.in"
printf '%s\n' "{\"v\":1,\"ts\":$ts,\"seq\":1,\"type\":\"pc\",\"interval\":60,\"gauges\":{\"cpu.util\":12.5},\"counters\":{\"uptime.seconds\":86400}}" >&3

online='"site":"asriloka","device":"pc-01","type":"pc","state":"online"'
devices_have() {
	get "$API/api/v1/devices" | grep -qF "$1"
}
wait_for 10 devices_have "$online" \
	|| fail "pc-01 not online: $(get "$API/api/v1/devices")"

# The latest values made it, exactly.
detail=$(get "$API/api/v1/devices/asriloka/pc-01") \
	|| fail "no device detail"
echo "$detail" | grep -qF "\"gauges\":{\"cpu.util\":{\"value\":12.5,\"ts\":$ts}}" \
	|| fail "gauges wrong: $detail"
echo "$detail" | grep -qF "\"counters\":{\"uptime.seconds\":{\"value\":86400,\"ts\":$ts}}" \
	|| fail "counters wrong: $detail"

# The agent dies without a word: the broker sends its Last Will.
stop "$AGENT_PID" KILL
exec 3>&-
offline='"site":"asriloka","device":"pc-01","type":"pc","state":"offline"'
wait_for 10 devices_have "$offline" \
	|| fail "pc-01 not offline after its Last Will: $(get "$API/api/v1/devices")"
note "$(get "$API/api/v1/devices")"

# Bad names in the path are 404, never a query.
code=$(get --status "$API/api/v1/devices/..%2Fx/pc-01")
[ "$code" = 404 ] || fail "bad name answered $code"

pass "Last Will turned pc-01 offline"
