/*
 * asset.c: what the asset register computes without the database: type
 * names, tag validation, useful lives ([assets] in the configuration) and
 * straight-line book values (asset.h, docs/assets.md).
 *
 * Book values are integer rupiah computed from calendar dates, so a
 * report prints the same number on every machine and a secretary can
 * check it by hand.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "collector/asset.h"
#include "common/conf.h"
#include "common/timeutil.h"

static const char *const asset_type_names[ASSET_NTYPES] = {
    [ASSET_PC] = "pc",
    [ASSET_PRINTER] = "printer",
    [ASSET_PROJECTOR] = "projector",
    [ASSET_SWITCH] = "switch",
    [ASSET_CAMERA] = "camera",
    [ASSET_NETWORK] = "network",
    [ASSET_FURNITURE] = "furniture",
    [ASSET_OTHER] = "other",
};

/*
 * Default useful lives (years): the table of masa manfaat used with the
 * central government's depreciation rules (PMK 1/PMK.06/2013, amended by
 * PMK 65/PMK.06/2017): "peralatan komputer" (computer units, peripherals
 * such as printers, network equipment) 4 years; "alat studio" and "alat
 * komunikasi" (projectors, cameras) 5; "alat kantor dan rumah tangga"
 * (furniture) 5.  Regencies may set their own in a Perkada: [assets].
 */
static const unsigned asset_life_default[ASSET_NTYPES] = {
    [ASSET_PC] = 4,        [ASSET_PRINTER] = 4, [ASSET_PROJECTOR] = 5,
    [ASSET_SWITCH] = 4,    [ASSET_CAMERA] = 5,  [ASSET_NETWORK] = 4,
    [ASSET_FURNITURE] = 5, [ASSET_OTHER] = 5,
};

/* The lives in force; written by the event loop, read by HTTP. */
static _Atomic unsigned asset_life_cur[ASSET_NTYPES];

const char *
asset_type_name(enum asset_type t)
{
	return (unsigned)t < ASSET_NTYPES ? asset_type_names[t] : "other";
}

int
asset_type_parse(const char *s, enum asset_type *out)
{
	for (int i = 0; i < ASSET_NTYPES; i++) {
		if (strcmp(s, asset_type_names[i]) == 0) {
			*out = (enum asset_type)i;
			return 0;
		}
	}
	return -1;
}

int
asset_tag_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= ASSET_TAG_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                 "0123456789._-:") == n;
}

/* "YYYY-MM-DD" into its parts; 0, or -1 when it is not a real date. */
static int
asset_date_parts(const char *s, int *y, int *m, int *d)
{
	int64_t t;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    time_parse_iso(s, &t) == -1 ||
	    sscanf(s, "%4d-%2d-%2d", y, m, d) != 3)
		return -1;
	return 0;
}

int64_t
asset_book_value(int64_t price_idr, const char *purchase_date,
                 unsigned life_years, const char *at_date)
{
	int py, pm, pd, ay, am, ad;
	int64_t months, life_months;

	if (price_idr < 0 || life_years == 0 ||
	    asset_date_parts(purchase_date, &py, &pm, &pd) == -1 ||
	    asset_date_parts(at_date, &ay, &am, &ad) == -1)
		return -1;
	/* whole months: 15 Jan to 14 Feb is 0, to 15 Feb is 1 */
	months = (int64_t)(ay - py) * 12 + (am - pm);
	if (ad < pd)
		months--;
	if (months <= 0)
		return price_idr;
	life_months = (int64_t)life_years * 12;
	if (months >= life_months)
		return 0;
	/* price < 2^63 / 1200 for any sane rupiah amount; guard anyway */
	if (price_idr > INT64_MAX / life_months)
		return price_idr - (price_idr / life_months) * months;
	return price_idr - price_idr * months / life_months;
}

void
asset_lives_default(struct asset_lives *l)
{
	memcpy(l->years, asset_life_default, sizeof l->years);
}

void
asset_config_parse(const struct conf_section *s, struct asset_lives *l,
                   struct conf_err *errs)
{
	static const char *const keys[] = {
	    "life_pc",        "life_printer", "life_projector",
	    "life_switch",    "life_camera",  "life_network",
	    "life_furniture", "life_other",   NULL};
	long v;

	asset_lives_default(l);
	if (s == NULL)
		return;
	conf_check_keys(s, keys, errs);
	for (int i = 0; i < ASSET_NTYPES; i++) {
		v = l->years[i];
		if (conf_get_int(s, keys[i], 1, 100, &v, errs) == 1)
			l->years[i] = (unsigned)v;
	}
}

void
asset_config_check(const struct conf_section *s, struct collector_conf *cf,
                   struct conf_err *errs)
{
	struct asset_lives l;

	(void)cf;
	asset_config_parse(s, &l, errs);
}

void
asset_lives_load(const struct conf *raw)
{
	struct conf_err errs = {0};
	struct asset_lives l;

	asset_config_parse(raw != NULL ? conf_find(raw, "assets", NULL) : NULL,
	                   &l, &errs);
	conf_err_clear(&errs);
	asset_lives_set(&l);
}

void
asset_lives_set(const struct asset_lives *l)
{
	for (int i = 0; i < ASSET_NTYPES; i++)
		atomic_store_explicit(&asset_life_cur[i], l->years[i],
		                      memory_order_relaxed);
}

unsigned
asset_life_years(const char *type)
{
	enum asset_type t = ASSET_OTHER;
	unsigned v;

	if (type != NULL)
		asset_type_parse(type, &t);
	v = atomic_load_explicit(&asset_life_cur[t], memory_order_relaxed);
	return v != 0 ? v : asset_life_default[t];
}

int64_t
asset_book_value_now(const struct asset *a, int64_t now)
{
	char today[32], from[16];

	if (time_format_iso(now, today, sizeof today) == NULL)
		return -1;
	today[10] = '\0';
	if (a->purchase_date[0] != '\0')
		snprintf(from, sizeof from, "%s", a->purchase_date);
	else
		snprintf(from, sizeof from, "%04d-01-01", a->budget_year);
	return asset_book_value(a->price_idr, from, asset_life_years(a->type),
	                        today);
}
