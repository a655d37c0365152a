/*
 * check_link.c: link probing (agent/link*.c, issue 14).
 *
 * The [link] section through config_load_string() (values, defaults and
 * the exact errors), metric parts, a round's statistics, the gateway and
 * resolvers read from files under a root, a round's metrics, and one real
 * round of probes on loopback: TCP to a listening and to a closed port,
 * ICMP (or the TCP fallback where ping sockets are not allowed) and a DNS
 * query answered by a forked responder.
 */
#include "config.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <check.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/link.h"

#define BASE "[agent]\nsite = s\ndevice = d\n"

static struct agent_config
load_ok(const char *text)
{
	struct agent_config c;
	struct conf_err e = {0};
	size_t i;

	if (config_load_string("t.conf", text, "h", &c, &e) != 0) {
		for (i = 0; conf_err_get(&e, i) != NULL; i++)
			fprintf(stderr, "%s\n", conf_err_get(&e, i));
		ck_abort_msg("config refused");
	}
	conf_err_clear(&e);
	return c;
}

START_TEST(test_config_none)
{
	struct agent_config c = load_ok(BASE);

	ck_assert_ptr_null(c.link);
	config_clear(&c);
}
END_TEST

START_TEST(test_config_defaults)
{
	struct agent_config c = load_ok(BASE "[link]\n");
	const struct link_config *l = c.link;

	ck_assert_ptr_nonnull(l);
	ck_assert(l->probe_gateway);
	ck_assert_int_eq(l->gateway.method, LINK_ICMP);
	ck_assert_uint_eq(l->gateway.port, 443);
	ck_assert_str_eq(l->gateway.part, "gateway");
	ck_assert_uint_eq(l->ntargets, 0);
	ck_assert_uint_eq(l->nresolvers, 0);
	ck_assert_str_eq(l->dns_name, "");
	ck_assert_uint_eq(l->probes, 5);
	ck_assert_uint_eq(l->spacing_ms, 200);
	ck_assert_uint_eq(l->timeout_ms, 1000);
	ck_assert_uint_eq(l->dns_timeout_ms, 2000);
	ck_assert_uint_eq(link_config_round_ms(l), 1800);
	ck_assert(!l->names);
	config_clear(&c);
}
END_TEST

START_TEST(test_config_full)
{
	struct agent_config c =
	    load_ok(BASE "interval = 30\n"
	                 "[link]\n"
	                 "targets = detik.com, 1.1.1.1 detik_com,fd00::1\n"
	                 "method.detik.com = tcp:443\n"
	                 "method.1_1_1_1 = tcp\n"
	                 "method.fd00_1 = icmp\n"
	                 "method.gateway = tcp:80\n"
	                 "fallback_port = 8443\n"
	                 "resolvers = 127.0.0.53, fd00::53\n"
	                 "dns_name = kemdikbud.go.id\n"
	                 "probes = 20\n"
	                 "spacing_ms = 100\n"
	                 "timeout_ms = 500\n"
	                 "dns_timeout_ms = 3000\n"
	                 "gateway = no\n");
	const struct link_config *l = c.link;

	ck_assert(!l->probe_gateway);
	ck_assert_int_eq(l->gateway.method, LINK_TCP);
	ck_assert_uint_eq(l->gateway.port, 80);
	ck_assert_uint_eq(l->ntargets, 4);
	ck_assert_str_eq(l->targets[0].host, "detik.com");
	ck_assert_str_eq(l->targets[0].part, "detik_com");
	ck_assert_int_eq(l->targets[0].method, LINK_TCP);
	ck_assert_uint_eq(l->targets[0].port, 443);
	ck_assert_str_eq(l->targets[1].part, "1_1_1_1");
	ck_assert_int_eq(l->targets[1].method, LINK_TCP);
	ck_assert_uint_eq(l->targets[1].port, 8443);
	/* A second target with the same part gets a suffix. */
	ck_assert_str_eq(l->targets[2].host, "detik_com");
	ck_assert_str_eq(l->targets[2].part, "detik_com_2");
	ck_assert_int_eq(l->targets[2].method, LINK_ICMP);
	ck_assert_uint_eq(l->targets[2].port, 8443);
	ck_assert_str_eq(l->targets[3].part, "fd00_1");
	ck_assert_uint_eq(l->nresolvers, 2);
	ck_assert_str_eq(l->resolvers[1], "fd00::53");
	ck_assert_str_eq(l->dns_name, "kemdikbud.go.id");
	ck_assert_uint_eq(l->probes, 20);
	/* dns_timeout_ms for the names, then dns_timeout_ms again. */
	ck_assert(l->names);
	ck_assert_uint_eq(link_config_round_ms(l), 6000);
	config_clear(&c);
}
END_TEST

