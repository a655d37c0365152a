/*
 * agentx.c: the AgentX plug-in of pantau-agent (pantau-agentx.so, see
 * agentx_mod.h): serves PANTAU-MIB (mibs/PANTAU-MIB.txt) from the store of
 * agentx_store.c, and sends the agent's events as pantauEventNotification
 * through the master agent.
 *
 * Only this plug-in links libnetsnmpagent, and agentx_load.c opens it only
 * for an agent configured with [snmp] agentx; it reaches the agent only
 * through the host table it is given (logger and store functions).  The device
 * pollers use net-snmp's single-session API in their own thread; this file uses
 * the traditional session list in the main thread, where the agent's
 * poll() loop runs it: agentx_pollfds() hands over net-snmp's descriptors
 * and timer, agentx_service() lets the library read and answer without
 * blocking.  net-snmp is initialised here once, before the pollers start
 * (their own initialisation is then a no-op), without MIB files, config
 * files, persistent state or SIGALRM (the agent handles its signals
 * through a signalfd; the library's timers run from the loop instead).
 *
 * The tables are table_iterator tables walked straight over the store's
 * arrays, which are kept in index order (agentx_priv.h).
 */
/* No config.h: net-snmp-config.h defines the same PACKAGE_* macros. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "agent/agent.h"
#include "agent/agentx_mod.h"

/*
 * The MIB's root, enterprises.PANTAU_MIB_PEN: RFC 5612's documentation
 * number until pantau registers one (mibs/PANTAU-MIB.txt says why); change
 * it there and here together.
 */
#define PANTAU_MIB_PEN 32473
#define AGENTX_ROOT 1, 3, 6, 1, 4, 1, PANTAU_MIB_PEN

#define AGENTX_APP "pantau-agent"
#define AGENTX_PING 5 /* s: ping the master, reconnect when it is away */

/* The columns of PANTAU-MIB's tables. */
enum { COL_DEV_ID = 2, COL_DEV_TYPE, COL_DEV_STATE, COL_DEV_LAST_SEEN };
enum {
	COL_MET_NAME = 2,
	COL_MET_KIND,
	COL_MET_VALUE,
	COL_MET_UNIT,
	COL_MET_INTEGER,
	COL_MET_COUNTER64
};

static const oid agentx_agent_oid[] = {AGENTX_ROOT, 1, 1};
static const oid agentx_dev_oid[] = {AGENTX_ROOT, 1, 2};
static const oid agentx_met_oid[] = {AGENTX_ROOT, 1, 3};
static const oid agentx_event_oid[] = {AGENTX_ROOT, 1, 4};
static const oid agentx_notif_oid[] = {AGENTX_ROOT, 0, 1};
static const oid agentx_snmptrap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};

/* What the table iterators walk with: a position in the store. */
struct agentx_cursor {
	size_t dev, met;
};

struct agentx_snmp {
	netsnmp_log_handler *logh;
	pthread_t main; /* the library logs from the pollers' thread too */
	struct agentx_cursor cur;
};

/* The one subagent of the process (net-snmp's state is global). */
static struct agentx *agentx_running;
/* What the agent lent us (agentx_mod.h). */
static const struct agentx_host *agentx_host;

static void agentx_logf(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
agentx_logf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	agentx_host->vlog(level, fmt, ap);
	va_end(ap);
}

/* net-snmp's log lines from the main thread into the agent's log. */
static int
agentx_log(int major, int minor, void *server, void *client)
{
	const struct snmp_log_message *m = server;
	struct agentx *ax = agentx_running;
	struct agentx_snmp *s;
	size_t n;

	(void)major;
	(void)minor;
	(void)client;
	if (ax == NULL || m == NULL || m->msg == NULL)
		return 0;
	s = ax->snmp;
	if (!pthread_equal(pthread_self(), s->main))
		return 0;
	n = strlen(m->msg);
	while (n > 0 && (m->msg[n - 1] == '\n' || m->msg[n - 1] == ' '))
		n--;
	if (m->priority <= LOG_ERR)
		agentx_logf(LOG_LVL_ERR, "agentx: %.*s", (int)n, m->msg);
	else if (m->priority == LOG_WARNING)
		agentx_logf(LOG_LVL_WARN, "agentx: %.*s", (int)n, m->msg);
	else if (m->priority <= LOG_INFO)
		agentx_logf(LOG_LVL_INFO, "agentx: %.*s", (int)n, m->msg);
	return 0;
}

