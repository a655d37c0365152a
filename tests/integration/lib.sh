# tests/integration/lib.sh: shared harness for the integration scripts.
#
# Source it first thing.  It makes a temp dir $T, and on any exit stops
# every process started with `spawn` (by PID, never by name) and removes $T
# unless KEEP_TMP=1.  Peers listen on 127.0.0.1 and free ports only.
#
#   spawn NAME CMD...      start CMD in the background, log to $T/NAME.log
#   free_port              print a free TCP port on 127.0.0.1
#   wait_for SECS CMD...   retry CMD every 0.1 s until it succeeds
#   start_mosquitto [NAME] start a broker; sets MQTT_PORT (and NAME_PORT)
#   fail MSG / pass MSG    report and exit
set -u
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"

T=$(mktemp -d "${TMPDIR:-/tmp}/pantau-test.XXXXXX")
chmod 755 "$T"
PIDS=""

cleanup() {
	status=$?
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $PIDS; do
		# give each a moment, then insist
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [ $status -ne 0 ]; then
		for f in "$T"/*.log; do
			[ -f "$f" ] || continue
			echo "---- $f (last 30 lines)"
			tail -30 "$f"
		done
	fi
	[ "${KEEP_TMP:-0}" = 1 ] || rm -rf "$T"
	exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; exit 0; }
note() { echo "# $*"; }

spawn() {
	name=$1; shift
	"$@" >>"$T/$name.log" 2>&1 &
	SPAWNED=$!
	PIDS="$PIDS $SPAWNED"
}

# Stops one spawned process (by PID) with the given signal and waits for it.
stop() {
	sig=${2:-TERM}
	kill -"$sig" "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for() {
	secs=$1; shift
	n=$((secs * 10))
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# start_mosquitto [NAME] [EXTRA-CONFIG-LINES]: a persistent broker in $T/NAME.
start_mosquitto() {
	mname=${1:-mosquitto}
	mdir="$T/$mname"
	mkdir -p "$mdir"
	if [ -z "${MQTT_PORT_FIXED:-}" ] || [ ! -f "$mdir/port" ]; then
		free_port >"$mdir/port"
	fi
	MQTT_PORT=$(cat "$mdir/port")
	{
		echo "listener $MQTT_PORT 127.0.0.1"
		echo "allow_anonymous true"
		echo "persistence true"
		echo "persistence_location $mdir/"
		echo "autosave_interval 1"
		echo "max_queued_messages 100000"
		echo "log_dest stderr"
		echo "log_type error"
		echo "log_type warning"
		echo "log_type notice"
		[ "$(id -u)" -eq 0 ] && echo "user root"
		[ -n "${2:-}" ] && printf '%s\n' "$2"
	} >"$mdir/mosquitto.conf"
	spawn "$mname" "${MOSQUITTO:-mosquitto}" -c "$mdir/mosquitto.conf"
	MQTT_PID=$SPAWNED
	wait_for 10 mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -t pantau/ping -n \
		|| fail "mosquitto did not start on port $MQTT_PORT"
}

# restart_mosquitto [NAME]: start a stopped broker again on the same port.
restart_mosquitto() {
	mname=${1:-mosquitto}
	MQTT_PORT_FIXED=1 start_mosquitto "$mname"
}
