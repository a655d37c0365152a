#!/bin/sh
# A projector that goes to network standby (connections accepted, nothing
# said), then off the network (refused), then comes back: it is
# unreachable within two rounds, raises one event and no fault, and is
# online again without a restart of the poller, with exact values.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/pjlink-lib.sh"

IV=2
start_pjfake fake --class 2 --power 1 --erst 000000 --lamps 100:1 \
	--filter 7 --password secret
PORT=$PJ_PORT
# stdout only in poll.log: the poller's own log lines go to poll.err.
spawn poll sh -c 'exec "$@" 2>"$0"' "$T/poll.err" \
	"$PJTOOL" -r 100 -t 60 "proj-1,127.0.0.1:$PORT,$IV,secret"
OUT="$T/poll.log"

rounds() { grep -c '^round proj-1' "$OUT"; }
rounds_at_least() { [ "$(rounds)" -ge "$1" ]; }
wait_for 15 grep -q '^round proj-1 2 state=online' "$OUT" ||
	fail "no two online rounds"

# Network standby: the connection is taken and nothing is said.
pjfake_set fake mode=standby
n0=$(rounds)
wait_for 15 grep -q 'state=unreachable changed=1' "$OUT" ||
	fail "not unreachable"
n1=$(grep '^round proj-1 [0-9]* state=unreachable changed=1' "$OUT" |
	awk '{ print $3 }')
# Rounds already started when the mode changed may still answer: at most
# one of them, then two missed rounds.
[ "$n1" -le $((n0 + 3)) ] || fail "unreachable only at round $n1 (switch after $n0)"
note "standby after round $n0, unreachable at round $n1"

# Off the network: refused.  Two more rounds, and nothing new is said.
pjfake_set fake mode=down
n2=$(rounds)
wait_for 15 rounds_at_least $((n2 + 2)) || fail "rounds stopped"
# Back, and the lamp was replaced meanwhile.
pjfake_set fake mode=normal lamps=3:1 erst=000000
wait_for 15 sh -c "awk '/state=unreachable changed=1/ { u = 1 } u && /state=online changed=1/ { f = 1 } END { exit !f }' '$OUT'" ||
	fail "did not come back"

# Everything from the first unreachable round to the first online one.
awk '/state=unreachable changed=1/ { u = 1 } u { print } u && /state=online changed=1/ { exit }' "$OUT" >"$T/outage"
# During the outage: one event only, no faults, no metrics.
grep '^event' "$T/outage" | head -1 >"$T/ev-down"
cat >"$T/want-down" <<EOT
event proj-1 device.unreachable warning raised no answer from 127.0.0.1:$PORT: no greeting within 1500 ms
EOT
diff -u "$T/want-down" "$T/ev-down" || fail "unexpected unreachable event"
grep -v '^round\|^event' "$T/outage" && fail "values published while unreachable"
[ "$(grep -c '^event' "$T/outage")" -eq 1 ] || fail "more than one event in the outage"

# The round that came back: exact values, the event cleared.
wait_for 10 sh -c "awk '/state=unreachable changed=1/ { u = 1 } u && /state=online changed=1/ { f = 1 } f && /^round/ && !/changed=1/ { exit 0 } END { exit !f }' '$OUT'" || true
awk '/state=unreachable changed=1/ { u = 1 } u && /state=online changed=1/ { p = 1 } p && /^round/ && !/changed=1/ { exit } p { print }' "$OUT" |
	sed -e 's/^ts proj-1 [0-9]*$/ts proj-1 TS/' -e 's/"ts":[0-9]*/"ts":TS/' \
		-e 's/"agent_version":"[^"]*"/"agent_version":"AV"/' >"$T/back"
cat >"$T/want-back" <<EOT
round proj-1 $(awk '/state=unreachable changed=1/ { u = 1 } u && /state=online changed=1/ { print $3; exit }' "$OUT") state=online changed=1
ts proj-1 TS
gauge proj-1 projector.power 1
gauge proj-1 projector.error.fan 0
gauge proj-1 projector.error.lamp 0
gauge proj-1 projector.error.temp 0
gauge proj-1 projector.error.cover 0
gauge proj-1 projector.error.filter 0
gauge proj-1 projector.error.other 0
counter proj-1 projector.lamp.hours 3
counter proj-1 projector.filter.hours 7
event proj-1 device.unreachable warning cleared answers again
EOT
# The inventory is read again after an outage; unchanged, so not sent.
diff -u "$T/want-back" "$T/back" || fail "unexpected values after the outage"

# Every connection the poller opened, it closed (standby ones included).
wait_for 5 sh -c "[ \$(grep -c '^connect' '$T/fake.events') -eq \$(grep -c '^close' '$T/fake.events') ]" ||
	fail "connections left open: $(grep -c '^connect' "$T/fake.events") opened, $(grep -c '^close' "$T/fake.events") closed"
pass "unreachable within two rounds ($n0 -> $n1), one event, back without a restart"
