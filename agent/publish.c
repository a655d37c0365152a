/*
 * publish.c: the agent's MQTT client, driven from main.c's poll() loop.
 *
 * One libmosquitto handle per connection attempt, run without its thread:
 * the loop polls mosquitto_socket() (POLLOUT while mosquitto_want_write())
 * and calls mosquitto_loop_read/write/misc.  Callbacks only note what
 * happened; state changes happen after the library call returned, because
 * a handle must not be destroyed from inside its own callback.
 *
 * Delivery: records come from the spool oldest first, at most
 * PUBLISH_WINDOW in flight, and are acked in the spool on PUBACK.  A lost
 * connection destroys the handle (and with it libmosquitto's own queue)
 * and rewinds the spool, so the records that were in flight are sent again
 * from our side, in order, on the next connection.  The broker may see a
 * message twice; the collector deduplicates by time stamp.
 *
 * Reconnects back off exponentially (1 s doubling up to reconnect_max) with
 * jitter (a random point in the upper half of the delay), so the agents of
 * a site do not hammer a broker that comes back all at the same instant.
 * The log gets one line per state change: lost, back, or the first failed
 * attempt of an outage; the attempts in between only at debug level.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "common/timeutil.h"

#define PUBLISH_WINDOW 20
#define PUBLISH_BACKOFF_MIN 1000      /* ms */
#define PUBLISH_CONNECT_TIMEOUT 30000 /* ms for TCP, TLS and CONNACK */
#define PUBLISH_MISC_EVERY 1000       /* ms between mosquitto_loop_misc() */
#define PUBLISH_PASS_MAX 256
#define PUBLISH_STABLE 30000 /* ms: a connection that lasted resets backoff */
#define PUBLISH_FLAPS 3      /* short connections before the hint */

enum publish_state {
	PUBLISH_IDLE,       /* waiting for the next attempt */
	PUBLISH_CONNECTING, /* TCP/TLS/CONNECT sent, no CONNACK yet */
	PUBLISH_CONNECTED,
};

struct publish_slot {
	int mid;
	uint64_t id;
};

struct publish {
	const struct agent_config *cfg;
	struct spool *sp;
	publish_online_fn online;
	void *arg;

	struct mosquitto *mosq;
	enum publish_state state;
	char client_id[16 + 2 * NAME_ID_MAX + 2];
	char status_topic[WIRE_TOPIC_MAX];

	int64_t next_attempt; /* monotonic ms */
	int64_t deadline;     /* of the current attempt */
	int64_t last_misc;
	unsigned backoff; /* ms */
	bool outage_logged;
	int64_t down_since;
	int64_t up_since;
	unsigned flaps; /* short-lived connections in a row */
	bool flap_warned;

	/* Noted by the callbacks, acted upon after the library returns. */
	bool ev_connack;
	int ev_connack_rc;
	bool ev_lost;
	int ev_lost_rc;

	struct publish_slot win[PUBLISH_WINDOW];
	unsigned nwin;
	int status_mid;
	bool status_acked;
};

static void
publish_on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	struct publish *p = obj;

	(void)mosq;
	p->ev_connack = true;
	p->ev_connack_rc = rc;
}

static void
publish_on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	struct publish *p = obj;

	(void)mosq;
	p->ev_lost = true;
	p->ev_lost_rc = rc;
}

static void
publish_on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	struct publish *p = obj;
	unsigned i;

	(void)mosq;
	if (mid == p->status_mid) {
		p->status_acked = true;
		return;
	}
	for (i = 0; i < p->nwin; i++) {
		if (p->win[i].mid != mid)
			continue;
		/* ENOENT: the record was dropped by the bound meanwhile. */
		spool_ack(p->sp, p->win[i].id);
		p->win[i] = p->win[--p->nwin];
		return;
	}
}

