/*
 * agent.h: the core of pantau-agent, private to agent/.
 *
 * The data path reads top to bottom: config.c turns the INI file into a
 * validated struct agent_config; sched.c says when the next aligned round
 * is due; the samplers (pc.h) fill a metrics message; spool.c puts every
 * message on disk first; publish.c drives libmosquitto from the agent's own
 * poll() loop and deletes spooled messages only once the broker acknowledged
 * them.  agent.c runs the daemon around one poll() loop: round.c samples
 * the PC, devices.c brings in what the device pollers (poll.h) found, and
 * emit.c is the one way out for every message.  main.c only parses the
 * options and starts and stops the agent.  Everything but main.c builds
 * into agent/libagent-core.a, which the unit tests link directly.
 */
#ifndef PANTAU_AGENT_H
#define PANTAU_AGENT_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/conf.h"
#include "common/log.h"
#include "common/names.h"
#include "common/wire.h"

/* config.c */

#define CONFIG_DEFAULT_PATH SYSCONFDIR "/pantau/pantau-agent.conf"
#define CONFIG_DEFAULT_SPOOL LOCALSTATEDIR "/lib/pantau/spool"
#define CONFIG_SPOOL_MIN (16 * 1024) /* bytes; "16k" is for tests */

enum snmp_auth {
	SNMP_AUTH_NONE = -1,
	SNMP_AUTH_SHA,
	SNMP_AUTH_SHA256,
	SNMP_AUTH_MD5
};
enum snmp_priv { SNMP_PRIV_NONE = -1, SNMP_PRIV_AES, SNMP_PRIV_DES };

/*
 * A device this agent polls on behalf of others ([device NAME]).  Issue 4
 * brings the pollers; the configuration is validated completely today so
 * that a file accepted now stays accepted then.
 */
struct agent_device {
	char name[NAME_ID_MAX + 1];
	enum dev_type type;
	char *host;       /* address without the port */
	unsigned port;    /* 0: the protocol's default */
	int snmp_version; /* 1, 2 (for 2c) or 3 */
	char *community;
	char *snmp_user;
	enum snmp_auth snmp_auth;
	char *snmp_auth_pass;
	enum snmp_priv snmp_priv;
	char *snmp_priv_pass;
	char *pjlink_password;
	unsigned interval; /* seconds */
};

struct agent_mqtt {
	char *host;
	unsigned port;
	char *username;         /* NULL: anonymous */
	char *password_file;    /* read at each connect, never kept */
	char *tls_ca;           /* NULL: plain TCP */
	unsigned keepalive;     /* seconds */
	unsigned reconnect_max; /* seconds: the backoff's ceiling */
};

struct link_config; /* link.h */

struct agent_config {
	char *path;
	char site[NAME_ID_MAX + 1];
	char device[NAME_ID_MAX + 1];
	unsigned interval; /* seconds, >= 1 */
	char *spool_dir;
	uint64_t spool_max; /* bytes */
	char *smartctl;     /* NULL: no SMART data */
	unsigned smart_interval;
	unsigned smart_timeout;
	enum log_level log_level;
	struct agent_mqtt mqtt;
	struct agent_device *devices;
	size_t ndevices;
	char *snmp_agentx; /* [snmp] agentx: the master's socket, or NULL */
	struct link_config *link; /* [link]; NULL: no link probes */
};

/*
 * Reads and validates 'path' into 'cfg' (which must be zeroed or cleared).
 * Every problem is recorded in 'errs' as "FILE:LINE: message".  'hostname'
 * is the default for device (NULL: gethostname()).  Returns 0 when the file
 * is valid; -1 when anything was recorded, and then 'cfg' is left cleared.
 * The caller releases a loaded configuration with config_clear().
 */
int config_load(const char *path, const char *hostname,
                struct agent_config *cfg, struct conf_err *errs);

/* As config_load(), from a string named 'name' (for the unit tests). */
int config_load_string(const char *name, const char *text, const char *hostname,
                       struct agent_config *cfg, struct conf_err *errs);

void config_clear(struct agent_config *cfg);

/*
 * The host name that device defaults to when the agent reads a captured
 * tree under 'root': its proc/sys/kernel/hostname or etc/hostname, copied
 * into buf.  Returns buf, or NULL for the machine's own (root "/", or no
 * such file): what config_load() takes as 'hostname'.
 */
