# tests/integration/agent-lib.sh: helpers for the 2x-agent-*.sh scripts.
# Source it after lib.sh.
#
#   agent_conf FILE [EXTRA [AGENT-EXTRA]]  write a config: site asriloka,
#                          device pc-01, interval $AGENT_INTERVAL (1 s),
#                          spool in $T/spool,
#                          the broker at $MQTT_PORT; EXTRA lines go into
#                          [mqtt], AGENT-EXTRA lines into [agent]
#   agent_start NAME CONF  spawn pantau-agent -d (AGENT_PID)
#   sub_start NAME         a persistent QoS 1 subscriber to pantau/v1/#
#                          logging "TOPIC PAYLOAD" lines to $T/NAME.log
#   metrics_count FILE     how many metrics messages FILE holds
#   max_seq FILE           the highest metrics seq in FILE
#   check_seqs FILE FIRST  every seq from FIRST to the highest is there at
#                          least once, first seen in seq order, ts rising
#                          with seq; prints "N DUPS" (distinct, duplicates)

AGENT="$top_builddir/agent/pantau-agent"
WIRE_TOOL="$top_builddir/tests/tools/wire-tool"
[ -x "$AGENT" ] || fail "no $AGENT"

# The captured fixture tree when the samplers ship one, else this machine.
AGENT_ROOT=/
for d in "$top_srcdir/tests/fixtures/pc/desktop" \
	 "$top_srcdir/tests/fixtures/pc/"*; do
	if [ -d "$d/proc" ]; then
		AGENT_ROOT=$d
		break
	fi
done

agent_conf() {
	cat >"$1" <<EOF
[agent]
site = asriloka
device = pc-01
interval = ${AGENT_INTERVAL:-1}
spool_dir = $T/spool
log_level = debug
${3:-}

[mqtt]
host = 127.0.0.1
port = $MQTT_PORT
keepalive = 5
reconnect_max = 1
${2:-}
EOF
}

agent_start() {
	spawn "$1" "$AGENT" -d -c "$2" --root "$AGENT_ROOT"
	AGENT_PID=$SPAWNED
}

sub_start() {
	spawn "$1" mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -c \
	    -i "pantau-test-$1" -q 1 -v -t 'pantau/v1/#'
	SUB_PID=$SPAWNED
	wait_for 10 grep -q "as pantau-test-$1" "$T/mosquitto.log" ||
	    fail "the subscriber $1 did not connect"
}

metrics_count() {
	grep -c '^pantau/v1/asriloka/pc-01/metrics ' "$1" || true
}

max_seq() {
	python3 - "$1" <<'EOF'
import json, sys
m = 0
for line in open(sys.argv[1], errors="replace"):
    topic, _, payload = line.rstrip("\n").partition(" ")
    if topic.endswith("/metrics"):
        m = max(m, json.loads(payload)["seq"])
print(m)
EOF
}

check_seqs() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
first_seen, ts_of, n = [], {}, 0
for line in open(sys.argv[1], errors="replace"):
    topic, _, payload = line.rstrip("\n").partition(" ")
    if topic != "pantau/v1/asriloka/pc-01/metrics":
        continue
    m = json.loads(payload)
    n += 1
    s = m["seq"]
    if s in ts_of:
        if ts_of[s] != m["ts"]:
            sys.exit("seq %d came with ts %d and %d" % (s, ts_of[s], m["ts"]))
        continue
    ts_of[s] = m["ts"]
    first_seen.append(s)
lo, hi = int(sys.argv[2]), max(first_seen)
missing = sorted(set(range(lo, hi + 1)) - set(ts_of))
if missing:
    sys.exit("missing seqs: %s" % missing)
want = [s for s in first_seen if s >= lo]
if want != sorted(want):
    sys.exit("first arrivals out of seq order: %s" % want)
seqs = sorted(s for s in ts_of if s >= lo)
for a, b in zip(seqs, seqs[1:]):
    if ts_of[b] <= ts_of[a]:
        sys.exit("ts does not rise with seq: %d@%d %d@%d" % (a, ts_of[a], b, ts_of[b]))
print(len(ts_of), n - len(ts_of))
EOF
}

# ts of seq N in FILE.
ts_of_seq() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
for line in open(sys.argv[1], errors="replace"):
    topic, _, payload = line.rstrip("\n").partition(" ")
    if topic.endswith("/metrics"):
        m = json.loads(payload)
        if m["seq"] == int(sys.argv[2]):
            print(m["ts"]); break
EOF
}

# The retained status of pc-01 ("online" / "offline"), or nothing.
retained_status() {
	mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -C 1 -W 3 \
	    -t pantau/v1/asriloka/pc-01/status 2>/dev/null |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])' \
	    2>/dev/null
}
