#!/bin/sh
# 94-notify-limits: routing by event, severity and site, and the rate
# limit: beyond rate_limit per rate_period the messages are held back and
# arrive as one summary listing each of them; queue_max bounds a queue.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/notify-lib.sh"

start_webhook hook
u="http://127.0.0.1:$HOOK_PORT"
notify_conf <<EOC
[notify limited]
type = webhook
url = $u/limited
events = alert.*
rate_limit = 2
rate_period = 3s

[notify critical]
type = webhook
url = $u/critical
min_severity = critical

[notify sumberjo]
type = webhook
url = $u/sumberjo
sites = sumberjo
language = en
EOC
m() { # EVENT SEVERITY SITE SUBJECT
	printf '{"event": "%s", "severity": "%s", "site": "%s", "subject_id": "%s", "subject_en": "%s en"}' "$1" "$2" "$3" "$4" "$4"
}

start=$(date +%s)
"$NOTIFY_TOOL" -c "$T/c.conf" -w 40 \
	"$(m alert.firing warning asriloka m1)" \
	"$(m alert.firing warning asriloka m2)" \
	"$(m alert.firing info asriloka m3)" \
	"$(m alert.firing critical sumberjo m4)" \
	"$(m site.down info sumberjo m5)" \
	"$(m alert.resolved info asriloka m6)" \
	>"$T/out" 2>"$T/tool.log" || fail "notify-tool: $(cat "$T/out")"
end=$(date +%s)
# limited: m1 m2, then a summary of m3 m4 m6 (counted as 3);
# critical: m4; sumberjo: m4 m5
[ "$(cat "$T/out")" = "sent=8 failed=0 dropped=0 queued=0" ] \
	|| fail "counts: $(cat "$T/out")"
[ $((end - start)) -ge 2 ] || fail "the summary came before the period ended"
pycheck "$T/hook.jsonl" '
by = {}
for r in recs:
    by.setdefault(r["path"], []).append(r["body"])
lim = by["/limited"]
assert [b["subject"] for b in lim[:2]] == ["m1", "m2"], lim
assert len(lim) == 3, lim
s = lim[2]
assert s["event"] == "notify.summary" and s["count"] == 3, s
assert s["severity"] == "critical", s
assert s["subject"] == "pantau: 3 notifikasi lagi", s
assert [i["subject"] for i in s["items"]] == ["m3", "m4", "m6"], s
assert "- " in s["text"] and "m6" in s["text"], s["text"]
assert [b["subject"] for b in by["/critical"]] == ["m4"], by["/critical"]
assert [b["subject"] for b in by["/sumberjo"]] == ["m4 en", "m5 en"], by["/sumberjo"]
assert len(recs) == 6, recs
'
# queue_max: a target that is down keeps at most that many; the rest is
# refused by notify_submit, logged and counted, never silently lost
dead=$(free_port)
notify_conf <<EOC
[notify small]
type = webhook
url = http://127.0.0.1:$dead/
queue_max = 2
backoff_min = 30
EOC
"$NOTIFY_TOOL" -c "$T/c.conf" -s 1 "$(m site.down info a q1)" \
	"$(m site.down info a q2)" "$(m site.down info a q3)" \
	"$(m site.down info a q4)" >"$T/out" 2>"$T/tool2.log"
[ $? = 4 ] || fail "queue_max: not refused: $(cat "$T/out")"
[ "$(cat "$T/out")" = "sent=0 failed=1 dropped=2 queued=2" ] \
	|| fail "queue_max counts: $(cat "$T/out")"
[ "$(grep -c 'queue full' "$T/tool2.log")" = 2 ] || fail "drops not logged"
pass "routed by event, severity and site; rate limit summarised; queue bounded"
