#!/bin/sh
# tests/golden/check-agent-conf.sh: `pantau-agent -n -c NAME.conf` for
# every NAME.out in tests/golden/agent-conf/; the output (stdout and
# stderr) followed by "[exit STATUS]" must equal NAME.out exactly.
# NAME.conf may be missing on purpose (missing.out).  Also checks that the
# shipped example passes.
. "$top_srcdir/tests/integration/lib.sh"

agent="$top_builddir/agent/pantau-agent"
dir="$top_srcdir/tests/golden/agent-conf"
[ -x "$agent" ] || fail "no $agent"

n=0
failed=0
for want in "$dir"/*.out; do
	name=$(basename "$want" .out)
	# Run inside the directory so FILE in the messages is the bare name.
	( cd "$dir" && "$agent" -n -c "$name.conf" ) >"$T/$name.got" 2>&1
	echo "[exit $?]" >>"$T/$name.got"
	if ! diff -u "$want" "$T/$name.got"; then
		echo "FAIL: $name"
		failed=$((failed + 1))
	fi
	n=$((n + 1))
done

example="$top_srcdir/agent/pantau-agent.conf.example"
out=$("$agent" -n -c "$example" 2>&1) || fail "example refused: $out"
[ "$out" = "configuration OK" ] || fail "example: $out"

[ $n -ge 7 ] || fail "only $n golden cases found"
[ $failed -eq 0 ] || fail "$failed of $n golden cases differ"
pass "$n golden cases and the example"
