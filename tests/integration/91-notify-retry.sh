#!/bin/sh
# 91-notify-retry: a webhook target that is down.  The message is retried
# with backoff and delivered once the listener comes up; a receiver that
# answers 503 is retried too; what is undelivered when the notifier stops
# is kept in DATA/notify/ and sent by the next run; a receiver that calls
# the message malformed (400) is not retried; in pantau-collector, alerts
# queued for a target that is down go to its new address after a SIGHUP.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/notify-lib.sh"

HOOK_PORT=$(free_port)
HOOK_PORT_FIXED=1
notify_conf <<EOC
[notify hook]
type = webhook
url = http://127.0.0.1:$HOOK_PORT/hook
timeout = 5
backoff_min = 1
backoff_max = 2
EOC
msg() {
	printf '{"event": "site.down", "severity": "critical", "site": "asriloka", "subject_id": "%s", "subject_en": "%s"}' "$1" "$1"
}

# 1: nobody listens yet; the tool keeps trying until the sink comes up
spawn tool "$NOTIFY_TOOL" -c "$T/c.conf" -w 60 "$(msg satu)"
tool=$SPAWNED
wait_for 20 grep -q 'delivery failed, retrying' "$T/tool.log" \
	|| fail "no failed attempt logged"
[ "$(lines "$T/hook.jsonl")" = 0 ] || fail "delivered to nobody?"
start_webhook hook
wait "$tool" || fail "notify-tool exited $? after the listener came up"
grep -q '^sent=1 failed=[1-9][0-9]* dropped=0 queued=0$' "$T/tool.log" \
	|| fail "counts: $(tail -1 "$T/tool.log")"
[ "$(lines "$T/hook.jsonl")" = 1 ] || fail "posts: $(cat "$T/hook.jsonl")"
pycheck "$T/hook.jsonl" 'assert recs[0]["body"]["subject"] == "satu", recs'

# 2: the receiver answers 503 twice, then takes it
stop "$HOOK_PID"
start_webhook hook --fail 2
"$NOTIFY_TOOL" -c "$T/c.conf" -w 60 "$(msg dua)" >"$T/out" 2>>"$T/tool2.log" \
	|| fail "503 twice: $(cat "$T/out")"
[ "$(cat "$T/out")" = "sent=1 failed=2 dropped=0 queued=0" ] \
	|| fail "503 counts: $(cat "$T/out")"
[ "$(lines "$T/hook.jsonl")" = 2 ] || fail "503: not delivered once"

# 3: down while the notifier stops: kept on disk, sent by the next run
stop "$HOOK_PID"
"$NOTIFY_TOOL" -c "$T/c.conf" -s 2 "$(msg tiga)" "$(msg empat)" \
	>"$T/out" 2>>"$T/tool3.log"
[ $? = 3 ] || fail "stopped with nothing left? $(cat "$T/out")"
grep -q '^sent=0 failed=[1-9] dropped=0 queued=2$' "$T/out" \
	|| fail "stop counts: $(cat "$T/out")"
[ -f "$T/data/notify/hook.json" ] || fail "queue not kept"
grep -q '"empat"' "$T/data/notify/hook.json" || fail "queue file content"
start_webhook hook
"$NOTIFY_TOOL" -c "$T/c.conf" -w 30 >"$T/out" 2>>"$T/tool3.log" \
	|| fail "restart: $(cat "$T/out")"
[ "$(cat "$T/out")" = "sent=2 failed=0 dropped=0 queued=0" ] \
	|| fail "restart counts: $(cat "$T/out")"
pycheck "$T/hook.jsonl" '
assert [r["body"]["subject"] for r in recs] == ["satu", "dua", "tiga", "empat"], recs
'
[ ! -f "$T/data/notify/hook.json" ] || fail "queue file left after delivery"

# 4: 400 says the message is wrong: given up at once, not retried
stop "$HOOK_PID"
start_webhook hook --status 400
"$NOTIFY_TOOL" -c "$T/c.conf" -w 30 "$(msg lima)" >"$T/out" 2>>"$T/tool4.log" \
	|| fail "400: $(cat "$T/out")"
[ "$(cat "$T/out")" = "sent=0 failed=1 dropped=1 queued=0" ] \
	|| fail "400 counts: $(cat "$T/out")"
# 5: pantau-collector: alerts for a target that is down stay queued; a
# SIGHUP pointing the target elsewhere hands them to the new notifier
. "$top_srcdir/tests/integration/collector-lib.sh"
start_mosquitto
dead=$(free_port)
hook_conf() {
	collector_conf "dashboards = $T
[notify hook]
type = webhook
url = http://127.0.0.1:$1/hook
backoff_min = 1
backoff_max = 2"
}
hook_conf "$dead"
start_collector
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 \
	-t pantau/v1/site-b/prn-01/events -m "{\"v\":1,\"ts\":$T0,\
\"code\":\"printer.jam\",\"severity\":\"critical\",\"state\":\"raised\",\
\"text\":\"Paper jam\"}" || fail "mosquitto_pub"
wait_for 20 grep -q 'notify: hook: delivery failed' "$T/collector.log" \
	|| fail "collector did not try the dead target"
: >"$T/hook.jsonl"
hook_conf "$HOOK_PORT"
kill -HUP "$COLLECTOR_PID"
wait_for 30 sh -c "[ \$(wc -l <'$T/hook.jsonl') -ge 2 ]" \
	|| fail "after SIGHUP: $(cat "$T/hook.jsonl")"
pycheck "$T/hook.jsonl" '
ev = sorted(r["body"]["event"] for r in recs)
assert ev == ["alert.firing", "ticket.opened"], ev
'
grep -Eq 'notify: hook: [12] undelivered messages of an earlier run' \
	"$T/collector.log" || fail "not handed over through DATA/notify/"
stop_collector
pass "retried until the listener came back; kept across a restart and a SIGHUP"
