#!/bin/sh
# 111-auth-login: sign-in against a real collector (issue 9, docs/auth.md).
#
# pantauctl makes users (password from a file and from stdin, never from
# the command line) and tokens; then over HTTP: JSON and form sign-in, the
# cookie's attributes, /me, a CSRF-protected PATCH that fails without the
# header and works with it, the audit log, logout, bearer tokens and their
# revocation, HTTP Basic, a disabled user's session, and the rate limit
# (429 with Retry-After).  Last, no password appears in the collector's
# log, in pantauctl's output or in the database file.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/collector-lib.sh"
. "$top_srcdir/tests/integration/auth-lib.sh"

auth_start
ADMIN_PW=$(cat "$T/admin.pass")
TECH_PW="teknisi-rahasia-$$"
VIEW_PW="pemirsa-rahasia-$$"

# --- pantauctl ------------------------------------------------------------
printf '%s\n' "$TECH_PW" | ctl user add budi --role technician \
	>"$T/ctl.out" 2>&1 || fail "user add from stdin: $(cat "$T/ctl.out")"
printf '%s\n' "$VIEW_PW" >"$T/view.pass"
ctl user add sari --role viewer --password-file "$T/view.pass" \
	>>"$T/ctl.out" 2>&1 || fail "user add --password-file"
ctl user add x --role admin --password "$VIEW_PW" >>"$T/ctl.out" 2>&1
[ $? = 2 ] || fail "a password option on the command line was accepted"
printf 'short\n' | ctl user add y --role viewer >>"$T/ctl.out" 2>&1 &&
	fail "a 5-byte password was accepted"
printf '%s\n' "$TECH_PW" | ctl user add budi --role viewer \
	>>"$T/ctl.out" 2>&1 && fail "user add twice"
ctl user add z --role boss <"$T/view.pass" >>"$T/ctl.out" 2>&1 &&
	fail "role boss accepted"
ctl user list >"$T/list" || fail "user list"
[ "$(awk 'NR > 1 { print $1, $2, $3 }' "$T/list" | tr '\n' ' ')" = \
	"admin admin enabled budi technician enabled sari viewer enabled " ] ||
	fail "user list: $(cat "$T/list")"
ctl token list >"$T/tokens" || fail "token list"
grep -q '^t-viewer  *viewer  *valid' "$T/tokens" || fail "token list: $(cat "$T/tokens")"

# --- JSON sign-in, cookie, /me ---------------------------------------------
code=$(req POST /api/v1/login -H 'Content-Type: application/json' \
	--data "{\"user\":\"admin\",\"password\":\"wrong-$ADMIN_PW\"}")
[ "$code" = 401 ] || fail "wrong password: $code"
[ -z "$(hdr WWW-Authenticate)" ] || fail "sign-in 401 with a Basic challenge"
[ -z "$(hdr Set-Cookie)" ] || fail "a cookie for a wrong password"

code=$(req POST /api/v1/login -H 'Content-Type: application/json' \
	--data "{\"user\":\"admin\",\"password\":\"$ADMIN_PW\"}")
