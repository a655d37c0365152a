# tests/fuzz/local.mk: libFuzzer targets (issue 12, docs/fuzzing.md).
#
# They need clang: build them in a tree configured with
#   ../configure CC=clang --enable-fuzz
# which compiles every object with libFuzzer's coverage hooks, ASan and
# UBSan; "make fuzz" then links the targets and runs each for FUZZ_TIME
# seconds (default 60) over a copy of its seed corpus, printing the
# executions per target.  FUZZ_TARGETS picks some ("wire cups").  The
# targets are EXTRA_PROGRAMS: never built by "make" or "make check".
FUZZ_ALL = wire conf_agent conf_collector asset_csv snmp pjlink cups
FUZZ_TARGETS = $(FUZZ_ALL)
FUZZ_TIME = 60
FUZZ_PROGS = tests/fuzz/fuzz_wire tests/fuzz/fuzz_conf_agent \
	tests/fuzz/fuzz_conf_collector tests/fuzz/fuzz_asset_csv \
	tests/fuzz/fuzz_snmp tests/fuzz/fuzz_pjlink tests/fuzz/fuzz_cups
EXTRA_PROGRAMS = $(FUZZ_PROGS)
CLEANFILES += $(FUZZ_PROGS)
FUZZ_LINK = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

tests_fuzz_fuzz_wire_SOURCES = tests/fuzz/fuzz_wire.c
tests_fuzz_fuzz_wire_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_wire_LDADD = $(COMMON_LIBS)

tests_fuzz_fuzz_conf_agent_SOURCES = tests/fuzz/fuzz_conf_agent.c
tests_fuzz_fuzz_conf_agent_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_conf_agent_LDADD = $(AGENT_CORE_LIBS)

tests_fuzz_fuzz_conf_collector_SOURCES = tests/fuzz/fuzz_conf_collector.c
tests_fuzz_fuzz_conf_collector_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_conf_collector_LDADD = $(COLLECTOR_LIBS)

tests_fuzz_fuzz_asset_csv_SOURCES = tests/fuzz/fuzz_asset_csv.c
tests_fuzz_fuzz_asset_csv_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_asset_csv_LDADD = $(COLLECTOR_LIBS)

tests_fuzz_fuzz_snmp_SOURCES = tests/fuzz/fuzz_snmp.c
tests_fuzz_fuzz_snmp_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_fuzz_fuzz_snmp_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_snmp_LDADD = $(SNMP_POLL_LIBS)

tests_fuzz_fuzz_pjlink_SOURCES = tests/fuzz/fuzz_pjlink.c
tests_fuzz_fuzz_pjlink_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_fuzz_fuzz_pjlink_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_pjlink_LDADD = $(PJLINK_LIBS)

tests_fuzz_fuzz_cups_SOURCES = tests/fuzz/fuzz_cups.c
tests_fuzz_fuzz_cups_CFLAGS = $(AM_CFLAGS) $(CUPS_CFLAGS) $(SQLITE_CFLAGS) \
	$(CJSON_CFLAGS)
tests_fuzz_fuzz_cups_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_cups_LDADD = $(CUPS_POLL_LIBS) $(COMMON_LIBS)

EXTRA_DIST += tests/fuzz/run-fuzz.sh tests/fuzz/mkcorpus-cups.py \
	tests/fuzz/corpus tests/fuzz/dict docs/fuzzing.md

# The daemons under valgrind memcheck (run by hand; docs/fuzzing.md).
EXTRA_DIST += bench/valgrind-daemons.sh bench/valgrind.supp

if FUZZ
fuzz: $(FUZZ_TARGETS:%=tests/fuzz/fuzz_%)
	FUZZ_TIME='$(FUZZ_TIME)' $(SHELL) $(srcdir)/tests/fuzz/run-fuzz.sh \
	    $(srcdir)/tests/fuzz tests/fuzz $(FUZZ_TARGETS)
else
fuzz:
	@echo "make fuzz: configure a build tree with" \
	    "../configure CC=clang --enable-fuzz (docs/fuzzing.md)" >&2; exit 1
endif
.PHONY: fuzz
