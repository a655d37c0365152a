#!/bin/sh
# bench/20-ingest.sh: end-to-end ingest, MQTT to RRD, with 10,000 series
# (issue 5).  Run it through bench/run: bench/run _build 20-ingest.
#
# Side by side in one run, on loopback, with one mosquitto:
#   ceiling   bench/tools/rrd-ceiling: a plain librrd loop writing the same
#             samples into files of pantau's layout, one update per sample;
#   pantau    pantau-collector, fed pantau metrics messages (one per device
#             and round) by bench/tools/mqtt-flood, writing the files
#             itself; then, optionally, the same collector through rrdcached;
#   collectd  collectd's mqtt plugin (Subscribe) and rrdtool plugin, fed the
#             same samples in its own MQTT format (one message per sample).
#
# Every run first sends round 0, which creates the files (timed apart: file
# creation is disk work none of them can avoid), then rounds 1..R as fast
# as the broker takes them, stamped a step apart.  A run's rate is its
# samples divided by the time from the first publish until every sample is
# written: the collector's own counter (GET /metrics samples_written), or
# for collectd the files' last update reaching round R.  At the end a check
# reads every file's last update and value (bench/tools/rrd-check -v).
#
# Knobs (environment): INGEST_DEVICES (100), INGEST_METRICS (100),
# INGEST_ROUNDS (20), INGEST_CEILING_ROUNDS (1), INGEST_CACHED (1: also the rrdcached run),
# INGEST_TIMEOUT (seconds per phase, 120), INGEST_RUNS (which runs:
# "ceiling pantau collectd"), INGEST_COLLECTD_ROUNDS (3), INGEST_INFLIGHT
# (the broker's max_inflight_messages, 20 as mosquitto's default), INGEST_PERF (a
# file name: perf record of the collector during its measured rounds).  Prints RESULT lines (bench/run).
set -eu
: "${top:?run through bench/run}" "${build:?run through bench/run}"
top_srcdir=$top
top_builddir=$build
. "$top/tests/integration/lib.sh"

D=${INGEST_DEVICES:-100}
M=${INGEST_METRICS:-100}
R=${INGEST_ROUNDS:-20}
CR=${INGEST_CEILING_ROUNDS:-1}	# one update per sample: 10,000 calls
CACHED=${INGEST_CACHED:-1}
RUNS=${INGEST_RUNS:-ceiling pantau collectd}	# a subset, for profiling
# collectd takes about a second per 1,000 messages here (one per sample),
# so it gets fewer rounds to keep the whole bench under five minutes; its
# rate hardly depends on them (see docs/bench.md).
CDR=${INGEST_COLLECTD_ROUNDS:-3}
TMO=${INGEST_TIMEOUT:-120}
N=$((D * M))			# series
FLOOD=$build/bench/tools/mqtt-flood
CEILING=$build/bench/tools/rrd-ceiling
CHECK=$build/bench/tools/rrd-check
COLLECTOR=$build/collector/pantau-collector
for p in "$FLOOD" "$CEILING" "$CHECK" "$COLLECTOR"; do
	[ -x "$p" ] || fail "$p is not built"
done
command -v collectd >/dev/null || fail "collectd is not installed"
RRDCACHED_BIN=$(command -v rrdcached || echo /usr/sbin/rrdcached)

# A day ago, on a step boundary: every round is in the past (pantau
# refuses samples from the future) and in step with the files.
STEP=60
T0=$(( ($(date +%s) - 86400) / STEP * STEP ))

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# Writes back what the previous phase left dirty, so every measured phase
# starts in the same state, the steady state of a real data directory: the
# files on disk and clean, the writeback of one run not slowing the next.
settle() { sync; sleep 1; }

note "ingest: $D devices x $M gauges = $N series, $R rounds, step $STEP s, t0 $T0"

# ---- the broker: no queue limit (collectd gets one message per sample),
# no persistence (nothing here must survive the broker).
MQTT_PORT=$(free_port)
cat >"$T/mosquitto.conf" <<EOF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_queued_bytes 0
max_inflight_messages ${INGEST_INFLIGHT:-20}
log_dest stderr
log_type error
log_type warning
EOF
[ "$(id -u)" -eq 0 ] && echo "user root" >>"$T/mosquitto.conf"
spawn mosquitto mosquitto -c "$T/mosquitto.conf"
wait_for 10 mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -t bench/ping -n \
	|| fail "mosquitto did not start"

