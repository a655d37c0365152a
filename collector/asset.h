/*
 * asset.h: the asset register (issue 8, DESIGN.md section 9,
 * docs/assets.md).
 *
 * One row per inventory item bought with public money, with the fields of
 * the register CSV; its condition (B baik, KB kurang baik, RB rusak berat),
 * moves and disposal are recorded in a history; it may be linked to the
 * monitored device it is.  Book values use straight-line depreciation over
 * a useful life per asset type.
 *
 * Database functions work on any writable struct db (the event loop's,
 * pantauctl's, or the HTTP thread's http_req_db_rw()) and return
 * ASSET_OK (0), ASSET_NOTFOUND (no such asset) or ASSET_ERR (-1, a
 * database error logged by db.c).  Several-row changes run in a
 * savepoint: nothing is half done.
 */
#ifndef PANTAU_COLLECTOR_ASSET_H
#define PANTAU_COLLECTOR_ASSET_H

#include <stddef.h>
#include <stdint.h>

struct collector_conf;
struct conf;
struct conf_err;
struct conf_section;
struct db;

#define ASSET_OK 0
#define ASSET_ERR (-1)
#define ASSET_NOTFOUND 1

#define ASSET_TAG_MAX 64   /* bytes of a tag, without NUL */
#define ASSET_TEXT_MAX 255 /* bytes of the other text fields */

/* The asset types of DESIGN.md section 9, in this order. */
enum asset_type {
	ASSET_PC,
	ASSET_PRINTER,
	ASSET_PROJECTOR,
	ASSET_SWITCH,
	ASSET_CAMERA,
	ASSET_NETWORK,
	ASSET_FURNITURE,
	ASSET_OTHER,
	ASSET_NTYPES
};

/* One asset.  Text that is not known is "" (dates too). */
struct asset {
	char tag[ASSET_TAG_MAX + 1];
	char name[ASSET_TEXT_MAX + 1];
	char type[16];
	char brand[ASSET_TEXT_MAX + 1];
	char model[ASSET_TEXT_MAX + 1];
	char serial[ASSET_TEXT_MAX + 1];
	char site[64];
	char room[ASSET_TEXT_MAX + 1];
	char funding[ASSET_TEXT_MAX + 1];
	int budget_year;
	char purchase_date[11]; /* YYYY-MM-DD */
	int64_t price_idr;
	char supplier[ASSET_TEXT_MAX + 1];
	char warranty_until[11];
	char condition[3];   /* "B", "KB", "RB" */
	char device[64];     /* "" when not linked */
	int64_t disposed_at; /* 0: in service */
	char disposal_note[ASSET_TEXT_MAX + 1];
	int64_t created_at, updated_at;
};

/* asset.c: names, validation, useful lives, book value. */

const char *asset_type_name(enum asset_type t);            /* "pc", ... */
int asset_type_parse(const char *s, enum asset_type *out); /* 0 or -1 */

/* True when 's' is a tag: 1..64 bytes of A-Z a-z 0-9 . _ - : */
int asset_tag_valid(const char *s);

/*
 * Straight-line book value in rupiah at 'at_date' ("YYYY-MM-DD") of an
 * asset bought for 'price_idr' on 'purchase_date': the price less
 * price * m / (12 * life_years), where m is the number of whole months
 * from the purchase date to at_date (the depreciation is rounded down to
 * the rupiah, so the book value rounds up), and 0 from the end of the
 * useful life on; no residual value (government assets).  Before the
 * purchase date the price.  Returns -1 for a bad date, a negative price
 * or life_years 0.  Pure: the reports call it.
 */
int64_t asset_book_value(int64_t price_idr, const char *purchase_date,
                         unsigned life_years, const char *at_date);

/*
 * Useful lives in years per type.  The defaults (docs/assets.md) follow
 * the useful-life table of the central government's depreciation rules
 * (PMK 1/PMK.06/2013 as amended by PMK 65/PMK.06/2017): computer units and
 * peripherals, network equipment 4 years; studio and communication
 * equipment (projectors, cameras), office furniture and the rest 5 years.
 * [assets] life_<type> = N overrides one (asset_config_parse).
 */
struct asset_lives {
	unsigned years[ASSET_NTYPES];
};

void asset_lives_default(struct asset_lives *l);

/*
 * Checks an [assets] section (NULL: none) into *l, starting from the
 * defaults; errors go to 'errs' as FILE:LINE: message.
 */
