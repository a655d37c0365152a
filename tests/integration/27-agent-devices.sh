#!/bin/sh
# 27-agent-devices.sh: pantau-agent polling [device] sections (issue 4)
# against real peers: snmpsim serving the printer and switch fixtures
# (tests/fixtures/snmpsim/) and the scripted projector
# (tests/tools/pjlink-fake), publishing to a real mosquitto.
#  - each device's messages arrive under its own id with its type
#    (printer, switch, projector): retained status online and inventory,
#    metrics with seq 1, 2, 3... per device, and exact fixture values;
#  - a device that stops answering (snmpsim stopped, the projector in
#    network standby) is "unreachable" in its retained status within two
#    of its rounds, and online again once it answers, without a restart,
#    its seq going on where it stopped;
#  - SIGHUP keeps the pollers when the device list is unchanged and
#    restarts them (a removed device falls silent) when it changed;
#  - --once --stdout prints one round of every device; --once publishes
#    one, each device's seq going on from the spool's counters.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/agent-lib.sh"

command -v snmpsimd >/dev/null || fail "snmpsimd not installed"
DEV_INTERVAL=2
SITE_T=pantau/v1/asriloka

# snmpsim: the community names the data file.  It must not run as root;
# the user it drops to needs its data and cache directories.
SNMP_PORT=$(free_port)
mkdir -p "$T/snmpsim/data" "$T/snmpsim/cache"
cp "$top_srcdir/tests/fixtures/snmpsim/printer-mono.snmprec" \
   "$top_srcdir/tests/fixtures/snmpsim/switch24.snmprec" "$T/snmpsim/data/"
chmod -R u+w "$T/snmpsim"
as_user=""
if [ "$(id -u)" -eq 0 ]; then
	chown -R nobody:nogroup "$T/snmpsim"
	as_user="--process-user=nobody --process-group=nogroup"
fi
# shellcheck disable=SC2086
spawn snmpsim snmpsimd --data-dir="$T/snmpsim/data" \
    --cache-dir="$T/snmpsim/cache" \
    --agent-udpv4-endpoint=127.0.0.1:"$SNMP_PORT" \
    --variation-modules-dir=/usr/share/snmpsim/variation \
    --logging-method=null $as_user
SNMPSIM_PID=$SPAWNED
wait_for 30 env MIBS= snmpget -v2c -c printer-mono -t 0.5 -r 0 -On \
    127.0.0.1:"$SNMP_PORT" .1.3.6.1.2.1.1.3.0 ||
	fail "snmpsim did not answer on port $SNMP_PORT"

# The projector: its state file switches it to network standby and back.
echo "mode=normal" >"$T/pj.state"
spawn pjlink python3 "$top_srcdir/tests/tools/pjlink-fake" \
    --port-file "$T/pj.port" --state "$T/pj.state" --class 2
wait_for 10 test -s "$T/pj.port" || fail "pjlink-fake did not start"
PJ_PORT=$(cat "$T/pj.port")

start_mosquitto
sub_start sub
agent_conf "$T/agent.conf"
cat >>"$T/agent.conf" <<EOF

[device printer-lobby]
type = printer
address = 127.0.0.1:$SNMP_PORT
snmp_version = 2c
community = printer-mono
interval = $DEV_INTERVAL

[device sw-core]
type = switch
address = 127.0.0.1:$SNMP_PORT
snmp_version = 2c
community = switch24
interval = $DEV_INTERVAL

[device proj-hall]
type = projector
address = 127.0.0.1:$PJ_PORT
interval = $DEV_INTERVAL
EOF
"$AGENT" -n -c "$T/agent.conf" >/dev/null || fail "config refused"
agent_start agent "$T/agent.conf"

# "DEVICE STATE" lines: the retained status of every device of the site
# (one subscriber, so one process however many devices).
retained_states() {
	mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -C 4 -W 3 -v \
	    -t "$SITE_T/+/status" 2>/dev/null |
	sed -n 's|^pantau/v1/asriloka/\([^/]*\)/status .*"state":"\([a-z]*\)".*|\1 \2|p' |
	sort
}
# Fails unless the retained states are exactly $1 (sorted lines).
states_are() {
	[ "$(retained_states)" = "$(printf '%s\n' "$@")" ]
}
# The state in the last status message of device $1 that arrived.
last_state() {
	grep "^$SITE_T/$1/status " "$T/sub.log" | tail -1 |
	sed -n 's|.*"state":"\([a-z]*\)".*|\1|p'
}
# How many messages of device $1 on channel $2 arrived.
dev_count() {
	grep -c "^$SITE_T/$1/$2 " "$T/sub.log" || true
}
have_metrics() {
	[ "$(dev_count printer-lobby metrics)" -ge "$1" ] &&
	[ "$(dev_count sw-core metrics)" -ge "$1" ] &&
	[ "$(dev_count proj-hall metrics)" -ge "$1" ]
}

