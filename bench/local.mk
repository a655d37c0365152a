# bench/: benchmarks, run by hand with bench/run (not part of make check).
EXTRA_DIST += bench/run
