#!/bin/sh
# 70-cups-pages: a real cupsd with page-counting PPD queues and a raw queue.
# Jobs of known page counts, as different users and with copies, give the
# exact pages per user and printer in the database and in the report; the
# raw queue's pages are "unknown", never 0; a paused queue whose device URI
# names a host maps to that device and raises an event.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/cups-lib.sh"

cups_setup
cups_start
lpadmin -p psq -E -v file:///dev/null -m drv:///sample.drv/generic.ppd \
	2>/dev/null || fail "lpadmin psq"
lpadmin -p psq2 -E -v file:///dev/null -m drv:///sample.drv/generic.ppd \
	2>/dev/null || fail "lpadmin psq2"
lpadmin -p rawq -E -v file:///dev/null -m raw 2>/dev/null || fail "lpadmin rawq"
# No -E: the queue stays paused and never runs its backend, so the host in
# its URI is never looked up.
lpadmin -p hall -v socket://printer-hall.example:9100 \
	-m drv:///sample.drv/generic.ppd 2>/dev/null || fail "lpadmin hall"
cupsdisable hall || fail "cupsdisable hall"	# printer-state-reasons: paused

cups_pdf "$T/p1.pdf" 1
cups_pdf "$T/p2.pdf" 2
cups_pdf "$T/p3.pdf" 3
lp -d psq -U alice -n 2 "$T/p3.pdf" >/dev/null || fail "lp 1"	# 6
lp -d psq -U bob "$T/p1.pdf" >/dev/null || fail "lp 2"		# 1
lp -d psq2 -U alice "$T/p2.pdf" >/dev/null || fail "lp 3"	# 2
lp -d rawq -U carol "$T/p3.pdf" >/dev/null || fail "lp 4"	# unknown
lp -d psq -U bob -n 3 "$T/p2.pdf" >/dev/null || fail "lp 5"	# 6
cups_wait_idle 60

cat >"$T/collector.conf" <<EOF
[cups]
server = $CUPS_SERVER
site = asriloka
map = psq:printer-lobby psq2:printer-copy rawq:printer-raw
EOF
poll_tool poll -c "$T/collector.conf" -d "$T/pantau.db" -r 1 \
	>"$T/msgs" 2>"$T/poll.log" || fail "poll: $(cat "$T/poll.log")"

got=$(sqlite3 "$T/pantau.db" "SELECT job_id, queue, device, user,
	coalesce(pages, 'NULL'), copies, state FROM print_jobs ORDER BY job_id")
want="1|psq|printer-lobby|alice|6|2|completed
2|psq|printer-lobby|bob|1|1|completed
3|psq2|printer-copy|alice|2|1|completed
4|rawq|printer-raw|carol|NULL|1|completed
5|psq|printer-lobby|bob|6|3|completed"
[ "$got" = "$want" ] || fail "jobs in the database:
$got
want:
$want"

month=$(date +%Y-%m)
poll_tool report -d "$T/pantau.db" -f csv -T user | tr -d '\r' >"$T/user.csv" \
	|| fail "report"
cat >"$T/want.csv" <<EOF
month,site,printer,server,queue,user,jobs,pages,unknown_jobs,sheets
$month,asriloka,printer-copy,$CUPS_SERVER,psq2,alice,1,2,0,2
$month,asriloka,printer-lobby,$CUPS_SERVER,psq,alice,1,6,0,6
$month,asriloka,printer-lobby,$CUPS_SERVER,psq,bob,2,7,0,7
$month,asriloka,printer-raw,$CUPS_SERVER,rawq,carol,1,unknown,1,0
EOF
diff -u "$T/want.csv" "$T/user.csv" || fail "per-user report differs"

# pantauctl's form: the per-printer table into a file
poll_tool ctl "$T/pantau.db" print-volume --format csv --table printer \
	--from "$(date +%Y-%m-01)" -o "$T/printer.csv" || fail "ctl report"
cat >"$T/want.csv" <<EOF
month,site,printer,server,queue,jobs,pages,unknown_jobs,sheets,meter_pages,difference
$month,asriloka,printer-copy,,,1,2,0,2,,
$month,asriloka,printer-lobby,,,3,13,0,13,,
$month,asriloka,printer-raw,,,1,unknown,1,0,,
EOF
tr -d '\r' <"$T/printer.csv" | diff -u "$T/want.csv" - \
	|| fail "per-printer report differs"

poll_tool report -d "$T/pantau.db" -f json >"$T/report.json" || fail "json"
python3 - "$T/report.json" <<'EOF' || fail "json report"
import json, sys
r = json.load(open(sys.argv[1]))
p = {(x["printer"]): x for x in r["by_printer"]}
assert p["printer-lobby"]["pages"] == 13, p
assert p["printer-lobby"]["jobs"] == 3, p
assert p["printer-raw"]["pages"] is None, p          # unknown, not 0
assert p["printer-raw"]["unknown_jobs"] == 1, p
EOF

# The messages for the ingest path: counters per device, the raw queue
# without a page counter, the paused queue mapped by its URI's host.
grep -q '^pantau/v1/asriloka/printer-lobby/metrics	.*"cups.pages":13,"cups.jobs":3}' \
	"$T/msgs" || fail "printer-lobby metrics: $(cat "$T/msgs")"
grep '^pantau/v1/asriloka/printer-raw/metrics' "$T/msgs" | grep -q 'cups.pages' \
	&& fail "the raw queue must have no page counter"
grep -q '^pantau/v1/asriloka/printer-hall/events	.*"code":"printer.paused".*"state":"raised"' \
	"$T/msgs" || fail "no paused event for printer-hall: $(cat "$T/msgs")"
pass "exact pages per user and printer; raw queue unknown"
