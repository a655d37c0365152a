/*
 * asset_csv.c: the register's CSV import and export (asset_csv.h,
 * docs/assets.md).
 *
 * libcsv splits the records (quotes, embedded commas and newlines);
 * everything after that is checked here, column by column, and every
 * problem of every row is reported before anything is stored: the
 * secretary fixes the file once, not once per error.  The messages name
 * the row as a spreadsheet numbers it (the header is row 1) and the
 * column as the file's header spells it.
 *
 * Accepted beyond the canonical form, because that is what Indonesian
 * spreadsheets hold: the header aliases below, dates as DD/MM/YYYY or
 * DD-MM-YYYY, amounts as "Rp 12.500.000" or "12.500.000,00", conditions
 * spelled out ("baik", "kurang baik", "rusak berat").  The export writes
 * the canonical form only, so export -> import -> export is stable.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <csv.h>

#include "collector/asset.h"
#include "collector/asset_csv.h"
#include "collector/asset_priv.h"
#include "common/names.h"
#include "common/timeutil.h"

#define CSV_FILE_MAX (64 * 1024 * 1024)
#define CSV_FIELDS_MAX 64

enum csv_col {
	C_TAG,
	C_NAME,
	C_TYPE,
	C_BRAND,
	C_MODEL,
	C_SERIAL,
	C_SITE,
	C_ROOM,
	C_FUNDING,
	C_BUDGET_YEAR,
	C_PURCHASE_DATE,
	C_PRICE,
	C_SUPPLIER,
	C_WARRANTY,
	C_CONDITION,
	C_DEVICE,
	C_NCOLS,
	C_IGNORED = -2,
	C_UNKNOWN = -1
};

/* The canonical names, in export order (DESIGN.md section 9). */
static const char *const csv_names[C_NCOLS] = {
    "tag",      "name",           "type",          "brand",
    "model",    "serial",         "site",          "room",
    "funding",  "budget_year",    "purchase_date", "price_idr",
    "supplier", "warranty_until", "condition",     "device",
};

/* Columns a row cannot do without. */
static const int csv_required[C_NCOLS] = {
    [C_TAG] = 1,     [C_NAME] = 1,        [C_TYPE] = 1,  [C_SITE] = 1,
    [C_FUNDING] = 1, [C_BUDGET_YEAR] = 1, [C_PRICE] = 1, [C_CONDITION] = 1,
};

/*
 * Header aliases, compared after lower-casing and turning '_' and runs of
 * spaces into one space.  "no" and "keterangan" (row number and remarks
 * of a KIR sheet) are read and ignored.
 */
static const struct {
	const char *alias;
	int col;
} csv_aliases[] = {
    {"tag", C_TAG},
    {"kode barang", C_TAG},
    {"nomor register", C_TAG},
    {"no register", C_TAG},
    {"name", C_NAME},
    {"nama", C_NAME},
    {"nama barang", C_NAME},
    {"type", C_TYPE},
    {"jenis", C_TYPE},
    {"jenis barang", C_TYPE},
    {"brand", C_BRAND},
    {"merk", C_BRAND},
    {"merek", C_BRAND},
    {"model", C_MODEL},
    {"tipe", C_MODEL},
    {"serial", C_SERIAL},
    {"nomor seri", C_SERIAL},
    {"no seri", C_SERIAL},
    {"site", C_SITE},
    {"lokasi", C_SITE},
    {"room", C_ROOM},
    {"ruang", C_ROOM},
    {"ruangan", C_ROOM},
    {"funding", C_FUNDING},
    {"sumber dana", C_FUNDING},
    {"budget year", C_BUDGET_YEAR},
    {"tahun anggaran", C_BUDGET_YEAR},
    {"purchase date", C_PURCHASE_DATE},
    {"tanggal pembelian", C_PURCHASE_DATE},
    {"tanggal perolehan", C_PURCHASE_DATE},
    {"price idr", C_PRICE},
    {"price", C_PRICE},
    {"harga", C_PRICE},
    {"harga perolehan", C_PRICE},
    {"supplier", C_SUPPLIER},
    {"pemasok", C_SUPPLIER},
    {"penyedia", C_SUPPLIER},
    {"warranty until", C_WARRANTY},
    {"garansi", C_WARRANTY},
    {"condition", C_CONDITION},
    {"kondisi", C_CONDITION},
    {"keadaan", C_CONDITION},
    {"device", C_DEVICE},
    {"perangkat", C_DEVICE},
    {"no", C_IGNORED},
    {"keterangan", C_IGNORED},
};

