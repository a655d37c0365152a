/*
 * cups_poll.c: the CUPS worker thread and its IPP requests (cups_poll.h).
 *
 * Each round, for every server: read the store's cursor (the highest job
 * id stored, and the lowest one that was not final yet), ask CUPS-Get-
 * Printers for the queues and Get-Jobs (which-jobs "all", first-job-id,
 * pages of CUPS_POLL_PAGE jobs) for everything from there on, store the
 * result (cups_store.c) and queue the messages it yields for the event
 * loop.  "all" rather than "completed" plus "not-completed": one request,
 * in ascending id order, and a job that finishes between two requests can
 * not slip through.
 *
 * Only this thread talks HTTP and only it writes the print tables, so the
 * event loop never waits for a slow or dead CUPS server.  The loop and the
 * worker share the message queue alone, under 'mu'; a pipe wakes the loop.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector/cups_poll.h"
#include "collector/cups_store.h"
#include "common/log.h"

#define CUPS_POLL_PAGE 500 /* jobs per Get-Jobs request */

static const char *const cups_poll_job_attrs[] = {
    "job-id",
    "job-printer-uri",
    "job-originating-user-name",
    "job-impressions-completed",
    "job-media-sheets-completed",
    "copies",
    "job-k-octets",
    "time-at-creation",
    "time-at-completed",
    "job-state",
    "job-name" /* last: only asked for when titles are stored */
};

static const char *const cups_poll_printer_attrs[] = {
    "printer-name",           "device-uri",
    "printer-make-and-model", "printer-state",
    "printer-state-reasons",  "marker-names",
    "marker-levels"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Connects to "host[:port]" or a socket path. */
static http_t *
cups_poll_connect(const char *server, unsigned timeout, char *err, size_t errsz)
{
	char host[CUPS_ADDR_MAX], *colon;
	int port = 631;
	http_t *http;

	snprintf(host, sizeof(host), "%s", server);
	if (host[0] != '/' && (colon = strrchr(host, ':')) != NULL &&
	    (host[0] != '[' || colon > strchr(host, ']'))) {
		*colon = '\0';
		port = atoi(colon + 1);
	}
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	http = httpConnect2(host, port, NULL, AF_UNSPEC,
	                    HTTP_ENCRYPTION_IF_REQUESTED, 1,
	                    (int)timeout * 1000, NULL);
	if (http == NULL) {
		snprintf(err, errsz, "cannot connect: %s",
		         cupsLastErrorString());
		return NULL;
	}
	httpSetTimeout(http, timeout, NULL, NULL);
	return http;
}

/* Sends 'rq' (freed) and checks the status; NULL with err set. */
static ipp_t *
cups_poll_request(http_t *http, ipp_t *rq, char *err, size_t errsz)
{
	ipp_t *resp = cupsDoRequest(http, rq, "/");

	if (resp == NULL ||
	    ippGetStatusCode(resp) > IPP_STATUS_OK_CONFLICTING) {
		snprintf(err, errsz, "%s: %s", ippOpString(ippGetOperation(rq)),
		         cupsLastErrorString());
		ippDelete(resp);
		return NULL;
	}
	return resp;
}

static int
cups_poll_queues(http_t *http, struct cups_result *r)
{
	ipp_t *rq, *resp;

	rq = ippNewRequest(IPP_OP_CUPS_GET_PRINTERS);
	ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_NAME,
	             "requesting-user-name", NULL, cupsUser());
	ippAddStrings(
	    rq, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
	    (int)NELEM(cups_poll_printer_attrs), NULL, cups_poll_printer_attrs);
	if ((resp = cups_poll_request(http, rq, r->error, sizeof(r->error))) ==
	    NULL)
		return -1;
	if (cups_ipp_queues(resp, &r->queues, &r->nqueues) == -1) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		ippDelete(resp);
		return -1;
	}
	ippDelete(resp);
	return 0;
}

/* One page of Get-Jobs from 'first'; *got the number of jobs read. */
static int
cups_poll_jobs_page(http_t *http, const struct cups_config *cfg, int first,
                    struct cups_result *r, int *got)
{
	ipp_t *rq, *resp;
	int n;

	rq = ippNewRequest(IPP_OP_GET_JOBS);
	ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL,
	             "ipp://localhost/");
	ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_NAME,
	             "requesting-user-name", NULL, cupsUser());
	ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "which-jobs", NULL,
	             "all");
	ippAddBoolean(rq, IPP_TAG_OPERATION, "my-jobs", 0);
	ippAddInteger(rq, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "first-job-id",
	              first);
	ippAddInteger(rq, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "limit",
	              CUPS_POLL_PAGE);
	/* job-name is personal data: not even asked for unless stored */
	ippAddStrings(
	    rq, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
	    (int)NELEM(cups_poll_job_attrs) - (cfg->store_titles ? 0 : 1), NULL,
	    cups_poll_job_attrs);
	if ((resp = cups_poll_request(http, rq, r->error, sizeof(r->error))) ==
	    NULL)
		return -1;
	n = cups_ipp_jobs(resp, cfg->store_titles, &r->jobs, &r->njobs);
	ippDelete(resp);
	if (n == -1) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		return -1;
	}
	*got = n;
	return 0;
}

