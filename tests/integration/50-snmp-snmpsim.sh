#!/bin/sh
# 50-snmp-snmpsim: the SNMP poller against snmpsim serving the fixture
# devices (tests/fixtures/snmpsim/): a mono laser printer (one-octet error
# state, SNMPv2c), a colour printer (hrDeviceIndex 2, four toners, a drum,
# a waste toner box, UTF-16 texts), a 24-port switch (Counter64) and a
# Windows PC over SNMPv1, all in one poller (and the mono printer once more
# over SNMPv1).  Checks every published value
# of the first round exactly (50-snmp-snmpsim.expected), a port going down
# and up again (snmpset through snmpsim's writecache variation), and a
# device that stops answering (SIGSTOP): unreachable within two rounds,
# back online without restarting the poller (SIGCONT).
. "$top_srcdir/tests/integration/lib.sh"

command -v snmpsimd >/dev/null 2>&1 || { echo "SKIP: no snmpsimd"; exit 77; }
command -v snmpget >/dev/null 2>&1 || { echo "SKIP: no snmpget"; exit 77; }
TOOL=$top_builddir/tests/tools/snmp-poll-tool
EXPECTED=$top_srcdir/tests/integration/50-snmp-snmpsim.expected

udp_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

PORT=$(udp_port)
mkdir -p "$T/data" "$T/cache" "$T/spool"
cp "$top_srcdir"/tests/fixtures/snmpsim/*.snmprec "$T/data/"
chmod -R u+w "$T/data"
asuser=""
if [ "$(id -u)" -eq 0 ]; then
	chown -R nobody "$T/data" "$T/cache"
	asuser="--process-user=nobody --process-group=nogroup"
fi
# shellcheck disable=SC2086
spawn snmpsim snmpsimd --data-dir="$T/data" --cache-dir="$T/cache" \
	--agent-udpv4-endpoint="127.0.0.1:$PORT" \
	--variation-modules-dir=/usr/share/snmpsim/variation \
	--logging-method=null $asuser
SIM=$SPAWNED
wait_for 30 env MIBS= snmpget -v2c -c printer-mono -r 0 -t 1 \
	"127.0.0.1:$PORT" 1.3.6.1.2.1.1.3.0 || fail "snmpsim did not start"

cat >"$T/agent.conf" <<CONF
[agent]
site = lab
device = agent-pc
spool_dir = $T/spool

[device printer-mono]
type = printer
address = 127.0.0.1:$PORT
community = printer-mono
interval = 3

[device printer-color]
type = printer
address = 127.0.0.1:$PORT
snmp_version = 2c
community = printer-color
interval = 3

[device switch24]
type = switch
address = 127.0.0.1:$PORT
community = switch24
interval = 3

[device printer-mono-v1]
type = printer
address = 127.0.0.1:$PORT
snmp_version = 1
community = printer-mono
interval = 3

[device pc-lab-07]
type = pc
address = 127.0.0.1:$PORT
snmp_version = 1
community = pc-windows
interval = 3
CONF

spawn poll "$TOOL" -c "$T/agent.conf" -T 120
POLL=$SPAWNED
LOG=$T/poll.log

# The lines of device $1's round number $2 (1 = the first).
round_of() {
	awk -v d="$1" -v n="$2" '
		$1 == d && $2 == "round" { k++ }
		$1 == d && k == n { print }
		$1 == d && $2 == "end" && k == n { exit }' "$LOG"
}
rounds_done() {
	[ "$(grep -c "^$1 end\$" "$LOG")" -ge "$2" ]
}

for d in printer-mono printer-color switch24 pc-lab-07; do
	wait_for 20 rounds_done "$d" 1 || fail "$d: no first round"
done

# Round 1: every gauge, counter and event exactly as the fixtures say.
for d in printer-mono printer-color switch24 pc-lab-07; do
	round_of "$d" 1 | grep -v ' round \| inventory \| end$'
done | LC_ALL=C sort >"$T/round1.txt"
diff -u "$EXPECTED" "$T/round1.txt" || fail "first round differs"

for d in printer-mono printer-color switch24 pc-lab-07; do
	line=$(round_of "$d" 1 | head -1)
	set -- $line
	[ "$3" -gt 1700000000 ] && [ $(($3 % 3)) -eq 0 ] ||
		fail "$d: round time $3 not aligned to the interval"
	[ "$4 $5" = "online changed=1" ] || fail "$d: $line"
done
inv() { round_of "$1" 1 | grep "^$1 inventory " | cut -d' ' -f3-; }
for want in '"model":"HP LaserJet Pro M404dn"' '"serial":"PHBQB12345"' \
	'"page_counter_unit":"impressions"' \
	'"description":"Black Cartridge HP CF258A","name":"black_cartridge_hp_cf258a","type":"tonerCartridge","class":"consumed","color":"black","max_capacity":100,"unit":19'; do
	inv printer-mono | grep -qF "$want" || fail "printer-mono inventory: $want"
done
for want in '"serial":"E78123K9N654321"' '"charset":1013' \
	'"description":"Unité tambour DR-421CL","name":"unit_tambour_dr_421cl","type":"opc"' \
	'"description":"Waste Toner Box WT-223CL","name":"waste_toner_box_wt_223cl","type":"wasteToner","class":"receptacle"' \
	'"printer.supply.magenta_toner_tn_423m":"Magenta Toner TN-423M"'; do
	inv printer-color | grep -qF "$want" || fail "printer-color inventory: $want"
done
for want in '"model":"T2600G-28TS"' '"serial":"2197123000123"' \
	'{"name":"Gi1/0/3","index":3,"descr":"gigabitEthernet 1/0/3 : copper","alias":"lab-pc-03","mac":"50:d4:f7:a1:b2:03","speed_mbps":1000}'; do
	inv switch24 | grep -qF "$want" || fail "switch24 inventory: $want"
done
inv pc-lab-07 | grep -qF '"cpu":{"model":"Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz","threads":4},"ram_bytes":8452603904' ||
	fail "pc-lab-07 inventory"

# The same printer over SNMPv1 (GETNEXT; the alert table ends the data
# file, so its walk ends with noSuchName): the same values.
wait_for 10 rounds_done printer-mono-v1 1 || fail "printer-mono-v1: no round"
round_of printer-mono-v1 1 | grep -v ' round \| end$' |
	sed 's/^printer-mono-v1 /printer-mono /' >"$T/v1.txt"
round_of printer-mono 1 | grep -v ' round \| end$' >"$T/v2.txt"
diff -u "$T/v2.txt" "$T/v1.txt" || fail "SNMPv1 and v2c differ"

# The second round repeats the values without events or inventory.
wait_for 10 rounds_done printer-mono 2 || fail "no second round"
round_of printer-mono 2 | grep -q ' event \| inventory ' &&
	fail "second round has events or an inventory"
round_of printer-mono 2 | grep -qx 'printer-mono counter printer.pages.total 123456' ||
	fail "second round lacks the page count"

# Port 3 goes down, then comes back.
MIBS= snmpset -v2c -c switch24 -r 1 -t 2 "127.0.0.1:$PORT" \
	1.3.6.1.2.1.2.2.1.8.3 i 2 >/dev/null || fail "snmpset"
wait_for 10 grep -qx 'switch24 event switch.port_down.gi1_0_3 warning raised Port Gi1/0/3 (lab-pc-03) down' "$LOG" ||
	fail "no port down event"
n=$(grep -c '^switch24 end$' "$LOG")
round_of switch24 "$n" | grep -qx 'switch24 gauge if.gi1_0_3.oper_up 0' ||
	fail "port 3 not down in the round of its event"
MIBS= snmpset -v2c -c switch24 -r 1 -t 2 "127.0.0.1:$PORT" \
	1.3.6.1.2.1.2.2.1.8.3 i 1 >/dev/null || fail "snmpset"
wait_for 10 grep -qx 'switch24 event switch.port_down.gi1_0_3 warning cleared Port Gi1/0/3 (lab-pc-03) down' "$LOG" ||
	fail "no port up event"
[ "$(grep -c 'switch.port_down' "$LOG")" -eq 2 ] || fail "port events repeated"

# The devices stop answering: unreachable at the second failed round
# (3 s rounds; a failed round takes 3 x 750 ms; the round running when
# the agent stopped may still have succeeded).
kill -STOP "$SIM"
t0=$(date +%s)
for d in printer-mono printer-color switch24 pc-lab-07; do
	wait_for 15 grep -q "^$d round [0-9]* unreachable changed=1\$" "$LOG" ||
		fail "$d: not unreachable"
done
t1=$(date +%s)
[ $((t1 - t0)) -le 12 ] || fail "unreachable after $((t1 - t0)) s"
grep -qx "printer-mono event device.unreachable warning raised SNMP polling of udp:127.0.0.1:$PORT failed: timeout" "$LOG" ||
	fail "no unreachable event"
sleep 4
[ "$(grep -c '^printer-mono round [0-9]* unreachable' "$LOG")" -eq 1 ] ||
	fail "unreachable published more than once"

# Back: online again, same poller, with its values.
kill -CONT "$SIM"
wait_for 15 grep -qx 'printer-mono event device.unreachable warning cleared answers again' "$LOG" ||
	fail "printer-mono did not come back"
for d in printer-color switch24 pc-lab-07; do
	wait_for 10 grep -qx "$d event device.unreachable warning cleared answers again" "$LOG" ||
		fail "$d did not come back"
done
n=$(grep -c '^printer-mono end$' "$LOG")
round_of printer-mono "$n" | grep -q '^printer-mono round [0-9]* online changed=1$' ||
	fail "the round after recovery is not online changed=1"
round_of printer-mono "$n" | grep -qx 'printer-mono counter printer.pages.total 123456' ||
	fail "no page count after recovery"
kill -0 "$POLL" || fail "the poller exited"
pass "snmpsim: 4 devices exact, port down/up, unreachable and back"
