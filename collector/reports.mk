# collector/reports.mk: reports as CSV, PDF and JSON (issue 10).
