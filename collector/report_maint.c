/*
 * report_maint.c: the maintenance report (report.h) over the tickets of
 * migration 002 opened in the period: per site, per asset, every ticket,
 * and whether preventive maintenance was done on time.
 *
 * Time to repair is resolved_at - opened_at of fault tickets (resolved
 * or closed), in minutes; the mean is over those repaired.  Costs are
 * the tickets' cost_idr, whole Rupiah.  Preventive maintenance is on
 * time when its ticket (opened by the PM engine the day it fell due) was
 * resolved within a day, the rule by which pm.c calls a plan overdue.
 */
#include "config.h"

#include "collector/report.h"

#define NC(a) (sizeof(a) / sizeof((a)[0]))

/* tickets opened in the period, at the site asked */
#define MAINT_WHERE                                                            \
	"(?1 = '' OR site = ?1) AND (?2 = 0 OR opened_at >= ?2) AND "          \
	"(?3 = 0 OR opened_at < ?3)"
#define MAINT_DONE "coalesce(resolved_at, closed_at)"
#define MAINT_REPAIR                                                           \
	"CASE WHEN kind = 'fault' AND " MAINT_DONE " IS NOT NULL THEN "        \
	"(" MAINT_DONE " - opened_at) / 60 END"

static const struct report_col maint_site_cols[] = {
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"tickets", "Tiket", "Tickets", REPORT_INT, REPORT_SUM, 2, NULL, -1, -1},
    {"faults", "Gangguan", "Faults", REPORT_INT, REPORT_SUM, 2, NULL, -1, -1},
    {"preventive", "Preventif", "Preventive", REPORT_INT, REPORT_SUM, 2, NULL,
     -1, -1},
    {"requests", "Permintaan", "Requests", REPORT_INT, REPORT_SUM, 2, NULL, -1,
     -1},
    {"resolved", "Selesai", "Resolved", REPORT_INT, REPORT_SUM, 2, NULL, -1,
     -1},
    {"repaired", "Diperbaiki", "Repaired", REPORT_INT, REPORT_SUM | REPORT_HIDE,
     2, NULL, -1, -1},
    {"repair_min", "Waktu perbaikan", "Repair time", REPORT_MINUTES,
     REPORT_SUM | REPORT_HIDE, 2, NULL, -1, -1},
    {"mttr_min", "Rata-rata perbaikan", "Mean repair", REPORT_MINUTES,
     REPORT_SUM, 3, NULL, 7, 6},
    {"cost_idr", "Biaya", "Cost", REPORT_IDR, REPORT_SUM, 3, NULL, -1, -1},
};

static const char maint_site_sql[] =
    "SELECT site, count(*), sum(kind = 'fault'), sum(kind = 'preventive'), "
    "sum(kind = 'request'), sum(" MAINT_DONE " IS NOT NULL), "
    "count(" MAINT_REPAIR "), sum(" MAINT_REPAIR "), "
    "avg(" MAINT_REPAIR ") + 0.5, sum(cost_idr) FROM tickets WHERE " MAINT_WHERE
    " GROUP BY site ORDER BY site";

static const struct report_col maint_asset_cols[] = {
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"asset_tag", "Kode aset", "Asset tag", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"device", "Perangkat", "Device", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"tickets", "Tiket", "Tickets", REPORT_INT, REPORT_SUM, 2, NULL, -1, -1},
    {"faults", "Gangguan", "Faults", REPORT_INT, REPORT_SUM, 2, NULL, -1, -1},
    {"repaired", "Diperbaiki", "Repaired", REPORT_INT, REPORT_SUM | REPORT_HIDE,
     2, NULL, -1, -1},
    {"repair_min", "Waktu perbaikan", "Repair time", REPORT_MINUTES, REPORT_SUM,
     3, NULL, -1, -1},
    {"parts", "Suku cadang", "Parts", REPORT_TEXT, 0, 4, NULL, -1, -1},
    {"cost_idr", "Biaya", "Cost", REPORT_IDR, REPORT_SUM, 3, NULL, -1, -1},
};

static const char maint_asset_sql[] =
    "SELECT site, asset_tag, max(device), count(*), sum(kind = 'fault'), "
    "count(" MAINT_REPAIR "), sum(" MAINT_REPAIR "), "
    "nullif(group_concat(nullif(parts, ''), '; '), ''), sum(cost_idr) "
    "FROM (SELECT * FROM tickets WHERE " MAINT_WHERE " ORDER BY id) "
    "GROUP BY site, asset_tag ORDER BY site, asset_tag";

