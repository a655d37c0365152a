#!/bin/sh
# 35-collector-backpressure: with the smallest write queue (1000 samples), a
# burst of 400 messages of 50 samples fills it many times over.  The
# collector must pause reading (the queue's high-water mark reaches the
# limit but stays within one read burst of it) and still store every sample
# with its exact value: nothing acknowledged is dropped.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"

start_mosquitto
collector_conf "[rrd]
queue_max = 1000"
start_collector

N=400
python3 - "$T0" "$N" >"$T/burst" <<'EOF'
import json, sys
t0, n = int(sys.argv[1]), int(sys.argv[2])
base = t0 - n * 60
for i in range(n):
    print(json.dumps({"v": 1, "ts": base + i * 60, "seq": i + 1,
        "type": "pc", "interval": 60,
        "gauges": {"g%d" % k: i * 100 + k for k in range(50)},
        "counters": {}}, separators=(",", ":")))
EOF
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 \
	-t pantau/v1/lamongan/pc-09/metrics -l <"$T/burst" || fail "burst"
wait_stat 60 pantau_samples_written_total $((N * 50))

max=$(cstat pantau_write_queue_max)
[ "$max" -ge 1000 ] || fail "the queue never filled (max $max)"
# a full queue stops reading at once: at most one message past the limit
[ "$max" -le 1050 ] || fail "read on past a full queue (max $max)"
[ "$(cstat pantau_samples_skipped_total)" = 0 ] || fail "samples skipped"
[ "$(cstat pantau_rrd_errors_total)" = 0 ] || fail "rrd errors"

# every round of one series, exact
base=$((T0 - N * 60))
"${RRDTOOL:-rrdtool}" fetch "$DATA/rrd/lamongan/pc-09/g7.rrd" AVERAGE -r 60 \
	-s $((base - 60)) -e $((base + (N - 1) * 60)) |
	awk -F': *' -v base=$base -v n=$N '/^[0-9]+:/ {
		i = ($1 - base) / 60
		if (i >= 0 && i < n && $2 + 0 == i * 100 + 7) ok++
	} END { print ok + 0 }' >"$T/ok"
[ "$(cat "$T/ok")" = $N ] || fail "only $(cat "$T/ok") of $N rounds exact"
stop_collector
pass "queue peaked at $max of 1000; all $((N * 50)) samples exact"
