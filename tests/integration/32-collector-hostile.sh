#!/bin/sh
# 32-collector-hostile: 1000 hostile messages (bad JSON, wrong version,
# "../" and over-long names in topics and payloads, wrong types, NaN and
# 1e999, unknown and missing fields, an empty and a 10 MB payload) are all
# rejected and counted by reason; samples from the future are refused; the
# collector stays up and still stores a good message; no file appears
# anywhere (inside or outside data_dir) and no database row is made.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"

start_mosquitto
start_collector

G="$T/gen"		# the test's own files
mkdir "$G"
good='"seq":1,"type":"pc","interval":60'
now=$(date +%s)

# gen FILE COUNT TEMPLATE: COUNT lines of TEMPLATE with %d = line number.
gen() {
	i=0
	: >"$1"
	while [ $i -lt "$2" ]; do
		printf "$3\n" "$i" "$i" >>"$1"
		i=$((i + 1))
	done
}
# pub TOPIC FILE: every line of FILE as one QoS 1 message.
pub() {
	mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -t "$1" -l <"$2" ||
		fail "mosquitto_pub -t $1"
}

topic=pantau/v1/asriloka/pc-01/metrics
long=$(printf 'a%.0s' $(seq 200))

# payloads on a valid topic
gen "$G/h1" 150 '{"v":1,"ts":%d, garbage %d'			# bad_json
gen "$G/h2" 50 '{"v":1,"ts":%d,'"$good"',"gauges":{"x%d":NaN},"counters":{}}'	# bad_json
gen "$G/h3" 50 '{"v":2,"ts":%d,'"$good"',"gauges":{"x%d":1},"counters":{}}'	# bad_version
gen "$G/h4" 50 '{"v":0,"ts":%d,'"$good"',"gauges":{"x%d":1},"counters":{}}'	# bad_version
gen "$G/h5" 50 '{"v":1,"ts":"yesterday %d","seq":1,"type":"pc","interval":60,"gauges":{"x%d":1},"counters":{}}'	# bad_type
gen "$G/h6" 25 '{"v":1,"ts":%d,"seq":1,"type":"toaster","interval":60,"gauges":{"x%d":1},"counters":{}}'	# bad_type
gen "$G/h7" 50 '{"v":1,"ts":%d,'"$good"',"gauges":{},"counters":{"c%d":-5}}'	# bad_type
gen "$G/h8" 100 '{"v":1,"ts":%d,'"$good"',"gauges":{"x%d":1e999},"counters":{}}'	# not_finite
gen "$G/h9" 25 '{"v":1,"ts":%d,'"$good"',"gauges":{"../x%d":1},"counters":{}}'	# bad_name
gen "$G/h10" 25 '{"v":1,"ts":%d,'"$good"',"gauges":{"a/b%d":1},"counters":{}}'	# bad_name
gen "$G/h11" 25 '{"v":1,"ts":%d,'"$good"',"gauges":{"'"$long"'%d":1},"counters":{}}'	# bad_name
gen "$G/h12" 25 '{"v":1,"ts":%d,'"$good"',"gauges":{"CPU.Util%d":1},"counters":{}}'	# bad_name
gen "$G/h13" 50 '{"v":1,"seq":%d,"type":"pc","interval":60,"gauges":{"x%d":1},"counters":{}}'	# missing_field
gen "$G/h14" 50 '{"v":1,"ts":%d,'"$good"',"gauges":{"x%d":1},"counters":{},"x":1}'	# unknown_field
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do
	pub "$topic" "$G/h$i"
done
# status and events with bad values
gen "$G/s1" 25 '{"v":1,"state":"exploded %d","ts":%d}'		# bad_type
pub pantau/v1/asriloka/pc-01/status "$G/s1"
# an empty payload and one of 10 MB
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -t "$topic" -n ||
	fail "empty"						# bad_json
