/*
 * notify_send.c: one delivery to one target.  Mail goes over SMTP and
 * webhooks over HTTP, both through libcurl with the target's timeout, no
 * redirects and no protocol but the configured one; commands are in
 * notify_exec.c.  The result says whether to retry: a target that is down
 * or overloaded is retried by notify.c, a webhook that calls the message
 * itself malformed is not.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <curl/curl.h>

#include "collector/notify_priv.h"
#include "common/timeutil.h"

#define NOTIFY_SECRET_MAX 4096

/* Bytes the strings of 't' need, with their NULs. */
static size_t
notify_dest_size(const struct notify_target *t)
{
	const char *const one[] = {t->name,       t->url,          t->tls_ca,
	                           t->token_file, t->header,       t->from,
	                           t->username,   t->password_file};
	size_t n = 0, i;

	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		if (one[i] != NULL)
			n += strlen(one[i]) + 1;
	for (i = 0; i < t->nsites; i++)
		n += strlen(t->sites[i]) + 1;
	for (i = 0; i < t->nevents; i++)
		n += strlen(t->events[i]) + 1;
	for (i = 0; i < t->nto; i++)
		n += strlen(t->to[i]) + 1;
	for (i = 0; i < t->nargv; i++)
		n += strlen(t->argv[i]) + 1;
	return n;
}

/* Copies *s into the block at *p and points *s at the copy. */
static void
notify_dest_move(const char **s, char **p)
{
	size_t n;

	if (*s == NULL)
		return;
	n = strlen(*s) + 1;
	memcpy(*p, *s, n);
	*s = *p;
	*p += n;
}

/*
 * The content of a secret file without its trailing newline.  A secret
 * goes into a header or an SMTP command, so a line break inside is refused.
 */
static char *
notify_dest_secret(const char *path, char *err, size_t errsz)
{
	char buf[NOTIFY_SECRET_MAX + 1];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errsz, "cannot read %s: %s", path,
		         strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, NOTIFY_SECRET_MAX, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
	                 buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	if (n == 0 || strlen(buf) != n || strpbrk(buf, "\r\n") != NULL) {
		snprintf(err, errsz, "%s must hold one line", path);
		return NULL;
	}
	return strdup(buf);
}

int
notify_dest_init(struct notify_dest *d, const struct notify_target *src,
                 char *err, size_t errsz)
{
	char host[200], *p;
	size_t i;

	memset(d, 0, sizeof(*d));
	d->t = *src;
	memset(d->t.own, 0, sizeof(d->t.own));
	if ((d->strs = malloc(notify_dest_size(src) + 1)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	p = d->strs;
	notify_dest_move(&d->t.name, &p);
	notify_dest_move(&d->t.url, &p);
	notify_dest_move(&d->t.tls_ca, &p);
	notify_dest_move(&d->t.token_file, &p);
	notify_dest_move(&d->t.header, &p);
	notify_dest_move(&d->t.from, &p);
	notify_dest_move(&d->t.username, &p);
	notify_dest_move(&d->t.password_file, &p);
	for (i = 0; i < d->t.nsites; i++)
		notify_dest_move(&d->t.sites[i], &p);
	for (i = 0; i < d->t.nevents; i++)
		notify_dest_move(&d->t.events[i], &p);
	for (i = 0; i < d->t.nto; i++)
		notify_dest_move(&d->t.to[i], &p);
	for (i = 0; i < d->t.nargv; i++)
		notify_dest_move(&d->t.argv[i], &p);

	if (d->t.token_file != NULL &&
	    (d->token = notify_dest_secret(d->t.token_file, err, errsz)) ==
	        NULL)
		goto fail;
	if (d->t.password_file != NULL &&
	    (d->password =
	         notify_dest_secret(d->t.password_file, err, errsz)) == NULL)
		goto fail;
	if (d->t.from != NULL) {
		snprintf(d->from, sizeof(d->from), "%s", d->t.from);
	} else {
		/* a host name is letters, digits, '-' and '.'; else none */
		if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0' ||
		    strspn(host, "abcdefghijklmnopqrstuvwxyz"
		                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") !=
		        strlen(host))
			snprintf(host, sizeof(host), "localhost");
		snprintf(d->from, sizeof(d->from), "pantau@%s", host);
	}
	return 0;

fail:
	notify_dest_clear(d);
	return -1;
}

void
notify_dest_clear(struct notify_dest *d)
{
	if (d->password != NULL)
		explicit_bzero(d->password, strlen(d->password));
	if (d->token != NULL)
		explicit_bzero(d->token, strlen(d->token));
	free(d->password);
	free(d->token);
	free(d->strs);
	d->password = d->token = d->strs = NULL;
}

/* libcurl's progress callback: a non-zero return ends the transfer. */
static int
notify_send_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
                     curl_off_t ultotal, curl_off_t ulnow)
{
	const struct notify_dest *d = arg;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return d->abort != NULL && atomic_load(d->abort);
}

/* Throws a response body away: only the status matters. */
static size_t
notify_send_discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p, (void)arg;
	return size * n;
}

/* What both transports set: limits, protocols, TLS, the abort hook. */
static void
notify_send_common(CURL *c, const struct notify_dest *d, const char *protos,
                   char *errbuf)
{
	curl_easy_setopt(c, CURLOPT_URL, d->t.url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protos);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)d->t.timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
	                 (long)(d->t.timeout < 10 ? d->t.timeout : 10));
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, notify_send_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, d);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, notify_send_discard);
	if (d->t.tls_ca != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, d->t.tls_ca);
}

