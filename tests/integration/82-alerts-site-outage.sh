#!/bin/sh
# 82-alerts-site-outage.sh: a site going dark gives one site alert, not one
# per device (issue 7), through a real mosquitto and pantau-collector.
#
# Five devices of site-c come online, then four of them go offline
# together (their Last Wills, as retained status messages).  One alert
# "site_outage" fires, with one ticket; no device_offline alert fires,
# even after the devices' own wait is over.  A lone device going offline
# at site-d (one device: too small for a site alert) alerts on its own.
# The power comes back: the site alert resolves.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"

sql() { sqlite3 -cmd '.timeout 5000' "$DATA/pantau.db" "$1"; }

start_mosquitto
collector_conf "
[alerts]
site_outage_pct = 60
site_outage_min_devices = 3
site_outage_window = 3s

[rule device_offline]
for = 0
"
start_collector

status() {
	mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -r \
		-t "pantau/v1/$1/$2/status" \
		-m "{\"v\":1,\"state\":\"$3\",\"ts\":$4}" || fail "mosquitto_pub"
}
state_is() {
	[ "$(sql "SELECT d.state FROM devices d JOIN sites s ON \
s.id = d.site_id WHERE s.name = '$1' AND d.name = '$2'")" = "$3" ]
}
now=$(date +%s)
for d in pc-01 pc-02 pc-03 pc-04 prn-01; do
	status site-c $d online "$now"
done
status site-d pc-01 online "$now"
wait_for 20 state_is site-c prn-01 online || fail "site-c not online"
wait_for 20 state_is site-d pc-01 online || fail "site-d not online"

# The power goes: four of five (80 %) offline.
now=$((now + 1))
for d in pc-01 pc-02 pc-03 pc-04; do
	status site-c $d offline "$now"
done
status site-d pc-01 offline "$now"
wait_for 20 state_is site-c pc-04 offline || fail "site-c still online"
site_alerts() {
	sql "SELECT count(*) FROM alerts WHERE rule = 'site_outage' AND \
site = 'site-c' AND device IS NULL AND state = '$1'"
}
site_is() { [ "$(site_alerts "$1")" = 1 ]; }
wait_for 20 site_is firing ||
	fail "no site alert: $(sql 'SELECT * FROM alerts')"
lone() {
	[ "$(sql "SELECT count(*) FROM alerts WHERE rule = 'device_offline' \
AND site = 'site-d' AND device = 'pc-01'")" = 1 ]
}
# a site of one device is too small for a site alert: it alerts at once
wait_for 20 lone || fail "site-d's lone device did not alert"
# site-c's devices waited site_outage_window (3 s); past it they stay quiet
sleep 4
[ "$(sql "SELECT count(*) FROM alerts WHERE site = 'site-c'")" = 1 ] ||
	fail "per-device alerts during the outage: $(sql 'SELECT * FROM alerts')"
[ "$(sql "SELECT count(*) FROM tickets WHERE site = 'site-c' AND \
device IS NULL AND priority = 1")" = 1 ] ||
	fail "site ticket: $(sql 'SELECT * FROM tickets')"

# The power comes back, device by device: pc-04 a second after the others.
# It was down longer than the window, but the window starts again when
# the site alert resolves, so it does not page on its own meanwhile.
now=$((now + 1))
for d in pc-01 pc-02 pc-03; do
	status site-c $d online "$now"
done
wait_for 20 site_is resolved ||
	fail "site alert not resolved: $(sql 'SELECT * FROM alerts')"
sleep 1
status site-c pc-04 online "$((now + 1))"
wait_for 20 state_is site-c pc-04 online || fail "pc-04 not back"
[ "$(sql "SELECT count(*) FROM alerts WHERE site = 'site-c'")" = 1 ] ||
	fail "alerts after the outage: $(sql 'SELECT * FROM alerts')"

stop_collector
pass "one site alert for a dark site, a lone device alerts alone"
