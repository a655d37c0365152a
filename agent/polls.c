/*
 * polls.c: the relation "this agent publishes for those devices", carried
 * in the PC's own inventory (polls.h).
 *
 * The broker lets an agent write only pantau/v1/<site>/<device>/# for its
 * own device and for the devices it polls (pantauctl mqtt acl).  The
 * collector cannot learn the second part from the polled devices' own
 * messages, because the broker drops those until the ACL grants them; so
 * the agent announces the list on its own inventory topic, which it may
 * always write.  The ACL generator then decides whether to believe it
 * (docs/security.md: a claim never reaches a device with credentials of
 * its own, nor one two agents claim).
 *
 * The ids were checked by the configuration (name_id_valid): they need no
 * escaping inside a JSON string.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/polls.h"

char *
polls_inventory(struct pc *pc, const struct agent_config *cfg, int64_t ts)
{
	char *inv, *out, *p;
	size_t len, need, i;

	if ((inv = pc_inventory(pc, ts)) == NULL)
		return NULL;
	len = strlen(inv);
	if (cfg->ndevices == 0)
		return inv;
	if (len < 2 || inv[len - 1] != '}') {
		free(inv);
		errno = EINVAL;
		return NULL;
	}
	need = len + sizeof(",\"polls\":[]");
	for (i = 0; i < cfg->ndevices; i++)
		need += strlen(cfg->devices[i].name) + 3;
	if ((out = malloc(need)) == NULL) {
		free(inv);
		return NULL;
	}
	/* '{' alone before the '}' means an empty object: no comma then. */
	memcpy(out, inv, len - 1);
	p = out + len - 1;
	p = stpcpy(p, len > 2 ? ",\"polls\":[" : "\"polls\":[");
	for (i = 0; i < cfg->ndevices; i++) {
		if (i > 0)
			*p++ = ',';
		*p++ = '"';
		p = stpcpy(p, cfg->devices[i].name);
		*p++ = '"';
	}
	strcpy(p, "]}");
	free(inv);
	return out;
}
