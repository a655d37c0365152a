# tests/integration/netns-lib.sh: network namespaces for the link tests.
#
# Source it after lib.sh.  Every namespace is named "$NETNS_PREFIX-NAME"
# (NETNS_PREFIX is pt<pid>, unique per run) and is deleted on exit, after the
# processes started with `spawn` are stopped.  No namespace gets a link to
# the host's namespace, so nothing a test sends can leave: use private
# addresses (10.200.0.0/16, fd00:200::/32) and they exist only in there.
#
#   netns_require          skip (77) unless root with working netns and
#                          /dev/net/tun; call first
#   netns_new NAME...      make namespaces, loopback up
#   netns_exec NAME CMD... run CMD inside namespace NAME
#   netns_link A IFA ADDRA B IFB ADDRB
#                          a veth pair IFA in A (ADDRA, CIDR) <-> IFB in B
#                          (ADDRB); an IPv6 address (with ':') is added
#                          nodad; ADDR "-" adds none
#   netns_addr NAME IF ADDR add one more address (e.g. IPv6) to IF
#   netns_route NAME DEST VIA   ip route add DEST via VIA ("default" works)
#   netns_forward NAME     make NAME a router (v4 and v6 forwarding, no
#                          rp_filter, no redirects)
#   netns_ping_allow NAME  allow unprivileged ICMP ping sockets for every
#                          gid in NAME (net.ipv4.ping_group_range is per
#                          namespace and "1 0" = off by default)
#   netns_impair ROUTER TARGET OUT_IF DELAY_MS LOSS_PCT [SEED]
#                          delay/drop what ROUTER forwards to the host
#                          address TARGET (leaving through OUT_IF, which
#                          must carry only that target's traffic): tc netem
#                          when the kernel has it, else netns-impair.py on a
#                          TUN with policy routing.  Sets IMPAIR_KIND
#                          (netem|userspace) and IMPAIR_STATS (the
#                          userspace impairer's stats file, else empty)
#   netns_dnsmasq NAME ADDR DOMAIN=IP...
#                          spawn dnsmasq in NAME answering on ADDR:53 for
#                          each DOMAIN (and its subdomains) with IP, nothing
#                          else (no upstream); sets DNSMASQ_PID
#   netns_mosquitto NAME ADDR [PORT]
#                          spawn a broker in NAME listening on ADDR:PORT
#                          (1883), for agents in other namespaces routed
#                          to it and a collector beside it; sets
#                          NETNS_MQTT_PID
#   netns_cleanup          stop spawned processes, delete the namespaces
#                          (installed on EXIT; call it yourself only to
#                          tear down early)

NETNS_PREFIX="pt$$"
NETNS_LIST=""
NETNS_TUNS=0
IMPAIR_KIND=""
IMPAIR_STATS=""
NETNS_IMPAIR="$top_srcdir/tests/integration/netns-impair.py"

netns_require() {
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: network namespaces need root"; exit 77; }
	command -v ip >/dev/null 2>&1 || { echo "SKIP: no ip(8)"; exit 77; }
	if ! ip netns add "$NETNS_PREFIX-probe" 2>/dev/null; then
		echo "SKIP: cannot create a network namespace here"
		exit 77
	fi
	ip netns del "$NETNS_PREFIX-probe"
	[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
	command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
}

netns_cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for n in $NETNS_LIST; do
		ip netns del "$NETNS_PREFIX-$n" 2>/dev/null || true
	done
	NETNS_LIST=""
}

# Runs before lib.sh's cleanup, keeping the exit status it reports.
netns_on_exit() {
	netns_status=$?
	netns_cleanup
	(exit $netns_status)
	cleanup
}
trap netns_on_exit EXIT

netns_new() {
	for n in "$@"; do
		ip netns add "$NETNS_PREFIX-$n" || fail "ip netns add $n"
		NETNS_LIST="$NETNS_LIST $n"
		ip -n "$NETNS_PREFIX-$n" link set lo up
	done
}

netns_exec() {
	nsn=$1; shift
	ip netns exec "$NETNS_PREFIX-$nsn" "$@"
}

netns_addr() {
	case $3 in
	-) ;;
	*:*) ip -n "$NETNS_PREFIX-$1" -6 addr add "$3" dev "$2" nodad ||
		fail "address $3 on $1/$2" ;;
	*) ip -n "$NETNS_PREFIX-$1" addr add "$3" dev "$2" ||
		fail "address $3 on $1/$2" ;;
	esac
}

netns_link() {
	ip -n "$NETNS_PREFIX-$1" link add "$2" type veth peer name "$5" \
	    netns "$NETNS_PREFIX-$4" || fail "veth $1/$2 <-> $4/$5"
	netns_addr "$1" "$2" "$3"
	netns_addr "$4" "$5" "$6"
	ip -n "$NETNS_PREFIX-$1" link set "$2" up
	ip -n "$NETNS_PREFIX-$4" link set "$5" up
}

netns_route() {
	fam=-4
	case "$2$3" in *:*) fam=-6 ;; esac
	ip -n "$NETNS_PREFIX-$1" $fam route add "$2" via "$3" ||
		fail "route $2 via $3 in $1"
}

