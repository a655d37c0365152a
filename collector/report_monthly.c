/*
 * report_monthly.c: last month's reports written on the first of the
 * month into DATA/reports/YYYY-MM/ (DESIGN.md section 10, issue 10).
 *
 * Every report, all sites together, as NAME.pdf and NAME.csv.  The files
 * are written into DATA/reports/.YYYY-MM.tmp/ and the directory renamed
 * when all are done, so "the directory exists" means "the month is
 * complete", and a crash midway is simply retried.  A finished month is
 * announced as one "report.monthly" notification with the files attached
 * (notify.h), which the [notify] targets that ask for it mail.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collector/notify.h"
#include "collector/report.h"
#include "common/log.h"

/* The month before the one of 'now', local time: [from, to) and name. */
static void
report_last_month(int64_t now, int64_t *from, int64_t *to, char *month,
                  size_t sz)
{
	time_t t = (time_t)now;
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*to = (int64_t)mktime(&tm);
	tm.tm_mon--;
	tm.tm_isdst = -1;
	*from = (int64_t)mktime(&tm);
	strftime(month, sz, "%Y-%m", &tm);
}

static int
report_mkdir(const char *path)
{
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		log_err("reports: mkdir %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* One file; 1 written, 0 skipped (no data of that kind), -1 failed. */
static int
report_monthly_file(sqlite3 *h, const struct report_opts *o, const char *path)
{
	char err[512];
	FILE *f;
	int rc;

	if ((f = fopen(path, "w")) == NULL) {
		log_err("reports: %s: %s", path, strerror(errno));
		return -1;
	}
	rc = report_write(h, o, f, err, sizeof(err));
	if (fclose(f) != 0 && rc == 0) {
		log_err("reports: %s: %s", path, strerror(errno));
		rc = 1;
	}
	if (rc == 0)
		return 1;
	unlink(path);
	log_info("reports: %s skipped: %s", path, err);
	return 0;
}

int
report_monthly(const char *db_path, const char *data_dir, int64_t now,
               enum fmt_lang lang, char *month_out, size_t month_sz)
{
	static const char *const exts[] = {"pdf", "csv"};
	char dir[4096], tmp[4096], path[4200], month[16];
	struct report_opts o;
	struct stat st;
	int64_t from, to;
	sqlite3 *h = NULL;
	size_t i, j;
	int n = 0, rc;

	report_last_month(now, &from, &to, month, sizeof(month));
	if (month_out != NULL)
		snprintf(month_out, month_sz, "%s", month);
	snprintf(dir, sizeof(dir), "%s/reports/%s", data_dir, month);
	if (stat(dir, &st) == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s/reports", data_dir);
	if (report_mkdir(tmp) == -1)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s/reports/.%s.tmp", data_dir, month);
	if (report_mkdir(tmp) == -1)
		return -1;
	if (sqlite3_open_v2(db_path, &h, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		log_err("reports: cannot open %s", db_path);
		sqlite3_close(h);
		return -1;
	}
	sqlite3_busy_timeout(h, 5000);
	for (i = 0; report_names[i] != NULL; i++)
		for (j = 0; j < sizeof(exts) / sizeof(exts[0]); j++) {
			memset(&o, 0, sizeof(o));
			o.name = report_names[i];
			o.from = from;
			o.to = to;
			o.now = now;
			o.lang = lang;
			o.format = j == 0 ? REPORT_PDF : REPORT_CSV;
			o.bom = 1; /* opened by people, in Excel */
			o.data_dir = data_dir;
			snprintf(path, sizeof(path), "%s/%s.%s", tmp,
			         report_names[i], exts[j]);
			if ((rc = report_monthly_file(h, &o, path)) == -1)
				goto fail;
			n += rc;
		}
	sqlite3_close(h);
	if (rename(tmp, dir) == -1) {
		log_err("reports: rename %s: %s", tmp, strerror(errno));
		return -1;
	}
	log_info("reports: %d files for %s in %s", n, month, dir);
	return n;

fail:
	sqlite3_close(h);
	return -1;
}

#define REPORT_START_DELAY 300 /* seconds */

struct report_job {
	char data_dir[4096];
	char db_path[4200];
	int64_t now;
};

static atomic_int report_busy;
static int64_t report_next_check;

/* A month written by the thread, to announce from the tick. */
static struct {
	char dir[4300];
	int64_t from;
	atomic_int ready;
} report_done;
static report_notify_fn report_notify;
static void *report_notify_arg;

void
report_monthly_set_notify(report_notify_fn fn, void *arg)
{
	report_notify = fn;
	report_notify_arg = arg;
}

/* The message of a finished month: every file of DATA/reports/YYYY-MM/. */
static void
report_monthly_announce(const char *dir, int64_t from)
{
	static const char *const exts[] = {"pdf", "csv"};
	char paths[16][4400], subj_id[160], subj_en[160], text_id[4800],
	    text_en[4800];
	const char *attach[16];
	struct notify_msg m;
	struct stat st;
	time_t t = (time_t)from;
	struct tm tm;
	size_t i, j, n = 0;

	for (i = 0; report_names[i] != NULL; i++)
		for (j = 0; j < 2 && n < 16; j++) {
			snprintf(paths[n], sizeof(paths[n]), "%s/%s.%s", dir,
			         report_names[i], exts[j]);
			if (stat(paths[n], &st) == 0) {
				attach[n] = paths[n];
				n++;
			}
		}
	localtime_r(&t, &tm);
	snprintf(subj_id, sizeof(subj_id),
	         "Laporan bulanan %s %d \u2014 semua situs",
	         fmt_month_name(tm.tm_mon + 1, FMT_ID), tm.tm_year + 1900);
	snprintf(subj_en, sizeof(subj_en),
	         "Monthly reports %s %d \u2014 all sites",
	         fmt_month_name(tm.tm_mon + 1, FMT_EN), tm.tm_year + 1900);
	snprintf(text_id, sizeof(text_id),
	         "Laporan bulan %s %d terlampir (%zu berkas, PDF dan CSV).\n"
	         "Berkas juga tersimpan di %s.",
	         fmt_month_name(tm.tm_mon + 1, FMT_ID), tm.tm_year + 1900, n,
	         dir);
	snprintf(text_en, sizeof(text_en),
	         "The reports of %s %d are attached (%zu files, PDF and "
	         "CSV).\nThey are also kept in %s.",
	         fmt_month_name(tm.tm_mon + 1, FMT_EN), tm.tm_year + 1900, n,
	         dir);
	memset(&m, 0, sizeof(m));
	m.event = "report.monthly";
	m.severity = "info";
	m.site = "*";
	m.subject_id = subj_id;
	m.subject_en = subj_en;
	m.text_id = text_id;
	m.text_en = text_en;
	m.attach = attach;
	m.nattach = n;
	if (report_notify(report_notify_arg, &m) != 0)
		log_warn("reports: the notification for %s was dropped", dir);
}

static void *
report_monthly_thread(void *arg)
{
	struct report_job *j = arg;

	char month[16];
	int64_t from, to;

	if (report_monthly(j->db_path, j->data_dir, j->now, FMT_ID, month,
	                   sizeof(month)) > 0) {
		report_last_month(j->now, &from, &to, month, sizeof(month));
		snprintf(report_done.dir, sizeof(report_done.dir),
		         "%s/reports/%s", j->data_dir, month);
		report_done.from = from;
		atomic_store(&report_done.ready, 1);
	}
	report_pdf_release();
	free(j);
	atomic_store(&report_busy, 0);
	return NULL;
}

void
report_monthly_tick(const char *data_dir, int64_t now)
{
	char dir[4096], month[16];
	struct report_job *j;
	int64_t from, to;
	pthread_attr_t attr;
	pthread_t tid;
	struct stat st;

	/*
	 * Not in the first minutes after a start: a collector that is being
	 * restarted or tested should not spend them drawing PDFs.
	 */
	if (atomic_load(&report_done.ready)) {
		if (report_notify != NULL)
			report_monthly_announce(report_done.dir,
			                        report_done.from);
		atomic_store(&report_done.ready, 0);
	}
	if (report_next_check == 0)
		report_next_check = now + REPORT_START_DELAY;
	if (now < report_next_check || atomic_load(&report_busy))
		return;
	report_next_check = now + 60;
	report_last_month(now, &from, &to, month, sizeof(month));
	snprintf(dir, sizeof(dir), "%s/reports/%s", data_dir, month);
	if (stat(dir, &st) == 0)
		return;
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return;
	snprintf(j->data_dir, sizeof(j->data_dir), "%s", data_dir);
	snprintf(j->db_path, sizeof(j->db_path), "%s/pantau.db", data_dir);
	j->now = now;
	atomic_store(&report_busy, 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &attr, report_monthly_thread, j) != 0) {
		log_err("reports: cannot start the monthly thread");
		atomic_store(&report_busy, 0);
		free(j);
	}
	pthread_attr_destroy(&attr);
}
