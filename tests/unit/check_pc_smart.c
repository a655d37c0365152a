/*
 * check_pc_smart.c: SMART in the PC samplers (agent/pc_smart.c) and the
 * pantau-smart-helper.
 *
 * A fake smartctl (a script printing tests/fixtures/pc/smart/<tree>/
 * <disk>.json) stands in for the real one; another never finishes, to
 * show that the round never waits and the whole process group is killed
 * at the timeout.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utmpx.h>

#include <cjson/cJSON.h>

#include "agent/pc.h"
#include "tests/unit/check_pc.h"

struct smart_expect {
	const char *fixture;
	int counter;
	const char *name;
	double value; /* -1: absent */
};

static const struct smart_expect smart_expects[] = {
    {"desktop", 0, "disk.sda.smart_ok", 1},
    {"desktop", 0, "disk.sda.temp_celsius", 34},
    {"desktop", 1, "disk.sda.power_on_hours", 12873},
    {"desktop", 0, "disk.sda.reallocated_sectors", 0},
    {"desktop", 0, "disk.sda.pending_sectors", 0},
    {"desktop", 0, "disk.sda.wear_pct", -1},
    {"desktop", 0, "disk.sdb.smart_ok", 0}, /* FAILED! */
    {"desktop", 0, "disk.sdb.temp_celsius", 41},
    {"desktop", 1, "disk.sdb.power_on_hours", 41022},
    {"desktop", 0, "disk.sdb.reallocated_sectors", 1832},
    {"desktop", 0, "disk.sdb.pending_sectors", 24},
    {"desktop", 0, "disk.sr0.smart_ok", -1},
    {"laptop", 0, "disk.nvme0n1.smart_ok", 1},
    {"laptop", 0, "disk.nvme0n1.temp_celsius", 36},
    {"laptop", 1, "disk.nvme0n1.power_on_hours", 3154},
    {"laptop", 0, "disk.nvme0n1.wear_pct", 3},
    {"laptop", 1, "disk.nvme0n1.media_errors", 0},
    {"laptop", 0, "disk.nvme0n1.reallocated_sectors", -1},
    {"laptop", 0, "disk.sda.smart_ok", -1}, /* USB stick */
};

START_TEST(test_smart)
{
	const char *fx = fixtures[_i]; /* desktop, laptop */
	struct pc *pc = new_pc(fixture(fx), fake_smartctl(fx, NULL), 10);
	const struct wire_sample *s;
	struct wire_metrics m;
	unsigned bad = 0, rows = 0;
	size_t k;

	/* Every disk's child runs at once; wait until the last is in. */
	ck_assert(rounds_until(pc,
	                       strcmp(fx, "desktop") == 0
	                           ? "disk.sdb.smart_ok"
	                           : "disk.nvme0n1.smart_ok",
	                       5, &m));
	if (strcmp(fx, "desktop") == 0 &&
	    wire_metrics_find(&m, 0, "disk.sda.smart_ok") == NULL) {
		wire_metrics_clear(&m);
		ck_assert(rounds_until(pc, "disk.sda.smart_ok", 5, &m));
	}
	for (k = 0; k < sizeof(smart_expects) / sizeof(smart_expects[0]); k++) {
		const struct smart_expect *e = &smart_expects[k];

		if (strcmp(e->fixture, fx) != 0)
			continue;
		/* The fixtures' utmp files have glibc's x86-64 layout. */
		if (sizeof(struct utmpx) != 384 &&
		    (strncmp(e->name, "users.", 6) == 0 ||
		     strncmp(e->name, "usage.", 6) == 0))
			continue;
		rows++;
		s = wire_metrics_find(&m, e->counter, e->name);
		if ((e->value < 0) != (s == NULL) ||
		    (s != NULL && s->value != e->value)) {
			fprintf(stderr, "%s: %s = %s%g, expected %g\n", fx,
			        e->name, s ? "" : "(absent) ", s ? s->value : 0,
			        e->value);
			bad++;
		}
	}
	wire_metrics_clear(&m);
	pc_free(pc);
	ck_assert_msg(bad == 0, "%s: %u of %u rows wrong", fx, bad, rows);
}

