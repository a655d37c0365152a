/*
 * check_cups_ipp.c: reading CUPS' IPP answers (collector/cups_ipp.c), the
 * page rule, the rollover check and the event codes of printer-state-
 * reasons (collector/cups_msg.c).  The responses are built here the way
 * cupsd 2.4.2 sends them (attribute names, value tags, a no-value
 * time-at-completed for a job that is not finished).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "collector/cups_msg.h"
#include "collector/cups_poll.h"
#include "common/wire.h"

/* A Get-Jobs response: a completed PostScript job and a pending one. */
static ipp_t *
jobs_response(void)
{
	ipp_t *r = ippNew();

	ippSetStatusCode(r, IPP_STATUS_OK);
	ippAddString(r, IPP_TAG_OPERATION, IPP_TAG_CHARSET,
	             "attributes-charset", NULL, "utf-8");
	ippAddString(r, IPP_TAG_OPERATION, IPP_TAG_LANGUAGE,
	             "attributes-natural-language", NULL, "en");
	ippAddInteger(r, IPP_TAG_JOB, IPP_TAG_INTEGER, "job-id", 41);
	ippAddString(r, IPP_TAG_JOB, IPP_TAG_URI, "job-printer-uri", NULL,
	             "ipp://localhost:631/printers/lobby%20laser");
	ippAddString(r, IPP_TAG_JOB, IPP_TAG_NAME, "job-originating-user-name",
	             NULL, "alice");
	ippAddString(r, IPP_TAG_JOB, IPP_TAG_NAME, "job-name", NULL,
	             "laporan bulanan.pdf");
	ippAddInteger(r, IPP_TAG_JOB, IPP_TAG_INTEGER,
	              "job-impressions-completed", 6);
	ippAddInteger(r, IPP_TAG_JOB, IPP_TAG_INTEGER,
	              "job-media-sheets-completed", 6);
	ippAddInteger(r, IPP_TAG_JOB, IPP_TAG_INTEGER, "copies", 2);
	ippAddInteger(r, IPP_TAG_JOB, IPP_TAG_INTEGER, "job-k-octets", 3);
	ippAddInteger(r, IPP_TAG_JOB, IPP_TAG_INTEGER, "time-at-creation",
	              1764345600);
	ippAddInteger(r, IPP_TAG_JOB, IPP_TAG_INTEGER, "time-at-completed",
	              1764345602);
	ippAddInteger(r, IPP_TAG_JOB, IPP_TAG_ENUM, "job-state",
	              IPP_JSTATE_COMPLETED);
	ippAddSeparator(r);
	ippAddInteger(r, IPP_TAG_JOB, IPP_TAG_INTEGER, "job-id", 42);
	ippAddString(r, IPP_TAG_JOB, IPP_TAG_URI, "job-printer-uri", NULL,
	             "ipp://localhost:631/printers/rawq");
	ippAddString(r, IPP_TAG_JOB, IPP_TAG_NAME, "job-originating-user-name",
	             NULL, "bob");
	ippAddInteger(r, IPP_TAG_JOB, IPP_TAG_INTEGER,
	              "job-impressions-completed", 0);
	ippAddInteger(r, IPP_TAG_JOB, IPP_TAG_INTEGER, "time-at-creation",
	              1764345700);
	ippAddOutOfBand(r, IPP_TAG_JOB, IPP_TAG_NOVALUE, "time-at-completed");
	ippAddInteger(r, IPP_TAG_JOB, IPP_TAG_ENUM, "job-state",
	              IPP_JSTATE_PENDING);
	return r;
}

START_TEST(test_parse_jobs)
{
	struct cups_job *jobs = NULL;
	size_t n = 0;
	ipp_t *r = jobs_response();

	ck_assert_int_eq(cups_ipp_jobs(r, false, &jobs, &n), 2);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(jobs[0].id, 41);
	ck_assert_str_eq(jobs[0].queue, "lobby laser");
	ck_assert_str_eq(jobs[0].user, "alice");
	ck_assert_str_eq(jobs[0].title, ""); /* titles not kept */
	ck_assert_int_eq(jobs[0].impressions, 6);
	ck_assert_int_eq(jobs[0].sheets, 6);
	ck_assert_int_eq(jobs[0].copies, 2);
	ck_assert_int_eq(jobs[0].k_octets, 3);
	ck_assert_int_eq(jobs[0].created, 1764345600);
	ck_assert_int_eq(jobs[0].completed, 1764345602);
	ck_assert_int_eq(jobs[0].state, IPP_JSTATE_COMPLETED);
	ck_assert_int_eq(jobs[1].id, 42);
	ck_assert_str_eq(jobs[1].queue, "rawq");
	ck_assert_int_eq(jobs[1].impressions, 0);
	ck_assert_int_eq(jobs[1].sheets, -1); /* absent, not 0 */
	ck_assert_int_eq(jobs[1].copies, -1);
	ck_assert_int_eq(jobs[1].completed, 0); /* no-value */
	ck_assert_int_eq(jobs[1].state, IPP_JSTATE_PENDING);

	/* appends, and keeps titles when asked */
	ck_assert_int_eq(cups_ipp_jobs(r, true, &jobs, &n), 2);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(jobs[2].title, "laporan bulanan.pdf");
	free(jobs);
	ippDelete(r);
}
END_TEST

