#!/bin/sh
# 31-collector-rrdcached: with [rrd] cached, every create and update goes
# through a real rrdcached.  It runs with -w 3600, so nothing reaches the
# files until a flush: a direct read shows the file as created, a read
# through the daemon (which flushes first) shows the exact values, and
# SIGTERM of the collector makes rrdcached write everything.  Redelivered
# and late samples are skipped and counted here too, also after a restart
# of the collector, when only the file (through rrdcached) knows what was
# written.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"
unset RRDCACHED_ADDRESS		# a plain rrdtool reads the files directly

mkdir -p "$T/rrdcached-journal"
spawn rrdcached "${RRDCACHED:-rrdcached}" -g -l "unix:$T/rrdcached.sock" \
	-p "$T/rrdcached.pid" -j "$T/rrdcached-journal" -b "$T" \
	-w 3600 -z 1 -f 7200
wait_for 10 test -S "$T/rrdcached.sock" || fail "rrdcached did not start"
daemon="unix:$T/rrdcached.sock"

start_mosquitto
collector_conf "[rrd]
cached = $daemon"
start_collector

pub_metrics jember pc-07 $T0 1 gauge:mem.used_pct=43.5 \
	counter:uptime.seconds=86400
pub_metrics jember pc-07 $((T0 + 60)) 2 gauge:mem.used_pct=44.25 \
	counter:uptime.seconds=86460
pub_metrics jember pc-07 $((T0 + 120)) 3 gauge:mem.used_pct=47 \
	counter:uptime.seconds=86520
wait_stat 20 pantau_samples_written_total 6
[ "$(cstat pantau_rrd_creates_total)" = 2 ] || fail "creates"

f="$DATA/rrd/jember/pc-07/mem.used_pct.rrd"
[ -f "$f" ] || fail "rrdcached did not create $f"
# Direct read: still as created (one step before the first sample).
[ "$(env -u RRDCACHED_ADDRESS "${RRDTOOL:-rrdtool}" last "$f")" = \
	$((T0 - 60)) ] || fail "written directly, not through rrdcached"
# Through the daemon: flushed first, exact values.
[ "$(RRDCACHED_ADDRESS=$daemon rrd_last "$f")" = "$((T0 + 120)) 47" ] ||
	fail "through rrdcached: $(RRDCACHED_ADDRESS=$daemon rrd_last "$f")"
[ "$(rrd_avg "$f" $((T0 + 60)) 60)" = "44.25" ] || fail "value at T0+60"

# Redelivery and a late sample: skipped, counted, no error.
pub_metrics jember pc-07 $((T0 + 60)) 2 gauge:mem.used_pct=1 \
	counter:uptime.seconds=1
wait_stat 20 pantau_samples_skipped_total 2
[ "$(cstat pantau_rrd_errors_total)" = 0 ] || fail "rrd errors"

# One more round, then SIGTERM: the collector flushes rrdcached.
pub_metrics jember pc-07 $((T0 + 180)) 4 gauge:mem.used_pct=51.5 \
	counter:uptime.seconds=86580
wait_stat 20 pantau_samples_written_total 8
stop_collector
[ "$(env -u RRDCACHED_ADDRESS "${RRDTOOL:-rrdtool}" last "$f")" = \
	$((T0 + 180)) ] || fail "not flushed at exit"
[ "$(env -u RRDCACHED_ADDRESS "${RRDTOOL:-rrdtool}" fetch "$f" AVERAGE \
	-r 60 -s $((T0 + 120)) -e $((T0 + 180)) |
	awk -F': *' -v t=$((T0 + 180)) '$1 == t { printf "%.6g", $2 }')" = \
	"51.5" ] || fail "value at T0+180 after the flush"
[ "$(rrd_avg "$DATA/rrd/jember/pc-07/uptime.seconds.rrd" $((T0 + 180)) 60)" \
	= "1" ] ||
	fail "uptime rate"

# A restarted collector knows nothing in memory: a redelivered round is
# refused by the file's last update (asked through rrdcached).
start_collector
pub_metrics jember pc-07 $((T0 + 120)) 3 gauge:mem.used_pct=2 \
	counter:uptime.seconds=2
wait_stat 20 pantau_samples_skipped_total 2
[ "$(cstat pantau_samples_written_total)" = 0 ] || fail "rewrote the past"
[ "$(cstat pantau_rrd_errors_total)" = 0 ] || fail "rrd errors after restart"
[ "$(RRDCACHED_ADDRESS=$daemon rrd_last "$f")" = "$((T0 + 180)) 51.5" ] ||
	fail "after restart: $(RRDCACHED_ADDRESS=$daemon rrd_last "$f")"

# A burst of 300 rounds of one series: the writer holds them and sends
# them in one batch, more than rrdcached's 4 kB protocol line takes in one
# update; every round must arrive exactly.
N=300
base=$((T0 - 1000 * 60))
python3 - "$base" "$N" >"$T/burst" <<'PY'
import json, sys
base, n = int(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    print(json.dumps({"v": 1, "ts": base + i * 60, "seq": i + 1,
        "type": "pc", "interval": 60, "gauges": {"burst": i + 0.25},
        "counters": {}}, separators=(",", ":")))
PY
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 \
	-t pantau/v1/jember/pc-08/metrics -l <"$T/burst" || fail "burst"
wait_stat 30 pantau_samples_written_total $N
[ "$(cstat pantau_rrd_errors_total)" = 0 ] || fail "rrd errors in the burst"
RRDCACHED_ADDRESS=$daemon "${RRDTOOL:-rrdtool}" fetch \
	"$DATA/rrd/jember/pc-08/burst.rrd" AVERAGE -r 60 -s $((base - 60)) \
	-e $((base + (N - 1) * 60)) |
	awk -F': *' -v base=$base -v n=$N '/^[0-9]+:/ {
		i = ($1 - base) / 60
		if (i >= 0 && i < n && $2 + 0 == i + 0.25) ok++
	} END { print ok + 0 }' >"$T/ok"
[ "$(cat "$T/ok")" = $N ] || fail "burst: only $(cat "$T/ok") of $N exact"
stop_collector
pass "through rrdcached: exact values, flush before read and at exit, a 300-round burst"
