#!/bin/sh
# bench/30-snmp-500.sh: one polling round of 500 printers and switches
# (issue 4), by pantau-agent, by collectd's snmp plugin and by net-snmp's
# own command-line tools run one after the other, against the same
# simulated devices in the same run.  Run it through bench/run:
# bench/run _build 30-snmp.  docs/bench.md ("SNMP") explains the method
# and keeps the last table.
#
# The devices: SNMP_BENCH_DEVICES (500), made from the test fixtures
# (tests/fixtures/snmpsim: printer-mono, printer-color, switch24): half
# printers (mono and colour in turn), half 24-port switches, each under
# its own community (p0001, s0002, ...).  The simulator, SNMP_BENCH_SIM:
#   snmpd    (default) one net-snmp snmpd per fixture, serving exactly the
#            fixture's variables (bench/snmp/snmprec2snmpd turns the data
#            file into "override" lines; only the override module runs).
#   snmpsim  SNMP_BENCH_SIMS (2) snmpsim processes sharing the data files.
#            snmpsim (Python) answers a 40-variable GETBULK in about 25 ms
#            of CPU: a round of 500 devices costs it minutes of CPU, far
#            more than any poller, and every poller's devices/s is then
#            snmpsim's.  Kept to show that (docs/bench.md).
#            With snmpd, SNMP_BENCH_SNMPD_PER (50) devices per process.
# The simulators' CPU time in each phase is printed (# lines).
#   pantau    pantau-agent --once --stdout with one [device] section per
#             device (SNMPv2c, interval 60): it polls them all in one round
#             and exits.  Wall time and user+sys CPU (GNU time) from start
#             to exit, start-up included.
#   collectd  collectd -f with the snmp plugin (bench/snmp/collectd.conf.in
#             for the Data blocks, one <Host> per device, Interval 600 so
#             the measured round is the only one, ReadThreads
#             SNMP_BENCH_COLLECTD_THREADS, 5 as collectd's default) and
#             write_log to a log file.  Wall time from start until every
#             host's values are in the log; CPU from /proc/PID/stat then.
#   tools     per device one snmpget of the scalars and one snmpbulkwalk
#             per table the agent reads, one after the other (a shell
#             loop under GNU time: the CPU includes every child).  Over
#             the first SNMP_BENCH_TOOLS_DEVICES (100) devices, half
#             printers, half switches: about 1.5 devices/s here, so all
#             500 would take six minutes; devices/s is a rate, and a
#             subset of the same mix compares as well.
#
# Every run gets MIBS= (no MIB files loaded), timeout 2 s and 2 retries
# (the agent's own setting at a 60 s interval).  A run in which a device
# did not answer is reported and fails the bench.  Knobs (environment):
# SNMP_BENCH_DEVICES, SNMP_BENCH_SIM, SNMP_BENCH_SIMS,
# SNMP_BENCH_COLLECTD_THREADS,
# SNMP_BENCH_TOOLS_DEVICES, SNMP_BENCH_RUNS ("pantau collectd tools").
# Prints RESULT lines (bench/run); everything else is a comment.
set -eu
: "${top:?run through bench/run}" "${build:?run through bench/run}"

for c in snmpget snmpbulkwalk collectd /usr/sbin/snmpd; do
	if ! command -v $c >/dev/null 2>&1; then
		echo "# snmp: $c is not installed (./setup installs it); skipped"
		exit 0
	fi
done
[ -x /usr/bin/time ] || {
	echo "# snmp: GNU time (/usr/bin/time) is not installed; skipped"
	exit 0
}

top_srcdir=$top
top_builddir=$build
. "$top/tests/integration/lib.sh"

N=${SNMP_BENCH_DEVICES:-500}
SIM=${SNMP_BENCH_SIM:-snmpd}
SIMS=${SNMP_BENCH_SIMS:-2}
SNMPD_PER=${SNMP_BENCH_SNMPD_PER:-50}
CTHREADS=${SNMP_BENCH_COLLECTD_THREADS:-5}
TOOLS_N=${SNMP_BENCH_TOOLS_DEVICES:-100}
RUNS=${SNMP_BENCH_RUNS:-pantau collectd tools}
AGENT=$build/agent/pantau-agent
FIX=$top/tests/fixtures/snmpsim
COLLECTD=$(command -v collectd)
[ -x "$AGENT" ] || fail "$AGENT is not built"
[ "$SIM" != snmpsim ] || command -v snmpsimd >/dev/null ||
	fail "snmpsimd is not installed"
