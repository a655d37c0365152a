#!/bin/sh
# 34-collector-signals: --help and --version; SIGHUP with a broken
# configuration is refused and the running one kept, with a good one it is
# applied; SIGTERM right after a burst writes every received sample before
# the process exits (status 0) and leaves the journal empty.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"

"$COLLECTOR" --version | grep -qx 'pantau-collector [0-9.]*' ||
	fail "--version"
"$COLLECTOR" --help | grep -q -- '-c FILE' || fail "--help"
"$top_builddir/collector/pantauctl" --help | grep -q 'check' ||
	fail "pantauctl --help"
"$COLLECTOR" -x >/dev/null 2>&1
[ $? -eq 2 ] || fail "a bad flag must exit 2"

start_mosquitto
start_collector

# A broken edit: refused, the old configuration keeps running.
cp "$T/collector.conf" "$T/collector.conf.good"
printf '[mqtt]\nport = none\n' >>"$T/collector.conf"
kill -HUP "$COLLECTOR_PID"
wait_for 10 grep -q 'reload: configuration refused' "$T/collector.log" ||
	fail "bad configuration not refused"
grep -q "collector.conf:[0-9]*: key 'port' given twice\|collector.conf:[0-9]*: port: 'none'" \
	"$T/collector.log" || fail "the error is not logged as FILE:LINE"
pub_metrics tuban pc-02 $T0 1 gauge:cpu.util=5
wait_stat 20 pantau_samples_written_total 1

# A good edit: applied, and the new MQTT session resumes the old one.
sed 's/^log_level = debug/log_level = info/' "$T/collector.conf.good" \
	>"$T/collector.conf"
kill -HUP "$COLLECTOR_PID"
wait_for 10 grep -q 'reload: configuration .* loaded' "$T/collector.log" ||
	fail "good configuration not loaded"
wait_for 10 sh -c "[ \$(grep -c 'mqtt: connected' '$T/collector.log') -ge 2 ]" ||
	fail "no new MQTT session after the reload"
pub_metrics tuban pc-02 $((T0 + 60)) 2 gauge:cpu.util=6
wait_stat 20 pantau_samples_written_total 2

# A burst of 200 messages of 50 samples, then SIGTERM as soon as they are
# received: all 10000 samples are written before the exit.
python3 - "$T0" >"$T/burst" <<'EOF'
import json, sys
t0 = int(sys.argv[1])
for i in range(200):
    print(json.dumps({"v": 1, "ts": t0 + 120 + i * 60, "seq": i + 3,
        "type": "pc", "interval": 60,
        "gauges": {"g%d" % k: i * 100 + k for k in range(50)},
        "counters": {}}, separators=(",", ":")))
EOF
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 \
	-t pantau/v1/tuban/pc-02/metrics -l <"$T/burst" || fail "burst"
wait_stat 30 pantau_samples_received_total 10002
kill -TERM "$COLLECTOR_PID"
wait "$COLLECTOR_PID"
status=$?
[ $status -eq 0 ] || fail "exit status $status after SIGTERM"
grep -q 'stopped' "$T/collector.log" || fail "no clean stop"
[ "$(cstat pantau_samples_written_total)" = 10002 ] ||
	fail "written at exit: $(cstat pantau_samples_written_total)"
[ -z "$(find "$DATA/journal" -type f -size +0)" ] || fail "journal not empty"
[ "$(rrd_last "$DATA/rrd/tuban/pc-02/g49.rrd")" = \
	"$((T0 + 120 + 199 * 60)) 19949" ] || fail "last round of the burst"
pass "reload refused and applied, SIGTERM drains"
