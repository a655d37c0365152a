/*
 * notify_priv.h: what the parts of the notifier share (notify.c runs the
 * queues and threads, notify_msg.c renders messages, notify_send.c talks
 * to mail servers, webhooks and commands, notify_store.c keeps queues
 * across restarts).  Not for the rest of the collector: use notify.h.
 */
#ifndef PANTAU_COLLECTOR_NOTIFY_PRIV_H
#define PANTAU_COLLECTOR_NOTIFY_PRIV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "collector/notify.h"

/* Bytes kept of untrusted text: a subject is one line, a body a page. */
#define NOTIFY_SUBJECT_MAX 300
#define NOTIFY_TEXT_MAX 8192
#define NOTIFY_FIELD_MAX 128 /* event, site, device */

/* The event of the message that sums up rate-limited ones. */
#define NOTIFY_EVENT_SUMMARY "notify.summary"
#define NOTIFY_EVENT_TEST "notify.test"

/*
 * A message as queued: an owned, cleaned copy of a struct notify_msg
 * (valid UTF-8, no control characters but newlines and tabs in the
 * bodies, subjects on one line, lengths bounded), with its delivery state.
 * A summary owns the messages it sums up in 'children'.
 */
struct notify_item {
	struct notify_item *next;
	char *event, *severity, *site, *device; /* device may be NULL */
	char *subject_id, *subject_en, *text_id, *text_en;
	int64_t ts, alert_id, ticket_id;
	int64_t queued;    /* Unix seconds, for retry_for */
	unsigned attempts; /* failed deliveries so far */
	char **attach;     /* absolute paths, read at send time */
	size_t nattach;
	size_t nchildren;
	struct notify_item *children;
};

/* notify_msg.c */

/*
 * Copies and cleans 'm'.  Returns NULL when it is unusable (no event, site
 * or subject; an unknown severity; an event name outside [a-z0-9._-]) or on
 * ENOMEM, with the reason in 'why'.
 */
struct notify_item *notify_item_new(const struct notify_msg *m,
                                    const char **why);
struct notify_item *notify_item_dup(const struct notify_item *it);
void notify_item_free(struct notify_item *it);  /* NULL is a no-op */
void notify_items_free(struct notify_item *it); /* a whole list */

/*
 * One message that sums up the list 'held' (taken over): "N more
 * notifications", the highest severity, every subject in the body.
 */
struct notify_item *notify_item_summary(struct notify_item *held, size_t n,
                                        int64_t now);

/* The subject and text in the target's language (falling back). */
const char *notify_item_subject(const struct notify_item *it, bool english);
const char *notify_item_text(const struct notify_item *it, bool english);

/*
 * The JSON a webhook receives and a command reads on stdin (docs/notify.md
 * lists the fields).  NULL on ENOMEM.
 */
cJSON *notify_item_json(const struct notify_item *it, const char *target,
                        bool english);

/* The full storage form of an item and back (notify_store.c). */
cJSON *notify_item_store(const struct notify_item *it);
struct notify_item *notify_item_load(const cJSON *o);

/*
 * Cleans untrusted text into a new string: invalid UTF-8 becomes U+FFFD,
 * control characters are dropped (with 'one_line', CR, LF and TAB become
 * one space; otherwise CR LF and CR become LF and TAB stays), the result
 * is cut at 'max' bytes on a character boundary.  NULL on ENOMEM.
 */
char *notify_clean(const char *s, bool one_line, size_t max);

/*
 * A Subject header value: the text itself when it is short printable
 * ASCII, otherwise RFC 2047 "=?UTF-8?B?...?=" words of at most 75
 * characters, folded with CRLF SP.  NULL on ENOMEM.
 */
char *notify_mail_subject(const char *utf8);

/* RFC 5322 date of 't' (UTC): "Sun, 29 Nov 2026 05:12:18 +0000". */
void notify_mail_date(int64_t t, char *buf, size_t bufsz);

/*
 * The whole RFC 5322 message (CRLF line ends, base64 UTF-8 text body) for
 * 'it' from 'from' to the 'nto' addresses, in the target's language.
 * 'msgid' is the unique left part of the Message-ID.  Returns a malloc'd
 * string, NULL on ENOMEM.
 */
