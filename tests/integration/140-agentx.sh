#!/bin/sh
# 140-agentx.sh: pantau-agent as an AgentX subagent (issue 11) of a real
# snmpd, with a real mosquitto and snmptrapd, all on loopback:
#  - snmpwalk through the master, with PANTAU-MIB loaded, lists the PC,
#    the projector (pjlink-fake) and a switch (the master snmpd itself,
#    polled by the agent's SNMP poller in the same process as the
#    subagent) with their ids, types and states, and
#    every metric of each device's latest MQTT metrics message with
#    exactly the value text of that message (the one whose ts is the
#    device's pantauDeviceLastSeen), its kind and its unit;
#  - a lamp error on the projector (its state file) is published as the
#    event projector.lamp and arrives at snmptrapd as
#    pantauEventNotification with the device, code, severity, state, text
#    and time of the MQTT event; clearing it sends the cleared one;
#  - an agent without [snmp] agentx never starts the subagent.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/agent-lib.sh"

for p in snmpd snmptrapd snmpwalk; do
	command -v "$p" >/dev/null || [ -x "/usr/sbin/$p" ] ||
		fail "$p not installed"
done
SNMPD=$(command -v snmpd || echo /usr/sbin/snmpd)
SNMPTRAPD=$(command -v snmptrapd || echo /usr/sbin/snmptrapd)
# PANTAU-MIB and the base modules it imports (Debian ships none of those).
MIBDIRS="$top_srcdir/mibs:$top_srcdir/tests/fixtures/mibs"
SITE_T=pantau/v1/asriloka
mkdir -p "$T/persist"
export SNMP_PERSISTENT_DIR="$T/persist"

# snmptrapd: logs every notification, one per line, varbinds tab-separated.
TRAP_PORT=$(free_port)
cat >"$T/snmptrapd.conf" <<EOF
disableAuthorization yes
doNotRetainNotificationLogs yes
format2 TRAP %v\n
EOF
spawn snmptrapd env MIBS=PANTAU-MIB "$SNMPTRAPD" -f -Lf "$T/traps.log" -C \
    -c "$T/snmptrapd.conf" -M "$MIBDIRS" -m PANTAU-MIB \
    udp:127.0.0.1:"$TRAP_PORT"
wait_for 10 grep -q "NET-SNMP version" "$T/traps.log" ||
	fail "snmptrapd did not start"

# snmpd as the AgentX master, forwarding notifications to snmptrapd.
SNMP_PORT=$(free_port)
AX_PORT=$(free_port)
cat >"$T/snmpd.conf" <<EOF
rocommunity public 127.0.0.1
master agentx
agentXSocket tcp:127.0.0.1:$AX_PORT
trap2sink 127.0.0.1:$TRAP_PORT public
EOF
spawn snmpd env MIBS= "$SNMPD" -f -Lf "$T/snmpd-master.log" -C \
    -c "$T/snmpd.conf" -p "$T/snmpd.pid" -r -I -smux \
    udp:127.0.0.1:"$SNMP_PORT"
wait_for 20 env MIBS= snmpget -v2c -c public -t 0.5 -r 0 -On \
    127.0.0.1:"$SNMP_PORT" .1.3.6.1.2.1.1.3.0 ||
	fail "snmpd did not answer on port $SNMP_PORT"

echo "mode=normal" >"$T/pj.state"
spawn pjlink python3 "$top_srcdir/tests/tools/pjlink-fake" \
    --port-file "$T/pj.port" --state "$T/pj.state" --class 2 \
    --lamps 4321:1 --filter 77
wait_for 10 test -s "$T/pj.port" || fail "pjlink-fake did not start"
PJ_PORT=$(cat "$T/pj.port")

start_mosquitto
sub_start sub
AGENT_INTERVAL=2
agent_conf "$T/agent.conf"
cat >>"$T/agent.conf" <<EOF

[device proj-hall]
type = projector
address = 127.0.0.1:$PJ_PORT
interval = 2

[device sw-lab]
type = switch
address = 127.0.0.1:$SNMP_PORT
snmp_version = 2c
community = public
interval = 2
EOF

# Without [snmp] agentx: no subagent, not even an attempt.
"$AGENT" --once --stdout -c "$T/agent.conf" --root "$AGENT_ROOT" \
    >"$T/once.out" 2>"$T/once.log" || fail "--once without [snmp] failed"
