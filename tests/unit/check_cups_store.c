/*
 * check_cups_store.c: poll results into the print tables
 * (collector/cups_store.c), the messages for the ingest path
 * (collector/cups_msg.c) and the print-volume report
 * (collector/print_report.c), with exact rows and exact text.
 *
 * The database is a real file with the core schema (db_open) so the
 * printer's own counter (printer.pages.total) is stored as the ingest
 * path stores it.  TZ is UTC, so days and months are fixed.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "collector/cups_store.h"
#include "collector/db.h"
#include "collector/print_report.h"
#include "common/log.h"

#define DAY1 1795852800 /* 2026-11-28 08:00 UTC */
#define DAY2 1795939200 /* 2026-11-29 08:00 UTC */

static char dir[64], path[128];
static struct cups_config cfg;

/* Messages of the last store, "TOPIC PAYLOAD\n" each. */
static char msgs[8192];

static void
collect(void *arg, const char *topic, const void *payload, size_t len)
{
	size_t used = strlen(msgs);

	(void)arg;
	snprintf(msgs + used, sizeof(msgs) - used, "%s %.*s\n", topic, (int)len,
	         (const char *)payload);
}

static void
setup(void)
{
	struct db *d;
	char err[256];

	setenv("TZ", "UTC", 1);
	tzset();
	log_init("check_cups_store", 1, LOG_LVL_ERR);
	snprintf(dir, sizeof(dir), "/tmp/check_cups_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pantau.db", dir);
	d = db_open(path, 0, err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	db_close(d);
	memset(&cfg, 0, sizeof(cfg));
	cfg.nservers = 1;
	strcpy(cfg.servers[0], "127.0.0.1:631");
	cfg.interval = 60;
	cfg.timeout = 10;
	strcpy(cfg.site, "asriloka");
	cfg.nmaps = 1;
	strcpy(cfg.maps[0].queue, "psq");
	strcpy(cfg.maps[0].device, "printer-lobby");
}

static void
teardown(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The printer's own counter, as the ingest path stores metrics. */
static void
meter(int64_t ts, double total)
{
	struct wire_metrics m = {0};
	struct db *d;
	char err[256];

	ck_assert_ptr_nonnull(d = db_open(path, 0, err, sizeof(err)));
	m.ts = ts;
	m.type = DEV_PRINTER;
	m.interval = 60;
	ck_assert_int_eq(wire_metrics_add(&m, 1, "printer.pages.total", total),
	                 0);
	ck_assert_int_eq(
	    db_metrics_store(d, "asriloka", "printer-lobby", &m, ts), 0);
	wire_metrics_clear(&m);
	db_close(d);
}

static struct cups_queue queues[2];

static void
set_queues(const char *psq_reasons)
{
	memset(queues, 0, sizeof(queues));
	strcpy(queues[0].name, "psq");
	strcpy(queues[0].device_uri, "file:///dev/null");
	strcpy(queues[0].make_model, "Generic PostScript Printer");
	queues[0].state = 3;
	snprintf(queues[0].reasons, sizeof(queues[0].reasons), "%s",
	         psq_reasons);
	queues[0].nmarkers = 1;
	strcpy(queues[0].markers[0].name, "Black Toner");
	queues[0].markers[0].level = 40;
	strcpy(queues[1].name, "rawq");
	/* maps by the device URI's host name */
	strcpy(queues[1].device_uri, "socket://printer-raw.local:9100");
	strcpy(queues[1].make_model, "Local Raw Printer");
	queues[1].state = 3;
	strcpy(queues[1].reasons, "none");
	queues[1].raw = true;
}

static struct cups_job
job(int id, const char *queue, const char *user, int pages, int state,
    int64_t completed)
{
	struct cups_job j;

	memset(&j, 0, sizeof(j));
	j.id = id;
	snprintf(j.queue, sizeof(j.queue), "%s", queue);
	snprintf(j.user, sizeof(j.user), "%s", user);
	snprintf(j.title, sizeof(j.title), "secret-%d.pdf", id);
	j.impressions = j.sheets = pages;
	j.copies = 1;
	j.k_octets = 10;
	j.created = completed > 0 ? completed - 5 : DAY1;
	j.completed = completed;
	j.state = state;
	return j;
}

static void
store(struct cups_store *st, int64_t now, int first_id, struct cups_job *jobs,
      size_t njobs)
{
	struct cups_result r;

	memset(&r, 0, sizeof(r));
	strcpy(r.server, "127.0.0.1:631");
	r.ok = true;
	r.time = now;
	r.first_id = first_id;
	r.queues = queues;
	r.nqueues = 2;
	r.jobs = jobs;
	r.njobs = njobs;
	msgs[0] = '\0';
	ck_assert_int_eq(cups_store_result(st, &cfg, &r, collect, NULL), 0);
}

/* One query's rows as "a|b|c\n" text. */
static void
rows(struct cups_store *st, const char *sql, char *out, size_t outsz)
{
	sqlite3_stmt *s;
	size_t len = 0;
	int i;

	out[0] = '\0';
	ck_assert_int_eq(
	    sqlite3_prepare_v2(cups_store_db(st), sql, -1, &s, NULL),
	    SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(s); i++) {
			const unsigned char *v = sqlite3_column_text(s, i);

			len += (size_t)snprintf(
			    out + len, outsz - len, "%s%s", i > 0 ? "|" : "",
			    v != NULL ? (const char *)v : "NULL");
		}
		len += (size_t)snprintf(out + len, outsz - len, "\n");
	}
	sqlite3_finalize(s);
}

static void
report(struct cups_store *st, enum print_table t, char **text)
{
	struct print_filter f;
	size_t len;
	FILE *m;

	memset(&f, 0, sizeof(f));
	ck_assert_ptr_nonnull(m = open_memstream(text, &len));
	ck_assert_int_eq(print_report_csv(cups_store_db(st), &f, t, m), 0);
	fclose(m);
}

START_TEST(test_store_and_report)
{
	struct cups_store *st;
	struct cups_job j[3];
	char err[256], out[4096], *text = NULL;
	int last, pending;

	meter(DAY1 - 3600, 1000);
	ck_assert_ptr_nonnull(st = cups_store_open(path, 0, err, sizeof(err)));
	ck_assert_int_eq(
	    cups_store_cursor(st, "127.0.0.1:631", &last, &pending), 0);
	ck_assert_int_eq(last, 0);
	ck_assert_int_eq(pending, 0);

	/* poll 1: a counted job, a raw one, one still printing */
	set_queues("none");
	j[0] = job(1, "psq", "alice", 6, IPP_JSTATE_COMPLETED, DAY1 + 10);
	j[1] = job(2, "rawq", "bob", 0, IPP_JSTATE_COMPLETED, DAY1 + 20);
	j[2] = job(3, "psq", "alice", 0, IPP_JSTATE_PROCESSING, 0);
	store(st, DAY1 + 30, 1, j, 3);
	ck_assert_str_eq(
	    msgs,
	    "pantau/v1/asriloka/printer-lobby/metrics {\"v\":1,\"ts\":"
	    "1795852800,\"seq\":29930880,\"type\":\"printer\",\"interval\":60,"
	    "\"gauges\":{\"cups.queue.psq.state\":3,"
	    "\"cups.marker.black_toner.level_pct\":40},\"counters\":{"
	    "\"cups.queue.psq.pages\":6,\"cups.queue.psq.jobs\":1,"
	    "\"cups.pages\":6,\"cups.jobs\":1}}\n"
	    "pantau/v1/asriloka/printer-raw/metrics {\"v\":1,\"ts\":"
	    "1795852800,\"seq\":29930880,\"type\":\"printer\",\"interval\":60,"
	    "\"gauges\":{\"cups.queue.rawq.state\":3},\"counters\":{"
	    "\"cups.queue.rawq.jobs\":1,\"cups.jobs\":1}}\n");
	ck_assert_int_eq(
	    cups_store_cursor(st, "127.0.0.1:631", &last, &pending), 0);
	ck_assert_int_eq(last, 3);
	ck_assert_int_eq(pending, 3);

	/* poll 2: from the pending job on; toner low and offline */
	set_queues("toner-low-report,offline-report");
	j[0] = job(3, "psq", "alice", 2, IPP_JSTATE_COMPLETED, DAY1 + 40);
	j[1] = job(4, "psq", "carol", 1, IPP_JSTATE_COMPLETED, DAY1 + 50);
	store(st, DAY1 + 60, 3, j, 2);
	ck_assert_ptr_nonnull(strstr(
	    msgs,
	    "pantau/v1/asriloka/printer-lobby/events {\"v\":1,\"ts\":"
	    "1795852860,\"code\":\"printer.toner_low\",\"severity\":\"info\","
	    "\"state\":\"raised\",\"text\":\"CUPS queue psq: "
	    "toner-low-report\"}\n"));
	ck_assert_ptr_nonnull(strstr(
	    msgs,
	    "pantau/v1/asriloka/printer-lobby/events {\"v\":1,\"ts\":"
	    "1795852860,\"code\":\"printer.offline\",\"severity\":\"info\","
	    "\"state\":\"raised\",\"text\":\"CUPS queue psq: "
	    "offline-report\"}\n"));
	ck_assert_ptr_nonnull(
	    strstr(msgs, "pantau/v1/asriloka/printer-lobby/status {\"v\":1,"
	                 "\"state\":\"unreachable\",\"ts\":1795852860}\n"));
	ck_assert_ptr_nonnull(strstr(msgs, "\"cups.pages\":9,"));
	ck_assert_int_eq(
	    cups_store_cursor(st, "127.0.0.1:631", &last, &pending), 0);
	ck_assert_int_eq(last, 4);
	ck_assert_int_eq(pending, 0);

	/* poll 3 (next day): offline cleared; job 5 pending */
	meter(DAY1 + 7200, 1012);
	set_queues("toner-low-report");
	j[0] = job(5, "psq", "dave", 0, IPP_JSTATE_PENDING, 0);
	store(st, DAY2, 5, j, 1);
	ck_assert_ptr_nonnull(
	    strstr(msgs, "\"code\":\"printer.offline\",\"severity\":\"info\","
	                 "\"state\":\"cleared\""));
	ck_assert_ptr_nonnull(
	    strstr(msgs, "pantau/v1/asriloka/printer-lobby/status {\"v\":1,"
	                 "\"state\":\"online\",\"ts\":1795939200}\n"));
	ck_assert_ptr_null(strstr(msgs, "toner_low")); /* unchanged */

	/* poll 4: CUPS forgot job 5 before it finished */
	meter(DAY2 + 60, 1020);
	store(st, DAY2 + 60, 5, j, 0);
	rows(st,
	     "SELECT job_id, queue, site, device, user, title, pages, "
	     "state, final FROM print_jobs ORDER BY job_id",
	     out, sizeof(out));
	/* titles are not stored by default; raw pages are NULL, not 0 */
	ck_assert_str_eq(
	    out, "1|psq|asriloka|printer-lobby|alice|NULL|6|completed|1\n"
	         "2|rawq|asriloka|printer-raw|bob|NULL|NULL|completed|1\n"
	         "3|psq|asriloka|printer-lobby|alice|NULL|2|completed|1\n"
	         "4|psq|asriloka|printer-lobby|carol|NULL|1|completed|1\n"
	         "5|psq|asriloka|printer-lobby|dave|NULL|NULL|vanished|1\n");
	rows(st,
	     "SELECT site, device, day, first_total, last_total FROM "
	     "printer_meter_daily",
	     out, sizeof(out));
	ck_assert_str_eq(out,
	                 "asriloka|printer-lobby|2026-11-28|1000.0|1012.0\n"
	                 "asriloka|printer-lobby|2026-11-29|1020.0|1020.0\n");

	report(st, PRINT_BY_USER, &text);
	ck_assert_str_eq(
	    text,
	    "month,site,printer,server,queue,user,jobs,pages,unknown_jobs,"
	    "sheets\r\n"
	    "2026-11,asriloka,printer-lobby,127.0.0.1:631,psq,alice,2,8,0,8\r\n"
	    "2026-11,asriloka,printer-lobby,127.0.0.1:631,psq,carol,1,1,0,1\r\n"
	    "2026-11,asriloka,printer-raw,127.0.0.1:631,rawq,bob,1,unknown,1,"
	    "0\r\n");
	free(text);
	report(st, PRINT_BY_PRINTER, &text);
	ck_assert_str_eq(
	    text,
	    "month,site,printer,server,queue,jobs,pages,unknown_jobs,sheets,"
	    "meter_pages,difference\r\n"
	    "2026-11,asriloka,printer-lobby,,,3,9,0,9,20,11\r\n"
	    "2026-11,asriloka,printer-raw,,,1,unknown,1,0,,\r\n");
	free(text);
	/* day 1: 12 pages on the meter, 9 through CUPS; day 2: 8 and 0 */
	report(st, PRINT_BY_DAY, &text);
	ck_assert_str_eq(
	    text, "day,site,printer,jobs,cups_pages,unknown_jobs,meter_pages,"
	          "difference\r\n"
	          "2026-11-28,asriloka,printer-lobby,3,9,0,12,3\r\n"
	          "2026-11-29,asriloka,printer-lobby,0,0,0,8,8\r\n"
	          "2026-11-28,asriloka,printer-raw,1,unknown,1,,\r\n");
	free(text);

	/* nothing new, and the lowest job CUPS has is the stored job 1 */
	{
		struct cups_result r;

		memset(&r, 0, sizeof(r));
		strcpy(r.server, "127.0.0.1:631");
		r.ok = true;
		r.time = DAY2 + 120;
		r.first_id = 5;
		r.probe_id = 1;
		r.probe_created = DAY1 + 5;
		ck_assert_int_eq(cups_store_result(st, &cfg, &r, NULL, NULL),
		                 0);
		ck_assert_int_eq(
		    cups_store_cursor(st, "127.0.0.1:631", &last, &pending), 0);
		ck_assert_int_eq(last, 5);

		/* job 1 is another job now: CUPS started its ids again */
		r.time = DAY2 + 180;
		r.probe_created = DAY2 + 170;
		ck_assert_int_eq(cups_store_result(st, &cfg, &r, NULL, NULL),
		                 0);
		ck_assert_int_eq(
		    cups_store_cursor(st, "127.0.0.1:631", &last, &pending), 0);
		ck_assert_int_eq(last, 0);
		ck_assert_int_eq(pending, 0);
		rows(st,
		     "SELECT s.name, count(j.id) FROM cups_servers s "
		     "LEFT JOIN print_jobs j ON j.server_id = s.id "
		     "GROUP BY s.id ORDER BY s.id",
		     out, sizeof(out));
		ck_assert_str_eq(out, "127.0.0.1:631 (until 2026-11-29 "
		                      "08:03:00)|5\n"
		                      "127.0.0.1:631|0\n");
	}
	cups_store_close(st);
}
END_TEST

START_TEST(test_titles_and_api)
{
	struct cups_store *st;
	struct cups_job j[1];
	unsigned status = 0;
	char err[256], *text;
	cJSON *body;

	cfg.store_titles = true;
	ck_assert_ptr_nonnull(st = cups_store_open(path, 0, err, sizeof(err)));
	set_queues("none");
	j[0] = job(7, "psq", "alice", 3, IPP_JSTATE_COMPLETED, DAY1 + 10);
	store(st, DAY1 + 30, 1, j, 1);
	cups_store_close(st);

	body =
	    print_report_api_jobs(path, "asriloka", "2026-11-28", "2026-11-29",
	                          "10", &status, err, sizeof(err));
	ck_assert_msg(body != NULL, "%s", err);
	text = cJSON_PrintUnformatted(body);
	ck_assert_str_eq(
	    text, "{\"jobs\":[{\"server\":\"127.0.0.1:631\","
	          "\"job_id\":7,\"queue\":\"psq\",\"site\":\"asriloka\","
	          "\"device\":\"printer-lobby\",\"user\":\"alice\","
	          "\"title\":\"secret-7.pdf\",\"pages\":3,\"impressions\":3,"
	          "\"sheets\":3,\"copies\":1,\"k_octets\":10,"
	          "\"created\":1795852805,\"completed\":1795852810,"
	          "\"state\":\"completed\"}]}");
	free(text);
	cJSON_Delete(body);

	/* outside the range: none */
	body = print_report_api_jobs(path, NULL, "2026-11-29", NULL, NULL,
	                             &status, err, sizeof(err));
	text = cJSON_PrintUnformatted(body);
	ck_assert_str_eq(text, "{\"jobs\":[]}");
	free(text);
	cJSON_Delete(body);

	/* the report endpoint: CSV text with its content type */
	{
		const char *ctype = NULL;
		size_t len = 0;
		char *csv;

		csv = print_report_api(path, "csv", "user", "asriloka", NULL,
		                       NULL, &len, &ctype, &status, err,
		                       sizeof(err));
		ck_assert_msg(csv != NULL, "%s", err);
		ck_assert_str_eq(ctype, "text/csv; charset=utf-8");
		ck_assert_str_eq(csv, "month,site,printer,server,queue,user,"
		                      "jobs,pages,unknown_jobs,sheets\r\n"
		                      "2026-11,asriloka,printer-lobby,"
		                      "127.0.0.1:631,psq,alice,1,3,0,3\r\n");
		ck_assert_uint_eq(len, strlen(csv));
		free(csv);
		ck_assert_ptr_null(print_report_api(path, "pdf", NULL, NULL,
		                                    NULL, NULL, &len, &ctype,
		                                    &status, err, sizeof(err)));
		ck_assert_uint_eq(status, 400);
	}

	/* a database CUPS never wrote to: no jobs, not an error */
	{
		char core[160];
		struct db *d;

		snprintf(core, sizeof(core), "%s/core.db", dir);
		ck_assert_ptr_nonnull(d = db_open(core, 0, err, sizeof(err)));
		db_close(d);
		body = print_report_api_jobs(core, NULL, NULL, NULL, NULL,
		                             &status, err, sizeof(err));
		ck_assert_ptr_nonnull(body);
		text = cJSON_PrintUnformatted(body);
		ck_assert_str_eq(text, "{\"jobs\":[]}");
		free(text);
		cJSON_Delete(body);
	}

	ck_assert_ptr_null(print_report_api_jobs(
	    path, "Bad Site", NULL, NULL, NULL, &status, err, sizeof(err)));
	ck_assert_uint_eq(status, 400);
	ck_assert_ptr_null(print_report_api_jobs(
	    path, NULL, "28-11-2026", NULL, NULL, &status, err, sizeof(err)));
	ck_assert_uint_eq(status, 400);
	ck_assert_ptr_null(print_report_api_jobs(path, NULL, NULL, NULL, "0",
	                                         &status, err, sizeof(err)));
	ck_assert_uint_eq(status, 400);
}
END_TEST

static const struct {
	const char *in;
	const char *out;
} csv_cases[] = {
    {"plain", "plain"},
    {"", ""},
    {"a,b", "\"a,b\""},
    {"say \"hi\"", "\"say \"\"hi\"\"\""},
    {"two\r\nlines", "\"two\r\nlines\""},
    {"lf\nonly", "\"lf\nonly\""},
};

START_TEST(test_csv_field)
{
	char *text = NULL;
	size_t len;
	FILE *m;

	ck_assert_ptr_nonnull(m = open_memstream(&text, &len));
	ck_assert_int_eq(print_report_csv_field(m, csv_cases[_i].in), 0);
	fclose(m);
	ck_assert_str_eq(text, csv_cases[_i].out);
	free(text);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cups_store");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_store_and_report);
	tcase_add_test(tc, test_titles_and_api);
	tcase_add_loop_test(tc, test_csv_field, 0,
	                    (int)(sizeof(csv_cases) / sizeof(csv_cases[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
