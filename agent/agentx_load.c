/*
 * agentx_load.c: agentx.h's entry points for pantau-agent, served by the
 * AgentX plug-in (agentx_mod.h says why it is one), which is opened here
 * the first time [snmp] agentx asks for it.
 *
 * The plug-in is looked for beside the running executable first (the
 * build tree: agent/pantau-agent and agent/pantau-agentx.so), then in
 * AGENTX_MODULE_DIR, where make install puts it ($(pkglibdir)).  It stays
 * loaded until the process exits.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/agentx_mod.h"

static const struct agentx_module *agentx_mod;

static const struct agentx_host agentx_host = {
    .vlog = log_vmsg,
    .store_new = agentx_store_new,
    .store_free = agentx_store_free,
    .store_sync = agentx_store_sync,
    .format_value = agentx_format_value,
    .unit = agentx_unit,
    .integer = agentx_integer,
    .counter64 = agentx_counter64,
};

/* Beside /proc/self/exe when it is there, else the installed one. */
static void
agentx_load_path(char *buf, size_t sz)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(buf, sz, "%s/%s", exe, AGENTX_MODULE_FILE);
			if (access(buf, R_OK) == 0)
				return;
		}
	}
	snprintf(buf, sz, "%s/%s", AGENTX_MODULE_DIR, AGENTX_MODULE_FILE);
}

static int
agentx_load(void)
{
	char path[PATH_MAX + 32];
	void *h;
	const struct agentx_module *m;

	if (agentx_mod != NULL)
		return 0;
	agentx_load_path(path, sizeof(path));
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_err("agentx: cannot load %s", dlerror());
		errno = ENOENT;
		return -1;
	}
	m = dlsym(h, AGENTX_MODULE_SYMBOL);
	if (m == NULL || m->version != AGENTX_MODULE_VERSION) {
		log_err(
		    "agentx: %s is not a pantau-agent %s plug-in of version "
		    "%d",
		    path, PACKAGE_VERSION, AGENTX_MODULE_VERSION);
		dlclose(h);
		errno = EINVAL;
		return -1;
	}
	log_debug("agentx: loaded %s", path);
	agentx_mod = m;
	return 0;
}

struct agentx *
agentx_start(const struct agent_config *cfg)
{
	if (agentx_load() != 0)
		return NULL;
	return agentx_mod->start(cfg, &agentx_host);
}

void
agentx_free(struct agentx *ax)
{
	if (ax != NULL)
		agentx_mod->free(ax);
}

void
agentx_reload(struct agentx *ax, const struct agent_config *n)
{
	if (ax != NULL)
		agentx_mod->reload(ax, n);
	else if (n->snmp_agentx != NULL)
		log_warn("reload: [snmp] agentx takes a restart");
}

size_t
agentx_pollfds(struct agentx *ax, struct pollfd *pfd, int64_t *timeout_ms)
{
	return ax != NULL ? agentx_mod->pollfds(ax, pfd, timeout_ms) : 0;
}

void
agentx_service(struct agentx *ax)
{
	if (ax != NULL)
		agentx_mod->service(ax);
}
