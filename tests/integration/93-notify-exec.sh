#!/bin/sh
# 93-notify-exec: a command target gets the message as JSON on stdin and
# as PANTAU_* variables, run without a shell (a subject full of shell
# syntax stays text); a command that outlives its timeout is killed with
# what it started, and the message stays queued.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/notify-lib.sh"

mkdir -p "$T/out"
cat >"$T/hook.sh" <<'SH'
#!/bin/sh
# $1: where to write; stdin: the JSON
cat >"$1/stdin.json"
env | grep '^PANTAU_' | sort >"$1/env"
echo "$#" >"$1/argc"
SH
cat >"$T/slow.sh" <<'SH'
#!/bin/sh
sleep 60 &
echo $! >"$1/child.pid"
echo $$ >"$1/slow.pid"
wait
SH
notify_conf <<EOC
[notify log]
type = exec
command = /bin/sh $T/hook.sh $T/out
events = alert.*

[notify slow]
type = command
command = /bin/sh $T/slow.sh $T/out
events = site.*
timeout = 1
backoff_min = 30
EOC

start=$(date +%s)
"$NOTIFY_TOOL" -c "$T/c.conf" -s 5 '{"event": "alert.firing",
 "severity": "warning", "site": "asriloka", "device": "projector-1",
 "subject_id": "Lampu $(touch '"$T"'/pwned) `touch '"$T"'/pwned2`; touch '"$T"'/pwned3",
 "text_id": "Jam lampu 2950 dari 3000.", "ts": 1795929138, "ticket_id": 9}' \
	'{"event": "site.down", "severity": "critical", "site": "sumberjo",
 "subject_id": "Situs sumberjo mati"}' \
	>"$T/result" 2>"$T/tool.log"
rc=$?
end=$(date +%s)
[ $rc = 3 ] || fail "exit $rc: $(cat "$T/result")"
grep -q '^sent=1 failed=1 dropped=0 queued=1$' "$T/result" \
	|| fail "counts: $(cat "$T/result")"
[ $((end - start)) -lt 20 ] || fail "stopping took $((end - start)) s"

for f in pwned pwned2 pwned3; do
	[ ! -e "$T/$f" ] || fail "a shell ran the subject ($f)"
done
[ "$(cat "$T/out/argc")" = 1 ] || fail "argv: $(cat "$T/out/argc")"
pycheck "$T/out/stdin.json" '
b = recs[0]
s = "Lampu $(touch T/pwned) `touch T/pwned2`; touch T/pwned3".replace("T/", "'"$T"'/")
assert b["event"] == "alert.firing" and b["severity"] == "warning", b
assert b["site"] == "asriloka" and b["device"] == "projector-1", b
assert b["subject"] == s and b["subject_en"] == s, b
assert b["text"] == "Jam lampu 2950 dari 3000.", b
assert b["ticket_id"] == 9 and b["alert_id"] is None, b
assert b["target"] == "log" and b["language"] == "id", b
'
grep -qx 'PANTAU_EVENT=alert.firing' "$T/out/env" || fail "env: $(cat "$T/out/env")"
grep -qx 'PANTAU_DEVICE=projector-1' "$T/out/env" || fail "env device"
grep -qx 'PANTAU_TICKET_ID=9' "$T/out/env" || fail "env ticket"
grep -qx "PANTAU_SUBJECT=Lampu \$(touch $T/pwned) \`touch $T/pwned2\`; touch $T/pwned3" \
	"$T/out/env" || fail "env subject: $(grep SUBJECT "$T/out/env")"

# the late command: killed with its child, the message kept for later
grep -q 'did not finish within 1 s, killed' "$T/tool.log" \
	|| fail "no timeout logged: $(cat "$T/tool.log")"
for p in slow child; do
	pid=$(cat "$T/out/$p.pid") || fail "no $p.pid"
	wait_for 5 sh -c "! kill -0 $pid 2>/dev/null" || fail "$p $pid still runs"
done
grep -q 'Situs sumberjo mati' "$T/data/notify/slow.json" \
	|| fail "late message not kept"
pass "command got JSON and environment, no shell; late command killed"
