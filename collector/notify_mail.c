/*
 * notify_mail.c: a notification as an Internet message (RFC 5322) for the
 * email targets: Date, Message-ID, a UTF-8 Subject encoded per RFC 2047,
 * and the text in the target's language as a base64 text/plain body.
 *
 * Why base64 and encoded words everywhere text is not plain ASCII: the
 * text comes partly from devices, and a mail relay must never see a line
 * it could take for a header or the end of the message.  The headers we
 * write are built from checked addresses and event names, and from
 * cleaned one-line text that is either printable ASCII or encoded.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/notify_priv.h"
#include "common/timeutil.h"

/* A growing string; on ENOMEM 'failed' is set and appends do nothing. */
struct notify_buf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void
notify_buf_add(struct notify_buf *b, const char *s, size_t n)
{
	char *ns;
	size_t cap;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap != 0 ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((ns = realloc(b->s, cap)) == NULL) {
			b->failed = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
notify_buf_str(struct notify_buf *b, const char *s)
{
	notify_buf_add(b, s, strlen(s));
}

static void notify_buf_printf(struct notify_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
notify_buf_printf(struct notify_buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		b->failed = true;
	else
		notify_buf_add(b, tmp,
		               (size_t)n < sizeof(tmp) ? (size_t)n
		                                       : sizeof(tmp) - 1);
}

/* The string, or NULL (freed) after an allocation failure. */
static char *
notify_buf_take(struct notify_buf *b)
{
	if (b->failed || b->s == NULL) {
		free(b->s);
		return NULL;
	}
	return b->s;
}

static const char notify_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
notify_base64(struct notify_buf *b, const unsigned char *p, size_t n)
{
	char q[4];
	unsigned v;
	size_t i;

	for (i = 0; i < n; i += 3) {
		v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = notify_b64[(v >> 18) & 63];
		q[1] = notify_b64[(v >> 12) & 63];
		q[2] = i + 1 < n ? notify_b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? notify_b64[v & 63] : '=';
		notify_buf_add(b, q, 4);
	}
}

/* Printable ASCII only (no "=?" either, which a reader would decode). */
static bool
notify_plain_ascii(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < ' ' || *p >= 0x7f)
			return false;
	return strstr(s, "=?") == NULL;
}

/*
 * The bytes of the UTF-8 text at 's' (of 'len') that fit 'max' bytes
 * without cutting a character.
 */
static size_t
notify_utf8_cut(const char *s, size_t len, size_t max)
{
	size_t n;

	if (len <= max)
		return len;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n > 0 ? n : max;
}

char *
notify_mail_subject(const char *utf8)
{
	/* 45 bytes make 60 base64 characters: a word of 72 with "=?UTF-8?B?"
	 * and "?=", within the limit of 75 */
	enum { CHUNK = 45 };
	struct notify_buf b = {0};
	size_t len = strlen(utf8), off = 0, n;

	if (notify_plain_ascii(utf8) && len <= 900) {
		notify_buf_str(&b, utf8);
		if (len == 0)
			notify_buf_add(&b, "", 0);
		return notify_buf_take(&b);
	}
	while (off < len) {
		n = notify_utf8_cut(utf8 + off, len - off, CHUNK);
		if (off > 0)
			notify_buf_str(&b, "\r\n ");
		notify_buf_str(&b, "=?UTF-8?B?");
		notify_base64(&b, (const unsigned char *)utf8 + off, n);
		notify_buf_str(&b, "?=");
		off += n;
	}
	return notify_buf_take(&b);
}

void
notify_mail_date(int64_t t, char *buf, size_t bufsz)
{
	/* not strftime: %a and %b follow the locale, RFC 5322 wants English */
	static const char days[][4] = {"Sun", "Mon", "Tue", "Wed",
	                               "Thu", "Fri", "Sat"};
	static const char months[][4] = {"Jan", "Feb", "Mar", "Apr",
	                                 "May", "Jun", "Jul", "Aug",
	                                 "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(buf, bufsz, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	         days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	         tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The text, LF made CRLF, with the facts a technician looks for below. */
static char *
notify_mail_body(const struct notify_item *it, bool english,
                 const bool *missing)
{
	struct notify_buf b = {0};
	const char *p;
	char time[32];
	size_t i;

	for (p = notify_item_text(it, english); *p != '\0'; p++) {
		if (*p == '\n')
			notify_buf_add(&b, "\r", 1);
		notify_buf_add(&b, p, 1);
	}
	if (b.len > 0 && b.s[b.len - 1] != '\n')
		notify_buf_str(&b, "\r\n");
	/* a file gone since the message was queued: say so, send the rest */
	for (i = 0; i < it->nattach; i++) {
		if (!missing[i])
			continue;
		notify_buf_str(&b, english ? "\r\nAttachment missing: "
		                           : "\r\nLampiran tidak ada: ");
		notify_buf_str(&b, notify_attach_name(it->attach[i]));
		notify_buf_str(&b, "\r\n");
	}
	notify_buf_str(&b, "\r\n");
	notify_buf_printf(&b, "%s: %s\r\n", english ? "Site" : "Situs",
	                  it->site);
	if (it->device != NULL)
		notify_buf_printf(&b, "%s: %s\r\n",
		                  english ? "Device" : "Perangkat", it->device);
	notify_buf_printf(&b, "%s: %s\r\n", english ? "Time" : "Waktu",
	                  time_format_iso(it->ts, time, sizeof(time)));
	if (it->alert_id > 0)
		notify_buf_printf(&b, "Alert: #%lld\r\n",
		                  (long long)it->alert_id);
	if (it->ticket_id > 0)
		notify_buf_printf(&b, "%s: #%lld\r\n",
		                  english ? "Ticket" : "Tiket",
		                  (long long)it->ticket_id);
	notify_buf_str(&b, "-- \r\npantau\r\n");
	return notify_buf_take(&b);
}

/* 'n' bytes as base64 lines of 76 characters (57 bytes each). */
static void
notify_mail_base64_lines(struct notify_buf *b, const unsigned char *p, size_t n)
{
	size_t off;

	for (off = 0; off < n; off += 57) {
		notify_base64(b, p + off, n - off < 57 ? n - off : 57);
		notify_buf_str(b, "\r\n");
	}
}

/*
 * The headers of one attachment part.  A plain ASCII name is quoted as it
 * is; any other (Indonesian month names with accents, quotes) goes as an
 * RFC 2231 filename*=UTF-8'' value, percent-encoded, which is what mail
 * readers decode; the raw name never reaches a header.
 */
static void
notify_mail_part_head(struct notify_buf *b, const char *path)
{
	const char *name = notify_attach_name(path);
	const unsigned char *p;

	notify_buf_str(b, "Content-Type: ");
	notify_buf_str(b, notify_attach_type(path));
	if (notify_plain_ascii(name) && strpbrk(name, "\"\\") == NULL &&
	    strlen(name) <= 200) {
		notify_buf_str(b, "; name=\"");
		notify_buf_str(b, name);
		notify_buf_str(b, "\"\r\nContent-Disposition: attachment; "
		                  "filename=\"");
		notify_buf_str(b, name);
		notify_buf_str(b, "\"\r\n");
	} else {
		notify_buf_str(b, "\r\nContent-Disposition: attachment;\r\n"
		                  " filename*=UTF-8''");
		for (p = (const unsigned char *)name; *p != '\0'; p++)
			if ((*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr("-._", *p))
				notify_buf_add(b, (const char *)p, 1);
			else
				notify_buf_printf(b, "%%%02X", *p);
		notify_buf_str(b, "\r\n");
	}
	notify_buf_str(b, "Content-Transfer-Encoding: base64\r\n\r\n");
}

/*
 * The attachments of 'it', each read now; a file that cannot be read is
 * marked in 'missing' (and skipped) so that the text can say so.
 */
static void
notify_mail_parts(struct notify_buf *b, const struct notify_item *it,
                  const char *boundary, bool *missing)
{
	unsigned char *data;
	size_t i, len;

	for (i = 0; i < it->nattach; i++) {
		if ((data = notify_attach_read(it->attach[i], &len)) == NULL) {
			missing[i] = true;
			continue;
		}
		notify_buf_printf(b, "\r\n--%s\r\n", boundary);
		notify_mail_part_head(b, it->attach[i]);
		notify_mail_base64_lines(b, data, len);
		free(data);
	}
}

char *
notify_mail_render(const struct notify_item *it, bool english, const char *from,
                   const char *const *to, size_t nto, const char *msgid,
                   int64_t now)
{
	struct notify_buf b = {0}, parts = {0};
	const char *domain = strchr(from, '@');
	char date[64], boundary[96], *subject, *body = NULL;
	bool missing[NOTIFY_ATTACH_MAX] = {false};
	size_t i;

	/* the boundary holds '=' and '_', which base64 lines never do */
	snprintf(boundary, sizeof(boundary), "=_%s", msgid);
	notify_mail_parts(&parts, it, boundary, missing);
	subject = notify_mail_subject(notify_item_subject(it, english));
	body = notify_mail_body(it, english, missing);
	if (subject == NULL || body == NULL || parts.failed)
		goto fail;
	notify_mail_date(now, date, sizeof(date));
	notify_buf_printf(&b, "Date: %s\r\n", date);
	notify_buf_printf(&b, "From: pantau <%s>\r\n", from);
	notify_buf_str(&b, "To: ");
	for (i = 0; i < nto; i++)
		notify_buf_printf(&b, "%s%s", i > 0 ? ",\r\n " : "", to[i]);
	notify_buf_str(&b, "\r\nSubject: ");
	notify_buf_str(&b, subject);
	notify_buf_printf(&b, "\r\nMessage-ID: <%s@%s>\r\n", msgid,
	                  domain != NULL ? domain + 1 : "localhost");
	notify_buf_str(&b, "MIME-Version: 1.0\r\n");
	if (it->nattach > 0)
		notify_buf_printf(&b,
		                  "Content-Type: multipart/mixed; "
		                  "boundary=\"%s\"\r\n",
		                  boundary);
	else
		notify_buf_str(&b, "Content-Type: text/plain; charset=UTF-8\r\n"
		                   "Content-Transfer-Encoding: base64\r\n");
	notify_buf_str(&b, "Auto-Submitted: auto-generated\r\n");
	/* event and severity were checked to [a-z0-9._-] */
	notify_buf_printf(&b, "X-Pantau-Event: %s\r\n", it->event);
	notify_buf_printf(&b, "X-Pantau-Severity: %s\r\n", it->severity);
	if (notify_plain_ascii(it->site))
		notify_buf_printf(&b, "X-Pantau-Site: %s\r\n", it->site);
	notify_buf_str(&b, "\r\n");
	if (it->nattach > 0)
		notify_buf_printf(&b,
		                  "--%s\r\n"
		                  "Content-Type: text/plain; charset=UTF-8\r\n"
		                  "Content-Transfer-Encoding: base64\r\n\r\n",
		                  boundary);
	notify_mail_base64_lines(&b, (const unsigned char *)body, strlen(body));
	if (it->nattach > 0) {
		if (parts.len > 0)
			notify_buf_add(&b, parts.s, parts.len);
		notify_buf_printf(&b, "\r\n--%s--\r\n", boundary);
	}
	free(parts.s);
	free(subject);
	free(body);
	return notify_buf_take(&b);

fail:
	free(parts.s);
	free(subject);
	free(body);
	return NULL;
}
