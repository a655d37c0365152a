#!/bin/sh
# bench/50-province.sh: one collector for a province of bridged sites
# (issue 13, docs/province.md).  Run it through bench/run:
#     bench/run _build 50-province
#
# The set-up, all on loopback:
#   sites      PROV_SITES (200) telecenters of PROV_DEVICES (20) devices,
#              each device an MQTT connection of bench/tools/site-pub
#              publishing one pantau metrics message of PROV_METRICS (5)
#              gauges per round, the devices spread evenly over the
#              interval like unsynchronised agents;
#   site       PROV_BROKERS (200) mosquitto processes, site s on broker
#   brokers    s mod PROV_BROKERS; each carries the bridge sections that
#              `pantauctl site bridge-config` prints for its sites (plain
#              TCP here: --no-tls), persistence on, so every site has its
#              own bridge (connection, client id, session, queue);
#   province   one mosquitto, persistence on;
#   collector  pantau-collector subscribed to it, writing through
#              rrdcached (-w 3600: values stay in rrdcached's journal and
#              memory during the run, as in production).
#
# Round 0 creates the files (timed apart).  Then phases at the intervals
# PROV_INTERVALS (ms; "6000 3000 1500 1000"), each about PROV_PHASE (30) s:
# a real 60 s interval compressed 10x, 20x, 40x, 60x.  For each phase:
#   offered    sites x devices x metrics / interval;
#   stored     samples written (the collector's samples_written, which
#              counts a sample once rrdcached has taken it) over the time
#              from the first publish to the last sample written;
#   latency    per sample, from its publish to its write: the publisher
#              logs its cumulative count every 100 ms, a poller logs the
#              collector's samples_written every 200 ms, and sample k's
#              latency is the time between the two curves reaching k
#              (messages are stored in the order they cross one broker
#              chain; resolution about 0.2 s);
#   broker     the peer: a mosquitto_sub on the province broker for the
#   chain      first PROV_REC_SITES (10) sites prints each message's
#              arrival time, and its latency is from the publisher's
#              schedule to that arrival: site broker, bridge, province
#              broker, without pantau;
#   memory     the collector's peak VmRSS (sampled with the poller).
# At the end: RRD disk per device (du of one device's directory, and per
# series), and rrdcached's own ceiling: the same kind of updates sent
# straight to its socket in BATCH mode (PROV_CEILING_ROUNDS rounds of every
# file), the writer's peer.
#
# The "real province" the headroom is measured against is an estimate,
# stated in docs/bench.md: East Java's 38 regencies and cities x about 10
# telecenters x 20 devices = 7,600 devices, each about 20 values a minute
# (the agent's PC round publishes 20 values on a plain PC, docs/bench.md
# "agent"): 2,533 samples/s and 127 messages/s.
set -u	# not -e: the test libraries end blocks with [ ] && ...
: "${top:?run through bench/run}" "${build:?run through bench/run}"
top_srcdir=$top
top_builddir=$build
. "$top/tests/integration/lib.sh"

SITES=${PROV_SITES:-200}
DEVS=${PROV_DEVICES:-20}
MET=${PROV_METRICS:-5}
BROKERS=${PROV_BROKERS:-200}
INTERVALS=${PROV_INTERVALS:-6000 3000 1500 1000}
PHASE=${PROV_PHASE:-30}
REC_SITES=${PROV_REC_SITES:-10}
CEIL_ROUNDS=${PROV_CEILING_ROUNDS:-3}
REAL_RATE=2533	# samples/s of the estimated province (above)
REAL_MSGS=127
N=$((SITES * DEVS * MET))	# series
PUB=$build/bench/tools/site-pub
COLLECTOR=$build/collector/pantau-collector
PANTAUCTL=$build/collector/pantauctl
for p in "$PUB" "$COLLECTOR" "$PANTAUCTL"; do
	[ -x "$p" ] || fail "$p is not built"
