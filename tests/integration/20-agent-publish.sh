#!/bin/sh
# 20-agent-publish.sh: pantau-agent against a real mosquitto.
#  - status online (retained) at connect, the client id of the contract;
#  - metrics with every field of the contract, the minimum pc metric set,
#    seq 1, 2, 3... and aligned ts; a retained inventory;
#  - every payload decodes with common/'s strict decoder (wire-tool);
#  - SIGKILL of a connected agent leaves a retained "offline" (the will);
#  - --once --stdout prints TOPIC<TAB>PAYLOAD lines that decode;
#  - device defaults to the host name;
#  - --once publishes one round and exits 0.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/agent-lib.sh"

start_mosquitto
sub_start sub
agent_conf "$T/agent.conf"
agent_start agent "$T/agent.conf"

wait_for 20 sh -c "[ \$(grep -c '/metrics ' '$T/sub.log') -ge 3 ]" ||
	fail "fewer than 3 metrics messages in 20 s"

grep -q "as pantau-agent-asriloka-pc-01 " "$T/mosquitto.log" ||
	fail "the broker never saw client id pantau-agent-asriloka-pc-01"
[ "$(retained_status)" = online ] || fail "retained status is not online"

# Contract checks on what the subscriber received.
python3 - "$T/sub.log" "$AGENT_ROOT" <<'EOF' || fail "contract check"
import json, sys
lines = [l.rstrip("\n").partition(" ") for l in open(sys.argv[1])]
msgs = [(t, json.loads(p)) for t, _, p in lines if t.startswith("pantau/")]
base = "pantau/v1/asriloka/pc-01/"
topics = [t for t, _ in msgs]
for t in topics:
    assert t[len(base):] in ("status", "inventory", "metrics", "events"), t
assert topics[0] == base + "status", topics[:3]
st = msgs[0][1]
assert st["v"] == 1 and st["state"] == "online" and isinstance(st["ts"], int), st

inv = [m for t, m in msgs if t == base + "inventory"]
assert len(inv) >= 1, "no inventory"
assert inv[0]["v"] == 1 and inv[0]["type"] == "pc", inv[0]

met = [m for t, m in msgs if t == base + "metrics"]
assert [m["seq"] for m in met[:3]] == [1, 2, 3], [m["seq"] for m in met]
for m in met:
    assert set(m) == {"v", "ts", "seq", "type", "interval", "gauges",
                      "counters"}, sorted(m)
    assert m["v"] == 1 and m["type"] == "pc" and m["interval"] == 1, m
for a, b in zip(met, met[1:]):
    assert b["ts"] > a["ts"], (a["ts"], b["ts"])
last = met[-1]
g, c = last["gauges"], last["counters"]
# The minimum pc set of DESIGN.md section 6 that this tree can give, and
# the agent's own health.
need_g = ["load.1", "mem.used_pct", "fs.root.used_pct", "users.sessions",
          "agent.spool.bytes"]
need_c = ["uptime.seconds", "usage.session_seconds", "agent.spool.dropped"]
if sys.argv[2].endswith("/desktop"):
    # Exact values of the captured desktop tree, unchanged on the way.
    want_g = {"load.1": 0.52, "mem.used_pct": 32.65, "swap.used_pct": 12.5,
              "fs.root.used_pct": 61.34, "fs.home.used_pct": 52.68,
              "temp.coretemp_core_0.celsius": 43,
              "fan.nct6776_fan2.rpm": 1054, "users.sessions": 2,
              "agent.spool.bytes": 0}
    want_c = {"uptime.seconds": 86400, "net.enp3s0.rx_bytes": 18234567890,
              "net.enp3s0.tx_bytes": 2345678901,
              "disk.sda.read_bytes": 6320987136,
              "disk.sda.write_bytes": 5056790016,
              "agent.spool.dropped": 0}
    for k, v in want_g.items():
        assert g.get(k) == v, "gauge %s: %r, want %r" % (k, g.get(k), v)
    for k, v in want_c.items():
        assert c.get(k) == v, "counter %s: %r, want %r" % (k, c.get(k), v)
