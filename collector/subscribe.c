/*
 * subscribe.c: the collector's MQTT session.
 *
 * A persistent session: a fixed client id, clean session off, MQTT 3.1.1.
 * (With MQTT 5 a session without a Session Expiry Interval ends at
 * disconnect, which would silently lose what agents publish while we are
 * down; 3.1.1 keeps it until the broker's persistent_client_expiration.)
 * The subscription to pantau/v1/+/+/# is QoS 1 and is made again on every
 * connect, which is harmless when the broker kept it.
 *
 * libmosquitto runs inside the collector's poll() loop, not in a thread of
 * its own (no mosquitto_loop_start): main.c polls subscribe_fd() and calls
 * subscribe_handle(), which reads and writes the socket.  libmosquitto
 * sends the PUBACK of a QoS 1 message right after our message callback,
 * inside mosquitto_loop_read(); so to apply back-pressure we simply stop
 * reading while the write queue is full.  The broker then keeps the
 * messages (up to its max_queued_messages) and nothing acknowledged is ever
 * dropped.  A pause longer than the keepalive makes libmosquitto drop the
 * connection (no PINGRESP read); we reconnect, and the broker resends what
 * was in flight.
 *
 * Connection failures are logged once per state change and retried with
 * exponential backoff from 1 to 60 seconds.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

#include "collector/collector.h"
#include "collector/stats.h"
#include "common/timeutil.h"

#define SUBSCRIBE_BACKOFF_MIN 1000 /* ms */
#define SUBSCRIBE_BACKOFF_MAX 60000
#define SUBSCRIBE_READ_BURST 256 /* packets per subscribe_handle() */

struct subscribe {
	struct mosquitto *m;
	journal_fn *fn;
	void *arg;
	char *host;
	int port;
	int keepalive;
	bool connected; /* CONNACK accepted */
	bool down_logged;
	int64_t retry_at; /* monotonic ms; 0: now */
	int backoff;
};

static void
subscribe_on_connect(struct mosquitto *m, void *arg, int rc, int flags)
{
	struct subscribe *s = arg;
	int r;

	if (rc != 0) {
		if (!s->down_logged)
			log_err("mqtt: %s:%d refused the connection: %s",
			        s->host, s->port, mosquitto_connack_string(rc));
		s->down_logged = true;
		return;
	}
	s->connected = true;
	s->down_logged = false;
	s->backoff = 0;
	STATS_SET(mqtt_connected, 1);
	log_info("mqtt: connected to %s:%d (%s session)", s->host, s->port,
	         flags & 1 ? "resumed" : "new");
	if ((r = mosquitto_subscribe(m, NULL, COLLECTOR_TOPIC, 1)) !=
	    MOSQ_ERR_SUCCESS)
		log_err("mqtt: cannot subscribe: %s", mosquitto_strerror(r));
}

static void
subscribe_on_disconnect(struct mosquitto *m, void *arg, int rc)
{
	struct subscribe *s = arg;

	(void)m;
	if (s->connected && rc != 0) {
		log_warn("mqtt: lost the connection to %s:%d: %s", s->host,
		         s->port, mosquitto_strerror(rc));
		STATS_ADD(mqtt_reconnects, 1);
		s->down_logged = true;
	}
	s->connected = false;
	STATS_SET(mqtt_connected, 0);
}

static void
subscribe_on_message(struct mosquitto *m, void *arg,
                     const struct mosquitto_message *msg)
{
	struct subscribe *s = arg;

	(void)m;
	s->fn(s->arg, msg->topic, msg->payload,
	      msg->payloadlen > 0 ? (size_t)msg->payloadlen : 0);
}

/* The first line of the password file; NULL (logged) if unreadable. */
static char *
subscribe_password(const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL) {
		log_err("mqtt: cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	if ((n = getline(&line, &cap, f)) < 0) {
		free(line);
		line = strdup("");
	} else {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
	}
	fclose(f);
	return line;
}

static int
subscribe_setup(struct subscribe *s, const struct collector_conf *cf)
{
	char *pw = NULL;
	int r;

	mosquitto_int_option(s->m, MOSQ_OPT_PROTOCOL_VERSION,
	                     MQTT_PROTOCOL_V311);
	mosquitto_connect_with_flags_callback_set(s->m, subscribe_on_connect);
	mosquitto_disconnect_callback_set(s->m, subscribe_on_disconnect);
	mosquitto_message_callback_set(s->m, subscribe_on_message);
	if (cf->mqtt_username != NULL) {
		if (cf->mqtt_password_file != NULL &&
		    (pw = subscribe_password(cf->mqtt_password_file)) == NULL)
			return -1;
		r = mosquitto_username_pw_set(s->m, cf->mqtt_username, pw);
		if (pw != NULL) {
			explicit_bzero(pw, strlen(pw));
			free(pw);
		}
		if (r != MOSQ_ERR_SUCCESS)
			return -1;
	}
	if (cf->mqtt_tls_ca != NULL &&
	    (r = mosquitto_tls_set(s->m, cf->mqtt_tls_ca, NULL, NULL, NULL,
	                           NULL)) != MOSQ_ERR_SUCCESS) {
		log_err("mqtt: TLS with %s: %s", cf->mqtt_tls_ca,
		        mosquitto_strerror(r));
		return -1;
	}
	return 0;
}

