/*
 * pc.c: the PC sampler's state and the helpers every sampler shares.
 *
 * pc_new() opens the root directory once; every file is then opened with
 * openat() relative to it, so the same code reads the live system ("/") or
 * a fixture tree.  pc_sample() runs the samplers in a fixed order; each one
 * appends what its source has and skips what it does not (absent, never 0).
 * A source that fails is logged when it starts failing and when it comes
 * back, not every round.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/pc_priv.h"
#include "common/log.h"

/* Paths of the files read every round, relative to the root. */
static const char *const pc_src_paths[PC_NSRC] = {
    [PC_SRC_STAT] = "proc/stat",           [PC_SRC_LOADAVG] = "proc/loadavg",
    [PC_SRC_UPTIME] = "proc/uptime",       [PC_SRC_MEMINFO] = "proc/meminfo",
    [PC_SRC_MOUNTS] = "proc/self/mounts",  [PC_SRC_NETDEV] = "proc/net/dev",
    [PC_SRC_DISKSTATS] = "proc/diskstats", [PC_SRC_UTMP] = "var/run/utmp",
};

#define PC_BUF_INITIAL 4096

struct pc *
pc_new(const struct pc_options *opt)
{
	struct pc *pc;
	const char *root = opt->root != NULL ? opt->root : "/";
	size_t i;

	if ((pc = calloc(1, sizeof(*pc))) == NULL)
		return NULL;
	pc->rootfd = -1;
	for (i = 0; i < PC_NSRC; i++) {
		pc->src[i].fd = -1;
		pc->src[i].path = pc_src_paths[i];
	}
	if ((pc->root = strdup(root)) == NULL)
		goto fail;
	if (opt->smartctl != NULL && *opt->smartctl != '\0' &&
	    (pc->smartctl = strdup(opt->smartctl)) == NULL)
		goto fail;
	pc->smart_interval = opt->smart_interval ? opt->smart_interval : 3600;
	pc->smart_timeout = opt->smart_timeout ? opt->smart_timeout : 30;
	if ((pc->buf = malloc(PC_BUF_INITIAL)) == NULL)
		goto fail;
	pc->bufcap = PC_BUF_INITIAL;

	/*
	 * A root that cannot be opened is not fatal: every source is then
	 * absent, which the caller sees as an empty round.
	 */
	pc->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pc->rootfd < 0)
		log_warn("pc: cannot open root %s: %s", root, strerror(errno));
	pc->fake_statvfs = pc_exists(pc, ".pantau-statvfs");

	if (pc_sensors_init(pc) < 0 || pc_battery_init(pc) < 0 ||
	    pc_smart_init(pc) < 0)
		goto fail;
	return pc;
fail:
	pc_free(pc);
	errno = ENOMEM;
	return NULL;
}

void
pc_free(struct pc *pc)
{
	size_t i;

	if (pc == NULL)
		return;
	pc_inventory_free(pc);
	pc_smart_free(pc);
	pc_battery_free(pc);
	pc_sensors_free(pc);
	for (i = 0; i < PC_NSRC; i++)
		if (pc->src[i].fd >= 0)
			close(pc->src[i].fd);
	for (i = 0; i < pc->nlabels; i++)
		free(pc->labels[i].label);
	free(pc->labels);
	free(pc->nets.v);
	free(pc->disks.v);
	if (pc->rootfd >= 0)
		close(pc->rootfd);
	free(pc->buf);
	free(pc->smartctl);
	free(pc->root);
	free(pc);
}

int
pc_sample(struct pc *pc, int64_t ts, struct wire_metrics *m)
{
	if (pc_cpu_sample(pc, m) < 0 || pc_load_sample(pc, m) < 0 ||
	    pc_uptime_sample(pc, m) < 0 || pc_mem_sample(pc, m) < 0 ||
	    pc_fs_sample(pc, m) < 0 || pc_net_sample(pc, m) < 0 ||
	    pc_disk_sample(pc, m) < 0 || pc_sensors_sample(pc, m) < 0 ||
	    pc_smart_sample(pc, m) < 0 || pc_battery_sample(pc, m) < 0 ||
	    pc_users_sample(pc, ts, m) < 0)
		return -1;
	return 0;
}

