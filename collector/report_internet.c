/*
 * report_internet.c: the internet tables of the availability report
 * (report.h, docs/reports.md, docs/internet.md).
 *
 * "internet": per site and month, how long the link was up, degraded,
 * down and unknown, from the state periods of table internet_state
 * (006-internet.sql), and the uptime: (up + degraded) / (up + degraded +
 * down).  Unknown time (no agent reporting: the site closed, the power
 * out) counts for neither, as in the device tables.  Periods are clipped
 * to the report's period and split at local month boundaries; the open
 * period ends one step after its last round (never after now), so the
 * figures do not grow while nobody reports.
 *
 * "internet_outages": every down or degraded period that overlaps the
 * report's period, with its whole start, end and duration (not clipped:
 * the ISP is asked about the outage, not about its part in a month).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/internet.h"
#include "collector/report.h"
#include "common/log.h"

#define NC(a) (sizeof(a) / sizeof((a)[0]))

enum { IR_UP, IR_DEGRADED, IR_DOWN, IR_UNKNOWN, IR_N };

static const struct report_col inet_month_cols[] = {
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"month", "Bulan", "Month", REPORT_DATE, 0, 3, NULL, -1, -1},
    {"isp", "Penyedia", "ISP", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"up_min", "Normal (jam)", "Up (h)", REPORT_MINUTES, REPORT_SUM, 2, NULL,
     -1, -1},
    {"degraded_min", "Terganggu (jam)", "Degraded (h)", REPORT_MINUTES,
     REPORT_SUM, 2, NULL, -1, -1},
    {"down_min", "Putus (jam)", "Down (h)", REPORT_MINUTES, REPORT_SUM, 2, NULL,
     -1, -1},
    {"unknown_min", "Tak diketahui", "Unknown (h)", REPORT_MINUTES, REPORT_SUM,
     2, NULL, -1, -1},
    {"available_min", "Tersedia (jam)", "Available (h)", REPORT_MINUTES,
     REPORT_SUM | REPORT_HIDE, 2, NULL, -1, -1},
    {"measured_min", "Terukur (jam)", "Measured (h)", REPORT_MINUTES,
     REPORT_SUM, 2, NULL, -1, -1},
    {"outages", "Putus (kali)", "Outages", REPORT_INT, REPORT_SUM, 1, NULL, -1,
     -1},
    {"uptime_bp", "Ketersediaan", "Uptime", REPORT_PCT, REPORT_SUM, 2, NULL, 7,
     8},
};

static const struct report_col inet_outage_cols[] = {
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"state", "Keadaan", "State", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"start", "Mulai", "Start", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"end", "Selesai", "End", REPORT_TEXT, 0, 3, "", -1, -1},
    {"duration_min", "Lama (menit)", "Duration (min)", REPORT_INT, REPORT_SUM,
     2, NULL, -1, -1},
    {"reasons", "Sebab", "Causes", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"start_unix", "Mulai (Unix)", "Start (Unix)", REPORT_INT, REPORT_HIDE, 1,
     NULL, -1, -1},
    {"end_unix", "Selesai (Unix)", "End (Unix)", REPORT_INT, REPORT_HIDE, 1, "",
     -1, -1},
};

/*
 * The outages: an open one ends (for its duration) one step after its
 * last round.  Times in local time, as the secretary reads them.  A
 * degraded period shorter than 5 minutes (a link hovering at a
 * threshold) is not listed: its minutes are in the monthly table.
 */
static const char inet_outage_sql[] =
    "SELECT site, state, strftime('%Y-%m-%d %H:%M', since, 'unixepoch', "
    "'localtime'), CASE WHEN until IS NULL THEN NULL ELSE "
    "strftime('%Y-%m-%d %H:%M', until, 'unixepoch', 'localtime') END, "
    "(coalesce(until, last_seen + step) - since + 30) / 60, reasons, "
    "since, until FROM internet_state WHERE (state = 'down' OR (state = "
    "'degraded' AND coalesce(until, last_seen + step) - since >= "
    "300)) AND (?1 = '' OR site = ?1) AND (?3 = 0 OR since < ?3) AND "
    "coalesce(until, last_seen + step) > ?2 ORDER BY site, since";