static const struct report_col maint_ticket_cols[] = {
    {"id", "No.", "No.", REPORT_INT, 0, 1, NULL, -1, -1},
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"device", "Perangkat", "Device", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"asset_tag", "Kode aset", "Asset tag", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"kind", "Jenis", "Kind", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"state", "Status", "State", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"title", "Judul", "Title", REPORT_TEXT, 0, 4, NULL, -1, -1},
    {"opened", "Dibuka", "Opened", REPORT_DATE, 0, 3, NULL, -1, -1},
    {"resolved", "Selesai", "Resolved", REPORT_DATE, 0, 3, NULL, -1, -1},
    {"repair_min", "Perbaikan", "Repair", REPORT_MINUTES, REPORT_SUM, 2, NULL,
     -1, -1},
    {"parts", "Suku cadang", "Parts", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"cost_idr", "Biaya", "Cost", REPORT_IDR, REPORT_SUM, 3, NULL, -1, -1},
};

static const char maint_ticket_sql[] =
    "SELECT id, site, device, asset_tag, kind, state, title, "
    "date(opened_at, 'unixepoch', 'localtime'), "
    "date(" MAINT_DONE ", 'unixepoch', 'localtime'), " MAINT_REPAIR ", "
    "nullif(parts, ''), cost_idr FROM tickets WHERE " MAINT_WHERE
    " ORDER BY site, id";

static const struct report_col maint_pm_cols[] = {
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"planned", "Jatuh tempo", "Fell due", REPORT_INT, REPORT_SUM, 2, NULL, -1,
     -1},
    {"done", "Dikerjakan", "Done", REPORT_INT, REPORT_SUM, 2, NULL, -1, -1},
    {"on_time", "Tepat waktu", "On time", REPORT_INT, REPORT_SUM, 2, NULL, -1,
     -1},
    {"on_time_bp", "% tepat waktu", "% on time", REPORT_PCT, REPORT_SUM, 2,
     NULL, 3, 1},
};

static const char maint_pm_sql[] =
    "SELECT site, count(*), sum(" MAINT_DONE " IS NOT NULL), "
    "sum(" MAINT_DONE " IS NOT NULL AND " MAINT_DONE " - opened_at < 86400), "
    "(sum(" MAINT_DONE " IS NOT NULL AND " MAINT_DONE " - opened_at < "
    "86400) * 10000 + count(*) / 2) / count(*) "
    "FROM tickets WHERE kind = 'preventive' AND " MAINT_WHERE
    " GROUP BY site ORDER BY site";

int
report_build_maintenance(struct report *r, sqlite3 *h, char *err, size_t errsz)
{
	static const struct {
		const char *key, *title_id, *title_en;
		const struct report_col *cols;
		size_t ncols;
		const char *sql;
		int group;
	} tabs[] = {
	    {"by_site", "Per lokasi", "Per site", maint_site_cols,
	     NC(maint_site_cols), maint_site_sql, -1},
	    {"by_asset", "Per aset", "Per asset", maint_asset_cols,
	     NC(maint_asset_cols), maint_asset_sql, 0},
	    {"tickets", "Tiket", "Tickets", maint_ticket_cols,
	     NC(maint_ticket_cols), maint_ticket_sql, 1},
	    {"pm", "Pemeliharaan preventif tepat waktu",
	     "Preventive maintenance on time", maint_pm_cols, NC(maint_pm_cols),
	     maint_pm_sql, -1},
	};
	struct report_table *t;
	size_t i;

	if (!report_has_table(h, "tickets")) {
		snprintf(err, errsz, "the database has no tickets yet");
		return -1;
	}
	r->csv_table = "tickets";
	r->note_id = "Tiket yang dibuka dalam periode. Perbaikan: dari dibuka "
	             "sampai selesai (tiket gangguan). Preventif tepat "
	             "waktu: selesai dalam 1 hari setelah jatuh tempo.";
	r->note_en = "Tickets opened in the period. Repair: opened to resolved "
	             "(fault tickets). Preventive on time: done within a day "
	             "of falling due.";
	for (i = 0; i < NC(tabs); i++) {
		if ((t = report_add_table(r, tabs[i].key, tabs[i].title_id,
		                          tabs[i].title_en, tabs[i].cols,
		                          tabs[i].ncols)) == NULL) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		t->group_col = tabs[i].group;
		if (report_fill_sql(t, h, tabs[i].sql, r, err, errsz) == -1)
			return -1;
		report_progress(r, "tables", i + 1, NC(tabs));
	}
	r->tables[0].chart_label = 0;
	r->tables[0].chart_value = 9;
	return 0;
}
