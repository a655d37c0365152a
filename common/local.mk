# common/: code both daemons and pantauctl share.  Never exits, never prints
# (except log.c, whose job that is).
noinst_LIBRARIES += common/libpantau-common.a
common_libpantau_common_a_SOURCES = \
	common/log.c common/log.h \
	common/conf.c common/conf.h \
	common/wire.c common/wire.h \
	common/names.c common/names.h \
	common/timeutil.c common/timeutil.h
common_libpantau_common_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS) $(INIH_CFLAGS)
COMMON_LIBS = common/libpantau-common.a $(CJSON_LIBS) $(INIH_LIBS) -lm