netns_forward() {
	netns_exec "$1" sysctl -qw net.ipv4.ip_forward=1 \
	    net.ipv6.conf.all.forwarding=1 \
	    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
	    net.ipv4.conf.all.send_redirects=0 \
	    net.ipv4.conf.default.send_redirects=0 >/dev/null ||
		fail "forwarding in $1"
}

netns_ping_allow() {
	netns_exec "$1" sysctl -qw net.ipv4.ping_group_range="0 2147483647" ||
		fail "ping_group_range in $1"
}

# netem on OUT_IF when the kernel has it; the probe qdisc is replaced by the
# real one.  Otherwise a TUN "tiN" in ROUTER: the main table sends TARGET
# into it, netns-impair.py delays/drops and writes the packets back, and a
# rule for packets coming in from tiN looks TARGET up in table 100+N, which
# says "out of OUT_IF".
netns_impair() {
	r=$1 tgt=$2 oif=$3 dms=$4 lpct=$5 seed=${6:-14}
	rn="$NETNS_PREFIX-$r"
	if ip -n "$rn" link add pt-netem-probe type dummy 2>/dev/null &&
	   tc -n "$rn" qdisc add dev pt-netem-probe root netem delay 1ms \
	   2>/dev/null; then
		ip -n "$rn" link del pt-netem-probe
		tc -n "$rn" qdisc add dev "$oif" root netem \
		    delay "${dms}ms" loss "${lpct}%" ||
			fail "netem on $r/$oif"
		IMPAIR_KIND=netem
		IMPAIR_STATS=""
		note "impairment: tc netem on $r/$oif: ${dms} ms, ${lpct}% loss"
		return 0
	fi
	ip -n "$rn" link del pt-netem-probe 2>/dev/null || true
	NETNS_TUNS=$((NETNS_TUNS + 1))
	tun="ti$NETNS_TUNS"
	table=$((100 + NETNS_TUNS))
	fam=-4 plen=32
	case $tgt in *:*) fam=-6 plen=128 ;; esac
	ip -n "$rn" tuntap add dev "$tun" mode tun || fail "tuntap in $r"
	netns_exec "$r" sysctl -qw "net.ipv4.conf.$tun.rp_filter=0" \
	    "net.ipv6.conf.$tun.disable_ipv6=0" >/dev/null 2>&1 || true
	ip -n "$rn" link set "$tun" up
	ip -n "$rn" $fam route add "$tgt/$plen" dev "$tun" ||
		fail "route $tgt into $tun"
	ip -n "$rn" $fam route add "$tgt/$plen" dev "$oif" table "$table" ||
		fail "route $tgt out of $oif (table $table)"
	ip -n "$rn" $fam rule add iif "$tun" lookup "$table" pref 100 ||
		fail "rule iif $tun"
	IMPAIR_STATS="$T/impair-$tun.stats"
	spawn "impair-$tun" ip netns exec "$rn" python3 "$NETNS_IMPAIR" \
	    "$tun" "$dms" "$lpct" --dst "$tgt" --seed "$seed" --stats "$IMPAIR_STATS"
	wait_for 10 test -s "$IMPAIR_STATS" ||
		fail "netns-impair.py did not start on $tun"
	IMPAIR_KIND=userspace
	note "impairment: userspace (no sch_netem): netns-impair.py on $r/$tun" \
	    "for $tgt: ${dms} ms, ${lpct}% loss, seed $seed"
}

netns_dnsmasq() {
	dn=$1 daddr=$2; shift 2
	dargs=""
	for m in "$@"; do
		dargs="$dargs --address=/${m%%=*}/${m#*=}"
	done
	command -v dnsmasq >/dev/null 2>&1 ||
		{ echo "SKIP: no dnsmasq (Debian dnsmasq-base)"; exit 77; }
	# shellcheck disable=SC2086
	spawn "dnsmasq-$dn" ip netns exec "$NETNS_PREFIX-$dn" dnsmasq -k \
	    --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
	    --bind-interfaces --listen-address="$daddr" --port=53 \
	    --user=root --group=root --pid-file= --log-facility=- \
	    --log-queries $dargs
	DNSMASQ_PID=$SPAWNED
	wait_for 10 sh -c "ip netns exec '$NETNS_PREFIX-$dn' ss -lnu |
	    grep -q -- '$daddr\]*:53 '" ||
		fail "dnsmasq did not listen on $daddr:53 in $dn"
}

netns_mosquitto() {
	mn=$1 maddr=$2 mport=${3:-1883}
	mkdir -p "$T/mosquitto-$mn"
	{
		echo "listener $mport $maddr"
		echo "allow_anonymous true"
		echo "persistence false"
		echo "log_dest stderr"
		[ "$(id -u)" -eq 0 ] && echo "user root"
	} >"$T/mosquitto-$mn/mosquitto.conf"
	spawn "mosquitto-$mn" ip netns exec "$NETNS_PREFIX-$mn" \
	    "${MOSQUITTO:-mosquitto}" -c "$T/mosquitto-$mn/mosquitto.conf"
	NETNS_MQTT_PID=$SPAWNED
	wait_for 10 ip netns exec "$NETNS_PREFIX-$mn" mosquitto_pub -h "$maddr" \
	    -p "$mport" -t pantau/ping -n ||
		fail "mosquitto did not start on $maddr:$mport in $mn"
}