char *notify_mail_render(const struct notify_item *it, bool english,
                         const char *from, const char *const *to, size_t nto,
                         const char *msgid, int64_t now);

/*
 * The environment of a command target: PANTAU_* variables with the
 * message's fields, plus PATH and LANG.  A NULL-terminated malloc'd array
 * of malloc'd strings; notify_env_free() releases it.
 */
char **notify_exec_env(const struct notify_item *it, const char *target,
                       bool english);
void notify_env_free(char **env);

/* notify_attach.c: files carried by a message */

#define NOTIFY_ATTACH_MAX 16          /* files per message */
#define NOTIFY_ATTACH_SIZE (25 << 20) /* bytes per file, as mail allows */

/*
 * Copies the 'n' paths of 'src' into it->attach.  Returns 0, or -1 with
 * the reason in 'why' (too many, not absolute, control characters,
 * ENOMEM).
 */
int notify_attach_copy(struct notify_item *it, const char *const *src, size_t n,
                       const char **why);
void notify_attach_free(struct notify_item *it);
/* The last component of 'path'. */
const char *notify_attach_name(const char *path);
/* "application/pdf", "text/csv; charset=UTF-8", ... by the file's suffix */
const char *notify_attach_type(const char *path);
/*
 * Reads a whole attachment.  Returns a malloc'd buffer with *len, or NULL
 * (missing, unreadable, larger than NOTIFY_ATTACH_SIZE) with errno.
 */
unsigned char *notify_attach_read(const char *path, size_t *len);
/* Adds "key": [strings] (names only with 'names') when there are any. */
void notify_attach_json(cJSON *o, const char *key, const struct notify_item *it,
                        bool names);
/* Reads "attach" of a stored item back into 'it'; 0 or -1. */
int notify_attach_load(struct notify_item *it, const cJSON *o);

/* notify_send.c */

/* One target as the delivery thread holds it: a deep copy of the config. */
struct notify_dest {
	struct notify_target t;   /* strings point into 'strs' */
	char *strs;               /* one allocation for every string */
	char *token;              /* the content of token_file, or NULL */
	char *password;           /* the content of password_file, or NULL */
	char from[256];           /* t.from, or pantau@<host name> */
	const atomic_bool *abort; /* set: end a transfer now (shutdown) */
};

/*
 * Copies 'src' into 'd' and reads its secret files.  Returns 0, or -1
 * with a message in 'err'.  notify_dest_clear() frees.
 */
int notify_dest_init(struct notify_dest *d, const struct notify_target *src,
                     char *err, size_t errsz);
void notify_dest_clear(struct notify_dest *d);

enum notify_result {
	NOTIFY_SENT = 0,
	NOTIFY_RETRY = -1,  /* the target is down or refused for now */
	NOTIFY_REFUSED = -2 /* the target refuses this message for good */
};

/*
 * Delivers one message, within the target's timeout.  Safe from several
 * threads for different destinations.  The reason of a failure is put in
 * 'err'.
 */
enum notify_result notify_send(const struct notify_dest *d,
                               const struct notify_item *it, char *err,
                               size_t errsz);

/* notify_exec.c: the command targets (notify_send() calls it) */
enum notify_result notify_exec_run(const struct notify_dest *d,
                                   const struct notify_item *it, char *err,
                                   size_t errsz);

/* notify_store.c */

/*
 * The file text of a queue 'items' and then 'held' (summaries flattened
 * into what they sum up), rendered under the queue's lock so that the
 * write can happen outside it.  NULL when both are empty, or on ENOMEM
 * (*failed set).
 */
char *notify_store_render(const struct notify_item *items,
                          const struct notify_item *held, bool *failed);

/*
 * Writes 'text' to DIR/<target>.json atomically (temporary file, fsync,
 * rename); NULL removes the file.  Returns 0 or -1 (logged).
 */
int notify_store_write(const char *dir, const char *target, const char *text);

/*
 * Reads DIR/<target>.json into a list (NULL when there is none; a damaged
 * file is logged and set aside as .bad).  *n gets the count.
 */
struct notify_item *notify_store_load(const char *dir, const char *target,
                                      size_t *n);

#endif
