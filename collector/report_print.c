/*
 * report_print.c: the print-volume report in the reports framework
 * (report.h): the three tables of print_report.c, by the same queries,
 * with headings, totals and a chart of pages per printer.
 *
 * The SQL lives in print_report.c alone (print_report_sql()); the columns
 * here name its result columns in order, with the same keys, so the CSV
 * of `pantauctl report print-volume` is what it was before PDF existed.
 */
#include "config.h"

#include "collector/print_report.h"
#include "collector/report.h"

#define NC(a) (sizeof(a) / sizeof((a)[0]))

static const struct report_col print_user_cols[] = {
    {"month", "Bulan", "Month", REPORT_DATE, 0, 3, NULL, -1, -1},
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"printer", "Printer", "Printer", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"server", "Server", "Server", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"queue", "Antrean", "Queue", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"user", "Pengguna", "User", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"jobs", "Tugas", "Jobs", REPORT_INT, REPORT_SUM, 2, NULL, -1, -1},
    {"pages", "Halaman", "Pages", REPORT_INT, REPORT_SUM, 2, "unknown", -1, -1},
    {"unknown_jobs", "Tak terhitung", "Uncounted", REPORT_INT, REPORT_SUM, 2,
     NULL, -1, -1},
    {"sheets", "Lembar", "Sheets", REPORT_INT, REPORT_SUM, 2, NULL, -1, -1},
};

static const struct report_col print_printer_cols[] = {
    {"month", "Bulan", "Month", REPORT_DATE, 0, 3, NULL, -1, -1},
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"printer", "Printer", "Printer", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"server", "Server", "Server", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"queue", "Antrean", "Queue", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"jobs", "Tugas", "Jobs", REPORT_INT, REPORT_SUM, 2, NULL, -1, -1},
    {"pages", "Halaman CUPS", "CUPS pages", REPORT_INT, REPORT_SUM, 2,
     "unknown", -1, -1},
    {"unknown_jobs", "Tak terhitung", "Uncounted", REPORT_INT, REPORT_SUM, 2,
     NULL, -1, -1},
    {"sheets", "Lembar", "Sheets", REPORT_INT, REPORT_SUM, 2, NULL, -1, -1},
    {"meter_pages", "Meter printer", "Printer meter", REPORT_INT, REPORT_SUM, 2,
     NULL, -1, -1},
    {"difference", "Selisih", "Difference", REPORT_INT, REPORT_SUM, 2, NULL, -1,
     -1},
};

static const struct report_col print_day_cols[] = {
    {"day", "Tanggal", "Date", REPORT_DATE, 0, 3, NULL, -1, -1},
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"printer", "Printer", "Printer", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"jobs", "Tugas", "Jobs", REPORT_INT, REPORT_SUM, 2, NULL, -1, -1},
    {"cups_pages", "Halaman CUPS", "CUPS pages", REPORT_INT, REPORT_SUM, 2,
     "unknown", -1, -1},
    {"unknown_jobs", "Tak terhitung", "Uncounted", REPORT_INT, REPORT_SUM, 2,
     NULL, -1, -1},
    {"meter_pages", "Meter printer", "Printer meter", REPORT_INT, REPORT_SUM, 2,
     NULL, -1, -1},
    {"difference", "Selisih", "Difference", REPORT_INT, REPORT_SUM, 2, NULL, -1,
     -1},
};

int
report_build_print(struct report *r, sqlite3 *h, char *err, size_t errsz)
{
	struct report_table *t;

	if (!report_has_table(h, "print_jobs")) {
		snprintf(err, errsz,
		         "the database has no print accounting tables "
		         "(no [cups] server polled yet)");
		return -1;
	}
	r->note_id = "Halaman: hitungan CUPS per tugas; meter: penghitung "
	             "printer sendiri (SNMP).";
	r->note_en = "Pages: CUPS' count per job; meter: the printer's own "
	             "counter (SNMP).";
	r->csv_table = "by_user"; /* what print-volume's CSV always was */
	if ((t = report_add_table(r, "by_printer", "Per printer per bulan",
	                          "Per printer per month", print_printer_cols,
	                          NC(print_printer_cols))) == NULL)
		goto nomem;
	t->group_col = 0;
	t->chart_label = 2;
	t->chart_value = 6;
	if (report_fill_sql(t, h, print_report_sql(PRINT_BY_PRINTER), r, err,
	                    errsz) == -1)
		return -1;
	report_progress(r, "tables", 1, 3);
	if ((t = report_add_table(r, "by_user", "Per pengguna per bulan",
	                          "Per user per month", print_user_cols,
	                          NC(print_user_cols))) == NULL)
		goto nomem;
	t->group_col = 0;
	if (report_fill_sql(t, h, print_report_sql(PRINT_BY_USER), r, err,
	                    errsz) == -1)
		return -1;
	report_progress(r, "tables", 2, 3);
	if ((t = report_add_table(r, "by_day",
	                          "Rekonsiliasi harian: CUPS dan meter printer",
	                          "Daily reconciliation: CUPS and the meter",
	                          print_day_cols, NC(print_day_cols))) == NULL)
		goto nomem;
	if (report_fill_sql(t, h, print_report_sql(PRINT_BY_DAY), r, err,
	                    errsz) == -1)
		return -1;
	report_progress(r, "tables", 3, 3);
	return 0;

nomem:
	snprintf(err, errsz, "out of memory");
	return -1;
}