static const char *
publish_strerror(int rc)
{
	/* libmosquitto 2.0.11 has no text for some of its own codes. */
	switch (rc) {
	case MOSQ_ERR_ERRNO:
		return strerror(errno);
	case MOSQ_ERR_KEEPALIVE:
		return "no answer within the keepalive time";
	case MOSQ_ERR_CONN_LOST:
		return "the connection was lost";
	default:
		return mosquitto_strerror(rc);
	}
}

static void
publish_names(struct publish *p)
{
	snprintf(p->client_id, sizeof(p->client_id), "pantau-agent-%s-%s",
	         p->cfg->site, p->cfg->device);
	if (wire_topic(p->status_topic, sizeof(p->status_topic), p->cfg->site,
	               p->cfg->device, WIRE_CH_STATUS) != 0)
		p->status_topic[0] = '\0';
}

struct publish *
publish_new(const struct agent_config *cfg, struct spool *sp,
            publish_online_fn online, void *arg)
{
	struct publish *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->cfg = cfg;
	p->sp = sp;
	p->online = online;
	p->arg = arg;
	p->state = PUBLISH_IDLE;
	p->backoff = PUBLISH_BACKOFF_MIN;
	p->status_mid = -1;
	p->next_attempt = time_mono_ms();
	p->down_since = p->next_attempt;
	publish_names(p);
	mosquitto_lib_init();
	return p;
}

static void
publish_drop_handle(struct publish *p)
{
	if (p->mosq != NULL)
		mosquitto_destroy(p->mosq);
	p->mosq = NULL;
	p->nwin = 0;
	p->status_mid = -1;
	p->ev_connack = p->ev_lost = false;
	spool_rewind(p->sp);
}

void
publish_free(struct publish *p)
{
	if (p == NULL)
		return;
	publish_drop_handle(p);
	mosquitto_lib_cleanup();
	free(p);
}

/*
 * A connection that lasted resets the backoff.  One the broker closes right
 * after connect does not: the usual cause is a second agent with the same
 * client id (PCs cloned from one image keep one host name), and two agents
 * that throw each other out every second would flood broker and log.
 */
static void
publish_flap(struct publish *p, int64_t now)
{
	if (now - p->up_since >= PUBLISH_STABLE) {
		p->backoff = PUBLISH_BACKOFF_MIN;
		p->flaps = 0;
		p->flap_warned = false;
		return;
	}
	if (++p->flaps >= PUBLISH_FLAPS && !p->flap_warned) {
		log_warn("the broker keeps closing the connection right after "
		         "connect: is another agent using the client id %s "
		         "(a cloned PC? set device in the configuration)",
		         p->client_id);
		p->flap_warned = true;
	}
}

/* Backs off and waits for the next attempt; logs once per outage. */
static void
publish_down(struct publish *p, const char *why, int64_t now)
{
	const struct agent_mqtt *mq = &p->cfg->mqtt;
	unsigned delay, max = mq->reconnect_max * 1000;
	char reason[128];
	size_t n;

	/* libmosquitto's texts end in a full stop; ours go on after them. */
	snprintf(reason, sizeof(reason), "%s", why);
	n = strlen(reason);
	if (n > 0 && reason[n - 1] == '.')
		reason[n - 1] = '\0';
	why = reason;

	if (p->state == PUBLISH_CONNECTED) {
		log_warn("lost the broker %s:%u: %s; spooling until it is back",
		         mq->host, mq->port, why);
		p->outage_logged = true;
		p->down_since = now;
		publish_flap(p, now);
	} else if (!p->outage_logged) {
		log_warn("cannot reach the broker %s:%u: %s; retrying with "
		         "backoff",
		         mq->host, mq->port, why);
		p->outage_logged = true;
	} else {
		log_debug("broker %s:%u: %s", mq->host, mq->port, why);
	}
	publish_drop_handle(p);
	p->state = PUBLISH_IDLE;

	delay = p->backoff < max ? p->backoff : max;
	delay = delay / 2 + (unsigned)(random() % (delay / 2 + 1));
	p->next_attempt = now + delay;
	p->backoff = p->backoff < max / 2 ? p->backoff * 2 : max;
}

