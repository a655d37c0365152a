#!/bin/sh
# 01-mqtt-roundtrip: messages encoded by common/ (through wire-tool) cross a
# real mosquitto with QoS 1 and decode back to exactly what was sent; a
# hostile payload crosses too and is refused with its reason.  The
# subscriber uses a persistent session and is offline while the messages
# are published, as the collector may be (DESIGN.md section 5).
. "$top_srcdir/tests/integration/lib.sh"

WT="$top_builddir/tests/tools/wire-tool"
FIX="$top_srcdir/tests/fixtures/wire"
[ -x "$WT" ] || fail "no $WT (make check builds it)"

start_mosquitto
sub() {
	mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -c -i pantau-test-01 \
		-t 'pantau/v1/#' "$@"
}

# The subscriber's session exists before anything is published.
sub -E || fail "cannot subscribe"

metrics=$("$WT" encode-metrics --site asriloka --device pc-01 \
	--ts 1764345600 --seq 1842 --type pc --interval 60 \
	gauge:cpu.util=12.5 gauge:mem.used_pct=43.1 gauge:fs.root.used_pct=71 \
	counter:net.eth0.rx_bytes=9812345123 counter:uptime.seconds=86400) \
	|| fail "encode-metrics failed"
want='{"v":1,"ts":1764345600,"seq":1842,"type":"pc","interval":60,"gauges":{"cpu.util":12.5,"mem.used_pct":43.1,"fs.root.used_pct":71},"counters":{"net.eth0.rx_bytes":9812345123,"uptime.seconds":86400}}'
[ "$metrics" = "$want" ] || fail "encoded metrics: $metrics"
mtopic=$("$WT" encode-metrics --site asriloka --device pc-01 --ts 1 \
	--seq 1 --topic) || fail "encode-metrics --topic failed"
[ "$mtopic" = pantau/v1/asriloka/pc-01/metrics ] || fail "topic: $mtopic"

status=$("$WT" encode-status --ts 1764345600 --state online) \
	|| fail "encode-status failed"
event=$("$WT" encode-event --ts 1764345660 --code printer.jam \
	--severity critical --state raised --text 'Kertas macet di "tray 2"') \
	|| fail "encode-event failed"
inventory=$(cat "$FIX/inventory-pc.json")

pub() {
	mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -t "$1" -m "$2" \
		|| fail "publish to $1 failed"
}
pub "$mtopic" "$metrics"
pub pantau/v1/asriloka/pc-01/status "$status"
pub pantau/v1/asriloka/printer-lobby/events "$event"
pub pantau/v1/asriloka/pc-01/inventory "$inventory"
pub pantau/v1/asriloka/printer-lobby/metrics \
	"$(cat "$FIX/metrics-hostile-name.json")"
pub pantau/v1/asriloka/pc-02/metrics "$(cat "$FIX/metrics-not-finite.json")"

# Everything was queued for the offline session; fetch it in order.
sub -v -C 6 -W 10 >"$T/received" || fail "did not receive 6 messages"
[ "$(wc -l <"$T/received")" -eq 6 ] || fail "received: $(cat "$T/received")"

# Each line is "TOPIC PAYLOAD": check the topic, decode the payload.
n=0
while IFS= read -r line; do
	n=$((n + 1))
	topic=${line%% *}
	payload=${line#* }
	parsed=$("$WT" topic "$topic") || fail "topic $topic: $parsed"
	channel=${parsed##* }
	got=$(printf '%s' "$payload" | "$WT" decode "$channel")
	rc=$?
	case $n in
	1) expect=$metrics; erc=0 ;;
	2) expect=$status; erc=0 ;;
	3) expect=$event; erc=0 ;;
	4) expect=$inventory; erc=0 ;;
	5) expect="bad_name: gauges: bad name '../../etc/passwd'"; erc=1 ;;
	6) expect='not_finite: gauges.cpu.util: not finite'; erc=1 ;;
	esac
	[ "$rc" -eq "$erc" ] || fail "message $n: exit $rc, want $erc: $got"
	[ "$got" = "$expect" ] || fail "message $n ($topic):
got:  $got
want: $expect"
	note "message $n on $topic: ok"
done <"$T/received"
[ $n -eq 6 ] || fail "read $n messages"

# The broker is stopped by lib.sh's cleanup, also when a check fails.
pass "6 messages round-tripped through mosquitto on port $MQTT_PORT"
