/*
 * pc_smart.c: disk health from smartctl's JSON output, never in the way
 * of a round.
 *
 * Every smart_interval seconds one child per disk runs
 * "SMARTCTL -j -a -n standby /dev/DISK" (SMARTCTL is smartctl itself when
 * the agent runs as root, or agent/pantau-smart-helper through sudo:
 * docs/smart.md).  The children write into non-blocking pipes; each
 * pc_sample() call drains what arrived, parses a finished output with
 * cJSON and reaps the child, all without waiting.  A child that is still
 * running smart_timeout seconds after its start is killed with its whole
 * process group (a helper script's smartctl too).  So a hung smartctl
 * costs a process slot, never a round; SMART values lag by one round,
 * which for hourly data does not matter.
 *
 * Results are cached per disk and published every round until the next
 * run replaces them.  A disk in standby (-n standby keeps it spinning down)
 * keeps its previous values; a run that fails clears them, so a metric is
 * absent rather than stale, and the inventory's "smart" object says why.
 *
 * If the agent sets SIGCHLD to SIG_IGN, the kernel reaps the children and
 * waitpid()'s ECHILD is taken as "gone".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "agent/pc_priv.h"
#include "common/log.h"

extern char **environ;

#define PC_SMART_DISKS 16
#define PC_SMART_OUTMAX (512 * 1024) /* bytes of JSON; more is not smartctl */

/* Which cached values a disk has. */
enum {
	SM_OK = 1 << 0,
	SM_TEMP = 1 << 1,
	SM_HOURS = 1 << 2,
	SM_REALLOC = 1 << 3,
	SM_PENDING = 1 << 4,
	SM_WEAR = 1 << 5,
	SM_MEDIA = 1 << 6,
};

struct pc_smart_disk {
	char dev[32];
	char part[NAME_PART_MAX + 1];
	pid_t pid;      /* running or unreaped child, or 0 */
	int fd;         /* its pipe, or -1 */
	bool done;      /* EOF seen, output parsed */
	double started; /* monotonic seconds */
	char *out;
	size_t len, cap;

	unsigned have; /* SM_* */
	double ok, temp, hours, realloc, pending, wear, media;
	char model[128], serial[128];
	char reason[160]; /* why the last run gave nothing */
};

struct pc_smart {
	struct pc_smart_disk *disks; /* only when smartctl is configured */
	size_t ndisks;
	double next_run; /* monotonic seconds */
	bool ran;        /* a run was started */
	unsigned gen;
};

static double
pc_smart_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
pc_smart_init(struct pc *pc)
{
	struct pc_smart *s;
	struct pc_smart_disk *d;
	char **names = NULL;
	size_t n, k;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	pc->smart = s;
	if (pc->smartctl == NULL)
		return 0;
	n = pc_list_dir(pc, "sys/block", &names);
	if (n > 0 && (s->disks = calloc(n < PC_SMART_DISKS ? n : PC_SMART_DISKS,
	                                sizeof(*s->disks))) == NULL) {
		pc_list_free(names, n);
		return -1;
	}
	for (k = 0; k < n && s->ndisks < PC_SMART_DISKS; k++) {
		d = &s->disks[s->ndisks];
		if (!pc_disk_wanted(pc, names[k]) ||
		    strlen(names[k]) >= sizeof(d->dev))
			continue;
		snprintf(d->dev, sizeof(d->dev), "%s", names[k]);
		d->fd = -1;
		if (pc_label_part(pc, "disk", d->dev, false, d->part) == 0)
			s->ndisks++;
	}
	pc_list_free(names, n);
	return 0;
}

/* Kills (SIGKILL, whole group) and reaps without waiting. */
static void
pc_smart_stop(struct pc_smart_disk *d, bool kill_it)
{
	int st;

	if (d->fd >= 0) {
		close(d->fd);
		d->fd = -1;
	}
	if (d->pid > 0) {
		if (kill_it)
			kill(-d->pid, SIGKILL);
		if (waitpid(d->pid, &st, WNOHANG) != 0)
			d->pid = 0;
	}
	free(d->out);
	d->out = NULL;
	d->len = d->cap = 0;
}

