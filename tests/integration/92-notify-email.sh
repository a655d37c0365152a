#!/bin/sh
# 92-notify-email: email targets deliver to a local SMTP server (aiosmtpd)
# with the right envelope, From, To, Date, Message-ID, a UTF-8 Subject in
# Bahasa Indonesia (or English for an English target) and the body; a
# subject carrying CR LF and a header of its own adds no header.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/notify-lib.sh"

start_smtp
notify_conf <<EOC
[notify mail]
type = email
url = smtp://127.0.0.1:$SMTP_PORT
from = pantau@telecenter.example.id
to = teknisi@dinas.example.id, kepala@dinas.example.id
starttls = try
timeout = 10

[notify mail-en]
type = email
url = smtp://127.0.0.1:$SMTP_PORT
from = pantau@telecenter.example.id
to = consultant@example.org
language = en
EOC

"$NOTIFY_TOOL" -c "$T/c.conf" -w 30 '{"event": "alert.firing",
 "severity": "warning", "site": "asriloka", "device": "pc-01",
 "subject_id": "Suhu CPU terlalu tinggi — pc-01 di Telecenter Asri Loka (92 °C)",
 "subject_en": "CPU too hot on pc-01",
 "text_id": "Suhu CPU 92 °C selama 10 menit.\nPeriksa kipas dan debu.",
 "text_en": "CPU at 92 °C for 10 minutes.", "ts": 1795929138,
 "alert_id": 7, "ticket_id": 3}' \
	'{"event": "alert.firing", "severity": "info", "site": "asriloka",
 "subject_id": "Kertas macet\r\nBcc: semua@evil.example",
 "text_id": "."}' \
	>"$T/out" 2>"$T/tool.log" || fail "notify-tool: $(cat "$T/out")"
[ "$(cat "$T/out")" = "sent=4 failed=0 dropped=0 queued=0" ] \
	|| fail "counts: $(cat "$T/out")"
wait_for 10 test -f "$T/mail/4.eml" || fail "4 messages not received"
[ ! -f "$T/mail/5.eml" ] || fail "a fifth message"

"$PY" - "$T/mail" <<'PY' || fail "mail content"
import email, email.policy, email.utils, glob, json, os, re, sys
d = sys.argv[1]
msgs = []
for n in range(1, 5):
    raw = open(os.path.join(d, "%d.eml" % n), "rb").read()
    env = json.load(open(os.path.join(d, "%d.env" % n)))
    msgs.append((raw, env, email.message_from_bytes(raw, policy=email.policy.default)))

def find(rcpt, subject):
    for raw, env, m in msgs:
        if rcpt in env["to"] and str(m["subject"]).startswith(subject):
            return raw, env, m
    raise AssertionError("no mail to %s: %s" % (rcpt, subject))

raw, env, m = find("teknisi@dinas.example.id", "Suhu")
assert env["from"] == "pantau@telecenter.example.id", env
assert env["to"] == ["teknisi@dinas.example.id", "kepala@dinas.example.id"], env
assert str(m["subject"]) == "Suhu CPU terlalu tinggi \u2014 pc-01 di Telecenter Asri Loka (92 \u00b0C)", str(m["subject"])
assert b"=?UTF-8?B?" in raw, "subject not RFC 2047 encoded"
assert m["from"].addresses[0].addr_spec == "pantau@telecenter.example.id", m["from"]
assert [a.addr_spec for a in m["to"].addresses] == ["teknisi@dinas.example.id", "kepala@dinas.example.id"], m["to"]
assert email.utils.parsedate_to_datetime(m["date"]).utcoffset().total_seconds() == 0, m["date"]
assert re.fullmatch(r"<pantau\.[0-9]+\.[0-9a-f]{16}@telecenter\.example\.id>", m["message-id"]), m["message-id"]
assert m["x-pantau-event"] == "alert.firing" and m["x-pantau-severity"] == "warning"
body = m.get_content().replace("\r\n", "\n")  # base64 text is CRLF
want = ("Suhu CPU 92 \u00b0C selama 10 menit.\nPeriksa kipas dan debu.\n\n"
        "Situs: asriloka\nPerangkat: pc-01\nWaktu: 2026-11-29T05:12:18Z\n"
        "Alert: #7\nTiket: #3\n-- \npantau\n")
assert body == want, repr(body)

raw, env, m = find("consultant@example.org", "CPU")
assert str(m["subject"]) == "CPU too hot on pc-01", m["subject"]
assert m.get_content().replace("\r\n", "\n").startswith("CPU at 92 \u00b0C for 10 minutes.\n\nSite: asriloka\n"), m.get_content()

raw, env, m = find("teknisi@dinas.example.id", "Kertas")
assert m["bcc"] is None, "header injected"
assert b"\nBcc:" not in raw and b"\r\nBcc:" not in raw, raw
assert str(m["subject"]) == "Kertas macet  Bcc: semua@evil.example", m["subject"]
assert env["to"] == ["teknisi@dinas.example.id", "kepala@dinas.example.id"], env
PY

"$NOTIFY_TOOL" -c "$T/c.conf" -t mail-en >"$T/out" 2>&1 || fail "test: $(cat "$T/out")"
wait_for 10 test -f "$T/mail/5.eml" || fail "no test mail"
grep -q '^Subject: pantau: test message' "$T/mail/5.eml" || fail "test mail subject"
pass "mail delivered with the right envelope, headers and body"
