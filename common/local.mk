# common/: code both daemons and pantauctl share.  Never exits, never prints
# (except log.c, whose job that is).
noinst_LIBRARIES += common/libpantau-common.a
common_libpantau_common_a_SOURCES = \
	common/log.c common/log.h \
	common/conf.c common/conf_get.c common/conf.h common/conf_priv.h \
	common/wire.c common/wire.h common/wire_priv.h \
	common/wire_encode.c common/wire_decode.c \
	common/names.c common/names.h \
	common/timeutil.c common/timeutil.h \
	common/vec.c common/vec.h
common_libpantau_common_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS) $(INIH_CFLAGS)
COMMON_LIBS = common/libpantau-common.a $(CJSON_LIBS) $(INIH_LIBS) -lm

# The wire format from the shell, for integration tests (tests/tools/).
check_PROGRAMS += tests/tools/wire-tool
tests_tools_wire_tool_SOURCES = tests/tools/wire-tool.c
tests_tools_wire_tool_LDADD = $(COMMON_LIBS)

# Unit tests of common/ (Check), table-driven.
COMMON_CHECKS = \
	tests/unit/check_wire \
	tests/unit/check_conf \
	tests/unit/check_names \
	tests/unit/check_timeutil \
	tests/unit/check_log \
	tests/unit/check_vec
check_PROGRAMS += $(COMMON_CHECKS)
TESTS += $(COMMON_CHECKS) tests/integration/01-mqtt-roundtrip.sh
EXTRA_DIST += tests/integration/01-mqtt-roundtrip.sh tests/fixtures/conf \
	tests/fixtures/wire

COMMON_CHECK_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	-DFIXTURES='"$(abs_top_srcdir)/tests/fixtures"'
COMMON_CHECK_LDADD = $(COMMON_LIBS) $(CHECK_LIBS)

tests_unit_check_wire_SOURCES = tests/unit/check_wire.c
tests_unit_check_wire_CFLAGS = $(COMMON_CHECK_CFLAGS)
tests_unit_check_wire_LDADD = $(COMMON_CHECK_LDADD)
tests_unit_check_conf_SOURCES = tests/unit/check_conf.c
tests_unit_check_conf_CFLAGS = $(COMMON_CHECK_CFLAGS)
tests_unit_check_conf_LDADD = $(COMMON_CHECK_LDADD)
tests_unit_check_names_SOURCES = tests/unit/check_names.c
tests_unit_check_names_CFLAGS = $(COMMON_CHECK_CFLAGS)
tests_unit_check_names_LDADD = $(COMMON_CHECK_LDADD)
tests_unit_check_timeutil_SOURCES = tests/unit/check_timeutil.c
tests_unit_check_timeutil_CFLAGS = $(COMMON_CHECK_CFLAGS)
tests_unit_check_timeutil_LDADD = $(COMMON_CHECK_LDADD)
tests_unit_check_log_SOURCES = tests/unit/check_log.c
tests_unit_check_log_CFLAGS = $(COMMON_CHECK_CFLAGS)
tests_unit_check_log_LDADD = $(COMMON_CHECK_LDADD)
tests_unit_check_vec_SOURCES = tests/unit/check_vec.c
tests_unit_check_vec_CFLAGS = $(COMMON_CHECK_CFLAGS)
tests_unit_check_vec_LDADD = $(COMMON_CHECK_LDADD)
