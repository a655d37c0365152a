/*
 * check_agent_devices.c: the core's side of the device pollers
 * (agent/devices.c and emit.c), against fake pollers defined here with the
 * shapes of agent/poll.h.
 *
 * Each fake hands out the rounds a test queued when the core collects; the
 * messages then read back from a real spool must be exactly those of the
 * contract: under the device's own id, seq per device from 1, status and
 * inventory retained, status only when the poller says it changed, and
 * status and inventory again after a connect.  Reloads must keep the
 * pollers for an unchanged device list and restart them otherwise.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent_priv.h"

#define SITE_T "pantau/v1/asriloka/"
#define FAKE_MAX 8

/* A fake poller: its rounds, queued by the test, go out at collect. */
struct fake {
	int fds[2]; /* a pipe; only its number matters */
	const struct agent_device *devs;
	size_t n;
	struct poll_result res[FAKE_MAX];
	size_t nres;
	int64_t ticked;
};
struct snmp_poller {
	struct fake f;
};
struct pjlink_poller {
	struct fake f;
};

static int n_new, n_free;

static int
fake_init(struct fake *f, const struct agent_device *devs, size_t n)
{
	memset(f, 0, sizeof(*f));
	f->devs = devs;
	f->n = n;
	n_new++;
	return pipe(f->fds);
}

static void
fake_fini(struct fake *f)
{
	close(f->fds[0]);
	close(f->fds[1]);
	n_free++;
}

static void
fake_collect(struct fake *f, poll_result_fn fn, void *arg)
{
	size_t i;

	for (i = 0; i < f->nres; i++)
		fn(arg, &f->res[i]);
	f->nres = 0;
}

struct snmp_poller *
snmp_poller_new(const struct agent_device *devs, size_t n)
{
	struct snmp_poller *p = calloc(1, sizeof(*p));

	ck_assert_int_eq(fake_init(&p->f, devs, n), 0);
	return p;
}

void
snmp_poller_free(struct snmp_poller *p)
{
	if (p == NULL)
		return;
	fake_fini(&p->f);
	free(p);
}

int
snmp_poller_fd(const struct snmp_poller *p)
{
	return p->f.fds[0];
}

void
snmp_poller_tick(struct snmp_poller *p, int64_t now)
{
	p->f.ticked = now;
}

void
snmp_poller_collect(struct snmp_poller *p, poll_result_fn fn, void *arg)
{
	fake_collect(&p->f, fn, arg);
}

struct pjlink_poller *
pjlink_poller_new(const struct agent_device *devs, size_t n)
{
	struct pjlink_poller *p = calloc(1, sizeof(*p));

	ck_assert_int_eq(fake_init(&p->f, devs, n), 0);
	return p;
}

void
pjlink_poller_free(struct pjlink_poller *p)
{
	if (p == NULL)
		return;
	fake_fini(&p->f);
	free(p);
}

int
pjlink_poller_fd(const struct pjlink_poller *p)
{
	return p->f.fds[0];
}

void
pjlink_poller_tick(struct pjlink_poller *p, int64_t now)
{
	p->f.ticked = now;
}

void
pjlink_poller_collect(struct pjlink_poller *p, poll_result_fn fn, void *arg)
{
	fake_collect(&p->f, fn, arg);
}

static const char conf_text[] = "[agent]\nsite = asriloka\ndevice = pc-01\n"
                                "spool_dir = /nonexistent\n"
                                "[device printer-lobby]\ntype = printer\n"
                                "address = 127.0.0.1\ninterval = 30\n"
                                "[device proj-hall]\ntype = projector\n"
                                "address = 127.0.0.1\ninterval = 60\n";

static char dir[64];
static struct agent a;
static struct wire_metrics met;
static struct wire_event ev;

