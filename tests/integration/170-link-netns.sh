#!/bin/sh
# 170-link-netns.sh: the agent's link probes (issue 14) in network
# namespaces made here, so that no probe ever leaves them: nothing links
# them to the host's namespace and every address is private.
#
#   agent  10.200.0.2 ---- 10.200.0.1 router --- 10.200.1.2 slow   +100 ms
#          fd00:200::2                        --- 10.200.2.2 lossy  30 % loss
#                                             --- 10.200.3.2 cut    (tcp:80,
#                                                 fd00:200:3::2      and v6)
#                                             --- 10.200.4.2 dns    dnsmasq
#
# Delay and loss are added on the router, on the way to the target: by tc
# netem where the kernel has it, else by tests/integration/netns-impair.py
# (a userspace netem on a TUN device); the output says which ran.  The
# agent runs with --stdout in its namespace, ping sockets allowed there
# after the first check (ICMP for every target but the one configured
# tcp:80).
#  - without ping sockets (--once, before they are allowed) the agent says
#    so once and probes with TCP, and still measures the 100 ms;
#  - slow: link.10_200_1_2.rtt_ms is 100 ms give or take (95..140);
#  - lossy: link.10_200_2_2.loss_pct is 30 % (see the bound below);
#  - the gateway is up with a small rtt; IPv6 fd00:200:3::2 is up;
#  - dns.10_200_4_2.ok is 1 with a time (dnsmasq answers test.example),
#    dns.10_200_4_3.ok is 0 and without a time (nobody there);
#  - the inventory carries the labels (link.gateway is 10.200.0.1,
#    link.fd00_200_3_2 is fd00:200:3::2);
#  - the router's link to "cut" goes down: its targets report up = 0 in a
#    round that started at most two rounds after the cut, while the
#    others stay up.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/netns-lib.sh"

netns_require
T0=$(date +%s)
AGENT="$top_builddir/agent/pantau-agent"
[ -x "$AGENT" ] || fail "no $AGENT"
INTERVAL=2

netns_new agent router slow lossy cut dns
netns_link agent eth0 10.200.0.2/24 router a0 10.200.0.1/24
netns_addr agent eth0 fd00:200::2/64
netns_addr router a0 fd00:200::1/64
netns_link router t1 10.200.1.1/24 slow eth0 10.200.1.2/24
netns_link router t2 10.200.2.1/24 lossy eth0 10.200.2.2/24
netns_link router t3 10.200.3.1/24 cut eth0 10.200.3.2/24
netns_addr router t3 fd00:200:3::1/64
netns_addr cut eth0 fd00:200:3::2/64
netns_link router t4 10.200.4.1/24 dns eth0 10.200.4.2/24
netns_forward router
netns_route agent default 10.200.0.1
netns_route agent default fd00:200::1
for n in slow lossy cut dns; do
	i=$(case $n in slow) echo 1;; lossy) echo 2;; cut) echo 3;; dns) echo 4;; esac)
	netns_route $n default 10.200.$i.1
done
netns_route cut default fd00:200:3::1

netns_impair router 10.200.1.2 t1 100 0
netns_impair router 10.200.2.2 t2 0 30
LOSS_KIND=$IMPAIR_KIND
netns_dnsmasq dns 10.200.4.2 test.example=10.200.9.9

# Ping sockets are not allowed yet (a new namespace has "1 0"): one round
# with --once falls back to TCP (port 443, refused, which is an answer),
# says so once, and still sees the 100 ms.  Not through "lossy": its
# impairer's pattern is kept for the ICMP rounds below.
cat >"$T/once.conf" <<EOF
[agent]
site = lab
device = pc-01
interval = $INTERVAL
spool_dir = $T/spool
[link]
targets = 10.200.1.2
probes = 5
spacing_ms = 40
timeout_ms = 400
EOF
netns_exec agent "$AGENT" -d -c "$T/once.conf" --once --stdout \
    >"$T/once.out" 2>"$T/once.err" || fail "--once failed"
grep -q 'ICMP ping sockets are not allowed for group 0 (net.ipv4.ping_group_range is "1.0")' \
    "$T/once.err" || fail "no word of the TCP fallback"
