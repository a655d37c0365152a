/*
 * cups-poll-tool: the CUPS poller from the shell, for the integration
 * tests (tests/integration/7x-cups-*.sh) until pantau-collector runs it.
 *
 *   cups-poll-tool poll -c CONF -d DB [-r ROUNDS] [-t SECS] [-i SECS]
 *       runs the worker thread with the [cups] section of CONF (interval
 *       -i, default 1 s) until ROUNDS rounds are done or SECS passed,
 *       storing into DB; every message for the ingest path is printed as
 *       "TOPIC<TAB>PAYLOAD".  Log lines go to stderr.
 *   cups-poll-tool report -d DB [-f json|csv] [-T user|printer|day]
 *       [-s SITE] [-F FROM] [-U TO]
 *   cups-poll-tool ctl DB print-volume [pantauctl's report options]
 *       exactly what `pantauctl report print-volume` will run.
 *   cups-poll-tool jobs -d DB [-s SITE] [-l LIMIT]
 *       the body of /api/v1/print-jobs.
 *   cups-poll-tool meter -d DB SITE DEVICE TS VALUE
 *       stores a printer's own page counter (printer.pages.total) as the
 *       ingest path would, for the reconciliation.
 *   cups-poll-tool history DIR QUEUE-URI FIRST N
 *       writes N completed-job control files cNNNNN (ids FIRST..) into a
 *       cupsd RequestRoot: a job history a cupsd loads at start.  Job k
 *       has k % 7 + 1 impressions and user "user" k % 5.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "collector/cups_poll.h"
#include "collector/cups_store.h"
#include "collector/db.h"
#include "collector/print_report.h"
#include "common/conf.h"
#include "common/log.h"

static void
tool_print_msg(void *arg, const char *topic, const void *payload, size_t len)
{
	(void)arg;
	printf("%s\t%.*s\n", topic, (int)len, (const char *)payload);
	fflush(stdout);
}

static int
tool_poll(int argc, char **argv)
{
	const char *conf_path = NULL, *db = NULL;
	struct conf_err errs = {0};
	struct cups_config cfg;
	struct cups_poll *p;
	struct conf *c;
	struct db *d;
	struct pollfd pfd;
	long rounds = 1, secs = 60, interval = 1;
	time_t end;
	char err[256];
	int ch;

	while ((ch = getopt(argc, argv, "c:d:r:t:i:")) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'r':
			rounds = atol(optarg);
			break;
		case 't':
			secs = atol(optarg);
			break;
		case 'i':
			interval = atol(optarg);
			break;
		default:
			return 2;
		}
	}
	if (conf_path == NULL || db == NULL || interval < 1)
		return 2;
	if ((c = conf_load(conf_path, &errs)) == NULL ||
	    cups_config_parse(conf_find(c, "cups", NULL), &cfg, &errs) == -1) {
		conf_err_print(&errs, stderr);
		conf_err_clear(&errs);
		conf_free(c);
		return 1;
	}
	conf_err_clear(&errs);
	conf_free(c);
	cfg.interval = (unsigned)interval;
	/* as in the collector: the core schema exists before the worker */
	if ((d = db_open(db, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "cups-poll-tool: %s\n", err);
		return 1;
	}
	db_close(d);
	if ((p = cups_poll_new(&cfg, db, err, sizeof(err))) == NULL) {
		fprintf(stderr, "cups-poll-tool: %s\n",
		        err[0] != '\0' ? err : "no [cups] server configured");
		return 1;
	}
	end = time(NULL) + secs;
	pfd.fd = cups_poll_fd(p);
	pfd.events = POLLIN;
	while (time(NULL) < end &&
	       (rounds <= 0 || cups_poll_rounds(p) < (unsigned long)rounds)) {
		if (poll(&pfd, 1, 100) > 0)
			cups_poll_take(p, tool_print_msg, NULL);
	}
	cups_poll_take(p, tool_print_msg, NULL); /* the last round's */
	cups_poll_free(p);
	return 0;
}

static int
tool_report(int argc, char **argv)
{
	const char *db = NULL, *format = "json", *table = NULL, *site = NULL;
	const char *from = NULL, *to = NULL;
	struct print_filter f;
	char err[256];
	int ch, rc;

	while ((ch = getopt(argc, argv, "d:f:T:s:F:U:")) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'T':
			table = optarg;
			break;
		case 's':
			site = optarg;
			break;
		case 'F':
			from = optarg;
			break;
		case 'U':
			to = optarg;
			break;
		default:
			return 2;
		}
	}
	if (db == NULL)
		return 2;
	if (print_report_filter(&f, site, from, to, NULL, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "cups-poll-tool: %s\n", err);
		return 2;
	}
	if ((rc = print_report_write(db, format, table, &f, stdout, err,
	                             sizeof(err))) != 0)
		fprintf(stderr, "cups-poll-tool: %s\n", err);
	return rc;
}

static int
tool_jobs(int argc, char **argv)
{
	const char *db = NULL, *site = NULL, *limit = NULL;
	unsigned status;
	cJSON *body;
	char err[256], *text;
	int ch;

	while ((ch = getopt(argc, argv, "d:s:l:")) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 's':
			site = optarg;
			break;
		case 'l':
			limit = optarg;
			break;
		default:
			return 2;
		}
	}
	if (db == NULL)
		return 2;
	if ((body = print_report_api_jobs(db, site, NULL, NULL, limit, &status,
	                                  err, sizeof(err))) == NULL) {
		fprintf(stderr, "cups-poll-tool: %u %s\n", status, err);
		return 1;
	}
	text = cJSON_PrintUnformatted(body);
	printf("%s\n", text != NULL ? text : "");
	free(text);
	cJSON_Delete(body);
	return 0;
}