wait_for 20 have_metrics 3 || fail "fewer than 3 rounds of every device in 20 s"
states_are "pc-01 online" "printer-lobby online" "proj-hall online" \
    "sw-core online" || fail "retained states: $(retained_states)"

python3 - "$T/sub.log" "$DEV_INTERVAL" <<'EOF' || fail "device messages"
import json, sys
iv = int(sys.argv[2])
base = "pantau/v1/asriloka/"
msgs = []
for line in open(sys.argv[1]):
    t, _, p = line.rstrip("\n").partition(" ")
    if t.startswith(base):
        msgs.append((t[len(base):].split("/"), json.loads(p)))
want = {"printer-lobby": "printer", "sw-core": "switch",
        "proj-hall": "projector"}
for dev, typ in want.items():
    mine = [(ch, m) for (d, ch), m in msgs if d == dev]
    chans = [ch for ch, _ in mine]
    assert chans[0] == "status", (dev, chans[:3])
    assert mine[0][1]["state"] == "online", (dev, mine[0][1])
    inv = [m for ch, m in mine if ch == "inventory"]
    assert inv and inv[0]["type"] == typ, (dev, inv[:1])
    met = [m for ch, m in mine if ch == "metrics"]
    assert [m["seq"] for m in met] == list(range(1, len(met) + 1)), \
        (dev, [m["seq"] for m in met])
    for m in met:
        assert m["type"] == typ and m["interval"] == iv, (dev, m)
        assert m["ts"] % iv == 0, (dev, m["ts"])
    for a, b in zip(met, met[1:]):
        assert b["ts"] > a["ts"], (dev, a["ts"], b["ts"])
    last = met[-1]
    g, c = last["gauges"], last["counters"]
    if dev == "printer-lobby":
        # printer-mono.snmprec: hrPrinterDetectedErrorState 0x20
        # (lowToner) as the high byte; hrPrinterStatus idle (3).
        assert g["printer.error_bits"] == 8192, g
        assert g["printer.status"] == 3, g
    elif dev == "sw-core":
        # switch24.snmprec: port 1 up at 1000 Mb/s.
        assert g["if.gi1_0_1.oper_up"] == 1, g
        assert g["if.gi1_0_1.speed_mbps"] == 1000, g
    else:
        # pjlink-fake's defaults: powered on, no error.
        assert g["projector.power"] == 1, g
        assert g["projector.error.lamp"] == 0, g
# The PC keeps its own id and type.
for (d, ch), m in msgs:
    if ch == "metrics" and d == "pc-01":
        assert m["type"] == "pc", m
EOF

# Silence: snmpsim stopped (its UDP socket stays, nobody answers) and the
# projector in network standby (connects, never speaks).  The second
# failed round makes a device unreachable, and a round ends within its
# interval: allow three intervals and a little.
n_pr=$(dev_count printer-lobby metrics)
n_pj=$(dev_count proj-hall metrics)
kill -STOP "$SNMPSIM_PID"
printf 'mode=standby\n' >"$T/pj.state.tmp" && mv "$T/pj.state.tmp" "$T/pj.state"
t0=$(date +%s)
limit=$((3 * DEV_INTERVAL + 2))
unreachable() {
	grep -q "^$SITE_T/$1/status .*\"unreachable\"" "$T/sub.log"
}
wait_for $limit unreachable printer-lobby ||
	fail "printer-lobby not unreachable within $limit s"
wait_for $limit unreachable proj-hall ||
	fail "proj-hall not unreachable within $limit s"
note "unreachable after $(($(date +%s) - t0)) s (device interval $DEV_INTERVAL s)"
wait_for 5 unreachable sw-core || fail "sw-core not unreachable"
# The PC goes on meanwhile and stays online.
states_are "pc-01 online" "printer-lobby unreachable" \
    "proj-hall unreachable" "sw-core unreachable" ||
	fail "retained states: $(retained_states)"
# The same code for an SNMP device and a projector (docs/snmp.md,
# docs/pjlink.md): alert rules match one code for every polled device.
grep -q "^$SITE_T/printer-lobby/events .*device.unreachable.*\"raised\"" \
    "$T/sub.log" || fail "no device.unreachable event for printer-lobby"
grep -q "^$SITE_T/proj-hall/events .*device.unreachable.*\"raised\"" \
    "$T/sub.log" || fail "no device.unreachable event"

# Back: both answer again, without restarting the agent.
kill -CONT "$SNMPSIM_PID"
printf 'mode=normal\n' >"$T/pj.state.tmp" && mv "$T/pj.state.tmp" "$T/pj.state"
back() {
	[ "$(last_state printer-lobby)" = online ] &&
	[ "$(last_state sw-core)" = online ] &&
	[ "$(last_state proj-hall)" = online ]
}
wait_for $((4 * DEV_INTERVAL + 5)) back || fail "the devices did not come back"
states_are "pc-01 online" "printer-lobby online" "proj-hall online" \
    "sw-core online" || fail "retained states: $(retained_states)"