struct subscribe *
subscribe_new(const struct collector_conf *cf, journal_fn *fn, void *arg)
{
	struct subscribe *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->fn = fn;
	s->arg = arg;
	s->port = (int)cf->mqtt_port;
	s->keepalive = (int)cf->mqtt_keepalive;
	if ((s->host = strdup(cf->mqtt_host)) == NULL)
		goto fail;
	if ((s->m = mosquitto_new(cf->mqtt_client_id, false, s)) == NULL) {
		log_err("mqtt: cannot create a client: %s", strerror(errno));
		goto fail;
	}
	if (subscribe_setup(s, cf) != 0)
		goto fail;
	subscribe_tick(s); /* first connection attempt */
	return s;

fail:
	subscribe_free(s);
	return NULL;
}

void
subscribe_free(struct subscribe *s)
{
	if (s == NULL)
		return;
	if (s->m != NULL) {
		if (s->connected) {
			mosquitto_disconnect(s->m);
			mosquitto_loop_write(s->m, 1);
		}
		mosquitto_destroy(s->m);
	}
	STATS_SET(mqtt_connected, 0);
	free(s->host);
	free(s);
}

int
subscribe_fd(struct subscribe *s)
{
	return mosquitto_socket(s->m);
}

short
subscribe_events(struct subscribe *s, bool paused)
{
	short ev = paused ? 0 : POLLIN;

	if (mosquitto_want_write(s->m))
		ev |= POLLOUT;
	return ev;
}

bool
subscribe_connected(struct subscribe *s)
{
	return s->connected;
}

/* A failed loop call: the socket is closed; schedule a reconnection. */
static void
subscribe_failed(struct subscribe *s, int rc)
{
	if (!s->down_logged)
		log_warn("mqtt: connection to %s:%d failed: %s", s->host,
		         s->port,
		         rc == MOSQ_ERR_ERRNO ? strerror(errno)
		                              : mosquitto_strerror(rc));
	s->down_logged = true;
	if (s->connected) {
		s->connected = false;
		STATS_SET(mqtt_connected, 0);
		STATS_ADD(mqtt_reconnects, 1);
	}
	s->backoff = s->backoff == 0 ? SUBSCRIBE_BACKOFF_MIN
	             : s->backoff * 2 > SUBSCRIBE_BACKOFF_MAX
	                 ? SUBSCRIBE_BACKOFF_MAX
	                 : s->backoff * 2;
	s->retry_at = time_mono_ms() + s->backoff;
}

void
subscribe_handle(struct subscribe *s, short revents, bool (*paused)(void *),
                 void *arg)
{
	int rc, i;

	if (mosquitto_socket(s->m) < 0)
		return;
	if (revents & (POLLERR | POLLHUP | POLLNVAL))
		revents |= POLLIN; /* read() tells what happened */
	/*
	 * mosquitto_loop_read() handles one packet per call; read until the
	 * socket has no more (errno EAGAIN) or the queue is full.
	 */
	for (i = 0; i < SUBSCRIBE_READ_BURST && !paused(arg); i++) {
		errno = 0;
		if ((rc = mosquitto_loop_read(s->m, 1)) != MOSQ_ERR_SUCCESS) {
			subscribe_failed(s, rc);
			return;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
	}
	if (mosquitto_want_write(s->m) &&
	    (rc = mosquitto_loop_write(s->m, 1)) != MOSQ_ERR_SUCCESS)
		subscribe_failed(s, rc);
}

void
subscribe_tick(struct subscribe *s)
{
	int rc;

	if (mosquitto_socket(s->m) >= 0) {
		if ((rc = mosquitto_loop_misc(s->m)) != MOSQ_ERR_SUCCESS &&
		    rc != MOSQ_ERR_NO_CONN)
			subscribe_failed(s, rc);
		if (mosquitto_socket(s->m) >= 0)
			return;
	}
	if (s->retry_at != 0 && time_mono_ms() < s->retry_at)
		return;
	rc = s->retry_at == 0 && !s->down_logged
	         ? mosquitto_connect_async(s->m, s->host, s->port, s->keepalive)
	         : mosquitto_reconnect_async(s->m);
	if (rc != MOSQ_ERR_SUCCESS)
		subscribe_failed(s, rc);
	else
		s->retry_at = 0;
}
