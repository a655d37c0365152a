#!/bin/sh
# 130-graph: GET /graph/<site>/<device>/<metric>.png|.svg rendered by
# librrd from the series the collector wrote: PNG and SVG by their magic,
# the cache (miss, then hit with the same bytes), start=/end= parsing,
# and 404 for bad or unknown names.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"
. "$top_srcdir/tests/integration/dash-lib.sh"

start_mosquitto
dash_conf
start_collector
dash_admin

i=0
while [ $i -lt 20 ]; do
	pub_metrics s1 pc-01 $((T0 + i * 60)) $((i + 1)) \
		gauge:cpu.util=$((i * 5)) counter:net.eth0.rx_bytes=$((i * 60000))
	i=$((i + 1))
done
wait_for 30 test -f "$DATA/rrd/s1/pc-01/cpu.util.rrd" || fail "no RRD file"
wait_for 30 sh -c "rrdtool lastupdate '$DATA/rrd/s1/pc-01/cpu.util.rrd' |
	grep -q '^$((T0 + 19 * 60)):'" || fail "samples not written"

# PNG: status, type, magic, a miss then a hit with the same bytes (an
# absolute range: a relative one moves to the next cache key every 30 s).
range="start=$T0&end=$((T0 + 3600))"
code=$(hget "/graph/s1/pc-01/cpu.util.png?$range")
[ "$code" = 200 ] || fail "png: status $code: $(cat "$T/body")"
[ "$(hdr Content-Type)" = image/png ] || fail "png: type $(hdr Content-Type)"
[ "$(head -c 8 "$T/body" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
	fail "png: no PNG magic"
[ "$(hdr X-Graph-Cache)" = miss ] || fail "first png: cache $(hdr X-Graph-Cache)"
size=$(wc -c <"$T/body")
[ "$size" -gt 1000 ] || fail "png: only $size bytes"
cp "$T/body" "$T/first.png"
code=$(hget "/graph/s1/pc-01/cpu.util.png?$range")
[ "$code" = 200 ] || fail "png again: status $code"
[ "$(hdr X-Graph-Cache)" = hit ] || fail "second png: cache $(hdr X-Graph-Cache)"
cmp -s "$T/body" "$T/first.png" || fail "cached png differs"
note "png $size bytes, cached"

# A counter graphs as its rate; every preset renders.
for r in -4h -1d -1w -1m -1y; do
	code=$(hget "/graph/s1/pc-01/net.eth0.rx_bytes.png?start=$r")
	[ "$code" = 200 ] || fail "preset $r: status $code"
done

# SVG.
code=$(hget "/graph/s1/pc-01/cpu.util.svg?start=-4h")
[ "$code" = 200 ] || fail "svg: status $code"
[ "$(hdr Content-Type)" = image/svg+xml ] || fail "svg: type $(hdr Content-Type)"
head -c 200 "$T/body" | grep -q '<svg' || fail "svg: no <svg> element"

# Relative start, absolute start and end (Unix seconds), and "now".
code=$(hget "/graph/s1/pc-01/cpu.util.png?start=-1d")
[ "$code" = 200 ] || fail "start=-1d: status $code"
code=$(hget "/graph/s1/pc-01/cpu.util.png?start=$T0&end=$((T0 + 1200))")
[ "$code" = 200 ] || fail "absolute range: status $code"
code=$(hget "/graph/s1/pc-01/cpu.util.png?start=-2h&end=now")
[ "$code" = 200 ] || fail "end=now: status $code"

# Malformed ranges: 400.
for q in "start=yesterday" "start=-1q" "start=-1d&end=-2d" "start=1h" \
    "start=-99999999999y" "start=-1d&end=" "start=$T0&end=$T0"; do
	code=$(hget "/graph/s1/pc-01/cpu.util.png?$q")
	[ "$code" = 400 ] || fail "?$q: status $code, expected 400"
done

# Bad or unknown names: 404, never a file outside the data directory.
for p in /graph/s1/pc-01/CPU.png /graph/s1/pc-01/cpu..util.png \
    /graph/s1/pc-01/cpu.util.gif /graph/s1/pc-01/cpu.util \
    /graph/s1/pc-01/nosuch.metric.png /graph/s1/nosuch/cpu.util.png \
    /graph/S1/pc-01/cpu.util.png /graph/s1/pc-01/..%2F..%2Fpantau.db.png \
    /graph/s1/pc-01/%2e%2e.png /graph/s1/pc-01; do
	code=$(hget "$p")
	[ "$code" = 404 ] || fail "$p: status $code, expected 404"
done

# Graphs are data: nobody signed in gets 401.
if [ -n "$AUTH" ]; then
	AUTH=""
	code=$(hget "/graph/s1/pc-01/cpu.util.png")
	[ "$code" = 401 ] || fail "graph without credentials: status $code"
fi

pass "graphs: png, svg, cache, ranges, bad names"
