/*
 * agentx_mod.h: the interface between pantau-agent and its AgentX plug-in
 * (agent/pantau-agentx.so, built from agentx.c).
 *
 * net-snmp's agent library pulls in libperl, libwrap, Kerberos and a dozen
 * more libraries: linked into pantau-agent it would cost every agent about
 * 1.5 MiB of RSS (docs/bench.md) whether [snmp] agentx is set or not.  So
 * the subagent is a plug-in that agentx_load.c opens with dlopen() only
 * when the configuration asks for it.  The plug-in sees nothing of the
 * agent but this table: the agent hands it its logger and the store's
 * functions (the store itself stays in the agent, where emit.c fills it),
 * and the plug-in exports its entry points as AGENTX_MODULE_SYMBOL.
 */
#ifndef PANTAU_AGENTX_MOD_H
#define PANTAU_AGENTX_MOD_H

#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/agentx_priv.h"
#include "common/log.h"

#define AGENTX_MODULE_FILE "pantau-agentx.so"
#define AGENTX_MODULE_SYMBOL "pantau_agentx_module"
#define AGENTX_MODULE_VERSION 1 /* bump when either table changes */

/* What the agent lends the plug-in. */
struct agentx_host {
	void (*vlog)(enum log_level level, const char *fmt, va_list ap);
	struct agentx *(*store_new)(const struct agent_config *cfg);
	void (*store_free)(struct agentx *ax);
	int (*store_sync)(struct agentx *ax, const struct agent_config *cfg);
	void (*format_value)(double v, char *buf, size_t sz);
	const char *(*unit)(const char *name);
	long (*integer)(double v);
	uint64_t (*counter64)(double v);
};

/* The plug-in's entry points: agentx.h's functions, behind the loader. */
struct agentx_module {
	unsigned version;
	struct agentx *(*start)(const struct agent_config *cfg,
	                        const struct agentx_host *host);
	void (*free)(struct agentx *ax);
	void (*reload)(struct agentx *ax, const struct agent_config *n);
	size_t (*pollfds)(struct agentx *ax, struct pollfd *pfd,
	                  int64_t *timeout_ms);
	void (*service)(struct agentx *ax);
};

extern const struct agentx_module pantau_agentx_module;

#endif