[ "$(grep -c 'ICMP ping sockets are not allowed' "$T/once.err")" -eq 1 ] ||
	fail "the TCP fallback logged more than once"
once_v() {
	tr ',{}' '\n\n\n' <"$T/once.out" | sed -n "s/^\"$1\"://p"
}
[ "$(once_v link.gateway.up)" = 1 ] || fail "--once (TCP): gateway not up"
v=$(once_v link.10_200_1_2.rtt_ms)
awk -v v="$v" 'BEGIN { exit !(v != "" && v >= 95 && v <= 140) }' ||
	fail "--once (TCP): link.10_200_1_2.rtt_ms = '$v', not in [95, 140]"
note "TCP fallback (--once): link.10_200_1_2.rtt_ms $v, gateway up"

netns_ping_allow agent

# 20 probes 40 ms apart, 400 ms timeout: a round takes 1.2 s of the 2 s.
cat >"$T/agent.conf" <<EOF
[agent]
site = lab
device = pc-01
interval = $INTERVAL
spool_dir = $T/spool
log_level = debug

[link]
targets = 10.200.1.2, 10.200.2.2, 10.200.3.2, fd00:200:3::2
method.10_200_3_2 = tcp:80
resolvers = 10.200.4.2, 10.200.4.3
dns_name = test.example
probes = 20
spacing_ms = 40
timeout_ms = 400
dns_timeout_ms = 1000
EOF
"$AGENT" -n -c "$T/agent.conf" || fail "config refused"
spawn agent sh -c "exec ip netns exec '$NETNS_PREFIX-agent' '$AGENT' -d \
    -c '$T/agent.conf' --stdout >'$T/agent.out' 2>'$T/agent.err'"
AGENT_PID=$SPAWNED

# Prints "TS NAME VALUE" for every link/dns gauge the agent sent so far.
link_values() {
	python3 - "$T/agent.out" <<'EOF'
import json, sys
for line in open(sys.argv[1], errors="replace"):
    topic, _, payload = line.rstrip("\n").partition("\t")
    if not topic.endswith("/metrics"):
        continue
    try:
        m = json.loads(payload)
    except ValueError:
        continue
    for k, v in sorted(m.get("gauges", {}).items()):
        if k.startswith(("link.", "dns.")):
            print(m["ts"], k, v)
EOF
}
# Cheap enough to poll: one grep, no python.
have_rounds() { [ "$(grep -c '"link.gateway.up"' "$T/agent.out")" -ge "$1" ]; }

# The first round is left out of the checks (the agent has just started
# and the machine may be busy); the three after it are checked.
note "namespaces ready after $(($(date +%s) - T0)) s"
wait_for 40 have_rounds 4 || {
	cat "$T/agent.err" >&2
	fail "fewer than 4 link rounds in 40 s"
}
link_values >"$T/before"
note "4 rounds after $(($(date +%s) - T0)) s"
note "link metrics of the first rounds:"
awk '$1 == a { print "#   " $0 } NR == 1 { a = $1 }' "$T/before" | head -20

# Every value of each NAME in the rounds after the first must lie in
# [LO, HI]; one python run for all (cheap on a loaded machine).  The loss
# bound: userspace, the impairer drops exactly 3 of every 10 packets it
# sees (a seeded pattern, netns-impair.py) and only the probes reach it,
# so 20 probes a round lose exactly 6 = 30 %; a round could start one
# packet off a block boundary only if a stray packet went through, which
# moves one loss in or out: 25..35.  netem drops at random: one round of
# 20 is binomial (sd 10 %), so it is the mean of the three rounds (60
# probes, sd 5.9 %) that must lie within 3 sd: 12..48.
if [ "$LOSS_KIND" = userspace ]; then
	loss_check="link.10_200_2_2.loss_pct 25 35"
else
	loss_check="mean:link.10_200_2_2.loss_pct 12 48"
fi
python3 - "$T/before" <<EOF || exit 1
import sys
rows = [l.split() for l in open(sys.argv[1])]
first = rows[0][0]
vals = {}
for ts, name, v in rows:
    if ts != first:
        vals.setdefault(name, []).append(float(v))
