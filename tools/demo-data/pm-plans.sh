#!/bin/sh
# tools/demo-data/pm-plans.sh PANTAUCTL CONF: the demo's preventive
# maintenance plans (docs/pm.md), run by tools/demo after the asset
# import.  Started in the past so the due list has something to show.
ctl=$1 conf=$2
set -e
"$ctl" -c "$conf" pm add "Bersihkan printer dan ganti roller" --type printer \
	--counter printer.pages.total --count 20000 --months 3 --start 2026-06-01
"$ctl" -c "$conf" pm add "Bersihkan filter proyektor" --type projector \
	--counter projector.filter.hours --count 200 --months 6 --start 2026-04-15
"$ctl" -c "$conf" pm add "Bersihkan PC dan periksa disk" --type pc --months 6 \
	--lead 14 --start 2026-06-10
"$ctl" -c "$conf" pm add "Periksa switch dan kabel" --type switch --months 12 \
	--start 2026-03-01
