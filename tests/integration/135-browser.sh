#!/bin/sh
# 135-browser: the dashboards in headless Chromium (tests/browser/
# dashboards.mjs, playwright-core driving Debian's /usr/bin/chromium):
# sign in, the overview, a device's graphs as real PNG images, a ticket
# worked through its states, a report downloaded, and a printer name, a
# job title and an asset name carrying <script> and "><img onerror=...>
# shown as text with nothing run.  Screenshots are kept in
# $top_builddir/tests/browser/artifacts/.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/cups-lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"
. "$top_srcdir/tests/integration/dash-lib.sh"

command -v node >/dev/null 2>&1 ||
	fail "node is not installed: run ./setup test (it installs nodejs, npm and the browser tests' packages)"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || fail "no $CHROMIUM: run ./setup test (it installs chromium)"

# playwright-core: from ./setup test's npm ci in the source tree, else
# installed here in the build tree (make distcheck's source is read-only).
RUN_DIR="$top_srcdir/tests/browser"
if [ ! -d "$RUN_DIR/node_modules/playwright-core" ]; then
	RUN_DIR="$top_builddir/tests/browser"
	mkdir -p "$RUN_DIR"
	for f in package.json package-lock.json dashboards.mjs; do
		[ "$RUN_DIR/$f" -ef "$top_srcdir/tests/browser/$f" ] ||
			cp "$top_srcdir/tests/browser/$f" "$RUN_DIR/$f"
	done
	if [ ! -d "$RUN_DIR/node_modules/playwright-core" ]; then
		command -v npm >/dev/null 2>&1 ||
			fail "npm is not installed: run ./setup test"
		(cd "$RUN_DIR" && npm ci --no-audit --no-fund >"$T/npm.log" 2>&1) ||
			fail "npm ci in $RUN_DIR failed (see ./setup test): $(tail -5 "$T/npm.log")"
	fi
fi
ART="$top_builddir/tests/browser/artifacts"
rm -rf "$ART"
mkdir -p "$ART"

started=$(date +%s)
XSS='<script>window.__xss2=1</script>"><img src=x onerror=window.__xss=1>'

cups_setup
cups_start
lpadmin -p psq -E -v file:///dev/null -m drv:///sample.drv/generic.ppd \
	2>/dev/null || fail "lpadmin psq"
cups_pdf "$T/p2.pdf" 2
lp -d psq -U siti -t "$XSS" "$T/p2.pdf" >/dev/null || fail "lp"
cups_wait_idle 60

start_mosquitto
dash_conf "
[cups]
server = $CUPS_SERVER
interval = 10
timeout = 5
site = s1
store_titles = yes
map = psq:printer-01

[site s1]
label = Telecenter Satu
regency = Kabupaten Jember

[site s2]
regency = Kota Batu"
start_collector
dash_admin
[ -n "$AUTH" ] || fail "no sign-in: pantauctl user add failed: $(cat "$T/useradd.log")"

# A PC with two hours of samples, a printer with a hostile name.
now=$(date +%s)
t0=$(( (now - 1800) / 60 * 60 ))
i=0
while [ $i -lt 24 ]; do
	pub_metrics s1 pc-01 $((t0 + i * 60)) $((i + 1)) \
		gauge:cpu.util=$((10 + i % 7 * 9)) gauge:mem.used_pct=$((40 + i % 5))
	i=$((i + 1))
done
# A second site in another regency, for the roll-up and the filter.
pub_metrics s2 pc-01 $((t0 + 1380)) 1 gauge:cpu.util=3
python3 - "$XSS" "$now" >"$T/inv.json" <<'PY'
import json, sys
print(json.dumps({"v": 1, "ts": int(sys.argv[2]), "type": "printer",
                  "name": sys.argv[1], "model": "HP LaserJet " + sys.argv[1],
                  "vendor": "HP"}))
PY
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -r \
	-t pantau/v1/s1/printer-01/inventory -f "$T/inv.json" || fail "inventory"
wait_for 30 test -f "$DATA/rrd/s1/pc-01/cpu.util.rrd" || fail "no RRD file"
wait_for 30 sh -c "curl -s ${AUTH:+-u '$AUTH'} '$BASE/api/v1/devices/s1/printer-01' |
	grep -q 'HP LaserJet'" || fail "printer inventory not stored"
wait_for 40 sh -c "curl -s ${AUTH:+-u '$AUTH'} '$BASE/api/v1/print-jobs' |
	grep -q 'onerror'" || fail "the job title is not in /api/v1/print-jobs"

# A ticket to work.
TICKET_ID=""
code=$(hget /api/v1/tickets -X POST -H 'Content-Type: application/json' \
	--data '{"title":"Printer macet","kind":"fault","site":"s1","device":"printer-01"}')
case "$code" in
200|201)
	TICKET_ID=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
print((d.get("ticket") or d)["id"])' "$T/body") || fail "ticket id: $(cat "$T/body")" ;;
*) fail "POST /api/v1/tickets: $code $(cat "$T/body")" ;;
esac

# An asset with a hostile name.
HOSTILE_ASSET=""
printf 'tag,name,type,site,funding,budget_year,price_idr,condition,device\n%s,"%s",printer,s1,APBD Provinsi,2023,5400000,B,printer-01\n' \
	"INV-XSS-1" "$(printf '%s' "$XSS" | sed 's/"/""/g')" >"$T/assets.csv"
if "$PANTAUCTL" -c "$T/collector.conf" asset import "$T/assets.csv" \
    >"$T/import.log" 2>&1; then
	HOSTILE_ASSET=INV-XSS-1
else
	fail "asset import: $(cat "$T/import.log")"
fi

note "data ready after $(($(date +%s) - started)) s"
BASE="$BASE" LOGIN_USER="${AUTH:+tester}" LOGIN_PASS="$(cat "$T/pass" 2>/dev/null)" \
SITE=s1 SITE2=s2 DEVICE=pc-01 PRINTER=printer-01 TICKET_ID="$TICKET_ID" \
HOSTILE_ASSET="$HOSTILE_ASSET" HOSTILE_JOB=1 ARTIFACTS="$ART" CHROMIUM="$CHROMIUM" \
	timeout 240 node "$RUN_DIR/dashboards.mjs" || fail "browser test (screenshots in $ART)"
pass "dashboards in Chromium (screenshots in $ART)"
