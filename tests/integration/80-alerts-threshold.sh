#!/bin/sh
# 80-alerts-threshold.sh: a threshold rule through a real mosquitto and
# pantau-collector (issue 7): a one-sample spike opens nothing; a
# sustained breach opens exactly one alert and one ticket; recovery past
# the clear threshold (and not before) resolves the alert and notes the
# ticket; the same fault again opens no second ticket.  Then the API
# (alerts, tickets, PATCH by a technician, refused to a viewer) and
# pantauctl ticket list/show/note/close.
#
# Samples carry synthetic time stamps one interval apart, so the rule's
# "for = 2m" is crossed without waiting.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"

CTL="$top_builddir/collector/pantauctl"
get() { python3 "$top_srcdir/tests/integration/httpget.py" "$@"; }
sql() { sqlite3 -cmd '.timeout 5000' "$DATA/pantau.db" "$1"; }

start_mosquitto
HTTP_PORT=$(free_port)
API="http://127.0.0.1:$HTTP_PORT"
collector_conf "
[rule cpu_hot]
metric = temp.cpu.celsius
above = 80
clear = 70
for = 2m
severity = critical
ticket = yes
"
sed -i "s/^listen = .*/listen = 127.0.0.1:$HTTP_PORT/" "$T/collector.conf"
start_collector

# One sample at ts (T0 + 60 * $1) with the value $2; waits until stored.
n=0
temp() {
	n=$((n + 1))
	ts=$((T0 + 60 * $1))
	pub_metrics site-a pc-01 "$ts" "$n" "gauge:temp.cpu.celsius=$2"
	wait_for 20 stored "$ts" || fail "sample $n (ts $ts) not stored"
}
stored() {
	[ "$(sql "SELECT ts FROM latest WHERE metric = 'temp.cpu.celsius'")" \
		= "$1" ]
}
alerts() { sql "SELECT count(*) FROM alerts WHERE rule = 'cpu_hot' ${1:-}"; }
tickets() { sql "SELECT count(*) FROM tickets ${1:-}"; }

# A spike: one sample above, the next below.
temp 0 50
temp 1 95
temp 2 50
[ "$(alerts)" = 0 ] || fail "a one-sample spike fired: $(alerts)"
[ "$(tickets)" = 0 ] || fail "a one-sample spike opened a ticket"

# Sustained: pending at 3, fires at 5 (two minutes later).
temp 3 95
temp 4 96
[ "$(alerts)" = 0 ] || fail "fired before 'for' elapsed"
temp 5 97
temp 6 98
[ "$(alerts "AND state = 'firing'")" = 1 ] ||
	fail "sustained breach: $(alerts "AND state = 'firing'") firing"
[ "$(alerts)" = 1 ] || fail "sustained breach: $(alerts) alerts, expected 1"
[ "$(tickets "WHERE kind = 'fault' AND state = 'open' AND device = \
'pc-01' AND priority = 2 AND dedup_key = 'rule:cpu_hot:temp.cpu.celsius'")" \
	= 1 ] || fail "no single open ticket: $(sql 'SELECT * FROM tickets')"
[ "$(sql "SELECT ticket_id FROM alerts")" = 1 ] ||
	fail "alert not linked to its ticket"

# Hysteresis: below the threshold but above the clear level stays firing.
temp 7 75
[ "$(alerts "AND state = 'firing'")" = 1 ] ||
	fail "resolved above the clear threshold"
temp 8 65
[ "$(alerts "AND state = 'resolved'")" = 1 ] ||
	fail "not resolved below the clear threshold"
[ "$(sql "SELECT count(*) FROM ticket_notes WHERE ticket_id = 1 AND \
kind = 'alert' AND text LIKE 'alert #1 cleared%'")" = 1 ] ||
	fail "ticket not noted: $(sql 'SELECT * FROM ticket_notes')"
[ "$(tickets "WHERE state = 'open'")" = 1 ] ||
	fail "the ticket resolved itself without resolve_ticket"

# The same fault again: a second alert, the same ticket with a note.
temp 9 95
temp 10 95
temp 11 95
[ "$(alerts)" = 2 ] || fail "repeat: $(alerts) alerts, expected 2"
[ "$(tickets)" = 1 ] || fail "repeat opened a duplicate ticket"
[ "$(sql "SELECT count(*) FROM ticket_notes WHERE ticket_id = 1 AND \
text LIKE 'again:%'")" = 1 ] || fail "repeat not noted on the ticket"

# The API.
out=$(get "$API/api/v1/alerts?state=firing&site=site-a") ||
	fail "GET alerts: $out"