static const struct {
	const char *text;
	const char *errors; /* every message, one per line */
} bad_cases[] = {
    {BASE "[link]\nmethod.x = tcp\n",
     "t.conf:5: unknown key 'method.x' in section [link]\n"},
    {BASE "[link]\ntargets = a.b\nmethod.a.b = udp\n",
     "t.conf:6: method.a.b: 'udp' is not a method (use icmp, tcp or "
     "tcp:PORT)\n"},
    {BASE "[link]\ntargets = a.b\nmethod.a.b = tcp:0\n",
     "t.conf:6: method.a.b: 'tcp:0' is not a method (use icmp, tcp or "
     "tcp:PORT)\n"},
    {BASE "[link]\ntargets = a.b\nmethod.a.b = tcp\nmethod.a_b = icmp\n",
     "t.conf:6: method.a.b: the method of 'a.b' is also given as "
     "method.a_b\n"},
    {BASE "[link]\ntargets = ...\n",
     "t.conf:5: targets: '...' is not a host\n"},
    {BASE "[link]\nresolvers = dns.google\n",
     "t.conf:5: resolvers: 'dns.google' is not an address\n"},
    {BASE "[link]\nprobes = 0\n",
     "t.conf:5: probes: 0 is out of range (1..100)\n"},
    {BASE "interval = 1\n[link]\n",
     "t.conf:5: [link]: a round of probes takes up to 1800 ms "
     "((probes - 1) * spacing_ms + timeout_ms, or dns_timeout_ms, plus "
     "dns_timeout_ms for target names), more than three quarters of the "
     "interval (1 s)\n"},
    {BASE "interval = 4\n[link]\ntargets = 10.0.0.1, a.example\n",
     "t.conf:5: [link]: a round of probes takes up to 3800 ms "
     "((probes - 1) * spacing_ms + timeout_ms, or dns_timeout_ms, plus "
     "dns_timeout_ms for target names), more than three quarters of the "
     "interval (4 s)\n"},
    {BASE "[link x]\n", "t.conf:4: section [link] takes no name\n"},
};

START_TEST(test_config_bad)
{
	struct agent_config c;
	struct conf_err e = {0};
	char got[2048] = "";
	size_t i;

	ck_assert_int_eq(
	    config_load_string("t.conf", bad_cases[_i].text, "h", &c, &e), -1);
	for (i = 0; conf_err_get(&e, i) != NULL; i++) {
		strcat(got, conf_err_get(&e, i));
		strcat(got, "\n");
	}
	ck_assert_str_eq(got, bad_cases[_i].errors);
	conf_err_clear(&e);
}
END_TEST