/* The lowest job the server still has, into r->probe_*. */
static int
cups_poll_probe(http_t *http, const struct cups_config *cfg,
                struct cups_result *r)
{
	static const char *const attrs[] = {"job-id", "time-at-creation"};
	struct cups_job *jobs = NULL;
	size_t n = 0;
	ipp_t *rq, *resp;

	(void)cfg;
	rq = ippNewRequest(IPP_OP_GET_JOBS);
	ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL,
	             "ipp://localhost/");
	ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_NAME,
	             "requesting-user-name", NULL, cupsUser());
	ippAddString(rq, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "which-jobs", NULL,
	             "all");
	ippAddBoolean(rq, IPP_TAG_OPERATION, "my-jobs", 0);
	ippAddInteger(rq, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "first-job-id",
	              1);
	ippAddInteger(rq, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "limit", 1);
	ippAddStrings(rq, IPP_TAG_OPERATION, IPP_TAG_KEYWORD,
	              "requested-attributes", 2, NULL, attrs);
	if ((resp = cups_poll_request(http, rq, r->error, sizeof(r->error))) ==
	    NULL)
		return -1;
	if (cups_ipp_jobs(resp, false, &jobs, &n) > 0) {
		r->probe_id = jobs[0].id;
		r->probe_created = jobs[0].created;
	}
	free(jobs);
	ippDelete(resp);
	return 0;
}

int
cups_poll_server(const struct cups_config *cfg, const char *server,
                 int first_id, int next_id, struct cups_result *r)
{
	http_t *http;
	int first = first_id, got, lowest_new = 0, maxid;
	size_t i, before;

	memset(r, 0, sizeof(*r));
	snprintf(r->server, sizeof(r->server), "%s", server);
	r->time = (int64_t)time(NULL);
	r->first_id = first_id;
	if ((http = cups_poll_connect(server, cfg->timeout, r->error,
	                              sizeof(r->error))) == NULL)
		return -1;
	if (cups_poll_queues(http, r) == -1)
		goto fail;
	for (;;) {
		before = r->njobs;
		if (cups_poll_jobs_page(http, cfg, first, r, &got) == -1)
			goto fail;
		maxid = 0;
		for (i = before; i < r->njobs; i++) {
			int id = r->jobs[i].id;

			if (id > maxid)
				maxid = id;
			if (id >= next_id &&
			    (lowest_new == 0 || id < lowest_new))
				lowest_new = id;
		}
		/*
		 * cupsd answers at most 500 jobs per request whatever the
		 * limit says (2.4.2, measured): go on until a page is empty.
		 */
		if (got == 0 || maxid < first)
			break;
		first = maxid + 1;
	}
	if (lowest_new == 0 && next_id > 1 &&
	    cups_poll_probe(http, cfg, r) == -1)
		goto fail;
	httpClose(http);
	r->ok = true;
	if (cups_ipp_rollover(next_id, lowest_new, &r->gap_from, &r->gap_to) ==
	    0)
		r->gap_from = r->gap_to = 0;
	return 0;

fail:
	httpClose(http);
	return -1;
}

/* A message waiting for the event loop. */
struct cups_poll_msg {
	struct cups_poll_msg *next;
	char *topic;
	char *payload;
	size_t len;
};

struct cups_server_state {
	int up; /* -1 unknown, 0 down, 1 up */
};

struct cups_poll {
	struct cups_config cfg;
	char *db_path;
	struct cups_store *store;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	bool kick;
	unsigned long rounds;
	struct cups_poll_msg *head, **tail;
	int pipe[2];
	struct cups_server_state servers[CUPS_SERVERS_MAX];
};

/* Called by cups_store_result() on the worker: queue one message. */
static void
cups_poll_enqueue(void *arg, const char *topic, const void *payload, size_t len)
{
	struct cups_poll *p = arg;
	struct cups_poll_msg *m;

	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->topic = strdup(topic)) == NULL ||
	    (m->payload = malloc(len + 1)) == NULL) {
		if (m != NULL)
			free(m->topic);
		free(m);
		log_err("cups: out of memory queueing a message for %s", topic);
		return;
	}
	memcpy(m->payload, payload, len);
	m->payload[len] = '\0';
	m->len = len;
	pthread_mutex_lock(&p->mu);
	*p->tail = m;
	p->tail = &m->next;
	pthread_mutex_unlock(&p->mu);
	/* a full pipe wakes the loop just as well */
	if (write(p->pipe[1], "", 1) == -1 && errno != EAGAIN)
		log_warn("cups: cannot wake the event loop: %s",
		         strerror(errno));
}

