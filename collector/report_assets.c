/*
 * report_assets.c: the asset register (report.h) for the auditor: every
 * asset in service, with its purchase value and book value, and the
 * summary by site, type, funding source and budget year with the count
 * per condition (B baik, KB kurang baik, RB rusak berat).
 *
 * The book value is asset_book_value() (collector/asset.h) at the last
 * day of the period (today when the period is open), with the useful
 * lives in force ([assets] of the configuration, asset_life_years); an asset
 * without purchase date counts from 1 January of its budget year, as asset.c
 * does.  Assets disposed before that day are not in the register.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "collector/asset.h"
#include "collector/report.h"

#define NC(a) (sizeof(a) / sizeof((a)[0]))

static const struct report_col asset_list_cols[] = {
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"tag", "Kode barang", "Tag", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"name", "Nama", "Name", REPORT_TEXT, 0, 4, NULL, -1, -1},
    {"type", "Jenis", "Type", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"room", "Ruang", "Room", REPORT_TEXT, REPORT_HIDE, 2, NULL, -1, -1},
    {"funding", "Sumber dana", "Funding", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"budget_year", "Tahun", "Year", REPORT_TEXT, 0, 1, NULL, -1, -1},
    {"purchase_date", "Tgl. beli", "Purchased", REPORT_TEXT, REPORT_HIDE, 2,
     NULL, -1, -1},
    {"price_idr", "Harga beli", "Price", REPORT_IDR, REPORT_SUM, 3, NULL, -1,
     -1},
    {"book_idr", "Nilai buku", "Book value", REPORT_IDR, REPORT_SUM, 3, NULL,
     -1, -1},
    {"condition", "Kondisi", "Condition", REPORT_TEXT, 0, 1, NULL, -1, -1},
    {"device", "Perangkat", "Device", REPORT_TEXT, REPORT_HIDE, 2, NULL, -1,
     -1},
};

enum {
	AL_SITE,
	AL_TAG,
	AL_NAME,
	AL_TYPE,
	AL_ROOM,
	AL_FUNDING,
	AL_YEAR,
	AL_PURCHASE,
	AL_PRICE,
	AL_BOOK,
	AL_COND,
	AL_DEVICE
};

static const struct report_col asset_sum_cols[] = {
    {"site", "Lokasi", "Site", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"type", "Jenis", "Type", REPORT_TEXT, 0, 2, NULL, -1, -1},
    {"funding", "Sumber dana", "Funding", REPORT_TEXT, 0, 3, NULL, -1, -1},
    {"budget_year", "Tahun", "Year", REPORT_TEXT, 0, 1, NULL, -1, -1},
    {"count", "Jumlah", "Count", REPORT_INT, REPORT_SUM, 1, NULL, -1, -1},
    {"price_idr", "Harga beli", "Price", REPORT_IDR, REPORT_SUM, 3, NULL, -1,
     -1},
    {"book_idr", "Nilai buku", "Book value", REPORT_IDR, REPORT_SUM, 3, NULL,
     -1, -1},
    {"cond_b", "B", "B", REPORT_INT, REPORT_SUM, 1, NULL, -1, -1},
    {"cond_kb", "KB", "KB", REPORT_INT, REPORT_SUM, 1, NULL, -1, -1},
    {"cond_rb", "RB", "RB", REPORT_INT, REPORT_SUM, 1, NULL, -1, -1},
};

/* assets in service at the end ?3 of the period (open: today) */
static const char asset_sql[] =
    "SELECT site, tag, name, type, room, funding, budget_year, "
    "purchase_date, price_idr, 0, condition, device FROM assets "
    "WHERE (?1 = '' OR site = ?1) AND (disposed_at IS NULL OR "
    "(?3 <> 0 AND disposed_at >= ?3)) "
    "ORDER BY site, type, funding, budget_year, tag";

static int
asset_text_eq(const struct report_cell *a, const struct report_cell *b)
{
	return strcmp(a->s != NULL ? a->s : "", b->s != NULL ? b->s : "") == 0;
}

