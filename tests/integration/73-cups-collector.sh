#!/bin/sh
# 73-cups-collector: pantau-collector itself polls a real cupsd: print jobs
# in the database and in /api/v1/print-jobs, the per-queue page counter in
# RRD, a paused queue as an event, `pantauctl report print-volume`.
# Skipped until the collector runs the CUPS poller (its config check then
# knows the [cups] keys of docs/printing.md).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/cups-lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"
PANTAUCTL="$top_builddir/collector/pantauctl"
get() { python3 "$top_srcdir/tests/integration/httpget.py" "$@"; }

cups_setup
start_mosquitto
collector_conf "
[cups]
server = $CUPS_SERVER
interval = 10
timeout = 5
site = asriloka
map = psq:printer-lobby rawq:printer-raw hall:printer-hall"
HTTP_PORT=$(sed -n 's/^listen = 127.0.0.1://p' "$T/collector.conf")
"$COLLECTOR" -n -c "$T/collector.conf" >"$T/check.out" 2>&1 || {
	echo "SKIP: pantau-collector does not poll CUPS yet: $(cat "$T/check.out")"
	exit 77
}

cups_start
lpadmin -p psq -E -v file:///dev/null -m drv:///sample.drv/generic.ppd \
	2>/dev/null || fail "lpadmin psq"
lpadmin -p rawq -E -v file:///dev/null -m raw 2>/dev/null || fail "lpadmin rawq"
lpadmin -p hall -v file:///dev/null -m drv:///sample.drv/generic.ppd \
	2>/dev/null || fail "lpadmin hall"
cupsdisable hall || fail "cupsdisable"
cups_pdf "$T/p3.pdf" 3
lp -d psq -U alice -n 2 "$T/p3.pdf" >/dev/null || fail "lp 1"	# 6
lp -d rawq -U bob "$T/p3.pdf" >/dev/null || fail "lp 2"		# unknown
cups_wait_idle 60

start_collector
API="http://127.0.0.1:$HTTP_PORT"
wait_for 30 sh -c "python3 '$top_srcdir/tests/integration/httpget.py' \
	'$API/api/v1/print-jobs' | grep -q '\"job_id\":2'" \
	|| fail "jobs not in the API: $(get "$API/api/v1/print-jobs")"
jobs=$(get "$API/api/v1/print-jobs?site=asriloka") || fail "print-jobs"
python3 - "$jobs" <<'EOF' || fail "print-jobs: $jobs"
import json, sys
j = {x["job_id"]: x for x in json.loads(sys.argv[1])["jobs"]}
assert j[1]["user"] == "alice" and j[1]["pages"] == 6, j
assert j[2]["user"] == "bob" and j[2]["pages"] is None, j
assert "title" not in j[1], j          # titles are off by default
EOF
wait_for 30 test -f "$DATA/rrd/asriloka/printer-lobby/cups.pages.rrd" \
	|| fail "no RRD file for the page counter: $(ls -R "$DATA/rrd")"
[ -f "$DATA/rrd/asriloka/printer-raw/cups.pages.rrd" ] \
	&& fail "the raw queue must have no page counter"
ev=$(sqlite3 "$DATA/pantau.db" "SELECT e.code || ' ' || e.state FROM events e
	JOIN devices d ON d.id = e.device_id WHERE d.name = 'printer-hall'")
[ "$ev" = "printer.paused raised" ] || fail "events of printer-hall: $ev"

"$PANTAUCTL" -c "$T/collector.conf" report print-volume --format csv \
	>"$T/report.csv" || fail "pantauctl report"
month=$(date +%Y-%m)
grep -q "^$month,asriloka,printer-lobby,$CUPS_SERVER,psq,alice,1,6,0,6" \
	"$T/report.csv" || fail "report: $(cat "$T/report.csv")"
grep -q "^$month,asriloka,printer-raw,$CUPS_SERVER,rawq,bob,1,unknown,1,0" \
	"$T/report.csv" || fail "report: $(cat "$T/report.csv")"
csv=$(get "$API/api/v1/reports/print-volume?format=csv&table=printer") \
	|| fail "report API"
echo "$csv" | grep -q "^$month,asriloka,printer-lobby,,,1,6,0,6," \
	|| fail "report API: $csv"

# SIGHUP with a changed [cups]: a new poller, nothing stored twice.
n=$(grep -c "cups: $CUPS_SERVER: connected" "$T/collector.log")
sed -i 's/^interval = 10$/interval = 11/' "$T/collector.conf"
kill -HUP "$COLLECTOR_PID"
wait_for 20 sh -c "[ \$(grep -c 'cups: $CUPS_SERVER: connected' \
	'$T/collector.log') -gt $n ]" || fail "no new poller after SIGHUP"
kill -0 "$COLLECTOR_PID" || fail "the collector died on reload"
[ "$(sqlite3 "$DATA/pantau.db" 'SELECT count(*) FROM print_jobs')" = 2 ] \
	|| fail "jobs stored twice after reload"
stop_collector
pass "the collector polls CUPS: API, RRD counter, events, report"
