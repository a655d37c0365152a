#!/bin/sh
# bench/valgrind-daemons.sh: pantau-agent and pantau-collector under
# valgrind memcheck in a short real run (issue 12, docs/fuzzing.md).
#
#   bench/valgrind-daemons.sh [BUILD_DIR]    (default: _build-valgrind)
#
# valgrind cannot run a sanitizer build, so BUILD_DIR must be configured
# without --enable-sanitizers; a missing BUILD_DIR is configured (-g -O1)
# and the four programs needed are built in it.  The run: a real
# mosquitto; the collector writing RRD files and its database; the agent
# publishing VG_ROUNDS rounds (default 5) of a captured PC every 3 s and
# polling an SNMP printer and switch (snmpsim, when installed) and a
# PJLink projector (tests/tools/pjlink-fake);
# hostile messages the collector must refuse; an alert rule that fires and
# a CUPS server that refuses; API requests; a SIGHUP of both; then
# SIGTERM.  Each daemon runs under
#   valgrind --tool=memcheck --leak-check=full --error-exitcode=99
# with definite and indirect leaks counted as errors, and the script prints
# each one's ERROR SUMMARY and leak summary and exits 1 when either had an
# error or did not exit 0.  valgrind.supp holds the suppressions, each
# with the reason it is not pantau's.  Takes about a minute.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${1:-$top/_build-valgrind}
ROUNDS=${VG_ROUNDS:-5}
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }

if [ ! -x "$build/collector/pantau-collector" ] ||
    [ ! -x "$build/agent/pantau-agent" ]; then
	mkdir -p "$build"
	(cd "$build" && { [ -f Makefile ] ||
		"$top/configure" CFLAGS="-g -O1" >configure.log; } &&
	    make -j2 agent/pantau-agent collector/pantau-collector \
		collector/pantauctl tests/tools/wire-tool >make.log) ||
	    { echo "valgrind: build in $build failed" >&2; exit 2; }
fi
build=$(cd "$build" && pwd)
if grep -q '^SAN_CFLAGS = .*-fsanitize' "$build/Makefile"; then
	echo "valgrind: $build is a sanitizer build; use another" >&2
	exit 2
fi

top_srcdir=$top
top_builddir=$build
. "$top/tests/integration/lib.sh"
. "$top/tests/integration/collector-lib.sh"
. "$top/tests/integration/agent-lib.sh"

VG="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
	--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
	--num-callers=40 --suppressions=$here/valgrind.supp"

start_mosquitto
# An alert rule that fires at once (the engine, its store, a ticket) and
# a CUPS server that refuses (the poller thread and its failure path).
collector_conf "[rule vg-load]
metric = load.1
above = -1
severity = warning
ticket = yes

[cups]
server = 127.0.0.1:$(free_port)
interval = 10
timeout = 1"
"$build/collector/pantauctl" -c "$T/collector.conf" token create vg \
	--role viewer >"$T/token" || fail "pantauctl token create"
port=$(sed -n 's/^listen = 127.0.0.1://p' "$T/collector.conf")

# shellcheck disable=SC2086
spawn collector $VG --log-file="$T/vg-collector.txt" \
	"$COLLECTOR" -d -c "$T/collector.conf"
COLLECTOR_PID=$SPAWNED
wait_for 120 grep -q 'mqtt: connected' "$T/collector.log" ||
	fail "the collector did not connect under valgrind"

