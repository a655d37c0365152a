#!/bin/sh
# 42-collector-presence-stale.sh: a device that stops sending metrics goes
# stale after 3 intervals, comes back online with its next message, turns
# unreachable when its proxying agent says so; the presence history in
# pantau.db holds every step, in order.
. "$top_srcdir/tests/integration/lib.sh"

COLLECTOR="$top_builddir/collector/pantau-collector"
[ -x "$COLLECTOR" ] || fail "$COLLECTOR not built"
get() { python3 "$top_srcdir/tests/integration/httpget.py" "$@"; }

start_mosquitto
HTTP_PORT=$(free_port)
API="http://127.0.0.1:$HTTP_PORT"
mkdir -p "$T/data"
cat >"$T/collector.conf" <<EOC
[collector]
data_dir = $T/data

[mqtt]
host = 127.0.0.1
port = $MQTT_PORT
client_id = pantau-test-stale

[http]
listen = 127.0.0.1:$HTTP_PORT
EOC
# the API needs sign-in (issue 9): a viewer token for httpget.py
PANTAU_TEST_TOKEN=$("$top_builddir/collector/pantauctl" -c "$T/collector.conf" \
	token create test --role viewer) || fail "pantauctl token create"
export PANTAU_TEST_TOKEN
spawn collector "$COLLECTOR" -d -c "$T/collector.conf"
wait_for 10 get "$API/healthz" || fail "collector HTTP did not come up"

topic=pantau/v1/asriloka/printer-lobby
seq=0
# One metrics message with interval $1: stale 3 intervals after it arrived.
publish_metrics() {
	seq=$((seq + 1))
	mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -t "$topic/metrics" \
		-m "{\"v\":1,\"ts\":$(date +%s),\"seq\":$seq,\"type\":\"printer\",\"interval\":$1,\"gauges\":{\"printer.status\":3},\"counters\":{\"printer.pages.total\":$((1000 + seq))}}" \
		|| fail "cannot publish"
}
state_is() {
	get "$API/api/v1/devices/asriloka/printer-lobby" \
		| grep -qF "\"state\":\"$1\""
}

# Interval 4 s: stale after 12 s, a window wide enough that a loaded
# machine (python3 start-up per poll) still sees the online state first.
publish_metrics 4
wait_for 10 state_is online || fail "not online"
wait_for 30 state_is stale || fail "not stale after 3 intervals"
# Back, now with a long interval, so it stays online for the rest.
publish_metrics 60
wait_for 10 state_is online || fail "not back online"
body=$(get "$API/api/v1/devices/asriloka/printer-lobby")
echo "$body" | grep -qF '"printer.pages.total":{"value":1002,' \
	|| fail "counter total not the newest: $body"
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -r -t "$topic/status" \
	-m "{\"v\":1,\"state\":\"unreachable\",\"ts\":$(date +%s)}" \
	|| fail "cannot publish status"
wait_for 10 state_is unreachable || fail "not unreachable"

# The history, read with the sqlite3 shell while the collector runs (WAL).
# A loaded machine may run the 1 s check late: "for 12 s" or "for 13 s".
hist=$(sqlite3 "$T/data/pantau.db" "SELECT p.state || ':' ||
	CASE WHEN p.cause LIKE 'no metrics for __ s' THEN 'silent' ELSE p.cause END
	|| ':' || (p.until IS NULL) FROM presence p
	JOIN devices d ON d.id = p.device_id
	WHERE d.name = 'printer-lobby' ORDER BY p.since, p.id" | tr '\n' ' ')
want="online:metrics:0 stale:silent:0 online:metrics:0 unreachable:status unreachable:1 "
[ "$hist" = "$want" ] || fail "history: '$hist', want '$want'"

pass "online, stale, online, unreachable, with history"