want() { case " $RUNS " in *" $1 "*) return 0 ;; esac; return 1; }
CEIL_RATE=0 CEIL_BATCH=0 PANTAU_RATE=0 CACHED_RATE= COLLECTD_RATE=0

# ---- 1. the ceiling: a plain librrd loop
if want ceiling; then
note "ceiling: creating $N files, $CR rounds one update per sample, $R rounds in one update per file"
mkdir "$T/ceiling"
"$CEILING" -D "$T/ceiling" -t "$T0" -d "$D" -m "$M" -c \
	>"$T/ceiling.out" || fail "rrd-ceiling failed"
settle
"$CEILING" -D "$T/ceiling" -t "$T0" -d "$D" -m "$M" -r "$CR" -u \
	>>"$T/ceiling.out" || fail "rrd-ceiling failed"
settle
"$CEILING" -D "$T/ceiling" -t "$T0" -d "$D" -m "$M" -r "$CR" -b "$R" -u -L \
	>>"$T/ceiling.out" || fail "rrd-ceiling failed"
sed 's/^/# ceiling: /' "$T/ceiling.out"
CEIL_RATE=$(awk -F'\t' '$1 == "loop" { print $4 }' "$T/ceiling.out")
CEIL_BATCH=$(awk -F'\t' '$1 == "batched" { print $4 }' "$T/ceiling.out")
"$CHECK" -l pantau -D "$T/ceiling" -t "$T0" -r $((CR + R)) -d "$D" -m "$M" -v \
	>/dev/null || fail "ceiling: files not at the last round"
rm -rf "$T/ceiling"
settle
fi

# ---- 2. pantau-collector
HTTP_PORT=$(free_port)
collector_conf() {
	cat >"$T/collector.conf" <<EOF
[collector]
data_dir = $T/pantau
log_level = warning
[mqtt]
host = 127.0.0.1
port = $MQTT_PORT
client_id = pantau-bench
[http]
listen = 127.0.0.1:$HTTP_PORT
dashboards = $top/dashboards
EOF
	[ -z "${1:-}" ] || printf '[rrd]\ncached = %s\n' "$1" >>"$T/collector.conf"
}
# /metrics needs sign-in like every path but /healthz: a viewer token.
TOKEN=
written() {
	curl -sf -H "Authorization: Bearer $TOKEN" \
	    "http://127.0.0.1:$HTTP_PORT/metrics" 2>/dev/null |
	    awk '$1 == "pantau_samples_written_total" { print $2; f = 1 }
		END { if (!f) print -1 }'
}
# wait_written COUNT SECS: until samples_written >= COUNT; 0 on success.
wait_written() {
	n=$(($2 * 10))
	while [ "$(written)" -lt "$1" ]; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}
# The collector is subscribed once a probe message is written; the probe
# series lives under site "probe", apart from the measured ones.
probe_seq=0
pantau_probe() {
	probe_seq=$((probe_seq + 1))
	before=$(written)
	pl="{\"v\":1,\"ts\":$((T0 + probe_seq * STEP)),\"seq\":$probe_seq,\"type\":\"pc\",\"interval\":$STEP,\"gauges\":{\"probe\":1},\"counters\":{}}"
	n=100
	while :; do
		mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 \
			-t pantau/v1/probe/probe/metrics -m "$pl" 2>/dev/null || true
		wait_written $((before + 1)) 1 && return 0
		n=$((n - 1))
		[ $n -gt 0 ] || fail "pantau-collector does not store the probe"
	done
}
# pantau_run LABEL FIRST LAST: rounds FIRST..LAST, timed; sets RUN_RATE.
pantau_run() {
	base=$(written)
	want=$((base + ($3 - $2 + 1) * N))
	perf_pid=
	if [ -n "${INGEST_PERF:-}" ]; then
		perf record ${INGEST_PERF_ARGS:--g} -o "$INGEST_PERF.$1" -p "$COLLECTOR_PID" \
			>"$T/perf.log" 2>&1 &
		perf_pid=$!
		sleep 1
	fi
	t1=$(now)
	"$FLOOD" -p "$MQTT_PORT" -f pantau -t "$T0" -d "$D" -m "$M" \
		-r "$2" -R "$3" -i "pantau-bench-flood" >"$T/flood-$1.out" \
		|| fail "$1: mqtt-flood failed"
	t_pub=$(now)
	if wait_written "$want" "$TMO"; then
		t2=$(now)
	else
		t2=$(now)
		note "$1: TIMEOUT after $TMO s, $(written) of $want written"
	fi
	if [ -n "$perf_pid" ]; then
		kill -INT "$perf_pid"
		wait "$perf_pid" || true
	fi
	got=$(( $(written) - base ))
	RUN_RATE=$(rate "$got" "$t1" "$t2")
	note "$1: rounds $2..$3: $got samples in $(secs "$t1" "$t2") s (published in $(secs "$t1" "$t_pub") s): $RUN_RATE samples/s"
}