void
pc_smart_free(struct pc *pc)
{
	struct pc_smart *s = pc->smart;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ndisks; i++) {
		struct pc_smart_disk *d = &s->disks[i];

		pc_smart_stop(d, true);
		/*
		 * SIGKILL normally ends it at once; a smartctl stuck in the
		 * kernel on a dead disk does not die until the I/O returns,
		 * so wait at most 50 ms and leave a zombie rather than hang
		 * the agent's exit or reload.
		 */
		for (int k = 0; k < 5 && d->pid > 0; k++) {
			usleep(10000);
			pc_smart_stop(d, false);
		}
	}
	free(s->disks);
	free(s);
	pc->smart = NULL;
}

static int
pc_smart_spawn(struct pc *pc, struct pc_smart_disk *d, double now)
{
	char path[48];
	char *argv[] = {pc->smartctl, (char *)"-j",      (char *)"-a",
	                (char *)"-n", (char *)"standby", path,
	                NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int p[2], rc;

	snprintf(path, sizeof(path), "/dev/%s", d->dev);
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	                                 O_RDONLY, 0);
	/* None of the agent's sockets or spool files. */
	posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
	posix_spawnattr_init(&at);
	/*
	 * Its own process group, so a timeout kills the helper's children
	 * too; default signal handling, whatever the agent blocks.
	 */
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	                                  POSIX_SPAWN_SETSIGMASK |
	                                  POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&d->pid, pc->smartctl, &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		d->pid = 0;
		snprintf(d->reason, sizeof(d->reason), "cannot run %s: %s",
		         pc->smartctl, strerror(rc));
		return -1;
	}
	d->fd = p[0];
	d->started = now;
	d->done = false;
	d->len = 0;
	return 0;
}

/* The first message smartctl gave, for the inventory's reason. */
static void
pc_smart_message(cJSON *root, char *out, size_t outsz)
{
	cJSON *msgs, *m, *str;

	msgs = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(root, "smartctl"), "messages");
	cJSON_ArrayForEach(m, msgs)
	{
		str = cJSON_GetObjectItemCaseSensitive(m, "string");
		if (cJSON_IsString(str)) {
			snprintf(out, outsz, "%s", str->valuestring);
			return;
		}
	}
}

static bool
pc_smart_num(cJSON *o, const char *k1, const char *k2, double *out)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k1);

	if (k2 != NULL)
		v = cJSON_GetObjectItemCaseSensitive(v, k2);
	if (!cJSON_IsNumber(v) || v->valuedouble < 0)
		return false;
	*out = v->valuedouble;
	return true;
}

/* ata_smart_attributes.table[id].raw.value */
static bool
pc_smart_attr(cJSON *root, int id, double *out)
{
	cJSON *a, *tab;

	tab = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(root, "ata_smart_attributes"),
	    "table");
	cJSON_ArrayForEach(a, tab)
	{
		cJSON *i = cJSON_GetObjectItemCaseSensitive(a, "id");

		if (cJSON_IsNumber(i) && i->valueint == id)
			return pc_smart_num(
			    cJSON_GetObjectItemCaseSensitive(a, "raw"), "value",
			    NULL, out);
	}
	return false;
}

static void
pc_smart_string(cJSON *root, const char *key, char *out, size_t outsz)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
	char b[128];
	size_t i, o = 0;

	if (!cJSON_IsString(v))
		return;
	for (i = 0; v->valuestring[i] != '\0' && o < sizeof(b) - 1; i++)
		if ((unsigned char)v->valuestring[i] >= 0x20 &&
		    (unsigned char)v->valuestring[i] < 0x7f)
			b[o++] = v->valuestring[i];
	b[o] = '\0';
	snprintf(out, outsz, "%s", b);
}

