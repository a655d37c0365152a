# tests/integration/dash-lib.sh: helpers for the dashboard and graph tests
# (130-139).  Source after lib.sh and collector-lib.sh.
#
#   dash_conf [EXTRA]   collector.conf with [http] dashboards = the source
#                       tree's dashboards/; sets HTTP_PORT, BASE
#   dash_admin          an admin "tester" (password in $T/pass) when the
#                       collector has sign-in; sets AUTH for curl
#   hget URL [ARGS]     curl GET as that user: body to $T/body, headers to
#                       $T/headers; prints the status code
#   hdr NAME            a header of the last hget (value, no CR)
PANTAUCTL="$top_builddir/collector/pantauctl"
# librrd's graphing keeps caches and leaks a little per render (not ours).
LSAN_OPTIONS="suppressions=$top_srcdir/tests/integration/lsan-graph.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
command -v curl >/dev/null 2>&1 || fail "curl is not installed (./setup installs it)"

dash_conf() {
	HTTP_PORT=$(free_port)
	BASE="http://127.0.0.1:$HTTP_PORT"
	cat >"$T/collector.conf" <<EOF2
[collector]
data_dir = $DATA
log_level = debug

[mqtt]
host = 127.0.0.1
port = $MQTT_PORT
client_id = pantau-collector-test
keepalive = 10

[http]
listen = 127.0.0.1:$HTTP_PORT
dashboards = $top_srcdir/dashboards
${1:-}
EOF2
}

AUTH=""
dash_admin() {
	printf 'tester-pass-%s\n' "$$" >"$T/pass"
	if "$PANTAUCTL" -c "$T/collector.conf" user add tester --role admin \
	    <"$T/pass" >"$T/useradd.log" 2>&1; then
		AUTH="tester:$(cat "$T/pass")"
		note "signed in as tester (admin)"
	else
		note "no sign-in in this collector yet: $(head -1 "$T/useradd.log")"
	fi
}

hget() {
	url=$1; shift
	if [ -n "$AUTH" ]; then
		set -- -u "$AUTH" "$@"
	fi
	rm -f "$T/body"
	: >"$T/body"
	curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' "$@" "$BASE$url"
}

hdr() {
	awk -v n="$1" 'BEGIN { n = tolower(n) ":" }
		tolower($1) == n { sub(/^[^:]*: */, ""); sub(/\r$/, ""); print; exit }' \
		"$T/headers"
}
