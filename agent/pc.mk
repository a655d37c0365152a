# agent/pc.mk: the PC samplers (pc_*.c), their fixtures and unit tests.
# One file per source of data; agent/pc.h is the contract with the core.
noinst_LIBRARIES += agent/libpc.a
agent_libpc_a_SOURCES = \
	agent/pc.h agent/pc_priv.h \
	agent/pc.c \
	agent/pc_cpu.c \
	agent/pc_mem.c \
	agent/pc_fs.c \
	agent/pc_net.c \
	agent/pc_disk.c \
	agent/pc_sensors.c \
	agent/pc_battery.c \
	agent/pc_users.c \
	agent/pc_smart.c \
	agent/pc_inventory.c
agent_libpc_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
# What a program linking agent/libpc.a needs besides it.
PC_LIBS = agent/libpc.a $(COMMON_LIBS)

# Unit tests: every sampler against the fixture trees (tests/fixtures/pc/:
# desktop, laptop, vm, their <name>-round2/ second snapshots, and smart/
# with smartctl JSON per disk).
check_PROGRAMS += tests/unit/check_pc tests/unit/check_pc_smart \
	tests/unit/check_pc_inventory
TESTS += tests/unit/check_pc tests/unit/check_pc_smart \
	tests/unit/check_pc_inventory
PC_TEST_SOURCES = tests/unit/check_pc.h tests/unit/check_pc_fixture.c
PC_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CJSON_CFLAGS)
PC_TEST_LIBS = $(PC_LIBS) $(CHECK_LIBS)
tests_unit_check_pc_SOURCES = tests/unit/check_pc.c $(PC_TEST_SOURCES)
tests_unit_check_pc_CFLAGS = $(PC_TEST_CFLAGS)
tests_unit_check_pc_LDADD = $(PC_TEST_LIBS)
tests_unit_check_pc_smart_SOURCES = tests/unit/check_pc_smart.c \
	$(PC_TEST_SOURCES)
tests_unit_check_pc_smart_CFLAGS = $(PC_TEST_CFLAGS)
tests_unit_check_pc_smart_LDADD = $(PC_TEST_LIBS)
tests_unit_check_pc_inventory_SOURCES = tests/unit/check_pc_inventory.c \
	$(PC_TEST_SOURCES)
tests_unit_check_pc_inventory_CFLAGS = $(PC_TEST_CFLAGS)
tests_unit_check_pc_inventory_LDADD = $(PC_TEST_LIBS)
EXTRA_DIST += tests/fixtures/pc

# SMART for an unprivileged agent: the helper it runs through sudo
# (docs/smart.md).
dist_pkglibexec_SCRIPTS = agent/pantau-smart-helper
EXTRA_DIST += docs/smart.md
