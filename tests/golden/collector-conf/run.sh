#!/bin/sh
# tests/golden/collector-conf/run.sh: `pantau-collector -n -c NAME.conf` for
# every NAME.out in this directory; the output (stdout and stderr) followed
# by "[exit STATUS]" must equal NAME.out exactly.  NAME.conf may be missing
# on purpose (missing.out).  `pantauctl -c NAME.conf check` must say the
# same.  Also checks that the shipped example passes.
. "$top_srcdir/tests/integration/lib.sh"

collector="$top_builddir/collector/pantau-collector"
ctl="$top_builddir/collector/pantauctl"
dir="$top_srcdir/tests/golden/collector-conf"
[ -x "$collector" ] || fail "no $collector"

n=0
failed=0
for want in "$dir"/*.out; do
	name=$(basename "$want" .out)
	# Run inside the directory so FILE in the messages is the bare name.
	( cd "$dir" && "$collector" -n -c "$name.conf" ) >"$T/$name.got" 2>&1
	echo "[exit $?]" >>"$T/$name.got"
	( cd "$dir" && "$ctl" -c "$name.conf" check ) >"$T/$name.ctl" 2>&1
	echo "[exit $?]" >>"$T/$name.ctl"
	if ! diff -u "$want" "$T/$name.got" || ! diff -u "$want" "$T/$name.ctl"
	then
		echo "FAIL: $name"
		failed=$((failed + 1))
	fi
	n=$((n + 1))
done

example="$top_srcdir/collector/pantau-collector.conf.example"
out=$("$collector" -n -c "$example" 2>&1) || fail "example refused: $out"
[ "$out" = "configuration OK" ] || fail "example: $out"

[ $n -ge 7 ] || fail "only $n golden cases found"
[ $failed -eq 0 ] || fail "$failed of $n golden cases differ"
pass "$n golden cases and the example"
