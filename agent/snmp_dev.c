/*
 * snmp_dev.c: one device's SNMP session and the requests of its round.
 *
 * A round follows the device's plan (dev_*.c): one GET of the scalars,
 * then each table walked with GETBULK (GETNEXT over SNMPv1), several
 * columns per request like snmptable does: an answer is row-major, so
 * varbind i belongs to the i-th still-open column modulo their number; a
 * column ends when an answer leaves it, reaches endOfMibView, or does not
 * increase (a broken agent must not loop us).  SNMPv1 agents answer a
 * missing variable with noSuchName for the whole PDU: the variable (or
 * column) is dropped and the request sent again.  Answers go into the
 * device's store; the builder reads them when the round is over.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "agent/snmp_dev.h"
#include "common/log.h"
#include "common/timeutil.h"

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
		 * snmp_sess_open() would discover the engine ID with a
		 * blocking request (a v3 device that is down would stall
		 * every other device); without the probe the first request
		 * goes out with an empty engine ID, and the library learns it
		 * from the agent's report and sends the request again, all
		 * within the async loop.
		 */
		s.flags |= SNMP_FLAGS_DONT_PROBE;
		break;
	}
	if ((d->sp = snmp_sess_open(&s)) == NULL) {
		d->why = c->snmp_version == 3 ? "cannot open an SNMPv3 session"
		                              : "cannot open an SNMP session";
		return -1;
	}
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
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->fd, &ev) != 0) {
		snmp_sess_close(d->sp);
		d->sp = NULL;
		d->why = "epoll";
		return -1;
	}
	return 0;
}

void
snmp_dev_close(struct snmp_dev *d)
{
	netsnmp_session *ss;
	struct usmUser *u;

	if (d->sp == NULL)
		return;
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, d->fd, NULL);
	/*
	 * net-snmp keeps SNMPv3 users in one process-wide list and, when a
	 * session opens for a user already there (same name and engine),
	 * keeps the old keys: forget the user with its session, so a pass
	 * phrase corrected in the configuration (SIGHUP) takes effect.
	 */
	ss = snmp_sess_session(d->sp);
	if (ss != NULL && ss->version == SNMP_VERSION_3 &&
	    ss->securityName != NULL &&
	    (u = usm_get_user(ss->securityEngineID, ss->securityEngineIDLen,
	                      ss->securityName)) != NULL) {
		usm_remove_user(u);
		usm_free_user(u);
	}
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

void
snmp_dev_deadline(struct snmp_dev *d)
{
	struct timeval tv = {0, 0};
	int maxfd = 0, block = 1;

	d->deadline = INT64_MAX;
	if (d->sp == NULL)
		return;
	snmp_sess_select_info2_flags(d->sp, &maxfd, d->fdset, &tv, &block,
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

void
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
	/* A round given up (snmp_dev_abort) takes nothing more. */
	if (d->finished)
		return 1;
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

void
snmp_dev_abort(struct snmp_dev *d)
{
	d->failed = true;
	d->finished = true;
	d->want_send = false;
	d->why = "the round took longer than the interval";
	snmp_dev_close(d);
}

void
snmp_dev_begin(struct snmp_dev *d, int64_t ts)
{
	d->round_ts = ts;
	/*
	 * A round is given up after nine tenths of its interval, so the next
	 * one finds the device free, and after 45 s at most (the agent's
	 * --once waits no longer).
	 */
	d->round_end = time_mono_ms() +
	               (d->interval < 50 ? (int64_t)d->interval * 900 : 45000);
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

void
snmp_dev_read(struct snmp_dev *d)
{
	netsnmp_large_fd_set set;

	netsnmp_large_fd_set_init(&set, d->fd + 1);
	NETSNMP_LARGE_FD_SET(d->fd, &set);
	snmp_sess_read2(d->sp, &set);
	netsnmp_large_fd_set_cleanup(&set);
}

int
snmp_dev_setup(struct snmp_dev *d, const struct agent_device *cfg,
               struct snmp_poller *p, int epfd, netsnmp_large_fd_set *fdset)
{
	unsigned port = cfg->port ? cfg->port : 161;
	long ms;

	d->p = p;
	d->epfd = epfd;
	d->fdset = fdset;
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
