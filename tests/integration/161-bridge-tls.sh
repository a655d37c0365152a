#!/bin/sh
# 161-bridge-tls: the bridge exactly as `pantauctl site bridge-config`
# prints it, TLS and all, against a province broker configured as
# docs/province.md says (TLS listener, passwords, the bridge user's ACL,
# use_username_as_clientid).
#  - site asriloka (--remote localhost, the certificate's name) connects:
#    a retained status published at the site arrives retained at the
#    province, and the bridge's notification topic says 1;
#  - site gresik (--remote 127.0.0.1, a name the certificate does not
#    carry) is refused by the host name check (bridge_insecure false):
#    nothing of gresik reaches the province.
# The bridge password has a blank and a '#', which mosquitto must take
# as they are.
. "$top_srcdir/tests/integration/lib.sh"
PANTAUCTL="$top_builddir/collector/pantauctl"

echo "subjectAltName=DNS:localhost" >"$T/san.ext"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" \
	-out "$T/ca.crt" -days 2 -subj "/CN=pantau test CA" \
	>"$T/openssl.log" 2>&1 || fail "CA"
openssl req -newkey rsa:2048 -nodes -keyout "$T/server.key" \
	-out "$T/server.csr" -subj "/CN=localhost" >>"$T/openssl.log" 2>&1 ||
	fail "server key"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" \
	-CAcreateserial -out "$T/server.crt" -days 2 -extfile "$T/san.ext" \
	>>"$T/openssl.log" 2>&1 || fail "server certificate"
printf 'br pw#1 x\n' >"$T/bridge.pass"
mosquitto_passwd -c -b "$T/passwd" pantau-bridge-asriloka 'br pw#1 x' ||
	fail "passwd"
mosquitto_passwd -b "$T/passwd" pantau-bridge-gresik 'br pw#1 x'
mosquitto_passwd -b "$T/passwd" reader readerpw
chmod 644 "$T/server.key" "$T/passwd"
cat >"$T/province.acl" <<'EOF2'
user pantau-bridge-asriloka
topic write pantau/v1/asriloka/#
topic write $SYS/broker/connection/pantau-bridge-asriloka/state

user pantau-bridge-gresik
topic write pantau/v1/gresik/#
topic write $SYS/broker/connection/pantau-bridge-gresik/state

user reader
topic read pantau/v1/#
topic read $SYS/broker/connection/#
EOF2

PROV_PORT=$(free_port)
mkdir -p "$T/province"
{
	echo "per_listener_settings false"
	echo "listener $PROV_PORT 127.0.0.1"
	echo "cafile $T/ca.crt"
	echo "certfile $T/server.crt"
	echo "keyfile $T/server.key"
	echo "tls_version tlsv1.2"
	echo "use_username_as_clientid true"
	echo "allow_anonymous false"
	echo "password_file $T/passwd"
	echo "acl_file $T/province.acl"
	echo "persistence true"
	echo "persistence_location $T/province/"
	echo "log_dest stderr"
	echo "log_type error"
	echo "log_type warning"
	echo "log_type notice"
	[ "$(id -u)" -eq 0 ] && echo "user root"
} >"$T/province.conf"
spawn province mosquitto -c "$T/province.conf"
prov_sub() {
	mosquitto_sub -h localhost -p "$PROV_PORT" --cafile "$T/ca.crt" \
		-u reader -P readerpw "$@"
}
wait_for 10 mosquitto_pub -h localhost -p "$PROV_PORT" --cafile "$T/ca.crt" \
	-u reader -P readerpw -t x/ping -n ||
	fail "the province broker did not start"

# site_start SITE REMOTE_HOST: a site broker with the generated bridge
printf '[collector]\ndata_dir = %s/data\n' "$T" >"$T/collector.conf"
site_start() {
	port=$(free_port)
	mkdir -p "$T/site-$1"
	"$PANTAUCTL" -c "$T/collector.conf" site bridge-config "$1" \
		--remote "$2:$PROV_PORT" --cafile "$T/ca.crt" \
		--password-file "$T/bridge.pass" -o "$T/bridge-$1.conf" \
		2>/dev/null || fail "pantauctl site bridge-config $1"
	{
		echo "listener $port 127.0.0.1"
		echo "allow_anonymous true"
		echo "persistence_location $T/site-$1/"
		echo "log_dest stderr"
		echo "log_type all"
		[ "$(id -u)" -eq 0 ] && echo "user root"
		cat "$T/bridge-$1.conf"
		echo "restart_timeout 1 2"
	} >"$T/site-$1.conf"
	spawn "site-$1" mosquitto -c "$T/site-$1.conf"
	wait_for 10 mosquitto_pub -h 127.0.0.1 -p "$port" -t x/ping -n ||
		fail "site broker $1 did not start"
	mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -r \
		-t "pantau/v1/$1/pc-01/status" \
		-m "{\"v\":1,\"state\":\"online\",\"ts\":1764374400}" ||
		fail "publish at site $1"
}
site_start asriloka localhost
site_start gresik 127.0.0.1

wait_for 20 sh -c "mosquitto_sub -h localhost -p $PROV_PORT --cafile '$T/ca.crt' \
    -u reader -P readerpw -C 1 -W 2 \
    -t '\$SYS/broker/connection/pantau-bridge-asriloka/state' |
    grep -qx 1" || fail "the asriloka bridge did not come up over TLS"
got=$(prov_sub -C 1 -W 10 -F '%r %p' -t pantau/v1/asriloka/pc-01/status) ||
	fail "no status of asriloka at the province"
[ "$got" = '1 {"v":1,"state":"online","ts":1764374400}' ] ||
	fail "asriloka's status at the province: '$got'"

# gresik: refused by the host name check, again and again
wait_for 20 sh -c "[ \$(grep -c 'Connecting bridge' '$T/site-gresik.log') -ge 2 ]" ||
	fail "the gresik bridge did not retry"
grep -qi 'certificate verify failed' "$T/site-gresik.log" ||
	fail "the gresik bridge did not fail on the certificate"
got=$(prov_sub -C 1 -W 3 -t 'pantau/v1/gresik/#' 2>/dev/null)
[ -z "$got" ] || fail "gresik crossed without a valid host name: $got"
grep -q 'New bridge connected .*pantau-bridge-gresik' "$T/province.log" &&
	fail "the province broker accepted the gresik bridge"
grep -q 'br pw' "$T/province.log" "$T/site-asriloka.log" &&
	fail "a password in a log"
pass "TLS bridge: the certificate's name connects, retained status crosses; a wrong name is refused"
