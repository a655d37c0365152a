#!/bin/sh
# bench/10-agent-round.sh: what one sampling round of pantau-agent costs,
# side by side with collectd sampling the same PC (issue 3).  Run it
# through bench/run: bench/run _build 10-agent.  docs/bench.md ("agent")
# explains the method and keeps the last table.
#
# Both daemons sample the live /proc and /sys of this machine (the agent
# with its default root "/") every second and publish to one mosquitto on
# 127.0.0.1 at QoS 1: the agent its one metrics message per round through
# its spool, collectd (bench/agent/collectd.conf.in: cpu, memory, swap, df,
# disk, interface, load, uptime, users, sensors, thermal, battery) one
# message per value through its mqtt plugin.
#
#   memory  both run natively; after MEM_ROUNDS rounds the RSS and PSS of
#           each (/proc/PID/smaps_rollup), and their CPU time per round
#           over the rounds after the first WARM ones (the sum of
#           /proc/PID/task/*/schedstat: user and kernel time, all threads).
#   instr   both run under valgrind --tool=callgrind (every thread counted
#           into one total).  After WARM rounds, half an interval away from
#           a round, callgrind's monitor command "zero" (vgdb, as
#           callgrind_control -z does) zeroes the counters; WINDOW seconds
#           later "dump" writes them out.  The dump holds
#           the instructions of exactly the rounds inside the window, no
#           start-up and no shutdown; the rounds are counted from the time
#           stamps of the messages they published.
#
# Knobs (environment): AGENT_BENCH_MEM_ROUNDS (20), AGENT_BENCH_WARM (3),
# AGENT_BENCH_WINDOW (10), AGENT_BENCH_PHASES ("memory instr"),
# AGENT_BENCH_COLLECTD_QOS (1).  KEEP_TMP=1 keeps the temp dir with the
# callgrind dumps (cg-agent.out.1, cg-collectd.out.1) for callgrind_annotate.
# Prints RESULT lines (bench/run); everything else is a comment.
set -eu
: "${top:?run through bench/run}" "${build:?run through bench/run}"

if ! command -v valgrind >/dev/null || ! command -v vgdb >/dev/null
then
	echo "# agent: valgrind is not installed (./setup installs it); skipped"
	exit 0
fi
if ! command -v collectd >/dev/null; then
	echo "# agent: collectd is not installed (collectd-core); skipped"
	exit 0
fi

top_srcdir=$top
top_builddir=$build
. "$top/tests/integration/lib.sh"

MEM_ROUNDS=${AGENT_BENCH_MEM_ROUNDS:-20}
WARM=${AGENT_BENCH_WARM:-3}
WINDOW=${AGENT_BENCH_WINDOW:-10}
PHASES=${AGENT_BENCH_PHASES:-memory instr}
CQOS=${AGENT_BENCH_COLLECTD_QOS:-1}
AGENT=$build/agent/pantau-agent
FLOOR=$build/bench/agent/rss-floor
STEPS=$build/bench/agent/rss-steps
COLLECTD=$(command -v collectd)
[ -x "$AGENT" ] || fail "$AGENT is not built"
[ -x "$FLOOR" ] || fail "$FLOOR is not built (make in $build)"
[ -x "$STEPS" ] || fail "$STEPS is not built (make in $build)"
[ "$WARM" -lt "$MEM_ROUNDS" ] || fail "AGENT_BENCH_WARM must be < MEM_ROUNDS"

