#!/bin/sh
# 180-sites-rollup.sh: a province collector rolls sites up per regency
# (issue 13, docs/province.md).
#
# A real mosquitto and pantau-collector with three configured sites in two
# regencies, and a fourth site that only appears on MQTT.  /api/v1/sites
# totals them per regency and for the province, filters by regency, and
# follows the configuration on SIGHUP; the availability report's
# by_regency table sums the sites' minutes and recomputes the percentage.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"

CTL="$top_builddir/collector/pantauctl"
sites() {
	cat <<EOF
[site asriloka]
label = Telecenter Asri Loka
location = Desa Sukorejo
regency = Kabupaten Jember

[site kalisat]
regency = Kabupaten Jember

[site batu]
label = Telecenter Batu
regency = $1
EOF
}

start_mosquitto
collector_conf "$(sites "Kota Batu")"
start_collector
API="http://127.0.0.1:$(sed -n 's/^listen = 127.0.0.1://p' "$T/collector.conf")"
get() { python3 "$top_srcdir/tests/integration/httpget.py" "$@"; }
wait_for 10 get "$API/healthz" || fail "no HTTP"

now=$(date +%s)
ts=$((now / 60 * 60))
seq=1
for sd in asriloka/pc-01 asriloka/pc-02 kalisat/pc-01 batu/pc-01 liar/pc-09; do
	pub_metrics "${sd%/*}" "${sd#*/}" "$ts" "$seq" gauge:cpu.util=5
	seq=$((seq + 1))
done
all_in() {
	get "$API/api/v1/sites" >"$T/sites.json" &&
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
sys.exit(0 if d["total"]["devices"] == 5 else 1)' "$T/sites.json"
}
wait_for 20 all_in || fail "devices never counted: $(cat "$T/sites.json")"

# The register, the regencies in order ("no regency" last), the province.
python3 - "$T/sites.json" <<'PY' || fail "sites: $(cat "$T/sites.json")"
import json, sys
d = json.load(open(sys.argv[1]))
s = {x["site"]: x for x in d["sites"]}
assert s["asriloka"] == {"site": "asriloka", "label": "Telecenter Asri Loka",
    "location": "Desa Sukorejo", "regency": "Kabupaten Jember",
    "devices": 2, "online": 2, "alerts": 0, "tickets": 0}, s["asriloka"]
assert s["liar"]["regency"] is None and s["liar"]["label"] is None, s
r = [(x["regency"], x["sites"], x["devices"]) for x in d["regencies"]]
assert r == [("Kabupaten Jember", 2, 3), ("Kota Batu", 1, 1),
             (None, 1, 1)], r
assert d["total"] == {"sites": 4, "devices": 5, "online": 5, "alerts": 0,
                      "tickets": 0}, d["total"]
PY
get "$API/api/v1/sites?regency=Kota%20Batu" >"$T/batu.json" || fail "filter"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert [x["site"] for x in d["sites"]] == ["batu"], d
assert d["total"]["sites"] == 1, d' "$T/batu.json" ||
	fail "regency filter: $(cat "$T/batu.json")"
[ "$(get --status "$API/api/v1/sites?regency=")" = 400 ] ||
	fail "an empty regency is not refused"

# A site moves regency: the register follows the reload.
collector_conf "$(sites "Kabupaten Malang")"
kill -HUP "$COLLECTOR_PID"
moved() {
	get "$API/api/v1/sites?regency=Kabupaten%20Malang" | grep -q '"batu"'
}
wait_for 10 moved || fail "SIGHUP did not move batu"

# A bad [site] section is refused with its line, the running one kept.
printf '[site Bad/Name]\nregency = X\n[site ok]\ncolour = red\n' \
	>"$T/bad.conf"
"$COLLECTOR" -n -c "$T/bad.conf" >"$T/bad.out" 2>&1 && fail "bad accepted"
grep -q 'bad.conf:1: .*not a valid name' "$T/bad.out" ||
	fail "no error for the site id: $(cat "$T/bad.out")"
grep -q 'bad.conf:4: .*colour' "$T/bad.out" ||
	fail "no error for the unknown key: $(cat "$T/bad.out")"

# The availability report's roll-up: sites and device minutes per
# regency, the percentage recomputed, the province in the totals.
"$CTL" -c "$T/collector.conf" report availability --format json \
	>"$T/a.json" || fail "report"
python3 - "$T/a.json" <<'PY' || fail "roll-up: $(cat "$T/a.json")"
import json, sys
d = json.load(open(sys.argv[1]))
site = {}
for row in d["by_site"]:
    site.setdefault(row["site"], []).append(row)
reg = d["by_regency"]
assert [x["regency"] for x in reg][:2] == ["Kabupaten Jember",
                                          "Kabupaten Malang"], reg
assert reg[-1]["regency"] == "(tanpa kabupaten/kota)", reg
jember = [x for x in reg if x["regency"] == "Kabupaten Jember"]
assert sum(x["sites"] for x in jember) >= 2, jember
assert d["totals"]["by_regency"]["sites"] == sum(x["sites"] for x in reg)
assert d["totals"]["by_regency"]["online_min"] == \
    d["totals"]["by_site"]["online_min"], d["totals"]
PY
"$CTL" -c "$T/collector.conf" report availability --format csv \
	--table by_regency -o "$T/r.csv" || fail "csv"
head -1 "$T/r.csv" | grep -q '^regency,sites,month,' ||
	fail "csv header: $(head -1 "$T/r.csv")"
pass "sites per regency and province: API, reload, report roll-up"
