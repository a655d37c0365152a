/*
 * fmt_id.c: Indonesian (and English) formatting of numbers, Rupiah,
 * percentages and dates for the printed reports (fmt_id.h).
 *
 * Grouping is done by hand on the integer's digits rather than through
 * the C locale: the collector runs under whatever locale systemd gives it
 * (usually C), and id_ID may not even be generated on the box.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "collector/fmt_id.h"

static const char *const fmt_months_id[12] = {
    "Januari", "Februari", "Maret",     "April",   "Mei",      "Juni",
    "Juli",    "Agustus",  "September", "Oktober", "November", "Desember"};
static const char *const fmt_months_en[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

int
fmt_lang_parse(const char *s, enum fmt_lang *out)
{
	if (s == NULL || strcmp(s, "id") == 0)
		*out = FMT_ID;
	else if (strcmp(s, "en") == 0)
		*out = FMT_EN;
	else
		return -1;
	return 0;
}

const char *
fmt_month_name(int month, enum fmt_lang l)
{
	if (month < 1 || month > 12)
		return "?";
	return l == FMT_EN ? fmt_months_en[month - 1]
	                   : fmt_months_id[month - 1];
}

/*
 * The magnitude's digits grouped by three; INT64_MIN has no positive
 * counterpart, so the magnitude is an unsigned.
 */
static void
fmt_group(uint64_t mag, char sep, char *out, size_t sz)
{
	char digits[32], grouped[48];
	int n, i, j = 0;

	n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)mag);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[j++] = sep;
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	snprintf(out, sz, "%s", grouped);
}

static uint64_t
fmt_abs(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

char *
fmt_int(int64_t v, enum fmt_lang l, char *buf, size_t sz)
{
	char g[48];

	fmt_group(fmt_abs(v), l == FMT_EN ? ',' : '.', g, sizeof(g));
	snprintf(buf, sz, "%s%s", v < 0 ? "-" : "", g);
	return buf;
}

char *
fmt_idr(int64_t v, enum fmt_lang l, char *buf, size_t sz)
{
	char g[48];

	fmt_group(fmt_abs(v), l == FMT_EN ? ',' : '.', g, sizeof(g));
	snprintf(buf, sz, "%sRp %s", v < 0 ? "-" : "", g);
	return buf;
}

char *
fmt_pct(int64_t bp, enum fmt_lang l, char *buf, size_t sz)
{
	uint64_t mag = fmt_abs(bp);
	char g[48];

	fmt_group(mag / 100, l == FMT_EN ? ',' : '.', g, sizeof(g));
	snprintf(buf, sz, "%s%s%c%02u%%", bp < 0 ? "-" : "", g,
	         l == FMT_EN ? '.' : ',', (unsigned)(mag % 100));
	return buf;
}

char *
fmt_minutes(int64_t min, enum fmt_lang l, char *buf, size_t sz)
{
	uint64_t mag = fmt_abs(min);
	char g[48];

	fmt_group(mag / 60, l == FMT_EN ? ',' : '.', g, sizeof(g));
	snprintf(buf, sz, "%s%s:%02u", min < 0 ? "-" : "", g,
	         (unsigned)(mag % 60));
	return buf;
}

char *
fmt_date(const char *iso, enum fmt_lang l, char *buf, size_t sz)
{
	int y, m, d, n = 0;

	if (strlen(iso) == 10 &&
	    sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10 &&
	    m >= 1 && m <= 12 && d >= 1 && d <= 31)
		snprintf(buf, sz, "%d %s %d", d, fmt_month_name(m, l), y);
	else if (strlen(iso) == 7 &&
	         sscanf(iso, "%4d-%2d%n", &y, &m, &n) == 2 && n == 7 &&
	         m >= 1 && m <= 12)
		snprintf(buf, sz, "%s %d", fmt_month_name(m, l), y);
	else
		snprintf(buf, sz, "%s", iso);
	return buf;
}

char *
fmt_time(int64_t t, int with_time, enum fmt_lang l, char *buf, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL) {
		snprintf(buf, sz, "%lld", (long long)t);
		return buf;
	}
	if (with_time)
		snprintf(buf, sz, "%d %s %d %02d:%02d", tm.tm_mday,
		         fmt_month_name(tm.tm_mon + 1, l), tm.tm_year + 1900,
		         tm.tm_hour, tm.tm_min);
	else
		snprintf(buf, sz, "%d %s %d", tm.tm_mday,
		         fmt_month_name(tm.tm_mon + 1, l), tm.tm_year + 1900);
	return buf;
}
