#!/bin/sh
# 131-dashboards-static: the UI's files served by the collector: types,
# the pages' Content-Security-Policy, ETag revalidation (304), and no way
# out of the dashboards directory.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"
. "$top_srcdir/tests/integration/dash-lib.sh"

start_mosquitto
dash_conf
start_collector
AUTH=""   # the pages themselves need no sign-in

check() { # PATH STATUS TYPE
	code=$(hget "$1")
	[ "$code" = "$2" ] || fail "$1: status $code, expected $2"
	[ -z "${3:-}" ] || [ "$(hdr Content-Type)" = "$3" ] ||
		fail "$1: type $(hdr Content-Type), expected $3"
}

check / 200 "text/html; charset=utf-8"
cmp -s "$T/body" "$top_srcdir/dashboards/index.html" || fail "/ is not index.html"
csp=$(hdr Content-Security-Policy)
case "$csp" in
*"script-src 'self'"*"style-src 'self'"*) ;;
*) fail "page CSP: $csp" ;;
esac
case "$csp" in *unsafe*) fail "page CSP allows unsafe: $csp" ;; esac
[ "$(hdr X-Content-Type-Options)" = nosniff ] || fail "no nosniff"
[ "$(hdr Cache-Control)" = no-cache ] || fail "cache-control $(hdr Cache-Control)"
etag=$(hdr ETag)
[ -n "$etag" ] || fail "no ETag"

code=$(hget / -H "If-None-Match: $etag")
[ "$code" = 304 ] || fail "revalidation: status $code, expected 304"
[ ! -s "$T/body" ] || fail "304 with a body"
code=$(hget / -H 'If-None-Match: "other"')
[ "$code" = 200 ] || fail "other etag: status $code"

check /ui/app.js 200 "text/javascript; charset=utf-8"
check /ui/app.css 200 "text/css; charset=utf-8"
check /ui/js/dom.js 200 "text/javascript; charset=utf-8"
check /ui/i18n/id.json 200 application/json
cmp -s "$T/body" "$top_srcdir/dashboards/i18n/id.json" || fail "id.json differs"
check /ui/index.html 200 "text/html; charset=utf-8"

# Nothing outside dashboards/, nothing hidden, no unknown types.
for p in /ui/..%2Flocal.mk /ui/../Makefile.am /ui/%2e%2e/README.md \
    /ui/js/..%2F..%2FREADME.md /ui/.hidden.js /ui/local.mk /ui/js \
    /ui/nosuch.js /ui/a/b/c.js /ui/%2Fetc%2Fpasswd /ui/js/%00.js \
    /ui/i18n/..; do
	code=$(hget "$p" --path-as-is)
	[ "$code" = 404 ] || fail "$p: status $code, expected 404"
done

# The pages use no inline script or style attribute (the CSP forbids them).
if grep -n -E '<script>|<script [^>]*>[^<]| style=| on[a-z]+=' \
    "$top_srcdir/dashboards/index.html"; then
	fail "inline script or style in index.html"
fi
grep -rn 'innerHTML\|outerHTML\|insertAdjacentHTML\|document\.write\|eval(' \
    "$top_srcdir/dashboards" --include=*.js && fail "HTML strings in the UI code"

pass "dashboards: types, CSP, ETag, no traversal"
