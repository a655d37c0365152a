# tests/integration/collector-lib.sh: helpers for the pantau-collector
# scripts (30-39).  Source it after lib.sh.
#
#   collector_conf [EXTRA]   write $T/collector.conf (data in $T/data,
#                            the broker at $MQTT_PORT, HTTP on a free port)
#   start_collector          start it (-d) and wait for the MQTT session;
#                            sets COLLECTOR_PID (and PANTAU_TEST_TOKEN,
#                            collector_token)
#   stop_collector [SIG]     stop it (TERM: clean) and wait
#   pub_metrics SITE DEVICE TS SEQ SAMPLE...
#                            publish one metrics message at QoS 1
#                            (SAMPLE is gauge:NAME=V or counter:NAME=V)
#   stats_dump               SIGUSR1, then wait for the fresh counter file
#   cstat NAME               a counter from the last dump ("" if absent)
#   wait_stat SECS NAME VAL  dump until NAME reaches VAL
#   rrd_last FILE            "TS VALUE" of the file's last update
#   rrd_avg FILE TS STEP     the AVERAGE of the step ending at TS (%.6g)
COLLECTOR="$top_builddir/collector/pantau-collector"
WIRE_TOOL="$top_builddir/tests/tools/wire-tool"
DATA="$T/data"
[ -x "$COLLECTOR" ] || fail "no $COLLECTOR"
[ -x "$WIRE_TOOL" ] || fail "no $WIRE_TOOL"

# The collector refuses time stamps a day ahead; tests use the last hours.
T0=$(( $(date +%s) / 3600 * 3600 - 7200 ))

collector_conf() {
	cat >"$T/collector.conf" <<EOF
[collector]
data_dir = $DATA
log_level = debug

[mqtt]
host = 127.0.0.1
port = $MQTT_PORT
client_id = pantau-collector-test
keepalive = 10

[http]
listen = 127.0.0.1:$(free_port)
${1:-}
EOF
}

start_collector() {
	[ -f "$T/collector.conf" ] || collector_conf
	collector_token
	: >"$T/collector.log.mark"
	before=$(grep -c 'mqtt: connected' "$T/collector.log" 2>/dev/null)
	spawn collector "$COLLECTOR" -d -c "$T/collector.conf"
	COLLECTOR_PID=$SPAWNED
	i=0
	while [ "$(grep -c 'mqtt: connected' "$T/collector.log" 2>/dev/null)" \
	    -le "${before:-0}" ]; do
		kill -0 "$COLLECTOR_PID" 2>/dev/null ||
			fail "pantau-collector exited at start"
		i=$((i + 1))
		[ $i -lt 100 ] || fail "pantau-collector did not connect"
		sleep 0.1
	done
}

# The API needs sign-in (issue 9): a viewer token, once, exported as
# PANTAU_TEST_TOKEN for httpget.py (curl: -H "Authorization: Bearer ...").
collector_token() {
	[ -n "${PANTAU_TEST_TOKEN:-}" ] && return 0
	PANTAU_TEST_TOKEN=$("$top_builddir/collector/pantauctl" \
		-c "$T/collector.conf" token create test --role viewer) ||
		fail "pantauctl token create"
	export PANTAU_TEST_TOKEN
}

stop_collector() {
	stop "$COLLECTOR_PID" "${1:-TERM}"
}

pub_metrics() {
	s=$1 d=$2 ts=$3 seq=$4
	shift 4
	"$WIRE_TOOL" encode-metrics --site "$s" --device "$d" --ts "$ts" \
		--seq "$seq" --type pc --interval 60 "$@" >"$T/payload" ||
		fail "wire-tool encode-metrics $*"
	mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 \
		-t "pantau/v1/$s/$d/metrics" -f "$T/payload" ||
		fail "mosquitto_pub"
}

stats_dump() {
	rm -f "$DATA/pantau-collector.prom"
	kill -USR1 "$COLLECTOR_PID" || fail "collector is gone"
	wait_for 10 test -f "$DATA/pantau-collector.prom" ||
		fail "no counter dump after SIGUSR1"
}

cstat() {
	awk -v n="$1" '$1 == n { print $2 }' "$DATA/pantau-collector.prom"
}

# (lib.sh's wait_for uses $n: these helpers keep to their own names)
wait_stat() {
	ws_name=$2 ws_want=$3
	ws_n=$(($1 * 5))
	while [ $ws_n -gt 0 ]; do
		stats_dump
		[ "$(cstat "$ws_name")" = "$ws_want" ] && return 0
		sleep 0.2
		ws_n=$((ws_n - 1))
	done
	fail "$ws_name is $(cstat "$ws_name"), expected $ws_want"
}

rrd_last() {
	"${RRDTOOL:-rrdtool}" lastupdate "$1" |
		awk -F': *' '/^[0-9]+:/ { print $1, $2; exit }'
}

rrd_avg() {
	"${RRDTOOL:-rrdtool}" fetch "$1" AVERAGE -r "$3" -s $(($2 - $3)) \
		-e "$2" |
		awk -F': *' -v t="$2" '$1 == t {
			if ($2 ~ /nan/) print "nan"; else printf "%.6g\n", $2 }'
}