const char *config_root_hostname(const char *root, char *buf, size_t sz);

/* Whether both configurations list the same devices, every key alike. */
bool config_devices_equal(const struct agent_config *x,
                          const struct agent_config *y);

/* sched.c */

/*
 * The round timer.  Rounds fall on multiples of the interval in Unix time
 * (so every agent of a site samples at the same instants and RRD updates
 * land on step boundaries) but are waited for on the monotonic clock, so a
 * step of the wall clock neither floods nor starves them.  A late round
 * keeps its aligned time stamp; rounds missed entirely (a suspended PC) are
 * skipped, not caught up.  The functions take the clocks as arguments so the
 * unit tests can drive them.
 */
struct sched {
	unsigned interval;
	int64_t due_ts;   /* Unix seconds of the next round */
	int64_t due_mono; /* monotonic ms when it is due */
	int64_t last_ts;  /* the last round fired, or 0 */
};

void sched_init(struct sched *s, unsigned interval, int64_t real_ms,
                int64_t mono_ms);
/* Milliseconds until the next round (0 when due). */
int64_t sched_timeout(const struct sched *s, int64_t mono_ms);
/*
 * When a round is due, sets *ts to its aligned time, schedules the next one
 * and returns true; otherwise returns false.
 */
bool sched_due(struct sched *s, int64_t real_ms, int64_t mono_ms, int64_t *ts);

/* spool.c */

/*
 * The on-disk queue every outgoing message passes through (docs/agent.md).
 * Append-only segment files of checksummed records; a record is handed out
 * for publishing only after it reached the disk, and the oldest unacked
 * record is where sending resumes after a reconnect or a restart.
 */
struct spool;

struct spool_rec {
	uint64_t id;  /* position: what spool_ack() takes */
	int64_t ts;   /* the message's time stamp */
	uint64_t seq; /* 0 for messages without one */
	bool retain;
	const char *topic;   /* owned by the spool until the next */
	const void *payload; /* spool_next() or spool_close() */
	size_t len;
};

/*
 * Opens (creating if needed) the spool in 'dir', checks every record,
 * truncates a torn or corrupt tail, and restores seq counters and the send
 * position.  'max_bytes' bounds the files on disk; 'window' bounds the
 * records handed out and not yet acked.  Returns the spool, or NULL with
 * errno set (and the reason logged).
 */
struct spool *spool_open(const char *dir, uint64_t max_bytes, unsigned window);
/* Syncs and closes; spool_close(NULL) is a no-op. */
void spool_close(struct spool *sp);

/*
 * The next seq for the messages on 'topic' (1, 2, ...; per device, since a
 * device has one metrics topic).  It survives restarts: it is persisted at
 * spool_sync() and recovered from the records themselves.  Returns 0 and
 * sets *seq, or -1 (ENOMEM).
 */
int spool_seq_next(struct spool *sp, const char *topic, uint64_t *seq);

/*
 * Appends a message.  When the spool would grow past its bound, whole
 * segments are dropped, oldest first, and counted (spool_dropped()).
 * Returns 0, or -1 with errno set: E2BIG (larger than the bound), EINVAL
 * (topic too long), or the write error (the spool is unchanged then).
 */
int spool_append(struct spool *sp, const char *topic, const void *payload,
                 size_t len, bool retain, int64_t ts, uint64_t seq);

/*
 * Makes every appended record durable (fdatasync), then persists the seq
 * counters, the drop count and the send position.  Called once per round
 * and at exit.  Returns 0, or -1 with errno set.
 */
int spool_sync(struct spool *sp);

/*
 * Hands out the oldest record not yet handed out, marking it in flight.
 * Returns 1 and fills *rec, 0 when there is nothing durable left to send
 * or the window is full, -1 on a read error.
 */
int spool_next(struct spool *sp, struct spool_rec *rec);

/*
 * The broker acknowledged record 'id': it will not be sent again, and
 * segments holding only acknowledged records are deleted.  Returns 0, or
 * -1 with errno ENOENT when 'id' is not in flight (dropped meanwhile, or
 * acked twice).
 */
int spool_ack(struct spool *sp, uint64_t id);