/* Parses one finished run into the disk's cache. */
static void
pc_smart_parse(struct pc_smart *s, struct pc_smart_disk *d)
{
	cJSON *root, *st, *nv;
	double exitst = 0, v;
	int bits;

	/* Any run may change the inventory (reason, model, serial). */
	s->gen++;
	d->reason[0] = '\0';
	root = cJSON_ParseWithLength(d->out != NULL ? d->out : "", d->len);
	if (root == NULL) {
		snprintf(d->reason, sizeof(d->reason),
		         "smartctl gave no JSON (too old? -j needs 7.0)");
		d->have = 0;
		return;
	}
	pc_smart_num(root, "smartctl", "exit_status", &exitst);
	bits = (int)exitst;
	st = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(root, "smart_status"), "passed");
	if (!cJSON_IsBool(st)) {
		/* Standby (-n standby) or a failure: say why. */
		pc_smart_message(root, d->reason, sizeof(d->reason));
		if (d->reason[0] == '\0')
			snprintf(d->reason, sizeof(d->reason),
			         "smartctl exit status %d", bits);
		if (strstr(d->reason, "STANDBY") == NULL &&
		    strstr(d->reason, "SLEEP") == NULL)
			d->have = 0;
		cJSON_Delete(root);
		return;
	}
	d->have = SM_OK;
	/* Bit 3: "DISK FAILING"; bit 4: prefail attributes at threshold. */
	d->ok = cJSON_IsTrue(st) && !(bits & (1 << 3)) ? 1 : 0;
	if (pc_smart_num(root, "temperature", "current", &d->temp))
		d->have |= SM_TEMP;
	if (pc_smart_num(root, "power_on_time", "hours", &d->hours))
		d->have |= SM_HOURS;
	if (pc_smart_attr(root, 5, &d->realloc))
		d->have |= SM_REALLOC;
	if (pc_smart_attr(root, 197, &d->pending))
		d->have |= SM_PENDING;
	nv = cJSON_GetObjectItemCaseSensitive(
	    root, "nvme_smart_health_information_log");
	if (pc_smart_num(nv, "percentage_used", NULL, &d->wear))
		d->have |= SM_WEAR;
	if (pc_smart_num(nv, "media_errors", NULL, &d->media))
		d->have |= SM_MEDIA;
	if (!(d->have & SM_HOURS) &&
	    pc_smart_num(nv, "power_on_hours", NULL, &v)) {
		d->hours = v;
		d->have |= SM_HOURS;
	}
	pc_smart_string(root, "model_name", d->model, sizeof(d->model));
	pc_smart_string(root, "serial_number", d->serial, sizeof(d->serial));
	cJSON_Delete(root);
}

/* Drains a child's pipe; parses and reaps it at EOF or after a timeout. */
static void
pc_smart_collect(struct pc *pc, struct pc_smart_disk *d, double now)
{
	ssize_t n;

	while (d->fd >= 0) {
		if (d->cap - d->len < 4096) {
			size_t cap = d->cap ? d->cap * 2 : 16384;
			char *p;

			if (cap > PC_SMART_OUTMAX ||
			    (p = realloc(d->out, cap)) == NULL) {
				snprintf(d->reason, sizeof(d->reason),
				         "smartctl output too large");
				d->have = 0;
				pc_smart_stop(d, true);
				return;
			}
			d->out = p;
			d->cap = cap;
		}
		n = read(d->fd, d->out + d->len, d->cap - d->len - 1);
		if (n > 0) {
			d->len += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (now - d->started >= pc->smart_timeout) {
				snprintf(d->reason, sizeof(d->reason),
				         "smartctl timed out after %u s",
				         pc->smart_timeout);
				d->have = 0;
				log_warn("pc: smartctl for %s timed out after "
				         "%u s, killed",
				         d->dev, pc->smart_timeout);
				pc_smart_stop(d, true);
				pc->smart->gen++;
			}
			return;
		}
		/* EOF (or a read error): the output is complete. */
		d->out[d->len] = '\0';
		pc_smart_parse(pc->smart, d);
		pc_smart_stop(d, false);
		d->done = true;
	}
}

