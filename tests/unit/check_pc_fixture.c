/*
 * check_pc_fixture.c: what the PC sampler tests share (check_pc.h): the
 * fixture trees and their temp copies, rounds, a fake smartctl, and a
 * main() body.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "agent/pc.h"
#include "common/log.h"
#include "tests/unit/check_pc.h"

char fixdir[1024];  /* $top_srcdir/tests/fixtures/pc */
char tmpbase[1024]; /* this run's temp dir */
const char *const fixtures[NFIXTURES] = {"desktop", "laptop", "vm"};

void
run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

/* The fixture tree itself, for tests that only read. */
const char *
fixture(const char *name)
{
	static char path[2048];

	snprintf(path, sizeof(path), "%s/%s", fixdir, name);
	return path;
}

/* A writable copy of fixture 'name'; returns its path (static buffer). */
const char *
copy_fixture(const char *name)
{
	static char dst[2048];
	static unsigned n;

	/* Check forks each test: the pid keeps the copies apart. */
	snprintf(dst, sizeof(dst), "%s/%s.%ld.%u", tmpbase, name,
	         (long)getpid(), n++);
	run("cp -R '%s/%s' '%s' && chmod -R u+w '%s'", fixdir, name, dst, dst);
	return dst;
}

/*
 * A cheap stand-in for copy_fixture() when only proc/stat changes: every
 * top-level entry and every proc/ entry but stat is a symlink into the
 * fixture; proc/stat is a copy.  Returns its path (static buffer).
 */
const char *
link_fixture(const char *name)
{
	static char dst[2048];
	static unsigned n;
	char src[2048], a[3072], b[3072];
	struct dirent *de;
	DIR *d;

	snprintf(dst, sizeof(dst), "%s/%s.l%ld.%u", tmpbase, name,
	         (long)getpid(), n++);
	snprintf(src, sizeof(src), "%s/%s", fixdir, name);
	ck_assert_int_eq(mkdir(dst, 0755), 0);
	ck_assert_ptr_nonnull(d = opendir(src));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "proc") == 0)
			continue;
		snprintf(a, sizeof(a), "%s/%s", src, de->d_name);
		snprintf(b, sizeof(b), "%s/%s", dst, de->d_name);
		ck_assert_int_eq(symlink(a, b), 0);
	}
	closedir(d);
	snprintf(b, sizeof(b), "%s/proc", dst);
	ck_assert_int_eq(mkdir(b, 0755), 0);
	snprintf(a, sizeof(a), "%s/proc", src);
	ck_assert_ptr_nonnull(d = opendir(a));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(a, sizeof(a), "%s/proc/%s", src, de->d_name);
		snprintf(b, sizeof(b), "%s/proc/%s", dst, de->d_name);
		if (strcmp(de->d_name, "stat") == 0)
			run("cp '%s' '%s' && chmod u+w '%s'", a, b, b);
		else
			ck_assert_int_eq(symlink(a, b), 0);
	}
	closedir(d);
	return dst;
}