START_TEST(test_parts)
{
	char taken[3][NAME_PART_MAX + 1] = {"gateway", "a_b", "a_b_2"};
	char out[NAME_PART_MAX + 1];
	char longname[200];

	ck_assert_int_eq(link_part("127.0.0.53", NULL, 0, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "127_0_0_53");
	ck_assert_int_eq(link_part("Detik.COM", NULL, 0, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "detik_com");
	ck_assert_int_eq(link_part("fe80::1%eth0", NULL, 0, out, sizeof(out)),
	                 0);
	ck_assert_str_eq(out, "fe80_1_eth0");
	ck_assert_int_eq(link_part("gateway",
	                           (const char(*)[NAME_PART_MAX + 1]) taken, 3,
	                           out, sizeof(out)),
	                 0);
	ck_assert_str_eq(out, "gateway_2");
	ck_assert_int_eq(link_part("a.b",
	                           (const char(*)[NAME_PART_MAX + 1]) taken, 3,
	                           out, sizeof(out)),
	                 0);
	ck_assert_str_eq(out, "a_b_3");
	ck_assert_int_eq(link_part("::", NULL, 0, out, sizeof(out)), -1);
	/* A long label is cut so that the suffix still fits. */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(link_part(longname, NULL, 0, taken[0], sizeof(out)),
	                 0);
	ck_assert_uint_eq(strlen(taken[0]), NAME_PART_MAX);
	ck_assert_int_eq(link_part(longname,
	                           (const char(*)[NAME_PART_MAX + 1]) taken, 1,
	                           out, sizeof(out)),
	                 0);
	ck_assert_uint_eq(strlen(out), NAME_PART_MAX);
	ck_assert_str_eq(out + NAME_PART_MAX - 2, "_2");
}
END_TEST

START_TEST(test_stats)
{
	static const double some[] = {10, -1, 20, 30, -1};
	static const double none[] = {-1, -1, -1};
	static const double zero[] = {0.0};
	struct link_stats st;

	link_stats_compute(some, 5, &st);
	ck_assert_uint_eq(st.sent, 5);
	ck_assert_uint_eq(st.answered, 3);
	ck_assert_double_eq(st.min_ms, 10);
	ck_assert_double_eq(st.avg_ms, 20);
	ck_assert_double_eq(st.max_ms, 30);
	ck_assert_double_eq(st.loss_pct, 40);
	ck_assert(st.up);
	link_stats_compute(none, 3, &st);
	ck_assert_uint_eq(st.answered, 0);
	ck_assert_double_eq(st.loss_pct, 100);
	ck_assert(!st.up);
	link_stats_compute(zero, 1, &st);
	ck_assert(st.up);
	ck_assert_double_eq(st.loss_pct, 0);
}
END_TEST

static char root[64];

static void
put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
make_root(void)
{
	char path[256];

	snprintf(root, sizeof(root), "/tmp/check_link.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/proc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/net", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc", root);
	mkdir(path, 0755);
}

static void
drop_root(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

#define ROUTE_HEAD                                                             \
	"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\t"   \
	"MTU\tWindow\tIRTT\n"

START_TEST(test_gateway)
{
	char gw[LINK_ADDR_MAX];

	make_root();
	ck_assert_int_eq(link_read_gateway(root, gw, sizeof(gw)), -1);
	put("proc/net/route",
	    ROUTE_HEAD "eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0"
	               "\t0\t0\n");
	ck_assert_int_eq(link_read_gateway(root, gw, sizeof(gw)), 0);
	/* Two default routes: the lower metric wins. */
	put("proc/net/route", ROUTE_HEAD
	    "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
	    "eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
	    "eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n");
	ck_assert_int_eq(link_read_gateway(root, gw, sizeof(gw)), 1);
	ck_assert_str_eq(gw, "192.168.0.1");
	drop_root();
}
END_TEST

START_TEST(test_resolvers)
{
	char r[LINK_RESOLVERS_MAX][LINK_ADDR_MAX];

	make_root();
	ck_assert_uint_eq(link_read_resolvers(root, r, LINK_RESOLVERS_MAX), 0);
	put("etc/resolv.conf", "# generated\n"
	                       "nameserver 127.0.0.53\n"
	                       "search lab.local\n"
	                       "nameserver fe80::1%lo\n"
	                       "nameserver dns.example\n"
	                       "nameserver\n"
	                       "options edns0\n"
	                       "nameserver 10.0.0.1\n");
	ck_assert_uint_eq(link_read_resolvers(root, r, LINK_RESOLVERS_MAX), 3);
	ck_assert_str_eq(r[0], "127.0.0.53");
	ck_assert_str_eq(r[1], "fe80::1%lo");
	ck_assert_str_eq(r[2], "10.0.0.1");
	ck_assert_uint_eq(link_read_resolvers(root, r, 1), 1);
	drop_root();
}
END_TEST

static double
gauge(const struct wire_metrics *m, const char *name)
{
	const struct wire_sample *s = wire_metrics_find(m, 0, name);

	ck_assert_msg(s != NULL, "no %s", name);
	return s->value;
}

START_TEST(test_round_metrics)
{
	struct link_entry e[3];
	struct link_round r = {.ts = 60, .entries = e, .n = 3};
	static const double rtt[] = {1.0004, -1, 3.0};
	struct wire_metrics m;

	memset(e, 0, sizeof(e));
	memset(&m, 0, sizeof(m));
	snprintf(e[0].part, sizeof(e[0].part), "gateway");
	link_stats_compute(rtt, 3, &e[0].st);
	snprintf(e[1].part, sizeof(e[1].part), "detik_com");
	link_stats_compute(rtt + 1, 1, &e[1].st);
	e[2].dns = true;
	snprintf(e[2].part, sizeof(e[2].part), "127_0_0_53");
	e[2].dns_replied = true;
	e[2].dns_ms = 12.25;
	m.ts = 60;
	m.type = DEV_PC;
	m.interval = 60;
	ck_assert_int_eq(link_round_metrics(&r, &m), 0);
	ck_assert_double_eq(gauge(&m, "link.gateway.up"), 1);
	ck_assert_double_eq_tol(gauge(&m, "link.gateway.loss_pct"), 33.333,
	                        0.001);
	ck_assert_double_eq(gauge(&m, "link.gateway.rtt_ms"), 2);
	ck_assert_double_eq(gauge(&m, "link.gateway.rtt_min_ms"), 1);
	ck_assert_double_eq(gauge(&m, "link.gateway.rtt_max_ms"), 3);
	ck_assert_double_eq(gauge(&m, "link.detik_com.up"), 0);
	ck_assert_double_eq(gauge(&m, "link.detik_com.loss_pct"), 100);
	/* Nothing answered: no latency at all, never 0. */
	ck_assert_ptr_null(wire_metrics_find(&m, 0, "link.detik_com.rtt_ms"));
	ck_assert_double_eq(gauge(&m, "dns.127_0_0_53.ok"), 0);
	ck_assert_double_eq(gauge(&m, "dns.127_0_0_53.ms"), 12.25);
	ck_assert_uint_eq(m.ngauges, 9);
	wire_metrics_clear(&m);
}
END_TEST

/* A UDP "resolver" on loopback that answers one query with one record. */
static pid_t
fake_resolver(unsigned short *port, int rcode, int ancount)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	unsigned char buf[512];
	HEADER *h = (HEADER *)buf;
	ssize_t n;
	pid_t pid;
	int fd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(fd = socket(AF_INET, SOCK_DGRAM, 0), 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	if ((pid = fork()) == 0) {
		len = sizeof(sa);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa,
		             &len);
		if (n >= (ssize_t)sizeof(HEADER)) {
			h->qr = 1;
			h->rcode = rcode & 0xf;
			h->ancount = htons((unsigned short)ancount);
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&sa,
			       len);
		}
		_exit(0);
	}
	close(fd);
	return pid;
}

START_TEST(test_probe_loopback)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct link_probe_target t[3];
	struct link_probe_dns d[3];
	struct link_probe_params p = {
	    .probes = 3,
	    .spacing_ms = 20,
	    .timeout_ms = 500,
	    .dns_timeout_ms = 1000,
	    .dns_name = "test.example",
	    .stop_fd = -1,
	};
	socklen_t len = sizeof(sa);
	unsigned short p1, p2;
	pid_t r1, r2;
	int lfd, st;
	unsigned i;

	memset(t, 0, sizeof(t));
	memset(d, 0, sizeof(d));
	/* A listening port, and a closed one (refused: answered too). */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(lfd = socket(AF_INET, SOCK_STREAM, 0), 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(lfd, 8), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);
	ck_assert_int_eq(
	    link_parse_addr("127.0.0.1", 0, &t[0].addr, &t[0].alen), 0);
	t[0].method = LINK_TCP;
	t[0].port = ntohs(sa.sin_port);
	t[1] = t[0];
	t[1].port = 1; /* nothing listens on tcpmux */
	/* ICMP, or TCP to the listening port where not allowed. */
	t[2] = t[0];
	t[2].method = LINK_ICMP;

	r1 = fake_resolver(&p1, ns_r_noerror, 1);
	r2 = fake_resolver(&p2, ns_r_servfail, 0);
	ck_assert_int_eq(
	    link_parse_addr("127.0.0.1", p1, &d[0].addr, &d[0].alen), 0);
	ck_assert_int_eq(
	    link_parse_addr("127.0.0.1", p2, &d[1].addr, &d[1].alen), 0);
	/* Nobody there: ICMP port unreachable, at once. */
	ck_assert_int_eq(
	    link_parse_addr("127.0.0.1", 9, &d[2].addr, &d[2].alen), 0);

	ck_assert_int_eq(link_probe_run(&p, t, 3, d, 3), 0);
	for (i = 0; i < 3; i++) {
		ck_assert_msg(t[0].rtt_ms[i] >= 0, "listening %u lost", i);
		ck_assert_msg(t[1].rtt_ms[i] >= 0, "refused %u lost", i);
		ck_assert_msg(t[2].rtt_ms[i] >= 0, "icmp %u lost", i);
		ck_assert(t[0].rtt_ms[i] < 400);
	}
	ck_assert(!t[0].fell_back);
	ck_assert(t[2].fell_back == !link_probe_icmp_allowed(AF_INET, NULL));
	ck_assert(d[0].replied);
	ck_assert(d[0].ok);
	ck_assert(d[0].ms >= 0 && d[0].ms < 1000);
	ck_assert(d[1].replied);
	ck_assert(!d[1].ok);
	ck_assert_int_eq(d[1].rcode, ns_r_servfail);
	ck_assert(!d[2].replied);
	ck_assert(!d[2].ok);
	ck_assert_int_eq(waitpid(r1, &st, 0), r1);
	ck_assert_int_eq(waitpid(r2, &st, 0), r2);
	close(lfd);
}
END_TEST

START_TEST(test_probe_unresolved)
{
	struct link_probe_target t[1];
	struct link_probe_params p = {
	    .probes = 4,
	    .spacing_ms = 10,
	    .timeout_ms = 200,
	    .stop_fd = -1,
	};
	unsigned i;

	/* No address (a name that does not resolve): all lost, no wait. */
	memset(t, 0, sizeof(t));
	t[0].method = LINK_TCP;
	t[0].port = 443;
	ck_assert_int_eq(link_probe_run(&p, t, 1, NULL, 0), 0);
	for (i = 0; i < 4; i++)
		ck_assert(t[0].rtt_ms[i] < 0);
}
END_TEST

static void
collected(void *arg, const struct link_round *r)
{
	struct wire_metrics *m = arg;

	m->ts = r->ts;
	ck_assert_int_eq(link_round_metrics(r, m), 0);
}

/* The poller's thread: a round on loopback, handed back through its fd. */
START_TEST(test_poller)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	struct link_config lc;
	struct link_poller *p;
	struct wire_metrics m;
	struct pollfd pfd;
	int lfd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(lfd = socket(AF_INET, SOCK_STREAM, 0), 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(lfd, 8), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);

	make_root();
	/* The gateway is loopback too: only what the fixture says. */
	put("proc/net/route", ROUTE_HEAD
	    "lo\t00000000\t0100007F\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
	memset(&lc, 0, sizeof(lc));
	lc.probe_gateway = true;
	lc.gateway.method = LINK_TCP;
	lc.gateway.port = ntohs(sa.sin_port);
	snprintf(lc.gateway.part, sizeof(lc.gateway.part), "gateway");
	lc.ntargets = 1;
	snprintf(lc.targets[0].host, sizeof(lc.targets[0].host), "127.0.0.1");
	snprintf(lc.targets[0].part, sizeof(lc.targets[0].part), "127_0_0_1");
	lc.targets[0].method = LINK_TCP;
	lc.targets[0].port = 1; /* refused: an answer */
	lc.probes = 3;
	lc.spacing_ms = 10;
	lc.timeout_ms = 300;
	lc.dns_timeout_ms = 300;

	ck_assert_ptr_nonnull(p = link_poller_new(&lc, root));
	ck_assert_int_eq(link_poller_start(p, 42), 1);
	/* One round at a time. */
	ck_assert_int_eq(link_poller_start(p, 43), 0);
	pfd = (struct pollfd){.fd = link_poller_fd(p), .events = POLLIN};
	ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
	memset(&m, 0, sizeof(m));
	m.type = DEV_PC;
	m.interval = 60;
	link_poller_collect(p, collected, &m);
	ck_assert_int_eq(m.ts, 42);
	ck_assert_double_eq(gauge(&m, "link.gateway.up"), 1);
	ck_assert_double_eq(gauge(&m, "link.gateway.loss_pct"), 0);
	ck_assert_double_eq(gauge(&m, "link.127_0_0_1.up"), 1);
	wire_metrics_clear(&m);
	ck_assert(!link_poller_busy(p));

	/* Freed in the middle of a round: stops at once. */
	lc.targets[0].port = lc.gateway.port;
	ck_assert_int_eq(link_poller_start(p, 44), 1);
	link_poller_free(p);
	close(lfd);
	drop_root();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("link");
	TCase *tc = tcase_create("link");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_config_none);
	tcase_add_test(tc, test_config_defaults);
	tcase_add_test(tc, test_config_full);
	tcase_add_loop_test(tc, test_config_bad, 0,
	                    sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_parts);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_gateway);
	tcase_add_test(tc, test_resolvers);
	tcase_add_test(tc, test_round_metrics);
	tcase_add_test(tc, test_probe_loopback);
	tcase_add_test(tc, test_probe_unresolved);
	tcase_add_test(tc, test_poller);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
