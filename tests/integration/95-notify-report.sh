#!/bin/sh
# 95-notify-report: a "report.monthly" message carries files (issue 10).
# An email target that asks for report.* receives multipart/mixed with
# the PDF and the CSV byte-identical (base64 decoded by python's email
# module), a non-ASCII file name as RFC 2231 filename*, and a note in the
# text for a file that vanished; a webhook gets the file names; a target
# without 'events' gets nothing.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/notify-lib.sh"

start_smtp
start_webhook hook
notify_conf <<EOC
[notify bulanan]
type = email
url = smtp://127.0.0.1:$SMTP_PORT
from = pantau@telecenter.example.id
to = sekretaris@dinas.example.id
events = report.*
timeout = 10

[notify teknisi]
type = email
url = smtp://127.0.0.1:$SMTP_PORT
from = pantau@telecenter.example.id
to = teknisi@dinas.example.id

[notify hook]
type = webhook
url = http://127.0.0.1:$HOOK_PORT/hook
events = report.monthly
EOC

mkdir -p "$T/rep"
"$PY" - "$T/rep" <<'PY' || fail "fixtures"
import os, sys
d = sys.argv[1]
open(os.path.join(d, "assets.pdf"), "wb").write(
    b"%PDF-1.4\n" + bytes(range(256)) * 300 + b"\n%%EOF\n")
open(os.path.join(d, "ketersediaan—Mei é.csv"), "wb").write(
    "\ufeffsitus,jam\r\nasriloka,\"1.234,5\"\r\n".encode())
PY

"$NOTIFY_TOOL" -c "$T/c.conf" -w 30 "{\"event\": \"report.monthly\",
 \"severity\": \"info\", \"site\": \"*\",
 \"subject_id\": \"Laporan bulanan Oktober 2026 — semua situs\",
 \"subject_en\": \"Monthly reports October 2026 — all sites\",
 \"text_id\": \"Laporan terlampir.\", \"ts\": 1795929138,
 \"attach\": [\"$T/rep/assets.pdf\", \"$T/rep/ketersediaan—Mei é.csv\",
              \"$T/rep/hilang.pdf\"]}" \
	>"$T/out" 2>"$T/tool.log" || fail "notify-tool: $(cat "$T/out")"
[ "$(cat "$T/out")" = "sent=2 failed=0 dropped=0 queued=0" ] \
	|| fail "counts: $(cat "$T/out")"
wait_for 10 test -f "$T/mail/1.eml" || fail "no mail received"
[ ! -f "$T/mail/2.eml" ] || fail "a target without events got the report"

"$PY" - "$T/mail" "$T/rep" <<'PY' || fail "mail content"
import email, email.policy, json, os, sys
d, rep = sys.argv[1], sys.argv[2]
raw = open(os.path.join(d, "1.eml"), "rb").read()
env = json.load(open(os.path.join(d, "1.env")))
assert env["to"] == ["sekretaris@dinas.example.id"], env
m = email.message_from_bytes(raw, policy=email.policy.default)
assert str(m["subject"]) == "Laporan bulanan Oktober 2026 \u2014 semua situs", m["subject"]
assert m.get_content_type() == "multipart/mixed", m.get_content_type()
assert m["x-pantau-event"] == "report.monthly"
parts = list(m.iter_parts())
assert len(parts) == 3, [p.get_content_type() for p in parts]
text = parts[0].get_content().replace("\r\n", "\n")
assert parts[0].get_content_type() == "text/plain"
assert text.startswith("Laporan terlampir.\n\nLampiran tidak ada: hilang.pdf\n"), repr(text)
pdf, csv = parts[1], parts[2]
assert pdf.get_content_type() == "application/pdf", pdf.get_content_type()
assert pdf.get_filename() == "assets.pdf", pdf.get_filename()
assert pdf["content-transfer-encoding"] == "base64"
assert pdf.get_content() == open(os.path.join(rep, "assets.pdf"), "rb").read(), "pdf differs"
assert csv.get_content_type() == "text/csv", csv.get_content_type()
assert csv.get_param("charset") == "UTF-8", csv["content-type"]
assert csv.get_filename() == "ketersediaan\u2014Mei \u00e9.csv", csv.get_filename()
assert b"filename*=UTF-8''ketersediaan%E2%80%94Mei%20%C3%A9.csv" in raw
assert csv.get_payload(decode=True) == open(os.path.join(rep, "ketersediaan\u2014Mei \u00e9.csv"), "rb").read(), "csv differs"
for line in raw.split(b"\r\n"):
    assert len(line) <= 998 and all(b < 0x80 for b in line), line[:80]
PY

pycheck "$T/hook.jsonl" '
assert len(recs) == 1, recs
assert recs[0]["body"]["event"] == "report.monthly", recs[0]
assert recs[0]["body"]["attachments"] == ["assets.pdf", "ketersediaan\u2014Mei \u00e9.csv", "hilang.pdf"], recs[0]["body"]
' || fail "webhook"