static void
notify_send_curl_error(CURLcode rc, const char *errbuf, char *err, size_t errsz)
{
	snprintf(err, errsz, "%s",
	         errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
}

static enum notify_result
notify_send_webhook(const struct notify_dest *d, const struct notify_item *it,
                    char *err, size_t errsz)
{
	char errbuf[CURL_ERROR_SIZE] = "", *json = NULL,
	     auth[NOTIFY_SECRET_MAX + 32];
	enum notify_result res = NOTIFY_RETRY;
	struct curl_slist *hdrs = NULL, *h;
	CURLcode rc;
	long code = 0;
	cJSON *o;
	CURL *c;

	if ((o = notify_item_json(it, d->t.name, d->t.english)) != NULL)
		json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (json == NULL || (c = curl_easy_init()) == NULL) {
		free(json);
		snprintf(err, errsz, "out of memory");
		return NOTIFY_RETRY;
	}
	notify_send_common(c, d, "http,https", errbuf);
	h = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = h != NULL ? h : hdrs;
	h = curl_slist_append(hdrs,
	                      "User-Agent: pantau-collector/" PACKAGE_VERSION);
	hdrs = h != NULL ? h : hdrs;
	if (d->token != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		         d->token);
		h = curl_slist_append(hdrs, auth);
		hdrs = h != NULL ? h : hdrs;
		explicit_bzero(auth, sizeof(auth));
	}
	if (d->t.header != NULL) {
		h = curl_slist_append(hdrs, d->t.header);
		hdrs = h != NULL ? h : hdrs;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(json));

	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		notify_send_curl_error(rc, errbuf, err, errsz);
		goto done;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300) {
		res = NOTIFY_SENT;
		goto done;
	}
	snprintf(err, errsz, "HTTP status %ld", code);
	/*
	 * These say the message itself is wrong: sending it again will not
	 * help.  Anything else (401 after a token change, 404 while the
	 * receiver is being redeployed, 429, 5xx) may pass later.
	 */
	if (code == 400 || code == 413 || code == 415 || code == 422)
		res = NOTIFY_REFUSED;

done:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	free(json);
	return res;
}

/* The message being uploaded to the SMTP server. */
struct notify_upload {
	const char *p;
	size_t left;
};

static size_t
notify_send_read(char *buf, size_t size, size_t n, void *arg)
{
	struct notify_upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

/* A Message-ID left part no other message of ours has. */
static void
notify_send_msgid(char *buf, size_t bufsz)
{
	unsigned char r[8];
	size_t i, n;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		memset(r, 0, sizeof(r));
	n = (size_t)snprintf(buf, bufsz, "pantau.%lld.",
	                     (long long)time_now_ms());
	for (i = 0; i < sizeof(r) && n + 3 <= bufsz; i++, n += 2)
		snprintf(buf + n, bufsz - n, "%02x", r[i]);
}

static enum notify_result
notify_send_email(const struct notify_dest *d, const struct notify_item *it,
                  char *err, size_t errsz)
{
	static const long ssl[] = {CURLUSESSL_TRY, CURLUSESSL_NONE,
	                           CURLUSESSL_ALL};
	char errbuf[CURL_ERROR_SIZE] = "", msgid[64], path[300], *msg;
	struct curl_slist *rcpt = NULL, *h;
	struct notify_upload up;
	CURLcode rc;
	size_t i;
	CURL *c;

	notify_send_msgid(msgid, sizeof(msgid));
	if ((msg = notify_mail_render(it, d->t.english, d->from, d->t.to,
	                              d->t.nto, msgid, time_now())) == NULL ||
	    (c = curl_easy_init()) == NULL) {
		free(msg);
		snprintf(err, errsz, "out of memory");
		return NOTIFY_RETRY;
	}
	for (i = 0; i < d->t.nto; i++) {
		snprintf(path, sizeof(path), "<%s>", d->t.to[i]);
		if ((h = curl_slist_append(rcpt, path)) != NULL)
			rcpt = h;
	}
	notify_send_common(c, d, "smtp,smtps", errbuf);
	snprintf(path, sizeof(path), "<%s>", d->from);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, path);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_USE_SSL, ssl[d->t.starttls]);
	if (d->t.username != NULL)
		curl_easy_setopt(c, CURLOPT_USERNAME, d->t.username);
	if (d->password != NULL)
		curl_easy_setopt(c, CURLOPT_PASSWORD, d->password);
	up.p = msg;
	up.left = strlen(msg);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, notify_send_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE, (long)up.left);

	rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		notify_send_curl_error(rc, errbuf, err, errsz);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	free(msg);
	return rc == CURLE_OK ? NOTIFY_SENT : NOTIFY_RETRY;
}

enum notify_result
notify_send(const struct notify_dest *d, const struct notify_item *it,
            char *err, size_t errsz)
{
	err[0] = '\0';
	switch (d->t.type) {
	case NOTIFY_WEBHOOK:
		return notify_send_webhook(d, it, err, errsz);
	case NOTIFY_EMAIL:
		return notify_send_email(d, it, err, errsz);
	case NOTIFY_COMMAND:
		return notify_exec_run(d, it, err, errsz);
	}
	snprintf(err, errsz, "unknown target type");
	return NOTIFY_REFUSED;
}