static void
agentx_set_string(netsnmp_variable_list *v, const char *s, size_t len)
{
	snmp_set_var_typed_value(v, ASN_OCTET_STR, (const u_char *)s, len);
}

/* pantauAgentSite.0 and pantauAgentDevice.0 */
static int
agentx_scalars(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
               netsnmp_agent_request_info *info, netsnmp_request_info *req)
{
	struct agentx *ax = agentx_running;
	netsnmp_variable_list *v;
	const char *s;

	(void)h;
	(void)reg;
	if (info->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (; req != NULL; req = req->next) {
		v = req->requestvb;
		if (req->processed || v->name_length < 2)
			continue;
		s = v->name[v->name_length - 2] == 1 ? ax->site : ax->device;
		agentx_set_string(v, s, strlen(s));
	}
	return SNMP_ERR_NOERROR;
}

/* The device table: rows in the store's order, index = position + 1. */
static netsnmp_variable_list *
agentx_dev_put(void **loop, void **data, netsnmp_variable_list *idx)
{
	struct agentx *ax = agentx_running;
	struct agentx_snmp *s = ax->snmp;

	if (s->cur.dev >= ax->ndevs)
		return NULL;
	*loop = &s->cur;
	*data = &ax->devs[s->cur.dev];
	snmp_set_var_typed_integer(idx, ASN_INTEGER, (long)s->cur.dev + 1);
	return idx;
}

static netsnmp_variable_list *
agentx_dev_first(void **loop, void **data, netsnmp_variable_list *idx,
                 netsnmp_iterator_info *it)
{
	struct agentx_snmp *s = agentx_running->snmp;

	(void)it;
	s->cur.dev = 0;
	return agentx_dev_put(loop, data, idx);
}

static netsnmp_variable_list *
agentx_dev_next(void **loop, void **data, netsnmp_variable_list *idx,
                netsnmp_iterator_info *it)
{
	struct agentx_snmp *s = agentx_running->snmp;

	(void)it;
	s->cur.dev++;
	return agentx_dev_put(loop, data, idx);
}

static int
agentx_dev_table(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                 netsnmp_agent_request_info *info, netsnmp_request_info *req)
{
	const struct agentx_dev *d;
	netsnmp_table_request_info *t;
	netsnmp_variable_list *v;
	long state;

	(void)h;
	(void)reg;
	if (info->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (; req != NULL; req = req->next) {
		if (req->processed)
			continue;
		d = netsnmp_extract_iterator_context(req);
		t = netsnmp_extract_table_info(req);
		v = req->requestvb;
		if (d == NULL || t == NULL) {
			netsnmp_set_request_error(info, req,
			                          SNMP_NOSUCHINSTANCE);
			continue;
		}
		switch (t->colnum) {
		case COL_DEV_ID:
			agentx_set_string(v, d->id, strlen(d->id));
			break;
		case COL_DEV_TYPE:
			snmp_set_var_typed_integer(v, ASN_INTEGER,
			                           (long)d->type + 1);
			break;
		case COL_DEV_STATE:
			/* online(1) offline(2) unreachable(3) unknown(4) */
			state = d->state == AGENTX_STATE_UNKNOWN
			            ? 4
			            : (long)d->state + 1;
			snmp_set_var_typed_integer(v, ASN_INTEGER, state);
			break;
		case COL_DEV_LAST_SEEN:
			snmp_set_var_typed_integer(
			    v, ASN_UNSIGNED,
			    d->last_seen > 0 ? (long)(uint32_t)d->last_seen
			                     : 0);
			break;
		default:
			netsnmp_set_request_error(info, req, SNMP_NOSUCHOBJECT);
		}
	}
	return SNMP_ERR_NOERROR;
}

/*
 * The metric table: (device, metric) in the store's order, skipping the
 * metrics absent from a device's latest message.
 */
static netsnmp_variable_list *
agentx_met_put(void **loop, void **data, netsnmp_variable_list *idx)
{
	struct agentx *ax = agentx_running;
	struct agentx_snmp *s = ax->snmp;
	struct agentx_dev *d;

	for (; s->cur.dev < ax->ndevs; s->cur.dev++, s->cur.met = 0) {
		d = &ax->devs[s->cur.dev];
		while (s->cur.met < d->nmetrics &&
		       !d->metrics[s->cur.met].present)
			s->cur.met++;
		if (s->cur.met < d->nmetrics)
			break;
	}
	if (s->cur.dev >= ax->ndevs)
		return NULL;
	*loop = &s->cur;
	*data = &ax->devs[s->cur.dev].metrics[s->cur.met];
	snmp_set_var_typed_integer(idx, ASN_INTEGER, (long)s->cur.dev + 1);
	snmp_set_var_typed_integer(idx->next_variable, ASN_INTEGER,
	                           (long)s->cur.met + 1);
	return idx;
}

static netsnmp_variable_list *
agentx_met_first(void **loop, void **data, netsnmp_variable_list *idx,
                 netsnmp_iterator_info *it)
{
	struct agentx_snmp *s = agentx_running->snmp;

	(void)it;
	s->cur.dev = 0;
	s->cur.met = 0;
	return agentx_met_put(loop, data, idx);
}

static netsnmp_variable_list *
agentx_met_next(void **loop, void **data, netsnmp_variable_list *idx,
                netsnmp_iterator_info *it)
{
	struct agentx_snmp *s = agentx_running->snmp;

	(void)it;
	s->cur.met++;
	return agentx_met_put(loop, data, idx);
}

static int
agentx_met_table(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                 netsnmp_agent_request_info *info, netsnmp_request_info *req)
{
	const struct agentx_metric *m;
	netsnmp_table_request_info *t;
	netsnmp_variable_list *v;
	char buf[AGENTX_VALUE_MAX];
	struct counter64 c64;
	uint64_t u;
	const char *unit;

	(void)h;
	(void)reg;
	if (info->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (; req != NULL; req = req->next) {
		if (req->processed)
			continue;
		m = netsnmp_extract_iterator_context(req);
		t = netsnmp_extract_table_info(req);
		v = req->requestvb;
		if (m == NULL || t == NULL) {
			netsnmp_set_request_error(info, req,
			                          SNMP_NOSUCHINSTANCE);
			continue;
		}
		switch (t->colnum) {
		case COL_MET_NAME:
			agentx_set_string(v, m->name, strlen(m->name));
			break;
		case COL_MET_KIND:
			snmp_set_var_typed_integer(v, ASN_INTEGER,
			                           m->counter ? 2 : 1);
			break;
		case COL_MET_VALUE:
			agentx_host->format_value(m->value, buf, sizeof(buf));
			agentx_set_string(v, buf, strlen(buf));
			break;
		case COL_MET_UNIT:
			unit = agentx_host->unit(m->name);
			agentx_set_string(v, unit, strlen(unit));
			break;
		case COL_MET_INTEGER:
			snmp_set_var_typed_integer(
			    v, ASN_INTEGER, agentx_host->integer(m->value));
			break;
		case COL_MET_COUNTER64:
			u = m->counter ? agentx_host->counter64(m->value) : 0;
			c64.high = (u_long)(u >> 32);
			c64.low = (u_long)(u & 0xffffffffu);
			snmp_set_var_typed_value(v, ASN_COUNTER64,
			                         (const u_char *)&c64,
			                         sizeof(c64));
			break;
		default:
			netsnmp_set_request_error(info, req, SNMP_NOSUCHOBJECT);
		}
	}
	return SNMP_ERR_NOERROR;
}

/* Appends OID base.sub.instance with a value to *vars. */
static void
agentx_add_var(netsnmp_variable_list **vars, const oid *base, size_t len,
               oid sub, oid inst, u_char type, const void *val, size_t vlen)
{
	oid name[MAX_OID_LEN];

	memcpy(name, base, len * sizeof(oid));
	name[len] = sub;
	name[len + 1] = inst;
	snmp_varlist_add_variable(vars, name, len + 2, type, val, vlen);
}

/* An event of device 'dev' as pantauEventNotification. */
static void
agentx_notify(struct agentx *ax, size_t dev, const struct wire_event *ev)
{
	const struct agentx_dev *d = &ax->devs[dev];
	netsnmp_variable_list *vars = NULL;
	long type = (long)d->type + 1, sev = (long)ev->severity + 1;
	long state = (long)ev->state + 1;
	u_long ts = ev->ts > 0 ? (u_long)(uint32_t)ev->ts : 0;
	size_t dlen = sizeof(agentx_dev_oid) / sizeof(oid) + 1;
	oid devbase[MAX_OID_LEN];
	size_t elen = sizeof(agentx_event_oid) / sizeof(oid);

	snmp_varlist_add_variable(&vars, agentx_snmptrap_oid,
	                          sizeof(agentx_snmptrap_oid) / sizeof(oid),
	                          ASN_OBJECT_ID, agentx_notif_oid,
	                          sizeof(agentx_notif_oid));
	/* pantauDeviceId.<index> and pantauDeviceType.<index> */
	memcpy(devbase, agentx_dev_oid, sizeof(agentx_dev_oid));
	devbase[dlen - 1] = 1; /* pantauDeviceEntry */
	agentx_add_var(&vars, devbase, dlen, COL_DEV_ID, dev + 1, ASN_OCTET_STR,
	               d->id, strlen(d->id));
	agentx_add_var(&vars, devbase, dlen, COL_DEV_TYPE, dev + 1, ASN_INTEGER,
	               &type, sizeof(type));
	/* The pantauEventObjects, instance 0 as for scalars. */
	agentx_add_var(&vars, agentx_event_oid, elen, 1, 0, ASN_OCTET_STR,
	               ev->code, strlen(ev->code));
	agentx_add_var(&vars, agentx_event_oid, elen, 2, 0, ASN_INTEGER, &sev,
	               sizeof(sev));
	agentx_add_var(&vars, agentx_event_oid, elen, 3, 0, ASN_INTEGER, &state,
	               sizeof(state));
	agentx_add_var(&vars, agentx_event_oid, elen, 4, 0, ASN_OCTET_STR,
	               ev->text, strlen(ev->text));
	agentx_add_var(&vars, agentx_event_oid, elen, 5, 0, ASN_UNSIGNED, &ts,
	               sizeof(ts));
	/* Through the master to its trap sinks; dropped while it is away. */
	send_v2trap(vars);
	snmp_free_varbind(vars);
	agentx_logf(LOG_LVL_DEBUG, "agentx: notification %s %s for %s",
	            ev->code,
	            ev->state == WIRE_EV_RAISED ? "raised" : "cleared", d->id);
}

static int
agentx_register_table(const char *name, const oid *o, size_t len,
                      Netsnmp_Node_Handler *handler, unsigned nidx,
                      unsigned maxcol, Netsnmp_First_Data_Point *first,
                      Netsnmp_Next_Data_Point *next)
{
	netsnmp_handler_registration *reg;
	netsnmp_table_registration_info *t;
	netsnmp_iterator_info *it;

	t = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	it = SNMP_MALLOC_TYPEDEF(netsnmp_iterator_info);
	reg = netsnmp_create_handler_registration(name, handler, o, len,
	                                          HANDLER_CAN_RONLY);
	if (t == NULL || it == NULL || reg == NULL) {
		free(t);
		free(it);
		netsnmp_handler_registration_free(reg);
		return -1;
	}
	netsnmp_table_helper_add_indexes(t, ASN_INTEGER, 0);
	if (nidx == 2)
		netsnmp_table_helper_add_indexes(t, ASN_INTEGER, 0);
	t->min_column = 2;
	t->max_column = maxcol;
	it->get_first_data_point = first;
	it->get_next_data_point = next;
	it->table_reginfo = t;
	it->flags |= NETSNMP_ITERATOR_FLAG_SORTED;
	return netsnmp_register_table_iterator2(reg, it) == MIB_REGISTERED_OK
	           ? 0
	           : -1;
}

static int
agentx_register(void)
{
	netsnmp_handler_registration *reg;

	reg = netsnmp_create_handler_registration(
	    "pantauAgent", agentx_scalars, agentx_agent_oid,
	    sizeof(agentx_agent_oid) / sizeof(oid), HANDLER_CAN_RONLY);
	if (reg == NULL ||
	    netsnmp_register_scalar_group(reg, 1, 2) != MIB_REGISTERED_OK)
		return -1;
	if (agentx_register_table("pantauDeviceTable", agentx_dev_oid,
	                          sizeof(agentx_dev_oid) / sizeof(oid),
	                          agentx_dev_table, 1, COL_DEV_LAST_SEEN,
	                          agentx_dev_first, agentx_dev_next) != 0)
		return -1;
	return agentx_register_table("pantauMetricTable", agentx_met_oid,
	                             sizeof(agentx_met_oid) / sizeof(oid),
	                             agentx_met_table, 2, COL_MET_COUNTER64,
	                             agentx_met_first, agentx_met_next);
}

/* The library as the SNMP poller sets it up, plus the subagent's role. */
static void
agentx_init_library(const char *address)
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
	/* Timers from the loop, never SIGALRM (it would kill the agent). */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	                       NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE,
	                       1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
	                      NETSNMP_DS_AGENT_X_SOCKET, address);
}

static struct agentx *
agentx_mod_start(const struct agent_config *cfg, const struct agentx_host *host)
{
	struct agentx *ax;
	struct agentx_snmp *s;

	if (agentx_running != NULL) {
		errno = EBUSY;
		return NULL;
	}
	agentx_host = host;
	if ((ax = agentx_host->store_new(cfg)) == NULL)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (ax->address = strdup(cfg->snmp_agentx)) == NULL) {
		free(s);
		agentx_host->store_free(ax);
		errno = ENOMEM;
		return NULL;
	}
	s->main = pthread_self();
	ax->snmp = s;
	ax->notify = agentx_notify;
	agentx_running = ax;

	agentx_init_library(cfg->snmp_agentx);
	snmp_disable_log();
	s->logh =
	    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_INFO);
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
	                       agentx_log, NULL);
	if (init_agent(AGENTX_APP) != 0 || agentx_register() != 0) {
		agentx_logf(LOG_LVL_ERR, "agentx: cannot register PANTAU-MIB");
		agentx_running = NULL;
		free(s);
		ax->snmp = NULL;
		agentx_host->store_free(ax);
		errno = EINVAL;
		return NULL;
	}
	/* After init_agent(), which sets its own default (15 s). */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
	                   NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, AGENTX_PING);
	/* Connects to the master (post-config callback of the subagent). */
	init_snmp(AGENTX_APP);
	agentx_logf(LOG_LVL_INFO,
	            "agentx: serving PANTAU-MIB through the master at %s",
	            cfg->snmp_agentx);
	return ax;
}

