/*
 * link_names.c: the pure parts of link probing (link.h), kept apart so the
 * unit tests reach them without sockets: metric parts for targets and
 * resolvers, a round's statistics, and what the system says about its
 * gateway (proc/net/route) and resolvers (etc/resolv.conf), read under the
 * agent's --root like every other file it reads.
 */
#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/link.h"

int
link_part(const char *label, const char (*taken)[NAME_PART_MAX + 1],
          size_t ntaken, char *out, size_t sz)
{
	char base[NAME_PART_MAX + 1], cand[NAME_PART_MAX + 1];
	size_t i, blen;
	unsigned k;
	bool clash;

	if (name_sanitize(label, base, sizeof(base)) < 0)
		return -1;
	blen = strlen(base);
	for (k = 1; k < 1000; k++) {
		if (k == 1) {
			snprintf(cand, sizeof(cand), "%s", base);
		} else {
			char suffix[8];
			int sl = snprintf(suffix, sizeof(suffix), "_%u", k);

			/* Cut the base so the suffix always fits. */
			snprintf(cand, sizeof(cand), "%.*s%s",
			         (int)(blen + (size_t)sl > NAME_PART_MAX
			                   ? NAME_PART_MAX - (size_t)sl
			                   : blen),
			         base, suffix);
		}
		clash = false;
		for (i = 0; i < ntaken && !clash; i++)
			clash = strcmp(taken[i], cand) == 0;
		if (!clash) {
			snprintf(out, sz, "%s", cand);
			return 0;
		}
	}
	return -1;
}

void
link_stats_compute(const double *rtt_ms, unsigned n, struct link_stats *st)
{
	double sum = 0;
	unsigned i;

	memset(st, 0, sizeof(*st));
	st->sent = n;
	for (i = 0; i < n; i++) {
		if (rtt_ms[i] < 0)
			continue;
		if (st->answered == 0 || rtt_ms[i] < st->min_ms)
			st->min_ms = rtt_ms[i];
		if (st->answered == 0 || rtt_ms[i] > st->max_ms)
			st->max_ms = rtt_ms[i];
		sum += rtt_ms[i];
		st->answered++;
	}
	if (st->answered > 0)
		st->avg_ms = sum / st->answered;
	if (n > 0)
		st->loss_pct = 100.0 * (n - st->answered) / n;
	st->up = st->answered > 0;
}

/*
 * proc/net/route: "Iface Destination Gateway Flags RefCnt Use Metric Mask
 * ...", addresses as host-order-printed hex of the network-order value.
 */
int
link_read_gateway(const char *root, char *out, size_t sz)
{
	char path[4096], line[512], ifname[IFNAMSIZ + 1];
	unsigned long dst, gw, mask;
	unsigned flags, refcnt, use, metric, best = 0;
	struct in_addr a;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/net/route", root);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%16s %lx %lx %x %u %u %u %lx", ifname, &dst,
		           &gw, &flags, &refcnt, &use, &metric, &mask) != 8)
			continue; /* the header */
		/* RTF_UP 0x1 and RTF_GATEWAY 0x2 */
		if (dst != 0 || mask != 0 || (flags & 0x3) != 0x3 || gw == 0)
			continue;
		if (found && metric >= best)
			continue;
		a.s_addr = (in_addr_t)gw;
		if (inet_ntop(AF_INET, &a, out, (socklen_t)sz) == NULL)
			continue;
		best = metric;
		found = true;
	}
	fclose(f);
	return found ? 1 : 0;
}

size_t
link_read_resolvers(const char *root, char (*out)[LINK_ADDR_MAX], size_t max)
{
	char path[4096], line[512], word[16], addr[LINK_ADDR_MAX];
	struct sockaddr_storage sa;
	socklen_t len;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc/resolv.conf", root);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%15s %63s", word, addr) != 2 ||
		    strcmp(word, "nameserver") != 0)
			continue;
		/* Only what the resolver itself would use: an address. */
		if (link_parse_addr(addr, 53, &sa, &len) != 0)
			continue;
		snprintf(out[n++], LINK_ADDR_MAX, "%s", addr);
	}
	fclose(f);
	return n;
}

int
link_parse_addr(const char *text, unsigned port, struct sockaddr_storage *sa,
                socklen_t *len)
{
	struct addrinfo hints, *res;
	char serv[8];

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(serv, sizeof(serv), "%u", port);
	if (getaddrinfo(text, serv, &hints, &res) != 0)
		return -1;
	memset(sa, 0, sizeof(*sa));
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}
