# collector/reports.mk: reports as CSV, PDF and JSON (issue 10,
# docs/reports.md).
#
# collector/libreports.a: the table model, the Indonesian formatting, the
# CSV, JSON and PDF (cairo + Pango) renderers, the five reports, the
# `pantauctl report` command, GET /api/v1/reports/:name and the monthly
# run.  Linked into every program through COLLECTOR_MODULE_LIBS
# (collector/local.mk); cairo and Pango through COLLECTOR_MODULE_EXT_LIBS.
noinst_LIBRARIES += collector/libreports.a
collector_libreports_a_SOURCES = \
	collector/report.c collector/report.h \
	collector/fmt_id.c collector/fmt_id.h \
	collector/csvout.c collector/csvout.h \
	collector/report_json.c \
	collector/report_csv.c \
	collector/report_pdf.c \
	collector/report_print.c \
	collector/report_avail.c \
	collector/report_daily.c \
	collector/report_maint.c \
	collector/report_assets.c \
	collector/report_rollup.c \
	collector/report_cli.c \
	collector/report_api.c \
	collector/report_monthly.c
collector_libreports_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) \
	$(CJSON_CFLAGS) $(PDF_CFLAGS) $(RRD_CFLAGS)
COLLECTOR_MODULE_LIBS += collector/libreports.a
COLLECTOR_MODULE_EXT_LIBS += $(PDF_LIBS)

# Unit tests: the formatting (Rp 12.345.678, 28 November 2026), the CSV
# writer, the model's totals, and every report over a seeded database.
REPORTS_CHECKS = tests/unit/check_report_fmt tests/unit/check_report
check_PROGRAMS += $(REPORTS_CHECKS)
TESTS += $(REPORTS_CHECKS)
tests_unit_check_report_fmt_SOURCES = tests/unit/check_report_fmt.c
tests_unit_check_report_fmt_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_report_fmt_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)
tests_unit_check_report_SOURCES = tests/unit/check_report.c
tests_unit_check_report_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	$(SQLITE_CFLAGS) $(CJSON_CFLAGS)
tests_unit_check_report_LDADD = $(COLLECTOR_LIBS) $(CHECK_LIBS)
# Integration: pantauctl and the API over seeded databases; PDFs checked
# with pdfinfo and pdftotext, CSVs read back with Python's csv module.
reports_test_scripts = \
	tests/integration/120-report-print.sh \
	tests/integration/121-report-availability.sh \
	tests/integration/122-report-daily.sh \
	tests/integration/123-report-maintenance.sh \
	tests/integration/124-report-assets.sh
TESTS += $(reports_test_scripts)
EXTRA_DIST += $(reports_test_scripts) tests/integration/reports-lib.sh \
	tests/fixtures/reports docs/reports.md
