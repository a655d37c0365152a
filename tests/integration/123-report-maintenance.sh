#!/bin/sh
# 123-report-maintenance: `pantauctl report maintenance` for October 2026.
#
# Tickets opened in October: 1, 2, 3, 6 (asriloka), 4 (kalisat); ticket 5
# was opened in September.  Repairs (fault tickets, opened to resolved):
# 1: 6 h = 360 min, 2: 2 days = 2880 min; mean 1620 min (27:00).  Costs
# 150.000 + 1.250.000 + 0 + 75.000 + 0 = Rp 1.475.000.  Preventive: 3 done
# in 1.5 h (on time), 6 in 3 days (late): 1 of 2 = 50%.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/reports-lib.sh"
reports_db
P="--from 2026-10-01 --to 2026-11-01"

ctl report maintenance $P --format csv -o "$T/t.csv" || fail "csv"
[ "$(grep -c . "$T/t.csv")" = 6 ] || fail "tickets: $(cat "$T/t.csv")"
[ "$(csv_sum "$T/t.csv" cost_idr)" = 1475000 ] || fail "cost"
[ "$(csv_sum "$T/t.csv" repair_min)" = 3240 ] || fail "repair"
[ "$(csv_sum "$T/t.csv" cost_idr site=kalisat)" = 0 ] || fail "kalisat"
ctl report maintenance $P --format csv --table asset -o "$T/a.csv" \
	|| fail "csv asset"
grep -q '^asriloka,AST-001,pc-01,2,1,1,2880,power supply; cleaning kit,1325000' \
	"$T/a.csv" || fail "asset row: $(cat "$T/a.csv")"
ctl report maintenance $P --format json >"$T/m.json" || fail "json"
python3 - "$T/m.json" <<'PY' || fail "json totals"
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
assert t["by_site"]["cost_idr"] == 1475000, t
assert t["by_site"]["mttr_min"] == 1620, t
assert t["by_site"]["tickets"] == 5 and t["by_site"]["faults"] == 2, t
assert t["pm"] == {"planned": 2, "done": 2, "on_time": 1,
                   "on_time_bp": 5000}, t
PY

ctl report maintenance $P --format pdf -o "$T/m.pdf" || fail "pdf"
n=$(pdf_pages "$T/m.pdf")
[ "$n" = 1 ] || fail "pages: $n"
pdf_text "$T/m.pdf" >"$T/m.txt"
grep -q "Pemeliharaan" "$T/m.txt" || fail "title"
grep -Eq "^Jumlah +5 +2 +2 +1 +4 +27:00 +Rp 1.475.000$" "$T/m.txt" \
	|| fail "site total: $(grep Jumlah "$T/m.txt")"
grep -Eq "^Jumlah +2 +2 +1 +50,00%$" "$T/m.txt" || fail "pm total"
grep -q "Rp 1.325.000" "$T/m.txt" || fail "asset cost"
pass "maintenance: repair times, parts, costs, preventive on time"
