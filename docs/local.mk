# docs/: filled in by the docs work.