int
pc_smart_sample(struct pc *pc, struct wire_metrics *m)
{
	struct pc_smart *s = pc->smart;
	struct pc_smart_disk *d;
	bool busy = false;
	double now;
	size_t i;

	if (pc->smartctl == NULL || s->ndisks == 0)
		return 0;
	now = pc_smart_now();
	for (i = 0; i < s->ndisks; i++) {
		d = &s->disks[i];
		if (d->fd >= 0)
			pc_smart_collect(pc, d, now);
		else if (d->pid > 0)
			pc_smart_stop(d, true); /* reap a late one */
		if (d->fd >= 0 || d->pid > 0)
			busy = true;
	}
	if (!busy && (!s->ran || now >= s->next_run)) {
		s->ran = true;
		s->next_run = now + pc->smart_interval;
		for (i = 0; i < s->ndisks; i++)
			pc_smart_spawn(pc, &s->disks[i], now);
		s->gen++;
	}
	for (i = 0; i < s->ndisks; i++) {
		d = &s->disks[i];
		if (((d->have & SM_OK) &&
		     pc_add3(m, 0, d->ok, "disk.", d->part, ".smart_ok") < 0) ||
		    ((d->have & SM_TEMP) &&
		     pc_add3(m, 0, d->temp, "disk.", d->part, ".temp_celsius") <
		         0) ||
		    ((d->have & SM_HOURS) &&
		     pc_add3(m, 1, d->hours, "disk.", d->part,
		             ".power_on_hours") < 0) ||
		    ((d->have & SM_REALLOC) &&
		     pc_add3(m, 0, d->realloc, "disk.", d->part,
		             ".reallocated_sectors") < 0) ||
		    ((d->have & SM_PENDING) &&
		     pc_add3(m, 0, d->pending, "disk.", d->part,
		             ".pending_sectors") < 0) ||
		    ((d->have & SM_WEAR) &&
		     pc_add3(m, 0, d->wear, "disk.", d->part, ".wear_pct") <
		         0) ||
		    ((d->have & SM_MEDIA) &&
		     pc_add3(m, 1, d->media, "disk.", d->part,
		             ".media_errors") < 0))
			return -1;
	}
	return 0;
}

int
pc_smart_inventory(struct pc *pc, struct cJSON *inv)
{
	struct pc_smart *s = pc->smart;
	const char *reason = NULL;
	bool avail = false;
	char buf[200];
	cJSON *o;
	size_t i;

	if (pc->smartctl == NULL)
		reason = "no smartctl configured";
	else if (s->ndisks == 0)
		reason = "no disks";
	for (i = 0; reason == NULL && i < s->ndisks; i++)
		if (s->disks[i].have & SM_OK)
			avail = true;
	for (i = 0; reason == NULL && i < s->ndisks; i++) {
		struct pc_smart_disk *d = &s->disks[i];

		if (d->reason[0] != '\0') {
			snprintf(buf, sizeof(buf), "%s: %s", d->dev, d->reason);
			reason = buf;
		}
	}
	if (reason == NULL && !avail)
		reason = s->ran ? "smartctl running" : "not run yet";
	if ((o = cJSON_AddObjectToObject(inv, "smart")) == NULL ||
	    cJSON_AddBoolToObject(o, "available", avail) == NULL ||
	    (reason != NULL &&
	     cJSON_AddStringToObject(o, "reason", reason) == NULL))
		return -1;
	return 0;
}

unsigned
pc_smart_generation(struct pc *pc)
{
	return pc->smart != NULL ? pc->smart->gen : 0;
}

static const struct pc_smart_disk *
pc_smart_find(struct pc *pc, const char *dev)
{
	size_t i;

	if (pc->smart == NULL)
		return NULL;
	for (i = 0; i < pc->smart->ndisks; i++)
		if (strcmp(pc->smart->disks[i].dev, dev) == 0)
			return &pc->smart->disks[i];
	return NULL;
}

const char *
pc_smart_model(struct pc *pc, const char *dev)
{
	const struct pc_smart_disk *d = pc_smart_find(pc, dev);

	return d != NULL && d->model[0] != '\0' ? d->model : NULL;
}

const char *
pc_smart_serial(struct pc *pc, const char *dev)
{
	const struct pc_smart_disk *d = pc_smart_find(pc, dev);

	return d != NULL && d->serial[0] != '\0' ? d->serial : NULL;
}
