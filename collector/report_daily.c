/*
 * report_daily.c: the daily report (report.h), in the shape of the
 * technician's daily report: per site per day, the use of the PCs, pages
 * printed, tickets opened and closed, faults and damage.
 *
 *   pc_use_min     minutes during which a session was open on a PC,
 *                  summed over the site's PCs: usage.session_seconds
 *                  (DERIVE, seconds per second) read from
 *                  DATA/rrd/<site>/<pc>/usage.session_seconds.rrd
 *   pcs_used       PCs with any session time that day
 *   sessions_max   the day's highest users.sessions of each PC, summed
 *                  (how many people sat at the site's PCs at most)
 *   pages          pages CUPS counted (print_jobs; unknown pages are 0)
 *   tickets_opened, tickets_closed (resolved or closed that day)
 *   faults         warning and critical events raised by the devices
 *   damage         fault tickets opened (something broke)
 *
 * Every day of the period has a row for every site, zeros included: the
 * secretary's form has a line per day.  An open period is the 30 days up
 * to today.  RRD values are as far as rrdcached flushed them.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <rrd.h>

#include "collector/report.h"
#include "common/log.h"

#define NC(a) (sizeof(a) / sizeof((a)[0]))
#define DAILY_MAX_DAYS 400

enum {
	D_USE_S, /* seconds */
	D_PCS,
	D_SESSIONS,
	D_PAGES,
	D_OPENED,
	D_CLOSED,
	D_FAULTS,
	D_DAMAGE,
	D_N
};

static const struct report_col daily_cols[] = {
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"day", "Tanggal", "Date", REPORT_DATE, 0, 3, NULL, -1, -1},
    {"pc_use_min", "Pemakaian PC (jam)", "PC use (h)", REPORT_MINUTES,
     REPORT_SUM, 2, NULL, -1, -1},
    {"pcs_used", "PC dipakai", "PCs used", REPORT_INT, 0, 2, NULL, -1, -1},
    {"sessions_max", "Sesi puncak", "Peak sessions", REPORT_INT, 0, 2, NULL, -1,
     -1},
    {"pages", "Halaman cetak", "Pages printed", REPORT_INT, REPORT_SUM, 2, NULL,
     -1, -1},
    {"tickets_opened", "Tiket dibuka", "Tickets opened", REPORT_INT, REPORT_SUM,
     2, NULL, -1, -1},
    {"tickets_closed", "Tiket selesai", "Tickets closed", REPORT_INT,
     REPORT_SUM, 2, NULL, -1, -1},
    {"faults", "Gangguan", "Faults", REPORT_INT, REPORT_SUM, 2, NULL, -1, -1},
    {"damage", "Kerusakan", "Damage", REPORT_INT, REPORT_SUM, 2, NULL, -1, -1},
};

struct daily {
	struct report *r;
	char (*sites)[64];
	size_t nsites;
	char (*days)[11]; /* YYYY-MM-DD */
	int64_t *starts;  /* local midnight of each day, and one more */
	size_t ndays;
	double *v; /* nsites * ndays * D_N */
};

static double *
daily_at(struct daily *d, size_t site, size_t day, int k)
{
	return &d->v[(site * d->ndays + day) * D_N + k];
}

static int
daily_site(const struct daily *d, const char *s)
{
	size_t i;

	for (i = 0; i < d->nsites; i++)
		if (strcmp(d->sites[i], s) == 0)
			return (int)i;
	return -1;
}

