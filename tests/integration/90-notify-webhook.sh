#!/bin/sh
# 90-notify-webhook: a webhook target delivers an alert to a local HTTP
# listener with exactly the documented JSON (UTF-8 Indonesian text, hostile
# characters intact as data), the bearer token and the extra header; the
# test message of "pantauctl notify test" arrives too; and end to end, a
# printer jam published to mosquitto reaches the webhook from
# pantau-collector as alert.firing and ticket.opened.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/notify-lib.sh"

start_webhook hook
printf 's3cret-token\n' >"$T/token"
notify_conf <<EOC
[notify hook]
type = webhook
url = http://127.0.0.1:$HOOK_PORT/pantau/hook
token_file = $T/token
header = X-Room: teknisi
timeout = 10
EOC

"$NOTIFY_TOOL" -c "$T/c.conf" -w 30 '{"event": "alert.firing",
 "severity": "critical", "site": "asriloka", "device": "printer-lobby",
 "subject_id": "Toner hampir habis — printer-lobby \"<b>\"",
 "subject_en": "Toner almost empty",
 "text_id": "Sisa toner 3%.\nSegera ganti kartrid; $(reboot) `id`",
 "text_en": "Toner at 3%.", "ts": 1795929138, "alert_id": 42}' \
	>"$T/out" 2>"$T/tool.log" || fail "notify-tool: $(cat "$T/out" "$T/tool.log")"
[ "$(cat "$T/out")" = "sent=1 failed=0 dropped=0 queued=0" ] \
	|| fail "counts: $(cat "$T/out")"
[ "$(lines "$T/hook.jsonl")" = 1 ] || fail "posts: $(cat "$T/hook.jsonl")"

pycheck "$T/hook.jsonl" '
r = recs[0]
assert r["path"] == "/pantau/hook", r
assert r["authorization"] == "Bearer s3cret-token", r
assert r["x_room"] == "teknisi", r
assert r["content_type"] == "application/json", r
b = r["body"]
want = {
    "event": "alert.firing", "severity": "critical", "site": "asriloka",
    "device": "printer-lobby",
    "subject": "Toner hampir habis \u2014 printer-lobby \"<b>\"",
    "text": "Sisa toner 3%.\nSegera ganti kartrid; $(reboot) `id`",
    "ts": 1795929138, "time": "2026-11-29T05:12:18Z",
    "alert_id": 42, "ticket_id": None, "language": "id",
    "subject_id": "Toner hampir habis \u2014 printer-lobby \"<b>\"",
    "subject_en": "Toner almost empty",
    "text_id": "Sisa toner 3%.\nSegera ganti kartrid; $(reboot) `id`",
    "text_en": "Toner at 3%.", "target": "hook",
}
assert b == want, b
'

# the technician's check of a target
"$top_builddir/collector/pantauctl" -c "$T/c.conf" notify test hook \
	>"$T/out" 2>&1 || fail "test message: $(cat "$T/out")"
[ "$(cat "$T/out")" = "test message delivered to hook" ] \
	|| fail "pantauctl: $(cat "$T/out")"
[ "$(lines "$T/hook.jsonl")" = 2 ] || fail "no test message"
pycheck "$T/hook.jsonl" '
b = recs[1]["body"]
assert b["event"] == "notify.test", b
assert b["subject"] == "pantau: pesan uji", b
'
# End to end: a printer jam published to the broker becomes an alert and
# a ticket in pantau-collector, whose notifier posts both to the webhook.
. "$top_srcdir/tests/integration/collector-lib.sh"
start_mosquitto
: >"$T/hook.jsonl"
collector_conf "dashboards = $T
[notify hook]
type = webhook
url = http://127.0.0.1:$HOOK_PORT/pantau/hook
events = alert.* ticket.*
backoff_min = 1"
start_collector
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 \
	-t pantau/v1/site-b/prn-01/events -m "{\"v\":1,\"ts\":$T0,\
\"code\":\"printer.jam\",\"severity\":\"critical\",\"state\":\"raised\",\
\"text\":\"Paper jam in tray 2\"}" || fail "mosquitto_pub"
wait_for 30 sh -c "[ \$(wc -l <'$T/hook.jsonl') -ge 2 ]" \
	|| fail "collector posted: $(cat "$T/hook.jsonl")"
pycheck "$T/hook.jsonl" '
by = {r["body"]["event"]: r["body"] for r in recs}
assert sorted(by) == ["alert.firing", "ticket.opened"], recs
for b in by.values():
    assert b["site"] == "site-b" and b["device"] == "prn-01", b
    assert b["severity"] == "critical", b
    assert b["language"] == "id" and b["target"] == "hook", b
    assert "Paper jam in tray 2" in b["subject"], b
assert by["alert.firing"]["alert_id"] == 1, by
assert by["ticket.opened"]["ticket_id"] == 1, by
'
stop_collector
[ ! -f "$DATA/notify/hook.json" ] || fail "delivered, yet queued"
pass "webhook delivered with the documented JSON, also from the collector"
