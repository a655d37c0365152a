#!/bin/sh
# 51-snmp-snmpd-v3: the SNMP poller against a real snmpd over SNMPv3:
# authPriv SHA + AES (a printer made of overrides, its prtAlertTable served
# by a pass_persist script from a file the test edits), authNoPriv MD5 (the
# host's IF-MIB as a switch) and authPriv SHA-256 + DES (the host's
# HOST-RESOURCES-MIB as a PC), all polled at once; an unknown user makes
# its device unreachable without disturbing the others.  Checks the
# printer's values exactly and alerts raised and cleared between rounds.
. "$top_srcdir/tests/integration/lib.sh"

SNMPD=${SNMPD:-/usr/sbin/snmpd}
[ -x "$SNMPD" ] || { echo "SKIP: no snmpd"; exit 77; }
command -v snmpget >/dev/null 2>&1 || { echo "SKIP: no snmpget"; exit 77; }
TOOL=$top_builddir/tests/tools/snmp-poll-tool

PORT=$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$T/persist" "$T/spool"

# prtAlertTable rows from $T/alerts ("OID TYPE VALUE" lines), re-read at
# every request so the test can raise and clear alerts.
cat >"$T/alerts.py" <<'PY'
import sys
path = sys.argv[1]
def rows():
    out = []
    try:
        for line in open(path):
            oid, typ, val = line.rstrip("\n").split(" ", 2)
            out.append((tuple(int(x) for x in oid.strip(".").split(".")), typ, val))
    except FileNotFoundError:
        pass
    return sorted(out)
def answer(r):
    print("." + ".".join(map(str, r[0])))
    print(r[1])
    print(r[2])
for cmd in sys.stdin:
    cmd = cmd.strip()
    if cmd == "PING":
        print("PONG")
    elif cmd in ("get", "getnext"):
        want = tuple(int(x) for x in sys.stdin.readline().strip().strip(".").split("."))
        hit = [r for r in rows() if (r[0] == want if cmd == "get" else r[0] > want)]
        answer(hit[0]) if hit else print("NONE")
    elif cmd == "set":
        sys.stdin.readline(); sys.stdin.readline()
        print("not-writable")
    else:
        print("NONE")
    sys.stdout.flush()
PY
A=.1.3.6.1.2.1.43.18.1.1
cat >"$T/alerts" <<ROWS
$A.2.1.1 integer 4
$A.4.1.1 integer 11
$A.7.1.1 integer 1104
$A.8.1.1 string Toner low
ROWS

cat >"$T/snmpd.conf" <<CONF
[snmp] persistentDir $T/persist
createUser monuser SHA "authpass123" AES "privpass123"
createUser md5user MD5 "authpass123"
createUser shauser SHA-256 "authpass256" DES "privpass456"
rouser monuser priv
rouser md5user auth
rouser shauser priv
sysName printer-v3
override .1.3.6.1.2.1.25.3.2.1.5.1 integer 3
override .1.3.6.1.2.1.25.3.5.1.1.1 integer 4
override .1.3.6.1.2.1.25.3.5.1.2.1 octet_str 0x0400
override .1.3.6.1.2.1.43.5.1.1.17.1 octet_str "CNB1234567"
override .1.3.6.1.2.1.43.10.2.1.3.1.1 integer 7
override .1.3.6.1.2.1.43.10.2.1.4.1.1 counter 123456
override .1.3.6.1.2.1.43.11.1.1.6.1.1 octet_str "Black Toner Cartridge HP 59A"
override .1.3.6.1.2.1.43.11.1.1.8.1.1 integer 100
override .1.3.6.1.2.1.43.11.1.1.9.1.1 integer 7
override .1.3.6.1.2.1.43.11.1.1.6.1.2 octet_str "Imaging Drum"
override .1.3.6.1.2.1.43.11.1.1.8.1.2 integer 20000
override .1.3.6.1.2.1.43.11.1.1.9.1.2 integer -3
pass_persist .1.3.6.1.2.1.43.18 /usr/bin/python3 $T/alerts.py $T/alerts
CONF
asuser=""
if [ "$(id -u)" -eq 0 ]; then
	chown -R nobody "$T/persist"
	asuser="-u nobody -g nogroup"
fi
# shellcheck disable=SC2086
spawn snmpd env MIBS= "$SNMPD" -f -Lf "$T/snmpd.log" -C -c "$T/snmpd.conf" \
	-r -I -smux $asuser "udp:127.0.0.1:$PORT"
V3="-v3 -l authPriv -u monuser -a SHA -A authpass123 -x AES -X privpass123"
# shellcheck disable=SC2086
wait_for 20 env MIBS= snmpget $V3 -r 0 -t 1 "127.0.0.1:$PORT" \
	1.3.6.1.2.1.43.18.1.1.7.1.1 || fail "snmpd did not start"

cat >"$T/agent.conf" <<CONF
[agent]
site = lab
device = agent-pc
spool_dir = $T/spool

[device printer-v3]
type = printer
address = 127.0.0.1:$PORT
snmp_version = 3
snmp_user = monuser
snmp_auth = SHA
snmp_auth_pass = authpass123
snmp_priv = AES
snmp_priv_pass = privpass123
interval = 2

[device switch-md5]
type = switch
address = 127.0.0.1:$PORT
snmp_version = 3
snmp_user = md5user
snmp_auth = MD5
snmp_auth_pass = authpass123
interval = 2

[device pc-sha256]
type = pc
address = 127.0.0.1:$PORT
snmp_version = 3
snmp_user = shauser
snmp_auth = SHA-256
snmp_auth_pass = authpass256
snmp_priv = DES
snmp_priv_pass = privpass456
interval = 2

