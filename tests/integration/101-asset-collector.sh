#!/bin/sh
# 101-asset-collector.sh: the register in a running collector (issue 8).
#
# A real mosquitto and pantau-collector.  An inventory message whose
# serial number matches an asset makes a link suggestion, shown by the
# API and by "pantauctl asset show", and accepted with "asset link".
# /api/v1/assets and /api/v1/pm answer every role; only a secretary (or
# admin) creates and changes assets, only a technician (or admin) adds
# plans.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"

CTL="$top_builddir/collector/pantauctl"
FIX="$top_srcdir/tests/fixtures/assets"

start_mosquitto
collector_conf "dashboards = $top_srcdir/dashboards"
"$CTL" -c "$T/collector.conf" asset import "$FIX/good.csv" >/dev/null ||
	fail "import"
SEC=$("$CTL" -c "$T/collector.conf" token create sek --role secretary) ||
	fail "token"
TEK=$("$CTL" -c "$T/collector.conf" token create tek --role technician) ||
	fail "token"
start_collector
API="http://127.0.0.1:$(sed -n 's/^listen = 127.0.0.1://p' "$T/collector.conf")"
get() { python3 "$top_srcdir/tests/integration/httpget.py" "$@"; }
wait_for 10 get "$API/healthz" || fail "no HTTP"

# METHOD URL TOKEN [BODY]: prints "STATUS BODY"
call() {
	python3 - "$@" <<'PY'
import sys, urllib.request, urllib.error
m, url, tok = sys.argv[1:4]
data = sys.argv[4].encode() if len(sys.argv) > 4 else None
r = urllib.request.Request(url, data=data, method=m)
r.add_header("Authorization", "Bearer " + tok)
r.add_header("Content-Type", "application/json")
try:
    with urllib.request.urlopen(r, timeout=5) as f:
        print(f.status, f.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
PY
}

# The printer's serial arrives from a device the register does not know.
tag=02.06.03.05.001-0001
now=$(date +%s)
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -r \
	-t pantau/v1/asriloka/printer-2/inventory \
	-m "{\"v\":1,\"ts\":$now,\"type\":\"printer\",\"vendor\":\"HP\",\"serial\":\"PHBQK12345\"}" ||
	fail "publish inventory"
suggested() {
	get "$API/api/v1/assets/$tag" | grep -qF \
	    '"suggested_links":[{"site":"asriloka","device":"printer-2","reason":"serial PHBQK12345"'
}
wait_for 20 suggested || fail "no suggestion: $(get "$API/api/v1/assets/$tag")"
"$CTL" -c "$T/collector.conf" asset show "$tag" |
	grep -qF "asriloka/printer-2 (serial PHBQK12345): pantauctl asset link $tag asriloka/printer-2" ||
	fail "asset show lacks the suggestion"
"$CTL" -c "$T/collector.conf" asset link "$tag" asriloka/printer-2 ||
	fail "asset link"
get "$API/api/v1/assets/$tag" | grep -qF '"device":"printer-2"' ||
	fail "link not shown"
get "$API/api/v1/assets/$tag" | grep -qF '"suggested_links":[]' ||
	fail "suggestion not dropped"

# Filters.
n=$(get "$API/api/v1/assets?type=printer&funding=APBD%20Kabupaten/Kota" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
[ "$n" = 1 ] || fail "filtered list has $n"
n=$(get "$API/api/v1/assets?q=proyektor" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
[ "$n" = 1 ] || fail "q= found $n"
[ "$(get --status "$API/api/v1/assets/none")" = 404 ] || fail "404 expected"

# Roles: a viewer reads only; a secretary creates and changes.
body='{"tag":"PC-099","name":"Komputer","type":"pc","site":"asriloka","funding":"APBD Provinsi","budget_year":2025,"price_idr":9000000,"condition":"B","purchase_date":"2025-02-01"}'
call POST "$API/api/v1/assets" "$PANTAU_TEST_TOKEN" "$body" | grep -q '^403 ' ||
	fail "a viewer created an asset"
call POST "$API/api/v1/assets" "$SEC" "$body" >"$T/out"
grep -q '^201 .*"tag":"PC-099"' "$T/out" || fail "create: $(cat "$T/out")"
call POST "$API/api/v1/assets" "$SEC" "$body" | grep -q '^409 ' ||
	fail "duplicate tag accepted"
call POST "$API/api/v1/assets" "$SEC" '{"tag":"PC-100","name":"x","type":"pc","site":"asriloka","funding":"APBD","budget_year":"20x5","price_idr":1,"condition":"B"}' >"$T/out"
grep -qF "400 {\"error\":\"budget_year: '20x5' is not a year\"" "$T/out" ||
	fail "bad field: $(cat "$T/out")"
call PATCH "$API/api/v1/assets/PC-099" "$SEC" '{"condition":"KB","room":"Lab"}' >"$T/out"
grep -q '^200 .*"condition":"KB"' "$T/out" || fail "patch: $(cat "$T/out")"
grep -qF '"field":"condition","old":"B","new":"KB"' "$T/out" ||
	fail "patch not in history"

# PM over the API.
call POST "$API/api/v1/pm" "$SEC" '{"name":"x","type":"pc","every_days":30}' |
	grep -q '^403 ' || fail "a secretary added a plan"
call POST "$API/api/v1/pm" "$TEK" '{"name":"Servis printer","asset":"'$tag'","counter":"printer.pages.total","count":10000}' >"$T/out"
grep -q '^201 .*"id":1' "$T/out" || fail "pm create: $(cat "$T/out")"
get "$API/api/v1/pm" | grep -qF '"plan":1,"name":"Servis printer","tag":"'$tag'","site":"asriloka","device":"printer-2"' ||
	fail "pm list: $(get "$API/api/v1/pm")"
call POST "$API/api/v1/pm/1/done" "$TEK" | grep -q '^200 ' || fail "pm done"

# Every change is in the audit log, with who made it.
ADM=$("$CTL" -c "$T/collector.conf" token create adm --role admin) ||
	fail "token"
call GET "$API/api/v1/audit" "$ADM" >"$T/out"
for a in '"actor":"token:sek","action":"asset.create","object":"asset/PC-099"' \
    '"actor":"token:sek","action":"asset.update","object":"asset/PC-099"' \
    '"actor":"token:tek","action":"pm.create","object":"pm/1"' \
    '"actor":"token:tek","action":"pm.done","object":"pm/1"'; do
	grep -qF "$a" "$T/out" || fail "audit lacks $a: $(cat "$T/out")"
done
pass "asset suggestions, API and roles"