export MIBS=

now() { date +%s.%N; }
hz=$(getconf CLK_TCK)
# CPU seconds (user + sys) of the processes $@, from /proc/PID/stat.
cpu_of() {
	for p in "$@"; do cat "/proc/$p/stat"; done |
		awk -v hz="$hz" '{ sub(/^.*\) /, ""); s += $12 + $13 }
			END { printf "%.2f", s / hz }'
}
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

udp_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# ---- the devices: "name kind sim-index", one per line; data files.
srcs="printer-mono printer-color switch24"
i=1
: >"$T/devices"
while [ $i -le "$N" ]; do
	case $((i % 4)) in
	1) kind=printer src=0 name=$(printf p%04d $i) ;;
	3) kind=printer src=1 name=$(printf p%04d $i) ;;
	*) kind=switch src=2 name=$(printf s%04d $i) ;;
	esac
	case $SIM in
	snmpsim)
		k=$(( (i - 1) % SIMS ))
		mkdir -p "$T/data$k" "$T/cache$k"
		set -- $srcs
		shift $src
		cp "$FIX/$1.snmprec" "$T/data$k/$name.snmprec"
		;;
	snmpd)	# SNMPD_PER devices of one fixture per snmpd
		eval "c=\${c$src:-0}; c$src=\$((c + 1))"
		k=$src-$((c / SNMPD_PER)) ;;
	esac
	echo "$name $kind $k" >>"$T/devices"
	i=$((i + 1))
done

# ---- the simulators, on free 127.0.0.1 UDP ports.
sims=""
start_snmpsim() {
	asuser=""
	if [ "$(id -u)" -eq 0 ]; then
		chown -R nobody "$T"/data* "$T"/cache*
		asuser="--process-user=nobody --process-group=nogroup"
	fi
	k=0
	while [ $k -lt "$SIMS" ]; do
		port=$(udp_port)
		echo "$port" >"$T/port$k"
		# shellcheck disable=SC2086
		spawn snmpsim$k snmpsimd --data-dir="$T/data$k" \
			--cache-dir="$T/cache$k" \
			--agent-udpv4-endpoint="127.0.0.1:$port" \
			--variation-modules-dir=/usr/share/snmpsim/variation \
			--logging-method=null $asuser
		sims="$sims $SPAWNED"
		k=$((k + 1))
	done
}
# snmpd serving only a fixture's variables (the override module alone:
# no MIB of this machine leaks in), with one read-only community per
# device, SNMPD_PER devices each: hundreds of devices that start a round
# in the same instant would overflow one UDP socket's receive buffer
# (208 KiB by default), which real devices, each its own host, never do.
start_snmpd() {
	asuser=""
	[ "$(id -u)" -ne 0 ] || asuser="-u nobody -g nogroup"
	SIMS=0
	for k in $(awk '{ print $3 }' "$T/devices" | sort -u); do
		set -- $srcs
		shift "${k%-*}"
		src=$1
		port=$(udp_port)
		echo "$port" >"$T/port$k"
		{
			echo "dontLogTCPWrappersConnects yes"
			awk -v k="$k" '$3 == k { print "rocommunity", $1, "127.0.0.1" }' \
				"$T/devices"
			python3 "$top/bench/snmp/snmprec2snmpd" "$FIX/$src.snmprec"
		} >"$T/snmpd$k.conf"
		# shellcheck disable=SC2086
		spawn snmpd$k /usr/sbin/snmpd -f -Lf "$T/snmpd$k.log" -C \
			-c "$T/snmpd$k.conf" -r -I override,vacm_conf,vacm_vars \
			$asuser "udp:127.0.0.1:$port"
		sims="$sims $SPAWNED"
		SIMS=$((SIMS + 1))
	done
}
"start_$SIM"
# Every device answers once (snmpsim indexes its files at start and
# opens each on first use: the measured runs all find it warm); snmpd
# needs only to be up.
case $SIM in
snmpsim) cat "$T/devices" ;;
snmpd) sort -k3,3 -u "$T/devices" ;;
esac >"$T/warm"
while read -r name kind k; do
	port=$(cat "$T/port$k")
	wait_for 60 snmpget -v2c -c "$name" -r 0 -t 1 -On -Oq \
		"127.0.0.1:$port" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 ||
		fail "the simulator does not answer for $name"
