#!/bin/sh
# 176-internet-netns.sh: the site's internet state (issue 14,
# docs/internet.md) from two real agents probing through a router, in
# network namespaces made here, through a real mosquitto and
# pantau-collector: the site goes down only when every agent of the site
# loses the internet, never when one PC loses its own link.
#
#   pc1 eth0 10.200.1.2 ---- 10.200.1.1 a1 \
#                                           rtr  t0 10.200.9.1 ---- isp
#   pc2 eth0 10.200.2.2 ---- 10.200.2.1 a2 /       10.200.9.2 (the target,
#                                                   dnsmasq)
#   pc1 m0 10.200.101.2 ---- 10.200.101.1 m1 \
#                                              srv  10.200.100.1 (lo):
#   pc2 m0 10.200.102.2 ---- 10.200.102.1 m2 /      mosquitto, collector
#                                                   (HTTP 127.0.0.1:8080)
#
# Each PC has its own gateway (its own veth to the router) and reaches the
# broker by a second link that does not go through the router, so that
# cutting a PC's gateway leaves its reports flowing (no spool replay).
# Nothing links any namespace to the host's: every probe stays in here.
#  1. both agents reach 10.200.9.2: the site is up;
#  2. the router's side of pc-01's link goes down: pc-01 reports
#     link.gateway.up = 0 (a local fault) while pc-02 still reaches the
#     target: the site stays up, no down period is ever recorded;
#  3. pc-01's link back, the router's link to the ISP side goes down: both
#     keep their gateways and lose the target: down (reason cut) within a
#     few rounds, and internet_down fires;
#  4. the link back: up again, the alert resolved.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/netns-lib.sh"

netns_require
. "$top_srcdir/tests/integration/collector-lib.sh"
AGENT="$top_builddir/agent/pantau-agent"
[ -x "$AGENT" ] || fail "no $AGENT"
S0=$(date +%s)
INTERVAL=2
sql() { sqlite3 -cmd '.timeout 5000' "$DATA/pantau.db" "$1"; }
elapsed() { echo "$(($(date +%s) - S0)) s"; }

netns_new rtr isp srv pc1 pc2
netns_link pc1 eth0 10.200.1.2/24 rtr a1 10.200.1.1/24
netns_link pc2 eth0 10.200.2.2/24 rtr a2 10.200.2.1/24
netns_link rtr t0 10.200.9.1/24 isp eth0 10.200.9.2/24
netns_link pc1 m0 10.200.101.2/24 srv m1 10.200.101.1/24
netns_link pc2 m0 10.200.102.2/24 srv m2 10.200.102.1/24
netns_addr srv lo 10.200.100.1/32
netns_forward rtr
netns_route pc1 default 10.200.1.1
netns_route pc2 default 10.200.2.1
netns_route pc1 10.200.100.1 10.200.101.1
netns_route pc2 10.200.100.1 10.200.102.1
netns_route isp default 10.200.9.1
netns_ping_allow pc1
netns_ping_allow pc2
netns_dnsmasq isp 10.200.9.2 test.example=10.200.9.9
netns_mosquitto srv 10.200.100.1 1883

# Every message the agents send, for the checks on what pc-01 saw.
spawn sub ip netns exec "$NETNS_PREFIX-srv" mosquitto_sub -h 10.200.100.1 \
    -t 'pantau/v1/desa/+/metrics' -v
SUB_LOG="$T/sub.log"

mkdir -p "$DATA"
cat >"$T/collector.conf" <<EOF
[collector]
data_dir = $DATA
log_level = debug

[mqtt]
host = 10.200.100.1
port = 1883
client_id = pantau-collector-test
keepalive = 10

[http]
listen = 127.0.0.1:8080

[internet]
stale_intervals = 2
down_for = 0
EOF
collector_token
spawn collector ip netns exec "$NETNS_PREFIX-srv" "$COLLECTOR" -d \
    -c "$T/collector.conf"
COLLECTOR_PID=$SPAWNED
wait_for 20 grep -q 'mqtt: connected' "$T/collector.log" || {
	tail -20 "$T/collector.log" >&2
	fail "pantau-collector did not connect to the broker in srv"
}

for i in 1 2; do
	cat >"$T/agent$i.conf" <<EOF
[agent]
site = desa
device = pc-0$i
interval = $INTERVAL
spool_dir = $T/spool$i

[mqtt]
host = 10.200.100.1
port = 1883

[link]
targets = 10.200.9.2
gateway = yes
resolvers = 10.200.9.2
dns_name = test.example
probes = 3
spacing_ms = 50
timeout_ms = 400
dns_timeout_ms = 500
EOF
	"$AGENT" -n -c "$T/agent$i.conf" || fail "agent $i: config refused"
	spawn "agent$i" ip netns exec "$NETNS_PREFIX-pc$i" "$AGENT" -d \
	    -c "$T/agent$i.conf"
done

# One python per poll (its start is most of a poll's cost on a loaded
# machine): GET /api/v1/internet answers the site as "STATE REASONS
# LAST_SEEN"; GET /api/v1/alerts?state=S its internet_down alerts, one
# line each.
cat >"$T/api.py" <<'PY'
import json, os, sys, urllib.request
what = sys.argv[1]
url = "http://127.0.0.1:8080/api/v1/" + (
    "internet?site=desa" if what == "internet" else
    "alerts?site=desa&state=" + sys.argv[2])
req = urllib.request.Request(url, headers={
    "Authorization": "Bearer " + os.environ["PANTAU_TEST_TOKEN"]})
d = json.load(urllib.request.urlopen(req, timeout=5))
if what == "internet":
    for x in d["sites"]:
        if x["site"] == "desa":
            print(x["state"], ",".join(x["reasons"]) or "-", x["last_seen"])