static void
setup(void)
{
	struct conf_err e = {0};

	log_init("check_agent_devices", 1, LOG_LVL_ERR);
	snprintf(dir, sizeof(dir), "%s/check_devices.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	memset(&a, 0, sizeof(a));
	a.cfg = calloc(1, sizeof(*a.cfg));
	ck_assert_int_eq(
	    config_load_string("t.conf", conf_text, "h", a.cfg, &e), 0);
	a.opt.root = "/";
	ck_assert_ptr_nonnull(a.sp = spool_open(dir, 1 << 20, 100));
	n_new = n_free = 0;
	ck_assert_int_eq(devices_start(&a), 0);
}

static void
teardown(void)
{
	char cmd[128];

	devices_stop(&a);
	spool_close(a.sp);
	config_clear(a.cfg);
	free(a.cfg);
	wire_metrics_clear(&met);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Queues a round of 'dev' on its poller. */
static void
queue(const char *dev, enum wire_state state, int changed, bool metrics,
      const char *inventory, bool event)
{
	bool pj = strcmp(dev, "proj-hall") == 0;
	struct fake *f = pj ? &a.devices.pjlink->f : &a.devices.snmp->f;
	struct poll_result *r = &f->res[f->nres++];

	memset(r, 0, sizeof(*r));
	r->device = dev;
	r->type = pj ? DEV_PROJECTOR : DEV_PRINTER;
	r->state = state;
	r->state_changed = changed;
	if (metrics) {
		wire_metrics_clear(&met);
		met.ts = 1764345600;
		met.type = r->type;
		met.interval = 30;
		wire_metrics_add(&met, 0, "printer.status", 3);
		r->metrics = &met;
	}
	if (event) {
		memset(&ev, 0, sizeof(ev));
		ev.ts = 1764345600;
		snprintf(ev.code, sizeof(ev.code), "printer.toner_low");
		ev.severity = WIRE_SEV_WARNING;
		r->events = &ev;
		r->nevents = 1;
	}
	r->inventory = inventory;
}

/* Lets the core collect both pollers and sync, as the loop does. */
static void
collect(int64_t now)
{
	struct pollfd pfd[2];
	size_t n = devices_pollfds(&a, pfd), i;

	ck_assert_uint_eq(n, 2);
	for (i = 0; i < n; i++)
		pfd[i].revents = POLLIN;
	devices_service(&a, pfd, n, now);
}

/*
 * Reads what the spool holds as "TOPIC-TAIL RETAIN SEQ PAYLOAD-PREFIX"
 * lines (22 bytes of the payload) (the topic without pantau/v1/asriloka/),
 * acking each.
 */
static void
drain(char *out, size_t sz)
{
	struct spool_rec r;
	size_t used = 0;

	out[0] = '\0';
	while (spool_next(a.sp, &r) == 1) {
		used += (size_t)snprintf(
		    out + used, sz - used, "%s %d %llu %.*s\n",
		    r.topic + strlen(SITE_T), r.retain ? 1 : 0,
		    (unsigned long long)r.seq, (int)(r.len < 22 ? r.len : 22),
		    (const char *)r.payload);
		ck_assert_int_eq(spool_ack(a.sp, r.id), 0);
	}
}

START_TEST(test_rounds)
{
	char out[4096];

	ck_assert_int_eq(n_new, 2);
	ck_assert_uint_eq(a.devices.snmp->f.n, 2);
	ck_assert_ptr_eq(a.devices.snmp->f.devs, a.cfg->devices);
	ck_assert(!devices_done(&a));

	queue("printer-lobby", WIRE_ONLINE, 1, true, "{\"v\":1}", true);
	collect(1000);
	/* Ticked at the new second, after the sync of what came in. */
	ck_assert_int_eq(a.devices.snmp->f.ticked, 1000);
	ck_assert_int_eq(a.devices.pjlink->f.ticked, 1000);
	drain(out, sizeof(out));
	ck_assert_str_eq(
	    out, "printer-lobby/status 1 0 {\"v\":1,\"state\":\"online\n"
	         "printer-lobby/inventory 1 0 {\"v\":1}\n"
	         "printer-lobby/metrics 0 1 {\"v\":1,\"ts\":1764345600\n"
	         "printer-lobby/events 0 0 {\"v\":1,\"ts\":1764345600\n");
	ck_assert(!devices_done(&a));

	/* Unchanged state: metrics only, seq counting on per device. */
	queue("printer-lobby", WIRE_ONLINE, 0, true, NULL, false);
	queue("proj-hall", WIRE_ONLINE, 1, true, NULL, false);
	collect(1001);
	drain(out, sizeof(out));
	ck_assert_str_eq(
	    out, "printer-lobby/metrics 0 2 {\"v\":1,\"ts\":1764345600\n"
	         "proj-hall/status 1 0 {\"v\":1,\"state\":\"online\n"
	         "proj-hall/metrics 0 1 {\"v\":1,\"ts\":1764345600\n");
	ck_assert(devices_done(&a));

	/* Unreachable: no metrics, the retained status says so. */
	queue("printer-lobby", WIRE_UNREACHABLE, 1, false, NULL, false);
	collect(1002);
	drain(out, sizeof(out));
	ck_assert_str_eq(out, "printer-lobby/status 1 0 "
	                      "{\"v\":1,\"state\":\"unreac\n");

	/* A connect: every known status and inventory again. */
	devices_online(&a, 1003);
	spool_sync(a.sp);
	drain(out, sizeof(out));
	ck_assert_str_eq(out,
	                 "printer-lobby/status 1 0 "
	                 "{\"v\":1,\"state\":\"unreac\n"
	                 "printer-lobby/inventory 1 0 {\"v\":1}\n"
	                 "proj-hall/status 1 0 {\"v\":1,\"state\":\"online\n");

	/* A round of a device the configuration does not know is dropped. */
	queue("printer-gone", WIRE_ONLINE, 1, true, NULL, false);
	collect(1004);
	drain(out, sizeof(out));
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_reload)
{
	struct agent_config *n;
	struct conf_err e = {0};
	const struct agent_device *running = a.cfg->devices;
	char text[sizeof(conf_text) + 64];

	/* Same devices (another site): the pollers keep their array. */
	n = calloc(1, sizeof(*n));
	snprintf(text, sizeof(text), "%s", conf_text);
	memcpy(strstr(text, "asriloka"), "asrilokb", 8);
	ck_assert_int_eq(config_load_string("t.conf", text, "h", n, &e), 0);
	devices_reload(&a, n);
	ck_assert_int_eq(n_new, 2);
	ck_assert_int_eq(n_free, 0);
	ck_assert_ptr_eq(n->devices, running);
	ck_assert_ptr_ne(a.cfg->devices, running);
	config_clear(a.cfg);
	free(a.cfg);
	a.cfg = n;
	ck_assert_ptr_eq(a.devices.snmp->f.devs, a.cfg->devices);
	ck_assert_str_eq(a.devices.devs[0].conf->name, "printer-lobby");

	/* The projector gone: both pollers restart, only SNMP comes back. */
	n = calloc(1, sizeof(*n));
	*strstr(text, "[device proj-hall]") = '\0';
	ck_assert_int_eq(config_load_string("t.conf", text, "h", n, &e), 0);
	devices_reload(&a, n);
	ck_assert_int_eq(n_free, 2);
	ck_assert_int_eq(n_new, 3);
	ck_assert_ptr_null(a.devices.pjlink);
	ck_assert_ptr_eq(a.devices.snmp->f.devs, n->devices);
	ck_assert_uint_eq(a.devices.n, 1);
	config_clear(a.cfg);
	free(a.cfg);
	a.cfg = n;
	conf_err_clear(&e);
}
END_TEST

START_TEST(test_once_wait)
{
	/* The longest interval (60 s) capped at 45 s, plus 5 s. */
	ck_assert_int_eq(devices_once_wait(&a), 50000);
}
END_TEST

static Suite *
devices_suite(void)
{
	Suite *s = suite_create("agent_devices");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rounds);
	tcase_add_test(tc, test_reload);
	tcase_add_test(tc, test_once_wait);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(devices_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
