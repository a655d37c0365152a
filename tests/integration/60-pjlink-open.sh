#!/bin/sh
# PJLink without a password: a class 2 projector with two lamps and a
# class 1 laser projector in standby, polled at once.  Every value is
# checked exactly, and each round is one connection, closed after it.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/pjlink-lib.sh"

start_pjfake fake-a --class 2 --power 1 --erst 000000 \
	--lamps 1234:1,567:0 --filter 345 --name "Ruang Kelas 1" \
	--maker EPSON --model EB-X51 --serial X4JK0123456 --version 1.02
PORT_A=$PJ_PORT
start_pjfake fake-b --class 1 --power 0 --erst 000000 --lamps none \
	--name "Aula" --maker Panasonic --model PT-LRZ35 --info "laser"
PORT_B=$PJ_PORT

pjpoll "$T/out" -r 2 -t 20 "proj-a,127.0.0.1:$PORT_A,2" \
	"proj-b,127.0.0.1:$PORT_B,2" || fail "poll tool failed: $(cat "$T/out.err")"

normalize "$T/out" proj-a 2 >"$T/got-a"
cat >"$T/want-a" <<EOT
round proj-a 1 state=online changed=1
ts proj-a TS
gauge proj-a projector.power 1
gauge proj-a projector.error.fan 0
gauge proj-a projector.error.lamp 0
gauge proj-a projector.error.temp 0
gauge proj-a projector.error.cover 0
gauge proj-a projector.error.filter 0
gauge proj-a projector.error.other 0
counter proj-a projector.lamp.hours 1234
counter proj-a projector.lamp2.hours 567
counter proj-a projector.filter.hours 345
inventory proj-a {"v":1,"ts":TS,"type":"projector","vendor":"EPSON","model":"EB-X51","serial":"X4JK0123456","address":"127.0.0.1:$PORT_A","agent_version":"AV","projector":{"name":"Ruang Kelas 1","manufacturer":"EPSON","product":"EB-X51","class":2,"lamps":2,"software_version":"1.02","lamp_replacement":"ELPLP97","filter_replacement":"ELPAF32"}}
round proj-a 2 state=online changed=0
ts proj-a TS
gauge proj-a projector.power 1
gauge proj-a projector.error.fan 0
gauge proj-a projector.error.lamp 0
gauge proj-a projector.error.temp 0
gauge proj-a projector.error.cover 0
gauge proj-a projector.error.filter 0
gauge proj-a projector.error.other 0
counter proj-a projector.lamp.hours 1234
counter proj-a projector.lamp2.hours 567
counter proj-a projector.filter.hours 345
EOT
sed -i 's/"agent_version":"[^"]*"/"agent_version":"AV"/' "$T/got-a"
diff -u "$T/want-a" "$T/got-a" || fail "proj-a: unexpected output"

# The laser projector: no lamp, no class 2 values, its INFO kept.
normalize "$T/out" proj-b 2 >"$T/got-b"
cat >"$T/want-b" <<EOT
round proj-b 1 state=online changed=1
ts proj-b TS
gauge proj-b projector.power 0
gauge proj-b projector.error.fan 0
gauge proj-b projector.error.lamp 0
gauge proj-b projector.error.temp 0
gauge proj-b projector.error.cover 0
gauge proj-b projector.error.filter 0
gauge proj-b projector.error.other 0
inventory proj-b {"v":1,"ts":TS,"type":"projector","vendor":"Panasonic","model":"PT-LRZ35","address":"127.0.0.1:$PORT_B","agent_version":"AV","projector":{"name":"Aula","manufacturer":"Panasonic","product":"PT-LRZ35","info":"laser","class":1,"lamps":0}}
round proj-b 2 state=online changed=0
ts proj-b TS
gauge proj-b projector.power 0
gauge proj-b projector.error.fan 0
gauge proj-b projector.error.lamp 0
gauge proj-b projector.error.temp 0
gauge proj-b projector.error.cover 0
gauge proj-b projector.error.filter 0
gauge proj-b projector.error.other 0
EOT
sed -i 's/"agent_version":"[^"]*"/"agent_version":"AV"/' "$T/got-b"
diff -u "$T/want-b" "$T/got-b" || fail "proj-b: unexpected output"

# One connection per round, closed after it, no digest, and the class 2
# queries only where the class is 2; the second round reads no inventory.
cat >"$T/want-events-a" <<'EOT'
up
connect
cmd %1CLSS ?
cmd %1POWR ?
cmd %1ERST ?
cmd %1LAMP ?
cmd %2FILT ?
cmd %1NAME ?
cmd %1INF1 ?
cmd %1INF2 ?
cmd %1INFO ?
cmd %2SNUM ?
cmd %2SVER ?
cmd %2RLMP ?
cmd %2RFIL ?
close
connect
cmd %1POWR ?
cmd %1ERST ?
cmd %1LAMP ?
cmd %2FILT ?
close
EOT
wait_for 5 test "$(grep -c close "$T/fake-a.events")" -eq 2 ||
	fail "proj-a: connections not closed"
diff -u "$T/want-events-a" "$T/fake-a.events" || fail "proj-a: unexpected queries"
grep -q '%2' "$T/fake-b.events" && fail "proj-b: class 2 query sent to class 1"
[ "$(grep -c connect "$T/fake-b.events")" -eq 2 ] || fail "proj-b: not one connection per round"
[ ! -s "$T/out.err" ] || fail "unexpected messages: $(cat "$T/out.err")"
pass "PJLink without password: values, inventory, one connection per round"