# Polled devices: snmpsim serving the fixture printer (UTF-16 texts,
# supplies, alerts) and switch, and the scripted PJLink projector with a
# password (the MD5 digest path).
. "$top/tests/integration/pjlink-lib.sh"
devices=""
if command -v snmpsimd >/dev/null 2>&1; then
	sport=$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
	mkdir -p "$T/sim" "$T/simcache"
	cp "$top"/tests/fixtures/snmpsim/*.snmprec "$T/sim/"
	chmod -R u+w "$T/sim"
	asuser=""
	if [ "$(id -u)" -eq 0 ]; then
		chown -R nobody "$T/sim" "$T/simcache"
		asuser="--process-user=nobody --process-group=nogroup"
	fi
	# shellcheck disable=SC2086
	spawn snmpsim snmpsimd --data-dir="$T/sim" --cache-dir="$T/simcache" \
		--agent-udpv4-endpoint="127.0.0.1:$sport" \
		--variation-modules-dir=/usr/share/snmpsim/variation \
		--logging-method=null $asuser
	wait_for 30 env MIBS= snmpget -v2c -c printer-color -r 0 -t 1 \
		"127.0.0.1:$sport" 1.3.6.1.2.1.1.3.0 ||
		fail "snmpsim did not start"
	devices="[device printer-color]
type = printer
address = 127.0.0.1:$sport
community = printer-color

[device switch24]
type = switch
address = 127.0.0.1:$sport
community = switch24
interval = 10
"
fi
start_pjfake proj --password JBMIAProjectorLink --class 2
devices="$devices
[device proj-1]
type = projector
address = 127.0.0.1:$PJ_PORT
pjlink_password = JBMIAProjectorLink"

AGENT_INTERVAL=3 agent_conf "$T/agent.conf" "$devices"
# shellcheck disable=SC2086
spawn agent $VG --log-file="$T/vg-agent.txt" \
	"$AGENT" -d -c "$T/agent.conf" --root "$AGENT_ROOT"
AGENT_PID=$SPAWNED

# Rounds of the agent, ingested into RRD files: the PC, the projector and
# the two SNMP devices each publish one metrics message per round.
ndev=2
[ -n "${sport:-}" ] && ndev=4
want=$((ROUNDS * ndev))
ws_n=$((60 * ROUNDS))
while :; do
	stats_dump
	n=$(cstat 'pantau_messages_received_total{channel="metrics"}')
	[ "${n:-0}" -ge "$want" ] && break
	ws_n=$((ws_n - 1))
	[ $ws_n -gt 0 ] || fail "only ${n:-0} metrics messages of $ROUNDS"
	sleep 1
done
wait_for 60 test -d "$DATA/rrd/asriloka/pc-01" || fail "no RRD files of pc-01"
wait_for 60 grep -q 'alert #[0-9]* vg-load .*firing' "$T/collector.log" ||
	fail "the alert rule did not fire"
wait_for 60 test -d "$DATA/rrd/asriloka/proj-1" ||
	fail "no RRD files of the projector"
if [ -n "${sport:-}" ]; then
	wait_for 60 test -d "$DATA/rrd/asriloka/printer-color" ||
		fail "no RRD files of the SNMP printer"
fi

# Hostile input: refused, counted, and no memory error on the way.
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 \
	-t pantau/v1/asriloka/pc-02/metrics \
	-f "$top/tests/fixtures/wire/metrics-hostile-name.json"
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 \
	-t pantau/v1/asriloka/pc-02/events -m '{"v":1,"ts":"x"}'
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -t 'pantau/v1/a/b/c/d' -m x

# The API, and a reload of both daemons.
for path in /api/v1/devices /api/v1/sites /metrics /api/v1/nothing; do
	curl -s -o /dev/null -H "Authorization: Bearer $(cat "$T/token")" \
		"http://127.0.0.1:$port$path" || true
done
kill -HUP "$COLLECTOR_PID" "$AGENT_PID"
sleep 3
stats_dump

stop "$AGENT_PID" TERM
arc=$?
set +e
wait "$AGENT_PID"; arc=$?
kill -TERM "$COLLECTOR_PID"; wait "$COLLECTOR_PID"; crc=$?
set -e

summary() {
	printf '%-10s exit %s; %s; %s; %s\n' "$1" "$2" \
	    "$(sed -n 's/^==[0-9]*== ERROR SUMMARY: \([0-9]* errors\).*/\1/p' "$3" | tail -n 1)" \
	    "$(sed -n 's/^==[0-9]*==    definitely lost: \(.*\)/definitely lost \1/p' "$3" | tail -n 1)" \
	    "$(sed -n 's/^==[0-9]*==    indirectly lost: \(.*\)/indirectly lost \1/p' "$3" | tail -n 1)"
}
echo "valgrind memcheck, $(cstat 'pantau_messages_received_total{channel="metrics"}') metrics messages, $(cstat pantau_samples_written_total) samples written to RRD, $(cstat pantau_rrd_creates_total) files:"
summary pantau-agent "$arc" "$T/vg-agent.txt"
summary pantau-collector "$crc" "$T/vg-collector.txt"
if [ "$arc" -ne 0 ] || [ "$crc" -ne 0 ]; then
	for f in "$T"/vg-*.txt; do
		echo "---- $f"
		grep -v '^==[0-9]*== *$' "$f" | sed -n '/Invalid\|uninitialised\|definitely lost in\|indirectly lost in\|Mismatched\|overlap/,/^==[0-9]*== *$/p' | head -150
	done
	[ -n "${VG_KEEP:-}" ] && cp "$T"/vg-*.txt "$VG_KEEP"/
	fail "memcheck found errors (or a daemon did not exit 0)"
fi
[ -n "${VG_KEEP:-}" ] && cp "$T"/vg-*.txt "$VG_KEEP"/
pass "both daemons ran clean under valgrind memcheck"
