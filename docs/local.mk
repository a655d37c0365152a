# docs/: design notes per area, shipped in the tarball.
EXTRA_DIST += docs/wire.md docs/metrics.md
