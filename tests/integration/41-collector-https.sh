#!/bin/sh
# 41-collector-https.sh: with [http] tls_cert and tls_key the collector
# speaks HTTPS only, with the configured certificate.
. "$top_srcdir/tests/integration/lib.sh"

COLLECTOR="$top_builddir/collector/pantau-collector"
[ -x "$COLLECTOR" ] || fail "$COLLECTOR not built"
get() { python3 "$top_srcdir/tests/integration/httpget.py" "$@"; }
TLS="$top_srcdir/tests/fixtures/tls"

start_mosquitto
HTTP_PORT=$(free_port)
mkdir -p "$T/data"
cat >"$T/collector.conf" <<EOC
[collector]
data_dir = $T/data

[mqtt]
host = 127.0.0.1
port = $MQTT_PORT
client_id = pantau-test-https

[http]
listen = 127.0.0.1:$HTTP_PORT
tls_cert = $TLS/cert.pem
tls_key = $TLS/key.pem
EOC
# the API needs sign-in (issue 9): a viewer token for httpget.py
PANTAU_TEST_TOKEN=$("$top_builddir/collector/pantauctl" -c "$T/collector.conf" \
	token create test --role viewer) || fail "pantauctl token create"
export PANTAU_TEST_TOKEN
spawn collector "$COLLECTOR" -d -c "$T/collector.conf"
wait_for 10 get --ca "$TLS/cert.pem" "https://127.0.0.1:$HTTP_PORT/healthz" \
	|| fail "no HTTPS on $HTTP_PORT"
[ "$(get --ca "$TLS/cert.pem" "https://127.0.0.1:$HTTP_PORT/healthz")" = ok ] \
	|| fail "/healthz over HTTPS is not ok"
body=$(get --ca "$TLS/cert.pem" "https://127.0.0.1:$HTTP_PORT/api/v1/devices") \
	|| fail "/api/v1/devices over HTTPS failed"
[ "$body" = '{"devices":[],"count":0}' ] || fail "unexpected body: $body"

# Plain HTTP on the same port gets no answer.
get "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || fail "plain HTTP answered (exit $rc)"

pass "HTTPS with the configured certificate"
