# mibs/: PANTAU-MIB, which pantau-agent serves as an AgentX subagent
# (issue 11, docs/snmp-manager.md).  It is installed where net-snmp's tools
# look by default when pantau is installed under /usr:
# $(datadir)/snmp/mibs (/usr/share/snmp/mibs).  Under another prefix,
# point the manager's MIB path there (-M +DIR, or mibdirs in snmp.conf).
mibdir = $(datadir)/snmp/mibs
dist_mib_DATA = mibs/PANTAU-MIB.txt

# smilint (Debian package smitools) on the module, with test-only stand-ins
# for the SMIv2 base modules Debian does not ship (tests/fixtures/mibs).
mib_test_scripts = tests/mibs/check-smilint.sh
TESTS += $(mib_test_scripts)
EXTRA_DIST += $(mib_test_scripts) tests/fixtures/mibs
