# bench/faults.mk: the fault campaign and the full-disk test (issue 12).
# bench/40-fault-campaign.sh runs by hand (bench/run BUILD 40-fault, or
# FAULT_MINUTES=1 for a quick check; docs/bench.md "Fault campaign");
# tests/integration/155-disk-full.sh runs in make check (as root: it
# mounts two small tmpfs; otherwise it skips).
EXTRA_DIST += bench/40-fault-campaign.sh bench/faults/check.py \
	tests/integration/fs-lib.sh docs/faults.md
TESTS += tests/integration/155-disk-full.sh
EXTRA_DIST += tests/integration/155-disk-full.sh
