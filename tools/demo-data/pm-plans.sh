#!/bin/sh
# tools/demo-data/pm-plans.sh PANTAUCTL CONF: the demo's preventive
# maintenance plans (tools/demo runs it after the asset import).
ctl=$1 conf=$2
set -e
"$ctl" -c "$conf" pm add --name "Bersihkan printer" --type printer --every-months 3
"$ctl" -c "$conf" pm add --name "Ganti filter proyektor" --asset 02.06.01.03.001 \
	--every-months 6
"$ctl" -c "$conf" pm add --name "Periksa UPS dan kabel" --type switch --every-months 12