done
RRDCACHED_BIN=$(command -v rrdcached || echo /usr/sbin/rrdcached)
STEP=60
# A day ago on a step boundary: every round stays in the past even at
# 60x (the collector refuses samples from the future).
T0=$(( ($(date +%s) - 86400) / STEP * STEP ))
now() { date +%s.%N; }

note "province: $SITES sites x $DEVS devices x $MET gauges = $N series, $BROKERS site brokers, phases at $INTERVALS ms"

# ---- province broker
PROV_PORT=$(free_port)
mkdir -p "$T/province"
cat >"$T/province/mosquitto.conf" <<EOF
listener $PROV_PORT 127.0.0.1
allow_anonymous true
persistence true
persistence_location $T/province/
max_queued_messages 1000000
log_dest stderr
log_type error
log_type warning
EOF
[ "$(id -u)" -eq 0 ] && echo "user root" >>"$T/province/mosquitto.conf"
spawn province mosquitto -c "$T/province/mosquitto.conf"
wait_for 10 mosquitto_pub -h 127.0.0.1 -p "$PROV_PORT" -t x/ping -n ||
	fail "the province broker did not start"

# ---- the collector's configuration first: pantauctl reads it
HTTP_PORT=$(free_port)
mkdir -p "$T/pantau" "$T/journal"
cat >"$T/collector.conf" <<EOF
[collector]
data_dir = $T/pantau
log_level = warning
[mqtt]
host = 127.0.0.1
port = $PROV_PORT
client_id = pantau-province
[http]
listen = 127.0.0.1:$HTTP_PORT
dashboards = $top/dashboards
[rrd]
cached = unix:$T/rrdcached.sock
EOF

# ---- site brokers, each with the bridge sections of its sites.  One
# pantauctl call prints the section of s000; the others differ only in
# the site's name (check_site_ctl asserts the text), so they are that
# template with the name replaced: 200 calls would take minutes here.
"$PANTAUCTL" -c "$T/collector.conf" site bridge-config s000 \
	--remote "127.0.0.1:$PROV_PORT" --no-tls --devices "$DEVS" \
	--interval 60 >"$T/bridge-s000.conf" 2>/dev/null ||
	fail "pantauctl site bridge-config"
python3 -c 'import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
for s in socks: print(s.getsockname()[1])' "$BROKERS" >"$T/ports"
b=0
while [ $b -lt "$BROKERS" ]; do
	d="$T/site$b"
	mkdir -p "$d"
	port=$(sed -n "$((b + 1))p" "$T/ports")
	{
		echo "listener $port 127.0.0.1"
		echo "allow_anonymous true"
		echo "persistence_location $d/"
		echo "log_dest stderr"
		echo "log_type error"
		echo "log_type warning"
		[ "$(id -u)" -eq 0 ] && echo "user root"
		s=$b
		while [ $s -lt "$SITES" ]; do
			sed "s/s000/$(printf 's%03d' $s)/g" "$T/bridge-s000.conf"
			s=$((s + BROKERS))
		done
	} >"$d/mosquitto.conf"
	spawn "site$b" mosquitto -c "$d/mosquitto.conf"
	b=$((b + 1))
done
# every bridge connected: the province broker counts them (and the
# asking mosquitto_sub itself); $SYS is refreshed every 10 s
connected() {
	c=$(mosquitto_sub -h 127.0.0.1 -p "$PROV_PORT" -C 1 -W 15 \
		-t '$SYS/broker/clients/connected' 2>/dev/null)
	echo "${c:-0}"
}
i=0
while [ "$(connected)" -lt $((SITES + 1)) ]; do
	i=$((i + 1))
	[ $i -lt 40 ] || fail "only $(connected) clients on the province broker, want $SITES bridges"
	sleep 2
done
note "$BROKERS site brokers up, $SITES bridges connected to the province broker"

