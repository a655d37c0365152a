# tests/integration/auth-lib.sh: helpers for the sign-in scripts (110-119).
# Source it after lib.sh and collector-lib.sh.
#
#   auth_start             broker, collector config, users and tokens made
#                          with pantauctl (one token per role in TOKEN_<role>,
#                          admin's password in $T/admin.pass), collector
#                          started; sets API
#   req METHOD PATH [CURL ARGS...]
#                          one request; prints the status code, leaves the
#                          headers in $T/h and the body in $T/b
#   hdr NAME               a header of the last answer ("" if absent)
#   ctl ARGS...            pantauctl on the test configuration
PANTAUCTL="$top_builddir/collector/pantauctl"
[ -x "$PANTAUCTL" ] || fail "no $PANTAUCTL"
command -v curl >/dev/null || fail "curl is needed"

ctl() {
	"$PANTAUCTL" -c "$T/collector.conf" "$@"
}

auth_start() {
	start_mosquitto
	# (the [http] section: the dashboards from the source tree)
	collector_conf "dashboards = $top_srcdir/dashboards
${1:-}"
	printf 'Adm1n-pass-%s\n' "$$" >"$T/admin.pass"
	ctl user add admin --role admin --password-file "$T/admin.pass" ||
		fail "pantauctl user add admin"
	for r in admin technician secretary viewer; do
		tok=$(ctl token create "t-$r" --role $r) ||
			fail "pantauctl token create t-$r"
		eval "TOKEN_$r=\$tok"
	done
	start_collector
	HTTP_PORT=$(sed -n 's/^listen = 127.0.0.1://p' "$T/collector.conf")
	API="http://127.0.0.1:$HTTP_PORT"
	# (with TLS, liveness only: the scripts verify the certificate)
	grep -q '^tls_cert' "$T/collector.conf" &&
		API="https://127.0.0.1:$HTTP_PORT"
	wait_for 10 curl -sfk -o /dev/null "$API/healthz" ||
		fail "no /healthz"
}

req() {
	m=$1 p=$2
	shift 2
	curl -s -o "$T/b" -D "$T/h" -X "$m" -w '%{http_code}' "$@" "$API$p"
}

hdr() {
	awk -v n="$1" 'BEGIN { n = tolower(n) ":" }
		tolower($1) == n { sub(/^[^:]*: */, ""); sub(/\r$/, ""); print; exit }' \
		"$T/h"
}