head -c 10485760 /dev/zero | tr '\0' 'x' >"$G/big"
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -t "$topic" -f "$G/big" ||
	fail "10 MB"						# too_large
rm -f "$G/big"

# hostile topics, with a good payload
"$WIRE_TOOL" encode-metrics --site asriloka --device pc-01 --ts $T0 \
	--seq 1 --type pc --interval 60 gauge:cpu.util=1 >"$G/good1"
for i in $(seq 25); do cat "$G/good1"; done >"$G/g"
for t in 'pantau/v1/../etc/metrics' 'pantau/v1/asriloka/../metrics' \
    'pantau/v1/../../metrics' 'pantau/v1/..%2f../x/metrics' \
    "pantau/v1/$long/pc-01/metrics" "pantau/v1/asriloka/$long/metrics" \
    "pantau/v1/asriloka/$(printf 'd%.0s' $(seq 64))/metrics" \
    'pantau/v1/ASRILOKA/pc-01/metrics' 'pantau/v1/asriloka/pc-01/foo' \
    'pantau/v1/asriloka/pc-01/metrics/x'; do
	pub "$t" "$G/g"						# bad_topic
done

# 10 metrics stamped two days ahead: refused past the decoder
gen "$G/f" 10 '{"v":1,"ts":'$((now + 172800))',"seq":%d,"type":"pc","interval":60,"gauges":{"x%d":1},"counters":{}}'
pub "$topic" "$G/f"

wait_stat 30 'pantau_messages_rejected_total{reason="bad_topic"}' 250
wait_stat 10 'pantau_messages_rejected_total{reason="future_timestamp"}' 10
check() {
	got=$(cstat "pantau_messages_rejected_total{reason=\"$1\"}")
	[ "$got" = "$2" ] || fail "rejected $1: $got, expected $2"
}
check bad_json 201
check bad_version 100
check bad_type 150
check not_finite 100
check bad_name 100
check missing_field 50
check unknown_field 50
check too_large 1
check bad_topic 250
check duplicate 0
total=$(awk '/^pantau_messages_rejected_total/ && !/future/ { n += $2 }
	END { print n }' "$DATA/pantau-collector.prom")
[ "$total" = 1002 ] || fail "rejected in all: $total, expected 1002"
[ "$(cstat pantau_samples_received_total)" = 0 ] || fail "samples accepted"
[ "$(cstat pantau_rrd_creates_total)" = 0 ] || fail "files created"
kill -0 "$COLLECTOR_PID" || fail "the collector died"

# Nothing was made: no file anywhere in $T but the logs and counters, the
# disk-full reserve the collector keeps from its start (diskfull.c), no RRD,
# no journal record, no device row.
find "$T" -path "$T/mosquitto" -prune -o -path "$G" -prune -o -type f \
	! -name '*.log' ! -name 'pantau-collector.prom' ! -name 'pantau.db*' \
	! -path "$DATA/.reserve" \
	! -name 'collector.conf' ! -name '*.mark' -print >"$G/extra"
[ -s "$G/extra" ] && fail "files made: $(cat "$G/extra")"
[ -z "$(find "$DATA/rrd" -mindepth 1)" ] || fail "rrd/ is not empty"
[ "$(sqlite3 "$DATA/pantau.db" 'SELECT count(*) FROM devices')" = 0 ] ||
	fail "a device row was made"

# Still up and still storing.
pub_metrics asriloka pc-01 $T0 1 gauge:cpu.util=17.5
wait_stat 20 pantau_samples_written_total 1
[ "$(rrd_last "$DATA/rrd/asriloka/pc-01/cpu.util.rrd")" = "$T0 17.5" ] ||
	fail "good message after the flood"
grep -c 'ingest: rejected' "$T/collector.log" >"$G/nlines"
[ "$(cat "$G/nlines")" -le 20 ] ||
	fail "$(cat "$G/nlines") log lines for 1012 rejections: flooding"
stop_collector
pass "1002 hostile messages rejected by reason, 10 from the future, nothing made"