/* Logs a server's state only when it changes. */
static void
cups_poll_log_state(struct cups_poll *p, size_t i, const struct cups_result *r)
{
	struct cups_server_state *s = &p->servers[i];

	if (r->ok && s->up != 1)
		log_info("cups: %s: %s (%zu queues, %zu jobs to store)",
		         r->server,
		         s->up == 0 ? "reachable again" : "connected",
		         r->nqueues, r->njobs);
	else if (!r->ok && s->up != 0)
		log_warn("cups: %s: not reachable: %s (retrying every %u s, "
		         "jobs are fetched when it is back)",
		         r->server, r->error, p->cfg.interval);
	s->up = r->ok ? 1 : 0;
	if (r->gap_from > 0)
		log_warn(
		    "cups: %s: job history rolled over between polls: "
		    "jobs %d..%d were forgotten by CUPS before pantau read "
		    "them (raise MaxJobs or poll more often)",
		    r->server, r->gap_from, r->gap_to);
}

static void
cups_poll_round(struct cups_poll *p)
{
	struct cups_result r;
	int last, pending, first;
	size_t i;

	for (i = 0; i < p->cfg.nservers; i++) {
		const char *server = p->cfg.servers[i];

		if (cups_store_cursor(p->store, server, &last, &pending) == -1)
			continue;
		first = pending > 0 && pending <= last ? pending : last + 1;
		cups_poll_server(&p->cfg, server, first, last + 1, &r);
		cups_poll_log_state(p, i, &r);
		if (cups_store_result(p->store, &p->cfg, &r, cups_poll_enqueue,
		                      p) == -1)
			log_err("cups: %s: could not store this poll; it is "
			        "repeated next round",
			        server);
		cups_ipp_result_clear(&r);
	}
}

static void *
cups_poll_main(void *arg)
{
	struct cups_poll *p = arg;
	struct timespec until;

	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		pthread_mutex_unlock(&p->mu);
		cups_poll_round(p);
		pthread_mutex_lock(&p->mu);
		p->rounds++;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += p->cfg.interval;
		while (!p->stop && !p->kick)
			if (pthread_cond_timedwait(&p->cv, &p->mu, &until) ==
			    ETIMEDOUT)
				break;
		p->kick = false;
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct cups_poll *
cups_poll_new(const struct cups_config *cfg, const char *db_path, char *err,
              size_t errsz)
{
	struct cups_poll *p;
	pthread_condattr_t ca;
	size_t i;

	err[0] = '\0';
	if (cfg->nservers == 0)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->db_path = strdup(db_path)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto fail_alloc;
	}
	p->cfg = *cfg;
	p->tail = &p->head;
	for (i = 0; i < CUPS_SERVERS_MAX; i++)
		p->servers[i].up = -1;
	if ((p->store = cups_store_open(db_path, 0, err, errsz)) == NULL)
		goto fail_alloc;
	if (pipe2(p->pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		goto fail_pipe;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&p->thread, NULL, cups_poll_main, p) != 0) {
		snprintf(err, errsz, "cannot start the CUPS thread");
		goto fail_thread;
	}
	return p;

fail_thread:
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	close(p->pipe[0]);
	close(p->pipe[1]);
fail_pipe:
	cups_store_close(p->store);
fail_alloc:
	if (p != NULL)
		free(p->db_path);
	free(p);
	return NULL;
}

void
cups_poll_free(struct cups_poll *p)
{
	struct cups_poll_msg *m;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	while ((m = p->head) != NULL) {
		p->head = m->next;
		free(m->topic);
		free(m->payload);
		free(m);
	}
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	close(p->pipe[0]);
	close(p->pipe[1]);
	cups_store_close(p->store);
	free(p->db_path);
	free(p);
}

int
cups_poll_fd(const struct cups_poll *p)
{
	return p->pipe[0];
}

size_t
cups_poll_take(struct cups_poll *p, cups_poll_msg_fn *fn, void *arg)
{
	struct cups_poll_msg *m, *list;
	char buf[256];
	size_t n = 0;

	while (read(p->pipe[0], buf, sizeof(buf)) > 0)
		continue;
	pthread_mutex_lock(&p->mu);
	list = p->head;
	p->head = NULL;
	p->tail = &p->head;
	pthread_mutex_unlock(&p->mu);
	while ((m = list) != NULL) {
		list = m->next;
		fn(arg, m->topic, m->payload, m->len);
		free(m->topic);
		free(m->payload);
		free(m);
		n++;
	}
	return n;
}

void
cups_poll_kick(struct cups_poll *p)
{
	pthread_mutex_lock(&p->mu);
	p->kick = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

unsigned long
cups_poll_rounds(struct cups_poll *p)
{
	unsigned long n;

	pthread_mutex_lock(&p->mu);
	n = p->rounds;
	pthread_mutex_unlock(&p->mu);
	return n;
}