/* Overwrites 'dst' in place (same inode: the sampler keeps it open). */
void
overwrite(const char *dst, const char *src)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	in = open(src, O_RDONLY);
	ck_assert_int_ge(in, 0);
	out = open(dst, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(out, 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

struct pc *
new_pc(const char *root, const char *smartctl, unsigned timeout)
{
	struct pc_options o = {
	    .root = root,
	    .smartctl = smartctl,
	    .smart_interval = 3600,
	    .smart_timeout = timeout,
	};
	struct pc *pc = pc_new(&o);

	ck_assert_ptr_nonnull(pc);
	return pc;
}

void
sample(struct pc *pc, int64_t ts, struct wire_metrics *m)
{
	memset(m, 0, sizeof(*m));
	m->ts = ts;
	m->type = DEV_PC;
	m->interval = 60;
	ck_assert_int_eq(pc_sample(pc, ts, m), 0);
}

/* Round 2 of fixture 'name' (round 1 at TS0, round 2 at TS0 + 60). */
void
two_rounds(const char *name, struct wire_metrics *m)
{
	char src[2048], dst[2100];
	const char *root = link_fixture(name);
	struct pc *pc = new_pc(root, NULL, 0);

	sample(pc, TS0, m);
	ck_assert_ptr_null(wire_metrics_find(m, 0, "cpu.util"));
	wire_metrics_clear(m);
	snprintf(src, sizeof(src), "%s/%s-round2/proc/stat", fixdir, name);
	snprintf(dst, sizeof(dst), "%s/proc/stat", root);
	overwrite(dst, src);
	sample(pc, TS0 + 60, m);
	pc_free(pc);
}

/* A fake smartctl printing the fixture JSON for the disk it is given. */
const char *
fake_smartctl(const char *fixture, const char *body)
{
	static char path[2048];
	static unsigned n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/smartctl.%ld.%u", tmpbase,
	         (long)getpid(), n++);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	if (body != NULL)
		fprintf(f, "#!/bin/sh\n%s\n", body);
	else
		fprintf(f,
		        "#!/bin/sh\nfor a; do d=$a; done\n"
		        "exec cat '%s/smart/%s/'\"${d#/dev/}\".json\n",
		        fixdir, fixture);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0755), 0);
	return path;
}

/* True when 'pid' exists and is not a zombie. */
bool
alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return false;
	return p[2] != 'Z' && p[2] != 'X';
}

double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * Rounds every 20 ms until 'name' appears (SMART arrives a round after
 * its run started) or 'secs' pass; each round must be quick.  Leaves the
 * last round in 'm'.
 */
bool
rounds_until(struct pc *pc, const char *name, double secs,
             struct wire_metrics *m)
{
	double start = now_s(), t;
	int64_t ts = TS0;

	for (;;) {
		t = now_s();
		sample(pc, ts, m);
		ck_assert_msg(now_s() - t < 0.25, "a round took %.3f s",
		              now_s() - t);
		if (name != NULL && (wire_metrics_find(m, 0, name) != NULL ||
		                     wire_metrics_find(m, 1, name) != NULL))
			return true;
		if (now_s() - start > secs)
			return false;
		wire_metrics_clear(m);
		ts += 60;
		usleep(20000);
	}
}

cJSON *
inventory(struct pc *pc)
{
	char *text = pc_inventory(pc, TS0);
	cJSON *j;

	ck_assert_ptr_nonnull(text);
	j = cJSON_Parse(text);
	ck_assert_ptr_nonnull(j);
	free(text);
	return j;
}

const char *
jstr(cJSON *j, const char *path)
{
	char buf[256], *save, *k;
	cJSON *o = j;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k != NULL;
	     k = strtok_r(NULL, ".", &save)) {
		if (cJSON_IsArray(o))
			o = cJSON_GetArrayItem(o, atoi(k));
		else
			o = cJSON_GetObjectItemCaseSensitive(o, k);
	}
	if (cJSON_IsString(o))
		return o->valuestring;
	if (cJSON_IsNumber(o)) {
		static char num[64];

		snprintf(num, sizeof(num), "%.17g", o->valuedouble);
		return num;
	}
	if (cJSON_IsBool(o))
		return cJSON_IsTrue(o) ? "true" : "false";
	return NULL;
}

int
check_pc_main(Suite *s)
{
	const char *top = getenv("top_srcdir");
	const char *tmp = getenv("TMPDIR");
	char cmd[1100];
	SRunner *sr;
	int failed;

	snprintf(fixdir, sizeof(fixdir), "%s/tests/fixtures/pc",
	         top != NULL ? top : ".");
	snprintf(tmpbase, sizeof(tmpbase), "%s/check_pc.XXXXXX",
	         tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(tmpbase) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	log_init("check_pc", 1, LOG_LVL_WARN);
	log_set_repeat_window(0);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpbase);
	if (system(cmd) != 0)
		fprintf(stderr, "check_pc: could not remove %s\n", tmpbase);
	return failed == 0 ? 0 : 1;
}
