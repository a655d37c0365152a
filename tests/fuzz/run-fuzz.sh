#!/bin/sh
# run-fuzz.sh: runs libFuzzer targets for a bounded time each and prints
# the executions per target (what "make fuzz" calls; docs/fuzzing.md).
#
#   run-fuzz.sh SRCDIR BUILDDIR TARGET...
#
# SRCDIR holds corpus/NAME/ (the seeds, never written) and dict/NAME.dict;
# BUILDDIR holds the fuzz_NAME programs.  Each target runs FUZZ_TIME
# seconds (default 60) under "nice -n 10" over BUILDDIR/work/NAME (new
# inputs found) and the seeds; a crash leaves BUILDDIR/crash/NAME-*
# and the log BUILDDIR/log/NAME.log, and makes the script exit 1.
set -u

src=$1
build=$2
shift 2
time=${FUZZ_TIME:-60}
mkdir -p "$build/work" "$build/crash" "$build/log"

status=0
summary=""
for t in "$@"; do
	prog=$build/fuzz_$t
	work=$build/work/$t
	log=$build/log/$t.log
	mkdir -p "$work"
	dict=""
	[ -f "$src/dict/$t.dict" ] && dict="-dict=$src/dict/$t.dict"
	echo "fuzz: $t for ${time}s (log $log)"
	# -timeout: one input taking 25 s is a hang worth a report;
	# -rss_limit_mb: the machine is shared.
	nice -n 10 "$prog" -max_total_time="$time" -print_final_stats=1 \
	    -timeout=25 -rss_limit_mb=1024 $dict \
	    -artifact_prefix="$build/crash/$t-" \
	    "$work" "$src/corpus/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	[ -n "$execs" ] || execs=0
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		result="FAILED (exit $rc; see $log)"
		status=1
	fi
	summary="$summary$(printf '%-16s %12s executions  %s' "$t" \
	    "$execs" "$result")
"
done
printf '\nfuzz summary (%ss per target):\n%s' "$time" "$summary"
exit $status