grep -qi agentx "$T/once.log" && fail "the subagent started without [snmp]"

cat >>"$T/agent.conf" <<EOF

[snmp]
agentx = tcp:127.0.0.1:$AX_PORT
EOF
"$AGENT" -n -c "$T/agent.conf" >/dev/null || fail "config refused"
agent_start agent "$T/agent.conf"
wait_for 20 grep -q "AgentX subagent connected" "$T/agent.log" \
    "$T/snmpd-master.log" || fail "the subagent did not connect"

have_rounds() {
	[ "$(grep -c "^$SITE_T/proj-hall/metrics " "$T/sub.log")" -ge 2 ] &&
	[ "$(grep -c "^$SITE_T/sw-lab/metrics " "$T/sub.log")" -ge 2 ] &&
	[ "$(grep -c "^$SITE_T/pc-01/metrics " "$T/sub.log")" -ge 2 ]
}
wait_for 30 have_rounds || fail "no rounds of the PC, projector and switch"

walk() {
	env MIBS=PANTAU-MIB snmpwalk -v2c -c public -t 2 -r 1 -M "$MIBDIRS" \
	    -m PANTAU-MIB -OQsU 127.0.0.1:"$SNMP_PORT" "$@"
}
# The walk against the MQTT messages: prints the problems, exits 1.
check_walk() {
	python3 - "$1" "$T/sub.log" <<'EOF'
import json, re, sys
walk, log = sys.argv[1], sys.argv[2]
base = "pantau/v1/asriloka/"
v = {}
for line in open(walk):
    k, _, val = line.rstrip("\n").partition(" = ")
    v[k] = val.strip('"')
bad = []
def want(k, x):
    if v.get(k) != x:
        bad.append("%s = %r, want %r" % (k, v.get(k), x))
want("pantauAgentSite.0", "asriloka")
want("pantauAgentDevice.0", "pc-01")
want("pantauDeviceId.1", "pc-01")
want("pantauDeviceType.1", "pc")
want("pantauDeviceState.1", "online")
want("pantauDeviceId.2", "proj-hall")
want("pantauDeviceType.2", "projector")
want("pantauDeviceState.2", "online")
want("pantauDeviceId.3", "sw-lab")
want("pantauDeviceType.3", "switch")
want("pantauDeviceState.3", "online")
if "pantauDeviceId.4" in v:
    bad.append("a fourth device")
# The metrics message each device's last-seen ts names, numbers as text.
msgs = {}
for line in open(log):
    t, _, p = line.rstrip("\n").partition(" ")
    if t.startswith(base) and t.endswith("/metrics"):
        m = json.loads(p, parse_float=str, parse_int=str)
        msgs[(t[len(base):].split("/")[0], m["ts"])] = m
for idx, dev in (("1", "pc-01"), ("2", "proj-hall"), ("3", "sw-lab")):
    ts = v.get("pantauDeviceLastSeen." + idx)
    m = msgs.get((dev, ts))
    if m is None:
        bad.append("%s: no metrics message with ts %s" % (dev, ts))
        continue
    rows = {}
    for k, name in v.items():
        r = re.match(r"pantauMetricName\.%s\.(\d+)$" % idx, k)
        if r:
            rows[name] = r.group(1)
    sent = dict((n, ("gauge", x)) for n, x in m["gauges"].items())
    sent.update((n, ("counter", x)) for n, x in m["counters"].items())
    if set(rows) != set(sent):
        bad.append("%s: rows %s, sent %s" % (dev, sorted(rows), sorted(sent)))
    for n, (kind, x) in sent.items():
        if n not in rows:
            continue
        i = "%s.%s" % (idx, rows[n])
        want("pantauMetricValue." + i, x)
        want("pantauMetricKind." + i, kind)
        if kind == "counter" and "." not in x:
            want("pantauMetricCounter64." + i, x)
for n, want_v in (("projector.lamp.hours", "4321"),
                  ("projector.filter.hours", "77")):
    ks = [k for k, x in v.items() if k.startswith("pantauMetricName.2.") and x == n]
    if not ks:
        bad.append("no row %s" % n)
        continue
    i = ks[0][len("pantauMetricName."):]
    want("pantauMetricValue." + i, want_v)
    want("pantauMetricUnit." + i, "hours")
    want("pantauMetricInteger." + i, want_v)
if bad:
    print("\n".join(bad))
    sys.exit(1)
EOF
}