/* A tag and the row it was first met on. */
struct csv_seen {
	char tag[ASSET_TAG_MAX + 1];
	char site[64], device[64];
	size_t row;
};

/* What the libcsv callbacks build: the current record's fields. */
struct csv_state {
	char *field[CSV_FIELDS_MAX];
	size_t len[CSV_FIELDS_MAX];
	size_t nfields, extra; /* extra: fields beyond CSV_FIELDS_MAX */
	size_t row;            /* records seen, 1 = header */
	int map[CSV_FIELDS_MAX];
	char head[CSV_FIELDS_MAX][64];
	size_t ncols;
	size_t tag_col; /* the tag's column, for "repeated" */
	size_t dev_col; /* the device's column */
	int nomem;
	struct asset *rows;
	size_t nrows, cap;
	struct csv_seen *seen; /* every tag met, valid row or not */
	size_t nseen, seencap;
	struct asset_csv_errors *errs;
};

void
asset_csv_errors_clear(struct asset_csv_errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->msg[i]);
	e->n = 0;
	e->more = 0;
}

static void csv_errorf(struct asset_csv_errors *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
csv_errorf(struct asset_csv_errors *e, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (e->n == ASSET_CSV_ERRORS_MAX) {
		e->more++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if ((e->msg[e->n] = strdup(buf)) == NULL)
		e->more++;
	else
		e->n++;
}

static void
csv_field_cb(void *s, size_t len, void *data)
{
	struct csv_state *cs = data;
	char *copy;

	if (cs->nfields == CSV_FIELDS_MAX) {
		cs->extra++;
		return;
	}
	if ((copy = malloc(len + 1)) == NULL) {
		cs->nomem = 1;
		copy = NULL;
	} else {
		memcpy(copy, s != NULL ? s : "", len);
		copy[len] = '\0';
	}
	cs->field[cs->nfields] = copy;
	cs->len[cs->nfields++] = len;
}

/* True when 's' (of 'len' bytes) is well-formed UTF-8 without NULs. */
static int
csv_utf8_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, need;
	unsigned c;

	while (i < len) {
		c = p[i];
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3;
		else
			return 0;
		for (k = 1; k <= need; k++)
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				return 0;
		/* overlong 3- and 4-byte forms, surrogates, > U+10FFFF */
		if ((c == 0xe0 && p[i + 1] < 0xa0) ||
		    (c == 0xed && p[i + 1] >= 0xa0) ||
		    (c == 0xf0 && p[i + 1] < 0x90) ||
		    (c == 0xf4 && p[i + 1] >= 0x90))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* The header name normalised for the alias table. */
static void
csv_header_norm(const char *in, char *out, size_t outsz)
{
	size_t n = 0;
	int space = 0;

	for (; *in != '\0' && n + 1 < outsz; in++) {
		if (*in == '_' || *in == ' ' || *in == '\t' || *in == '.') {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < outsz)
			out[n++] = ' ';
		space = 0;
		out[n++] = (char)tolower((unsigned char)*in);
	}
	out[n] = '\0';
}

static void
csv_header(struct csv_state *cs)
{
	int seen[C_NCOLS];
	char norm[64];
	size_t i, j;

	for (i = 0; i < C_NCOLS; i++)
		seen[i] = -1;
	cs->ncols = cs->nfields;
	for (i = 0; i < cs->nfields; i++) {
		const char *h = cs->field[i] ? cs->field[i] : "";

		snprintf(cs->head[i], sizeof cs->head[i], "%s", h);
		csv_header_norm(h, norm, sizeof norm);
		cs->map[i] = C_UNKNOWN;
		for (j = 0; j < sizeof csv_aliases / sizeof csv_aliases[0]; j++)
			if (strcmp(norm, csv_aliases[j].alias) == 0)
				cs->map[i] = csv_aliases[j].col;
		if (cs->map[i] == C_UNKNOWN) {
			csv_errorf(cs->errs, "row 1, column %s: unknown column",
			           cs->head[i][0] ? cs->head[i] : "(empty)");
			continue;
		}
		if (cs->map[i] < 0)
			continue;
		if (seen[cs->map[i]] >= 0) {
			csv_errorf(cs->errs,
			           "row 1, column %s: %s given twice "
			           "(also as %s)",
			           cs->head[i], csv_names[cs->map[i]],
			           cs->head[seen[cs->map[i]]]);
			cs->map[i] = C_IGNORED;
			continue;
		}
		seen[cs->map[i]] = (int)i;
		if (cs->map[i] == C_TAG)
			cs->tag_col = i;
		if (cs->map[i] == C_DEVICE)
			cs->dev_col = i;
	}
	for (i = 0; i < C_NCOLS; i++)
		if (csv_required[i] && seen[i] < 0)
			csv_errorf(cs->errs, "row 1, column %s: missing",
			           csv_names[i]);
}

/* "YYYY-MM-DD", "DD/MM/YYYY" or "DD-MM-YYYY" to ISO (11 bytes); 0 or -1. */
static int
csv_date(const char *s, char out[11])
{
	char iso[11];
	int64_t t;

	if (strlen(s) != 10)
		return -1;
	if (s[4] == '-') {
		memcpy(iso, s, 11);
	} else if ((s[2] == '/' && s[5] == '/') ||
	           (s[2] == '-' && s[5] == '-')) {
		memcpy(iso, s + 6, 4);
		iso[4] = '-';
		memcpy(iso + 5, s + 3, 2);
		iso[7] = '-';
		memcpy(iso + 8, s, 2);
		iso[10] = '\0';
	} else {
		return -1;
	}
	if (time_parse_iso(iso, &t) == -1)
		return -1;
	memcpy(out, iso, 11);
	return 0;
}

/*
 * Rupiah: optional "Rp"/"Rp.", digits with '.' or ',' separating groups
 * of three, optional ",00" (or ".00" with ',' groups).  0 or -1.
 */
static int
csv_rupiah(const char *s, int64_t *out)
{
	char buf[64], sep = 0, dec;
	size_t n, i, group = 0, digits = 0;
	int64_t v = 0;

	if (strncasecmp(s, "rp", 2) == 0) {
		s += 2;
		if (*s == '.')
			s++;
		while (*s == ' ')
			s++;
	}
	if ((n = strlen(s)) == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n + 1);
	/* a decimal part of zeros: ",00" or ",0" (or '.' after ',' groups) */
	for (i = n; i > 0 && buf[i - 1] == '0'; i--)
		;
	if (i > 0 && i < n && (buf[i - 1] == ',' || buf[i - 1] == '.') &&
	    n - i <= 2) {
		dec = buf[i - 1];
		if (strchr(buf, dec) == &buf[i - 1] &&
		    (dec == ',' || strchr(buf, ',') != NULL)) {
			buf[i - 1] = '\0';
			n = i - 1;
		}
	}
	for (i = 0; i < n; i++) {
		if (isdigit((unsigned char)buf[i])) {
			if (digits++ >= 15)
				return -1;
			v = v * 10 + (buf[i] - '0');
			group++;
			continue;
		}
		if (buf[i] != '.' && buf[i] != ',')
			return -1;
		if (sep != 0 && buf[i] != sep)
			return -1;
		/* first group 1..3 digits, later ones exactly 3 */
		if (group == 0 || group > 3 || (sep != 0 && group != 3))
			return -1;
		sep = buf[i];
		group = 0;
	}
	if (digits == 0 || (sep != 0 && group != 3))
		return -1;
	*out = v;
	return 0;
}

static int
csv_condition(const char *s, char *out, size_t outsz)
{
	static const struct {
		const char *in, *out;
	} names[] = {
	    {"b", "B"},    {"kb", "KB"},          {"rb", "RB"},
	    {"baik", "B"}, {"kurang baik", "KB"}, {"rusak berat", "RB"},
	};
	char norm[32];

	csv_header_norm(s, norm, sizeof norm);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(norm, names[i].in) == 0) {
			snprintf(out, outsz, "%s", names[i].out);
			return 0;
		}
	}
	return -1;
}

/* Copies 'v' into a text field; 0, or -1 with a message. */
static int
csv_text(const char *v, char *out, size_t outsz, char *err, size_t errsz)
{
	if (strlen(v) >= outsz) {
		snprintf(err, errsz, "longer than %zu bytes", outsz - 1);
		return -1;
	}
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

/* Checks one value of column 'col' into 'a'; 0, or -1 with a message. */
static int
csv_field(struct asset *a, int col, const char *v, char *err, size_t errsz)
{
	enum asset_type t;
	char *end;
	long y;

	if (v[0] == '\0') {
		if (!csv_required[col])
			return 0;
		snprintf(err, errsz, "required");
		return -1;
	}
	switch (col) {
	case C_TAG:
		if (asset_tag_valid(v))
			return csv_text(v, a->tag, sizeof a->tag, err, errsz);
		snprintf(err, errsz,
		         "'%s' is not a tag (1 to 64 of A-Z a-z 0-9 . _ - :)",
		         v);
		return -1;
	case C_TYPE:
		if (asset_type_parse(v, &t) == 0)
			return csv_text(v, a->type, sizeof a->type, err, errsz);
		snprintf(err, errsz,
		         "'%s' is not a type (pc, printer, projector, switch, "
		         "camera, network, furniture, other)",
		         v);
		return -1;
	case C_SITE:
	case C_DEVICE:
		if (name_id_valid(v))
			return csv_text(v, col == C_SITE ? a->site : a->device,
			                sizeof a->site, err, errsz);
		snprintf(err, errsz,
		         "'%s' is not a %s id (a-z, 0-9, '-', '_'; at most 63)",
		         v, col == C_SITE ? "site" : "device");
		return -1;
	case C_BUDGET_YEAR:
		errno = 0;
		y = strtol(v, &end, 10);
		if (*end == '\0' && errno == 0 && y >= 1945 && y <= 2100) {
			a->budget_year = (int)y;
			return 0;
		}
		snprintf(err, errsz, "'%s' is not a year", v);
		return -1;
	case C_PURCHASE_DATE:
	case C_WARRANTY:
		if (csv_date(v, col == C_WARRANTY ? a->warranty_until
		                                  : a->purchase_date) == 0)
			return 0;
		snprintf(err, errsz,
		         "'%s' is not a date (YYYY-MM-DD or DD/MM/YYYY)", v);
		return -1;
	case C_PRICE:
		if (csv_rupiah(v, &a->price_idr) == 0)
			return 0;
		snprintf(err, errsz, "'%s' is not an amount in rupiah", v);
		return -1;
	case C_CONDITION:
		if (csv_condition(v, a->condition, sizeof a->condition) == 0)
			return 0;
		snprintf(err, errsz, "'%s' is not a condition (B, KB, RB)", v);
		return -1;
	case C_NAME:
		return csv_text(v, a->name, sizeof a->name, err, errsz);
	case C_BRAND:
		return csv_text(v, a->brand, sizeof a->brand, err, errsz);
	case C_MODEL:
		return csv_text(v, a->model, sizeof a->model, err, errsz);
	case C_SERIAL:
		return csv_text(v, a->serial, sizeof a->serial, err, errsz);
	case C_ROOM:
		return csv_text(v, a->room, sizeof a->room, err, errsz);
	case C_FUNDING:
		return csv_text(v, a->funding, sizeof a->funding, err, errsz);
	case C_SUPPLIER:
		return csv_text(v, a->supplier, sizeof a->supplier, err, errsz);
	default:
		return 0;
	}
}

int
asset_csv_field(struct asset *a, const char *column, const char *value,
                char *err, size_t errsz)
{
	for (int c = 0; c < C_NCOLS; c++)
		if (strcmp(column, csv_names[c]) == 0)
			return csv_field(a, c, value, err, errsz);
	snprintf(err, errsz, "unknown field");
	return -1;
}

const char *
asset_csv_column(size_t i)
{
	return i < C_NCOLS ? csv_names[i] : NULL;
}

/* Checks one field of a data row into 'a'; reports problems. */
static void
csv_cell(struct csv_state *cs, size_t i, const char *v, struct asset *a)
{
	char msg[384];

	if (csv_field(a, cs->map[i], v, msg, sizeof msg) == -1)
		csv_errorf(cs->errs, "row %zu, column %s: %s", cs->row,
		           cs->head[i], msg);
}

static void
csv_data_row(struct csv_state *cs)
{
	struct asset a, *nv;
	struct csv_seen *ns;
	size_t i, before = cs->errs->n + cs->errs->more;
	int empty = 1;

	for (i = 0; i < cs->nfields; i++)
		if (cs->len[i] != 0)
			empty = 0;
	if (empty) /* a blank spreadsheet line */
		return;
	if (cs->nfields + cs->extra != cs->ncols) {
		csv_errorf(cs->errs, "row %zu: %zu fields, the header has %zu",
		           cs->row, cs->nfields + cs->extra, cs->ncols);
		return;
	}
	memset(&a, 0, sizeof a);
	for (i = 0; i < cs->nfields; i++) {
		if (cs->map[i] < 0)
			continue;
		if (!csv_utf8_ok(cs->field[i], cs->len[i])) {
			csv_errorf(cs->errs,
			           "row %zu, column %s: not valid UTF-8",
			           cs->row, cs->head[i]);
			continue;
		}
		csv_cell(cs, i, cs->field[i], &a);
	}
	/* a tag met before in this file (on a valid row or not) */
	for (i = 0; a.tag[0] != '\0' && i < cs->nseen; i++) {
		if (strcmp(cs->seen[i].tag, a.tag) == 0) {
			csv_errorf(cs->errs,
			           "row %zu, column %s: tag '%s' repeated "
			           "(first on row %zu)",
			           cs->row, cs->head[cs->tag_col], a.tag,
			           cs->seen[i].row);
			break;
		}
	}
	/* one asset per device */
	for (i = 0; a.device[0] != '\0' && i < cs->nseen; i++) {
		if (strcmp(cs->seen[i].device, a.device) == 0 &&
		    strcmp(cs->seen[i].site, a.site) == 0) {
			csv_errorf(cs->errs,
			           "row %zu, column %s: device '%s/%s' already "
			           "on row %zu",
			           cs->row, cs->head[cs->dev_col], a.site,
			           a.device, cs->seen[i].row);
			break;
		}
	}
	for (i = 0; a.tag[0] != '\0' && i < cs->nseen; i++)
		if (strcmp(cs->seen[i].tag, a.tag) == 0)
			break;
	if (a.tag[0] != '\0' && i == cs->nseen) {
		if (cs->nseen == cs->seencap) {
			cs->seencap = cs->seencap ? cs->seencap * 2 : 64;
			if ((ns = realloc(cs->seen,
			                  cs->seencap * sizeof *ns)) == NULL) {
				cs->nomem = 1;
				return;
			}
			cs->seen = ns;
		}
		memcpy(cs->seen[cs->nseen].tag, a.tag, sizeof a.tag);
		memcpy(cs->seen[cs->nseen].site, a.site, sizeof a.site);
		memcpy(cs->seen[cs->nseen].device, a.device, sizeof a.device);
		cs->seen[cs->nseen++].row = cs->row;
	}
	if (cs->errs->n + cs->errs->more != before)
		return;
	if (cs->nrows == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 64;
		if ((nv = realloc(cs->rows, cs->cap * sizeof *nv)) == NULL) {
			cs->nomem = 1;
			return;
		}
		cs->rows = nv;
	}
	cs->rows[cs->nrows++] = a;
}

static void
csv_row_cb(int c, void *data)
{
	struct csv_state *cs = data;
	size_t i;

	(void)c;
	cs->row++;
	if (cs->row == 1) {
		for (i = 0; i < cs->nfields; i++)
			if (cs->field[i] != NULL &&
			    !csv_utf8_ok(cs->field[i], cs->len[i]))
				csv_errorf(cs->errs,
				           "row 1: header not valid UTF-8");
		csv_header(cs);
	} else if (!cs->nomem) {
		csv_data_row(cs);
	}
	for (i = 0; i < cs->nfields; i++)
		free(cs->field[i]);
	cs->nfields = 0;
	cs->extra = 0;
}

int
asset_csv_parse(const char *buf, size_t len, struct asset **rows, size_t *n,
                struct asset_csv_errors *errs)
{
	struct csv_parser p;
	struct csv_state cs;
	size_t used;
	int rc = -1;

	*rows = NULL;
	*n = 0;
	memset(&cs, 0, sizeof cs);
	cs.errs = errs;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		csv_errorf(errs, "out of memory");
		return -1;
	}
	used = csv_parse(&p, buf, len, csv_field_cb, csv_row_cb, &cs);
	if (used == len)
		csv_fini(&p, csv_field_cb, csv_row_cb, &cs);
	if (csv_error(&p) != CSV_SUCCESS)
		csv_errorf(errs, "row %zu: malformed CSV: %s", cs.row + 1,
		           csv_strerror(csv_error(&p)));
	csv_free(&p);
	for (size_t i = 0; i < cs.nfields; i++)
		free(cs.field[i]);
	if (cs.row == 0)
		csv_errorf(errs, "row 1: no header");
	if (cs.nomem)
		csv_errorf(errs, "out of memory");
	if (errs->n + errs->more == 0) {
		*rows = cs.rows;
		*n = cs.nrows;
		cs.rows = NULL;
		rc = 0;
	}
	free(cs.rows);
	free(cs.seen);
	return rc;
}

/* Reads a whole file; NULL with a message in errs. */
static char *
csv_read_file(const char *path, size_t *len, struct asset_csv_errors *errs)
{
	struct stat sb;
	FILE *f;
	char *buf = NULL;

	if ((f = fopen(path, "re")) == NULL) {
		csv_errorf(errs, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &sb) != 0 || sb.st_size > CSV_FILE_MAX) {
		csv_errorf(errs, "%s: larger than %d MiB", path,
		           CSV_FILE_MAX >> 20);
		goto out;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		csv_errorf(errs, "%s: out of memory", path);
		goto out;
	}
	*len = fread(buf, 1, (size_t)sb.st_size, f);
	if (ferror(f)) {
		csv_errorf(errs, "%s: %s", path, strerror(errno));
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[*len] = '\0';
out:
	fclose(f);
	return buf;
}

int
asset_csv_import(struct db *db, const char *path, const char *actor,
                 int64_t now, size_t *created, size_t *updated,
                 struct asset_csv_errors *errs)
{
	struct asset *rows;
	size_t len = 0, n, i;
	char *buf;
	int c, ok = 0;

	*created = *updated = 0;
	if ((buf = csv_read_file(path, &len, errs)) == NULL)
		return -1;
	if (asset_csv_parse(buf, len, &rows, &n, errs) == -1) {
		free(buf);
		return -1;
	}
	free(buf);
	if (asset_db_begin(db) == -1) {
		free(rows);
		return -2;
	}
	for (i = 0; i < n; i++) {
		/* the file says who holds the device: others let it go */
		if ((rows[i].device[0] != '\0' &&
		     asset_release_device(db, rows[i].tag, rows[i].site,
		                          rows[i].device, actor, now) == -1) ||
		    asset_put(db, &rows[i], actor, now, &c) != ASSET_OK)
			break;
		if (c)
			(*created)++;
		else
			(*updated)++;
	}
	ok = i == n;
	free(rows);
	if (asset_db_end(db, ok) == -1 || !ok) {
		*created = *updated = 0;
		return -2;
	}
	return 0;
}

/* One field, quoted when RFC 4180 requires it (or spaces would be lost). */
static int
csv_put_field(FILE *f, const char *s, int last)
{
	size_t n = strlen(s);
	int quote = strpbrk(s, ",\"\r\n") != NULL ||
	            (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));

	if (quote) {
		if (fputc('"', f) == EOF)
			return -1;
		for (; *s != '\0'; s++)
			if ((*s == '"' && fputc('"', f) == EOF) ||
			    fputc(*s, f) == EOF)
				return -1;
		if (fputc('"', f) == EOF)
			return -1;
	} else if (fputs(s, f) == EOF) {
		return -1;
	}
	return fputs(last ? "\r\n" : ",", f) == EOF ? -1 : 0;
}

int
asset_csv_write(FILE *f, const struct asset *v, size_t n)
{
	char year[16], price[32];
	size_t i, c;

	for (c = 0; c < C_NCOLS; c++)
		if (csv_put_field(f, csv_names[c], c == C_NCOLS - 1) == -1)
			return -1;
	for (i = 0; i < n; i++) {
		const struct asset *a = &v[i];
		const char *cell[C_NCOLS];

		snprintf(year, sizeof year, "%d", a->budget_year);
		snprintf(price, sizeof price, "%lld", (long long)a->price_idr);
		cell[C_TAG] = a->tag;
		cell[C_NAME] = a->name;
		cell[C_TYPE] = a->type;
		cell[C_BRAND] = a->brand;
		cell[C_MODEL] = a->model;
		cell[C_SERIAL] = a->serial;
		cell[C_SITE] = a->site;
		cell[C_ROOM] = a->room;
		cell[C_FUNDING] = a->funding;
		cell[C_BUDGET_YEAR] = year;
		cell[C_PURCHASE_DATE] = a->purchase_date;
		cell[C_PRICE] = price;
		cell[C_SUPPLIER] = a->supplier;
		cell[C_WARRANTY] = a->warranty_until;
		cell[C_CONDITION] = a->condition;
		cell[C_DEVICE] = a->device;
		for (c = 0; c < C_NCOLS; c++)
			if (csv_put_field(f, cell[c], c == C_NCOLS - 1) == -1)
				return -1;
	}
	return fflush(f) == EOF ? -1 : 0;
}
