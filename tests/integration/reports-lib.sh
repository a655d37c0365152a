# tests/integration/reports-lib.sh: helpers for the report scripts (120-129).
# Source it after lib.sh.
#
#   reports_db [SQL...]   $DATA/pantau.db from every migration, the CUPS
#                         tables and tests/fixtures/reports/seed.sql, then
#                         the extra SQL files given
#   ctl ARGS...           pantauctl -c $T/collector.conf ARGS
#   pdf_pages FILE        the page count pdfinfo reads
#   pdf_text FILE         pdftotext -layout of FILE
#   csv_sum FILE COL [KEY=VALUE]
#                         the sum of integer column COL of a CSV read back
#                         with Python's csv module (rows where KEY is VALUE)
# Times are local to Asia/Jakarta, as the seed is written.
TZ=Asia/Jakarta
export TZ
PANTAUCTL="$top_builddir/collector/pantauctl"
DATA="$T/data"
FIX="$top_srcdir/tests/fixtures/reports"
[ -x "$PANTAUCTL" ] || fail "no $PANTAUCTL"
command -v sqlite3 >/dev/null || fail "no sqlite3"
command -v pdfinfo >/dev/null || fail "no pdfinfo (poppler-utils)"

mkdir -p "$DATA"
cat >"$T/collector.conf" <<CONF
[collector]
data_dir = $DATA

[mqtt]
host = 127.0.0.1
CONF

reports_db() {
	for f in "$top_srcdir"/collector/schema/[0-9][0-9][0-9]-*.sql \
	    "$top_srcdir/collector/cups_schema.sql" "$FIX/seed.sql" "$@"; do
		sqlite3 "$DATA/pantau.db" <"$f" || fail "loading $f"
	done
}

ctl() {
	"$PANTAUCTL" -c "$T/collector.conf" "$@"
}

pdf_pages() {
	pdfinfo "$1" | awk '/^Pages:/ { print $2 }'
}

pdf_text() {
	pdftotext -layout "$1" -
}

csv_sum() {
	python3 - "$@" <<'PY'
import csv, sys
path, col = sys.argv[1], sys.argv[2]
key, val = (sys.argv[3].split("=", 1) + [None])[:2] if len(sys.argv) > 3 \
    else (None, None)
with open(path, newline="", encoding="utf-8-sig") as f:
    rows = list(csv.DictReader(f))
print(sum(int(r[col]) for r in rows
          if r[col] not in ("", "unknown") and (key is None or r[key] == val)))
PY
}