/* The summary: consecutive register rows of one site/type/funding/year. */
static int
asset_summary(struct report_table *sum, const struct report_table *list)
{
	static const size_t keys[] = {AL_SITE, AL_TYPE, AL_FUNDING, AL_YEAR};
	const struct report_cell *row, *prev = NULL;
	struct report_cell *out = NULL;
	const char *c;
	size_t i, k;

	for (i = 0; i < list->nrows; i++) {
		row = report_cell(list, i, 0);
		for (k = 0; prev != NULL && k < NC(keys); k++)
			if (!asset_text_eq(&row[keys[k]], &prev[keys[k]]))
				break;
		if (prev == NULL || k < NC(keys)) {
			if ((out = report_add_row(sum)) == NULL)
				return -1;
			for (k = 0; k < NC(keys); k++)
				if (report_set_text(out, k, row[keys[k]].s) ==
				    -1)
					return -1;
			for (k = 4; k < sum->ncols; k++)
				report_set_int(out, k, 0);
		}
		out[4].i++;
		out[5].i += row[AL_PRICE].i;
		out[6].i += row[AL_BOOK].i;
		c = row[AL_COND].s != NULL ? row[AL_COND].s : "";
		out[strcmp(c, "RB") == 0   ? 9
		    : strcmp(c, "KB") == 0 ? 8
		                           : 7]
		    .i++;
		prev = row;
	}
	return 0;
}

int
report_build_assets(struct report *r, sqlite3 *h, char *err, size_t errsz)
{
	struct report_table *list, *sum;
	struct report_cell *row;
	enum asset_type type;
	char at[16], from[16];
	const char *pd;
	int64_t end, book;
	time_t tt;
	struct tm tm;
	size_t i;

	if (!report_has_table(h, "assets")) {
		snprintf(err, errsz, "the database has no asset register yet");
		return -1;
	}
	/* the register on the last day of the period */
	end = r->to != 0 ? r->to : r->now;
	tt = (time_t)(end - 1);
	localtime_r(&tt, &tm);
	strftime(at, sizeof(at), "%Y-%m-%d", &tm);
	r->note_id = "Nilai buku: garis lurus tanpa nilai sisa, per hari "
	             "terakhir periode. Kondisi: B baik, KB kurang baik, RB "
	             "rusak berat.";
	r->note_en = "Book value: straight line, no residual value, on the "
	             "last day of the period. Condition: B good, KB fair, RB "
	             "broken.";
	if ((sum = report_add_table(
	         r, "summary", "Ringkasan per jenis, sumber dana, tahun",
	         "Summary by type, funding, year", asset_sum_cols,
	         NC(asset_sum_cols))) == NULL ||
	    (list = report_add_table(r, "assets", "Daftar aset",
	                             "Asset register", asset_list_cols,
	                             NC(asset_list_cols))) == NULL)
		goto nomem;
	sum = &r->tables[0]; /* the second add may have moved it */
	r->csv_table = "assets";
	if (report_fill_sql(list, h, asset_sql, r, err, errsz) == -1)
		return -1;
	for (i = 0; i < list->nrows; i++) {
		row = &list->cells[i * list->ncols];
		pd = row[AL_PURCHASE].s;
		if (pd == NULL || pd[0] == '\0') {
			snprintf(from, sizeof(from), "%.4s-01-01",
			         row[AL_YEAR].s != NULL ? row[AL_YEAR].s : "");
			pd = from;
		}
		book = -1;
		if (row[AL_TYPE].s != NULL &&
		    asset_type_parse(row[AL_TYPE].s, &type) == 0)
			book = asset_book_value(
			    row[AL_PRICE].i, pd,
			    asset_life_years(row[AL_TYPE].s), at);
		if (book < 0)
			row[AL_BOOK].null = 1;
		else
			report_set_int(row, AL_BOOK, book);
	}
	if (asset_summary(sum, list) == -1)
		goto nomem;
	sum->group_col = 0;
	list->group_col = 0;
	report_progress(r, "assets", 1, 1);
	return 0;

nomem:
	snprintf(err, errsz, "out of memory");
	return -1;
}
