/*
 * collector.h: the private header of pantau-collector and pantauctl.
 *
 * The ingest path reads as the file list: subscribe.c (MQTT, driven from
 * the event loop in main.c) hands every message to ingest.c, which
 * validates it with common/wire.h, records accepted metrics in the journal
 * (journal.c) and passes them to the write queue (writeq.c), whose thread
 * writes them with rrdstore.c.  db.c and presence.c (db.h, presence.h) take
 * the rest.  config.c turns pantau-collector.conf into a struct
 * collector_conf for all of them.  Prototypes are grouped by file.
 */
#ifndef PANTAU_COLLECTOR_H
#define PANTAU_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector/cups_config.h"
#include "collector/notify_config.h"
#include "common/conf.h"
#include "common/log.h"
#include "common/wire.h"

struct db;
struct presence;

#define COLLECTOR_CONF_DEFAULT SYSCONFDIR "/pantau/pantau-collector.conf"
#define COLLECTOR_DATA_DEFAULT LOCALSTATEDIR "/lib/pantau"
#define COLLECTOR_CLIENT_ID "pantau-collector"
#define COLLECTOR_TOPIC "pantau/v1/+/+/#"

/* A sample stamped later than now + this many seconds is refused. */
#define INGEST_MAX_FUTURE 86400

/* config.c */

/*
 * A validated configuration.  The strings point into 'raw' (the parsed
 * file), which the struct owns; everything is released by config_free().
 */
struct collector_conf {
	struct conf *raw;
	const char *path;

	const char *data_dir;
	enum log_level log_level;

	const char *mqtt_host;
	long mqtt_port;
	const char *mqtt_username;
	const char *mqtt_password_file;
	const char *mqtt_tls_ca;
	const char *mqtt_client_id;
	unsigned mqtt_keepalive;

	const char *rrd_cached; /* "unix:/path" or NULL: direct writes */
	unsigned rrd_step;      /* 0: the device's interval */
	long rrd_queue_max;     /* samples waiting before MQTT pauses */

	struct cups_config cups;     /* nservers 0: no CUPS polling */
	struct notify_config notify; /* [notify NAME], notify_config.c */

	const char *http_listen;
	const char *http_tls_cert;
	const char *http_tls_key;
	const char *http_dashboards; /* the web UI's files (dashboards/) */
};

/*
 * Reads and validates 'path'.  Every problem is recorded in 'errs' as
 * "FILE:LINE: message".  Returns the configuration only when there was no
 * error at all; NULL otherwise.  The caller frees it with config_free().
 */
struct collector_conf *config_load(const char *path, struct conf_err *errs);
void config_free(struct collector_conf *cf); /* NULL is a no-op */

/* rrdstore.c */

struct rrdstore;

/*
 * The RRD files under DATA/rrd/<site>/<device>/<metric>.rrd.  'cached' is
 * the rrdcached address ("unix:/path") or NULL; 'step' forces the step of
 * new files (0: the device's interval).  Returns NULL with a message in
 * 'err' when DATA/rrd cannot be created or rrdcached cannot be reached.
 * A struct rrdstore belongs to one thread at a time.
 */
struct rrdstore *rrdstore_new(const char *data_dir, const char *cached,
                              unsigned step, char *err, size_t errsz);
void rrdstore_free(struct rrdstore *rs); /* NULL is a no-op */

/*
 * Queues one sample for its file.  Nothing is written until
 * rrdstore_commit().  Returns 0, or -1 for an invalid name (counted as an
 * RRD error; ingest validated it already, this is the last line of defence
 * before a file name) or ENOMEM.
 */
int rrdstore_add(struct rrdstore *rs, const char *site, const char *device,
                 const char *metric, int counter, unsigned interval, int64_t ts,
                 double value);

/*
 * Writes every queued sample: creates missing files, then one update per
 * file with its samples in time order.  A sample not newer than the file's
 * last update is skipped (stats.samples_skipped), not an error.  Returns
 * the number of samples written.
 */
size_t rrdstore_commit(struct rrdstore *rs);

/* With rrdcached, makes it write every file it caches (at shutdown). */
int rrdstore_sync(struct rrdstore *rs);

/*
 * Writes the absolute path of a series' file into buf.  Returns 0, or -1
 * (invalid name, or buf too small).
 */
int rrdstore_path(const struct rrdstore *rs, const char *site,
                  const char *device, const char *metric, char *buf,
                  size_t bufsz);

/*
 * For readers of RRD files (graphs, the API), from any thread: with
 * rrdcached ('cached' not NULL) makes it write 'path' first, so that a
 * direct read with librrd sees every update.  librrd serialises its one
 * rrdcached connection.  Returns 0, or -1 (logged) when the flush failed.
 */
int rrdstore_flush_for_read(const char *cached, const char *path);

/* The number of series seen since rrdstore_new(). */
size_t rrdstore_series(const struct rrdstore *rs);

/* The number of files with samples waiting for rrdstore_commit(). */
size_t rrdstore_pending_files(const struct rrdstore *rs);