# ---- rrdcached and the collector
spawn rrdcached "$RRDCACHED_BIN" -g -l "unix:$T/rrdcached.sock" \
	-j "$T/journal" -w 3600 -f 7200 -b "$T" -p "$T/rrdcached.pid"
RRDCACHED_PID=$SPAWNED
wait_for 10 test -S "$T/rrdcached.sock" || fail "rrdcached did not start"
TOKEN=$("$PANTAUCTL" -c "$T/collector.conf" token create bench \
	--role viewer) || fail "pantauctl token create"
spawn collector "$COLLECTOR" -d -c "$T/collector.conf"
COLLECTOR_PID=$SPAWNED
wait_for 10 curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" ||
	fail "pantau-collector does not answer HTTP"
written() {
	curl -sf -H "Authorization: Bearer $TOKEN" \
	    "http://127.0.0.1:$HTTP_PORT/metrics" 2>/dev/null |
	    awk '$1 == "pantau_samples_written_total" { print $2; f = 1 }
		END { if (!f) print -1 }'
}
# subscribed once a probe (site "probe", apart from the measured ones)
# is written
i=0
while [ "$(written)" -lt 1 ]; do
	mosquitto_pub -h 127.0.0.1 -p "$PROV_PORT" -q 1 \
		-t pantau/v1/probe/probe/metrics -m "{\"v\":1,\"ts\":$T0,\"seq\":1,\"type\":\"pc\",\"interval\":$STEP,\"gauges\":{\"probe\":1},\"counters\":{}}" ||
		true
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the collector does not store the probe"
	sleep 0.5
done
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$COLLECTOR_PID/status"; }

# The peer recorder: arrival times of the first REC_SITES sites' messages.
set --
s=0
while [ $s -lt "$REC_SITES" ]; do
	set -- "$@" -t "pantau/v1/$(printf 's%03d' $s)/+/metrics"
	s=$((s + 1))
done
spawn recorder mosquitto_sub -h 127.0.0.1 -p "$PROV_PORT" -q 1 \
	-F '%U %t %p' "$@"
sleep 1

# ---- round 0: every file created
t1=$(now)
"$PUB" -f "$T/ports" -t "$T0" -s "$SITES" -d "$DEVS" -m "$MET" \
	-i 10000 -r 0 -R 0 >"$T/pub-0.out" || fail "site-pub round 0"
i=0
while [ "$(written)" -lt $((N + 1)) ]; do
	i=$((i + 1))
	[ $i -lt 6000 ] || fail "round 0: $(written) of $N written"
	sleep 0.1