elif sys.argv[2] == "/":
    need_g.append("cpu.util")   # the live /proc/stat moves
for k in need_g:
    assert k in g, "gauge %s missing: %s" % (k, sorted(g))
for k in need_c:
    assert k in c, "counter %s missing: %s" % (k, sorted(c))
assert any(k.startswith("net.") and k.endswith(".rx_bytes") for k in c), c
assert c["agent.spool.dropped"] == 0, c["agent.spool.dropped"]
EOF

# The strict decoder of common/ accepts every payload.
if [ -x "$WIRE_TOOL" ]; then
	n=0
	while read -r topic payload; do
		ch=${topic##*/}
		printf '%s' "$payload" | "$WIRE_TOOL" decode "$ch" >/dev/null ||
			fail "wire-tool rejects $ch: $payload"
		n=$((n + 1))
	done <"$T/sub.log"
	note "wire-tool decoded $n payloads"
fi

# SIGKILL while connected: the broker publishes the will, retained.
stop "$AGENT_PID" KILL
wait_for 10 sh -c "grep -q '/status {\"v\":1,\"state\":\"offline\"' '$T/sub.log'" ||
	fail "no offline status after SIGKILL"
[ "$(retained_status)" = offline ] || fail "retained status is not offline"

# --once --stdout: lines of TOPIC<TAB>PAYLOAD, nothing published.
"$AGENT" -c "$T/agent.conf" --root "$AGENT_ROOT" --once --stdout \
	>"$T/once.out" 2>"$T/once.err" || fail "--once --stdout failed"
[ "$(wc -l <"$T/once.out")" -eq 2 ] || fail "--once --stdout: $(cat "$T/once.out")"
python3 - "$T/once.out" <<'EOF' || fail "--once --stdout output"
import json, sys
chans = []
for line in open(sys.argv[1]):
    topic, tab, payload = line.rstrip("\n").partition("\t")
    assert tab == "\t", line
    assert topic.startswith("pantau/v1/asriloka/pc-01/"), topic
    m = json.loads(payload)
    chans.append(topic.rsplit("/", 1)[1])
    if chans[-1] == "metrics":
        assert m["seq"] == 1 and "mem.used_pct" in m["gauges"], m
        assert "agent.spool.bytes" not in m["gauges"], "no spool here"
assert chans == ["metrics", "inventory"], chans
EOF
if [ -x "$WIRE_TOOL" ]; then
	while IFS="$(printf '\t')" read -r topic payload; do
		printf '%s' "$payload" | "$WIRE_TOOL" decode "${topic##*/}" \
			>/dev/null || fail "wire-tool rejects --stdout $topic"
	done <"$T/once.out"
fi

# Without device, the id is the host name made valid (under --root, the
# captured machine's).
printf '[agent]\nsite = asriloka\n' >"$T/nodev.conf"
topic=$("$AGENT" -c "$T/nodev.conf" --root "$AGENT_ROOT" --once --stdout \
	2>/dev/null | head -1 | cut -f1)
case $AGENT_ROOT in
*/desktop) want=pc-lab-03 ;;
*) want=$(hostname | cut -d. -f1 | tr 'A-Z' 'a-z') ;;
esac
[ "$topic" = "pantau/v1/asriloka/$want/metrics" ] ||
	fail "default device: $topic, want pantau/v1/asriloka/$want/metrics"

# --once: one round through spool and broker, then a clean exit.
before=$(metrics_count "$T/sub.log")
"$AGENT" -d -c "$T/agent.conf" --root "$AGENT_ROOT" --once \
	>"$T/once2.log" 2>&1 || fail "--once failed: $(cat "$T/once2.log")"
wait_for 5 sh -c "[ \$(grep -c '/metrics ' '$T/sub.log') -gt $before ]" ||
	fail "--once published nothing"
[ "$(retained_status)" = offline ] || fail "--once did not say offline at exit"

pass "contract fields, minimum metrics, will, --once, --stdout"
