#!/bin/sh
# 120-report-print: `pantauctl report print-volume` over the seeded dataset
# (tests/fixtures/reports/seed.sql), October 2026, in CSV, JSON and PDF.
#
# Hand-checked totals for October (September's job stays out):
#   jobs 2+1+1+1 = 5; pages 5+12+7+20 = 44 (job 5 unknown: 1 unknown job);
#   sheets 5+6+7+0+20 = 38; printer-lobby's meter 20 (2 Oct, first day:
#   1020-1000) + 5 (3 Oct: 1025-1020) = 25, its CUPS pages 17: difference 8.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/reports-lib.sh"
reports_db
P="--from 2026-10-01 --to 2026-11-01"

# CSV: the per-user table is the default, read back by Python's csv module.
ctl report print-volume $P --format csv -o "$T/user.csv" || fail "csv"
[ "$(csv_sum "$T/user.csv" pages)" = 44 ] || fail "pages: $(cat "$T/user.csv")"
[ "$(csv_sum "$T/user.csv" jobs)" = 5 ] || fail "jobs"
[ "$(csv_sum "$T/user.csv" sheets)" = 38 ] || fail "sheets"
[ "$(csv_sum "$T/user.csv" unknown_jobs)" = 1 ] || fail "unknown jobs"
[ "$(csv_sum "$T/user.csv" pages site=kalisat)" = 20 ] || fail "kalisat"
# RFC 4180: CRLF ends, the user with a comma and quotes quoted
grep -q '"siti, ""bu"""' "$T/user.csv" || fail "quoting: $(cat "$T/user.csv")"
[ "$(head -1 "$T/user.csv" | od -An -c | tr -d ' ' | tail -c 5)" = '\r\n' ] \
	|| fail "no CRLF"
grep -q "^2026-10,asriloka,printer-hall,print:631,hall,budi,2,7,1,7" \
	"$T/user.csv" || fail "row: $(cat "$T/user.csv")"
# --bom: the byte order mark first, the data the same
ctl report print-volume $P --format csv --bom -o "$T/bom.csv" || fail "bom"
[ "$(head -c 3 "$T/bom.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] \
	|| fail "no BOM"
[ "$(csv_sum "$T/bom.csv" pages)" = 44 ] || fail "bom pages"

ctl report print-volume $P --format csv --table printer -o "$T/prn.csv" \
	|| fail "csv printer"
[ "$(csv_sum "$T/prn.csv" meter_pages)" = 25 ] || fail "meter"
[ "$(csv_sum "$T/prn.csv" difference)" = 8 ] || fail "difference"
ctl report print-volume $P --format csv --table day -o "$T/day.csv" \
	|| fail "csv day"
[ "$(csv_sum "$T/day.csv" cups_pages)" = 44 ] || fail "day pages"
[ "$(csv_sum "$T/day.csv" meter_pages)" = 25 ] || fail "day meter"
ctl report print-volume --format csv --table nosuch >/dev/null 2>&1
[ $? = 2 ] || fail "an unknown table must be a usage error"

# JSON: the totals object
ctl report print-volume $P >"$T/r.json" || fail "json"
python3 - "$T/r.json" <<'PY' || fail "json totals"
import json, sys
j = json.load(open(sys.argv[1]))
t = j["totals"]
assert t["by_user"] == {"jobs": 5, "pages": 44, "unknown_jobs": 1,
                        "sheets": 38}, t
assert t["by_printer"]["meter_pages"] == 25, t
assert t["by_printer"]["difference"] == 8, t
assert j["from"] == "2026-09-30T17:00:00Z", j["from"]
assert len(j["by_user"]) == 4, j["by_user"]
PY

# PDF: valid, one page, the totals in its text, Indonesian and English
ctl report print-volume $P --site asriloka --format pdf -o "$T/r.pdf" \
	|| fail "pdf"
[ "$(pdf_pages "$T/r.pdf")" = 1 ] || fail "pages: $(pdfinfo "$T/r.pdf")"
pdf_text "$T/r.pdf" >"$T/r.txt"
grep -q "Volume Cetak" "$T/r.txt" || fail "title"
grep -q "Lokasi: asriloka" "$T/r.txt" || fail "site"
grep -q "1 Oktober 2026 – 31 Oktober 2026" "$T/r.txt" || fail "period"
grep -q "Halaman 1 dari 1" "$T/r.txt" || fail "page number"
# asriloka alone: jobs 4, pages 24, 1 unknown, sheets 18; meter 25, diff 8
grep -Eq "^Jumlah +4 +24 +1 +18 +25 +8$" "$T/r.txt" \
	|| fail "total line: $(grep Jumlah "$T/r.txt")"
ctl report print-volume $P --format pdf --lang en -o "$T/en.pdf" || fail "en"
pdf_text "$T/en.pdf" >"$T/en.txt"
grep -q "Page 1 of 1" "$T/en.txt" || fail "en page number"
grep -q "1 October 2026 – 31 October 2026" "$T/en.txt" || fail "en period"
grep -Eq "^Total +5 +44 +1 +38 +25 +8$" "$T/en.txt" \
	|| fail "en total: $(grep Total "$T/en.txt")"
pdffonts "$T/en.pdf" | grep -q "DejaVuSans.*yes *yes" \
	|| fail "fonts not embedded: $(pdffonts "$T/en.pdf")"

# Many users: the per-user table runs over pages, "dari N" agrees with
# pdfinfo, and the total still holds (300 more jobs of 1 page each).
sqlite3 "$DATA/pantau.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL
	SELECT i + 1 FROM n WHERE i < 300) INSERT INTO print_jobs (server_id,
	job_id, queue, site, device, user, pages, sheets, completed, state,
	final, first_seen, updated) SELECT 1, 100 + i, 'lobby', 'asriloka',
	'printer-lobby', printf('user%03d', i), 1, 1,
	strftime('%s', '2026-10-10 09:00', '-7 hours'), 'completed', 1, 0, 0
	FROM n" || fail "seeding many jobs"
ctl report print-volume $P --format pdf -o "$T/big.pdf" || fail "big pdf"
# Pages (report_pdf.c: rows 12 pt, heading 14, table title 18, the body
# from y 84 to 791.89): page 1 holds the printer table and its chart, then
# 42 of the 304 user rows; 57 rows fit on each next page (98 + 57 * 12 =
# 782): 262 rows = 4 full pages + 34 rows on page 6, with the totals and
# the 5-row day table after them.  6 pages.
n=$(pdf_pages "$T/big.pdf")
pdf_text "$T/big.pdf" >"$T/big.txt"
[ "$n" = 6 ] || fail "expected 6 pages, got $n"
grep -q "Halaman 6 dari 6" "$T/big.txt" || fail "last page number"
grep -q "Halaman 2 dari 6" "$T/big.txt" || fail "page 2 number"
grep -Eq "^Jumlah +305 +344 +1 +338$" "$T/big.txt" \
	|| fail "big total: $(grep Jumlah "$T/big.txt")"
pass "print-volume: exact totals in CSV, JSON and PDF"
