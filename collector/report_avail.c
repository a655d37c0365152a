/*
 * report_avail.c: the availability report (report.h): per device and per
 * site, per month, how long each device was online, down (offline,
 * unreachable, stale) and unknown, from the presence history (001-init.sql
 * table presence).
 *
 * Availability is online / (online + down): time in the state "unknown"
 * (the collector not yet knowing, e.g. right after its start) counts for
 * neither.  Each presence row is clipped to the period (an open row ends
 * now) and split at local month boundaries; the sums are kept in seconds
 * and shown in whole minutes (rounded down).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/internet.h"
#include "collector/report.h"
#include "common/log.h"

#define NC(a) (sizeof(a) / sizeof((a)[0]))

enum { AV_ONLINE, AV_DOWN, AV_UNKNOWN, AV_N };

/* Columns of both tables after the key columns. */
#define AVAIL_NUMBERS(n)                                                       \
	{"online_min",                                                         \
	 "Aktif (jam)",                                                        \
	 "Online (h)",                                                         \
	 REPORT_MINUTES,                                                       \
	 REPORT_SUM,                                                           \
	 2,                                                                    \
	 NULL,                                                                 \
	 -1,                                                                   \
	 -1},                                                                  \
	    {"down_min",     "Mati (jam)", "Down (h)",                         \
	     REPORT_MINUTES, REPORT_SUM,   2,                                  \
	     NULL,           -1,           -1},                                \
	    {"unknown_min",                                                    \
	     "Tak diketahui",                                                  \
	     "Unknown (h)",                                                    \
	     REPORT_MINUTES,                                                   \
	     REPORT_SUM,                                                       \
	     2,                                                                \
	     NULL,                                                             \
	     -1,                                                               \
	     -1},                                                              \
	    {"measured_min",                                                   \
	     "Terukur (jam)",                                                  \
	     "Measured (h)",                                                   \
	     REPORT_MINUTES,                                                   \
	     REPORT_SUM,                                                       \
	     2,                                                                \
	     NULL,                                                             \
	     -1,                                                               \
	     -1},                                                              \
	{                                                                      \
		"availability_bp", "Ketersediaan", "Availability", REPORT_PCT, \
		    REPORT_SUM, 2, NULL, (n), (n) + 3                          \
	}

static const struct report_col avail_device_cols[] = {
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"device", "Perangkat", "Device", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"type", "Jenis", "Type", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"month", "Bulan", "Month", REPORT_DATE, 0, 3, NULL, -1, -1},
    AVAIL_NUMBERS(4),
};

static const struct report_col avail_site_cols[] = {
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"month", "Bulan", "Month", REPORT_DATE, 0, 3, NULL, -1, -1},
    {"devices", "Perangkat", "Devices", REPORT_INT, 0, 2, NULL, -1, -1},
    AVAIL_NUMBERS(3),
};

struct avail_month {
	char month[8]; /* YYYY-MM */
	int64_t s[AV_N];
	int64_t devices;
};

struct avail_acc {
	struct avail_month *m;
	size_t n, cap;
};

static const char avail_sql[] =
    "SELECT s.name, d.name, coalesce(d.type, ''), p.state, p.since, "
    "coalesce(p.until, ?4) FROM presence p JOIN devices d ON "
    "d.id = p.device_id JOIN sites s ON s.id = d.site_id "
    "WHERE (?1 = '' OR s.name = ?1) AND coalesce(p.until, ?4) > ?2 "
    "AND (?3 = 0 OR p.since < ?3) ORDER BY s.name, d.name, p.since";

static struct avail_month *
avail_get(struct avail_acc *a, const char *month)
{
	struct avail_month *nm;
	size_t i;

	for (i = a->n; i-- > 0;)
		if (strcmp(a->m[i].month, month) == 0)
			return &a->m[i];
	if (a->n == a->cap) {
		a->cap = a->cap != 0 ? a->cap * 2 : 16;
		if ((nm = realloc(a->m, a->cap * sizeof(*nm))) == NULL)
			return NULL;
		a->m = nm;
	}
	memset(&a->m[a->n], 0, sizeof(a->m[0]));
	snprintf(a->m[a->n].month, sizeof(a->m[0].month), "%s", month);
	return &a->m[a->n++];
}

/* Adds [lo, hi) in state 'k' to the months it spans. */
static int
avail_add(struct avail_acc *a, int k, int64_t lo, int64_t hi)
{
	struct avail_month *m;
	char month[16];
	int64_t next;

	while (lo < hi) {
		next = report_month_piece(lo, hi, month, sizeof(month));
		if ((m = avail_get(a, month)) == NULL)
			return -1;
		m->s[k] += next - lo;
		lo = next;
	}
	return 0;
}

static int
avail_cmp(const void *x, const void *y)
{
	return strcmp(((const struct avail_month *)x)->month,
	              ((const struct avail_month *)y)->month);
}

/* Sets the number columns from column 'c0' on. */
static void
avail_numbers(struct report_cell *row, size_t c0, const int64_t *s)
{
	int64_t measured = s[AV_ONLINE] + s[AV_DOWN];

	report_set_int(row, c0, s[AV_ONLINE] / 60);
	report_set_int(row, c0 + 1, s[AV_DOWN] / 60);
	report_set_int(row, c0 + 2, s[AV_UNKNOWN] / 60);
	report_set_int(row, c0 + 3, measured / 60);
	if (measured > 0)
		report_set_int(row, c0 + 4,
		               (s[AV_ONLINE] * 10000 + measured / 2) /
		                   measured);
}

