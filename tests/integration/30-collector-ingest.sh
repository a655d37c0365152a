#!/bin/sh
# 30-collector-ingest: samples published to a real mosquitto land in the
# right RRD files with the exact values; a redelivered message and a late
# one are skipped and counted without touching what is stored; the file
# tree is exactly the expected one.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"

start_mosquitto
collector_conf
"$COLLECTOR" -n -c "$T/collector.conf" >"$T/n.out" 2>&1 ||
	fail "test config refused: $(cat "$T/n.out")"
start_collector

# Three rounds of a PC, one of a printer.
pub_metrics asriloka pc-01 $T0 1 gauge:cpu.util=12.5 \
	counter:net.eth0.rx_bytes=1000000
pub_metrics asriloka pc-01 $((T0 + 60)) 2 gauge:cpu.util=20 \
	counter:net.eth0.rx_bytes=1006000
pub_metrics asriloka pc-01 $((T0 + 120)) 3 gauge:cpu.util=30.25 \
	counter:net.eth0.rx_bytes=1018000
pub_metrics asriloka printer-lobby $T0 7 \
	gauge:printer.supply.black_toner.level_pct=41 \
	counter:printer.pages.total=123456
wait_stat 20 pantau_samples_written_total 8

pc="$DATA/rrd/asriloka/pc-01"
[ "$(rrd_last "$pc/cpu.util.rrd")" = "$((T0 + 120)) 30.25" ] ||
	fail "cpu.util last: $(rrd_last "$pc/cpu.util.rrd")"
[ "$(rrd_avg "$pc/cpu.util.rrd" $T0 60)" = "12.5" ] || fail "cpu.util at T0"
[ "$(rrd_avg "$pc/cpu.util.rrd" $((T0 + 60)) 60)" = "20" ] ||
	fail "cpu.util at T0+60: $(rrd_avg "$pc/cpu.util.rrd" $((T0 + 60)) 60)"
# counters are rates: 6000 B/min = 100 B/s, then 12000 B/min = 200 B/s
[ "$(rrd_avg "$pc/net.eth0.rx_bytes.rrd" $((T0 + 60)) 60)" = "100" ] ||
	fail "rx rate 1"
[ "$(rrd_avg "$pc/net.eth0.rx_bytes.rrd" $((T0 + 120)) 60)" = "200" ] ||
	fail "rx rate 2"
[ "$(rrd_last "$DATA/rrd/asriloka/printer-lobby/printer.pages.total.rrd")" \
	= "$T0 123456" ] || fail "pages"
"${RRDTOOL:-rrdtool}" info "$pc/net.eth0.rx_bytes.rrd" |
	grep -qx 'ds\[value\].type = "DERIVE"' || fail "counter is not DERIVE"

# A redelivery of round 2 with other values, and round 1 again: skipped.
pub_metrics asriloka pc-01 $((T0 + 60)) 2 gauge:cpu.util=99 \
	counter:net.eth0.rx_bytes=1
pub_metrics asriloka pc-01 $T0 1 gauge:cpu.util=98 \
	counter:net.eth0.rx_bytes=2
wait_stat 20 pantau_samples_skipped_total 4
# Out of order across messages: round 5 then round 4 (late, skipped).
pub_metrics asriloka pc-01 $((T0 + 240)) 5 gauge:cpu.util=50
wait_stat 20 pantau_samples_written_total 9
pub_metrics asriloka pc-01 $((T0 + 180)) 4 gauge:cpu.util=40
wait_stat 20 pantau_samples_skipped_total 5
[ "$(cstat pantau_rrd_errors_total)" = 0 ] || fail "rrd errors"
[ "$(cstat 'pantau_messages_received_total{channel="metrics"}')" = 8 ] ||
	fail "messages received"
[ "$(rrd_last "$pc/cpu.util.rrd")" = "$((T0 + 240)) 50" ] ||
	fail "cpu.util last after the late one: $(rrd_last "$pc/cpu.util.rrd")"
[ "$(rrd_avg "$pc/cpu.util.rrd" $((T0 + 60)) 60)" = "20" ] ||
	fail "round 2 was overwritten"
[ "$(rrd_avg "$pc/cpu.util.rrd" $T0 60)" = "12.5" ] ||
	fail "round 1 was overwritten"

# Exactly these files, nothing else under rrd/.
(cd "$DATA/rrd" && find . | sort) >"$T/tree"
cat >"$T/tree.want" <<EOF
.
./asriloka
./asriloka/pc-01
./asriloka/pc-01/cpu.util.rrd
./asriloka/pc-01/net.eth0.rx_bytes.rrd
./asriloka/printer-lobby
./asriloka/printer-lobby/printer.pages.total.rrd
./asriloka/printer-lobby/printer.supply.black_toner.level_pct.rrd
EOF
diff -u "$T/tree.want" "$T/tree" || fail "unexpected files under rrd/"

stop_collector
grep -q 'stopped' "$T/collector.log" || fail "no clean stop"
# Everything was written, so the journal is empty.
[ -z "$(find "$DATA/journal" -type f -size +0)" ] || fail "journal not empty"
pass "exact values, skips counted, file tree exact"