# A round may land between the walk's tables: walk again then.
ok=0
for try in 1 2 3 4 5; do
	t0=$(date +%s%N)
	walk PANTAU-MIB::pantauObjects >"$T/walk.txt" 2>"$T/walk.err" ||
		fail "snmpwalk failed: $(cat "$T/walk.err")"
	t1=$(date +%s%N)
	if check_walk "$T/walk.txt" >"$T/walk.check"; then
		ok=1
		break
	fi
	sleep 1
done
[ $ok = 1 ] || fail "the walk does not match MQTT: $(cat "$T/walk.check")"
note "walk of $(wc -l <"$T/walk.txt") objects in $(((t1 - t0) / 1000000)) ms (try $try)"

# A lamp error: the event on MQTT, the notification at snmptrapd.
printf 'mode=normal\nerst=020000\n' >"$T/pj.state.tmp"
mv "$T/pj.state.tmp" "$T/pj.state"
wait_for 20 grep -q "pantauEventState.0 = INTEGER: raised" "$T/traps.log" ||
	fail "no raised notification at snmptrapd"
wait_for 10 grep -q "^$SITE_T/proj-hall/events .*projector.lamp" \
    "$T/sub.log" || fail "no projector.lamp event on MQTT"
printf 'mode=normal\nerst=000000\n' >"$T/pj.state.tmp"
mv "$T/pj.state.tmp" "$T/pj.state"
wait_for 20 grep -q "pantauEventState.0 = INTEGER: cleared" "$T/traps.log" ||
	fail "no cleared notification at snmptrapd"
# The trap may come before the broker delivers the event to the subscriber.
wait_for 10 grep -q "^$SITE_T/proj-hall/events .*projector.lamp.*\"cleared\"" \
    "$T/sub.log" || fail "no cleared projector.lamp event on MQTT"

# Each notification carries exactly what the MQTT event said.
python3 - "$T/traps.log" "$T/sub.log" <<'EOF' || fail "notifications differ"
import json, sys
# (snmpd's own coldStart is there too)
traps = [l.rstrip("\n") for l in open(sys.argv[1])
         if l.startswith("TRAP ") and "pantauEventNotification" in l]
events = []
for line in open(sys.argv[2]):
    t, _, p = line.rstrip("\n").partition(" ")
    if t == "pantau/v1/asriloka/proj-hall/events":
        e = json.loads(p)
        if e["code"] == "projector.lamp":
            events.append(e)
if len(traps) != 2 or len(events) != 2:
    sys.exit("%d notifications, %d events:\n%s" % (len(traps), len(events), "\n".join(traps)))
sevs = {"critical": "critical(1)", "warning": "warning(2)", "info": "info(3)"}
for trap, e in zip(traps, events):
    vb = [x for x in trap[len("TRAP "):].split("\t") if x]
    want = [
        # sysUpTime.0, then snmpTrapOID.0 (their MIB is not loaded)
        "SNMPv2-SMI::snmpModules.1.1.4.1.0 = OID: PANTAU-MIB::pantauEventNotification",
        "PANTAU-MIB::pantauDeviceId.2 = STRING: proj-hall",
        "PANTAU-MIB::pantauDeviceType.2 = INTEGER: projector(4)",
        "PANTAU-MIB::pantauEventCode.0 = STRING: projector.lamp",
        "PANTAU-MIB::pantauEventSeverity.0 = INTEGER: " + sevs[e["severity"]],
        "PANTAU-MIB::pantauEventState.0 = INTEGER: %s(%d)"
        % (e["state"], 1 if e["state"] == "raised" else 2),
        "PANTAU-MIB::pantauEventText.0 = STRING: " + e["text"],
        "PANTAU-MIB::pantauEventTime.0 = Gauge32: %d seconds" % e["ts"],
    ]
    got = vb[1:]
    if not vb[0].startswith("SNMPv2-SMI::mib-2.1.3.0 = Timeticks:") or got != want:
        sys.exit("notification:\n  %s\nwant:\n  %s" % ("\n  ".join(vb), "\n  ".join(want)))
EOF

stop "$AGENT_PID"
pass "PANTAU-MIB walk matches MQTT; notifications reach snmptrapd"
