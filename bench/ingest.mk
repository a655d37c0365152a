# bench/ingest.mk: the collector's ingest benchmark against collectd and librrd (issue 5).
# bench/20-ingest.sh drives it (bench/run _build 20-ingest); the helper
# programs are built with the tree but never installed: a publisher that
# floods the broker in pantau's and collectd's formats, the plain librrd
# loop that is the ceiling, and the checker of the files' last updates.
noinst_PROGRAMS += bench/tools/mqtt-flood bench/tools/rrd-ceiling \
	bench/tools/rrd-check
bench_tools_mqtt_flood_SOURCES = bench/tools/mqtt-flood.c bench/tools/series.h
bench_tools_mqtt_flood_CFLAGS = $(AM_CFLAGS) $(MOSQ_CFLAGS)
bench_tools_mqtt_flood_LDADD = $(COMMON_LIBS) $(MOSQ_LIBS)
bench_tools_rrd_ceiling_SOURCES = bench/tools/rrd-ceiling.c bench/tools/series.h
bench_tools_rrd_ceiling_CFLAGS = $(AM_CFLAGS) $(RRD_CFLAGS)
bench_tools_rrd_ceiling_LDADD = $(RRD_LIBS)
bench_tools_rrd_check_SOURCES = bench/tools/rrd-check.c bench/tools/series.h
bench_tools_rrd_check_CFLAGS = $(AM_CFLAGS) $(RRD_CFLAGS)
bench_tools_rrd_check_LDADD = $(RRD_LIBS) -lm
EXTRA_DIST += bench/20-ingest.sh