/* The device's months as rows; adds them to the site's months. */
static int
avail_flush(struct report_table *t, struct avail_acc *dev,
            struct avail_acc *site, const char *sname, const char *dname,
            const char *type)
{
	struct avail_month *sm;
	struct report_cell *row;
	size_t i;
	int k;

	if (dev->n > 1) /* qsort(NULL, 0) is undefined */
		qsort(dev->m, dev->n, sizeof(dev->m[0]), avail_cmp);
	for (i = 0; i < dev->n; i++) {
		if ((row = report_add_row(t)) == NULL ||
		    report_set_text(row, 0, sname) == -1 ||
		    report_set_text(row, 1, dname) == -1 ||
		    report_set_text(row, 2, type) == -1 ||
		    report_set_text(row, 3, dev->m[i].month) == -1 ||
		    (sm = avail_get(site, dev->m[i].month)) == NULL)
			return -1;
		avail_numbers(row, 4, dev->m[i].s);
		for (k = 0; k < AV_N; k++)
			sm->s[k] += dev->m[i].s[k];
		sm->devices++;
	}
	dev->n = 0;
	return 0;
}

static int
avail_flush_site(struct report_table *t, struct avail_acc *site,
                 const char *sname)
{
	struct report_cell *row;
	size_t i;

	if (site->n > 1)
		qsort(site->m, site->n, sizeof(site->m[0]), avail_cmp);
	for (i = 0; i < site->n; i++) {
		if ((row = report_add_row(t)) == NULL ||
		    report_set_text(row, 0, sname) == -1 ||
		    report_set_text(row, 1, site->m[i].month) == -1)
			return -1;
		report_set_int(row, 2, site->m[i].devices);
		avail_numbers(row, 3, site->m[i].s);
	}
	site->n = 0;
	return 0;
}

static int
avail_state(const char *s)
{
	if (strcmp(s, "online") == 0)
		return AV_ONLINE;
	if (strcmp(s, "unknown") == 0)
		return AV_UNKNOWN;
	return AV_DOWN; /* offline, unreachable, stale */
}

int
report_build_availability(struct report *r, sqlite3 *h, char *err, size_t errsz)
{
	struct avail_acc dev = {NULL, 0, 0}, site = {NULL, 0, 0};
	struct report_table *td, *ts;
	char sname[64] = "", dname[64] = "", type[16] = "";
	const char *s, *d;
	int64_t lo, hi, end;
	sqlite3_stmt *st = NULL;
	int rc, first = 1;

	end = r->to != 0 && r->to < r->now ? r->to : r->now;
	if ((td = report_add_table(r, "by_device", "Per perangkat per bulan",
	                           "Per device per month", avail_device_cols,
	                           NC(avail_device_cols))) == NULL ||
	    (ts = report_add_table(r, "by_site", "Per lokasi per bulan",
	                           "Per site per month", avail_site_cols,
	                           NC(avail_site_cols))) == NULL)
		goto nomem;
	td = &r->tables[0]; /* the second add may have moved the first */
	td->group_col = 0;
	ts->chart_label = 0;
	ts->chart_value = 7;
	r->note_id = "Ketersediaan = aktif / (aktif + mati); waktu tak "
	             "diketahui tidak dihitung.";
	r->note_en = "Availability = online / (online + down); unknown time "
	             "is not counted.";
	if (sqlite3_prepare_v2(h, avail_sql, -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, r->site, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, r->from);
	sqlite3_bind_int64(st, 3, r->to);
	sqlite3_bind_int64(st, 4, r->now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(st, 0);
		d = (const char *)sqlite3_column_text(st, 1);
		if (first || strcmp(s, sname) != 0 || strcmp(d, dname) != 0) {
			if (!first && avail_flush(td, &dev, &site, sname, dname,
			                          type) == -1)
				goto nomem;
			if (!first && strcmp(s, sname) != 0 &&
			    avail_flush_site(ts, &site, sname) == -1)
				goto nomem;
			first = 0;
			snprintf(sname, sizeof(sname), "%s", s);
			snprintf(dname, sizeof(dname), "%s", d);
			snprintf(type, sizeof(type), "%s",
			         (const char *)sqlite3_column_text(st, 2));
		}
		lo = sqlite3_column_int64(st, 4);
		hi = sqlite3_column_int64(st, 5);
		if (lo < r->from)
			lo = r->from;
		if (hi > end)
			hi = end;
		if (avail_add(
		        &dev,
		        avail_state((const char *)sqlite3_column_text(st, 3)),
		        lo, hi) == -1)
			goto nomem;
	}
	if (rc != SQLITE_DONE)
		goto dberr;
	if (!first && (avail_flush(td, &dev, &site, sname, dname, type) == -1 ||
	               avail_flush_site(ts, &site, sname) == -1))
		goto nomem;
	sqlite3_finalize(st);
	free(dev.m);
	free(site.m);
	report_progress(r, "devices", 1, 1);
	/* the site's internet link (report_internet.c) */
	return report_internet_tables(r, h, err, errsz);

dberr:
	log_err("report availability: %s", sqlite3_errmsg(h));
	snprintf(err, errsz, "report availability: %s", sqlite3_errmsg(h));
	goto fail;
nomem:
	snprintf(err, errsz, "out of memory");
fail:
	sqlite3_finalize(st);
	free(dev.m);
	free(site.m);
	return -1;
}