now() { date +%s.%N; }
# Sleeps until the absolute time $1 (seconds since the epoch, fractional).
sleep_until() {
	d=$(awk -v t="$1" -v n="$(now)" 'BEGIN { d = t - n; if (d < 0) d = 0
		printf "%.3f", d }')
	sleep "$d"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.2f", k / 1024 }'; }
# kB of field $2 (Rss, Pss) in /proc/$1/smaps_rollup.
smaps() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/smaps_rollup"; }
# kB of private memory (Private_Clean + Private_Dirty): what exiting frees.
private() { awk '$1 ~ /^Private_/ { s += $2 } END { print s }' "/proc/$1/smaps_rollup"; }
# Nanoseconds on a CPU, user and kernel, summed over every thread of $1.
cpu_ns() { cat /proc/"$1"/task/*/schedstat | awk '{ s += $1 } END { printf "%.0f", s }'; }

# The round times seen so far: the agent's metrics "ts", collectd's
# uptime value's time stamp (one per round each).  $1 is the name the
# daemon publishes under in this phase.
agent_rounds() {
	sed -n "s|^pantau/v1/bench/$1/metrics .*\"ts\":\\([0-9]*\\).*|\\1|p" \
		"$T/sub.log"
}
collectd_rounds() {
	sed -n "s|^collectd/$1/uptime/uptime \\([0-9.]*\\):.*|\\1|p" "$T/sub.log"
}
count_rounds() { "$1" "$2" | wc -l; }

# ---- the broker, and a subscriber that logs every round of both daemons.
start_mosquitto
spawn sub mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -v -q 1 \
	-t 'pantau/v1/bench/+/metrics' -t 'collectd/+/uptime/uptime'
sleep 0.5	# let it subscribe; the counts start later anyway

# write_configs NAME: the agent's and collectd's configuration for a phase;
# NAME is the agent's device and collectd's host name.
write_configs() {
	mkdir -p "$T/spool-$1" "$T/collectd-$1"
	cat >"$T/agent-$1.conf" <<EOF
[agent]
site = bench
device = $1
interval = 1
spool_dir = $T/spool-$1
log_level = info

[mqtt]
host = 127.0.0.1
port = $MQTT_PORT
EOF
	sed -e "s|@HOST@|$1|g" -e "s|@DIR@|$T/collectd-$1|g" \
		-e "s|@PORT@|$MQTT_PORT|g" -e "s|@QOS@|$CQOS|g" \
		"$top/bench/agent/collectd.conf.in" >"$T/collectd-$1.conf"
	"$COLLECTD" -t -C "$T/collectd-$1.conf" ||
		fail "collectd refuses $T/collectd-$1.conf"
}

# wait_rounds SECS NAME N: until both daemons published N rounds.
both_have() {
	[ "$(count_rounds agent_rounds "$1")" -ge "$2" ] &&
		[ "$(count_rounds collectd_rounds "$1")" -ge "$2" ]
}
wait_rounds() { wait_for "$1" both_have "$2" "$3"; }

# ---- memory: both natively, side by side.
phase_memory() {
	write_configs mem
	spawn agent-mem "$AGENT" -d -c "$T/agent-mem.conf"
	apid=$SPAWNED
	spawn collectd-mem "$COLLECTD" -f -C "$T/collectd-mem.conf"
	cpid=$SPAWNED
	wait_rounds 30 mem 1 || fail "the daemons did not publish (mem)"
	wait_rounds 30 mem "$WARM" || fail "no $WARM rounds (mem)"
	a0=$(cpu_ns "$apid") c0=$(cpu_ns "$cpid")
	ar0=$(count_rounds agent_rounds mem) cr0=$(count_rounds collectd_rounds mem)
	wait_rounds $((MEM_ROUNDS + 10)) mem "$MEM_ROUNDS" ||
		fail "no $MEM_ROUNDS rounds (mem)"
	a1=$(cpu_ns "$apid") c1=$(cpu_ns "$cpid")
	ar1=$(count_rounds agent_rounds mem) cr1=$(count_rounds collectd_rounds mem)
	arss=$(smaps "$apid" Rss) apss=$(smaps "$apid" Pss)
	crss=$(smaps "$cpid" Rss) cpss=$(smaps "$cpid" Pss)
	apriv=$(private "$apid") cpriv=$(private "$cpid")
	# the same libraries doing nothing, measured while the daemons run
	set -- $("$FLOOR")
	frss=$1 fpss=$2 fpriv=$3
	# and library by library: what loading each one costs
	"$STEPS" >"$T/steps"
	note "agent: $(grep -E '^(VmHWM|Threads)' /proc/"$apid"/status | tr -s '\t\n' '  ')"
	note "collectd: $(grep -E '^(VmHWM|Threads)' /proc/"$cpid"/status | tr -s '\t\n' '  ')"
	stop "$apid"
	stop "$cpid"
	note "memory: after $ar1 agent rounds, $cr1 collectd rounds"
	printf 'RESULT\tagent\tRSS after %d rounds\t%s\tcollectd\t%s\tMiB\t<= 3 MiB\n' \
		"$MEM_ROUNDS" "$(mib "$arss")" "$(mib "$crss")"
	printf 'RESULT\tagent\tPSS after %d rounds\t%s\tcollectd\t%s\tMiB\t-\n' \
		"$MEM_ROUNDS" "$(mib "$apss")" "$(mib "$cpss")"
	printf 'RESULT\tagent\tprivate after %d rounds\t%s\tcollectd\t%s\tMiB\t-\n' \
		"$MEM_ROUNDS" "$(mib "$apriv")" "$(mib "$cpriv")"
	printf 'RESULT\tagent-floor\tRSS of its libraries alone\t%s\t-\t-\tMiB\t-\n' \
		"$(mib "$frss")"
	printf 'RESULT\tagent-floor\tprivate of its libraries alone\t%s\t-\t-\tMiB\t-\n' \
		"$(mib "$fpriv")"
	awk '{ printf "RESULT\tagent-floor\tRSS, %s\t%.2f\t-\t-\tMiB\t-\n",
		$1, $2 / 1024 }' "$T/steps"
	awk -v a=$((a1 - a0)) -v an=$((ar1 - ar0)) -v c=$((c1 - c0)) \
		-v cn=$((cr1 - cr0)) 'BEGIN {
		printf "RESULT\tagent\tCPU time per round (native)\t%.0f\tcollectd\t%.0f\tus\t-\n",
			a / an / 1000, c / cn / 1000 }'
}

# window_once NAME WHO PID PHASE: zeroes WHO's counters half an interval
# after a round (rounds fall at PHASE + k seconds), dumps them WINDOW
# seconds later, and writes "instructions rounds edges" to $T/w-WHO.
# A round that began while vgdb was at work (on a busy machine it can
# take half a second) may or may not be in the dump: it is an edge.
window_once() {
	t=$(awk -v n="$(now)" -v p="$4" 'BEGIN {
		t = int(n) + p + 0.5; while (t < n + 0.3) t += 1; printf "%.3f", t }')
	sleep_until "$t"
	z0=$(now)
	vgdb --pid="$3" --max-invoke-ms=10 zero >"$T/ctl.log" 2>&1 ||
		fail "vgdb zero $3: $(cat "$T/ctl.log")"
	z1=$(now)
	sleep_until "$(awk -v t="$t" -v w="$WINDOW" 'BEGIN { printf "%.3f", t + w }')"
	d0=$(now)
	vgdb --pid="$3" --max-invoke-ms=10 dump >"$T/ctl.log" 2>&1 ||
		fail "vgdb dump $3: $(cat "$T/ctl.log")"
	d1=$(now)
	# the dump is written before vgdb returns (cg-WHO.out.1, .2, ...);
	# the messages of the window's last rounds may still be on their way
	f=$(ls -t "$T/cg-$2.out".[0-9]* | head -1)
	[ -s "$f" ] || fail "no callgrind dump $f"
	sleep 1
	ins=$(awk '$1 == "summary:" { print $2 }' "$f")
	"${2}_rounds" "$1" | awk -v z0="$z0" -v z1="$z1" -v d0="$d0" \
		-v d1="$d1" -v ins="$ins" '
		$1 > z1 && $1 < d0 { n++ }
		($1 >= z0 && $1 <= z1) || ($1 >= d0 && $1 <= d1) { e++ }
		END { print ins, n + 0, e + 0 }' >"$T/w-$2"
	note >&2 "$2: $(cat "$T/w-$2") (instructions rounds edges)," \
		"window $(awk -v a="$z1" -v b="$d0" 'BEGIN { printf "%.2f", b - a }') s," \
		"zero took $(awk -v a="$z0" -v b="$z1" 'BEGIN { printf "%.2f", b - a }') s"
}

# window NAME WHO PID PHASE: window_once until no round is at an edge (at
# most three tries); prints "instructions rounds".
window() {
	for try in 1 2 3; do
		set -- "$1" "$2" "$3" "$4"
		window_once "$@"
		set -- "$@" $(cat "$T/w-$2")
		[ "$7" -gt 0 ] || break
		[ $try = 3 ] || note >&2 "$2: a round at the window's edge, again"
	done
	[ "$7" -eq 0 ] || fail "$2: rounds at the window's edges three times"
	[ "$6" -gt 0 ] || fail "$2: no round inside the window"
	echo "$5 $6"
}

# ---- instructions: both under callgrind, each measured in its own window.
phase_instr() {
	write_configs cg
	spawn agent-cg valgrind --tool=callgrind \
		--callgrind-out-file="$T/cg-agent.out" \
		"$AGENT" -d -c "$T/agent-cg.conf"
	apid=$SPAWNED
	spawn collectd-cg valgrind --tool=callgrind \
		--callgrind-out-file="$T/cg-collectd.out" \
		"$COLLECTD" -f -C "$T/collectd-cg.conf"
	cpid=$SPAWNED
	wait_rounds 60 cg 1 || fail "the daemons did not publish under callgrind"
	wait_rounds 30 cg "$WARM" || fail "no $WARM rounds under callgrind"
	# The agent's rounds fall on whole seconds; collectd's on the second
	# it started plus its own fraction, read from its last time stamp.
	cphase=$(collectd_rounds cg | tail -1 | awk '{ printf "%.3f", $1 - int($1) }')
	set -- $(window cg agent "$apid" 0)
	ains=$1 an=$2
	set -- $(window cg collectd "$cpid" "$cphase")
	cins=$1 cn=$2
	stop "$apid"
	stop "$cpid"
	awk -v a="$ains" -v an="$an" -v c="$cins" -v cn="$cn" 'BEGIN {
		printf "RESULT\tagent\tinstructions per round\t%.0f\tcollectd\t%.0f\tinstr\t<= 0.5x\n",
			a / an, c / cn }'
}

for p in $PHASES; do
	"phase_$p"
done
