#!/bin/sh
# 124-report-assets: `pantauctl report assets` on 31 October 2026.
#
# In service: AST-001..004 (AST-005 was disposed in May).  Book values on
# 2026-10-31 (straight line, PC and printer 4 years, projector 5):
#   AST-001 Rp 12.000.000 from 2024-01-15: 33 months: 12e6 - 12e6*33/48
#           = 3.750.000
#   AST-002 Rp 3.500.000 from 2025-03-01: 19 months: 3.5e6 - 66.5e6/48
#           (1.385.416, rounded down) = 2.114.584
#   AST-003 Rp 9.000.000 from 2020-06-10: past 48 months = 0
#   AST-004 Rp 7.500.000, no date: from 2026-01-01, 9 months: 7.5e6 -
#           7.5e6*9/60 = 6.375.000
#   price Rp 32.000.000, book Rp 12.239.584; B 2, KB 1, RB 1.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/reports-lib.sh"
reports_db
P="--from 2026-10-01 --to 2026-11-01"

ctl report assets $P --format csv -o "$T/a.csv" || fail "csv"
[ "$(grep -c . "$T/a.csv")" = 5 ] || fail "rows: $(cat "$T/a.csv")"
[ "$(csv_sum "$T/a.csv" price_idr)" = 32000000 ] || fail "price"
[ "$(csv_sum "$T/a.csv" book_idr)" = 12239584 ] || fail "book"
grep -q "^asriloka,AST-002,Printer Epson,printer,,APBD Provinsi,2025,2025-03-01,3500000,2114584,KB,printer-lobby" \
	"$T/a.csv" || fail "AST-002: $(cat "$T/a.csv")"
grep -q '^asriloka,AST-004,Proyektor,projector,,APBD Kabupaten/Kota,2026,,7500000,6375000,B,' \
	"$T/a.csv" || fail "AST-004"
ctl report assets $P --format csv --table summary -o "$T/s.csv" || fail "sum"
[ "$(csv_sum "$T/s.csv" count)" = 4 ] || fail "count"
[ "$(csv_sum "$T/s.csv" cond_rb)" = 1 ] || fail "RB"
[ "$(csv_sum "$T/s.csv" book_idr funding=APBD\ Provinsi)" = 5864584 ] \
	|| fail "APBD Provinsi book"

ctl report assets $P --format pdf -o "$T/a.pdf" || fail "pdf"
[ "$(pdf_pages "$T/a.pdf")" = 1 ] || fail "pages"
pdf_text "$T/a.pdf" >"$T/a.txt"
grep -q "Daftar Aset" "$T/a.txt" || fail "title"
grep -Eq "^Jumlah +4 +Rp 32.000.000 +Rp 12.239.584 +2 +1 +1$" "$T/a.txt" \
	|| fail "summary total: $(grep Jumlah "$T/a.txt")"
grep -Eq "^Jumlah +Rp 32.000.000 +Rp 12.239.584$" "$T/a.txt" \
	|| fail "register total"
ctl report assets $P --format pdf --lang en -o "$T/en.pdf" || fail "en"
pdf_text "$T/en.pdf" | grep -Eq "^Total +4 +Rp 32,000,000 +Rp 12,239,584 +2 +1 +1$" \
	|| fail "English total"
pass "assets: purchase and book values, conditions"