static int
tool_meter(int argc, char **argv)
{
	struct wire_metrics m = {0};
	struct db *d;
	char err[256];
	int rc;

	if (argc != 7 || strcmp(argv[1], "-d") != 0)
		return 2;
	if ((d = db_open(argv[2], 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "cups-poll-tool: %s\n", err);
		return 1;
	}
	m.ts = atoll(argv[5]);
	m.type = DEV_PRINTER;
	m.interval = 60;
	if (wire_metrics_add(&m, 1, "printer.pages.total", atof(argv[6])) ==
	    -1) {
		db_close(d);
		return 1;
	}
	rc = db_metrics_store(d, argv[3], argv[4], &m, m.ts) == 0 ? 0 : 1;
	wire_metrics_clear(&m);
	db_close(d);
	return rc;
}

/* ipp_iocb_t on a stdio file. */
static ssize_t
tool_write_cb(void *ctx, ipp_uchar_t *buf, size_t len)
{
	return fwrite(buf, 1, len, ctx) == len ? (ssize_t)len : -1;
}

/* One completed job as cupsd keeps it in RequestRoot/cNNNNN. */
static int
tool_history_job(const char *dir, const char *uri, int id, time_t now)
{
	char path[4096], user[32], name[32];
	ipp_t *ipp;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/c%05d", dir, id);
	snprintf(user, sizeof(user), "user%d", id % 5);
	snprintf(name, sizeof(name), "job%d", id);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	ipp = ippNew();
	ippSetVersion(ipp, 2, 0);
	ippSetOperation(ipp, IPP_OP_PRINT_JOB);
	ippSetRequestId(ipp, 1);
	ippAddString(ipp, IPP_TAG_OPERATION, IPP_TAG_CHARSET,
	             "attributes-charset", NULL, "utf-8");
	ippAddString(ipp, IPP_TAG_OPERATION, IPP_TAG_LANGUAGE,
	             "attributes-natural-language", NULL, "en");
	ippAddInteger(ipp, IPP_TAG_JOB, IPP_TAG_INTEGER, "job-id", id);
	ippAddString(ipp, IPP_TAG_JOB, IPP_TAG_URI, "job-printer-uri", NULL,
	             uri);
	ippAddString(ipp, IPP_TAG_JOB, IPP_TAG_NAME,
	             "job-originating-user-name", NULL, user);
	ippAddString(ipp, IPP_TAG_JOB, IPP_TAG_NAME, "job-name", NULL, name);
	ippAddInteger(ipp, IPP_TAG_JOB, IPP_TAG_INTEGER, "job-priority", 50);
	ippAddInteger(ipp, IPP_TAG_JOB, IPP_TAG_ENUM, "job-state",
	              IPP_JSTATE_COMPLETED);
	ippAddString(ipp, IPP_TAG_JOB, IPP_TAG_KEYWORD, "job-state-reasons",
	             NULL, "job-completed-successfully");
	ippAddInteger(ipp, IPP_TAG_JOB, IPP_TAG_INTEGER, "copies", 1);
	ippAddInteger(ipp, IPP_TAG_JOB, IPP_TAG_INTEGER,
	              "job-impressions-completed", id % 7 + 1);
	ippAddInteger(ipp, IPP_TAG_JOB, IPP_TAG_INTEGER,
	              "job-media-sheets-completed", id % 7 + 1);
	ippAddInteger(ipp, IPP_TAG_JOB, IPP_TAG_INTEGER, "job-k-octets", 1);
	ippAddInteger(ipp, IPP_TAG_JOB, IPP_TAG_INTEGER, "time-at-creation",
	              (int)now - 60);
	ippAddInteger(ipp, IPP_TAG_JOB, IPP_TAG_INTEGER, "time-at-processing",
	              (int)now - 59);
	ippAddInteger(ipp, IPP_TAG_JOB, IPP_TAG_INTEGER, "time-at-completed",
	              (int)now - 58);
	rc = ippWriteIO(f, tool_write_cb, 1, NULL, ipp) == IPP_STATE_DATA ? 0
	                                                                  : -1;
	ippDelete(ipp);
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static int
tool_history(int argc, char **argv)
{
	time_t now = time(NULL);
	int first, n, i;

	if (argc != 5)
		return 2;
	first = atoi(argv[3]);
	n = atoi(argv[4]);
	for (i = 0; i < n; i++)
		if (tool_history_job(argv[1], argv[2], first + i, now) == -1) {
			fprintf(stderr, "cups-poll-tool: %s: %s\n", argv[1],
			        strerror(errno));
			return 1;
		}
	return 0;
}

int
main(int argc, char **argv)
{
	log_init("cups-poll-tool", 1, LOG_LVL_INFO);
	log_set_repeat_window(0);
	if (argc < 2) {
		fprintf(stderr,
		        "usage: cups-poll-tool poll|report|ctl|jobs|meter|"
		        "history ...\n");
		return 2;
	}
	if (strcmp(argv[1], "poll") == 0)
		return tool_poll(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return tool_report(argc - 1, argv + 1);
	if (strcmp(argv[1], "ctl") == 0 && argc >= 4)
		return print_report_cli(argv[2], argc - 3, argv + 3);
	if (strcmp(argv[1], "jobs") == 0)
		return tool_jobs(argc - 1, argv + 1);
	if (strcmp(argv[1], "meter") == 0)
		return tool_meter(argc - 1, argv + 1);
	if (strcmp(argv[1], "history") == 0)
		return tool_history(argc - 1, argv + 1);
	fprintf(stderr, "cups-poll-tool: unknown command '%s'\n", argv[1]);
	return 2;
}