/* writeq.c */

struct writeq;

/*
 * Starts the writer thread, which owns 'rs' from now on (and frees it).
 * 'max' is the number of queued samples at which writeq_full() turns true.
 * Returns NULL on failure ('rs' is then still the caller's).
 */
struct writeq *writeq_new(struct rrdstore *rs, size_t max);

/*
 * Stops the thread after it wrote everything queued, makes rrdcached write
 * its cache, and frees the queue and the store.  NULL is a no-op.
 */
void writeq_free(struct writeq *q);

/*
 * Hands a metrics message to the writer.  The contents of *m move into the
 * queue (m is left zeroed); 'id' is its journal record, reported by
 * writeq_done() once written.  Never blocks on the writer.  Returns 0, or
 * -1 on ENOMEM (m is then untouched).
 */
int writeq_push(struct writeq *q, const char *site, const char *device,
                struct wire_metrics *m, uint64_t id);

bool writeq_full(struct writeq *q);
size_t writeq_depth(struct writeq *q);

/* The highest id such that it and every id pushed before it are written. */
uint64_t writeq_done(struct writeq *q);

/*
 * A descriptor that becomes readable when the writer finished a batch;
 * writeq_clear_fd() empties it.  The event loop polls it to resume reading
 * MQTT after a pause.
 */
int writeq_fd(struct writeq *q);
void writeq_clear_fd(struct writeq *q);

/* Waits until everything queued so far is written. */
void writeq_drain(struct writeq *q);

/* journal.c */

struct journal;

/*
 * The ingest journal in 'dir': accepted metrics messages are appended
 * before the broker gets their PUBACK, and removed once written to RRD, so
 * a crash of the collector loses no acknowledged sample.  Returns NULL with
 * a message in 'err'.
 */
struct journal *journal_open(const char *dir, char *err, size_t errsz);
void journal_close(struct journal *j); /* NULL is a no-op */

/*
 * Calls 'fn' for every record left by an earlier run, oldest first, then
 * deletes those files ('fn' is expected to append them again).  Returns the
 * number of records, or -1 when a file could not be read.
 */
typedef void journal_fn(void *arg, const char *topic, const void *payload,
                        size_t len);
long journal_replay(struct journal *j, journal_fn *fn, void *arg);

/*
 * Appends one record.  Returns its id (> 0), or 0 when it could not be
 * written (logged; the message is then processed without the safety net).
 */
uint64_t journal_append(struct journal *j, const char *topic,
                        const void *payload, size_t len);

/* Forgets every record with id <= done (deletes or truncates files). */
void journal_release(struct journal *j, uint64_t done);

/* ingest.c */

struct ingest;

/*
 * The validation and dispatch of received messages.  'db' and 'p' may be
 * NULL (tests of the RRD path).  Does not own its arguments.
 */
struct ingest *ingest_new(struct writeq *q, struct journal *j, struct db *db,
                          struct presence *p);
void ingest_free(struct ingest *in); /* NULL is a no-op */

/*
 * Hands every accepted metrics message and event to the alert engine
 * (alert.h; NULL: none), inside the ingest's transaction.
 */
struct alert_engine;
void ingest_set_alerts(struct ingest *in, struct alert_engine *e);

/* The same for the internet tracker (internet.h; NULL: none). */
struct internet;
void ingest_set_internet(struct ingest *in, struct internet *inet);

/* One received message (journal_fn compatible, 'arg' is the ingest). */
void ingest_message(void *arg, const char *topic, const void *payload,
                    size_t len);

/* Ends the current database transaction (call once per loop turn). */
void ingest_commit(struct ingest *in);

/* subscribe.c */

struct subscribe;

/*
 * The MQTT session: a persistent session (fixed client id, clean session
 * off, MQTT 3.1.1) subscribed to COLLECTOR_TOPIC at QoS 1, driven by the
 * caller's poll() loop.  Messages go to 'fn'.  Connecting starts at once
 * and is retried with backoff; returns NULL only on a setup failure
 * (logged).
 */
struct subscribe *subscribe_new(const struct collector_conf *cf, journal_fn *fn,
                                void *arg);

/* Disconnects cleanly and frees.  NULL is a no-op. */
void subscribe_free(struct subscribe *s);

/*
 * The socket to poll (-1 while disconnected) and the events to ask for.
 * With 'paused', POLLIN is not asked for: not reading means not
 * acknowledging, so the broker keeps the messages for us.
 */
int subscribe_fd(struct subscribe *s);
short subscribe_events(struct subscribe *s, bool paused);

/*
 * Handles poll() results ('revents' 0 on a timeout); reads only while
 * 'paused' returns false.  'paused' is asked between messages.
 */
void subscribe_handle(struct subscribe *s, short revents,
                      bool (*paused)(void *), void *arg);

/* Keepalive and reconnection; call at least once a second. */
void subscribe_tick(struct subscribe *s);

bool subscribe_connected(struct subscribe *s);

/* stats.c: see stats.h; also writes the dump of SIGUSR1. */
int stats_write_file(const char *path);

#endif
