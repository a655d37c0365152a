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
# (ICMP for every target but the one configured tcp:80).
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
netns_ping_allow agent

netns_impair router 10.200.1.2 t1 100 0
netns_impair router 10.200.2.2 t2 0 30
LOSS_KIND=$IMPAIR_KIND
netns_dnsmasq dns 10.200.4.2 test.example=10.200.9.9

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

# Round 1 may start mid-way through the impairers' first block; use the
# four after it.
note "namespaces ready after $(($(date +%s) - T0)) s"
wait_for 40 have_rounds 5 || {
	cat "$T/agent.err" >&2
	fail "fewer than 4 link rounds in 40 s"
}
link_values >"$T/before"
note "4 rounds after $(($(date +%s) - T0)) s"
note "link metrics of the first rounds:"
awk '$1 == a { print "#   " $0 } NR == 1 { a = $1 }' "$T/before" | head -20

# Values of NAME in the rounds after the first, one per line.
vals() { awk -v n="$1" 'NR == 1 { first = $1 } $2 == n && $1 != first { print $3 }' "$T/before"; }
in_range() { # NAME LO HI: every value after the first round in [LO, HI]
	v=$(vals "$1")
	[ -n "$v" ] || fail "$1: never sent"
	echo "$v" | awk -v lo="$2" -v hi="$3" -v n="$1" '
	    { if ($1 < lo || $1 > hi) { print "FAIL: " n " = " $1 " not in [" lo ", " hi "]"; bad = 1 } }
	    END { exit bad }' >&2 || exit 1
	note "$1: $(echo $v | tr '\n' ' ')(in [$2, $3])"
}

in_range link.10_200_1_2.rtt_ms 95 140
in_range link.10_200_1_2.rtt_min_ms 95 140
in_range link.10_200_1_2.loss_pct 0 0
in_range link.10_200_1_2.up 1 1
# The loss bound.  Userspace: the impairer drops exactly 3 of every 10
# packets it sees (a seeded pattern, netns-impair.py), and only the probes
# reach it, so 20 probes a round lose exactly 6 = 30 %; a round may start
# one packet off a block boundary only if some stray packet went through,
# which moves one loss in or out: 25..35.  netem drops at random: one
# round of 20 is binomial (sd 10 %), so it is the mean of four rounds
# (80 probes, sd 5.1 %) that must lie within 2.9 sd: 15..45.
if [ "$LOSS_KIND" = userspace ]; then
	in_range link.10_200_2_2.loss_pct 25 35
else
	mean=$(vals link.10_200_2_2.loss_pct | awk '{ s += $1; n++ } END { printf "%.1f", s / n }')
	note "link.10_200_2_2.loss_pct mean over $(vals link.10_200_2_2.loss_pct | wc -l) rounds: $mean (netem)"
	awk -v m="$mean" 'BEGIN { exit !(m >= 15 && m <= 45) }' ||
		fail "netem loss mean $mean not in [15, 45]"
fi
in_range link.10_200_2_2.up 1 1
in_range link.10_200_2_2.rtt_ms 0 50
in_range link.gateway.up 1 1
in_range link.gateway.loss_pct 0 0
in_range link.gateway.rtt_ms 0 50
in_range link.10_200_3_2.up 1 1
in_range link.10_200_3_2.loss_pct 0 0
in_range link.fd00_200_3_2.up 1 1
in_range link.fd00_200_3_2.loss_pct 0 0
in_range dns.10_200_4_2.ok 1 1
in_range dns.10_200_4_2.ms 0 500
in_range dns.10_200_4_3.ok 0 0
[ -z "$(vals dns.10_200_4_3.ms)" ] || fail "dns.10_200_4_3.ms sent without an answer"
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
