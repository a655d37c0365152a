#!/bin/sh
# 36-collector-broker-restart: the broker goes away and comes back (with its
# persistence file); the collector reconnects by itself, resumes its
# session, and what was published before and after the restart is stored.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"

start_mosquitto
start_collector
pub_metrics gresik pc-04 $T0 1 gauge:load.1=0.5
wait_stat 20 pantau_samples_written_total 1

stop "$MQTT_PID"
wait_for 20 grep -q 'mqtt: lost the connection\|mqtt: connection to .* failed' \
	"$T/collector.log" || fail "the collector did not notice"
stats_dump
[ "$(cstat pantau_mqtt_connected)" = 0 ] || fail "still says connected"

restart_mosquitto
wait_for 70 sh -c "[ \$(grep -c 'mqtt: connected' '$T/collector.log') -ge 2 ]" ||
	fail "no reconnection"
pub_metrics gresik pc-04 $((T0 + 60)) 2 gauge:load.1=0.75
wait_stat 20 pantau_samples_written_total 2
[ "$(cstat pantau_mqtt_connected)" = 1 ] || fail "not connected"
[ "$(cstat pantau_mqtt_reconnects_total)" = 1 ] || fail "reconnects"
[ "$(rrd_last "$DATA/rrd/gresik/pc-04/load.1.rrd")" = "$((T0 + 60)) 0.75" ] ||
	fail "after the restart"
stop_collector
pass "reconnected after a broker restart"
