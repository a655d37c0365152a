#!/bin/sh
# 175-internet-outage.sh: an internet outage of known length, from the
# agents' probes to the alert, the ticket, the availability report and
# the API (issue 14), through a real mosquitto and pantau-collector.
#
# Two agents of site "desa" publish rounds stamped in the past (mid-month,
# so no month boundary), interval 60 s; with stale_intervals = 10 a round
# speaks for up to 10 minutes, so a few rounds make the story: minutes
# 0-9 both reach the internet, except that pc-02's own cable is out at
# minute 3 (a local fault: the site stays up); from minute 10 both lose
# every target while the gateway answers (the ISP: down) until minute 27,
# when the link is back; the last round is at minute 29.  Hand-computed:
# down from 10 to 27 = 17 minutes; the last period ends one step after
# the last round, so 30 minutes measured, 13 up: uptime 13/30 = 43.33 %
# (4333 basis points), one outage.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"

CTL="$top_builddir/collector/pantauctl"
sql() { sqlite3 -cmd '.timeout 5000' "$DATA/pantau.db" "$1"; }

# the 15th of this month at 02:00 local time, or of last month when that
# is less than two hours ago
month=$(date +%Y-%m)
T0=$(date -d "$month-15 02:00" +%s)
if [ $((T0 + 7200)) -gt "$(date +%s)" ]; then
	month=$(date -d "$month-01 -1 month" +%Y-%m)
	T0=$(date -d "$month-15 02:00" +%s)
fi
next=$(date -d "$month-01 +1 month" +%Y-%m-%d)

start_mosquitto
collector_conf "
[internet]
loss_pct_degraded = 20
rtt_ms_degraded = 300
stale_intervals = 10

[notify log]
type = command
command = /bin/sh $T/hook.sh $T/notes
events = alert.*
"
cat >"$T/hook.sh" <<'SH'
#!/bin/sh
echo "$PANTAU_EVENT $PANTAU_SUBJECT" >>"$1"
SH
cat >"$T/assets.csv" <<'EOF'
tag,name,type,site,funding,budget_year,price_idr,condition,supplier,serial,warranty_until
NET-DESA-01,Internet 20 Mbps,network,desa,APBD Kabupaten/Kota,2026,350000,B,Telkom IndiHome,K-2026-001,2027-12-31
EOF
"$CTL" -c "$T/collector.conf" asset import "$T/assets.csv" >/dev/null ||
	fail "asset import"
start_collector
API="http://127.0.0.1:$(sed -n 's/^listen = 127.0.0.1://p' "$T/collector.conf")"
get() { python3 "$top_srcdir/tests/integration/httpget.py" "$@"; }

# DEVICE ROUND WHAT: o reaches the internet, c cut off beyond the
# gateway, l its own cable out (not even the gateway answers).  The
# payload is written here (DESIGN.md section 5): wire-tool under the
# sanitizers takes most of a second per message.
probe() {
	case $3 in
	o) gw=1 up=1 loss=0 ok=1 ;;
	c) gw=1 up=0 loss=100 ok=0 ;;
	l) gw=0 up=0 loss=100 ok=0 ;;
	esac
	mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 \
		-t "pantau/v1/desa/$1/metrics" -m "{\"v\":1,\
\"ts\":$((T0 + $2 * 60)),\"seq\":$(($2 + 1)),\"type\":\"pc\",\
\"interval\":60,\"gauges\":{\"cpu.util\":3,\"link.gateway.up\":$gw,\
\"link.gateway.rtt_ms\":1,\"link.one_one_one_one.up\":$up,\
\"link.one_one_one_one.rtt_ms\":25,\
\"link.one_one_one_one.loss_pct\":$loss,\"link.dns_google.up\":$up,\
\"link.dns_google.loss_pct\":$loss,\"dns.resolver.ok\":$ok,\
\"dns.resolver.ms\":12},\"counters\":{}}" || fail "mosquitto_pub"
}
# rounds taken less often than stale_intervals apart hold their state
for r in 0:o:o 3:o:l 6:o:o 9:o:o 10:c:c 18:c:c 26:c:c 27:o:o 29:o:o; do
	i=${r%%:*} ab=${r#*:}
	probe pc-01 "$i" "${ab%:*}"
	probe pc-02 "$i" "${ab#*:}"
done

periods() {
	sql "SELECT group_concat(state || '@' || ((since - $T0) / 60) || '-' ||
ifnull((until - $T0) / 60, ''), ' ') FROM (SELECT * FROM internet_state
WHERE site = 'desa' ORDER BY since)"
}
last_round() {
	[ "$(sql "SELECT last_seen FROM internet_state WHERE site = 'desa' AND
until IS NULL")" = $((T0 + 29 * 60)) ]
}
wait_for 30 last_round || fail "rounds not all in: $(periods)"
[ "$(periods)" = "up@0-10 down@10-27 up@27-" ] ||
	fail "periods: $(periods)"

# one alert, resolved, started at round 10, naming the ISP; one ticket
[ "$(sql "SELECT count(*) || ' ' || min(state) || ' ' ||
(min(started_at) - $T0) FROM alerts WHERE rule = 'internet_down' AND
site = 'desa' AND device = 'internet'")" = "1 resolved 600" ] ||
	fail "alert: $(sql 'SELECT * FROM alerts')"
