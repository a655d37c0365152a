/*
 * snmp_poll.c: the SNMP poller's engine (the snmp_poller_* half of poll.h).
 *
 * One thread polls every printer, switch and SNMP PC of the agent at once
 * with net-snmp's single-session async API: each device has its own
 * session (its own UDP socket, watched with epoll) and at most one request
 * in flight, and all devices proceed concurrently, so a round costs about
 * the slowest device's time, not the sum.  A device's round follows its
 * plan (dev_*.c): one GET of the scalars, then each table walked with
 * GETBULK (GETNEXT over SNMPv1), several columns per request like
 * snmptable does, into a store the builder reads when the round is done.
 *
 * Threads: net-snmp is not thread-safe beyond "one session, one thread",
 * and its SNMPv3 user and engine caches are global, so every session is
 * opened, used and closed in this one thread; init_snmp() runs once in the
 * caller's thread before the first poller starts.  The main thread only
 * calls snmp_poller_tick() (decides which rounds are due, under the lock)
 * and snmp_poller_collect() (takes the finished rounds off a queue).  Two
 * pipes connect them: 'wake' tells the SNMP thread to look for work, and
 * 'ready' becomes readable when results wait.
 *
 * Timing: a request waits a quarter of the interval (100 ms .. 2 s) for
 * its answer and is retried twice, so a device that does not answer fails
 * its round within 3/4 of the interval.  Any request that fails after its
 * retries fails the round; the second failed round in a row makes the device
 * unreachable (state change plus a device.unreachable condition), and the
 * first round that succeeds again makes it online.  A round still running
 * when the next is due makes that next round skipped, not queued.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "agent/agent.h"
#include "agent/poll.h"
#include "agent/snmp_priv.h"
#include "common/log.h"
#include "common/timeutil.h"

#define SNMP_POLL_RETRIES 2
#define SNMP_POLL_VARBINDS 40 /* per GETBULK answer, about 1400 bytes */
#define SNMP_POLL_MAXCOLS 16

struct snmp_result {
	struct snmp_result *next;
	const struct snmp_dev *dev;
	enum wire_state state;
	int state_changed;
	bool has_metrics;
	struct snmp_round round;
};

struct snmp_dev {
	struct snmp_poller *p;
	const struct agent_device *cfg;
	const struct snmp_plan *plan;
	char peer[300];
	unsigned interval;
	long timeout_us;

	/* SNMPv3 keys, made once from the pass phrases. */
	u_char auth_key[USM_AUTH_KU_LEN];
	size_t auth_key_len;
	u_char priv_key[USM_PRIV_KU_LEN];
	size_t priv_key_len;

	/* SNMP thread only. */
	void *sp;
	int fd;
	int64_t deadline; /* monotonic ms of the next timeout */
	bool running, want_send, finished, failed;
	int64_t round_ts;
	size_t step; /* 0: GETs, 1..nwalks: walks */
	unsigned char get_dropped[32];
	oid cursor[SNMP_POLL_MAXCOLS][MAX_OID_LEN];
	size_t cursor_len[SNMP_POLL_MAXCOLS];
	bool col_done[SNMP_POLL_MAXCOLS];
	int varbinds;    /* per GETBULK answer; halved on tooBig */
	const char *why; /* why the round failed */
	struct snmp_store st;
	struct snmp_hist hist;
	enum wire_state state;
	bool state_known;
	unsigned fails;

	/* Shared with the main thread, under p->lock. */
	int64_t next_ts;
	bool busy, start;
	int64_t start_ts;
	unsigned long skipped;
};

struct snmp_poller {
	struct snmp_dev *devs;
	size_t n;
	pthread_mutex_t lock;
	pthread_t thread;
	bool thread_started;
	bool stop;
	int wake[2];
	int ready[2];
	int epfd;
	netsnmp_large_fd_set fdset;
	struct snmp_result *head, **tail;
	struct snmp_result *delivering;
};

static pthread_once_t snmp_poll_once = PTHREAD_ONCE_INIT;

