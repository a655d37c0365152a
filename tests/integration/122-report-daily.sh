#!/bin/sh
# 122-report-daily: `pantauctl report daily` for 1-7 October 2026 over the
# seed, with PC use from RRD files made here with rrdtool.
#
# asriloka/pc-01's usage.session_seconds rises 1800 s an hour for the four
# hours after 2 Oct 09:00: 4 * 1800 s = 120 minutes that day, one PC used;
# users.sessions peaks at 2.  Pages 17 (2 Oct) + 7 (3 Oct) + 20 (kalisat,
# 4 Oct) = 44.  Tickets opened 1, 2, 3 (asriloka, 2-4 Oct), 4 (kalisat,
# 4 Oct) = 4; resolved: 1 (2 Oct), 3 (4 Oct), 2 (5 Oct), 5 (kalisat,
# 1 Oct, opened in September) = 4.  Faults: the jam raised 2 Oct and the
# SMART warning 4 Oct = 2 (the clear and the info event are not).  Damage:
# fault tickets 1 and 2 = 2.  Two sites * 7 days = 14 rows.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/reports-lib.sh"
command -v rrdtool >/dev/null || fail "no rrdtool"
reports_db
R="$DATA/rrd/asriloka/pc-01"
mkdir -p "$R"
t0=$(date -d '2026-10-02 09:00' +%s)
rrdtool create "$R/usage.session_seconds.rrd" --start $((t0 - 3600)) \
	--step 3600 DS:value:DERIVE:7200:0:U RRA:AVERAGE:0.5:1:2000 \
	RRA:MAX:0.5:1:2000 || fail "rrd create"
rrdtool create "$R/users.sessions.rrd" --start $((t0 - 3600)) --step 3600 \
	DS:value:GAUGE:7200:U:U RRA:AVERAGE:0.5:1:2000 RRA:MAX:0.5:1:2000 \
	|| fail "rrd create"
for i in 0 1 2 3 4; do
	rrdtool update "$R/usage.session_seconds.rrd" \
		$((t0 + i * 3600)):$((i * 1800)) || fail "rrd update"
done
rrdtool update "$R/users.sessions.rrd" $((t0 + 3600)):1 $((t0 + 7200)):2 \
	$((t0 + 10800)):2 $((t0 + 14400)):1 || fail "rrd update"
P="--from 2026-10-01 --to 2026-10-08"

ctl report daily $P --format csv -o "$T/d.csv" || fail "csv"
[ "$(grep -c . "$T/d.csv")" = 15 ] || fail "rows: $(cat "$T/d.csv")"
grep -q "^asriloka,2026-10-02,120,1,2,17,1,1,1,1" "$T/d.csv" \
	|| fail "2 Oct: $(cat "$T/d.csv")"
grep -q "^kalisat,2026-10-04,0,0,0,20,1,0,1,0" "$T/d.csv" || fail "kalisat"
for c in pc_use_min:120 pages:44 tickets_opened:4 tickets_closed:4 \
    faults:2 damage:2; do
	[ "$(csv_sum "$T/d.csv" "${c%%:*}")" = "${c#*:}" ] \
		|| fail "${c%%:*}: $(csv_sum "$T/d.csv" "${c%%:*}")"
done

ctl report daily $P --site kalisat --format pdf --lang en -o "$T/d.pdf" \
	|| fail "pdf"
[ "$(pdf_pages "$T/d.pdf")" = 1 ] || fail "pages"
pdf_text "$T/d.pdf" >"$T/d.txt"
grep -q "Daily Report" "$T/d.txt" || fail "title"
grep -q "Site: kalisat" "$T/d.txt" || fail "site"
grep -q "1 October 2026 – 7 October 2026" "$T/d.txt" || fail "period"
grep -Eq "^Total +0:00 +20 +1 +1 +1 +0$" "$T/d.txt" \
	|| fail "total: $(grep Total "$T/d.txt")"
pass "daily: PC use from RRD, pages, tickets, faults, damage"
