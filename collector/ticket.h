/*
 * ticket.h: maintenance tickets (issue 7, DESIGN.md 8).
 *
 * A ticket is a piece of work for the technician: a fault (opened by a
 * firing alert or by hand), preventive maintenance, or a request.  Its
 * timeline (table ticket_notes) records every note and change with who and
 * when.  One open ticket per site, device and fault: ticket_open() with a
 * dedup_key that matches an open ticket appends a note instead.
 *
 * The functions work on any writable struct db (the event loop's, or the
 * HTTP thread's from http_req_db_rw()); they return 0, or -1 on a database
 * error (logged by db.c).
 */
#ifndef PANTAU_COLLECTOR_TICKET_H
#define PANTAU_COLLECTOR_TICKET_H

#include <stddef.h>
#include <stdint.h>

struct db;

enum ticket_kind { TICKET_FAULT, TICKET_PREVENTIVE, TICKET_REQUEST };

struct ticket_new {
	enum ticket_kind kind;
	const char *title;       /* required */
	const char *description; /* may be NULL */
	const char *site;        /* required */
	const char *device;      /* NULL: not about one device */
	const char
	    *asset_tag; /* NULL: the asset linked to site/device, if any */
	int priority;   /* 1 urgent, 2 high, 3 normal, 4 low */
	/*
	 * NULL, or e.g. "rule:disk_full:/" or "pm:12": an open ticket (state
	 * not resolved/closed) with the same site, device and key gets a
	 * timeline note instead of a second ticket.
	 */
	const char *dedup_key;
	const char *actor; /* "system" or a user name */
};

/* Returns 0 with *id (and *created 1 when new, 0 when appended), -1 on a
 * database error. */
int ticket_open(struct db *db, const struct ticket_new *t, int64_t now,
                int64_t *id, int *created);

/* Appends a note to the ticket's timeline. */
int ticket_add_note(struct db *db, int64_t id, const char *actor,
                    const char *text, int64_t now);

/* The state name and when it last became resolved or closed (0: never); *found
 * 0 when no such ticket. */
int ticket_state(struct db *db, int64_t id, char *state, size_t statesz,
                 int64_t *resolved_at, int *found);

/*
 * A change to a ticket: every field set is compared with the stored one
 * and, when different, written with a "change" row in the timeline
 * ("state: open -> resolved").  Becoming resolved or closed stamps
 * resolved_at / closed_at.
 */
struct ticket_change {        /* (ticket_edit.c) */
	const char *state;    /* NULL: unchanged */
	const char *assignee; /* NULL: unchanged; "": nobody */
	int priority;         /* 0: unchanged, else 1..4 */
	int64_t cost_idr;     /* -1: unchanged */
	const char *parts;    /* NULL: unchanged */
	const char *note;     /* NULL: no note */
};
int ticket_update(struct db *db, int64_t id, const struct ticket_change *c,
                  const char *actor, int64_t now, int *found);

/* "fault", "preventive", "request"; parse returns 0 or -1. */
const char *ticket_kind_name(enum ticket_kind k);
int ticket_kind_parse(const char *s, enum ticket_kind *out);

/* 1 when 's' is one of open, in_progress, waiting, resolved, closed. */
int ticket_state_valid(const char *s);

#endif
