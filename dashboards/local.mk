# dashboards/local.mk: the web UI served by the collector, graphs, browser tests (issue 9).
