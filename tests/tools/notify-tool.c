/*
 * notify-tool.c: drives the notifier (collector/notify.h) for the
 * integration tests 90-94, without MQTT or a database.
 *
 *   notify-tool -c CONF [-w SECS | -s SECS] [JSON-MESSAGE ...]
 *   notify-tool -c CONF -t TARGET
 *
 * Reads the collector configuration (its data_dir and [notify NAME]
 * sections) and starts the notifier as pantau-collector does, which loads
 * what an earlier run left undelivered.  Each argument is one struct
 * notify_msg as a JSON object with the same field names.  With -w (default
 * 30) it waits until everything is delivered, with -s it stops after SECS
 * whatever happened (what is left is written to DATA/notify/).  It then
 * prints "sent=N failed=N dropped=N queued=N" and exits 0 when nothing is
 * left, 3 when something is, 4 when a message was refused, 1 on errors.
 * -t sends the test message of "pantauctl notify test".
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "collector/collector.h"
#include "collector/notify.h"

static const char *
tool_str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static int64_t
tool_int(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

/* Submits one message given as JSON.  Returns notify_submit()'s result. */
static int
tool_submit(struct notify *n, const char *json)
{
	const char *attach[16];
	struct notify_msg m;
	const cJSON *a, *e;
	cJSON *o;
	int r;

	if ((o = cJSON_Parse(json)) == NULL) {
		fprintf(stderr, "notify-tool: not JSON: %s\n", json);
		return -1;
	}
	memset(&m, 0, sizeof(m));
	m.event = tool_str(o, "event");
	m.severity = tool_str(o, "severity");
	m.site = tool_str(o, "site");
	m.device = tool_str(o, "device");
	m.subject_id = tool_str(o, "subject_id");
	m.subject_en = tool_str(o, "subject_en");
	m.text_id = tool_str(o, "text_id");
	m.text_en = tool_str(o, "text_en");
	m.ts = tool_int(o, "ts");
	m.alert_id = tool_int(o, "alert_id");
	m.ticket_id = tool_int(o, "ticket_id");
	/* "attach": ["/abs/path", ...] */
	a = cJSON_GetObjectItemCaseSensitive(o, "attach");
	cJSON_ArrayForEach(e, a)
	{
		if (m.nattach < 16 && cJSON_IsString(e))
			attach[m.nattach++] = e->valuestring;
	}
	m.attach = attach;
	r = notify_submit(n, &m);
	cJSON_Delete(o);
	return r;
}

static void
tool_usage(void)
{
	fprintf(stderr, "usage: notify-tool -c CONF [-w SECS | -s SECS] "
	                "[JSON ...]\n"
	                "       notify-tool -c CONF -t TARGET\n");
}

int
main(int argc, char **argv)
{
	struct conf_err errs = {0};
	struct collector_conf *cf;
	struct notify_counts c;
	struct notify *n;
	const char *conf = NULL, *test = NULL;
	struct timespec ts;
	int ch, wait_s = 30, stop_s = -1, rc = 0, i;
	char err[512];

	while ((ch = getopt(argc, argv, "c:w:s:t:")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'w':
			wait_s = atoi(optarg);
			break;
		case 's':
			stop_s = atoi(optarg);
			break;
		case 't':
			test = optarg;
			break;
		default:
			tool_usage();
			return 2;
		}
	}
	if (conf == NULL) {
		tool_usage();
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	log_init("notify-tool", 1, LOG_LVL_DEBUG);
	log_set_repeat_window(0);
	if ((cf = config_load(conf, &errs)) == NULL) {
		conf_err_print(&errs, stderr);
		conf_err_clear(&errs);
		return 1;
	}
	if (test != NULL) {
		rc = notify_test_config(&cf->notify, test, err, sizeof(err));
		if (rc != 0)
			fprintf(stderr, "notify-tool: %s\n", err);
		else
			printf("test message delivered to %s\n", test);
		config_free(cf);
		return rc == 0 ? 0 : 1;
	}
	/* as pantau-collector does before it starts anything */
	mkdir(cf->data_dir, 0750);
	if ((n = notify_new(&cf->notify, cf->data_dir, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "notify-tool: %s\n", err);
		config_free(cf);
		return 1;
	}
	for (i = optind; i < argc; i++)
		if (tool_submit(n, argv[i]) != 0)
			rc = 4;
	if (stop_s >= 0) {
		ts.tv_sec = stop_s;
		ts.tv_nsec = 0;
		nanosleep(&ts, NULL);
	} else if (notify_flush(n, wait_s * 1000) != 0 && rc == 0) {
		rc = 3;
	}
	notify_get_counts(n, &c);
	if (stop_s >= 0 && c.queued > 0 && rc == 0)
		rc = 3;
	notify_free(n);
	printf("sent=%llu failed=%llu dropped=%llu queued=%llu\n",
	       (unsigned long long)c.sent, (unsigned long long)c.failed,
	       (unsigned long long)c.dropped, (unsigned long long)c.queued);
	config_free(cf);
	return rc;
}