static const char inet_period_sql[] =
    "SELECT site, state, since, coalesce(until, min(last_seen + step, ?4)) "
    "FROM internet_state WHERE (?1 = '' OR site = ?1) AND (?3 = 0 OR "
    "since < ?3) AND coalesce(until, last_seen + step) > ?2 "
    "ORDER BY site, since";

/* The site's ISP for the table: the connection asset's supplier. */
static const char inet_isp_sql[] =
    "SELECT CASE WHEN supplier != '' THEN supplier WHEN brand != '' THEN "
    "brand ELSE name END FROM assets WHERE site = ?1 AND type = 'network' "
    "AND disposed_at IS NULL AND (device = 'internet' OR name LIKE "
    "'%internet%' OR model LIKE '%internet%') ORDER BY device = 'internet' "
    "DESC, tag LIMIT 1";

struct inet_month {
	char month[16];
	int64_t s[IR_N];
	int64_t outages;
};

struct inet_acc {
	struct inet_month *m;
	size_t n, cap;
};

static struct inet_month *
inet_month_get(struct inet_acc *a, const char *month)
{
	struct inet_month *nm;

	for (size_t i = a->n; i-- > 0;)
		if (strcmp(a->m[i].month, month) == 0)
			return &a->m[i];
	if (a->n == a->cap) {
		a->cap = a->cap != 0 ? a->cap * 2 : 8;
		if ((nm = realloc(a->m, a->cap * sizeof *nm)) == NULL)
			return NULL;
		a->m = nm;
	}
	memset(&a->m[a->n], 0, sizeof a->m[0]);
	snprintf(a->m[a->n].month, sizeof a->m[0].month, "%s", month);
	return &a->m[a->n++];
}

static int
inet_add(struct inet_acc *a, int k, int64_t lo, int64_t hi, int start)
{
	struct inet_month *m;
	char month[16];
	int64_t next;

	while (lo < hi) {
		next = report_month_piece(lo, hi, month, sizeof month);
		if ((m = inet_month_get(a, month)) == NULL)
			return -1;
		m->s[k] += next - lo;
		if (start && k == IR_DOWN)
			m->outages++;
		start = 0;
		lo = next;
	}
	return 0;
}

static int
inet_month_cmp(const void *x, const void *y)
{
	return strcmp(((const struct inet_month *)x)->month,
	              ((const struct inet_month *)y)->month);
}

