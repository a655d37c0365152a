#!/bin/sh
# check-smilint.sh: PANTAU-MIB passes smilint at level 6 (errors and
# warnings up to that level) without a single complaint, and libsmi really
# read it: smilint exits 0 even when it cannot find a module, so the
# module's root and notification must resolve to their OIDs too.
#
# The SMIv2 base modules come from tests/fixtures/mibs (Debian ships
# none); what libsmi says about those stand-ins is not counted.
set -u
: "${top_srcdir:?run through make check}"

command -v smilint >/dev/null || { echo "FAIL: smilint not installed (smitools)"; exit 1; }
MIB="$top_srcdir/mibs/PANTAU-MIB.txt"
FIX="$top_srcdir/tests/fixtures/mibs"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# -c /dev/null: not the system's smi.conf (it preloads and hides things).
SMIPATH="$FIX" smilint -c /dev/null -l 6 "$MIB" >"$out" 2>&1
if grep -v "^$FIX/" "$out" | grep -q .; then
	echo "FAIL: smilint -l 6 complains about PANTAU-MIB:"
	grep -v "^$FIX/" "$out"
	exit 1
fi

# smiquery prints the OID of a node it parsed.
oid_of() {
	SMIPATH="$FIX:$top_srcdir/mibs" smiquery -c /dev/null node "PANTAU-MIB::$1" 2>/dev/null |
	sed -n "s/^ *OID: *//p"
}
got=$(oid_of pantauMIB)
[ "$got" = "1.3.6.1.4.1.32473" ] || { echo "FAIL: pantauMIB is '$got'"; exit 1; }
got=$(oid_of pantauEventNotification)
[ "$got" = "1.3.6.1.4.1.32473.0.1" ] ||
	{ echo "FAIL: pantauEventNotification is '$got'"; exit 1; }
echo "PASS: PANTAU-MIB is smilint -l 6 clean"
