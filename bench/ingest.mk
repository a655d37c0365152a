# bench/ingest.mk: the collector's ingest benchmark against collectd and librrd (issue 5).