/* The connection was lost: records in flight will be handed out again. */
void spool_rewind(struct spool *sp);

/* Changes the bound (SIGHUP); takes effect at the next append. */
void spool_set_max(struct spool *sp, uint64_t max_bytes);

/*
 * Records dropped by the bound, by a full disk or lost to corruption, ever
 * (persisted).
 */
uint64_t spool_dropped(const struct spool *sp);
/* spool_full.c: whether the disk under the spool is full now. */
bool spool_disk_full(const struct spool *sp);
/*
 * Once per change of spool_disk_full(): 1 (the disk filled) or -1 (space
 * is back) with a text for the event, else 0.
 */
int spool_full_news(struct spool *sp, char *text, size_t sz);
/* The event of the last news did not fit either: report it again. */
void spool_full_news_again(struct spool *sp);
/* The part of spool_dropped() lost to a full disk since spool_open(). */
uint64_t spool_full_dropped(const struct spool *sp);
/* Bytes of records not yet acknowledged. */
uint64_t spool_pending_bytes(const struct spool *sp);
/* Records handed out and not yet acknowledged. */
unsigned spool_inflight(const struct spool *sp);

/* publish.c */

/*
 * The MQTT side: one libmosquitto client driven from the caller's poll()
 * loop, reconnecting with exponential backoff and jitter.  It pulls from
 * the spool while connected and acks records on PUBACK.  'status' (online
 * at connect, offline as the will and at shutdown) is published directly:
 * it describes the connection itself and is stale once replayed.
 */
struct publish;

/* Called after each successful connect, before spooled data is sent. */
typedef void (*publish_online_fn)(void *arg);

/*
 * Prepares a client for 'cfg' (not copied: keep it alive, or pass the new
 * one to publish_reconfigure()).  Nothing is connected until
 * publish_service() runs.  Returns NULL with errno set.
 */
struct publish *publish_new(const struct agent_config *cfg, struct spool *sp,
                            publish_online_fn online, void *arg);
void publish_free(struct publish *p); /* NULL is a no-op */

/* Switches to 'cfg'; reconnects when anything MQTT-related changed. */
void publish_reconfigure(struct publish *p, const struct agent_config *cfg);

/*
 * Event loop integration: publish_pollfd() fills 'pfd' and returns 1 when
 * there is a socket to watch (0 otherwise); publish_timeout() is the
 * longest the loop may sleep; publish_service() does the I/O for 'revents'
 * (0 on a timeout), keepalive, reconnects and sends what the spool holds.
 */
int publish_pollfd(struct publish *p, struct pollfd *pfd);
int64_t publish_timeout(const struct publish *p, int64_t mono_ms);
void publish_service(struct publish *p, short revents, int64_t mono_ms);

bool publish_connected(const struct publish *p);

/*
 * Clean shutdown: publishes the retained offline status, waits up to
 * 'timeout_ms' for it and the records in flight to be acknowledged, and
 * disconnects, so the broker does not send the will.
 */
void publish_shutdown(struct publish *p, int timeout_ms);

/* agent.c */

/*
 * The running daemon (agent_priv.h has the parts): the PC's samplers, the
 * device pollers, the spool and the MQTT client around one poll() loop.
 */
struct agent;

struct agent_options {
	const char *cfg_path; /* reloaded from on SIGHUP */
	const char *root;     /* "/" or a captured tree (--root) */
	bool once;            /* one round of the PC and every device */
	bool to_stdout;       /* TOPIC<TAB>PAYLOAD lines, no spool, no broker */
};

/*
 * Starts everything for 'cfg', which the agent takes over (it is freed by
 * agent_free(), or replaced on reload).  Blocks SIGHUP, SIGTERM and SIGINT
 * for its signalfd.  Returns NULL with the reason logged and errno set;
 * 'cfg' is freed then too.
 */
struct agent *agent_new(const struct agent_options *o,
                        struct agent_config *cfg);

/*
 * Runs until SIGTERM or SIGINT (or, with --once, until the round is
 * delivered), then syncs the spool and says offline.  Returns the exit
 * status: 0, or 1 when --once could not deliver or poll() failed.
 */
int agent_run(struct agent *a);

void agent_free(struct agent *a); /* NULL is a no-op */

#endif
