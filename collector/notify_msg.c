/*
 * notify_msg.c: a notification as text: the cleaned copy that is queued,
 * the JSON of webhooks and commands, the mail message, the environment of
 * a command, the summary of rate-limited messages.
 *
 * Everything in a message may come from a device (a printer's alert
 * description, a host name), so nothing is trusted: text is made valid
 * UTF-8 without control characters before it is queued, subjects are one
 * line, JSON is built by cJSON, mail headers are either plain printable
 * ASCII or RFC 2047 encoded words, and the body is base64.  A CR or LF can
 * therefore never start a header of its own.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/notify_priv.h"
#include "common/timeutil.h"

/* U+FFFD, what an invalid byte becomes */
static const char notify_replacement[] = "\xef\xbf\xbd";

/*
 * The length of the valid UTF-8 sequence at 's' (1..4), or 0 when it is
 * not one (overlong forms, surrogates and values past U+10FFFF included).
 */
static size_t
notify_utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xe0 && s[1] < 0xa0)
			return 0; /* overlong */
		if (s[0] == 0xed && s[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xf0 && s[1] < 0x90)
			return 0;
		if (s[0] == 0xf4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

char *
notify_clean(const char *s, bool one_line, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *add;
	size_t len = strlen(s), n = 0, k;
	char *out, c;

	/* at worst every byte becomes three, and never more than 'max' */
	if ((out = malloc((len < max / 3 ? len * 3 : max) + 1)) == NULL)
		return NULL;
	while (*p != '\0') {
		add = (const char *)p;
		k = notify_utf8_len(p);
		if (k == 0) {
			add = notify_replacement;
			k = 3;
			p++;
		} else if (k == 1) {
			c = (char)*p++;
			if (c == '\r' && !one_line) {
				if (*p == '\n')
					continue; /* CR LF: the LF follows */
				c = '\n';
			}
			if (one_line && (c == '\r' || c == '\n' || c == '\t'))
				c = ' ';
			if ((unsigned char)c < ' ' && c != '\n' && c != '\t')
				continue;
			if (c == 0x7f)
				continue;
			if (n + 1 > max)
				break;
			out[n++] = c;
			continue;
		} else {
			p += k;
		}
		if (n + k > max)
			break;
		memcpy(out + n, add, k);
		n += k;
	}
	out[n] = '\0';
	return out;
}

/* A cleaned copy of an optional field; *dst stays NULL for NULL. */
static int
notify_field(char **dst, const char *src, bool one_line, size_t max)
{
	if (src == NULL)
		return 0;
	return (*dst = notify_clean(src, one_line, max)) == NULL ? -1 : 0;
}

static bool
notify_event_valid(const char *e)
{
	size_t n = strlen(e);

	return n > 0 && n <= 64 &&
	       strspn(e, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

struct notify_item *
notify_item_new(const struct notify_msg *m, const char **why)
{
	struct notify_item *it;
	const char *subj_id, *subj_en, *text_id, *text_en;

	*why = NULL;
	if (m->event == NULL || !notify_event_valid(m->event))
		*why = "no valid event name";
	else if (notify_severity_parse(m->severity) < 0)
		*why = "severity is not info, warning or critical";
	else if (m->site == NULL || m->site[0] == '\0')
		*why = "no site";
	else if ((m->subject_id == NULL || m->subject_id[0] == '\0') &&
	         (m->subject_en == NULL || m->subject_en[0] == '\0'))
		*why = "no subject";
	if (*why != NULL)
		return NULL;
	/* a missing language borrows the other one */
	subj_id = m->subject_id != NULL && m->subject_id[0] != '\0'
	              ? m->subject_id
	              : m->subject_en;
	subj_en = m->subject_en != NULL && m->subject_en[0] != '\0'
	              ? m->subject_en
	              : m->subject_id;
	text_id = m->text_id != NULL ? m->text_id : m->text_en;
	text_en = m->text_en != NULL ? m->text_en : m->text_id;

	if ((it = calloc(1, sizeof(*it))) == NULL)
		goto fail_mem;
	if (notify_field(&it->event, m->event, true, NOTIFY_FIELD_MAX) != 0 ||
	    notify_field(&it->severity, m->severity, true, 16) != 0 ||
	    notify_field(&it->site, m->site, true, NOTIFY_FIELD_MAX) != 0 ||
	    notify_field(&it->device, m->device, true, NOTIFY_FIELD_MAX) != 0 ||
	    notify_field(&it->subject_id, subj_id, true, NOTIFY_SUBJECT_MAX) !=
	        0 ||
	    notify_field(&it->subject_en, subj_en, true, NOTIFY_SUBJECT_MAX) !=
	        0 ||
	    notify_field(&it->text_id, text_id != NULL ? text_id : "", false,
	                 NOTIFY_TEXT_MAX) != 0 ||
	    notify_field(&it->text_en, text_en != NULL ? text_en : "", false,
	                 NOTIFY_TEXT_MAX) != 0)
		goto fail_item;
	if (it->device != NULL && it->device[0] == '\0') {
		free(it->device);
		it->device = NULL;
	}
	it->ts = m->ts != 0 ? m->ts : time_now();
	it->queued = time_now();
	it->alert_id = m->alert_id;
	it->ticket_id = m->ticket_id;
	if (notify_attach_copy(it, m->attach, m->nattach, why) != 0) {
		notify_item_free(it);
		return NULL;
	}
	return it;

fail_item:
	notify_item_free(it);
fail_mem:
	*why = "out of memory";
	return NULL;
}

void
notify_item_free(struct notify_item *it)
{
	if (it == NULL)
		return;
	notify_items_free(it->children);
	notify_attach_free(it);
	free(it->event);
	free(it->severity);
	free(it->site);
	free(it->device);
	free(it->subject_id);
	free(it->subject_en);
	free(it->text_id);
	free(it->text_en);
	free(it);
}

void
notify_items_free(struct notify_item *it)
{
	struct notify_item *next;

	for (; it != NULL; it = next) {
		next = it->next;
		notify_item_free(it);
	}
}

static int
notify_dup_str(char **dst, const char *src)
{
	if (src == NULL)
		return 0;
	return (*dst = strdup(src)) == NULL ? -1 : 0;
}

struct notify_item *
notify_item_dup(const struct notify_item *it)
{
	struct notify_item *d, *c, **tail;
	const char *why;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	*d = *it;
	d->next = NULL;
	d->children = NULL;
	d->event = d->severity = d->site = d->device = NULL;
	d->subject_id = d->subject_en = d->text_id = d->text_en = NULL;
	d->attach = NULL;
	d->nattach = 0;
	if (notify_attach_copy(d, (const char *const *)it->attach, it->nattach,
	                       &why) != 0 ||
	    notify_dup_str(&d->event, it->event) != 0 ||
	    notify_dup_str(&d->severity, it->severity) != 0 ||
	    notify_dup_str(&d->site, it->site) != 0 ||
	    notify_dup_str(&d->device, it->device) != 0 ||
	    notify_dup_str(&d->subject_id, it->subject_id) != 0 ||
	    notify_dup_str(&d->subject_en, it->subject_en) != 0 ||
	    notify_dup_str(&d->text_id, it->text_id) != 0 ||
	    notify_dup_str(&d->text_en, it->text_en) != 0)
		goto fail;
	tail = &d->children;
	for (c = it->children; c != NULL; c = c->next) {
		if ((*tail = notify_item_dup(c)) == NULL)
			goto fail;
		tail = &(*tail)->next;
	}
	return d;

fail:
	notify_item_free(d);
	return NULL;
}

const char *
notify_item_subject(const struct notify_item *it, bool english)
{
	return english ? it->subject_en : it->subject_id;
}

const char *
notify_item_text(const struct notify_item *it, bool english)
{
	return english ? it->text_en : it->text_id;
}

/*
 * The body of a summary: one line per message summed up, in one language.
 * Bounded by NOTIFY_TEXT_MAX like any text; the webhook JSON has them all.
 */
static char *
notify_summary_text(const struct notify_item *held, size_t n, bool english)
{
	const struct notify_item *c;
	char *buf, time[32];
	size_t len = 0, cap = NOTIFY_TEXT_MAX;
	int w;

	if ((buf = malloc(cap)) == NULL)
		return NULL;
	w = snprintf(buf, cap,
	             english ? "%zu notifications were held back by the rate "
	                       "limit:\n"
	                     : "%zu notifikasi ditahan oleh batas "
	                       "pengiriman:\n",
	             n);
	len = (size_t)w < cap ? (size_t)w : cap - 1;
	for (c = held; c != NULL && len + 1 < cap; c = c->next) {
		time_format_iso(c->ts, time, sizeof(time));
		w = snprintf(buf + len, cap - len, "- %s [%s] %s%s%s: %s\n",
		             time, c->severity, c->site,
		             c->device != NULL ? "/" : "",
		             c->device != NULL ? c->device : "",
		             notify_item_subject(c, english));
		if (w < 0 || (size_t)w >= cap - len) {
			buf[len] = '\0';
			break;
		}
		len += (size_t)w;
	}
	return buf;
}

struct notify_item *
notify_item_summary(struct notify_item *held, size_t n, int64_t now)
{
	struct notify_item *s, *c;
	char subj_id[96], subj_en[96];
	int sev = NOTIFY_INFO, v;
	bool one_site = true;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto fail;
	s->children = held;
	s->nchildren = n;
	for (c = held; c != NULL; c = c->next) {
		if ((v = notify_severity_parse(c->severity)) > sev)
			sev = v;
		if (strcmp(c->site, held->site) != 0)
			one_site = false;
	}
	snprintf(subj_id, sizeof(subj_id), "pantau: %zu notifikasi lagi", n);
	snprintf(subj_en, sizeof(subj_en), "pantau: %zu more notifications", n);
	s->ts = s->queued = now;
	if ((s->event = strdup(NOTIFY_EVENT_SUMMARY)) == NULL ||
	    (s->severity = strdup(sev == NOTIFY_CRITICAL  ? "critical"
	                          : sev == NOTIFY_WARNING ? "warning"
	                                                  : "info")) == NULL ||
	    (s->site = strdup(one_site && held != NULL ? held->site : "*")) ==
	        NULL ||
	    (s->subject_id = strdup(subj_id)) == NULL ||
	    (s->subject_en = strdup(subj_en)) == NULL ||
	    (s->text_id = notify_summary_text(held, n, false)) == NULL ||
	    (s->text_en = notify_summary_text(held, n, true)) == NULL) {
		notify_item_free(s);
		return NULL;
	}
	return s;

fail:
	notify_items_free(held);
	return NULL;
}

/* An id field: null when there is none. */
static void
notify_json_id(cJSON *o, const char *key, int64_t id)
{
	if (id > 0)
		cJSON_AddNumberToObject(o, key, (double)id);
	else
		cJSON_AddNullToObject(o, key);
}

/* The fields of one message, in one language (items of a summary too). */
static void
notify_json_fields(cJSON *o, const struct notify_item *it, bool english)
{
	char time[32];

	cJSON_AddStringToObject(o, "event", it->event);
	cJSON_AddStringToObject(o, "severity", it->severity);
	cJSON_AddStringToObject(o, "site", it->site);
	if (it->device != NULL)
		cJSON_AddStringToObject(o, "device", it->device);
	else
		cJSON_AddNullToObject(o, "device");
	cJSON_AddStringToObject(o, "subject", notify_item_subject(it, english));
	cJSON_AddStringToObject(o, "text", notify_item_text(it, english));
	cJSON_AddNumberToObject(o, "ts", (double)it->ts);
	cJSON_AddStringToObject(o, "time",
	                        time_format_iso(it->ts, time, sizeof(time)));
	notify_json_id(o, "alert_id", it->alert_id);
	notify_json_id(o, "ticket_id", it->ticket_id);
}

cJSON *
notify_item_json(const struct notify_item *it, const char *target, bool english)
{
	const struct notify_item *c;
	cJSON *o, *items, *one;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	notify_json_fields(o, it, english);
	cJSON_AddStringToObject(o, "language", english ? "en" : "id");
	cJSON_AddStringToObject(o, "subject_id", it->subject_id);
	cJSON_AddStringToObject(o, "subject_en", it->subject_en);
	cJSON_AddStringToObject(o, "text_id", it->text_id);
	cJSON_AddStringToObject(o, "text_en", it->text_en);
	cJSON_AddStringToObject(o, "target", target);
	notify_attach_json(o, "attachments", it, true);
	if (strcmp(it->event, NOTIFY_EVENT_SUMMARY) == 0) {
		cJSON_AddNumberToObject(o, "count", (double)it->nchildren);
		items = cJSON_AddArrayToObject(o, "items");
		for (c = it->children; items != NULL && c != NULL;
		     c = c->next) {
			if ((one = cJSON_CreateObject()) == NULL)
				break;
			notify_json_fields(one, c, english);
			cJSON_AddItemToArray(items, one);
		}
	}
	return o;
}

cJSON *
notify_item_store(const struct notify_item *it)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "event", it->event);
	cJSON_AddStringToObject(o, "severity", it->severity);
	cJSON_AddStringToObject(o, "site", it->site);
	if (it->device != NULL)
		cJSON_AddStringToObject(o, "device", it->device);
	cJSON_AddStringToObject(o, "subject_id", it->subject_id);
	cJSON_AddStringToObject(o, "subject_en", it->subject_en);
	cJSON_AddStringToObject(o, "text_id", it->text_id);
	cJSON_AddStringToObject(o, "text_en", it->text_en);
	cJSON_AddNumberToObject(o, "ts", (double)it->ts);
	cJSON_AddNumberToObject(o, "alert_id", (double)it->alert_id);
	cJSON_AddNumberToObject(o, "ticket_id", (double)it->ticket_id);
	cJSON_AddNumberToObject(o, "queued", (double)it->queued);
	cJSON_AddNumberToObject(o, "attempts", (double)it->attempts);
	notify_attach_json(o, "attach", it, false);
	return o;
}

static const char *
notify_json_str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static int64_t
notify_json_int(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

struct notify_item *
notify_item_load(const cJSON *o)
{
	struct notify_msg m;
	struct notify_item *it;
	const char *why;

	memset(&m, 0, sizeof(m));
	m.event = notify_json_str(o, "event");
	m.severity = notify_json_str(o, "severity");
	m.site = notify_json_str(o, "site");
	m.device = notify_json_str(o, "device");
	m.subject_id = notify_json_str(o, "subject_id");
	m.subject_en = notify_json_str(o, "subject_en");
	m.text_id = notify_json_str(o, "text_id");
	m.text_en = notify_json_str(o, "text_en");
	m.ts = notify_json_int(o, "ts");
	m.alert_id = notify_json_int(o, "alert_id");
	m.ticket_id = notify_json_int(o, "ticket_id");
	/* the file is ours, but it went through a disk: check it again */
	if ((it = notify_item_new(&m, &why)) == NULL)
		return NULL;
	if (notify_attach_load(it, o) != 0) {
		notify_item_free(it);
		return NULL;
	}
	if (notify_json_int(o, "queued") > 0)
		it->queued = notify_json_int(o, "queued");
	it->attempts = (unsigned)notify_json_int(o, "attempts");
	return it;
}