static void
agentx_mod_free(struct agentx *ax)
{
	struct agentx_snmp *s;

	if (ax == NULL)
		return;
	s = ax->snmp;
	if (s->logh != NULL)
		netsnmp_disable_this_loghandler(s->logh);
	/*
	 * Closing the session is enough for the master to drop our
	 * registrations.  Not snmp_shutdown(): its shutdown callbacks
	 * unregister callbacks under the lock of the callback lists and
	 * net-snmp 5.9 then complains of a held lock ("No easy fix", says
	 * callback.c); the process is about to exit anyway.
	 */
	snmp_close_sessions();
	agentx_logf(LOG_LVL_INFO, "agentx: closed the session with the master");
	agentx_running = NULL;
	free(ax->snmp);
	ax->snmp = NULL;
	agentx_host->store_free(ax);
}

static void
agentx_mod_reload(struct agentx *ax, const struct agent_config *n)
{
	if (n->snmp_agentx == NULL || strcmp(n->snmp_agentx, ax->address) != 0)
		agentx_logf(
		    LOG_LVL_WARN,
		    "reload: a new [snmp] agentx takes a restart; still "
		    "serving through %s",
		    ax->address);
	if (agentx_host->store_sync(ax, n) != 0)
		agentx_logf(LOG_LVL_ERR,
		            "agentx: out of memory; the tables keep the old "
		            "devices");
}

