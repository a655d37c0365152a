#!/bin/sh
# PJLink with MD5 authentication and a lamp error: every value checked,
# the lamp error evented once and cleared when it goes; a wrong password
# and a missing one give a clear error and an unreachable state, no crash.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/pjlink-lib.sh"

PW=JBMIAProjectorLink
start_pjfake fake --password "$PW" --class 1 --power 1 --erst 020000 \
	--lamps 2950:1 --name "Lab Komputer" --maker SONY --model VPL-EX455
PORT=$PJ_PORT

pjpoll "$T/out" -r 2 -t 20 "proj-1,127.0.0.1:$PORT,2,$PW" ||
	fail "poll tool failed: $(cat "$T/out.err")"
normalize "$T/out" proj-1 2 | sed 's/"agent_version":"[^"]*"/"agent_version":"AV"/' >"$T/got"
cat >"$T/want" <<EOT
round proj-1 1 state=online changed=1
ts proj-1 TS
gauge proj-1 projector.power 1
gauge proj-1 projector.error.fan 0
gauge proj-1 projector.error.lamp 2
gauge proj-1 projector.error.temp 0
gauge proj-1 projector.error.cover 0
gauge proj-1 projector.error.filter 0
gauge proj-1 projector.error.other 0
counter proj-1 projector.lamp.hours 2950
event proj-1 projector.lamp critical raised lamp error
inventory proj-1 {"v":1,"ts":TS,"type":"projector","vendor":"SONY","model":"VPL-EX455","address":"127.0.0.1:$PORT","agent_version":"AV","projector":{"name":"Lab Komputer","manufacturer":"SONY","product":"VPL-EX455","class":1,"lamps":1}}
round proj-1 2 state=online changed=0
ts proj-1 TS
gauge proj-1 projector.power 1
gauge proj-1 projector.error.fan 0
gauge proj-1 projector.error.lamp 2
gauge proj-1 projector.error.temp 0
gauge proj-1 projector.error.cover 0
gauge proj-1 projector.error.filter 0
gauge proj-1 projector.error.other 0
counter proj-1 projector.lamp.hours 2950
EOT
diff -u "$T/want" "$T/got" || fail "unexpected output with the password"
[ "$(grep -c '^auth ok' "$T/fake.events")" -eq 2 ] ||
	fail "expected one authentication per round"
grep -q '^auth bad' "$T/fake.events" && fail "a digest was refused"
[ ! -s "$T/out.err" ] || fail "unexpected messages: $(cat "$T/out.err")"

# The lamp is replaced: the error clears, once, while the tool runs.
: >"$T/fake.events"
pjfake_set fake erst=000000 lamps=0:1
pjpoll "$T/out2" -r 1 -t 20 "proj-1,127.0.0.1:$PORT,2,$PW" ||
	fail "poll tool failed: $(cat "$T/out2.err")"
grep -q '^counter proj-1 projector.lamp.hours 0$' "$T/out2" ||
	fail "new lamp hours not read"
# A fresh poller does not know the old error: no event for an ok lamp.
grep -q '^event' "$T/out2" && fail "an event for a fault that is not there"

# Wrong and missing passwords: unreachable at once, one clear event, a
# clear log line, and the tool keeps going (three rounds each).
pjfake_set fake
pjpoll "$T/bad" -r 3 -t 20 "proj-1,127.0.0.1:$PORT,2,not-the-password" \
	"proj-2,127.0.0.1:$PORT,2" || fail "poll tool failed: $(cat "$T/bad.err")"
cat >"$T/want-bad" <<EOT
round proj-1 1 state=unreachable changed=1
event proj-1 device.auth_failed critical raised the projector refused the password (PJLINK ERRA)
round proj-1 2 state=unreachable changed=0
round proj-1 3 state=unreachable changed=0
EOT
awk '$2 == "proj-1"' "$T/bad" | diff -u "$T/want-bad" - ||
	fail "wrong password: unexpected output"
cat >"$T/want-nopw" <<EOT
round proj-2 1 state=unreachable changed=1
event proj-2 device.auth_failed critical raised the projector asks for a password; set pjlink_password
round proj-2 2 state=unreachable changed=0
round proj-2 3 state=unreachable changed=0
EOT
awk '$2 == "proj-2"' "$T/bad" | diff -u "$T/want-nopw" - ||
	fail "no password: unexpected output"
[ "$(grep -c 'PJLink authentication failed' "$T/bad.err")" -eq 2 ] ||
	fail "expected one error line per projector: $(cat "$T/bad.err")"
grep -q 'proj-1: PJLink authentication failed at 127.0.0.1:[0-9]*: the projector refused the password' "$T/bad.err" ||
	fail "unclear error: $(cat "$T/bad.err")"
grep -q "$PW\|not-the-password" "$T/bad.err" "$T/bad" && fail "a password was printed"

pass "PJLink with MD5 authentication, lamp error, wrong and missing password"