/* The first line of the password file.  Returns 0, or -1 with errno. */
static int
publish_read_password(const char *path, char *buf, size_t sz)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sz - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static char *
publish_status_payload(enum wire_state state, size_t *len)
{
	struct wire_status st = {.ts = time_now(), .state = state};

	return wire_status_encode(&st, len);
}

/* Configures a fresh handle; returns NULL with *why set. */
static struct mosquitto *
publish_handle(struct publish *p, const char **why)
{
	const struct agent_mqtt *mq = &p->cfg->mqtt;
	struct mosquitto *m;
	char pass[PUBLISH_PASS_MAX], *will;
	size_t len;
	int rc;

	*why = "out of memory";
	if ((m = mosquitto_new(p->client_id, true, p)) == NULL)
		return NULL;
	mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	/* Our window plus the status message. */
	mosquitto_int_option(m, MOSQ_OPT_SEND_MAXIMUM, PUBLISH_WINDOW + 1);
	if ((will = publish_status_payload(WIRE_OFFLINE, &len)) == NULL)
		goto fail;
	rc = mosquitto_will_set(m, p->status_topic, (int)len, will, 1, true);
	free(will);
	if (rc != MOSQ_ERR_SUCCESS)
		goto fail_rc;
	if (mq->username != NULL) {
		pass[0] = '\0';
		if (mq->password_file != NULL &&
		    publish_read_password(mq->password_file, pass,
		                          sizeof(pass)) != 0) {
			*why = "cannot read password_file";
			goto fail;
		}
		rc = mosquitto_username_pw_set(
		    m, mq->username, mq->password_file != NULL ? pass : NULL);
		explicit_bzero(pass, sizeof(pass));
		if (rc != MOSQ_ERR_SUCCESS)
			goto fail_rc;
	}
	if (mq->tls_ca != NULL) {
		rc = mosquitto_tls_set(m, mq->tls_ca, NULL, NULL, NULL, NULL);
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_tls_opts_set(m, 1, NULL, NULL);
		if (rc != MOSQ_ERR_SUCCESS)
			goto fail_rc;
	}
	mosquitto_connect_callback_set(m, publish_on_connect);
	mosquitto_disconnect_callback_set(m, publish_on_disconnect);
	mosquitto_publish_callback_set(m, publish_on_publish);
	return m;
fail_rc:
	*why = publish_strerror(rc);
fail:
	mosquitto_destroy(m);
	return NULL;
}

static void
publish_attempt(struct publish *p, int64_t now)
{
	const struct agent_mqtt *mq = &p->cfg->mqtt;
	const char *why;
	int rc;

	if ((p->mosq = publish_handle(p, &why)) == NULL) {
		publish_down(p, why, now);
		return;
	}
	/*
	 * The non-blocking connect: TCP and TLS complete through
	 * loop_write() when the socket becomes writable, so an unreachable
	 * broker never stalls the rounds.  Host names are still resolved
	 * synchronously by libmosquitto; use an address on weak links.
	 */
	rc = mosquitto_connect_async(p->mosq, mq->host, (int)mq->port,
	                             (int)mq->keepalive);
	if (rc != MOSQ_ERR_SUCCESS) {
		publish_down(p, publish_strerror(rc), now);
		return;
	}
	p->state = PUBLISH_CONNECTING;
	p->deadline = now + PUBLISH_CONNECT_TIMEOUT;
	p->last_misc = now;
}