if want pantau; then
mkdir "$T/pantau"
collector_conf
TOKEN=$("$build/collector/pantauctl" -c "$T/collector.conf" token create \
	bench --role viewer) || fail "pantauctl token create"
spawn collector "$COLLECTOR" -d -c "$T/collector.conf"
COLLECTOR_PID=$SPAWNED
wait_for 10 curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" \
	|| fail "pantau-collector does not answer HTTP"
pantau_probe
base=$(written)
t1=$(now)
"$FLOOD" -p "$MQTT_PORT" -f pantau -t "$T0" -d "$D" -m "$M" -r 0 -R 0 \
	-i pantau-bench-flood >/dev/null || fail "mqtt-flood failed"
wait_written $((base + N)) "$TMO" || fail "pantau: round 0 not written"
note "pantau: round 0 created $N files in $(secs "$t1" "$(now)") s"
settle
pantau_run pantau 1 "$R"
PANTAU_RATE=$RUN_RATE
"$CHECK" -l pantau -D "$T/pantau" -t "$T0" -r "$R" -d "$D" -m "$M" -v \
	>"$T/check.out" || fail "pantau: $(cat "$T/check.out") files hold round $R"
note "pantau: check: $(cat "$T/check.out") files hold the exact values of round $R"
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$HTTP_PORT/metrics" |
	grep -E '^pantau_(samples_skipped_total|rrd_errors_total|queue_max|ingest_latency)' |
	sed 's/^/# pantau: /' || true
stop "$COLLECTOR_PID"

# ---- 2b. the same collector through rrdcached, on the same files
if [ "$CACHED" = 1 ]; then
	settle
	mkdir "$T/journal"
	spawn rrdcached "$RRDCACHED_BIN" -g -l "unix:$T/rrdcached.sock" \
		-j "$T/journal" -w 3600 -f 7200 -b "$T" -p "$T/rrdcached.pid"
	wait_for 10 test -S "$T/rrdcached.sock" || fail "rrdcached did not start"
	collector_conf "unix:$T/rrdcached.sock"
	spawn collector-cached "$COLLECTOR" -d -c "$T/collector.conf"
	COLLECTOR_PID=$SPAWNED
	wait_for 10 curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" \
		|| fail "pantau-collector (rrdcached) does not answer HTTP"
	pantau_probe
	pantau_run "pantau+rrdcached" $((R + 1)) $((2 * R))
	CACHED_RATE=$RUN_RATE
	t1=$(now)
	"$CHECK" -l pantau -D "$T/pantau" -t "$T0" -r $((2 * R)) -d "$D" \
		-m "$M" -s 10 -v -c "unix:$T/rrdcached.sock" >"$T/check.out" ||
		fail "pantau+rrdcached: $(cat "$T/check.out") files hold round $((2 * R))"
	note "pantau+rrdcached: check (every 10th file, flushed first, $(secs "$t1" "$(now)") s): $(cat "$T/check.out") files hold the exact values of round $((2 * R))"
	stop "$COLLECTOR_PID"
fi
rm -rf "$T/pantau"
settle
fi

# ---- 3. collectd: mqtt plugin -> rrdtool plugin
# StepSize, HeartBeat, XFF and four RRATimespans of 2880 rows come close to
# pantau's layout (12 RRAs; collectd has one row count for all of them).
# CacheTimeout 0 (the default) queues every file at its first value, and a
# queued file collects further values until the writer thread gets to it,
# the same batching as pantau's writer.
if want collectd; then
mkdir "$T/collectd" "$T/collectd-rrd"
cat >"$T/collectd.conf" <<EOF
Hostname "bench-collectd"
FQDNLookup false
BaseDir "$T/collectd"
PIDFile "$T/collectd/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
Interval $STEP
LoadPlugin logfile
<Plugin logfile>
	LogLevel warning
	File "$T/collectd.log"
</Plugin>
LoadPlugin mqtt
<Plugin mqtt>
	<Subscribe "bench">
		Host "127.0.0.1"
		Port "$MQTT_PORT"
		ClientId "collectd-bench"
		QoS 1
		Topic "collectd/#"
		CleanSession true
	</Subscribe>