/* net-snmp without MIB files, config files or persistent state. */
static void
snmp_poll_init_library(void)
{
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	                       NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	                       NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	                       NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	                       NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID,
	                   NETSNMP_DS_LIB_OID_OUTPUT_FORMAT,
	                   NETSNMP_OID_OUTPUT_NUMERIC);
	/* The library would log to stderr; the poller logs what matters. */
	snmp_disable_log();
	init_snmp("pantau");
}

static void
snmp_poll_wake(int fd)
{
	char c = 1;
	ssize_t n;

	do
		n = write(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	/* EAGAIN: the pipe is full, so the reader will wake anyway. */
}

static void
snmp_poll_drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* Session template: peer, version, credentials. */
static int
snmp_dev_keys(struct snmp_dev *d)
{
	const struct agent_device *c = d->cfg;
	const oid *proto = usmHMACSHA1AuthProtocol;
	size_t proto_len = OID_LENGTH(usmHMACSHA1AuthProtocol);

	if (c->snmp_version != 3 || c->snmp_auth == SNMP_AUTH_NONE)
		return 0;
	if (c->snmp_auth == SNMP_AUTH_MD5) {
		proto = usmHMACMD5AuthProtocol;
		proto_len = OID_LENGTH(usmHMACMD5AuthProtocol);
	} else if (c->snmp_auth == SNMP_AUTH_SHA256) {
		proto = usmHMAC192SHA256AuthProtocol;
		proto_len = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
	}
	d->auth_key_len = sizeof(d->auth_key);
	if (generate_Ku(proto, (u_int)proto_len,
	                (const u_char *)c->snmp_auth_pass,
	                strlen(c->snmp_auth_pass), d->auth_key,
	                &d->auth_key_len) != SNMPERR_SUCCESS)
		return -1;
	if (c->snmp_priv == SNMP_PRIV_NONE)
		return 0;
	/* The privacy key is derived with the authentication hash too. */
	d->priv_key_len = sizeof(d->priv_key);
	if (generate_Ku(proto, (u_int)proto_len,
	                (const u_char *)c->snmp_priv_pass,
	                strlen(c->snmp_priv_pass), d->priv_key,
	                &d->priv_key_len) != SNMPERR_SUCCESS)
		return -1;
	return 0;
}

static int snmp_dev_cb(int op, netsnmp_session *ss, int reqid, netsnmp_pdu *pdu,
                       void *magic);

static int
snmp_dev_open(struct snmp_dev *d)
{
	const struct agent_device *c = d->cfg;
	netsnmp_session s;
	netsnmp_transport *t;
	struct epoll_event ev;

	snmp_sess_init(&s);
	s.peername = d->peer;
	s.timeout = d->timeout_us;
	s.retries = SNMP_POLL_RETRIES;
	s.callback = snmp_dev_cb;
	s.callback_magic = d;
	switch (c->snmp_version) {
	case 1:
	case 2:
		s.version =
		    c->snmp_version == 1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
		s.community = (u_char *)c->community;
		s.community_len = strlen(c->community);
		break;
	default:
		s.version = SNMP_VERSION_3;
		s.securityName = c->snmp_user;
		s.securityNameLen = strlen(c->snmp_user);
		s.securityLevel = SNMP_SEC_LEVEL_NOAUTH;
		if (c->snmp_auth != SNMP_AUTH_NONE) {
			s.securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
			switch (c->snmp_auth) {
			case SNMP_AUTH_MD5:
				s.securityAuthProto = usmHMACMD5AuthProtocol;
				s.securityAuthProtoLen =
				    OID_LENGTH(usmHMACMD5AuthProtocol);
				break;
			case SNMP_AUTH_SHA256:
				s.securityAuthProto =
				    usmHMAC192SHA256AuthProtocol;
				s.securityAuthProtoLen =
				    OID_LENGTH(usmHMAC192SHA256AuthProtocol);
				break;
			default:
				s.securityAuthProto = usmHMACSHA1AuthProtocol;
				s.securityAuthProtoLen =
				    OID_LENGTH(usmHMACSHA1AuthProtocol);
				break;
			}
			memcpy(s.securityAuthKey, d->auth_key, d->auth_key_len);
			s.securityAuthKeyLen = d->auth_key_len;
		}
		if (c->snmp_priv != SNMP_PRIV_NONE) {
			s.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
			if (c->snmp_priv == SNMP_PRIV_DES) {
				s.securityPrivProto = usmDESPrivProtocol;
				s.securityPrivProtoLen =
				    OID_LENGTH(usmDESPrivProtocol);
			} else {
				s.securityPrivProto = usmAESPrivProtocol;
				s.securityPrivProtoLen =
				    OID_LENGTH(usmAESPrivProtocol);
			}
			memcpy(s.securityPrivKey, d->priv_key, d->priv_key_len);
			s.securityPrivKeyLen = d->priv_key_len;
		}
		/*
		 * Opening a v3 session discovers the engine ID with a
		 * blocking request: keep that one short so a v3 device
		 * that is down stalls the other devices as little as
		 * possible (the real timeout is set after the open).
		 */
		s.retries = 0;
		break;
	}
	if ((d->sp = snmp_sess_open(&s)) == NULL) {
		d->why = c->snmp_version == 3 ? "no answer to SNMPv3 discovery"
		                              : "cannot open an SNMP session";
		return -1;
	}
	snmp_sess_session(d->sp)->retries = SNMP_POLL_RETRIES;
	t = snmp_sess_transport(d->sp);
	if (t == NULL || t->sock < 0) {
		snmp_sess_close(d->sp);
		d->sp = NULL;
		d->why = "no socket";
		return -1;
	}
	d->fd = t->sock;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = d;
	if (epoll_ctl(d->p->epfd, EPOLL_CTL_ADD, d->fd, &ev) != 0) {
		snmp_sess_close(d->sp);
		d->sp = NULL;
		d->why = "epoll";
		return -1;
	}
	return 0;
}

static void
snmp_dev_close(struct snmp_dev *d)
{
	if (d->sp == NULL)
		return;
	epoll_ctl(d->p->epfd, EPOLL_CTL_DEL, d->fd, NULL);
	snmp_sess_close(d->sp);
	d->sp = NULL;
	d->fd = -1;
}

/* Starts walk step 'step' (1-based) from each column's first row. */
static void
snmp_dev_step(struct snmp_dev *d, size_t step)
{
	const struct snmp_walk *w;
	size_t i, k;

	d->step = step;
	if (step > d->plan->nwalks) {
		d->finished = true;
		return;
	}
	w = &d->plan->walks[step - 1];
	for (i = 0; i < w->ncols && i < SNMP_POLL_MAXCOLS; i++) {
		for (k = 0; k < w->entry.len; k++)
			d->cursor[i][k] = w->entry.v[k];
		d->cursor[i][k] = w->cols[i];
		d->cursor_len[i] = k + 1;
		d->col_done[i] = false;
	}
	d->want_send = true;
}

static void
snmp_dev_deadline(struct snmp_dev *d)
{
	struct timeval tv = {0, 0};
	int maxfd = 0, block = 1;

	d->deadline = INT64_MAX;
	if (d->sp == NULL)
		return;
	snmp_sess_select_info2_flags(d->sp, &maxfd, &d->p->fdset, &tv, &block,
	                             NETSNMP_SELECT_NOALARMS);
	if (!block)
		d->deadline = time_mono_ms() + tv.tv_sec * 1000 +
		              (tv.tv_usec + 999) / 1000;
}

/* Active columns of the current walk, in order, into cols[]. */
static size_t
snmp_dev_active(const struct snmp_dev *d, size_t *cols)
{
	const struct snmp_walk *w = &d->plan->walks[d->step - 1];
	size_t i, n = 0;

	for (i = 0; i < w->ncols && i < SNMP_POLL_MAXCOLS; i++)
		if (!d->col_done[i])
			cols[n++] = i;
	return n;
}

static void
snmp_dev_send(struct snmp_dev *d)
{
	const struct snmp_plan *pl = d->plan;
	netsnmp_pdu *pdu;
	oid name[MAX_OID_LEN];
	size_t i, k, n, cols[SNMP_POLL_MAXCOLS];
	bool bulk = d->cfg->snmp_version != 1;

	d->want_send = false;
	if (d->step == 0) {
		pdu = snmp_pdu_create(SNMP_MSG_GET);
		for (i = n = 0; i < pl->ngets; i++) {
			if (d->get_dropped[i])
				continue;
			for (k = 0; k < pl->gets[i].len; k++)
				name[k] = pl->gets[i].v[k];
			snmp_add_null_var(pdu, name, pl->gets[i].len);
			n++;
		}
		if (n == 0) {
			snmp_free_pdu(pdu);
			snmp_dev_step(d, 1);
			d->want_send = !d->finished;
			if (d->want_send)
				snmp_dev_send(d);
			return;
		}
	} else {
		if ((n = snmp_dev_active(d, cols)) == 0) {
			snmp_dev_step(d, d->step + 1);
			if (d->want_send)
				snmp_dev_send(d);
			return;
		}
		pdu =
		    snmp_pdu_create(bulk ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
		if (bulk) {
			pdu->non_repeaters = 0;
			pdu->max_repetitions = d->varbinds / (long)n > 0
			                           ? d->varbinds / (long)n
			                           : 1;
		}
		for (i = 0; i < n; i++)
			snmp_add_null_var(pdu, d->cursor[cols[i]],
			                  d->cursor_len[cols[i]]);
	}
	if (snmp_sess_async_send(d->sp, pdu, snmp_dev_cb, d) == 0) {
		snmp_free_pdu(pdu);
		d->failed = true;
		d->finished = true;
		d->why = "send failed";
		return;
	}
	snmp_dev_deadline(d);
}

/* A varbind into the store (exceptions and overlong OIDs are skipped). */
static void
snmp_dev_keep(struct snmp_dev *d, const netsnmp_variable_list *vb)
{
	uint32_t o[SNMP_OID_MAX];
	char text[MAX_OID_LEN * 11];
	size_t i, len = vb->name_length, tl = 0;
	int64_t num = 0;
	const void *bytes = NULL;
	size_t nbytes = 0;
	uint8_t type = vb->type;

	if (len > SNMP_OID_MAX)
		return;
	for (i = 0; i < len; i++)
		o[i] = (uint32_t)vb->name[i];
	switch (vb->type) {
	case ASN_INTEGER:
		num = *vb->val.integer;
		break;
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
		num = (int64_t)(uint32_t)*vb->val.integer;
		break;
	case ASN_COUNTER64:
		num =
		    (int64_t)((uint64_t)(vb->val.counter64->high & 0xffffffffu)
		                  << 32 |
		              (vb->val.counter64->low & 0xffffffffu));
		break;
	case ASN_OCTET_STR:
	case ASN_OPAQUE:
	case ASN_IPADDRESS:
		bytes = vb->val.string;
		nbytes = vb->val_len;
		if (bytes == NULL)
			bytes = "";
		break;
	case ASN_OBJECT_ID:
		text[0] = '\0';
		for (i = 0; i < vb->val_len / sizeof(oid); i++)
			tl += (size_t)snprintf(text + tl, sizeof(text) - tl,
			                       i ? ".%lu" : "%lu",
			                       (unsigned long)vb->val.objid[i]);
		bytes = text;
		nbytes = strlen(text);
		break;
	case ASN_NULL:
		break;
	default:
		return; /* noSuchObject, noSuchInstance, endOfMibView */
	}
	if (snmp_store_add(&d->st, o, len, type, num, bytes, nbytes) != 0 &&
	    errno == ENOMEM) {
		d->failed = true;
		d->why = "out of memory";
	}
}

static void
snmp_dev_got_get(struct snmp_dev *d, netsnmp_pdu *pdu)
{
	const netsnmp_variable_list *vb;
	size_t i, k;

	if (pdu->errstat == SNMP_ERR_NOSUCHNAME && pdu->errindex > 0) {
		/* SNMPv1: drop the variable the agent does not have, ask
		 * again for the others. */
		for (i = k = 0; i < d->plan->ngets; i++) {
			if (d->get_dropped[i])
				continue;
			if (++k == (size_t)pdu->errindex) {
				d->get_dropped[i] = 1;
				break;
			}
		}
		if (i == d->plan->ngets)
			snmp_dev_step(d, 1);
		else
			d->want_send = true;
		return;
	}
	if (pdu->errstat == SNMP_ERR_NOERROR)
		for (vb = pdu->variables; vb != NULL; vb = vb->next_variable)
			snmp_dev_keep(d, vb);
	snmp_dev_step(d, 1);
}

static void
snmp_dev_got_walk(struct snmp_dev *d, netsnmp_pdu *pdu)
{
	const struct snmp_walk *w = &d->plan->walks[d->step - 1];
	const netsnmp_variable_list *vb;
	size_t cols[SNMP_POLL_MAXCOLS], n, i, c, k;
	oid col[MAX_OID_LEN];
	bool ended[SNMP_POLL_MAXCOLS] = {false};

	n = snmp_dev_active(d, cols);
	if (pdu->errstat == SNMP_ERR_TOOBIG && d->varbinds > 1) {
		d->varbinds /= 2;
		d->want_send = true;
		return;
	}
	if (pdu->errstat == SNMP_ERR_NOSUCHNAME && pdu->errindex > 0 &&
	    (size_t)pdu->errindex <= n) {
		/* SNMPv1 GETNEXT past the end of the MIB. */
		d->col_done[cols[pdu->errindex - 1]] = true;
		d->want_send = true;
		return;
	}
	if (pdu->errstat != SNMP_ERR_NOERROR || n == 0) {
		/* The agent cannot serve this table: go on without it. */
		snmp_dev_step(d, d->step + 1);
		return;
	}
	/* Answers are row-major: varbind i belongs to column i mod n. */
	for (vb = pdu->variables, i = 0; vb != NULL;
	     vb = vb->next_variable, i++) {
		k = i % n;
		c = cols[k];
		if (ended[k])
			continue;
		for (size_t j = 0; j < w->entry.len; j++)
			col[j] = w->entry.v[j];
		col[w->entry.len] = w->cols[c];
		if (vb->type == SNMP_ENDOFMIBVIEW ||
		    vb->type == SNMP_NOSUCHOBJECT ||
		    vb->type == SNMP_NOSUCHINSTANCE ||
		    snmp_oidtree_compare(col, w->entry.len + 1, vb->name,
		                         vb->name_length) != 0 ||
		    snmp_oid_compare(vb->name, vb->name_length, d->cursor[c],
		                     d->cursor_len[c]) <= 0 ||
		    vb->name_length > MAX_OID_LEN) {
			/* Left the column, the MIB, or went backwards. */
			ended[k] = true;
			d->col_done[c] = true;
			continue;
		}
		snmp_dev_keep(d, vb);
		memcpy(d->cursor[c], vb->name, vb->name_length * sizeof(oid));
		d->cursor_len[c] = vb->name_length;
	}
	d->want_send = true; /* snmp_dev_send() moves on when all are done */
}

static int
snmp_dev_cb(int op, netsnmp_session *ss, int reqid, netsnmp_pdu *pdu,
            void *magic)
{
	struct snmp_dev *d = magic;

	(void)ss;
	(void)reqid;
	switch (op) {
	case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE:
		if (d->step == 0)
			snmp_dev_got_get(d, pdu);
		else
			snmp_dev_got_walk(d, pdu);
		break;
	case NETSNMP_CALLBACK_OP_RESEND:
		/* Not final: the library retries on its own. */
		return 1;
	case NETSNMP_CALLBACK_OP_TIMED_OUT:
		d->failed = true;
		d->why = "timeout";
		break;
	default:
		d->failed = true;
		d->why = op == NETSNMP_CALLBACK_OP_SEC_ERROR
		             ? "SNMPv3 security error (user, keys)"
		             : "send failed";
		break;
	}
	if (d->failed) {
		d->want_send = false;
		d->finished = true;
	}
	return 1;
}

static struct snmp_result *
snmp_result_new(const struct snmp_dev *d)
{
	struct snmp_result *r = calloc(1, sizeof(*r));

	if (r != NULL)
		r->dev = d;
	return r;
}

static int
snmp_result_event(struct snmp_result *r, int64_t ts, enum wire_evstate st,
                  const char *text)
{
	struct wire_event *e;

	if ((e = realloc(r->round.ev, (r->round.nev + 1) * sizeof(*e))) == NULL)
		return -1;
	r->round.ev = e;
	r->round.cap_ev = r->round.nev + 1;
	e = &r->round.ev[r->round.nev++];
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	snprintf(e->code, sizeof(e->code), "device.unreachable");
	e->severity = WIRE_SEV_WARNING;
	e->state = st;
	snprintf(e->text, sizeof(e->text), "%s", text);
	return 0;
}

static void
snmp_poller_enqueue(struct snmp_poller *p, struct snmp_result *r)
{
	bool was_empty;

	pthread_mutex_lock(&p->lock);
	was_empty = p->head == NULL;
	*p->tail = r;
	p->tail = &r->next;
	pthread_mutex_unlock(&p->lock);
	if (was_empty)
		snmp_poll_wake(p->ready[1]);
}

/* The round is over: build what it says and hand it to the main thread. */
static void
snmp_dev_finish(struct snmp_dev *d)
{
	struct snmp_poller *p = d->p;
	struct snmp_result *r = NULL;
	char text[400];

	d->running = false;
	d->deadline = INT64_MAX;
	if (!d->failed) {
		d->fails = 0;
		snmp_store_sort(&d->st);
		if ((r = snmp_result_new(d)) == NULL ||
		    snmp_round_build(d->plan, &d->st, &d->hist, d->round_ts,
		                     d->interval, &r->round) != 0) {
			log_warn("snmp: %s: out of memory", d->cfg->name);
			free(r);
			r = NULL;
			goto done;
		}
		r->has_metrics = true;
		r->state = WIRE_ONLINE;
		if (!d->state_known || d->state != WIRE_ONLINE) {
			r->state_changed = 1;
			if (d->state_known)
				log_info("snmp: %s (%s) answers again",
				         d->cfg->name, d->peer);
			if (d->state_known && d->state == WIRE_UNREACHABLE &&
			    snmp_result_event(r, d->round_ts, WIRE_EV_CLEARED,
			                      "answers again") != 0)
				log_warn("snmp: %s: out of memory",
				         d->cfg->name);
		}
		d->state = WIRE_ONLINE;
		d->state_known = true;
	} else {
		d->fails++;
		log_debug("snmp: %s (%s): round failed: %s", d->cfg->name,
		          d->peer, d->why ? d->why : "?");
		if (d->fails >= 2 &&
		    (!d->state_known || d->state != WIRE_UNREACHABLE)) {
			log_warn("snmp: %s (%s) unreachable: %s", d->cfg->name,
			         d->peer, d->why ? d->why : "no answer");
			d->state = WIRE_UNREACHABLE;
			d->state_known = true;
			if ((r = snmp_result_new(d)) != NULL) {
				r->state = WIRE_UNREACHABLE;
				r->state_changed = 1;
				snprintf(text, sizeof(text),
				         "no SNMP answer from %s (%s)", d->peer,
				         d->why ? d->why : "timeout");
				if (snmp_result_event(r, d->round_ts,
				                      WIRE_EV_RAISED,
				                      text) != 0)
					log_warn("snmp: %s: out of memory",
					         d->cfg->name);
			}
		}
	}
done:
	snmp_store_reset(&d->st);
	if (r != NULL)
		snmp_poller_enqueue(p, r);
	pthread_mutex_lock(&p->lock);
	d->busy = false;
	pthread_mutex_unlock(&p->lock);
}

static void
snmp_dev_begin(struct snmp_dev *d, int64_t ts)
{
	d->round_ts = ts;
	d->running = true;
	d->failed = false;
	d->finished = false;
	d->why = NULL;
	d->step = 0;
	d->varbinds = SNMP_POLL_VARBINDS;
	memset(d->get_dropped, 0, sizeof(d->get_dropped));
	snmp_store_reset(&d->st);
	if (d->sp == NULL && snmp_dev_open(d) != 0) {
		d->failed = true;
		d->finished = true;
		return;
	}
	d->want_send = true;
}

static void
snmp_dev_read(struct snmp_dev *d)
{
	netsnmp_large_fd_set set;

	netsnmp_large_fd_set_init(&set, d->fd + 1);
	NETSNMP_LARGE_FD_SET(d->fd, &set);
	snmp_sess_read2(d->sp, &set);
	netsnmp_large_fd_set_cleanup(&set);
}

/* Sends, finishes and re-arms the devices their callbacks left flagged. */
static void
snmp_poller_settle(struct snmp_poller *p)
{
	struct snmp_dev *d;
	size_t i;

	for (i = 0; i < p->n; i++) {
		d = &p->devs[i];
		if (!d->running)
			continue;
		if (d->want_send && !d->finished)
			snmp_dev_send(d);
		if (d->finished)
			snmp_dev_finish(d);
	}
}

static void *
snmp_poller_main(void *arg)
{
	struct snmp_poller *p = arg;
	struct epoll_event evs[64];
	struct snmp_dev *d;
	int64_t now, next;
	size_t i;
	int n, k, timeout;
	bool stop;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		stop = p->stop;
		for (i = 0; i < p->n; i++) {
			d = &p->devs[i];
			if (d->start && !stop) {
				d->start = false;
				pthread_mutex_unlock(&p->lock);
				snmp_dev_begin(d, d->start_ts);
				pthread_mutex_lock(&p->lock);
			}
		}
		pthread_mutex_unlock(&p->lock);
		if (stop)
			break;
		snmp_poller_settle(p);

		now = time_mono_ms();
		next = INT64_MAX;
		for (i = 0; i < p->n; i++)
			if (p->devs[i].running && p->devs[i].deadline < next)
				next = p->devs[i].deadline;
		timeout = next == INT64_MAX    ? -1
		          : next <= now        ? 0
		          : next - now > 60000 ? 60000
		                               : (int)(next - now);
		n = epoll_wait(p->epfd, evs, 64, timeout);
		for (k = 0; k < n; k++) {
			if (evs[k].data.ptr == NULL) {
				snmp_poll_drain(p->wake[0]);
				continue;
			}
			d = evs[k].data.ptr;
			if (d->sp != NULL) {
				snmp_dev_read(d);
				snmp_dev_deadline(d);
			}
		}
		now = time_mono_ms();
		for (i = 0; i < p->n; i++) {
			d = &p->devs[i];
			if (d->running && d->sp != NULL && d->deadline <= now) {
				snmp_sess_timeout(d->sp);
				snmp_dev_deadline(d);
			}
		}
		snmp_poller_settle(p);
	}
	for (i = 0; i < p->n; i++)
		snmp_dev_close(&p->devs[i]);
	return NULL;
}

static int
snmp_dev_setup(struct snmp_poller *p, struct snmp_dev *d,
               const struct agent_device *cfg)
{
	unsigned port = cfg->port ? cfg->port : 161;
	long ms;

	d->p = p;
	d->cfg = cfg;
	d->plan = snmp_plan_for(cfg->type);
	d->fd = -1;
	d->deadline = INT64_MAX;
	d->interval = cfg->interval ? cfg->interval : 60;
	ms = (long)d->interval * 250;
	d->timeout_us = (ms < 100 ? 100 : ms > 2000 ? 2000 : ms) * 1000L;
	if (strchr(cfg->host, ':') != NULL)
		snprintf(d->peer, sizeof(d->peer), "udp6:[%s]:%u", cfg->host,
		         port);
	else
		snprintf(d->peer, sizeof(d->peer), "udp:%s:%u", cfg->host,
		         port);
	snmp_store_init(&d->st);
	if (snmp_dev_keys(d) != 0) {
		log_err("snmp: %s: cannot derive the SNMPv3 keys", cfg->name);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static int
snmp_poll_pipe(int fds[2])
{
	if (pipe(fds) != 0)
		return -1;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

struct snmp_poller *
snmp_poller_new(const struct agent_device *devs, size_t n)
{
	struct snmp_poller *p;
	struct epoll_event ev;
	size_t i, k = 0;
	int err;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->wake[0] = p->wake[1] = p->ready[0] = p->ready[1] = p->epfd = -1;
	p->tail = &p->head;
	pthread_mutex_init(&p->lock, NULL);
	if (snmp_poll_pipe(p->wake) != 0 || snmp_poll_pipe(p->ready) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (snmp_plan_for(devs[i].type) != NULL)
			k++;
	if (k == 0)
		return p; /* valid and idle: no thread */
	if ((p->devs = calloc(k, sizeof(*p->devs))) == NULL)
		goto fail;
	pthread_once(&snmp_poll_once, snmp_poll_init_library);
	for (i = 0; i < n; i++) {
		if (snmp_plan_for(devs[i].type) == NULL)
			continue;
		if (snmp_dev_setup(p, &p->devs[p->n], &devs[i]) != 0)
			goto fail;
		p->n++;
	}
	netsnmp_large_fd_set_init(&p->fdset, FD_SETSIZE);
	if ((p->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		goto fail;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->wake[0], &ev) != 0)
		goto fail;
	if ((err = pthread_create(&p->thread, NULL, snmp_poller_main, p)) !=
	    0) {
		errno = err;
		goto fail;
	}
	p->thread_started = true;
	log_info("snmp: polling %zu device%s", p->n, p->n == 1 ? "" : "s");
	return p;
fail:
	err = errno;
	snmp_poller_free(p);
	errno = err;
	return NULL;
}

static void
snmp_result_free(struct snmp_result *r)
{
	snmp_round_clear(&r->round);
	free(r);
}

void
snmp_poller_free(struct snmp_poller *p)
{
	struct snmp_result *r, *next;
	size_t i;

	if (p == NULL)
		return;
	if (p->thread_started) {
		pthread_mutex_lock(&p->lock);
		p->stop = true;
		pthread_mutex_unlock(&p->lock);
		snmp_poll_wake(p->wake[1]);
		pthread_join(p->thread, NULL);
	}
	for (r = p->head; r != NULL; r = next) {
		next = r->next;
		snmp_result_free(r);
	}
	for (i = 0; i < p->n; i++) {
		snmp_store_clear(&p->devs[i].st);
		snmp_hist_clear(&p->devs[i].hist);
	}
	if (p->devs != NULL)
		netsnmp_large_fd_set_cleanup(&p->fdset);
	free(p->devs);
	if (p->epfd >= 0)
		close(p->epfd);
	for (i = 0; i < 2; i++) {
		if (p->wake[i] >= 0)
			close(p->wake[i]);
		if (p->ready[i] >= 0)
			close(p->ready[i]);
	}
	pthread_mutex_destroy(&p->lock);
	free(p);
}

int
snmp_poller_fd(const struct snmp_poller *p)
{
	return p->ready[0];
}

void
snmp_poller_tick(struct snmp_poller *p, int64_t now)
{
	struct snmp_dev *d;
	bool any = false;
	size_t i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n; i++) {
		d = &p->devs[i];
		/* The first round at once, then on multiples of the interval.
		 */
		if (d->next_ts != 0 && now < d->next_ts)
			continue;
		if (d->busy) {
			d->skipped++;
			log_debug("snmp: %s: round still running, one skipped",
			          d->cfg->name);
		} else {
			d->busy = true;
			d->start = true;
			d->start_ts = time_align(now, d->interval);
			any = true;
		}
		d->next_ts = time_next_round(now, d->interval);
	}
	pthread_mutex_unlock(&p->lock);
	if (any)
		snmp_poll_wake(p->wake[1]);
}

void
snmp_poller_collect(struct snmp_poller *p, poll_result_fn fn, void *arg)
{
	struct snmp_result *list, *r;
	struct poll_result pr;

	snmp_poll_drain(p->ready[0]);
	pthread_mutex_lock(&p->lock);
	list = p->head;
	p->head = NULL;
	p->tail = &p->head;
	pthread_mutex_unlock(&p->lock);
	while ((r = list) != NULL) {
		list = r->next;
		memset(&pr, 0, sizeof(pr));
		pr.device = r->dev->cfg->name;
		pr.type = r->dev->cfg->type;
		pr.state = r->state;
		pr.state_changed = r->state_changed;
		pr.metrics = r->has_metrics ? &r->round.m : NULL;
		pr.events = r->round.ev;
		pr.nevents = r->round.nev;
		pr.inventory = r->round.inventory;
		fn(arg, &pr);
		snmp_result_free(r);
	}
}