/* Sends spooled records while the window has room. */
static void
publish_pump(struct publish *p)
{
	struct spool_rec rec;
	int mid, r, rc;

	while (p->state == PUBLISH_CONNECTED && p->nwin < PUBLISH_WINDOW) {
		if ((r = spool_next(p->sp, &rec)) <= 0) {
			if (r < 0)
				log_err("spool: cannot read: %s",
				        strerror(errno));
			return;
		}
		rc = mosquitto_publish(p->mosq, &mid, rec.topic, (int)rec.len,
		                       rec.payload, 1, rec.retain);
		if (rc == MOSQ_ERR_PAYLOAD_SIZE || rc == MOSQ_ERR_INVAL ||
		    rc == MOSQ_ERR_OVERSIZE_PACKET) {
			/* Never deliverable: do not block the queue with it. */
			log_err("dropping a spooled message for %s: %s",
			        rec.topic, mosquitto_strerror(rc));
			spool_ack(p->sp, rec.id);
			continue;
		}
		if (rc != MOSQ_ERR_SUCCESS) {
			/* Stays in flight; the rewind after the loss resends.
			 */
			p->ev_lost = true;
			p->ev_lost_rc = rc;
			return;
		}
		p->win[p->nwin].mid = mid;
		p->win[p->nwin].id = rec.id;
		p->nwin++;
	}
}

static void
publish_up(struct publish *p, int64_t now)
{
	const struct agent_mqtt *mq = &p->cfg->mqtt;
	char *status;
	size_t len;
	int rc;

	if (p->outage_logged)
		log_info("the broker %s:%u is back after %" PRId64
		         " s; %" PRIu64 " bytes spooled",
		         mq->host, mq->port, (now - p->down_since) / 1000,
		         spool_pending_bytes(p->sp));
	else
		log_info("connected to the broker %s:%u as %s", mq->host,
		         mq->port, p->client_id);
	p->outage_logged = false;
	p->state = PUBLISH_CONNECTED;
	p->up_since = now;
	spool_rewind(p->sp);

	if ((status = publish_status_payload(WIRE_ONLINE, &len)) != NULL) {
		p->status_acked = false;
		rc = mosquitto_publish(p->mosq, &p->status_mid, p->status_topic,
		                       (int)len, status, 1, true);
		free(status);
		if (rc != MOSQ_ERR_SUCCESS)
			log_debug("cannot publish status: %s",
			          mosquitto_strerror(rc));
	}
	if (p->online != NULL)
		p->online(p->arg);
}

/* Acts on what the callbacks noted during the last library call. */
static void
publish_events(struct publish *p, int64_t now)
{
	if (p->ev_connack) {
		p->ev_connack = false;
		if (p->ev_connack_rc != 0) {
			publish_down(
			    p, mosquitto_connack_string(p->ev_connack_rc), now);
			return;
		}
		publish_up(p, now);
	}
	if (p->ev_lost) {
		p->ev_lost = false;
		publish_down(p,
		             p->ev_lost_rc == MOSQ_ERR_SUCCESS
		                 ? "disconnected"
		                 : publish_strerror(p->ev_lost_rc),
		             now);
	}
}

int
publish_pollfd(struct publish *p, struct pollfd *pfd)
{
	int fd;

	if (p->mosq == NULL || (fd = mosquitto_socket(p->mosq)) < 0)
		return 0;
	pfd->fd = fd;
	pfd->events = POLLIN;
	if (mosquitto_want_write(p->mosq))
		pfd->events |= POLLOUT;
	pfd->revents = 0;
	return 1;
}

int64_t
publish_timeout(const struct publish *p, int64_t mono_ms)
{
	int64_t t;

	if (p->state == PUBLISH_IDLE)
		return p->next_attempt > mono_ms ? p->next_attempt - mono_ms
		                                 : 0;
	t = p->last_misc + PUBLISH_MISC_EVERY - mono_ms;
	return t > 0 ? t : 0;
}