static size_t
agentx_mod_pollfds(struct agentx *ax, struct pollfd *pfd, int64_t *timeout_ms)
{
	struct agentx_snmp *s;
	struct timeval tv = {0, 0};
	fd_set fds;
	int fd, nfds = 0, block = 1;
	int64_t ms;
	size_t n = 0;

	if (ax == NULL)
		return 0;
	s = ax->snmp;
	/* snmp_disable_log() of a poller started later turns ours off. */
	if (s->logh != NULL)
		netsnmp_enable_this_loghandler(s->logh);
	FD_ZERO(&fds);
	snmp_select_info(&nfds, &fds, &tv, &block);
	for (fd = 0; fd < nfds && n < AGENTX_POLLFDS; fd++)
		if (FD_ISSET(fd, &fds)) {
			pfd[n].fd = fd;
			pfd[n].events = POLLIN;
			pfd[n++].revents = 0;
		}
	if (!block) {
		ms = (int64_t)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
		if (ms < *timeout_ms)
			*timeout_ms = ms;
	}
	return n;
}

static void
agentx_mod_service(struct agentx *ax)
{
	if (ax == NULL)
		return;
	/* Reads what is there, answers, runs due timers: never blocks. */
	agent_check_and_process(0);
}

const struct agentx_module pantau_agentx_module = {
    .version = AGENTX_MODULE_VERSION,
    .start = agentx_mod_start,
    .free = agentx_mod_free,
    .reload = agentx_mod_reload,
    .pollfds = agentx_mod_pollfds,
    .service = agentx_mod_service,
};