checks = """
link.10_200_1_2.rtt_ms 95 140
link.10_200_1_2.rtt_min_ms 95 140
link.10_200_1_2.loss_pct 0 0
link.10_200_1_2.up 1 1
$loss_check
link.10_200_2_2.up 1 1
link.10_200_2_2.rtt_ms 0 50
link.gateway.up 1 1
link.gateway.loss_pct 0 0
link.gateway.rtt_ms 0 50
link.10_200_3_2.up 1 1
link.10_200_3_2.loss_pct 0 0
link.fd00_200_3_2.up 1 1
link.fd00_200_3_2.loss_pct 0 0
dns.10_200_4_2.ok 1 1
dns.10_200_4_2.ms 0 500
dns.10_200_4_3.ok 0 0
absent:dns.10_200_4_3.ms 0 0
"""
bad = 0
for line in checks.split("\n"):
    if not line.strip():
        continue
    name, lo, hi = line.split()
    kind, _, name = name.rpartition(":")
    v = vals.get(name, [])
    if kind == "absent":
        ok = not v
    elif kind == "mean":
        ok = bool(v) and float(lo) <= sum(v) / len(v) <= float(hi)
        v = v + ["mean %.1f" % (sum(v) / len(v))] if v else v
    else:
        ok = bool(v) and all(float(lo) <= x <= float(hi) for x in v)
    print("%s %s: %s (in [%s, %s])" % ("#" if ok else "FAIL:", name,
          " ".join("%g" % x if isinstance(x, float) else x for x in v) or "none",
          lo, hi))
    bad |= not ok
sys.exit(bad)
EOF
grep -q 'ICMP ping sockets are not allowed' "$T/agent.err" &&
	fail "the agent fell back to TCP though ping sockets are allowed"

# The inventory names the parts.
grep '/inventory	' "$T/agent.out" | tail -1 | python3 -c '
import json, sys
line = sys.stdin.read()
inv = json.loads(line.split("\t", 1)[1])
want = {"link.gateway": "10.200.0.1", "link.10_200_1_2": "10.200.1.2",
        "link.fd00_200_3_2": "fd00:200:3::2", "dns.10_200_4_2": "10.200.4.2",
        "dns.10_200_4_3": "10.200.4.3"}
got = inv.get("labels", {})
bad = {k: got.get(k) for k in want if got.get(k) != want[k]}
sys.exit("FAIL: inventory labels %r" % bad if bad else 0)' || exit 1

# Cut the link to "cut": every round that started after the next one
# must say up = 0 for both its targets.
cut_at=$(date +%s)
ip -n "$NETNS_PREFIX-router" link set t3 down
limit=$(( (cut_at / INTERVAL + 2) * INTERVAL ))
cut_down() {
	sleep 0.4
	link_values | awk -v l="$limit" '$1 >= l && $2 == "link.10_200_3_2.up" && $3 == 0' | grep -q .
}
wait_for 20 cut_down || fail "link.10_200_3_2.up not 0 in a round from $limit on"
link_values >"$T/after"
awk -v c="$cut_at" -v l="$limit" '
    $1 >= l && ($2 ~ /^link\.(10_200_3_2|fd00_200_3_2)\.up$/) && $3 != 0 { print "FAIL: " $0 " after the cut"; bad = 1 }
    $1 >= l && ($2 ~ /^link\.(gateway|10_200_1_2|10_200_2_2)\.up$/) && $3 != 1 { print "FAIL: " $0 " after the cut"; bad = 1 }
    END { exit bad }' "$T/after" >&2 || exit 1
first_down=$(awk -v c="$cut_at" '$1 >= c && $2 == "link.10_200_3_2.up" && $3 == 0 { print $1; exit }' "$T/after")
note "cut at $cut_at: link.10_200_3_2.up = 0 from the round of $first_down (limit $limit)"
awk -v l="$limit" '$1 >= l && $2 ~ /^link\.(10_200_3_2|fd00_200_3_2)\./' "$T/after" | head -6 | sed 's/^/#   /'

[ -n "$IMPAIR_STATS" ] && note "impairer: $(cat "$T"/impair-*.stats | tr '\n' ' ')"
kill -0 "$AGENT_PID" || fail "the agent died"
note "done after $(($(date +%s) - T0)) s"
pass "link probes: delay, loss, gateway, IPv6, DNS and a cut link as expected ($LOSS_KIND impairment)"
