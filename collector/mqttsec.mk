# collector/mqttsec.mk: broker security (issue 12, docs/security.md):
# per-device MQTT credentials, the broker's ACL, and the site's TLS
# certificates.
#
# collector/libmqttsec.a holds "pantauctl mqtt ..." (secrets and hashes,
# the ACL made from the database, the commands); tools/pantau-tls makes
# the certificates with the openssl command.  agent/polls.c puts the list
# of polled devices into the PC's inventory, where the ACL finds it.
noinst_LIBRARIES += collector/libmqttsec.a
collector_libmqttsec_a_SOURCES = \
	collector/mqtt_ctl.c collector/mqtt_ctl.h \
	collector/mqtt_pass.c \
	collector/mqtt_acl.c
collector_libmqttsec_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
COLLECTOR_MODULE_LIBS += collector/libmqttsec.a
COLLECTOR_MODULE_EXT_LIBS += $(CRYPTO_LIBS)

agent_libagent_core_a_SOURCES += agent/polls.c agent/polls.h

dist_sbin_SCRIPTS = tools/pantau-tls
dist_man_MANS += tools/pantau-tls.8
EXTRA_DIST += docs/security.md

# Unit tests: hashes against mosquitto_passwd's, the store, the exact ACL
# of a known database, ids with '+', '#', '/' refused.
check_PROGRAMS += tests/unit/check_mqtt_ctl
TESTS += tests/unit/check_mqtt_ctl
tests_unit_check_mqtt_ctl_SOURCES = tests/unit/check_mqtt_ctl.c
tests_unit_check_mqtt_ctl_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	$(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
tests_unit_check_mqtt_ctl_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)

# Integration: mosquitto over TLS with the generated files, a collector,
# two agents, forged publishes, bad logins, an untrusted CA.
TESTS += tests/integration/150-mqtt-acl-tls.sh
EXTRA_DIST += tests/integration/150-mqtt-acl-tls.sh