void asset_config_parse(const struct conf_section *s, struct asset_lives *l,
                        struct conf_err *errs);

/*
 * config.c's handler of [assets]: checks it (asset_config_parse); 'cf' is
 * not touched (the lives are read with asset_lives_load).
 */
void asset_config_check(const struct conf_section *s, struct collector_conf *cf,
                        struct conf_err *errs);

/* Applies the [assets] section of a validated configuration (none: the
 * defaults) as the lives in force (asset_lives_set). */
void asset_lives_load(const struct conf *raw);

/*
 * The lives in force for this process (the collector sets them at start
 * and on reload; the HTTP thread reads them).  Defaults until set.
 */
void asset_lives_set(const struct asset_lives *l);
unsigned asset_life_years(const char *type); /* 5 for an unknown type */

/*
 * The book value of 'a' on the UTC day of 'now' with the lives in force;
 * an asset without purchase date counts from 1 January of its budget
 * year.  -1 when the dates are unusable.
 */
int64_t asset_book_value_now(const struct asset *a, int64_t now);

/* asset_db.c: the register in the database. */

/*
 * Inserts 'a' (*created 1) or replaces the stored fields of its tag
 * (*created 0), recording condition, site, room and device changes in the
 * history.  disposed_at, disposal_note and created_at are kept.  The
 * caller validated 'a' (asset_csv_check_row or the API).
 */
int asset_put(struct db *db, const struct asset *a, const char *actor,
              int64_t now, int *created);

int asset_get(struct db *db, const char *tag, struct asset *out);

/* List filters; NULL fields do not filter.  'q' matches tag, name, brand,
 * model, serial and room (substring, case-insensitive for ASCII). */
struct asset_filter {
	const char *site, *type, *funding, *condition, *q;
	int disposed; /* 0 in service only, 1 also disposed */
};

/* The matching assets by site and tag; *out malloc'd, the caller frees. */
int asset_list(struct db *db, const struct asset_filter *f, struct asset **out,
               size_t *n);

/*
 * Links the asset to site/device (the asset moves to that site if it was
 * elsewhere), drops its suggestions; device NULL unlinks.  A device
 * already linked to another asset is moved over (that asset is unlinked,
 * both recorded).
 */
int asset_link(struct db *db, const char *tag, const char *site,
               const char *device, const char *actor, int64_t now);

int asset_set_condition(struct db *db, const char *tag, const char *cond,
                        const char *note, const char *actor, int64_t now);
/* 'room' NULL keeps the room; a move to another site unlinks the device. */
int asset_move(struct db *db, const char *tag, const char *site,
               const char *room, const char *note, const char *actor,
               int64_t now);
int asset_dispose(struct db *db, const char *tag, const char *note,
                  const char *actor, int64_t now);

struct asset_event {
	int64_t ts;
	char actor[64];
	char field[16];
	char old[ASSET_TEXT_MAX + 1];
	char new_[ASSET_TEXT_MAX + 1];
	char note[ASSET_TEXT_MAX + 1];
};

/* The history, oldest first; *out malloc'd. */
int asset_history(struct db *db, const char *tag, struct asset_event **out,
                  size_t *n);

struct asset_suggestion {
	char site[64];
	char device[64];
	char reason[ASSET_TEXT_MAX + 1];
	int64_t ts;
};

int asset_suggestions(struct db *db, const char *tag,
                      struct asset_suggestion **out, size_t *n);

/*
 * The inventory hook (ingest.c): when the inventory JSON of site/device
 * names a serial number (serial, dmi.serial) or a MAC address
 * (interfaces[].mac) equal to an asset's serial, and that asset is not
 * linked to this device, a suggestion is stored.  Returns the number of
 * suggestions stored, or -1.
 */
int asset_suggest_inventory(struct db *db, const char *site, const char *device,
                            const char *json, int64_t now);

/* One ticket of an asset's maintenance history. */
struct asset_ticket {
	int64_t id;
	char kind[16];
	char state[16];
	char title[ASSET_TEXT_MAX + 1];
	int64_t opened_at, resolved_at;
	int64_t cost_idr;
	char parts[ASSET_TEXT_MAX + 1];
};

/*
 * Every ticket of the asset (by asset_tag, or its linked device while it
 * had no tag), newest first, and the sum of their costs.
 */
int asset_tickets(struct db *db, const char *tag, struct asset_ticket **out,
                  size_t *n, int64_t *cost_idr);

#endif
