#!/bin/sh
# 121-report-availability: `pantauctl report availability` over the seeded
# presence history (tests/fixtures/reports/seed.sql), October 2026.
#
# Hand-checked, in minutes (October has 31 * 1440 = 44640):
#   asriloka/pc-01: online 1-20 Oct (27360) + 21 Oct-1 Nov (15840) = 43200,
#     offline 20 Oct (1440); measured 44640; 43200/44640 = 96.77%
#   asriloka/printer-lobby: unknown 6 h (360, not counted), online 1 Oct
#     06:00-31 Oct 18:00 (43920), stale from 18:00 until 1 Nov 06:00, of
#     which October holds 360; 43920/44280 = 99.19%
#   kalisat/pc-01: online 5 Oct (1440), unreachable 12 h (720), online from
#     6 Oct 12:00, still open, to the period's end (36720): 38160/38880 =
#     98.15%
#   all: online 125280, down 2520, unknown 360; 125280/127800 = 98.03%
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/reports-lib.sh"
reports_db
P="--from 2026-10-01 --to 2026-11-01"

ctl report availability $P --format csv -o "$T/dev.csv" || fail "csv"
[ "$(csv_sum "$T/dev.csv" online_min)" = 125280 ] || fail "online: $(cat "$T/dev.csv")"
[ "$(csv_sum "$T/dev.csv" down_min)" = 2520 ] || fail "down"
[ "$(csv_sum "$T/dev.csv" unknown_min)" = 360 ] || fail "unknown"
[ "$(csv_sum "$T/dev.csv" measured_min)" = 127800 ] || fail "measured"
grep -q "^asriloka,pc-01,pc,2026-10,43200,1440,0,44640,9677" "$T/dev.csv" \
	|| fail "pc-01 row: $(cat "$T/dev.csv")"
grep -q "^asriloka,printer-lobby,printer,2026-10,43920,360,360,44280,9919" \
	"$T/dev.csv" || fail "printer row"
grep -q "^kalisat,pc-01,pc,2026-10,38160,720,0,38880,9815" "$T/dev.csv" \
	|| fail "kalisat row"
ctl report availability $P --format csv --table site -o "$T/site.csv" \
	|| fail "csv site"
grep -q "^asriloka,2026-10,2,87120,1800,360,88920,9798" "$T/site.csv" \
	|| fail "site row: $(cat "$T/site.csv")"

ctl report availability $P --format json >"$T/a.json" || fail "json"
python3 - "$T/a.json" <<'PY' || fail "json totals"
import json, sys
t = json.load(open(sys.argv[1]))["totals"]["by_device"]
assert t == {"online_min": 125280, "down_min": 2520, "unknown_min": 360,
             "measured_min": 127800, "availability_bp": 9803}, t
PY

# September: only pc-01's unknown two hours; nothing online
ctl report availability --from 2026-09-01 --to 2026-10-01 --format csv \
	-o "$T/sep.csv" || fail "september"
grep -q "^asriloka,pc-01,pc,2026-09,0,0,120,0," "$T/sep.csv" \
	|| fail "september: $(cat "$T/sep.csv")"

ctl report availability $P --site asriloka --format pdf -o "$T/a.pdf" \
	|| fail "pdf"
[ "$(pdf_pages "$T/a.pdf")" = 1 ] || fail "pages"
pdf_text "$T/a.pdf" >"$T/a.txt"
grep -q "Ketersediaan Perangkat" "$T/a.txt" || fail "title"
grep -Eq "^Jumlah +1.452:00 +30:00 +6:00 +1.482:00 +97,98%$" "$T/a.txt" \
	|| fail "total: $(grep Jumlah "$T/a.txt")"
grep -q "Oktober 2026" "$T/a.txt" || fail "month name"
grep -q "Grafik: Ketersediaan" "$T/a.txt" || fail "chart"
pass "availability: exact minutes and percentages"
