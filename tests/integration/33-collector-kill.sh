#!/bin/sh
# 33-collector-kill: the collector is killed with SIGKILL while a publisher
# sends 300 rounds, and started again while it still sends.  Every round
# must be stored with its exact values: what the broker queued meanwhile
# arrives through the persistent session, and what the collector had
# acknowledged but not yet written comes back from its journal.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"

N=300
base=$((T0 - N * 60))
start_mosquitto
start_collector

# One line per round: 50 gauges g0..g49 = 100 i + k + 0.25 (python3 writes
# them: 300 runs of the sanitized wire-tool would take half a minute; the
# payload is checked against it below).  50 files per round keep the RRD
# writer busy, so the kill finds samples that were acknowledged but not yet
# written: only the journal can bring those back.
python3 - "$base" "$N" >"$T/rounds" <<'EOF'
import json, sys
base, n = int(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    print(json.dumps({"v": 1, "ts": base + i * 60, "seq": i + 1, "type": "pc",
        "interval": 60,
        "gauges": {"g%d" % k: i * 100 + k + 0.25 for k in range(50)},
        "counters": {}}, separators=(",", ":")))
EOF
head -1 "$T/rounds" | "$WIRE_TOOL" decode metrics >/dev/null ||
	fail "the generated payload is not valid"
[ "$(wc -l <"$T/rounds")" -eq $N ] || fail "rounds not made"

# The publisher: about 100 rounds a second, QoS 1.
(while read -r line; do
	printf '%s\n' "$line"
	sleep 0.01
done <"$T/rounds") | mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 \
	-t pantau/v1/kediri/pc-03/metrics -l &
pub=$!

sleep 1
stop_collector KILL
grep -q stopped "$T/collector.log" && fail "not killed"
sleep 1
start_collector
wait $pub || fail "publisher failed"
grep -q 'mqtt: connected.*(resumed session)' "$T/collector.log" ||
	fail "the broker did not keep the session"

last=$((base + (N - 1) * 60))
dir="$DATA/rrd/kediri/pc-03"
wait_for 30 sh -c "[ \"\$('${RRDTOOL:-rrdtool}' last '$dir/g49.rrd')\" = $last ]" ||
	fail "last round not stored"
stats_dump

# Every round, exact: fetch the 1-step archive and compare row by row.
for k in 0 7 49; do
	"${RRDTOOL:-rrdtool}" fetch "$dir/g$k.rrd" AVERAGE -r 60 \
		-s $((base - 60)) -e $last |
		awk -F': *' -v base=$base -v k=$k -v n=$N '
		/^[0-9]+:/ {
			i = ($1 - base) / 60
			if (i < 0 || i >= n)
				next
			want = i * 100 + k + 0.25
			if ($2 + 0 == want)
				ok++
			else if (bad++ < 5)
				print "round " i ": " $2 " != " want
		}
		END { print "g" k " " ok + 0 " exact" }'
done >"$T/check"
cat "$T/check"
for k in 0 7 49; do
	grep -qx "g$k $N exact" "$T/check" || fail "g$k: not every round stored"
done
[ "$(cstat pantau_rrd_errors_total)" = 0 ] || fail "rrd errors"
note "$(grep -h 'journal: replayed' "$T/collector.log" || echo 'journal: nothing to replay')"
stop_collector
pass "$N rounds across a SIGKILL, all exact"