/* A CUPS-Get-Printers response: a PPD queue with supplies, a raw queue. */
static ipp_t *
printers_response(void)
{
	static const char *const names[] = {"Black Toner", "Drum"};
	static const int levels[] = {7, -3};
	static const char *const reasons[] = {"toner-low-report",
	                                      "media-jam-error"};
	ipp_t *r = ippNew();

	ippAddString(r, IPP_TAG_PRINTER, IPP_TAG_NAME, "printer-name", NULL,
	             "psq");
	ippAddString(r, IPP_TAG_PRINTER, IPP_TAG_URI, "device-uri", NULL,
	             "socket://printer-lobby.local:9100");
	ippAddString(r, IPP_TAG_PRINTER, IPP_TAG_TEXT, "printer-make-and-model",
	             NULL, "Generic PostScript Printer");
	ippAddInteger(r, IPP_TAG_PRINTER, IPP_TAG_ENUM, "printer-state",
	              IPP_PSTATE_STOPPED);
	ippAddStrings(r, IPP_TAG_PRINTER, IPP_TAG_KEYWORD,
	              "printer-state-reasons", 2, NULL, reasons);
	ippAddStrings(r, IPP_TAG_PRINTER, IPP_TAG_NAME, "marker-names", 2, NULL,
	              names);
	ippAddIntegers(r, IPP_TAG_PRINTER, IPP_TAG_INTEGER, "marker-levels", 2,
	               levels);
	ippAddSeparator(r);
	ippAddString(r, IPP_TAG_PRINTER, IPP_TAG_NAME, "printer-name", NULL,
	             "rawq");
	ippAddString(r, IPP_TAG_PRINTER, IPP_TAG_URI, "device-uri", NULL,
	             "file:///dev/null");
	ippAddString(r, IPP_TAG_PRINTER, IPP_TAG_TEXT, "printer-make-and-model",
	             NULL, "Local Raw Printer");
	ippAddInteger(r, IPP_TAG_PRINTER, IPP_TAG_ENUM, "printer-state",
	              IPP_PSTATE_IDLE);
	ippAddString(r, IPP_TAG_PRINTER, IPP_TAG_KEYWORD,
	             "printer-state-reasons", NULL, "none");
	return r;
}

START_TEST(test_parse_queues)
{
	struct cups_queue *q = NULL;
	size_t n = 0;
	ipp_t *r = printers_response();

	ck_assert_int_eq(cups_ipp_queues(r, &q, &n), 2);
	ck_assert_str_eq(q[0].name, "psq");
	ck_assert_str_eq(q[0].device_uri, "socket://printer-lobby.local:9100");
	ck_assert_int_eq(q[0].state, IPP_PSTATE_STOPPED);
	ck_assert_str_eq(q[0].reasons, "toner-low-report,media-jam-error");
	ck_assert(!q[0].raw);
	ck_assert_uint_eq(q[0].nmarkers, 2);
	ck_assert_str_eq(q[0].markers[0].name, "Black Toner");
	ck_assert_int_eq(q[0].markers[0].level, 7);
	ck_assert_int_eq(q[0].markers[1].level, -1); /* -3 is no percent */
	ck_assert_str_eq(q[1].name, "rawq");
	ck_assert(q[1].raw);
	ck_assert_str_eq(q[1].reasons, "none");
	ck_assert_uint_eq(q[1].nmarkers, 0);
	free(q);
	ippDelete(r);
}
END_TEST

