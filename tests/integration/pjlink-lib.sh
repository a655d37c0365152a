# tests/integration/pjlink-lib.sh: helpers for the PJLink scripts
# (6x-pjlink-*.sh), sourced after lib.sh.
#
#   start_pjfake NAME [pjlink-fake options]  start a fake projector; sets
#                                  PJ_PORT; its state file is $T/NAME.state,
#                                  its connection log $T/NAME.events
#   pjfake_set NAME KEY=VALUE...   replace its state file (atomically)
#   pjpoll OUT ARGS...             run pjlink-poll-tool, stdout to OUT,
#                                  stderr to OUT.err
#   normalize FILE DEV IV [N]      FILE's lines for DEV's first N (2) rounds,
#                                  time stamps as TS after checking that
#                                  they are aligned to IV seconds
PJFAKE="$top_srcdir/tests/tools/pjlink-fake"
PJTOOL="$top_builddir/tests/tools/pjlink-poll-tool"

start_pjfake() {
	pjname=$1
	shift
	spawn "$pjname" python3 "$PJFAKE" --port-file "$T/$pjname.port" \
		--state "$T/$pjname.state" --log "$T/$pjname.events" "$@"
	wait_for 10 test -s "$T/$pjname.port" ||
		fail "pjlink-fake $pjname did not start"
	PJ_PORT=$(cat "$T/$pjname.port")
}

pjfake_set() {
	pjname=$1
	shift
	printf '%s\n' "$@" >"$T/$pjname.state.tmp"
	mv "$T/$pjname.state.tmp" "$T/$pjname.state"
}

pjpoll() {
	pjout=$1
	shift
	"$PJTOOL" "$@" >"$pjout" 2>"$pjout.err"
}

normalize() {
	for ts in $(awk -v d="$2" '$1 == "ts" && $2 == d { print $3 }' "$1"); do
		[ $((ts % $3)) -eq 0 ] || fail "$2: ts $ts is not aligned to $3 s"
	done
	# Only the first ${4:-2} rounds: the tool runs until every device had
	# them, so a quicker one may have had more.
	awk -v d="$2" -v n="${4:-2}" '$2 == d && $1 == "round" && $3 > n { exit }
		$2 == d' "$1" |
		sed -e 's/^ts \([^ ]*\) [0-9]*$/ts \1 TS/' \
			-e 's/"ts":[0-9]*/"ts":TS/'
}