done <"$T/warm"
note "snmp: $N devices ($(grep -c ' printer ' "$T/devices") printers," \
	"$(grep -c ' switch ' "$T/devices") switches) on $SIMS $SIM" \
	"process(es); load average $(cut -d' ' -f1-3 /proc/loadavg)"

# sim_phase NAME CPU0 WALL: a comment with the simulators' share of the
# phase.
sim_phase() {
	c=$(sub "$(cpu_of $sims)" "$2")
	note "snmp: $SIM during $1: $c s CPU over $3 s" \
		"($(awk -v c="$c" -v w="$3" -v n="$SIMS" 'BEGIN {
			printf "%.0f%% of one core", 100 * c / w }'))"
}

# ---- pantau-agent: one --once round over every device.
run_pantau() {
	mkdir -p "$T/spool"
	{
		printf '[agent]\nsite = bench\ndevice = bench-pc\n'
		printf 'interval = 60\nspool_dir = %s\nlog_level = warning\n' \
			"$T/spool"
		while read -r name kind k; do
			printf '\n[device %s]\ntype = %s\naddress = 127.0.0.1:%s\n' \
				"$name" "$kind" "$(cat "$T/port$k")"
			printf 'snmp_version = 2c\ncommunity = %s\ninterval = 60\n' \
				"$name"
		done <"$T/devices"
	} >"$T/agent.conf"
	"$AGENT" -n -c "$T/agent.conf" >/dev/null || fail "agent.conf invalid"
	s0=$(cpu_of $sims)
	rc=0
	/usr/bin/time -f '%e %U %S' -o "$T/time.pantau" \
		"$AGENT" --once --stdout -c "$T/agent.conf" \
		>"$T/pantau.out" 2>"$T/pantau.err" || rc=$?
	set -- $(cat "$T/time.pantau")
	pw=$1 pc=$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%.2f", u + s }')
	sim_phase pantau "$s0" "$pw"
	got=$(grep -c '^pantau/v1/bench/[ps][0-9]*/metrics' "$T/pantau.out" || :)
	note "snmp: pantau: exit $rc, $got of $N devices published metrics," \
		"$pw s wall, $2 s user + $3 s sys"
	[ "$rc" = 0 ] && [ "$got" = "$N" ] ||
		fail "pantau: not every device answered: $(tail -3 "$T/pantau.err")"
}

# ---- collectd's snmp plugin: one round, Interval 600.
run_collectd() {
	mkdir -p "$T/collectd"
	{
		sed -e "s|@DIR@|$T/collectd|g" -e "s|@THREADS@|$CTHREADS|g" \
			"$top/bench/snmp/collectd.conf.in"
		echo '<Plugin snmp>'
		cat "$top/bench/snmp/collectd-data.conf"
		while read -r name kind k; do
			case $kind in
			printer) collect='"sys_uptime" "hr_printer" "hr_device" "prt_marker" "prt_supply" "prt_supply_max" "prt_input" "prt_input_max" "prt_alert"' ;;
			switch) collect='"sys_uptime" "if_octets" "if_errors" "if_dropped" "if_oper" "if_admin" "if_speed" "ent_sensor"' ;;
			esac
			cat <<EOF
  <Host "$name">
    Address "127.0.0.1:$(cat "$T/port$k")"
    Version 2
    Community "$name"
    Collect $collect
    Timeout 2
    Retries 2
  </Host>
EOF
		done <"$T/devices"
		echo '</Plugin>'
	} >"$T/collectd.conf"
	"$COLLECTD" -t -C "$T/collectd.conf" ||
		fail "collectd refuses $T/collectd.conf"
	s0=$(cpu_of $sims)
	t0=$(now)
	spawn collectd "$COLLECTD" -f -C "$T/collectd.conf"
	cpid=$SPAWNED
	# write_log's Graphite lines start with the host name.
	hosts() {
		[ -f "$T/collectd/values.log" ] || { echo 0; return; }
		sed -n 's/^.*write_log values:\n*//; s/^\([ps][0-9]*\)\..*/\1/p' \
			"$T/collectd/values.log" | sort -u | wc -l
	}
	all_hosts() {
		kill -0 "$cpid" 2>/dev/null || fail "collectd exited: $(tail -3 "$T/collectd/values.log")"
		[ "$(hosts)" -ge "$N" ]
	}
	wait_for 600 all_hosts || :
	t1=$(now)
	cc=$(cpu_of "$cpid")
	got=$(hosts)
	stop "$cpid"
	cw=$(sub "$t1" "$t0")
	sim_phase collectd "$s0" "$cw"
	note "snmp: collectd: $got of $N hosts in the log, $cw s wall," \
		"$cc s CPU (ReadThreads $CTHREADS)"
	[ "$got" = "$N" ] || fail "collectd: not every host was read"
}