more_metrics() {
	[ "$(dev_count printer-lobby metrics)" -gt "$n_pr" ] &&
	[ "$(dev_count proj-hall metrics)" -gt "$n_pj" ]
}
wait_for 10 more_metrics || fail "no metrics after the devices came back"

# SIGHUP with the same devices: the pollers run on untouched.  Then
# without the switch: they restart, the switch falls silent, the others go
# on with their seq (checked with all seqs below).
kill -HUP "$AGENT_PID"
wait_for 10 grep -q 'configuration reloaded' "$T/agent.log" ||
	fail "no reload"
n_pr=$(dev_count printer-lobby metrics)
wait_for 10 sh -c "[ \$(grep -c '^$SITE_T/printer-lobby/metrics ' '$T/sub.log') -ge $((n_pr + 2)) ]" ||
	fail "printer-lobby stopped after a reload"
! grep -q 'restarting their pollers' "$T/agent.log" ||
	fail "an unchanged device list restarted the pollers"
sed '/^\[device sw-core\]/,/^$/d' "$T/agent.conf" >"$T/agent.conf.new"
mv "$T/agent.conf.new" "$T/agent.conf"
kill -HUP "$AGENT_PID"
wait_for 10 grep -q 'restarting their pollers' "$T/agent.log" ||
	fail "a changed device list did not restart the pollers"
n_sw=$(dev_count sw-core metrics)
n_pr=$(dev_count printer-lobby metrics)
n_pj=$(dev_count proj-hall metrics)
wait_for 10 sh -c "[ \$(grep -c '^$SITE_T/printer-lobby/metrics ' '$T/sub.log') -ge $((n_pr + 2)) ] &&
    [ \$(grep -c '^$SITE_T/proj-hall/metrics ' '$T/sub.log') -ge $((n_pj + 2)) ]" ||
	fail "the remaining devices stopped after a reload"
[ "$(dev_count sw-core metrics)" -eq "$n_sw" ] ||
	fail "the removed switch is still polled"

python3 - "$T/sub.log" <<'EOF' || fail "seq after the outage and reloads"
import json, sys
seqs = {}
for line in open(sys.argv[1]):
    t, _, p = line.rstrip("\n").partition(" ")
    if t.endswith("/metrics"):
        seqs.setdefault(t, []).append(json.loads(p)["seq"])
assert len(seqs) == 4, sorted(seqs)
for t, s in seqs.items():
    assert s == list(range(1, len(s) + 1)), (t, s)
EOF
kill -0 "$AGENT_PID" || fail "the agent died"
stop "$AGENT_PID"
grep -q 'ERROR: AddressSanitizer\|runtime error:' "$T/agent.log" &&
	fail "sanitizer report in the agent's log"

# --once --stdout: one round of the PC and of every device (the switch is
# gone from the file), then exit 0.
"$AGENT" -c "$T/agent.conf" --once --stdout --root "$AGENT_ROOT" \
    >"$T/once.out" 2>"$T/once.log" || fail "--once --stdout failed"
! grep -q "^$SITE_T/sw-core/" "$T/once.out" || fail "--once polled sw-core"
for d in pc-01 printer-lobby proj-hall; do
	[ "$(grep -c "^$SITE_T/$d/metrics	" "$T/once.out")" -ge 1 ] ||
		fail "--once --stdout: no metrics of $d"
done

# --once to the broker, same spool: one more round of each device, its seq
# going on from the daemon's (the spool's counters survive the restart).
n_pr=$(dev_count printer-lobby metrics)
n_pj=$(dev_count proj-hall metrics)
"$AGENT" -c "$T/agent.conf" --once --root "$AGENT_ROOT" \
    >>"$T/once.log" 2>&1 || fail "--once failed"
wait_for 10 sh -c "[ \$(grep -c '^$SITE_T/printer-lobby/metrics ' '$T/sub.log') -gt $n_pr ] &&
    [ \$(grep -c '^$SITE_T/proj-hall/metrics ' '$T/sub.log') -gt $n_pj ]" ||
	fail "--once: no device metrics at the broker"
python3 - "$T/sub.log" <<'EOF' || fail "seq after --once"
import json, sys
seqs = {}
for line in open(sys.argv[1]):
    t, _, p = line.rstrip("\n").partition(" ")
    if t.endswith("/metrics"):
        seqs.setdefault(t, []).append(json.loads(p)["seq"])
for t, s in seqs.items():
    assert s == list(range(1, len(s) + 1)), (t, s)
EOF
pass "devices polled, published under their ids, unreachable and back"