void
publish_service(struct publish *p, short revents, int64_t now)
{
	int rc;

	if (p->state == PUBLISH_IDLE) {
		if (now >= p->next_attempt)
			publish_attempt(p, now);
		return;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		rc = mosquitto_loop_read(p->mosq, 1);
		publish_events(p, now);
		if (p->mosq != NULL && rc != MOSQ_ERR_SUCCESS) {
			publish_down(p, publish_strerror(rc), now);
			return;
		}
	}
	if (p->mosq != NULL && (revents & POLLOUT)) {
		rc = mosquitto_loop_write(p->mosq, 1);
		publish_events(p, now);
		if (p->mosq != NULL && rc != MOSQ_ERR_SUCCESS) {
			publish_down(p, publish_strerror(rc), now);
			return;
		}
	}
	if (p->mosq != NULL && now - p->last_misc >= PUBLISH_MISC_EVERY) {
		p->last_misc = now;
		rc = mosquitto_loop_misc(p->mosq);
		publish_events(p, now);
		if (p->mosq != NULL && rc != MOSQ_ERR_SUCCESS &&
		    p->state == PUBLISH_CONNECTED) {
			publish_down(p, publish_strerror(rc), now);
			return;
		}
	}
	if (p->state == PUBLISH_CONNECTING && now >= p->deadline) {
		publish_down(p, "timed out", now);
		return;
	}
	publish_pump(p);
	publish_events(p, now);
}

bool
publish_connected(const struct publish *p)
{
	return p->state == PUBLISH_CONNECTED;
}

/* Runs the connection alone until 'done' holds or the time is up. */
static void
publish_drain(struct publish *p, int timeout_ms, bool (*done)(struct publish *))
{
	int64_t end = time_mono_ms() + timeout_ms, now;
	struct pollfd pfd;

	while (p->mosq != NULL && !done(p) && (now = time_mono_ms()) < end) {
		if (publish_pollfd(p, &pfd) == 0)
			break;
		if (poll(&pfd, 1, (int)(end - now < 100 ? end - now : 100)) <
		        0 &&
		    errno != EINTR)
			break;
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			if (mosquitto_loop_read(p->mosq, 1) != MOSQ_ERR_SUCCESS)
				break;
		if (pfd.revents & POLLOUT)
			if (mosquitto_loop_write(p->mosq, 1) !=
			    MOSQ_ERR_SUCCESS)
				break;
		if (p->ev_lost)
			break;
	}
}

static bool
publish_offline_done(struct publish *p)
{
	return p->status_acked && p->nwin == 0;
}

static bool
publish_flushed(struct publish *p)
{
	return !mosquitto_want_write(p->mosq);
}

void
publish_shutdown(struct publish *p, int timeout_ms)
{
	char *status;
	size_t len;
	int rc;

	if (p->state == PUBLISH_CONNECTED &&
	    (status = publish_status_payload(WIRE_OFFLINE, &len)) != NULL) {
		p->status_acked = false;
		rc = mosquitto_publish(p->mosq, &p->status_mid, p->status_topic,
		                       (int)len, status, 1, true);
		free(status);
		if (rc == MOSQ_ERR_SUCCESS)
			publish_drain(p, timeout_ms, publish_offline_done);
		if (!p->ev_lost &&
		    mosquitto_disconnect(p->mosq) == MOSQ_ERR_SUCCESS)
			publish_drain(p, 1000, publish_flushed);
		log_info("disconnected from the broker %s:%u",
		         p->cfg->mqtt.host, p->cfg->mqtt.port);
	}
	publish_drop_handle(p);
	p->state = PUBLISH_IDLE;
	p->next_attempt = time_mono_ms();
}

static bool
publish_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

void
publish_reconfigure(struct publish *p, const struct agent_config *cfg)
{
	const struct agent_mqtt *o = &p->cfg->mqtt, *n = &cfg->mqtt;
	bool same;

	same = strcmp(p->cfg->site, cfg->site) == 0 &&
	       strcmp(p->cfg->device, cfg->device) == 0 &&
	       publish_same(o->host, n->host) && o->port == n->port &&
	       publish_same(o->username, n->username) &&
	       publish_same(o->password_file, n->password_file) &&
	       publish_same(o->tls_ca, n->tls_ca) &&
	       o->keepalive == n->keepalive;
	/* Say goodbye under the old identity before taking the new one. */
	if (!same)
		publish_shutdown(p, 2000);
	p->cfg = cfg;
	publish_names(p);
	if (!same) {
		p->outage_logged = false;
		p->backoff = PUBLISH_BACKOFF_MIN;
	}
}
