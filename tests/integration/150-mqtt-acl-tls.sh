#!/bin/sh
# 150-mqtt-acl-tls.sh: the broker security of docs/security.md, end to end.
# A real mosquitto over TLS (certificates from tools/pantau-tls) with the
# password and ACL files pantauctl generates; a real collector and two
# agents, agent A polling a projector.
#  - nobody may publish for the projector until A's inventory says it
#    polls it and the ACL is regenerated; then A's statuses arrive;
#  - A's publishes as B, as an unknown device and at another site, and
#    B's as A's projector, never reach the collector; A's own does;
#  - an agent may read nothing;
#  - a wrong password, an unknown user, no credentials: refused;
#  - an agent that does not trust the CA, and one that reaches a broker
#    whose certificate names another host, never connect;
#  - rotation and removal take effect at the broker's reload;
#  - no secret reaches a generated file or a log.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/agent-lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"

CTL="$top_builddir/collector/pantauctl"
TLS="$top_srcdir/tools/pantau-tls"
DB="$DATA/pantau.db"

"$TLS" ca "$T/pki" >/dev/null || fail "pantau-tls ca"
"$TLS" server "$T/pki" broker >/dev/null || fail "pantau-tls server"
"$TLS" server "$T/pki" wrong.example dns:wrong.example >/dev/null ||
	fail "pantau-tls server wrong.example"
"$TLS" ca "$T/other-pki" >/dev/null || fail "pantau-tls ca (other)"
chmod 644 "$T/pki/broker.key" "$T/pki/wrong.example.key"
"$TLS" client "$T/pki" pc-01 >/dev/null || fail "pantau-tls client"
openssl verify -CAfile "$T/pki/ca.crt" "$T/pki/broker.crt" "$T/pki/pc-01.crt" \
	>/dev/null || fail "the certificates do not verify"
openssl x509 -in "$T/pki/broker.crt" -noout -ext subjectAltName |
	grep -q 'DNS:broker, DNS:.*, DNS:localhost, IP Address:127.0.0.1' ||
	fail "the broker's default SANs"
[ "$(stat -c %a "$T/pki/ca.key")" = 600 ] || fail "the CA key is not 0600"
"$TLS" ca "$T/pki" 2>/dev/null && fail "pantau-tls overwrote a CA"