int
pc_open(struct pc *pc, const char *rel, int flags)
{
	if (pc->rootfd < 0) {
		errno = ENOENT;
		return -1;
	}
	while (*rel == '/')
		rel++;
	return openat(pc->rootfd, rel, flags | O_CLOEXEC);
}

bool
pc_exists(struct pc *pc, const char *rel)
{
	if (pc->rootfd < 0)
		return false;
	while (*rel == '/')
		rel++;
	return faccessat(pc->rootfd, rel, F_OK, 0) == 0;
}

ssize_t
pc_fd_read(struct pc *pc, int fd, size_t max)
{
	size_t len = 0;
	ssize_t n;

	/*
	 * Read from offset 0 until the end, growing the scratch buffer when
	 * a file does not fit; it then stays at that size, so a steady round
	 * allocates nothing.
	 */
	for (;;) {
		size_t want = pc->bufcap - 1 - len;

		if (max != 0 && len + want > max)
			want = max - len;
		if (want == 0) {
			char *p;

			if (max != 0 && len >= max)
				break;
			if ((p = realloc(pc->buf, pc->bufcap * 2)) == NULL)
				return -1;
			pc->buf = p;
			pc->bufcap *= 2;
			continue;
		}
		n = pread(fd, pc->buf + len, want, (off_t)len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	pc->buf[len] = '\0';
	return (ssize_t)len;
}

ssize_t
pc_src_read(struct pc *pc, enum pc_source s, size_t max)
{
	struct pc_src *src = &pc->src[s];
	ssize_t n;

	if (src->fd < 0) {
		src->fd = pc_open(pc, src->path, O_RDONLY);
		if (src->fd < 0) {
			/* Absent is normal (no swap, no utmp); say nothing. */
			if (errno != ENOENT && errno != ENOTDIR)
				pc_src_state(pc, s, false, strerror(errno));
			return -1;
		}
	}
	if ((n = pc_fd_read(pc, src->fd, max)) < 0) {
		pc_src_state(pc, s, false, strerror(errno));
		close(src->fd);
		src->fd = -1;
		return -1;
	}
	pc_src_state(pc, s, true, NULL);
	return n;
}

void
pc_src_state(struct pc *pc, enum pc_source s, bool ok, const char *what)
{
	struct pc_src *src = &pc->src[s];

	if (ok && src->failed)
		log_info("pc: %s readable again", src->path);
	else if (!ok && !src->failed)
		log_warn("pc: cannot read %s: %s", src->path, what);
	src->failed = !ok;
}

ssize_t
pc_read_small(struct pc *pc, const char *rel, char *out, size_t outsz)
{
	int fd;
	ssize_t n;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if ((fd = pc_open(pc, rel, O_RDONLY)) < 0)
		return -1;
	do
		n = read(fd, out, outsz - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' ' ||
	                 out[n - 1] == '\t' || out[n - 1] == '\r'))
		n--;
	out[n] = '\0';
	return n;
}

int
pc_read_int(struct pc *pc, const char *rel, long long *out)
{
	char b[32], *end;
	long long v;

	if (pc_read_small(pc, rel, b, sizeof(b)) <= 0)
		return -1;
	errno = 0;
	v = strtoll(b, &end, 10);
	if (errno != 0 || end == b)
		return -1;
	*out = v;
	return 0;
}

int
pc_add(struct wire_metrics *m, int counter, const char *name, double value)
{
	if (wire_metrics_add(m, counter, name, value) == 0)
		return 0;
	if (errno == ENOMEM || errno == E2BIG)
		return -1;
	/* EINVAL or EEXIST: a sampler's bug or an odd label; keep going. */
	log_debug("pc: metric %s refused: %s", name, strerror(errno));
	return 0;
}

int
pc_add3(struct wire_metrics *m, int counter, double value, const char *a,
        const char *b, const char *c)
{
	char name[NAME_METRIC_MAX + 1];
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);

	if (la + lb + lc > NAME_METRIC_MAX)
		return 0; /* too long: never a valid name */
	memcpy(name, a, la);
	memcpy(name + la, b, lb);
	memcpy(name + la + lb, c, lc + 1);
	return pc_add(m, counter, name, value);
}

