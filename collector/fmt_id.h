/*
 * fmt_id.h: numbers, money and dates as the secretary reads them (issue 10).
 *
 * Bahasa Indonesia by default: "Rp 12.345.678", "12.345", "99,50%",
 * "28 November 2026", "November 2026"; English when asked: "Rp 12,345,678",
 * "12,345", "99.50%", "28 November 2026", "November 2026".  Rupiah are
 * whole integers: no floating point touches money.  Every function writes
 * a NUL-terminated string into 'buf' (truncated to 'sz') and returns buf,
 * so calls nest in printf arguments.
 */
#ifndef PANTAU_COLLECTOR_FMT_ID_H
#define PANTAU_COLLECTOR_FMT_ID_H

#include <stddef.h>
#include <stdint.h>

enum fmt_lang {
	FMT_ID = 0, /* Bahasa Indonesia */
	FMT_EN,
};

/* "id" or "en" (NULL: id); -1 for anything else. */
int fmt_lang_parse(const char *s, enum fmt_lang *out);

/* 12345678 -> "12.345.678" (id) / "12,345,678" (en); "-1.000"; "0". */
char *fmt_int(int64_t v, enum fmt_lang l, char *buf, size_t sz);

/* Rupiah: "Rp 12.345.678", "-Rp 1.500", "Rp 0". */
char *fmt_idr(int64_t v, enum fmt_lang l, char *buf, size_t sz);

/* Basis points (1/100 of a percent): 9950 -> "99,50%" / "99.50%". */
char *fmt_pct(int64_t bp, enum fmt_lang l, char *buf, size_t sz);

/* Minutes as hours and minutes: 754 -> "12:34"; negative "-0:05". */
char *fmt_minutes(int64_t min, enum fmt_lang l, char *buf, size_t sz);

/*
 * An ISO date "2026-11-28" -> "28 November 2026" (id: Januari .. Desember;
 * en: January .. December); "2026-11" -> "November 2026".  Anything else
 * is copied as it is.
 */
char *fmt_date(const char *iso, enum fmt_lang l, char *buf, size_t sz);

/*
 * Unix seconds in local time: "28 November 2026 07:05" (with_time) or
 * "28 November 2026".
 */
char *fmt_time(int64_t t, int with_time, enum fmt_lang l, char *buf, size_t sz);

/* Month name 1..12 in the language; "?" out of range. */
const char *fmt_month_name(int month, enum fmt_lang l);

#endif
