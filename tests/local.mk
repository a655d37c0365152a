# tests/: unit tests (Check), golden tests and integration scripts that start
# real peers on loopback.  Every test is a program or a script run by the
# automake parallel harness; scripts source tests/integration/lib.sh.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	MOSQUITTO='$(MOSQUITTO)'; export MOSQUITTO; \
	RRDCACHED='$(RRDCACHED)'; export RRDCACHED; \
	RRDTOOL='$(RRDTOOL)'; export RRDTOOL; \
	CK_DEFAULT_TIMEOUT=30; export CK_DEFAULT_TIMEOUT;

# The harness every integration script sources, shipped in the tarball.
EXTRA_DIST += tests/integration/lib.sh