done
CREATE_S=$(awk -v a="$t1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
note "round 0: $N files created in $CREATE_S s ($(cat "$T/pub-0.out"))"
sync

# ---- the phases
first=1
SUSTAINED=0 SUST_I= RSS_MAX=0
: >"$T/phases"
for I in $INTERVALS; do
	rounds=$(( PHASE * 1000 / I ))
	[ $rounds -ge 3 ] || rounds=3
	last=$((first + rounds - 1))
	base=$(written)
	want=$((base + rounds * SITES * DEVS * MET))
	: >"$T/written-$I.log"
	: >"$T/recorder.mark"
	rec_from=$(wc -l <"$T/recorder.log")
	"$PUB" -f "$T/ports" -t "$T0" -s "$SITES" -d "$DEVS" -m "$MET" \
		-i "$I" -r "$first" -R "$last" -l "$T/pub-$I.log" \
		>"$T/pub-$I.out" 2>&1 &
	pub_pid=$!
	# poll the collector until every sample is written (or 60 s after
	# the publisher is done)
	done_at=
	while :; do
		w=$(written)
		echo "$(now) $w" >>"$T/written-$I.log"
		r=$(rss_kb)
		[ "${r:-0}" -gt "$RSS_MAX" ] && RSS_MAX=$r
		[ "$w" -ge "$want" ] && ! kill -0 $pub_pid 2>/dev/null && break
		if [ -z "$done_at" ] && ! kill -0 $pub_pid 2>/dev/null; then
			done_at=$(date +%s)
		fi
		[ -n "$done_at" ] && [ $(( $(date +%s) - done_at )) -gt 60 ] &&
			break
		sleep 0.2
	done
	wait $pub_pid || note "site-pub failed: $(cat "$T/pub-$I.out")"
	tail -n +"$((rec_from + 1))" "$T/recorder.log" >"$T/rec-$I.log"
	python3 - "$T/pub-$I.log" "$T/written-$I.log" "$T/rec-$I.log" \
	    "$base" "$I" "$first" "$((SITES * DEVS))" "$DEVS" "$MET" \
	    >>"$T/phases" <<'EOF' || fail "analysis of phase $I"
import bisect, json, sys
pub_log, wr_log, rec_log = sys.argv[1:4]
base, I, first, n, devs, met = map(int, sys.argv[4:10])
pub = [tuple(map(float, l.split()[:2])) for l in open(pub_log) if l.strip()]
wr = [(float(a), int(b) - base) for a, b in
      (l.split() for l in open(wr_log) if l.strip())]
total = int(pub[-1][1])
start = pub[0][0]

def reach(curve, k):
    """time the cumulative curve first reaches k (linear in between)"""
    for i, (t, c) in enumerate(curve):
        if c >= k:
            if i == 0:
                return t
            t0, c0 = curve[i - 1]
            return t0 + (t - t0) * (k - c0) / (c - c0) if c > c0 else t
    return None

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100.0 * len(xs)))] if xs else float("nan")