/* SMART model and serial reach the inventory; a failed run says why. */
START_TEST(test_smart_inventory)
{
	struct pc *pc =
	    new_pc(fixture("desktop"), fake_smartctl("desktop", NULL), 10);
	struct wire_metrics m;
	cJSON *j;

	ck_assert(rounds_until(pc, "disk.sdb.smart_ok", 5, &m));
	wire_metrics_clear(&m);
	if (!rounds_until(pc, "disk.sda.smart_ok", 5, &m))
		ck_abort_msg("sda never arrived");
	wire_metrics_clear(&m);
	j = inventory(pc);
	ck_assert_str_eq(jstr(j, "disks.0.name"), "sda");
	ck_assert_str_eq(jstr(j, "disks.0.model"), "ST500DM002-1BD142");
	ck_assert_str_eq(jstr(j, "disks.0.serial"), "Z3TAB1CD");
	ck_assert_str_eq(jstr(j, "disks.1.model"), "WDC WD10EZEX-08WN4A0");
	/* A failing disk is SMART working: smart_ok 0, no reason. */
	ck_assert_str_eq(jstr(j, "smart.available"), "true");
	ck_assert_ptr_null(jstr(j, "smart.reason"));
	cJSON_Delete(j);
	pc_free(pc);

	pc = new_pc(fixture("vm"), fake_smartctl("vm", NULL), 10);
	rounds_until(pc, NULL, 0.5, &m);
	wire_metrics_clear(&m);
	ck_assert_ptr_null(wire_metrics_find(&m, 0, "disk.vda.smart_ok"));
	j = inventory(pc);
	ck_assert_str_eq(jstr(j, "smart.available"), "false");
	ck_assert_str_eq(jstr(j, "smart.reason"),
	                 "vda: /dev/vda: Unable to detect device type");
	cJSON_Delete(j);
	pc_free(pc);

	pc = new_pc(fixture("vm"), "/nonexistent/smartctl", 10);
	rounds_until(pc, NULL, 0.1, &m);
	wire_metrics_clear(&m);
	j = inventory(pc);
	ck_assert_str_eq(jstr(j, "smart.reason"),
	                 "vda: cannot run "
	                 "/nonexistent/smartctl: No such file or directory");
	cJSON_Delete(j);
	pc_free(pc);
}

/*
 * A smartctl that never ends (a shell that waits on a sleep child) is
 * killed with its whole process group after smart_timeout, while every
 * round stays quick.
 */
START_TEST(test_smart_hang)
{
	char body[4096], pidfile[1100], kidfile[1100];
	struct wire_metrics m;
	struct pc *pc;
	FILE *f;
	long sh = 0, kid = 0;
	double t0;
	cJSON *j;

	snprintf(pidfile, sizeof(pidfile), "%s/hang.pid", tmpbase);
	snprintf(kidfile, sizeof(kidfile), "%s/hang.kid", tmpbase);
	snprintf(body, sizeof(body),
	         "echo $$ > '%s'\nsleep 1000 &\n"
	         "echo $! > '%s'\nwait",
	         pidfile, kidfile);
	pc = new_pc(fixture("vm"), fake_smartctl(NULL, body), 1);
	t0 = now_s();
	ck_assert(!rounds_until(pc, "disk.vda.smart_ok", 1.6, &m));
	wire_metrics_clear(&m);
	ck_assert(now_s() - t0 < 2.5);

	ck_assert_ptr_nonnull(f = fopen(pidfile, "r"));
	ck_assert_int_eq(fscanf(f, "%ld", &sh), 1);
	fclose(f);
	ck_assert_ptr_nonnull(f = fopen(kidfile, "r"));
	ck_assert_int_eq(fscanf(f, "%ld", &kid), 1);
	fclose(f);
	j = inventory(pc);
	ck_assert_str_eq(jstr(j, "smart.available"), "false");
	ck_assert_str_eq(jstr(j, "smart.reason"),
	                 "vda: smartctl timed out after 1 s");
	cJSON_Delete(j);
	pc_free(pc);
	/*
	 * The grandchild was in the group: dead (a zombie, if this
	 * container's init does not reap orphans).
	 */
	for (int i = 0; i < 100 && alive((pid_t)kid); i++)
		usleep(10000);
	ck_assert(!alive((pid_t)kid));
	ck_assert(!alive((pid_t)sh));
}

/*
 * Later runs: a disk in standby keeps its last values; a run that fails
 * (no permission) clears them and the inventory says why.
 */
