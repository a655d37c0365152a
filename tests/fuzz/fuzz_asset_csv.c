/*
 * fuzz_asset_csv.c: libFuzzer target for the asset register's CSV import
 * (collector/asset_csv.c): the parse and the check of every row, the step
 * before the database.
 *
 * Beyond "no crash, no leak": rows the import accepts are exported again
 * with asset_csv_write() and that export must import to the same rows
 * (what docs/assets.md promises: export, edit in a spreadsheet, import).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/asset.h"
#include "collector/asset_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Field by field: padding bytes need not match. */
static bool
fuzz_asset_csv_same(const struct asset *x, const struct asset *y)
{
#define S(f) (strcmp(x->f, y->f) == 0)
	return S(tag) && S(name) && S(type) && S(brand) && S(model) &&
	       S(serial) && S(site) && S(room) && S(funding) &&
	       x->budget_year == y->budget_year && S(purchase_date) &&
	       x->price_idr == y->price_idr && S(supplier) &&
	       S(warranty_until) && S(condition) && S(device) &&
	       x->disposed_at == y->disposed_at && S(disposal_note);
#undef S
}

static void
fuzz_asset_csv_roundtrip(const struct asset *rows, size_t n)
{
	struct asset_csv_errors errs = {0};
	struct asset *back = NULL;
	char *buf = NULL;
	size_t len = 0, nback = 0, i;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		abort();
	if (asset_csv_write(f, rows, n) != 0)
		abort();
	fclose(f);
	if (asset_csv_parse(buf, len, &back, &nback, &errs) != 0 || nback != n)
		abort();
	for (i = 0; i < n; i++)
		if (!fuzz_asset_csv_same(&back[i], &rows[i]))
			abort();
	free(back);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct asset_csv_errors errs = {0};
	struct asset *rows = NULL;
	size_t n = 0;
	char *copy;

	/* a heap block of exactly 'size' bytes: ASan sees any overread */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (asset_csv_parse(copy, size, &rows, &n, &errs) == 0) {
		if (errs.n != 0 || errs.more != 0)
			abort();
		fuzz_asset_csv_roundtrip(rows, n);
		free(rows);
	} else if (rows != NULL || errs.n == 0) {
		abort(); /* refused rows are not returned, and have a reason */
	}
	asset_csv_errors_clear(&errs);
	free(copy);
	return 0;
}
