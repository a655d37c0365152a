# collector/: filled in by the collector work.
