#!/bin/sh
# 112-auth-tls: over HTTPS the session cookie is also Secure, and sign-in,
# /me and a CSRF-protected change work the same (issue 9, docs/auth.md).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"
. "$top_srcdir/tests/integration/auth-lib.sh"

TLS="$top_srcdir/tests/fixtures/tls"
auth_start "tls_cert = $TLS/cert.pem
tls_key = $TLS/key.pem"
TLSOPT="--cacert $TLS/cert.pem"

code=$(req POST /api/v1/login $TLSOPT -H 'Content-Type: application/json' \
	--data "{\"user\":\"admin\",\"password\":\"$(cat "$T/admin.pass")\"}")
[ "$code" = 200 ] || fail "sign-in over HTTPS: $code $(cat "$T/b")"
case "$(hdr Set-Cookie)" in
pantau_session=*"; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure") ;;
*) fail "cookie over HTTPS: $(hdr Set-Cookie)" ;;
esac
SID=$(hdr Set-Cookie | sed 's/^pantau_session=\([0-9a-f]*\);.*/\1/')
CSRF=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/b")
code=$(req POST /api/v1/users $TLSOPT -H "Cookie: pantau_session=$SID" \
	-H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
	--data '{"name":"rina","role":"viewer","password":"pemirsa-123"}')
[ "$code" = 201 ] || fail "POST users over HTTPS: $code $(cat "$T/b")"
code=$(req GET /api/v1/devices $TLSOPT)
[ "$code" = 401 ] || fail "anonymous over HTTPS: $code"
pass "Secure cookie over HTTPS"