/* The page rule: unknown (-1), never a made-up 0. */
static const struct {
	int state, impressions, sheets, raw, queue_known, pages;
} page_cases[] = {
    {IPP_JSTATE_COMPLETED, 6, 6, 0, 1, 6},
    {IPP_JSTATE_COMPLETED, -1, 3, 0, 1, 3}, /* sheets only */
    {IPP_JSTATE_COMPLETED, 0, 0, 0, 1, -1}, /* nothing counted */
    {IPP_JSTATE_COMPLETED, 0, 0, 1, 1, -1}, /* raw queue */
    {IPP_JSTATE_COMPLETED, 5, 5, 1, 1, -1}, /* raw: never trusted */
    {IPP_JSTATE_CANCELED, 0, 0, 0, 1, 0},   /* canceled early */
    {IPP_JSTATE_CANCELED, 0, 0, 1, 1, -1},
    {IPP_JSTATE_ABORTED, 0, 0, 0, 0, -1}, /* queue unknown */
    {IPP_JSTATE_CANCELED, 2, 2, 0, 1, 2},
    {IPP_JSTATE_COMPLETED, -1, -1, 0, 0, -1},
};

START_TEST(test_pages)
{
	struct cups_job j;
	struct cups_queue q;

	memset(&j, 0, sizeof(j));
	memset(&q, 0, sizeof(q));
	j.state = page_cases[_i].state;
	j.impressions = page_cases[_i].impressions;
	j.sheets = page_cases[_i].sheets;
	q.raw = page_cases[_i].raw;
	ck_assert_int_eq(
	    cups_ipp_pages(&j, page_cases[_i].queue_known ? &q : NULL),
	    page_cases[_i].pages);
}
END_TEST

static const struct {
	int next_id, lowest_new, gap, from, to;
} rollover_cases[] = {
    {1, 0, 0, 0, 0},     /* first poll, nothing */
    {1, 700, 0, 0, 0},   /* first poll: history before pantau */
    {501, 501, 0, 0, 0}, /* continuous */
    {501, 0, 0, 0, 0},   /* nothing new */
    {501, 502, 1, 501, 501}, {501, 1200, 1, 501, 1199}, {501, 400, 0, 0, 0},
};

START_TEST(test_rollover)
{
	int from = 0, to = 0;

	ck_assert_int_eq(cups_ipp_rollover(rollover_cases[_i].next_id,
	                                   rollover_cases[_i].lowest_new, &from,
	                                   &to),
	                 rollover_cases[_i].gap);
	ck_assert_int_eq(from, rollover_cases[_i].from);
	ck_assert_int_eq(to, rollover_cases[_i].to);
}
END_TEST

static const struct {
	const char *keyword;
	const char *code; /* NULL: not an event */
	int severity;
} reason_cases[] = {
    {"none", NULL, 0},
    {"media-jam-error", "printer.jam", WIRE_SEV_CRITICAL},
    {"media-jam", "printer.jam", WIRE_SEV_CRITICAL},
    {"toner-low-report", "printer.toner_low", WIRE_SEV_INFO},
    {"toner-low-warning", "printer.toner_low", WIRE_SEV_WARNING},
    {"toner-empty", "printer.toner_empty", WIRE_SEV_CRITICAL},
    {"offline-report", "printer.offline", WIRE_SEV_INFO},
    {"door-open-error", "printer.door_open", WIRE_SEV_CRITICAL},
    {"paused", "printer.paused", WIRE_SEV_INFO},
    {"other", "printer.other", WIRE_SEV_WARNING},
    {"cups-waiting-for-job-completed", NULL, 0},
    {"connecting-to-device", NULL, 0},
    {"com.vendor.thing-report", NULL, 0},
};

START_TEST(test_reason)
{
	char code[NAME_METRIC_MAX + 1] = "";
	int sev = -1, rc;

	rc =
	    cups_msg_reason(reason_cases[_i].keyword, code, sizeof(code), &sev);
	if (reason_cases[_i].code == NULL) {
		ck_assert_int_eq(rc, -1);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(code, reason_cases[_i].code);
	ck_assert_int_eq(sev, reason_cases[_i].severity);
}
END_TEST

START_TEST(test_final)
{
	ck_assert(!cups_ipp_final(IPP_JSTATE_PENDING));
	ck_assert(!cups_ipp_final(IPP_JSTATE_HELD));
	ck_assert(!cups_ipp_final(IPP_JSTATE_PROCESSING));
	ck_assert(!cups_ipp_final(IPP_JSTATE_STOPPED));
	ck_assert(cups_ipp_final(IPP_JSTATE_CANCELED));
	ck_assert(cups_ipp_final(IPP_JSTATE_ABORTED));
	ck_assert(cups_ipp_final(IPP_JSTATE_COMPLETED));
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite *s = suite_create("cups_ipp");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_parse_jobs);
	tcase_add_test(tc, test_parse_queues);
	tcase_add_loop_test(tc, test_pages, 0, NELEM(page_cases));
	tcase_add_loop_test(tc, test_rollover, 0, NELEM(rollover_cases));
	tcase_add_loop_test(tc, test_reason, 0, NELEM(reason_cases));
	tcase_add_test(tc, test_final);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