lat, stored = [], max(c for _, c in wr)
for k in range(met, total + 1, max(met, total // 2000 // met * met)):
    tp, tw = reach(pub, k), reach(wr, k)
    if tp is not None and tw is not None:
        lat.append(max(0.0, tw - tp))
t_end = reach(wr, total) or wr[-1][0]
rate = min(stored, total) / (t_end - start)
# the broker chain: arrival minus the publisher's schedule
blat = []
for l in open(rec_log, errors="replace"):
    parts = l.split(" ", 2)
    if len(parts) < 3:
        continue
    t, topic, payload = float(parts[0]), parts[1], parts[2]
    _, _, site, dev, _ = topic.split("/")
    j = int(site[1:]) * devs + int(dev[3:])
    r = json.loads(payload)["seq"] - 1
    due = start + ((r - first) * n + j) * I / 1000.0 / n
    blat.append(max(0.0, t - due))
offered = n * met * 1000.0 / I
print("%d %.0f %.0f %d %d %.2f %.2f %.2f %.2f %.2f %.2f %.2f %d" % (
    I, offered, rate, total, stored, pct(lat, 50), pct(lat, 95),
    pct(lat, 99), pct(blat, 50), pct(blat, 95), pct(blat, 99),
    t_end - pub[-1][0], len(blat)))
EOF
	line=$(tail -1 "$T/phases")
	note "phase $I ms: $(cat "$T/pub-$I.out")"
	set -- $line
	note "phase $I ms (x$((60000 / I)) real time): offered $2 samples/s, stored $3 samples/s ($5 of $4), latency p50 $6 s p95 $7 s p99 $8 s; broker chain p50 $9 s p95 ${10} s p99 ${11} s (${13} messages); drained ${12} s after the last publish; RSS $((RSS_MAX / 1024)) MB"
	# kept up: everything stored, and drained within 10 s of the last
	# publish (the backlog did not grow through the phase).  Latency is
	# reported, not judged: the writer holds samples up to 5 s to batch
	# them and then writes a batch of thousands of files (docs/collector.md)
	if [ "$5" -ge "$4" ] && awk -v d="${12}" 'BEGIN { exit !(d < 10) }'; then
		SUSTAINED=$3 SUST_I=$I
		SUST_LINE=$line
	fi
	first=$((last + 1))
done

# ---- disk
DEV_KB=$(du -sk "$T/pantau/rrd/s000/dev00" | awk '{ print $1 }')
SERIES_KB=$((DEV_KB / MET))
note "RRD disk: $DEV_KB KB for one device of $MET series, $SERIES_KB KB a series; a PC of 20 series: $((SERIES_KB * 20 / 1024)) MB"
note "collector peak RSS $((RSS_MAX / 1024)) MB; rrdcached RSS $(awk '$1 == "VmRSS:" { print int($2 / 1024) }' "/proc/$RRDCACHED_PID/status") MB"

# ---- the writer's peer: rrdcached alone, BATCH over its socket
CEIL=$(python3 - "$T/rrdcached.sock" "$T/pantau/rrd" "$SITES" "$DEVS" "$MET" \
    "$T0" "$first" "$CEIL_ROUNDS" <<'EOF'
import socket, sys, time
sock, root, sites, devs, met, t0, first, rounds = sys.argv[1:9]
sites, devs, met, t0, first, rounds = map(int, (sites, devs, met, t0, first, rounds))
lines = []
for r in range(first, first + rounds):
    for s in range(sites):
        for d in range(devs):
            for k in range(met):
                lines.append("UPDATE %s/s%03d/dev%02d/g%02d.rrd %d:%d.25\n" % (
                    root, s, d, k, t0 + r * 60, r))
c = socket.socket(socket.AF_UNIX)
c.connect(sock)
f = c.makefile("rwb")
t = time.time()
f.write(b"BATCH\n"); f.flush()
f.readline()
f.write("".join(lines).encode() + b".\n"); f.flush()
head = f.readline().decode()
errors = int(head.split()[0])
for _ in range(errors):
    f.readline()
el = time.time() - t
print("%.0f %d %d" % ((len(lines) - errors) / el, len(lines), errors))
EOF
) || CEIL="0 0 0"
set -- $CEIL
note "rrdcached alone: $2 updates in BATCH, $3 refused: $1 updates/s"
CEIL_RATE=$1

[ -n "$SUST_I" ] || { SUST_LINE=$(tail -1 "$T/phases"); note "no phase kept up"; }
set -- $SUST_LINE
printf 'RESULT\tprovince\tsustained samples/s (x%s real)\t%s\treal province\t%s\tsamples/s\t>= 2x\n' \
	"$((60000 / $1))" "$SUSTAINED" "$REAL_RATE"
printf 'RESULT\tprovince\tmessages/s at that rate\t%s\treal province\t%s\tmessages/s\tinfo\n' \
	"$((SITES * DEVS * 1000 / $1))" "$REAL_MSGS"
printf 'RESULT\tprovince\tlatency p50 publish->stored\t%s\tbroker chain\t%s\ts\tinfo\n' "$6" "$9"
printf 'RESULT\tprovince\tlatency p95 publish->stored\t%s\tbroker chain\t%s\ts\tinfo\n' "$7" "${10}"
printf 'RESULT\tprovince\tlatency p99 publish->stored\t%s\tbroker chain\t%s\ts\t< interval\n' "$8" "${11}"
printf 'RESULT\tprovince\tstored samples/s vs rrdcached alone\t%s\trrdcached batch\t%s\tsamples/s\tinfo\n' \
	"$SUSTAINED" "$CEIL_RATE"
printf 'RESULT\tprovince\tcollector peak RSS\t%s\t-\t0\tMB\tinfo\n' "$((RSS_MAX / 1024))"
printf 'RESULT\tprovince\tRRD disk per series\t%s\t-\t0\tKB\tinfo\n' "$SERIES_KB"
printf 'RESULT\tprovince\tround 0: %s files created\t%s\t-\t0\ts\tinfo\n' "$N" "$CREATE_S"
sed 's/^/# phase: /' "$T/phases"
exit 0