size_t
pc_scan_u64(const char **pp, uint64_t *v, size_t n)
{
	const char *p = *pp;
	size_t k;

	for (k = 0; k < n; k++) {
		uint64_t x = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			break;
		/* Wraps rather than overflows; kernel counters fit anyway. */
		while (*p >= '0' && *p <= '9')
			x = x * 10 + (uint64_t)(*p++ - '0');
		v[k] = x;
	}
	*pp = p;
	return k;
}

/*
 * round(v * 100) / 100 without libm: round() was the agent's only libm
 * symbol, and loading libm costs a PC-only agent 0.1-0.3 MiB of RSS
 * (docs/bench.md).  Halves go away from zero, as with round(); values
 * too large for int64_t are integers already.
 */
double
pc_round2(double v)
{
	double x = v * 100.0, t;

	if (!(x > -9e15 && x < 9e15)) /* NaN and infinities too */
		return x / 100.0;
	t = (double)(int64_t)x;
	if (x - t >= 0.5)
		t += 1.0;
	else if (t - x >= 0.5)
		t -= 1.0;
	return t / 100.0;
}

static struct pc_label *
pc_label_find(struct pc *pc, const char *prefix)
{
	size_t i;

	for (i = 0; i < pc->nlabels; i++)
		if (strcmp(pc->labels[i].prefix, prefix) == 0)
			return &pc->labels[i];
	return NULL;
}

int
pc_label_part(struct pc *pc, const char *kind, const char *label, bool mount,
              char *out)
{
	char base[NAME_PART_MAX + 1], prefix[NAME_METRIC_MAX + 1];
	struct pc_label *l;
	unsigned k;
	int n;

	n = mount ? name_mount_part(label, base, sizeof(base))
	          : name_sanitize(label, base, sizeof(base));
	if (n < 0)
		return -1;
	for (k = 1; k < 100; k++) {
		if (k == 1)
			snprintf(out, NAME_PART_MAX + 1, "%s", base);
		else
			snprintf(out, NAME_PART_MAX + 1, "%.*s_%u",
			         NAME_PART_MAX - 4, base, k);
		snprintf(prefix, sizeof(prefix), "%s.%s", kind, out);
		if ((l = pc_label_find(pc, prefix)) == NULL)
			break;
		if (strcmp(l->label, label) == 0)
			return 0;
	}
	if (k == 100)
		return -1;
	if (pc->nlabels == pc->caplabels) {
		size_t cap = pc->caplabels ? pc->caplabels * 2 : 16;
		struct pc_label *v = realloc(pc->labels, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		pc->labels = v;
		pc->caplabels = cap;
	}
	l = &pc->labels[pc->nlabels];
	if ((l->label = strdup(label)) == NULL)
		return -1;
	snprintf(l->prefix, sizeof(l->prefix), "%s", prefix);
	pc->nlabels++;
	return 0;
}

struct pc_inst *
pc_inst_get(struct pc_insts *set, const char *name, bool *isnew)
{
	struct pc_inst *in;
	size_t i;

	*isnew = false;
	for (i = 0; i < set->n; i++)
		if (strcmp(set->v[i].name, name) == 0)
			return &set->v[i];
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 8;
		struct pc_inst *v = realloc(set->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		set->v = v;
		set->cap = cap;
	}
	in = &set->v[set->n++];
	memset(in, 0, sizeof(*in));
	snprintf(in->name, sizeof(in->name), "%s", name);
	*isnew = true;
	return in;
}

static int
pc_list_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
pc_list_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The names in directory 'rel', sorted; the caller frees each and *out. */
size_t
pc_list_dir(struct pc *pc, const char *rel, char ***out)
{
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	*out = NULL;
	if ((fd = pc_open(pc, rel, O_RDONLY | O_DIRECTORY)) < 0)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		if ((v[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), pc_list_cmp);
	*out = v;
	return n;
}
