/*
 * check_pc.h: helpers shared by the PC sampler tests (check_pc.c,
 * check_pc_smart.c, check_pc_inventory.c), in check_pc_fixture.c.
 *
 * Fixture trees live in $top_srcdir/tests/fixtures/pc (read-only under
 * make distcheck); everything written goes under tmpbase, a temp dir made
 * by check_pc_main() and removed at its end.  Check forks each test, so the
 * helpers name what they write with the pid.
 */
#ifndef PANTAU_TESTS_CHECK_PC_H
#define PANTAU_TESTS_CHECK_PC_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "agent/pc.h"

#define TS0 1764345600LL /* a round's time, aligned to 60 s */
#define NFIXTURES 3

extern char fixdir[1024];
extern char tmpbase[1024];
extern const char *const fixtures[NFIXTURES]; /* desktop, laptop, vm */

/* system(3) of a formatted command; the test fails if it does. */
void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fixture 'name' itself, for tests that only read (static buffer). */
const char *fixture(const char *name);
/* A writable copy of fixture 'name' (static buffer). */
const char *copy_fixture(const char *name);
/* Symlinks to the fixture with a writable copy of proc/stat only. */
const char *link_fixture(const char *name);
/* Overwrites 'dst' with 'src' in place (same inode). */
void overwrite(const char *dst, const char *src);

struct pc *new_pc(const char *root, const char *smartctl, unsigned timeout);
/* One round at 'ts' into a fresh 'm'; the test fails on -1. */
void sample(struct pc *pc, int64_t ts, struct wire_metrics *m);
/* Round 2 of 'name': TS0 and TS0 + 60 with <name>-round2/proc/stat. */
void two_rounds(const char *name, struct wire_metrics *m);

/* A script printing smart/<fixture>/<disk>.json, or running 'body'. */
const char *fake_smartctl(const char *fixture, const char *body);
/* True when 'pid' exists and is not a zombie. */
bool alive(pid_t pid);
double now_s(void);
/* Rounds every 20 ms until metric 'name' appears or 'secs' pass. */
bool rounds_until(struct pc *pc, const char *name, double secs,
                  struct wire_metrics *m);

/* pc_inventory(pc, TS0) parsed; "a.0.b" paths into it as text or NULL. */
cJSON *inventory(struct pc *pc);
const char *jstr(cJSON *j, const char *path);

/* Sets up the paths, runs 's', cleans up; returns main()'s status. */
int check_pc_main(Suite *s);

#endif
