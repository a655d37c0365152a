/*
 * alert_internet.c: the internet alerts of a site (internet.h,
 * docs/internet.md), raised through the alert engine like its site
 * outage (alert_site.c): a row of table alerts, silences, flapping, a
 * ticket, the notifications.
 *
 * The tracker (internet.c) decides when; this file says it.  Four rules,
 * named so that silences and the alert list can use them:
 * internet_down, internet_loss, internet_latency, internet_dns.  They
 * belong to the site, so they are recorded on the pseudo device
 * "internet" of the site (a silence "--device internet" holds them all,
 * and notifications are alert.firing / alert.resolved like any device's).
 * The alert engine leaves their firing rows to this file at start
 * (alert_load_firing in alert_site.c); internet.c restores them.
 *
 * The text names the ISP and the contract from the asset register
 * (internet_isp_find), so the technician who calls the ISP has them at
 * hand: "Internet Telkom IndiHome (kontrak 1234) putus".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/alert_engine.h"
#include "collector/internet.h"

#define INET_DEVICE "internet"

struct internet_alerts {
	struct astate st[INET_AL_N];
};

static const struct {
	const char *rule;
	int sev;
	int ticket, priority;
	const char *what_en, *what_id;
} inet_kinds[INET_AL_N] = {
    [INET_AL_DOWN] = {"internet_down", SEV_CRITICAL, 1, 1, "down", "putus"},
    [INET_AL_LOSS] = {"internet_loss", SEV_WARNING, 1, 3, "losing packets",
                      "banyak paket hilang"},
    [INET_AL_LATENCY] = {"internet_latency", SEV_WARNING, 0, 0,
                         "slow (high latency)", "lambat (latensi tinggi)"},
    [INET_AL_DNS] = {"internet_dns", SEV_WARNING, 1, 3, "DNS failing",
                     "DNS gagal"},
};

const char *
internet_alert_rule(enum internet_alert_kind k)
{
	return k < INET_AL_N ? inet_kinds[k].rule : "internet";
}

int
internet_alert_kind(const char *rule)
{
	for (int k = 0; k < INET_AL_N; k++)
		if (strcmp(rule, inet_kinds[k].rule) == 0)
			return k;
	return -1;
}

struct internet_alerts *
internet_alerts_new(void)
{
	return calloc(1, sizeof(struct internet_alerts));
}

void
internet_alerts_free(struct internet_alerts *a)
{
	free(a);
}

void
internet_alerts_restore(struct internet_alerts *a, enum internet_alert_kind k,
                        int64_t id, int64_t ticket_id, int64_t since)
{
	struct astate *st = &a->st[k];

	st->state = AS_FIRING;
	st->since = since;
	st->alert_id = id;
	st->ticket_id = ticket_id;
	st->sev = (uint8_t)inet_kinds[k].sev;
}

int
internet_alerts_firing(const struct internet_alerts *a,
                       enum internet_alert_kind k)
{
	return a->st[k].state == AS_FIRING;
}

/*
 * The rule of kind 'k' for 'site', its texts naming the ISP; 'text_id'
 * is where the Indonesian text lives (the rule points into it).
 */
static void
inet_rule(struct db *db, const char *site, enum internet_alert_kind k,
          struct arule *r, char *text_id, size_t idsz)
{
	struct internet_isp isp;
	char c_en[300] = "", c_id[300] = "";

	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", inet_kinds[k].rule);
	r->kind = AR_PRESENCE; /* not matched against series: any kind */
	r->severity = inet_kinds[k].sev;
	r->ticket = inet_kinds[k].ticket;
	r->priority = inet_kinds[k].priority;
	if (db != NULL && internet_isp_find(db, site, &isp) == 1) {
		if (isp.contract[0] != '\0') {
			snprintf(c_en, sizeof c_en, " (contract %.100s)",
			         isp.contract);
			snprintf(c_id, sizeof c_id, " (kontrak %.100s)",
			         isp.contract);
		}
		snprintf(r->text, sizeof r->text, "internet %.80s%s %s",
		         isp.isp, c_en, inet_kinds[k].what_en);
		snprintf(text_id, idsz, "Internet %.80s%s %s", isp.isp, c_id,
		         inet_kinds[k].what_id);
	} else {
		snprintf(r->text, sizeof r->text, "internet %s",
		         inet_kinds[k].what_en);
		snprintf(text_id, idsz, "Internet %s", inet_kinds[k].what_id);
	}
	r->text_id = text_id;
}

void
internet_alerts_set(struct internet_alerts *a, struct alert_engine *e,
                    struct db *db, const char *site, enum internet_alert_kind k,
                    int on, int64_t since, const char *detail, int64_t now)
{
	struct astate *st = &a->st[k];
	struct arule r;
	char text_id[400];

	if (e == NULL || (on != 0) == (st->state == AS_FIRING))
		return;
	inet_rule(db, site, k, &r, text_id, sizeof text_id);
	if (on) {
		st->since = since;
		alert_fire(e, site, INET_DEVICE, st, &r, INET_DEVICE,
		           r.severity, NULL, detail, now);
	} else {
		alert_resolve(e, site, INET_DEVICE, st, &r, detail, now);
	}
}
