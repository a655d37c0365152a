#!/bin/sh
# 100-asset-pantauctl.sh: the asset register and PM plans through
# pantauctl (issue 8): a bad CSV is refused whole with every problem
# named by row and column; a good one (Indonesian headers, BOM, quoted
# commas and newlines) imports; export -> import into a new database ->
# export gives the same bytes; changes land in the history; a time plan
# long past due is overdue until "pm done" re-arms it.
. "$top_srcdir/tests/integration/lib.sh"

CTL="$top_builddir/collector/pantauctl"
FIX="$top_srcdir/tests/fixtures/assets"
[ -x "$CTL" ] || fail "no $CTL"

mkconf() {
	printf '[collector]\ndata_dir = %s\n\n[assets]\nlife_furniture = 8\n' \
		"$2" >"$1"
}
mkconf "$T/a.conf" "$T/a"
mkconf "$T/b.conf" "$T/b"
mkdir -p "$T/a" "$T/b"
a() { "$CTL" -c "$T/a.conf" "$@"; }
b() { "$CTL" -c "$T/b.conf" "$@"; }

# A bad file: every problem, nothing stored, exit 1.
a asset import "$FIX/bad.csv" >"$T/out" 2>"$T/err" && fail "bad.csv imported"
sed "s|^|$FIX/bad.csv: |" "$FIX/bad.expected" >"$T/want"
echo "$FIX/bad.csv: nothing imported" >>"$T/want"
diff -u "$T/want" "$T/err" || fail "bad.csv messages differ"
a asset import "$FIX/bad-header.csv" 2>"$T/err" && fail "bad-header imported"
sed "s|^|$FIX/bad-header.csv: |" "$FIX/bad-header.expected" >"$T/want"
echo "$FIX/bad-header.csv: nothing imported" >>"$T/want"
diff -u "$T/want" "$T/err" || fail "bad-header.csv messages differ"
[ "$(a asset list --format csv | wc -l)" = 1 ] || fail "rows were stored"

# The good file.
[ "$(a asset import "$FIX/good.csv")" = \
    "imported 5 assets (5 new, 0 updated)" ] || fail "good.csv import"
a asset list --format json >"$T/list.json" || fail "asset list json"
python3 - "$T/list.json" <<'PY' || fail "asset list json content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["count"] == 5, d["count"]
by = {a["tag"]: a for a in d["assets"]}
pc = by["02.06.02.01.001-0001"]
assert pc["price_idr"] == 12000000 and pc["funding"] == "APBD Provinsi"
assert pc["device"] == "pc-01" and pc["life_years"] == 4
assert by["02.05.01.04.001-0003"]["life_years"] == 8  # [assets]
assert by["02.06.02.06.002-0001"]["purchase_date"] is None
PY

# Export, import elsewhere, export again: the same bytes.
a asset export >"$T/export1.csv" || fail "export"
[ "$(b asset import "$T/export1.csv")" = \
    "imported 5 assets (5 new, 0 updated)" ] || fail "re-import"
b asset export >"$T/export2.csv" || fail "export 2"
cmp "$T/export1.csv" "$T/export2.csv" || fail "export differs after import"
grep -q "$(printf '\r')$" "$T/export1.csv" || fail "export lines not CRLF"

# Condition, move, link, disposal, with history.
tag=02.06.02.06.002-0001
a asset condition "$tag" RB --note "lampu mati" || fail "condition"
a asset move "$tag" kedungkandang --room "Aula 2" || fail "move"
a asset link "$tag" kedungkandang/proj-1 || fail "link"
a asset link nope kedungkandang/proj-1 2>"$T/err" && fail "link of nothing"
grep -q "no asset 'nope'" "$T/err" || fail "no message for a missing tag"
a asset show "$tag" --format json >"$T/show.json" || fail "show"
python3 - "$T/show.json" <<'PY' || fail "show content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["condition"] == "RB" and d["site"] == "kedungkandang"
assert d["device"] == "proj-1" and d["room"] == "Aula 2"
h = [(e["field"], e["old"], e["new"]) for e in d["history"]]
assert h == [("created", "", "KB"), ("condition", "KB", "RB"),
             ("site", "asriloka", "kedungkandang"), ("room", "Aula", "Aula 2"),
             ("device", "", "proj-1")], h
assert d["history"][1]["note"] == "lampu mati"
assert d["maintenance"] == [] and d["total_cost_of_ownership_idr"] == 7250000
PY
a asset dispose "$tag" --note "dilelang" || fail "dispose"
a asset list --site kedungkandang | grep -q "$tag" && fail "disposed listed"
a asset list --site kedungkandang --all | grep -q "$tag" ||
	fail "disposed missing from --all"

# PM: a monthly plan for a PC that started long ago is overdue.
[ "$(a pm add "Bersihkan PC" --asset 02.06.02.01.001-0001 --days 30 \
    --start 2020-01-01)" = "plan 1 added" ] || fail "pm add"
a pm add "Bad" --type laptop --days 3 2>"$T/err" && fail "bad plan added"
grep -q "type: 'laptop' is not an asset type" "$T/err" || fail "plan error"
a pm list --overdue | grep -q '^1 .*02.06.02.01.001-0001 *overdue' ||
	fail "plan 1 not overdue"
[ "$(a pm done 1)" = "plan 1 done, re-armed" ] || fail "pm done"
a pm list --due | grep -q 02.06.02.01.001-0001 && fail "still due"
a pm list | grep -q '^1 .* ok ' || fail "plan 1 not ok after done"
pass "asset register and PM through pantauctl"