else:
    for a in d["alerts"]:
        if a["rule"] == "internet_down":
            print(a["id"], a["state"], a["started_at"], a["text"])
PY
site() { netns_exec srv python3 "$T/api.py" internet; }
# state_is STATE [AFTER]: the site is STATE as of a round after AFTER.
state_is() {
	st=$(site) || return 1
	[ -n "$st" ] || return 1
	set -- "$1" "${2:-0}" $st
	[ "$3" = "$1" ] && [ "$5" -gt "$2" ]
}
# DEVICE GAUGE VALUE AFTER: a round of DEVICE stamped after AFTER has
# GAUGE = VALUE (what the collector received, from the broker).
saw() {
	python3 - "$SUB_LOG" "$@" <<'PY'
import json, sys
log, dev, gauge, want, after = sys.argv[1:]
for line in open(log, errors="replace"):
    topic, _, payload = line.rstrip("\n").partition(" ")
    if topic != "pantau/v1/desa/%s/metrics" % dev:
        continue
    try:
        m = json.loads(payload)
    except ValueError:
        continue
    if m["ts"] > int(after) and m.get("gauges", {}).get(gauge) == float(want):
        sys.exit(0)
sys.exit(1)
PY
}
alerts() { netns_exec srv python3 "$T/api.py" alerts "$1"; }
nalerts() { [ "$(alerts "$1" | wc -l)" -eq "$2" ]; }
downs() { sql "SELECT count(*) FROM internet_state WHERE site = 'desa' AND state = 'down'"; }
periods() {
	sql "SELECT group_concat(state || '(' || reasons || ')@' || since || '-' ||
ifnull(until, ''), ' ') FROM
(SELECT * FROM internet_state WHERE site = 'desa' ORDER BY since, id)"
}

# 1. both up
wait_for 30 state_is up || fail "site not up after 30 s: $(site); $(periods)"
wait_for 10 saw pc-01 link.10_200_9_2.up 1 0 || fail "pc-01 never reached the target"
wait_for 10 saw pc-02 link.10_200_9_2.up 1 0 || fail "pc-02 never reached the target"
note "1. up after $(elapsed): $(site)"

# 2. pc-01's own link: its gateway goes away, pc-02 still reaches
cut=$(date +%s)
ip -n "$NETNS_PREFIX-rtr" link set a1 down
wait_for 20 saw pc-01 link.gateway.up 0 "$cut" ||
	fail "pc-01 did not report its gateway down"
wait_for 10 saw pc-01 link.10_200_9_2.up 0 "$cut" ||
	fail "pc-01 did not report the target down"
note "2. pc-01 reports its gateway down after $(($(date +%s) - cut)) s"
# two more rounds after pc-01's first one without its gateway
late=$(($(date +%s) + 2 * INTERVAL))
wait_for 20 state_is up "$late" ||
	fail "site not up with pc-01's link cut: $(site); $(periods)"
saw pc-02 link.10_200_9_2.up 1 "$late" || fail "pc-02 lost the target too"
[ "$(downs)" = 0 ] || fail "down with only pc-01's link cut: $(periods)"
nalerts firing 0 || fail "an alert with only pc-01's link cut: $(alerts firing)"
note "2. pc-01's link cut: $(site) after $(elapsed)"

# 3. pc-01 back; then the ISP side goes away for both
restored=$(date +%s)
ip -n "$NETNS_PREFIX-rtr" link set a1 up
wait_for 20 saw pc-01 link.10_200_9_2.up 1 "$restored" ||
	fail "pc-01 did not reach the target again"
wait_for 10 state_is up "$(date +%s)" ||
	fail "site not up after pc-01's link came back: $(site)"
[ "$(downs)" = 0 ] || fail "down before the ISP side was cut: $(periods)"
cut=$(date +%s)
ip -n "$NETNS_PREFIX-rtr" link set t0 down
wait_for 20 state_is down "$cut" ||
	fail "site not down 20 s after the ISP side was cut: $(site); $(periods)"
took=$(($(date +%s) - cut))
[ "$(site | cut -d' ' -f2)" = cut ] || fail "down, reasons: $(site)"
saw pc-01 link.gateway.up 1 "$cut" || fail "pc-01 lost its gateway too"
saw pc-02 link.gateway.up 1 "$cut" || fail "pc-02 lost its gateway too"
wait_for 15 nalerts firing 1 || fail "internet_down not firing: $(alerts firing)"
# both agents counted, neither reaching, both gateways answering
case $(alerts firing) in
*"internet 0/2 PC, gateway 2/2 PC"*) ;;
*) fail "internet_down text: $(alerts firing)" ;;
esac
[ "$(sql "SELECT agents FROM internet_state WHERE site = 'desa' AND
state = 'down'")" = 2 ] || fail "agents of the down period: not 2"
note "3. ISP side cut at $cut: $(site) after $took s, alert $(alerts firing)"

# 4. back
restored=$(date +%s)
ip -n "$NETNS_PREFIX-rtr" link set t0 up
wait_for 20 state_is up "$restored" ||
	fail "site not up 20 s after the link came back: $(site); $(periods)"
wait_for 15 nalerts firing 0 || fail "internet_down still firing: $(alerts firing)"
nalerts resolved 1 || fail "internet_down not resolved: $(alerts resolved)"
[ "$(downs)" = 1 ] || fail "down periods: $(periods)"
note "4. restored: $(site), alert $(alerts resolved); periods: $(periods)"

kill -0 "$COLLECTOR_PID" || fail "the collector died"
note "done after $(elapsed)"
pass "two real agents: one PC's link cut keeps the site up, the ISP side cut makes it down and alerts, and back"
