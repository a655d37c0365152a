#!/bin/sh
# 110-auth-routes: every route of http.c's table, walked from the table
# itself (tests/tools/http-routes), so routes added later are covered:
# without credentials every path but /healthz (and the sign-in endpoint
# and the static pages, which are public by design) answers 401 with the
# Basic challenge (a browser gets none); every role the route does not list
# gets 403; a role it lists gets through; a change with a session cookie but
# without X-CSRF-Token gets 403; no API route is public by mistake.
# Also the security headers on every answer (issue 9, docs/auth.md).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"
. "$top_srcdir/tests/integration/auth-lib.sh"

ROUTES_TOOL="$top_builddir/tests/tools/http-routes"
[ -x "$ROUTES_TOOL" ] || fail "no $ROUTES_TOOL"
"$ROUTES_TOOL" >"$T/routes" || fail "http-routes"
[ "$(wc -l <"$T/routes")" -ge 10 ] || fail "too few routes: $(cat "$T/routes")"

auth_start

CSP="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
check_headers() {
	[ "$(hdr Content-Security-Policy)" = "$CSP" ] ||
		fail "$1: CSP is '$(hdr Content-Security-Policy)'"
	[ "$(hdr X-Content-Type-Options)" = nosniff ] ||
		fail "$1: no nosniff"
	[ "$(hdr Referrer-Policy)" = no-referrer ] ||
		fail "$1: no Referrer-Policy"
}

code=$(req GET /healthz)
[ "$code" = 200 ] || fail "/healthz: $code"
check_headers /healthz

# an admin's browser session, for the CSRF walk below
code=$(req POST /api/v1/login -H 'Content-Type: application/json' \
	--data "{\"user\":\"admin\",\"password\":\"$(cat "$T/admin.pass")\"}")
[ "$code" = 200 ] || fail "admin sign-in: $code"
SID=$(hdr Set-Cookie | sed 's/^pantau_session=\([0-9a-f]*\);.*/\1/')

n401=0 n403=0 nok=0 ncsrf=0
while read -r method pattern roles; do
	# every :param becomes a plain name; authorisation comes first
	path=$(printf '%s\n' "$pattern" | sed 's,:[a-z_]*,x,g')
	what="$method $pattern"
	if [ "$roles" = public ]; then
		case "$pattern" in
		/healthz | / | /ui/*) ;;
		/api/v1/login)
			code=$(req "$method" "$path")
			[ "$code" = 401 ] || fail "$what without credentials: $code"
			check_headers "$what" ;;
		*) fail "$what is public: only /healthz, the sign-in and the static pages may be" ;;
		esac
		continue
	fi
	code=$(req "$method" "$path")
	[ "$code" = 401 ] || fail "$what without credentials: $code, expected 401"
	[ "$(hdr WWW-Authenticate)" = 'Basic realm="pantau", charset="UTF-8"' ] ||
		fail "$what: WWW-Authenticate is '$(hdr WWW-Authenticate)'"
	check_headers "$what"
	grep -q '"status":401' "$T/b" || fail "$what: body $(cat "$T/b")"
	n401=$((n401 + 1))
	# a browser (fetch) gets the JSON 401 but no Basic dialog
	code=$(req "$method" "$path" -H 'Sec-Fetch-Mode: cors')
	[ "$code" = 401 ] && [ -z "$(hdr WWW-Authenticate)" ] ||
		fail "$what from a browser: $code, '$(hdr WWW-Authenticate)'"
	# a change with a session cookie but no X-CSRF-Token, even an admin's
	if [ "$method" != GET ]; then
		code=$(req "$method" "$path" -H "Cookie: pantau_session=$SID" \
			-H 'Content-Type: application/json' --data '{}')
		[ "$code" = 403 ] && grep -q 'X-CSRF-Token' "$T/b" ||
			fail "$what with a cookie and no CSRF token: $code $(cat "$T/b")"
		ncsrf=$((ncsrf + 1))
	fi
	for r in admin technician secretary viewer; do
		eval "tok=\$TOKEN_$r"
		case ",$roles," in
		*",$r,"*)
			# allowed: reads only, so the walk changes nothing
			[ "$method" = GET ] || continue
			code=$(req "$method" "$path" -H "Authorization: Bearer $tok")
			case "$code" in
			401 | 403) fail "$what as $r (allowed): $code $(cat "$T/b")" ;;
			esac
			nok=$((nok + 1)) ;;
		*)
			code=$(req "$method" "$path" -H "Authorization: Bearer $tok" \
				-H 'Content-Type: application/json' --data '{}')
			[ "$code" = 403 ] ||
				fail "$what as $r (not allowed): $code, expected 403"
			check_headers "$what as $r"
			n403=$((n403 + 1)) ;;
		esac
	done
done <"$T/routes"

note "401 checked on $n401 routes, 403 on $n403 route/role pairs, CSRF on $ncsrf changes, $nok allowed reads"
[ $ncsrf -ge 3 ] || fail "only $ncsrf changes checked for CSRF"
[ $n401 -ge 10 ] || fail "only $n401 routes checked"
[ $n403 -ge 5 ] || fail "only $n403 forbidden pairs checked"
pass "every route needs sign-in, roles enforced"
