#!/bin/sh
# 25-agent-tls-auth.sh: a broker that wants TLS and passwords.
#  - the agent verifies the broker against tls_ca, logs in with username
#    and password_file, and publishes;
#  - an agent with a wrong password logs the refusal once (not once per
#    attempt), keeps sampling into its spool, and, the password file fixed
#    (it is read at every connect), delivers everything from seq 1;
#  - no password reaches a log.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/agent-lib.sh"

echo "subjectAltName=IP:127.0.0.1" >"$T/san.ext"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" \
	-out "$T/ca.crt" -days 2 -subj "/CN=pantau test CA" \
	>"$T/openssl.log" 2>&1 || fail "CA"
openssl req -newkey rsa:2048 -nodes -keyout "$T/server.key" \
	-out "$T/server.csr" -subj "/CN=127.0.0.1" >>"$T/openssl.log" 2>&1 ||
	fail "server key"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" \
	-CAcreateserial -out "$T/server.crt" -days 2 -extfile "$T/san.ext" \
	>>"$T/openssl.log" 2>&1 || fail "server certificate"
mosquitto_passwd -c -b "$T/passwd" collector collectorpw || fail "passwd"
mosquitto_passwd -b "$T/passwd" pc-01 pc01pw
mosquitto_passwd -b "$T/passwd" pc-02 pc02pw
chmod 644 "$T/server.key" "$T/passwd"

MQTT_PORT=$(free_port)
{
	echo "per_listener_settings false"
	echo "listener $MQTT_PORT 127.0.0.1"
	echo "cafile $T/ca.crt"
	echo "certfile $T/server.crt"
	echo "keyfile $T/server.key"
	echo "allow_anonymous false"
	echo "password_file $T/passwd"
	echo "log_dest stderr"
	echo "log_type error"
	echo "log_type warning"
	echo "log_type notice"
	[ "$(id -u)" -eq 0 ] && echo "user root"
} >"$T/mosquitto.conf"
spawn mosquitto "${MOSQUITTO:-mosquitto}" -c "$T/mosquitto.conf"
wait_for 10 mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" --cafile "$T/ca.crt" \
	-u collector -P collectorpw -t pantau/ping -n ||
	fail "the TLS broker did not start"

spawn sub mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" --cafile "$T/ca.crt" \
	-u collector -P collectorpw -i pantau-test-sub -q 1 -v -t 'pantau/v1/#'
wait_for 10 grep -q "as pantau-test-sub" "$T/mosquitto.log" ||
	fail "the subscriber did not connect"

printf 'pc01pw\n' >"$T/pc01.pass"
printf 'wrong\n' >"$T/pc02.pass"
agent_conf "$T/pc01.conf" "username = pc-01
password_file = $T/pc01.pass
tls_ca = $T/ca.crt"
agent_start agent1 "$T/pc01.conf"

agent_conf "$T/pc02.conf" "username = pc-02
password_file = $T/pc02.pass
tls_ca = $T/ca.crt"
sed -i "s/^device = pc-01/device = pc-02/; s|/spool\$|/spool2|" \
	"$T/pc02.conf"
agent_start agent2 "$T/pc02.conf"

wait_for 20 sh -c "[ \$(grep -c 'pc-01/metrics ' '$T/sub.log') -ge 2 ]" ||
	fail "no metrics over TLS with a password"
grep -q 'connected to the broker .* as pantau-agent-asriloka-pc-01' \
	"$T/agent1.log" || fail "agent 1 did not log its connect"

# The refused agent: one warning, the attempts at debug level only.
sleep 5
grep -q 'pc-02/' "$T/sub.log" && fail "pc-02 published with a wrong password"
[ "$(grep -c 'warning: cannot reach the broker' "$T/agent2.log")" -eq 1 ] ||
	fail "the refusal was not logged exactly once"
grep -q 'not authori' "$T/agent2.log" || fail "no reason for the refusal"
grep -q 'debug: broker 127.0.0.1' "$T/agent2.log" ||
	fail "no further attempts"

printf 'pc02pw\n' >"$T/pc02.pass"
wait_for 15 sh -c "grep -q 'pc-02/metrics .*\"seq\":1,' '$T/sub.log'" ||
	fail "pc-02 never delivered seq 1 after the password was fixed"
grep -q 'is back after' "$T/agent2.log" || fail "no 'back' line for pc-02"
if grep -q 'pc01pw\|pc02pw' "$T"/agent*.log; then
	fail "a password reached the log"
fi
pass "TLS + password login; a refused agent logs once and delivers later"