static int
inet_isp(sqlite3 *h, const char *site, char *out, size_t sz)
{
	sqlite3_stmt *st;
	const unsigned char *t;

	out[0] = '\0';
	if (!report_has_table(h, "assets"))
		return 0;
	if (sqlite3_prepare_v2(h, inet_isp_sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (t = sqlite3_column_text(st, 0)) != NULL)
		snprintf(out, sz, "%s", (const char *)t);
	sqlite3_finalize(st);
	return 0;
}

/* The months of one site as rows. */
static int
inet_flush(struct report_table *t, sqlite3 *h, struct inet_acc *a,
           const char *site)
{
	struct report_cell *row;
	const int64_t *s;
	int64_t avail, measured;
	char isp[256];

	if (a->n == 0)
		return 0;
	inet_isp(h, site, isp, sizeof isp);
	if (a->n > 1) /* qsort(NULL, 0) is undefined */
		qsort(a->m, a->n, sizeof a->m[0], inet_month_cmp);
	for (size_t i = 0; i < a->n; i++) {
		s = a->m[i].s;
		if ((row = report_add_row(t)) == NULL ||
		    report_set_text(row, 0, site) == -1 ||
		    report_set_text(row, 1, a->m[i].month) == -1 ||
		    (isp[0] != '\0' && report_set_text(row, 2, isp) == -1))
			return -1;
		avail = s[IR_UP] + s[IR_DEGRADED];
		measured = avail + s[IR_DOWN];
		report_set_int(row, 3, s[IR_UP] / 60);
		report_set_int(row, 4, s[IR_DEGRADED] / 60);
		report_set_int(row, 5, s[IR_DOWN] / 60);
		report_set_int(row, 6, s[IR_UNKNOWN] / 60);
		report_set_int(row, 7, avail / 60);
		report_set_int(row, 8, measured / 60);
		report_set_int(row, 9, a->m[i].outages);
		if (measured > 0)
			report_set_int(
			    row, 10, (avail * 10000 + measured / 2) / measured);
	}
	a->n = 0;
	return 0;
}

static int
inet_state_kind(const char *s)
{
	switch (internet_state_parse(s)) {
	case INET_UP:
		return IR_UP;
	case INET_DEGRADED:
		return IR_DEGRADED;
	case INET_DOWN:
		return IR_DOWN;
	default:
		return IR_UNKNOWN;
	}
}

static int
inet_months(struct report *r, struct report_table *t, sqlite3 *h, char *err,
            size_t errsz)
{
	struct inet_acc acc = {NULL, 0, 0};
	sqlite3_stmt *st = NULL;
	char site[64] = "";
	const char *s;
	int64_t lo, hi, end;
	int rc, started;

	end = r->to != 0 && r->to < r->now ? r->to : r->now;
	if (sqlite3_prepare_v2(h, inet_period_sql, -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, r->site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, r->from);
	sqlite3_bind_int64(st, 3, r->to);
	sqlite3_bind_int64(st, 4, r->now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(st, 0);
		if (strcmp(s, site) != 0) {
			if (inet_flush(t, h, &acc, site) == -1)
				goto nomem;
			snprintf(site, sizeof site, "%s", s);
		}
		lo = sqlite3_column_int64(st, 2);
		hi = sqlite3_column_int64(st, 3);
		started = lo >= r->from; /* an outage counts where it began */
		if (lo < r->from)
			lo = r->from;
		if (hi > end)
			hi = end;
		if (inet_add(&acc,
		             inet_state_kind(
		                 (const char *)sqlite3_column_text(st, 1)),
		             lo, hi, started) == -1)
			goto nomem;
	}
	if (rc != SQLITE_DONE)
		goto dberr;
	if (inet_flush(t, h, &acc, site) == -1)
		goto nomem;
	sqlite3_finalize(st);
	free(acc.m);
	return 0;
dberr:
	log_err("report availability: internet: %s", sqlite3_errmsg(h));
	snprintf(err, errsz, "report availability: %s", sqlite3_errmsg(h));
	goto fail;
nomem:
	snprintf(err, errsz, "out of memory");
fail:
	sqlite3_finalize(st);
	free(acc.m);
	return -1;
}

int
report_internet_tables(struct report *r, sqlite3 *h, char *err, size_t errsz)
{
	struct report_table *tm, *to;

	if ((tm = report_add_table(
	         r, "internet", "Internet per lokasi per bulan",
	         "Internet per site per month", inet_month_cols,
	         NC(inet_month_cols))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	tm->chart_label = 0;
	tm->chart_value = 10;
	if (report_has_table(h, "internet_state") &&
	    inet_months(r, tm, h, err, errsz) != 0)
		return -1;
	if ((to = report_add_table(r, "internet_outages", "Gangguan internet",
	                           "Internet outages", inet_outage_cols,
	                           NC(inet_outage_cols))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	to->group_col = 0;
	if (report_has_table(h, "internet_state"))
		return report_fill_sql(to, h, inet_outage_sql, r, err, errsz);
	return 0;
}