</Plugin>
LoadPlugin rrdtool
<Plugin rrdtool>
	DataDir "$T/collectd-rrd"
	CreateFilesAsync false
	StepSize $STEP
	HeartBeat $((2 * STEP))
	RRARows 2880
	RRATimespan 172800
	RRATimespan 1209600
	RRATimespan 34214400
	RRATimespan 315619200
	XFF 0.5
	WritesPerSecond 0
</Plugin>
EOF
spawn collectd collectd -f -C "$T/collectd.conf"
COLLECTD_PID=$SPAWNED
# subscribed once a probe value reaches a file
n=100
while [ ! -f "$T/collectd-rrd/probe/bench/gauge-probe.rrd" ]; do
	mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 \
		-t collectd/probe/bench/gauge-probe -m "$T0:1" 2>/dev/null || true
	sleep 0.1
	n=$((n - 1))
	[ $n -gt 0 ] || fail "collectd does not store the probe"
done
# collectd_wait ROUND SECS: until every file is at ROUND (a sample of the
# files first, to keep the polling light); 0 on success.
collectd_wait() {
	n=$(($2 * 10))
	while ! "$CHECK" -l collectd -D "$T/collectd-rrd" -t "$T0" -r "$1" \
	    -d "$D" -m "$M" -s 97 >/dev/null 2>&1 ||
	    ! "$CHECK" -l collectd -D "$T/collectd-rrd" -t "$T0" -r "$1" \
	    -d "$D" -m "$M" >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}
t1=$(now)
"$FLOOD" -p "$MQTT_PORT" -f collectd -t "$T0" -d "$D" -m "$M" -r 0 -R 0 \
	-i collectd-bench-flood >/dev/null || fail "mqtt-flood failed"
collectd_wait 0 "$TMO" || fail "collectd: round 0 not written"
note "collectd: round 0 created $N files in $(secs "$t1" "$(now)") s"
settle
t1=$(now)
"$FLOOD" -p "$MQTT_PORT" -f collectd -t "$T0" -d "$D" -m "$M" -r 1 -R "$CDR" \
	-i collectd-bench-flood >"$T/flood-collectd.out" || fail "mqtt-flood failed"
t_pub=$(now)
if collectd_wait "$CDR" "$TMO"; then
	t2=$(now)
	got=$((CDR * N))
else
	t2=$(now)
	ok=$("$CHECK" -l collectd -D "$T/collectd-rrd" -t "$T0" -r "$CDR" \
		-d "$D" -m "$M" | awk '{ print $1 }') || true
	note "collectd: TIMEOUT after $TMO s, $ok of $N files at round $CDR"
	got=$(( (CDR - 1) * N + ok ))	# at most; an upper bound
fi
COLLECTD_RATE=$(rate "$got" "$t1" "$t2")
note "collectd: rounds 1..$CDR: $got samples in $(secs "$t1" "$t2") s (published in $(secs "$t1" "$t_pub") s): $COLLECTD_RATE samples/s"
"$CHECK" -l collectd -D "$T/collectd-rrd" -t "$T0" -r "$CDR" -d "$D" -m "$M" \
	-v >"$T/check.out" || note "collectd: only $(cat "$T/check.out") files hold round $CDR"
note "collectd: check: $(cat "$T/check.out") files hold the exact values of round $CDR"
stop "$COLLECTD_PID"
rm -rf "$T/collectd-rrd"
fi

printf 'RESULT\tingest\tsamples/s MQTT->RRD\t%s\tcollectd\t%s\tsamples/s\t>= 2x collectd, >= 50000/s\n' \
	"$PANTAU_RATE" "$COLLECTD_RATE"
printf 'RESULT\tingest\tsamples/s vs plain librrd\t%s\tlibrrd loop\t%s\tsamples/s\t>= 0.5x\n' \
	"$PANTAU_RATE" "$CEIL_RATE"
printf 'RESULT\tingest\tsamples/s vs librrd, %s per call\t%s\tlibrrd batch\t%s\tsamples/s\tinfo\n' \
	"$R" "$PANTAU_RATE" "$CEIL_BATCH"
[ -z "$CACHED_RATE" ] ||
	printf 'RESULT\tingest\tsamples/s via rrdcached\t%s\tpantau direct\t%s\tsamples/s\tinfo\n' \
		"$CACHED_RATE" "$PANTAU_RATE"
exit 0
