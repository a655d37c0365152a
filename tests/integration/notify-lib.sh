# tests/integration/notify-lib.sh: helpers of the notification tests 90-94
# (docs/notify.md).  Source after lib.sh.
#
#   start_webhook NAME [ARGS]  webhook-sink.py on HOOK_PORT (a free port,
#                              or the one already set with HOOK_PORT_FIXED=1);
#                              posts land in $T/NAME.jsonl; sets HOOK_PID
#   start_smtp                 smtp-sink.py (aiosmtpd) on SMTP_PORT; messages
#                              land in $T/mail/N.eml and N.env
#   notify_conf                writes $T/c.conf: [collector] data_dir
#                              $T/data, then the sections read from stdin
#   lines FILE                 the number of lines of FILE (0 if missing)
#   pycheck FILE CODE          runs python CODE with 'recs', the JSON
#                              lines of FILE, in scope; fails the test
#                              with the assertion that did not hold
NOTIFY_TOOL="$top_builddir/tests/tools/notify-tool"
[ -x "$NOTIFY_TOOL" ] || fail "no $NOTIFY_TOOL"

# The system's python3 when there is one: it has aiosmtpd (a Debian
# package), and a python3 earlier in PATH may be a slow wrapper (pyenv).
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

start_webhook() {
	hname=$1
	shift
	[ -n "${HOOK_PORT_FIXED:-}" ] || HOOK_PORT=$(free_port)
	rm -f "$T/$hname.jsonl.ready"
	spawn "$hname" "$PY" "$top_srcdir/tests/integration/webhook-sink.py" \
		--port "$HOOK_PORT" --out "$T/$hname.jsonl" "$@"
	HOOK_PID=$SPAWNED
	wait_for 10 test -f "$T/$hname.jsonl.ready" \
		|| fail "webhook sink did not start on $HOOK_PORT"
}

SMTP_PY=
for py in "$PY" python3; do
	if "$py" -c 'import aiosmtpd' 2>/dev/null; then
		SMTP_PY=$py
		break
	fi
done

start_smtp() {
	[ -n "$SMTP_PY" ] || fail "no python3 with aiosmtpd (python3-aiosmtpd)"
	SMTP_PORT=$(free_port)
	spawn smtp "$SMTP_PY" "$top_srcdir/tests/integration/smtp-sink.py" \
		--port "$SMTP_PORT" --dir "$T/mail"
	SMTP_PID=$SPAWNED
	wait_for 20 test -f "$T/mail/ready" \
		|| fail "smtp sink did not start on $SMTP_PORT"
}

notify_conf() {
	{
		echo "[collector]"
		echo "data_dir = $T/data"
		cat
	} >"$T/c.conf"
}

lines() {
	if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

pycheck() {
	"$PY" - "$1" "$2" <<'PY' || fail "check of $1 failed"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
exec(sys.argv[2])
PY
}