/* The day of Unix time 't'; -1 outside the period. */
static int
daily_day(const struct daily *d, int64_t t)
{
	size_t lo = 0, hi = d->ndays;

	if (t < d->starts[0] || t >= d->starts[d->ndays])
		return -1;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (d->starts[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (int)lo;
}

static int64_t
daily_midnight(int64_t t, int add_days)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += add_days;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static int
daily_period(struct daily *d)
{
	struct report *r = d->r;
	time_t tt;
	struct tm tm;
	size_t i;

	if (r->to == 0)
		r->to = daily_midnight(r->now, 1);
	if (r->from == 0)
		r->from = daily_midnight(r->to - 1, -29);
	for (d->ndays = 0; daily_midnight(r->from, (int)d->ndays) < r->to &&
	                   d->ndays < DAILY_MAX_DAYS;
	     d->ndays++)
		;
	d->days = calloc(d->ndays + 1, sizeof(*d->days));
	d->starts = calloc(d->ndays + 1, sizeof(*d->starts));
	if (d->days == NULL || d->starts == NULL)
		return -1;
	for (i = 0; i <= d->ndays; i++) {
		d->starts[i] =
		    i == 0 ? r->from : daily_midnight(r->from, (int)i);
		tt = (time_t)d->starts[i];
		localtime_r(&tt, &tm);
		strftime(d->days[i], sizeof(d->days[i]), "%Y-%m-%d", &tm);
	}
	d->starts[d->ndays] = r->to;
	return 0;
}

static int
daily_sites(struct daily *d, sqlite3 *h)
{
	sqlite3_stmt *s;
	void *n;

	if (sqlite3_prepare_v2(h,
	                       "SELECT name FROM sites WHERE ?1 = '' OR "
	                       "name = ?1 ORDER BY name",
	                       -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, d->r->site, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if ((n = realloc(d->sites, (d->nsites + 1) *
		                               sizeof(*d->sites))) == NULL) {
			sqlite3_finalize(s);
			return -1;
		}
		d->sites = n;
		snprintf(d->sites[d->nsites++], sizeof(d->sites[0]), "%s",
		         (const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	return 0;
}

/*
 * Adds a query's rows (site, Unix time, n1[, n2]) into column k1 (and
 * k2, or -1).  ?2 and ?3 are the period.
 */
static int
daily_sql(struct daily *d, sqlite3 *h, const char *sql, int k1, int k2)
{
	sqlite3_stmt *s;
	int si, di, rc;

	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) {
		log_err("report daily: %s", sqlite3_errmsg(h));
		return -1;
	}
	sqlite3_bind_text(s, 1, d->r->site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, d->r->from);
	sqlite3_bind_int64(s, 3, d->r->to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		si = daily_site(d, (const char *)sqlite3_column_text(s, 0));
		di = daily_day(d, sqlite3_column_int64(s, 1));
		if (si < 0 || di < 0)
			continue;
		*daily_at(d, (size_t)si, (size_t)di, k1) +=
		    (double)sqlite3_column_int64(s, 2);
		if (k2 >= 0)
			*daily_at(d, (size_t)si, (size_t)di, k2) +=
			    (double)sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * One PC's RRD over the period, by day: the sum of rate * step (k_sum) or
 * the highest value (k_max).  A missing file adds nothing.
 */
static void
daily_rrd(struct daily *d, size_t si, const char *device, const char *metric,
          const char *cf, double *per_day)
{
	char path[4096], **names = NULL;
	unsigned long step = 0, nds = 0, i, n;
	time_t start = (time_t)d->r->from, end = (time_t)d->r->to, t;
	rrd_value_t *data = NULL, v;
	struct stat st;
	int di;

	snprintf(path, sizeof(path), "%s/rrd/%s/%s/%s.rrd", d->r->data_dir,
	         d->sites[si], device, metric);
	if (stat(path, &st) == -1)
		return;
	if (rrd_fetch_r(path, cf, &start, &end, &step, &nds, &names, &data) !=
	    0) {
		log_warn("report daily: %s: %s", path, rrd_get_error());
		rrd_clear_error();
		return;
	}
	n = step > 0 ? (unsigned long)(end - start) / step : 0;
	for (i = 0; i < n && nds > 0; i++) {
		v = data[i * nds];
		/* the point at t covers (t - step, t] */
		t = start + (time_t)((i + 1) * step);
		if (isnan(v) || (di = daily_day(d, (int64_t)t - 1)) < 0)
			continue;
		if (strcmp(cf, "MAX") == 0) {
			if (v > per_day[di])
				per_day[di] = v;
		} else
			per_day[di] += v * (double)step;
	}
	for (i = 0; i < nds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
}

static int
daily_pcs(struct daily *d, sqlite3 *h)
{
	sqlite3_stmt *s;
	double *use, *peak;
	size_t j;
	int si;

	if (d->r->data_dir == NULL)
		return 0;
	use = calloc(d->ndays, sizeof(*use));
	peak = calloc(d->ndays, sizeof(*peak));
	if (use == NULL || peak == NULL ||
	    sqlite3_prepare_v2(h,
	                       "SELECT s.name, d.name FROM devices d JOIN "
	                       "sites s ON s.id = d.site_id WHERE d.type = "
	                       "'pc' ORDER BY 1, 2",
	                       -1, &s, NULL) != SQLITE_OK) {
		free(use);
		free(peak);
		return -1;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		si = daily_site(d, (const char *)sqlite3_column_text(s, 0));
		if (si < 0)
			continue;
		memset(use, 0, d->ndays * sizeof(*use));
		memset(peak, 0, d->ndays * sizeof(*peak));
		daily_rrd(d, (size_t)si,
		          (const char *)sqlite3_column_text(s, 1),
		          "usage.session_seconds", "AVERAGE", use);
		daily_rrd(d, (size_t)si,
		          (const char *)sqlite3_column_text(s, 1),
		          "users.sessions", "MAX", peak);
		for (j = 0; j < d->ndays; j++) {
			*daily_at(d, (size_t)si, j, D_USE_S) += use[j];
			*daily_at(d, (size_t)si, j, D_PCS) += use[j] >= 1;
			*daily_at(d, (size_t)si, j, D_SESSIONS) += peak[j];
		}
	}
	sqlite3_finalize(s);
	free(use);
	free(peak);
	return 0;
}

static int
daily_rows(struct daily *d, struct report_table *t)
{
	struct report_cell *row;
	size_t i, j;
	int k;

	for (i = 0; i < d->nsites; i++)
		for (j = 0; j < d->ndays; j++) {
			if ((row = report_add_row(t)) == NULL ||
			    report_set_text(row, 0, d->sites[i]) == -1 ||
			    report_set_text(row, 1, d->days[j]) == -1)
				return -1;
			/* seconds to whole minutes, rounded */
			report_set_int(
			    row, 2,
			    (int64_t)llround(*daily_at(d, i, j, D_USE_S) / 60));
			for (k = D_PCS; k < D_N; k++)
				report_set_int(
				    row, (size_t)(k + 2),
				    (int64_t)llround(*daily_at(d, i, j, k)));
		}
	return 0;
}

int
report_build_daily(struct report *r, sqlite3 *h, char *err, size_t errsz)
{
	struct daily d;
	struct report_table *t;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	d.r = r;
	if ((t = report_add_table(r, "daily", "Per lokasi per hari",
	                          "Per site per day", daily_cols,
	                          NC(daily_cols))) == NULL ||
	    daily_period(&d) == -1 || daily_sites(&d, h) == -1 ||
	    (d.v = calloc(d.nsites * d.ndays * D_N + 1, sizeof(*d.v))) ==
	        NULL) {
		snprintf(err, errsz, "report daily: out of memory");
		goto done;
	}
	t->group_col = 0;
	r->note_id = "Pemakaian PC: waktu dengan sesi terbuka; gangguan: "
	             "peringatan dan kejadian kritis; kerusakan: tiket "
	             "gangguan dibuka.";
	r->note_en = "PC use: time with a session open; faults: warning and "
	             "critical events; damage: fault tickets opened.";
	if ((report_has_table(h, "print_jobs") &&
	     daily_sql(&d, h,
	               "SELECT site, completed, coalesce(sum(pages), 0) FROM "
	               "print_jobs WHERE final = 1 AND completed >= ?2 AND "
	               "completed < ?3 AND site IS NOT NULL GROUP BY site, "
	               "date(completed, 'unixepoch', 'localtime')",
	               D_PAGES, -1) == -1) ||
	    (report_has_table(h, "tickets") &&
	     (daily_sql(&d, h,
	                "SELECT site, opened_at, count(*), sum(kind = "
	                "'fault') FROM tickets WHERE opened_at >= ?2 AND "
	                "opened_at < ?3 GROUP BY site, date(opened_at, "
	                "'unixepoch', 'localtime')",
	                D_OPENED, D_DAMAGE) == -1 ||
	      daily_sql(&d, h,
	                "SELECT site, coalesce(resolved_at, closed_at), "
	                "count(*) FROM tickets WHERE coalesce(resolved_at, "
	                "closed_at) >= ?2 AND coalesce(resolved_at, "
	                "closed_at) < ?3 GROUP BY site, date(coalesce("
	                "resolved_at, closed_at), 'unixepoch', 'localtime')",
	                D_CLOSED, -1) == -1)) ||
	    daily_sql(&d, h,
	              "SELECT s.name, e.ts, count(*) FROM events e JOIN "
	              "devices d ON d.id = e.device_id JOIN sites s ON s.id = "
	              "d.site_id WHERE e.state = 'raised' AND e.severity IN "
	              "('warning', 'critical') AND e.ts >= ?2 AND e.ts < ?3 "
	              "GROUP BY s.name, date(e.ts, 'unixepoch', 'localtime')",
	              D_FAULTS, -1) == -1) {
		snprintf(err, errsz, "report daily: %s", sqlite3_errmsg(h));
		goto done;
	}
	if (daily_pcs(&d, h) == -1 || daily_rows(&d, t) == -1) {
		snprintf(err, errsz, "report daily: failed");
		goto done;
	}
	report_progress(r, "sites", d.nsites, d.nsites);
	rc = 0;

done:
	free(d.sites);
	free(d.days);
	free(d.starts);
	free(d.v);
	return rc;
}
