/*
 * timeutil.c: interval alignment, clocks and ISO 8601 dates.
 *
 * Dates are converted with the civil-from-days arithmetic (proleptic
 * Gregorian calendar, UTC) rather than mktime(), so the result never
 * depends on the TZ variable of the process.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/timeutil.h"

int64_t
time_align(int64_t t, unsigned interval)
{
	int64_t iv = interval > 0 ? (int64_t)interval : 1;
	int64_t r = t % iv;

	/* C division truncates toward zero; alignment floors. */
	if (r < 0)
		r += iv;
	return t - r;
}

int64_t
time_next_round(int64_t t, unsigned interval)
{
	return time_align(t, interval) + (interval > 0 ? interval : 1);
}

static int64_t
time_clock_ms(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) == -1)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
time_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return (int64_t)time(NULL);
	return (int64_t)ts.tv_sec;
}

int64_t
time_now_ms(void)
{
	return time_clock_ms(CLOCK_REALTIME);
}

int64_t
time_mono_ms(void)
{
	return time_clock_ms(CLOCK_MONOTONIC);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

char *
time_format_iso(int64_t t, char *buf, size_t bufsz)
{
	int64_t days, secs, y;
	unsigned m, d;
	int n;

	if (buf == NULL)
		return NULL;
	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	time_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return NULL;
	n = snprintf(buf, bufsz, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, m, d,
	             (int)(secs / 3600), (int)(secs / 60 % 60),
	             (int)(secs % 60));
	if (n < 0 || (size_t)n >= bufsz)
		return NULL;
	return buf;
}

/* Reads exactly 'n' decimal digits. */
static int
time_digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
time_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
time_parse_iso(const char *s, int64_t *out)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
	                              31, 31, 30, 31, 30, 31};
	int y, mo, d, h = 0, mi = 0, se = 0, dim;
	size_t len;

	if (s == NULL)
		return -1;
	len = strlen(s);
	if (len != 10 && len != 19 && len != 20)
		return -1;
	if (time_digits(s, 4, &y) == -1 || s[4] != '-' ||
	    time_digits(s + 5, 2, &mo) == -1 || s[7] != '-' ||
	    time_digits(s + 8, 2, &d) == -1)
		return -1;
	if (len > 10) {
		/* "T...Z" or " ..." (no zone: UTC as well). */
		if (len == 20 && (s[10] != 'T' || s[19] != 'Z'))
			return -1;
		if (len == 19 && s[10] != ' ')
			return -1;
		if (time_digits(s + 11, 2, &h) == -1 || s[13] != ':' ||
		    time_digits(s + 14, 2, &mi) == -1 || s[16] != ':' ||
		    time_digits(s + 17, 2, &se) == -1)
			return -1;
	}
	if (mo < 1 || mo > 12 || d < 1)
		return -1;
	dim = mdays[mo - 1] + (mo == 2 && time_is_leap(y));
	if (d > dim || h > 23 || mi > 59 || se > 59)
		return -1;
	*out = time_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	       h * 3600 + mi * 60 + se;
	return 0;
}

int
time_parse_local_date(const char *s, int64_t *out)
{
	struct tm tm;
	int64_t utc;

	if (time_parse_iso(s, &utc) == -1)
		return -1;
	if (strlen(s) != 10) {
		*out = utc;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_isdst = -1;
	*out = (int64_t)mktime(&tm);
	return 0;
}