# Five free ports from one python (each start costs seconds on a busy box).
set -- $(python3 -c 'import socket
ss = [socket.socket() for _ in range(5)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
MQTT_PORT=$1 WRONG_PORT=$2 HTTP_PORT=$3 PJ_PORT=$4 HTTP2_PORT=$5
od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$T/collector.pass"
cat >"$T/collector.conf" <<EOF
[collector]
data_dir = $DATA
log_level = debug

[mqtt]
host = 127.0.0.1
port = $MQTT_PORT
client_id = pantau-collector-test
keepalive = 10
username = collector
password_file = $T/collector.pass
tls_ca = $T/pki/ca.crt

[http]
listen = 127.0.0.1:$HTTP_PORT
EOF
ctl() { "$CTL" -c "$T/collector.conf" "$@"; }
mkdir -p "$DATA"

# Credentials for two agents; the plain secrets exist only in these files.
ctl mqtt passwd --new asriloka/pc-01 -o "$T/pc01.pass" 2>"$T/ctl.err" ||
	fail "mqtt passwd --new pc-01: $(cat "$T/ctl.err")"
ctl mqtt passwd --new asriloka/pc-02 -o "$T/pc02.pass" 2>>"$T/ctl.err" ||
	fail "mqtt passwd --new pc-02"
[ "$(stat -c %a "$T/pc01.pass")" = 600 ] || fail "the secret file is not 0600"
grep -Eqx '[0-9a-f]{64}' "$T/pc01.pass" || fail "not a 64-digit secret"
[ "$(stat -c %a "$DATA/mqtt/passwd")" = 600 ] || fail "the store is not 0600"
# (every other spelling: check_mqtt_ctl)
for bad in 'asriloka/pc+1' 'a/b/c'; do
	ctl mqtt passwd --new "$bad" -o "$T/bad.pass" 2>/dev/null &&
		fail "pantauctl accepted '$bad'"
	[ -e "$T/bad.pass" ] && fail "a secret was written for '$bad'"
done

ctl mqtt passwd -o "$T/passwd" 2>>"$T/ctl.err" || fail "mqtt passwd"
ctl mqtt acl -o "$T/acl" 2>>"$T/ctl.err" || fail "mqtt acl"
[ "$(cut -d: -f1 "$T/passwd" | tr '\n' ' ')" = \
  "collector asriloka.pc-01 asriloka.pc-02 " ] || fail "passwd users: $(cat "$T/passwd")"
[ "$(grep -c ':\$7\$101\$' "$T/passwd")" -eq 3 ] || fail "not \$7\$ hashes"
[ "$(stat -c %a "$T/passwd")" = 640 ] || fail "passwd is not 0640"
# Unchanged inputs, unchanged output (the collector's hash is kept).
ctl mqtt passwd >"$T/passwd.again" 2>/dev/null
cmp -s "$T/passwd" "$T/passwd.again" || fail "passwd changed by itself"

acl_head='# mosquitto acl_file for pantau, made by "pantauctl mqtt acl"
# (docs/security.md).  Regenerate it; do not edit it.  Nothing stands
# before the first "user": anonymous clients get nothing.

user collector
topic read pantau/v1/#
'
printf '%s\nuser asriloka.pc-01\ntopic write pantau/v1/asriloka/pc-01/#\n\nuser asriloka.pc-02\ntopic write pantau/v1/asriloka/pc-02/#\n' \
	"$acl_head" >"$T/acl.want"
diff -u "$T/acl.want" "$T/acl" || fail "first ACL"

{
	echo "per_listener_settings false"
	echo "allow_anonymous false"
	echo "password_file $T/passwd"
	echo "acl_file $T/acl"
	echo "listener $MQTT_PORT 127.0.0.1"
	echo "cafile $T/pki/ca.crt"
	echo "certfile $T/pki/broker.crt"
	echo "keyfile $T/pki/broker.key"
	echo "use_username_as_clientid true"
	echo "listener $WRONG_PORT 127.0.0.1"
	echo "cafile $T/pki/ca.crt"
	echo "certfile $T/pki/wrong.example.crt"
	echo "keyfile $T/pki/wrong.example.key"
	echo "use_username_as_clientid true"
	echo "log_dest stderr"
	echo "log_type all"
	[ "$(id -u)" -eq 0 ] && echo "user root"
} >"$T/mosquitto.conf"
spawn mosquitto "${MOSQUITTO:-mosquitto}" -c "$T/mosquitto.conf"
BROKER_PID=$SPAWNED

# pub USER SECRET-FILE TOPIC PAYLOAD [mosquitto_pub options]
pub() {
	u=$1 f=$2 t=$3 m=$4
	shift 4
	mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" --cafile "$T/pki/ca.crt" \
		-u "$u" -P "$(cat "$f")" -q 1 -t "$t" -m "$m" "$@"
}
wait_for 20 pub collector "$T/collector.pass" pantau/ping x ||
	fail "the TLS broker did not start"

q() { sqlite3 "$DB" "$1" 2>/dev/null; }
devq() {
	q "SELECT d.$3 FROM devices d JOIN sites s ON s.id = d.site_id
	   WHERE s.name = '$1' AND d.name = '$2'"
}
has_metrics() { [ -n "$(devq asriloka "$1" last_seen)" ]; }

start_collector
grep -q 'mqtt: connected to 127.0.0.1' "$T/collector.log" ||
	fail "the collector did not log in over TLS"

# Agent A polls a projector that is not there: it publishes its status.
agent_conf "$T/a.conf" "username = asriloka.pc-01
password_file = $T/pc01.pass
tls_ca = $T/pki/ca.crt

[device proj-1]
type = projector
address = 127.0.0.1:$PJ_PORT
interval = 1"
agent_start agent_a "$T/a.conf"
A_PID=$AGENT_PID
agent_conf "$T/b.conf" "username = asriloka.pc-02
password_file = $T/pc02.pass
tls_ca = $T/pki/ca.crt" "spool_dir = $T/spool-b"
sed -i "s/^device = pc-01/device = pc-02/; /^spool_dir = .*\/spool\$/d" \
	"$T/b.conf"
agent_start agent_b "$T/b.conf"

wait_for 30 has_metrics pc-01 || fail "no metrics from agent A"
wait_for 30 has_metrics pc-02 || fail "no metrics from agent B"
wait_for 20 sh -c "[ \"\$(sqlite3 '$DB' \"SELECT json_extract(inventory, '\$.polls') FROM devices WHERE name = 'pc-01'\")\" = '[\"proj-1\"]' ]" ||
	fail "A's inventory does not list proj-1"
wait_for 20 grep -q "Denied PUBLISH from asriloka.pc-01 .*'pantau/v1/asriloka/proj-1/status'" \
	"$T/mosquitto.log" || fail "the broker did not deny proj-1 before the ACL grant"
[ -z "$(devq asriloka proj-1 name)" ] || fail "proj-1 reached the collector before the grant"

# The claim becomes a grant; the broker reloads; A reconnects.
ctl mqtt acl -o "$T/acl" 2>"$T/acl.notes" || fail "mqtt acl (2)"
printf '%s\nuser asriloka.pc-01\ntopic write pantau/v1/asriloka/pc-01/#\n# the devices it polls (its inventory)\ntopic write pantau/v1/asriloka/proj-1/#\n\nuser asriloka.pc-02\ntopic write pantau/v1/asriloka/pc-02/#\n' \
	"$acl_head" >"$T/acl.want"
diff -u "$T/acl.want" "$T/acl" || fail "second ACL"
kill -HUP "$BROKER_PID"
wait_for 20 grep -q 'Reloading config' "$T/mosquitto.log" || fail "no reload"
stop "$A_PID"
agent_start agent_a "$T/a.conf"
A_PID=$AGENT_PID
wait_for 30 sh -c "[ \"\$(sqlite3 '$DB' \"SELECT state FROM devices WHERE name = 'proj-1'\")\" = unreachable ]" ||
	fail "proj-1's status did not arrive after the grant"

# Forgeries, with A's stolen credentials (A stopped: one user, one
# connection, since the client id is the user name).  A v3.1.1 publisher
# gets its PUBACK even when the ACL drops the message, so only the
# collector can tell: every forged one is published before A's own, on
# one broker, to one subscriber.
stop "$A_PID"
now=$(date +%s)
ev() { printf '{"v":1,"ts":%s,"code":"%s","severity":"critical","state":"raised","text":"x"}' "$now" "$1"; }
pub asriloka.pc-01 "$T/pc01.pass" pantau/v1/asriloka/pc-02/events "$(ev test.forged)" ||
	fail "mosquitto_pub (A as B)"
pub asriloka.pc-01 "$T/pc01.pass" pantau/v1/asriloka/pc-02/status \
	"{\"v\":1,\"state\":\"offline\",\"ts\":$now}" -r || fail "mosquitto_pub (A as B, status)"
pub asriloka.pc-01 "$T/pc01.pass" pantau/v1/asriloka/ghost/events "$(ev test.forged)" ||
	fail "mosquitto_pub (A as ghost)"
pub asriloka.pc-01 "$T/pc01.pass" pantau/v1/other/pc-01/events "$(ev test.forged)" ||
	fail "mosquitto_pub (A at another site)"
pub asriloka.pc-02 "$T/pc02.pass" pantau/v1/asriloka/proj-1/events "$(ev test.forged)" ||
	fail "mosquitto_pub (B as A's projector)"
pub asriloka.pc-01 "$T/pc01.pass" pantau/v1/asriloka/pc-01/events "$(ev test.own)" ||
	fail "mosquitto_pub (A as A)"
pub asriloka.pc-01 "$T/pc01.pass" pantau/v1/asriloka/proj-1/events "$(ev test.own)" ||
	fail "mosquitto_pub (A as its projector)"
wait_for 20 sh -c "[ \"\$(sqlite3 '$DB' \"SELECT count(*) FROM events WHERE code = 'test.own'\")\" = 2 ]" ||
	fail "A's own events did not arrive"
[ "$(q "SELECT count(*) FROM events WHERE code = 'test.forged'")" = 0 ] ||
	fail "a forged event reached the collector"
[ "$(q "SELECT s.name || '/' || d.name FROM events e JOIN devices d ON d.id = e.device_id JOIN sites s ON s.id = d.site_id WHERE code = 'test.own' ORDER BY 1" | tr '\n' ' ')" = \
  "asriloka/pc-01 asriloka/proj-1 " ] || fail "A's events stored under the wrong devices"
[ -z "$(devq asriloka ghost name)" ] || fail "the forged device ghost has a row"
[ -z "$(q "SELECT name FROM sites WHERE name = 'other'")" ] || fail "the forged site has a row"
for t in asriloka/pc-02/events asriloka/pc-02/status asriloka/ghost/events \
	other/pc-01/events asriloka/proj-1/events; do
	grep -q "Denied PUBLISH .*'pantau/v1/$t'" "$T/mosquitto.log" ||
		fail "no denial of pantau/v1/$t in the broker log"
done
note "forged: 5 publishes denied at the broker, 0 stored ($(grep -c 'Denied PUBLISH' "$T/mosquitto.log") denials in all)"

# The client id is the user name (use_username_as_clientid): borrowing
# the collector's or B's client id takes over nobody's session.
# (B lost its connection above, to the publisher with B's credentials.)
lost() { grep -c "$1" "$2"; }
wait_for 20 grep -q 'is back after' "$T/agent_b.log" || fail "B did not come back"
b_lost=$(lost 'lost the broker' "$T/agent_b.log")
for id in pantau-collector-test pantau-agent-asriloka-pc-02; do
	pub asriloka.pc-01 "$T/pc01.pass" pantau/v1/asriloka/pc-01/events \
		"$(ev test.own)" -i "$id" || fail "mosquitto_pub -i $id"
done
grep -q "New client connected from .* as asriloka.pc-01 (p2, c1, k60, u'asriloka.pc-01')" \
	"$T/mosquitto.log" || fail "mosquitto_pub as A did not get A's name as its id"
grep -q 'as pantau-collector-test\|as pantau-agent-asriloka-pc-02' \
	"$T/mosquitto.log" && fail "a client kept a borrowed client id"
grep -q 'mqtt: lost the connection' "$T/collector.log" &&
	fail "the collector lost its connection"
[ "$(lost 'lost the broker' "$T/agent_b.log")" = "$b_lost" ] ||
	fail "agent B lost its connection"
[ "$(q "SELECT count(*) FROM events WHERE code = 'test.own'")" = 2 ] ||
	fail "a repeated event was stored twice"

# An agent reads nothing: not even the retained statuses.
mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" --cafile "$T/pki/ca.crt" \
	-u asriloka.pc-01 -P "$(cat "$T/pc01.pass")" -t 'pantau/v1/#' -C 1 -W 3 \
	>"$T/agent-read.out" 2>"$T/agent-read.err"
[ -s "$T/agent-read.out" ] && fail "an agent could read: $(cat "$T/agent-read.out")"
grep -q 'Timed out' "$T/agent-read.err" || fail "the agent's subscriber: $(cat "$T/agent-read.err")"

# Without valid credentials, no connection.
refused() {
	shift 0
	if mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" --cafile "$T/pki/ca.crt" \
		-q 1 -t pantau/v1/asriloka/pc-01/events -m x "$@" \
		>"$T/refused.out" 2>&1; then
		return 1
	fi
	grep -q 'not authori[sz]ed' "$T/refused.out"
}
refused -u asriloka.pc-01 -P wrong || fail "a wrong password connected: $(cat "$T/refused.out")"
refused -u asriloka.pc-03 -P "$(cat "$T/pc01.pass")" || fail "an unknown user connected"
refused || fail "a client without credentials connected: $(cat "$T/refused.out")"
refused -u collector || fail "a user without password connected"

# TLS: a client that does not trust the CA, one that reaches a broker
# whose certificate names another host.
if mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" --cafile "$T/other-pki/ca.crt" \
	-u asriloka.pc-01 -P "$(cat "$T/pc01.pass")" -t x -m x >"$T/tls.out" 2>&1; then
	fail "mosquitto_pub trusted a broker of another CA"
fi
wait_for 20 grep -q 'alert unknown ca' "$T/mosquitto.log" ||
	fail "the broker did not see its CA refused"
if mosquitto_pub -h 127.0.0.1 -p "$WRONG_PORT" --cafile "$T/pki/ca.crt" \
	-u asriloka.pc-01 -P "$(cat "$T/pc01.pass")" -t x -m x >"$T/tls2.out" 2>&1; then
	fail "mosquitto_pub accepted a certificate for another host"
fi
# ... and only the name was wrong: without the host name check it connects.
mosquitto_pub -h 127.0.0.1 -p "$WRONG_PORT" --cafile "$T/pki/ca.crt" --insecure \
	-u asriloka.pc-01 -P "$(cat "$T/pc01.pass")" -t x -m x >"$T/tls3.out" 2>&1 ||
	fail "the wrong.example listener is broken: $(cat "$T/tls3.out")"
agent_conf "$T/c.conf" "username = asriloka.pc-02
password_file = $T/pc02.pass
tls_ca = $T/other-pki/ca.crt" "spool_dir = $T/spool-c"
sed -i "s/^device = pc-01/device = pc-03/; /^spool_dir = .*\/spool\$/d" "$T/c.conf"
agent_start agent_c "$T/c.conf"
agent_conf "$T/d.conf" "username = asriloka.pc-02
password_file = $T/pc02.pass
tls_ca = $T/pki/ca.crt" "spool_dir = $T/spool-d"
sed -i "s/^device = pc-01/device = pc-04/; /^spool_dir = .*\/spool\$/d; s/^port = .*/port = $WRONG_PORT/" "$T/d.conf"
agent_start agent_d "$T/d.conf"
wait_for 20 grep -q 'warning: cannot reach the broker' "$T/agent_c.log" ||
	fail "agent C did not report the untrusted broker"
wait_for 20 grep -q 'warning: cannot reach the broker' "$T/agent_d.log" ||
	fail "agent D did not report the wrong host name"
sleep 2
grep -q 'connected to the broker' "$T/agent_c.log" && fail "agent C connected to an untrusted broker"
grep -q 'connected to the broker' "$T/agent_d.log" && fail "agent D connected to a broker named otherwise"
[ -z "$(devq asriloka pc-03 name)$(devq asriloka pc-04 name)" ] ||
	fail "an agent without a trusted broker was stored"
# The collector checks the broker's name as well.
sed -e "s|^data_dir = .*|data_dir = $T/data2|" -e "s/^port = .*/port = $WRONG_PORT/" \
	-e "s/^listen = .*/listen = 127.0.0.1:$HTTP2_PORT/" \
	-e "s/^client_id = .*/client_id = pantau-collector-2/" \
	"$T/collector.conf" >"$T/collector2.conf"
spawn collector2 "$COLLECTOR" -d -c "$T/collector2.conf"
wait_for 30 grep -q "mqtt: .*127.0.0.1:$WRONG_PORT.*TLS" "$T/collector2.log" ||
	fail "the collector did not report the wrong host name"
grep -q 'mqtt: connected' "$T/collector2.log" &&
	fail "the collector connected to a broker named otherwise"
note "collector, wrong host: $(grep -m1 "mqtt: .*$WRONG_PORT" "$T/collector2.log" | sed 's/.*mqtt:/mqtt:/')"
note "untrusted CA: $(grep -m1 'cannot reach' "$T/agent_c.log" | sed 's/.*cannot reach/cannot reach/')"
note "wrong host: $(grep -m1 'cannot reach' "$T/agent_d.log" | sed 's/.*cannot reach/cannot reach/')"

# Rotation: the old secret stops working at the reload, the new one works;
# removal: refused.
# Agent B reads its password_file at every connect: the new secret goes
# there first; the reload cuts B's old login and B comes back with it.
cp "$T/pc02.pass" "$T/pc02.old"
b_back=$(lost 'is back after' "$T/agent_b.log")
ctl mqtt passwd --new asriloka/pc-02 -o "$T/pc02.pass" 2>/dev/null || fail "rotate"
cmp -s "$T/pc02.pass" "$T/pc02.old" && fail "rotation kept the secret"
ctl mqtt passwd -o "$T/passwd" 2>/dev/null || fail "mqtt passwd (rotated)"
kill -HUP "$BROKER_PID"
wait_for 20 sh -c "[ \$(grep -c 'Reloading config' '$T/mosquitto.log') -ge 2 ]" || fail "no second reload"
wait_for 20 refused -u asriloka.pc-02 -P "$(cat "$T/pc02.old")" || fail "the old secret still works"
wait_for 20 sh -c "[ \$(grep -c 'is back after' '$T/agent_b.log') -gt $b_back ]" ||
	fail "agent B did not come back with its new secret"
pub asriloka.pc-02 "$T/pc02.pass" pantau/v1/asriloka/pc-02/events "$(ev test.rotated)" ||
	fail "the new secret does not work"
ctl mqtt passwd --remove asriloka/pc-02 2>/dev/null || fail "remove"
ctl mqtt passwd -o "$T/passwd" 2>/dev/null && ctl mqtt acl -o "$T/acl" 2>/dev/null ||
	fail "regenerate after removal"
grep -q pc-02 "$T/passwd" "$T/acl" && fail "pc-02 still in the broker's files"
kill -HUP "$BROKER_PID"
wait_for 20 sh -c "[ \$(grep -c 'Reloading config' '$T/mosquitto.log') -ge 3 ]" || fail "no third reload"
wait_for 20 refused -u asriloka.pc-02 -P "$(cat "$T/pc02.pass")" || fail "a removed user still connects"
wait_for 20 grep -q 'not authori' "$T/agent_b.log" ||
	fail "agent B was not cut off by the removal"

# No secret in a generated file, the store or a log.
for f in "$T/pc01.pass" "$T/pc02.old" "$T/pc02.pass" "$T/collector.pass"; do
	s=$(cat "$f")
	if grep -rqF "$s" "$T/passwd" "$T/acl" "$DATA/mqtt" "$T"/*.log "$T/ctl.err" "$T/acl.notes"; then
		fail "a secret ($f) leaked"
	fi
done
pass "TLS broker with generated passwd/ACL: forged publishes dropped, bad logins and untrusted brokers refused"