START_TEST(test_smart_later_runs)
{
	char body[4096], count[1100];
	struct pc_options o = {0};
	struct wire_metrics m;
	struct pc *pc;
	cJSON *j;

	snprintf(count, sizeof(count), "%s/runs.%ld", tmpbase, (long)getpid());
	snprintf(body, sizeof(body),
	         "n=$(cat '%s' 2>/dev/null || echo 0); echo $((n + 1)) > '%s'\n"
	         "case $n in\n"
	         "0) exec cat '%s/smart/laptop/nvme0n1.json' ;;\n"
	         "1) echo '{\"smartctl\":{\"exit_status\":2,\"messages\":"
	         "[{\"string\":\"Device is in STANDBY mode, exit(2)\","
	         "\"severity\":\"information\"}]}}'; exit 2 ;;\n"
	         "*) echo '{\"smartctl\":{\"exit_status\":2,\"messages\":"
	         "[{\"string\":\"Smartctl open device: /dev/nvme0n1 failed: "
	         "Permission denied\",\"severity\":\"error\"}]}}'; exit 2 ;;\n"
	         "esac",
	         count, count, fixdir);
	o.root = fixture("laptop");
	o.smartctl = fake_smartctl(NULL, body);
	o.smart_interval = 1;
	o.smart_timeout = 10;
	ck_assert_ptr_nonnull(pc = pc_new(&o));

	ck_assert(rounds_until(pc, "disk.nvme0n1.smart_ok", 5, &m));
	wire_metrics_clear(&m);
	/* Second run (after 1 s): standby, the values stay. */
	usleep(1100000);
	rounds_until(pc, NULL, 0.3, &m);
	ck_assert_double_eq(
	    wire_metrics_find(&m, 1, "disk.nvme0n1.power_on_hours")->value,
	    3154);
	wire_metrics_clear(&m);
	j = inventory(pc);
	ck_assert_str_eq(jstr(j, "smart.available"), "true");
	ck_assert_str_eq(jstr(j, "smart.reason"),
	                 "nvme0n1: Device is in STANDBY mode, exit(2)");
	cJSON_Delete(j);
	/* Third run: refused; the values go, the reason comes. */
	usleep(1100000);
	rounds_until(pc, NULL, 0.3, &m);
	ck_assert_ptr_null(wire_metrics_find(&m, 0, "disk.nvme0n1.smart_ok"));
	ck_assert_ptr_null(
	    wire_metrics_find(&m, 1, "disk.nvme0n1.power_on_hours"));
	wire_metrics_clear(&m);
	j = inventory(pc);
	ck_assert_str_eq(jstr(j, "smart.available"), "false");
	ck_assert_str_eq(jstr(j, "smart.reason"),
	                 "nvme0n1: Smartctl open device: /dev/nvme0n1 failed: "
	                 "Permission denied");
	cJSON_Delete(j);
	pc_free(pc);
}

/*
 * pantau-smart-helper refuses every other command line before it would
 * reach sudo or smartctl, and says so as smartctl-style JSON.
 */
START_TEST(test_smart_helper)
{
	static const char *const bad[] = {
	    "-j -a -n standby /dev/../etc/shadow",
	    "-j -a -n standby /dev/sda1",
	    "-j -a -n standby /etc/passwd",
	    "-j -a -n standby '/dev/sda;id'",
	    "-j -t long -n /dev/sda",
	    "-j -a /dev/sda",
	    "-j -a -n standby /dev/sda extra",
	    "-s off -a -n standby /dev/sda",
	};
	char cmd[2048], out[512];
	const char *top = getenv("top_srcdir");
	size_t i, n;
	FILE *p;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cmd, sizeof(cmd),
		         "sh '%s/agent/pantau-smart-helper' "
		         "%s",
		         top != NULL ? top : ".", bad[i]);
		ck_assert_ptr_nonnull(p = popen(cmd, "r"));
		n = fread(out, 1, sizeof(out) - 1, p);
		out[n] = '\0';
		ck_assert_msg(WEXITSTATUS(pclose(p)) == 2, "%s", bad[i]);
		ck_assert_msg(strstr(out, "\"exit_status\":2") != NULL &&
		                  strstr(out, "pantau-smart-helper: ") != NULL,
		              "%s: %s", bad[i], out);
	}
}

static Suite *
pc_smart_suite(void)
{
	Suite *s = suite_create("pc_smart");
	TCase *tc = tcase_create("smart");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_smart, 0, 2);
	tcase_add_test(tc, test_smart_inventory);
	tcase_add_test(tc, test_smart_hang);
	tcase_add_test(tc, test_smart_helper);
	tcase_add_test(tc, test_smart_later_runs);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_pc_main(pc_smart_suite());
}
