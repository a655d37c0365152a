/*
 * cups_poll.h: print accounting from CUPS servers (issue 6, DESIGN.md 2).
 *
 * A worker thread asks every configured CUPS server, once per interval,
 * for its jobs (IPP Get-Jobs, which-jobs "all", from the lowest job id it
 * still needs: incremental by job id) and its queues (CUPS-Get-Printers),
 * and stores them with cups_store.c through its own SQLite connection.
 * What the rest of the collector must learn from a round (per-device page
 * counters and marker levels, printer-state-reasons turned into events,
 * offline queues as presence) comes back as ready-made MQTT-contract
 * messages, which the event loop hands to ingest_message() like any
 * other: the worker never touches the event loop's database connection,
 * presence table or RRD queue, and blocking HTTP never stalls the loop.
 *
 * A server that does not answer is logged once when it goes away and once
 * when it is back; the jobs it finished in between are fetched on return.
 * When the lowest job id a server returns lies past the next id we
 * needed, its history rolled over between two polls (MaxJobs): that is
 * logged as a warning with the missing range.
 *
 * The pure parts (configuration, reading IPP responses) are exported for
 * the unit tests, which build ipp_t responses by hand.
 */
#ifndef PANTAU_COLLECTOR_CUPS_POLL_H
#define PANTAU_COLLECTOR_CUPS_POLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cups/cups.h>

#include "collector/cups_config.h"
#include "common/names.h"

#define CUPS_TITLE_MAX 256
#define CUPS_URI_MAX 512
#define CUPS_REASONS_MAX 512 /* printer-state-reasons, comma separated */
#define CUPS_MARKERS_MAX 16

/* One job as CUPS reports it.  Absent integers are -1, absent times 0. */
struct cups_job {
	int id;
	char queue[CUPS_NAME_MAX]; /* last part of job-printer-uri */
	char user[CUPS_NAME_MAX];
	char title[CUPS_TITLE_MAX]; /* "" unless titles are stored */
	int impressions;            /* job-impressions-completed */
	int sheets;                 /* job-media-sheets-completed */
	int copies;
	int k_octets;
	int64_t created;
	int64_t completed;
	int state; /* ipp_jstate_t, 3..9 */
};

struct cups_marker {
	char name[64];
	int level; /* percent, or -1 unknown */
};

/* One queue (printer or class) of a server. */
struct cups_queue {
	char name[CUPS_NAME_MAX];
	char device_uri[CUPS_URI_MAX];
	char make_model[CUPS_NAME_MAX];
	int state;                      /* 3 idle, 4 processing, 5 stopped */
	char reasons[CUPS_REASONS_MAX]; /* "none", "toner-low-report,..." */
	bool raw;                       /* no driver: CUPS cannot count pages */
	size_t nmarkers;
	struct cups_marker markers[CUPS_MARKERS_MAX];
};

/* True for canceled(7), aborted(8) and completed(9): the job will not change.
 */
bool cups_ipp_final(int state);

/*
 * The page rule: the pages a job printed, or -1 for "unknown".  CUPS
 * counts pages only when a filter writes PAGE: lines; a raw or driverless
 * queue reports 0 for every job.  So a job that ended with 0 impressions
 * is unknown unless its queue is known to count pages and the job was
 * canceled or aborted (then 0 is believable); a job on a raw queue is
 * always unknown.  'queue' may be NULL (queue not seen).
 */
int cups_ipp_pages(const struct cups_job *j, const struct cups_queue *q);

/*
 * Reads a Get-Jobs response.  Appends the jobs to *jobs (realloc'd array
 * of *n entries, caller frees); job titles are kept only with
 * 'keep_titles'.  Returns the number of jobs read, or -1 on ENOMEM (the
 * array then holds what was read so far).
 */
int cups_ipp_jobs(ipp_t *resp, bool keep_titles, struct cups_job **jobs,
                  size_t *n);

/* As cups_ipp_jobs(), for a CUPS-Get-Printers response. */
int cups_ipp_queues(ipp_t *resp, struct cups_queue **queues, size_t *n);

/*
 * The rollover check.  'next_id' is the lowest new job id we still
 * needed (the highest id stored + 1); 'lowest_new' the lowest id above
 * the highest stored that the server returned (0: none).  A gap means
 * the server forgot jobs we never saw.  Returns 1 and sets [*from, *to]
 * to the missing ids, or 0.  The very first poll (next_id 1) never
 * reports a gap: history before pantau is not "lost".
 */
int cups_ipp_rollover(int next_id, int lowest_new, int *from, int *to);

/* The result of one poll of one server. */
struct cups_result {
	char server[CUPS_ADDR_MAX];
	bool ok; /* false: unreachable or refused */
	char error[256];
	int64_t time;
	int first_id; /* jobs with id >= this were asked */
	struct cups_job *jobs;
	size_t njobs;
	struct cups_queue *queues;
	size_t nqueues;
	int gap_from, gap_to; /* missing ids, 0 none */
	/*
	 * With nothing new, the lowest job CUPS still has (0: none asked or
	 * none there): a job pantau never stored below its cursor means the
	 * server's job ids started again (cups_store_result()).
	 */
	int probe_id;
	int64_t probe_created;
};

void cups_ipp_result_clear(struct cups_result *r);

/*
 * One synchronous poll of 'server' for jobs with id >= first_id: what the
 * worker thread runs, also usable from a tool.  'next_id' is used for the
 * rollover check.  Fills *r (caller clears it) and returns 0, or -1 with
 * r->ok false and r->error set.  Blocks up to cfg->timeout per request.
 */
int cups_poll_server(const struct cups_config *cfg, const char *server,
                     int first_id, int next_id, struct cups_result *r);

/* The poller thread. */
struct cups_poll;

/*
 * A message for the ingest path: the same callback type as journal_fn
 * (collector.h), so ingest_message() can be passed directly.
 */
typedef void cups_poll_msg_fn(void *arg, const char *topic, const void *payload,
                              size_t len);

/*
 * Starts the worker for the servers of 'cfg' (copied), storing into the
 * SQLite database at 'db_path' (opened and migrated by the worker's own
 * connection).  The first round starts at once.  Returns NULL with a
 * message in 'err' when the database cannot be opened or the thread not
 * started.  Nothing is started when cfg->nservers is 0 (returns NULL,
 * err "").
 */
struct cups_poll *cups_poll_new(const struct cups_config *cfg,
                                const char *db_path, char *err, size_t errsz);

/* Stops the worker (waits for a request in flight) and frees.  NULL ok. */
void cups_poll_free(struct cups_poll *p);

/*
 * A descriptor that becomes readable when messages wait; the event loop
 * polls it and then calls cups_poll_take(), which empties it and calls
 * 'fn' once per message, in order, on the caller's thread.
 */
int cups_poll_fd(const struct cups_poll *p);
size_t cups_poll_take(struct cups_poll *p, cups_poll_msg_fn *fn, void *arg);

/* Starts a round now instead of at the end of the interval. */
void cups_poll_kick(struct cups_poll *p);

/* Rounds finished since cups_poll_new() (every server asked once each). */
unsigned long cups_poll_rounds(struct cups_poll *p);

#endif