[ "$(sql "SELECT count(*) FROM alerts WHERE site = 'desa' AND rule LIKE
'internet%' AND rule != 'internet_down'")" = 0 ] ||
	fail "other alerts: $(sql 'SELECT * FROM alerts')"
[ "$(sql "SELECT count(*) FROM tickets WHERE site = 'desa' AND
priority = 1 AND title LIKE
'%internet Telkom IndiHome (contract K-2026-001) down%'")" = 1 ] ||
	fail "ticket: $(sql 'SELECT * FROM tickets')"

# the notifications, in Bahasa Indonesia by default, name the ISP
fired="alert.firing [kritis] desa/internet: Internet Telkom IndiHome \
(kontrak K-2026-001) putus: internet 0/2 PC, gateway 2/2 PC"
cleared="alert.resolved [kritis] desa/internet: Internet Telkom IndiHome \
(kontrak K-2026-001) putus (sudah pulih)"
notes() { [ "$(cat "$T/notes" 2>/dev/null)" = "$fired
$cleared" ]; }
wait_for 20 notes || fail "notifications: $(cat "$T/notes")"

# the report: the month's uptime, and the outage with its 17 minutes
"$CTL" -c "$T/collector.conf" report availability --site desa \
	--from "$month-01" --to "$next" --format csv --table internet \
	-o "$T/inet.csv" || fail "report --table internet"
want="desa,$month,Telkom IndiHome,13,0,17,0,13,30,1,4333"
[ "$(sed -n 2p "$T/inet.csv" | tr -d '\r')" = "$want" ] ||
	fail "internet table: $(cat "$T/inet.csv")"
"$CTL" -c "$T/collector.conf" report availability --site desa \
	--from "$month-01" --to "$next" --format csv \
	--table internet_outages -o "$T/out.csv" ||
	fail "report --table internet_outages"
start=$(date -d "@$((T0 + 600))" '+%Y-%m-%d %H:%M')
end=$(date -d "@$((T0 + 1620))" '+%Y-%m-%d %H:%M')
want="desa,down,$start,$end,17,cut,$((T0 + 600)),$((T0 + 1620))"
[ "$(tr -d '\r' <"$T/out.csv" | sed 1d)" = "$want" ] ||
	fail "outages: $(cat "$T/out.csv")"
"$CTL" -c "$T/collector.conf" report availability --site desa \
	--from "$month-01" --to "$next" --format json -o "$T/a.json" ||
	fail "report json"
python3 - "$T/a.json" <<'PY' || fail "report json tables"
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r["internet"]) == 1 and len(r["internet_outages"]) == 1, r
assert r["totals"]["internet"]["uptime_bp"] == 4333, r["totals"]
assert r["totals"]["internet_outages"]["duration_min"] == 17, r["totals"]
PY

"$CTL" -c "$T/collector.conf" report availability --site desa \
	--from "$month-01" --to "$next" --format pdf -o "$T/a.pdf" ||
	fail "report pdf"
pdftotext -layout "$T/a.pdf" - >"$T/a.txt" || fail "pdftotext"
grep -q "Internet per lokasi per bulan" "$T/a.txt" || fail "pdf: no table"
grep -Eq "desa +down +$start +$end +17 +cut" "$T/a.txt" ||
	fail "pdf outage: $(grep -A3 'Gangguan internet' "$T/a.txt")"

# the API: up now (as of the last round), the outage, the ISP
get "$API/api/v1/internet?site=desa" >"$T/api.json" || fail "api"
python3 - "$T/api.json" "$T0" <<'PY' || fail "api: $(cat "$T/api.json")"
import json, sys
d = json.load(open(sys.argv[1]))
t0 = int(sys.argv[2])
s, = d["sites"]
assert s["site"] == "desa" and s["state"] == "up", s
assert s["since"] == t0 + 27 * 60 and s["current"] is False, s
assert s["isp"]["name"] == "Telkom IndiHome", s
assert s["isp"]["contract"] == "K-2026-001", s
o, = s["outages"]
assert o["state"] == "down" and o["duration_min"] == 17, o
assert o["start"] == t0 + 600 and o["end"] == t0 + 1620, o
assert o["reasons"] == ["cut"], o
PY
[ "$(get --status "$API/api/v1/internet?site=BAD/x")" = 400 ] ||
	fail "bad site accepted"

# the periods and the alert survive a restart; new rounds continue them
stop_collector
start_collector
probe pc-01 30 o
probe pc-02 30 o
r30() {
	[ "$(sql "SELECT last_seen FROM internet_state WHERE site = 'desa' AND
until IS NULL")" = $((T0 + 30 * 60)) ]
}
wait_for 30 r30 || fail "round 30: $(periods)"
[ "$(periods)" = "up@0-10 down@10-27 up@27-" ] ||
	fail "periods after the restart: $(periods)"
[ "$(sql "SELECT count(*) FROM alerts WHERE rule LIKE 'internet%'")" = 1 ] ||
	fail "alerts after the restart: $(sql 'SELECT * FROM alerts')"

stop_collector
pass "a 17-minute outage: one alert and ticket, 43.33 % uptime, in the report and the API"