[ "$code" = 200 ] || fail "sign-in: $code $(cat "$T/b")"
cookie=$(hdr Set-Cookie)
case "$cookie" in
pantau_session=*"; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200") ;;
*) fail "cookie: $cookie" ;;
esac
case "$cookie" in *Secure*) fail "Secure over plain HTTP: $cookie" ;; esac
SID=$(printf '%s\n' "$cookie" | sed 's/^pantau_session=\([0-9a-f]*\);.*/\1/')
[ ${#SID} = 64 ] || fail "session id: $SID"
CSRF=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/b")
[ ${#CSRF} = 64 ] || fail "no csrf in $(cat "$T/b")"
grep -q '"user":"admin","role":"admin"' "$T/b" || fail "login body: $(cat "$T/b")"
C="Cookie: pantau_session=$SID"

code=$(req GET /api/v1/me -H "$C")
[ "$code" = 200 ] || fail "/me: $code"
[ "$(cat "$T/b")" = "{\"user\":\"admin\",\"role\":\"admin\",\"via\":\"session\",\"csrf\":\"$CSRF\"}" ] ||
	fail "/me: $(cat "$T/b")"

# --- CSRF ------------------------------------------------------------------
J='Content-Type: application/json'
code=$(req PATCH /api/v1/users/sari -H "$C" -H "$J" --data '{"role":"secretary"}')
[ "$code" = 403 ] || fail "PATCH without X-CSRF-Token: $code"
code=$(req PATCH /api/v1/users/sari -H "$C" -H "$J" -H "X-CSRF-Token: $SID" \
	--data '{"role":"secretary"}')
[ "$code" = 403 ] || fail "PATCH with a wrong X-CSRF-Token: $code"
ctl user list | grep -q '^sari  *viewer ' || fail "changed without CSRF"
code=$(req PATCH /api/v1/users/sari -H "$C" -H "$J" -H "X-CSRF-Token: $CSRF" \
	--data '{"role":"secretary"}')
[ "$code" = 200 ] || fail "PATCH with X-CSRF-Token: $code $(cat "$T/b")"
grep -q '"name":"sari","role":"secretary","disabled":false' "$T/b" ||
	fail "PATCH answer: $(cat "$T/b")"
ctl user list | grep -q '^sari  *secretary ' || fail "role not stored"
# the last admin stays
code=$(req PATCH /api/v1/users/admin -H "$C" -H "$J" -H "X-CSRF-Token: $CSRF" \
	--data '{"disabled":true}')
[ "$code" = 409 ] || fail "disabling the last admin: $code"

# --- users over HTTP, form sign-in ------------------------------------------
code=$(req POST /api/v1/users -H "$C" -H "$J" -H "X-CSRF-Token: $CSRF" \
	--data '{"name":"dewi","role":"secretary","password":"sekretaris-1"}')
[ "$code" = 201 ] || fail "POST users: $code $(cat "$T/b")"
code=$(req POST /api/v1/users -H "$C" -H "$J" -H "X-CSRF-Token: $CSRF" \
	--data '{"name":"dewi","role":"secretary","password":"sekretaris-1"}')
[ "$code" = 409 ] || fail "POST users twice: $code"
code=$(req POST /api/v1/login --data-urlencode user=dewi \
	--data-urlencode password=sekretaris-1)
[ "$code" = 200 ] || fail "form sign-in: $code $(cat "$T/b")"
grep -q '"user":"dewi","role":"secretary"' "$T/b" || fail "form: $(cat "$T/b")"
DEWI=$(hdr Set-Cookie | sed 's/^pantau_session=\([0-9a-f]*\);.*/\1/')
code=$(req GET /api/v1/users -H "Cookie: pantau_session=$DEWI")
[ "$code" = 403 ] || fail "a secretary lists users: $code"
# disabling dewi ends her session at once
code=$(req PATCH /api/v1/users/dewi -H "$C" -H "$J" -H "X-CSRF-Token: $CSRF" \
	--data '{"disabled":true}')
[ "$code" = 200 ] || fail "disable dewi: $code"
code=$(req GET /api/v1/me -H "Cookie: pantau_session=$DEWI")
[ "$code" = 401 ] || fail "a disabled user's session: $code"
[ -z "$(hdr WWW-Authenticate)" ] || fail "a Basic challenge for a cookie"

# --- the audit log ---------------------------------------------------------
code=$(req GET '/api/v1/audit?action=user.' -H "$C")
[ "$code" = 200 ] || fail "audit: $code"
for want in '"actor":"admin","action":"user.update","object":"user/sari","detail":"role secretary"' \
    '"actor":"admin","action":"user.create","object":"user/dewi","detail":"role secretary"' \
    '"actor":"system","action":"user.create","object":"user/budi","detail":"role technician; pantauctl"' \
    '"actor":"admin","action":"user.update","object":"user/dewi","detail":"disabled"'; do
	grep -qF "$want" "$T/b" || fail "audit lacks $want: $(cat "$T/b")"
done
code=$(req GET '/api/v1/audit?action=login.ok&actor=admin' -H "$C")
grep -q '"count":1}' "$T/b" || fail "login.ok: $(cat "$T/b")"

# --- logout ------------------------------------------------------------------
code=$(req POST /api/v1/logout -H "$C")
[ "$code" = 403 ] || fail "logout without CSRF: $code"
code=$(req POST /api/v1/logout -H "$C" -H "X-CSRF-Token: $CSRF")
[ "$code" = 200 ] || fail "logout: $code"
case "$(hdr Set-Cookie)" in
"pantau_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0") ;;
*) fail "logout cookie: $(hdr Set-Cookie)" ;;
esac
code=$(req GET /api/v1/me -H "$C")
[ "$code" = 401 ] || fail "a session after logout: $code"

# --- bearer tokens and HTTP Basic -------------------------------------------
code=$(req GET /api/v1/me -H "Authorization: Bearer $TOKEN_technician")
[ "$code" = 200 ] || fail "bearer: $code"
[ "$(cat "$T/b")" = '{"user":"token:t-technician","role":"technician","via":"token","csrf":null}' ] ||
	fail "bearer /me: $(cat "$T/b")"
code=$(req PATCH /api/v1/users/sari -H "Authorization: Bearer $TOKEN_admin" \
	-H "$J" --data '{"role":"viewer"}')
[ "$code" = 200 ] || fail "bearer PATCH needs no CSRF: $code"
ctl token revoke t-technician || fail "token revoke"
code=$(req GET /api/v1/me -H "Authorization: Bearer $TOKEN_technician")
[ "$code" = 401 ] || fail "a revoked token: $code"
code=$(req GET /api/v1/me -u "budi:$TECH_PW")
[ "$code" = 200 ] || fail "Basic: $code"
grep -q '"user":"budi","role":"technician","via":"basic"' "$T/b" ||
	fail "Basic /me: $(cat "$T/b")"
code=$(req GET /api/v1/me -u "budi:not-$TECH_PW")
[ "$code" = 401 ] || fail "Basic, wrong password: $code"
[ "$(hdr WWW-Authenticate)" = 'Basic realm="pantau", charset="UTF-8"' ] ||
	fail "Basic challenge: $(hdr WWW-Authenticate)"

# --- rate limit ------------------------------------------------------------
# 127.0.0.1 has 2 failures (admin's wrong password, budi's wrong Basic);
# 3 more make 5 within 5 minutes: then even the right password waits
for i in 1 2 3; do
	code=$(req POST /api/v1/login -H "$J" \
		--data "{\"user\":\"budi\",\"password\":\"guess-$i\"}")
	[ "$code" = 401 ] || fail "failure $i: $code"
done
code=$(req POST /api/v1/login -H "$J" \
	--data "{\"user\":\"budi\",\"password\":\"$TECH_PW\"}")
[ "$code" = 429 ] || fail "sixth attempt: $code, expected 429"
ra=$(hdr Retry-After)
[ -n "$ra" ] && [ "$ra" -gt 0 ] && [ "$ra" -le 300 ] ||
	fail "Retry-After: '$ra'"
code=$(req GET /api/v1/me -u "budi:$TECH_PW")
[ "$code" = 429 ] || fail "Basic while limited: $code"
wait_for 10 grep -q "sign-in from 127.0.0.1 refused: too many failures" \
	"$T/collector.log" || fail "the refusal is not logged"
grep -q "sign-in failed for user 'budi' from 127.0.0.1 (wrong password)" \
	"$T/collector.log" || fail "failures are not logged"

# --- no password anywhere ----------------------------------------------------
stop_collector
for pw in "$ADMIN_PW" "$TECH_PW" "$VIEW_PW" sekretaris-1 guess-1; do
	for f in "$T/collector.log" "$T/ctl.out" "$T/list" "$T/tokens" \
	    "$DATA"/pantau.db*; do
		[ -f "$f" ] || continue
		grep -qaF "$pw" "$f" && fail "a password is in $f"
	done
done
for tok in "$TOKEN_admin" "$TOKEN_viewer" "$SID"; do
	grep -qaF "$tok" "$DATA"/pantau.db* "$T/collector.log" &&
		fail "a token or session id is stored as it is"
done
pass "sign-in, CSRF, tokens, Basic, rate limit, audit log"