# ---- net-snmp's tools, one device after the other.
run_tools() {
	cat >"$T/tools.sh" <<'EOF'
set -eu
opts="-v2c -t 2 -r 2 -On -Oq"
head -n "$2" "$1/devices" | while read -r name kind k; do
	a=127.0.0.1:$(cat "$1/port$k")
	snmpget $opts -c "$name" "$a" 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.2.0 \
		1.3.6.1.2.1.1.3.0 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.1.6.0
	case $kind in
	printer) tables="1.3.6.1.2.1.25.3.5.1 1.3.6.1.2.1.25.3.2.1
		1.3.6.1.2.1.43.5.1.1 1.3.6.1.2.1.43.7.1.1 1.3.6.1.2.1.43.10.2.1
		1.3.6.1.2.1.43.11.1.1 1.3.6.1.2.1.43.12.1.1 1.3.6.1.2.1.43.8.2.1
		1.3.6.1.2.1.43.18.1.1" ;;
	switch) tables="1.3.6.1.2.1.2.2.1 1.3.6.1.2.1.31.1.1.1
		1.3.6.1.2.1.47.1.1.1.1 1.3.6.1.2.1.99.1.1.1" ;;
	esac
	for t in $tables; do
		snmpbulkwalk $opts -Cr40 -c "$name" "$a" "$t"
	done
	echo "done $name"
done
EOF
	[ "$TOOLS_N" -le "$N" ] || TOOLS_N=$N
	s0=$(cpu_of $sims)
	rc=0
	/usr/bin/time -f '%e %U %S' -o "$T/time.tools" \
		sh "$T/tools.sh" "$T" "$TOOLS_N" >"$T/tools.out" 2>&1 || rc=$?
	set -- $(cat "$T/time.tools")
	tw=$1 tc=$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%.2f", u + s }')
	sim_phase tools "$s0" "$tw"
	got=$(grep -c '^done ' "$T/tools.out" || :)
	note "snmp: tools: exit $rc, $got of $TOOLS_N devices," \
		"$tw s wall, $2 s user + $3 s sys"
	[ "$rc" = 0 ] && [ "$got" = "$TOOLS_N" ] ||
		fail "tools: $(grep -v '^done\|^\.' "$T/tools.out" | tail -3)"
}

for r in $RUNS; do
	"run_$r"
done

# ---- results: devices/s and CPU per device round, pantau against each.
rate() { awk -v n="$1" -v w="$2" 'BEGIN { printf "%.1f", n / w }'; }
percore() { awk -v c="$1" -v n="$2" -v m="$N" 'BEGIN {
	printf "%.2f", 100 * c * m / n / 60 }'; }
case " $RUNS " in *" pantau "*) ;; *) exit 0 ;; esac
pr=$(rate "$N" "$pw")
printf 'RESULT\tsnmp\twall time, %d devices\t%s\t-\t-\ts\twell inside 60 s\n' \
	"$N" "$pw"
printf 'RESULT\tsnmp\tcore share at a 60 s interval\t%s\t-\t-\t%%\t< 5%%\n' \
	"$(percore "$pc" "$N")"
case " $RUNS " in *" collectd "*)
	printf 'RESULT\tsnmp\tdevices/s, one round\t%s\tcollectd\t%s\tdevices/s\t>= 2x collectd\n' \
		"$pr" "$(rate "$N" "$cw")"
	printf 'RESULT\tsnmp\tCPU s per %d devices\t%s\tcollectd\t%s\ts\t-\n' \
		"$N" "$pc" "$cc"
	;;
esac
case " $RUNS " in *" tools "*)
	printf 'RESULT\tsnmp\tdevices/s, one round\t%s\tsnmp tools\t%s\tdevices/s\tinfo\n' \
		"$pr" "$(rate "$TOOLS_N" "$tw")"
	printf 'RESULT\tsnmp\tCPU s per %d devices\t%s\tsnmp tools\t%s\ts\tinfo\n' \
		"$N" "$pc" "$(awk -v c="$tc" -v n="$TOOLS_N" -v m="$N" \
		'BEGIN { printf "%.2f", c * m / n }')"
	;;
esac