echo "$out" | grep -qF '"count":1' || fail "GET alerts: $out"
echo "$out" | grep -qF '"rule":"cpu_hot"' || fail "GET alerts: $out"
out=$(get "$API/api/v1/tickets/1") || fail "GET ticket: $out"
echo "$out" | grep -qF '"kind":"open"' || fail "no timeline: $out"
TECH=$("$CTL" -c "$T/collector.conf" token create tech --role technician) ||
	fail "token create tech"
patch() {
	curl -s -o "$T/patch.out" -w '%{http_code}' -X PATCH \
		-H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
		-d "$2" "$API/api/v1/tickets/1"
}
code=$(patch "$PANTAU_TEST_TOKEN" '{"state":"closed"}')
[ "$code" = 403 ] || fail "a viewer changed a ticket: $code"
code=$(patch "$TECH" \
	'{"state":"resolved","assignee":"budi","cost_idr":150000,"note":"pasta"}')
[ "$code" = 200 ] || fail "PATCH: $code $(cat "$T/patch.out")"
grep -qF '"state":"resolved"' "$T/patch.out" || fail "PATCH: $(cat "$T/patch.out")"
[ "$(sql "SELECT cost_idr || '/' || assignee FROM tickets")" = 150000/budi ] ||
	fail "PATCH not stored"
[ "$(sql "SELECT actor FROM ticket_notes WHERE text = 'pasta'")" = token:tech ] ||
	fail "note actor: $(sql 'SELECT * FROM ticket_notes')"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
	-H "Authorization: Bearer $TECH" "$API/api/v1/alerts/2/ack")
[ "$code" = 200 ] || fail "ack: $code"
[ "$(sql "SELECT acked_by FROM alerts WHERE id = 2")" = token:tech ] ||
	fail "ack not stored"

# A ticket by hand, and a silence, through the API.
code=$(curl -s -o "$T/post.out" -w '%{http_code}' -X POST \
	-H "Authorization: Bearer $TECH" -H 'Content-Type: application/json' \
	-d '{"title":"Proyektor minta dibersihkan","site":"site-a","device":"pj-01","priority":4}' \
	"$API/api/v1/tickets")
[ "$code" = 201 ] || fail "POST ticket: $code $(cat "$T/post.out")"
grep -qF '"kind":"request"' "$T/post.out" || fail "POST: $(cat "$T/post.out")"
[ "$(sql "SELECT opened_by || '/' || priority FROM tickets WHERE id = 2")" \
	= token:tech/4 ] || fail "POST not stored"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
	-H "Authorization: Bearer $PANTAU_TEST_TOKEN" -d '{}' "$API/api/v1/tickets")
[ "$code" = 403 ] || fail "a viewer opened a ticket: $code"
code=$(curl -s -o "$T/sil.out" -w '%{http_code}' -X POST \
	-H "Authorization: Bearer $TECH" -H 'Content-Type: application/json' \
	-d '{"site":"site-a","duration":"2h","comment":"servis"}' \
	"$API/api/v1/silences")
[ "$code" = 201 ] || fail "POST silence: $code $(cat "$T/sil.out")"
get "$API/api/v1/silences" | grep -qF '"comment":"servis"' ||
	fail "GET silences"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE \
	-H "Authorization: Bearer $TECH" "$API/api/v1/silences/1")
[ "$code" = 200 ] || fail "DELETE silence: $code"
get "$API/api/v1/silences" | grep -qF '"count":0' || fail "silence not ended"

# pantauctl.
"$CTL" -c "$T/collector.conf" ticket list --format csv >"$T/list.csv" ||
	fail "ticket list"
grep -q '^"1","fault","resolved","2","site-a","pc-01","budi",' \
	"$T/list.csv" || fail "ticket list csv: $(cat "$T/list.csv")"
"$CTL" -c "$T/collector.conf" ticket note 1 "checked the heatsink" --by ani ||
	fail "ticket note"
"$CTL" -c "$T/collector.conf" ticket close 1 --by ani || fail "ticket close"
"$CTL" -c "$T/collector.conf" ticket show 1 >"$T/show.txt" ||
	fail "ticket show"
grep -q 'ani .*note .*checked the heatsink' "$T/show.txt" ||
	fail "show: $(cat "$T/show.txt")"
grep -q 'state: resolved -> closed' "$T/show.txt" ||
	fail "show: $(cat "$T/show.txt")"
"$CTL" -c "$T/collector.conf" ticket list --state open >"$T/open.txt" ||
	fail "ticket list --state open"
[ "$(awk 'NR > 1 { print $1 }' "$T/open.txt")" = 2 ] ||
	fail "open tickets: $(cat "$T/open.txt")"

stop_collector
pass "spike ignored, one alert and one ticket, hysteresis, repeat noted"