[device wrong-user]
type = printer
address = 127.0.0.1:$PORT
snmp_version = 3
snmp_user = intruder
snmp_auth = SHA
snmp_auth_pass = authpass123
snmp_priv = AES
snmp_priv_pass = privpass123
interval = 2
CONF

spawn poll "$TOOL" -c "$T/agent.conf" -T 90
LOG=$T/poll.log
round_of() {
	awk -v d="$1" -v n="$2" '
		$1 == d && $2 == "round" { k++ }
		$1 == d && k == n { print }
		$1 == d && $2 == "end" && k == n { exit }' "$LOG"
}
rounds_done() {
	[ "$(grep -c "^$1 end\$" "$LOG")" -ge "$2" ]
}
for d in printer-v3 switch-md5 pc-sha256; do
	wait_for 20 rounds_done "$d" 1 || fail "$d: no first round"
	round_of "$d" 1 | head -1 | grep -q "^$d round [0-9]* online changed=1\$" ||
		fail "$d: first round not online"
done

# The printer, exactly (uptime is snmpd's own, so only its presence).
round_of printer-v3 1 | grep -v ' round \| inventory \| end$\| uptime.seconds ' |
	LC_ALL=C sort >"$T/printer.txt"
cat >"$T/printer.want" <<'WANT'
printer-v3 counter printer.pages.total 123456
printer-v3 event printer.jam critical raised Paper jam
printer-v3 event printer.toner_low warning raised Toner low
printer-v3 gauge printer.device_status 3
printer-v3 gauge printer.error_bits 1024
printer-v3 gauge printer.status 4
printer-v3 gauge printer.supply.black_toner_cartridge_hp_59a.level_pct 7
WANT
diff -u "$T/printer.want" "$T/printer.txt" || fail "printer values differ"
round_of printer-v3 1 | grep -q '^printer-v3 counter uptime.seconds [0-9]*$' ||
	fail "printer: no uptime"
round_of printer-v3 1 | grep '^printer-v3 inventory ' |
	grep -qF '"supplies":[{"index":1,"description":"Black Toner Cartridge HP 59A","name":"black_toner_cartridge_hp_59a","class":"consumed","max_capacity":100},{"index":2,"description":"Imaging Drum","name":"imaging_drum","class":"consumed","max_capacity":20000}]' ||
	fail "printer: inventory supplies"
round_of printer-v3 1 | grep '^printer-v3 inventory ' |
	grep -qF '"serial":"CNB1234567"' || fail "printer: inventory serial"

# The host as a switch (authNoPriv MD5): its loopback is not a port.
round_of switch-md5 1 | grep -q '^switch-md5 counter uptime.seconds [0-9]*$' ||
	fail "switch: no uptime"
round_of switch-md5 1 | grep -q 'if\.lo\.' && fail "switch: loopback polled"
round_of switch-md5 1 | grep -q '"sys_name":"printer-v3"' ||
	fail "switch: inventory sys_name"
# The host as a PC (SHA-256 + DES): memory and the root file system.
for m in 'gauge mem.used_pct' 'gauge fs.root.used_pct' 'counter uptime.seconds'; do
	round_of pc-sha256 1 | grep -q "^pc-sha256 $m [0-9.e+]*\$" ||
		fail "pc: no $m"
done

# Alerts change on the printer: the toner alert goes, a door opens.
cat >"$T/alerts" <<ROWS
$A.2.1.5 integer 3
$A.4.1.5 integer 6
$A.7.1.5 integer 501
$A.8.1.5 string Front door open
ROWS
wait_for 10 grep -qx 'printer-v3 event printer.door_open critical raised Front door open' "$LOG" ||
	fail "door open not raised"
grep -qx 'printer-v3 event printer.toner_low warning cleared Toner low' "$LOG" ||
	fail "toner low not cleared"
rm -f "$T/alerts"
wait_for 10 grep -qx 'printer-v3 event printer.door_open critical cleared Front door open' "$LOG" ||
	fail "door open not cleared"
grep -c 'printer.jam' "$LOG" | grep -qx 1 || fail "the jam was raised again"

# An unknown user: unreachable, and the others kept polling.  (A wrong
# pass phrase for a user another device already uses on the same engine
# cannot be told apart: net-snmp keeps one USM user per name and engine.)
wait_for 15 grep -q '^wrong-user round [0-9]* unreachable changed=1$' "$LOG" ||
	fail "wrong-user not unreachable"
grep -q '^wrong-user gauge' "$LOG" && fail "wrong-user published metrics"
n=$(grep -c '^printer-v3 end$' "$LOG")
[ "$n" -ge 3 ] || fail "printer-v3: only $n rounds"
# A pass phrase corrected by a reload (a new poller in the same process,
# as on SIGHUP) takes effect, and a wrong one after a good one fails:
# net-snmp's process-wide user list must not keep the old keys.
awk '/^\[device switch-md5\]/ { exit } { print }' "$T/agent.conf" >"$T/good.conf"
sed 's/^snmp_auth_pass = authpass123$/snmp_auth_pass = wrongpass99/' \
	"$T/good.conf" >"$T/bad.conf"
"$TOOL" -c "$T/bad.conf" -c "$T/good.conf" -c "$T/bad.conf" -r 1 -T 20 \
	2>"$T/reload.err" | grep ' round \|^# reload' |
	sed 's/ round [0-9]* / round TS /; s/ [^ ]*\.conf$//' >"$T/reload.txt"
cat >"$T/reload.want" <<'WANT'
printer-v3 round TS unreachable changed=1
# reload
printer-v3 round TS online changed=1
# reload
printer-v3 round TS unreachable changed=1
WANT
diff -u "$T/reload.want" "$T/reload.txt" || fail "keys kept across a reload"
pass "snmpd v3: authPriv SHA/AES and SHA-256/DES, authNoPriv MD5, alerts, reload"
