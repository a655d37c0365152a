/*
 * check_notify_config.c: the [notify NAME] sections
 * (collector/notify_config.c) through config_load(), as pantau-collector
 * -n sees them: good sections give exact values, each bad one exactly the
 * expected "FILE:LINE: message"; and the comparison SIGHUP relies on.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/collector.h"

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static struct collector_conf *
load(const char *text, struct conf_err *errs)
{
	write_file("n.conf", text);
	return config_load("n.conf", errs);
}

START_TEST(test_defaults)
{
	struct conf_err errs = {0};
	struct collector_conf *cf;
	const struct notify_target *t;

	cf = load("[notify ops]\n"
	          "type = webhook\n"
	          "url = http://127.0.0.1:9/hook\n",
	          &errs);
	ck_assert_msg(cf != NULL, "%s", conf_err_get(&errs, 0));
	ck_assert_uint_eq(cf->notify.ntargets, 1);
	t = &cf->notify.targets[0];
	ck_assert_str_eq(t->name, "ops");
	ck_assert_int_eq(t->type, NOTIFY_WEBHOOK);
	ck_assert_int_eq(t->min_severity, NOTIFY_INFO);
	ck_assert(!t->english);
	ck_assert_uint_eq(t->nsites, 0);
	ck_assert_uint_eq(t->nevents, 0);
	ck_assert_uint_eq(t->rate_limit, 20);
	ck_assert_uint_eq(t->rate_period, 60);
	ck_assert_uint_eq(t->timeout, 15);
	ck_assert_uint_eq(t->backoff_min, 10);
	ck_assert_uint_eq(t->backoff_max, 600);
	ck_assert_uint_eq(t->retry_for, 3 * 86400);
	ck_assert_uint_eq(t->queue_max, 1000);
	ck_assert_str_eq(t->url, "http://127.0.0.1:9/hook");
	config_free(cf);

	/* no [notify]: no targets */
	cf = load("", &errs);
	ck_assert_ptr_nonnull(cf);
	ck_assert_uint_eq(cf->notify.ntargets, 0);
	config_free(cf);
}
END_TEST

START_TEST(test_values)
{
	struct conf_err errs = {0};
	struct collector_conf *cf;
	const struct notify_target *t;

	write_file("n.pass", "rahasia\n");
	cf = load("[notify mail]\n"
	          "type = email\n"
	          "url = smtps://mail.example.id:465\n"
	          "from = pantau@dinas.example.id\n"
	          "to = teknisi@dinas.example.id, kepala@dinas.example.id\n"
	          "username = pantau\n"
	          "password_file = n.pass\n"
	          "starttls = required\n"
	          "min_severity = warning\n"
	          "language = en\n"
	          "sites = asriloka, sumberjo\n"
	          "events = alert.* site.down\n"
	          "rate_limit = 5\n"
	          "rate_period = 10m\n"
	          "timeout = 30s\n"
	          "backoff_min = 5\n"
	          "backoff_max = 1h\n"
	          "retry_for = 1d\n"
	          "queue_max = 50\n"
	          "[notify log]\n"
	          "type = exec\n"
	          "command = /usr/local/bin/pantau-notify --quiet\n"
	          "[notify chat]\n"
	          "type = webhook\n"
	          "url = https://chat.example.id/hook\n"
	          "token_file = n.pass\n"
	          "header = X-Room: teknisi\n",
	          &errs);
	ck_assert_msg(cf != NULL, "%s", conf_err_get(&errs, 0));
	ck_assert_uint_eq(cf->notify.ntargets, 3);
	t = &cf->notify.targets[0];
	ck_assert_int_eq(t->type, NOTIFY_EMAIL);
	ck_assert_str_eq(t->url, "smtps://mail.example.id:465");
	ck_assert_str_eq(t->from, "pantau@dinas.example.id");
	ck_assert_uint_eq(t->nto, 2);
	ck_assert_str_eq(t->to[0], "teknisi@dinas.example.id");
	ck_assert_str_eq(t->to[1], "kepala@dinas.example.id");
	ck_assert_str_eq(t->username, "pantau");
	ck_assert_str_eq(t->password_file, "n.pass");
	ck_assert_int_eq(t->starttls, NOTIFY_STARTTLS_REQUIRED);
	ck_assert_int_eq(t->min_severity, NOTIFY_WARNING);
	ck_assert(t->english);
	ck_assert_uint_eq(t->nsites, 2);
	ck_assert_str_eq(t->sites[1], "sumberjo");
	ck_assert_uint_eq(t->nevents, 2);
	ck_assert_str_eq(t->events[0], "alert.*");
	ck_assert_str_eq(t->events[1], "site.down");
	ck_assert_uint_eq(t->rate_limit, 5);
	ck_assert_uint_eq(t->rate_period, 600);
	ck_assert_uint_eq(t->timeout, 30);
	ck_assert_uint_eq(t->backoff_min, 5);
	ck_assert_uint_eq(t->backoff_max, 3600);
	ck_assert_uint_eq(t->retry_for, 86400);
	ck_assert_uint_eq(t->queue_max, 50);
	t = &cf->notify.targets[1];
	ck_assert_int_eq(t->type, NOTIFY_COMMAND);
	ck_assert_uint_eq(t->nargv, 2);
	ck_assert_str_eq(t->argv[0], "/usr/local/bin/pantau-notify");
	ck_assert_str_eq(t->argv[1], "--quiet");
	t = &cf->notify.targets[2];
	ck_assert_str_eq(t->token_file, "n.pass");
	ck_assert_str_eq(t->header, "X-Room: teknisi");
	config_free(cf);

	/* email without url: the local mail server */
	cf = load("[notify m]\ntype = email\nto = a@b.id\n", &errs);
	ck_assert_ptr_nonnull(cf);
	ck_assert_str_eq(cf->notify.targets[0].url, "smtp://127.0.0.1");
	ck_assert_ptr_null(cf->notify.targets[0].from);
	config_free(cf);
}
END_TEST

static const struct {
	const char *text;
	const char *errors[6];
} bad[] = {
    /* 0: what each type needs; a type of its own */
    {"[notify a]\ntype = webhook\n"
     "[notify b]\ntype = email\n"
     "[notify c]\ntype = exec\n"
     "[notify d]\ntype = pager\n"
     "[notify e]\nurl = http://x/\n",
     {"n.conf:2: notify type webhook needs url",
      "n.conf:4: notify type email needs to",
      "n.conf:6: notify type command needs command",
      "n.conf:8: type: 'pager' is not valid (use webhook, email, command)",
      "n.conf:9: missing required key 'type' in section "
      "[notify e]",
      NULL}},
    /* 1: addresses that would break SMTP or a header */
    {"[notify m]\n"
     "type = email\n"
     "to = a@b.id, <evil>@x.id, nobody\n"
     "from = me@x.id\\r\\nBcc: all@x.id\n"
     "url = http://mail/\n",
     {"n.conf:3: to: '<evil>@x.id' is not a mail address",
      "n.conf:3: to: 'nobody' is not a mail address",
      "n.conf:4: from: 'me@x.id\\r\\nBcc: all@x.id' is not a mail "
      "address",
      "n.conf:5: url must start with smtp:// or smtps://", NULL}},
    /* 2: keys of another type, a relative command */
    {"[notify x]\n"
     "type = command\n"
     "command = pantau-notify\n"
     "to = a@b.id\n"
     "token_file = /nonexistent\n",
     {"n.conf:3: command must start with an absolute path",
      "n.conf:4: to applies to notify type email only",
      "n.conf:5: token_file applies to notify type webhook only", NULL}},
    /* 3: routing and limits */
    {"[notify w]\n"
     "type = webhook\n"
     "url = https://h/\n"
     "sites = asriloka ../etc\n"
     "events = alert.firing, Alert!\n"
     "min_severity = loud\n"
     "language = jv\n"
     "backoff_min = 2h\n"
     "backoff_max = 1h\n",
     {"n.conf:4: sites: '../etc' is not a site id",
      "n.conf:5: events: 'Alert!' is not an event name or pattern",
      "n.conf:6: min_severity: 'loud' is not valid (use critical, "
      "warning, info)",
      "n.conf:7: language: 'jv' is not valid (use id, en)",
      "n.conf:8: backoff_min must not be above backoff_max", NULL}},
    /* 4: webhook details */
    {"[notify w]\n"
     "type = webhook\n"
     "url = ftp://h/\n"
     "header = X Bad: 1\n"
     "token_file = /nonexistent/token\n"
     "rate_limit = -1\n",
     {"n.conf:3: url must start with http:// or https://",
      "n.conf:4: header must be 'Name: value' (letters, digits and '-' "
      "in the name)",
      "n.conf:5: cannot read token_file '/nonexistent/token': No such "
      "file or directory",
      "n.conf:6: rate_limit: -1 is out of range (0..10000)", NULL}},
};

START_TEST(test_bad)
{
	struct conf_err errs = {0};
	struct collector_conf *cf;
	size_t i;

	cf = load(bad[_i].text, &errs);
	ck_assert_ptr_null(cf);
	for (i = 0; bad[_i].errors[i] != NULL; i++) {
		ck_assert_msg(conf_err_get(&errs, i) != NULL,
		              "case %d: missing error '%s'", _i,
		              bad[_i].errors[i]);
		ck_assert_str_eq(conf_err_get(&errs, i), bad[_i].errors[i]);
	}
	ck_assert_msg(conf_err_get(&errs, i) == NULL,
	              "case %d: unexpected error '%s'", _i,
	              conf_err_get(&errs, i));
	conf_err_clear(&errs);
}
END_TEST

START_TEST(test_equal)
{
	static const char a[] = "[notify w]\ntype = webhook\n"
	                        "url = http://h/\nsites = x y\n";
	static const char b[] = "[notify w]\ntype = webhook\n"
	                        "url = http://h/\nsites = x, z\n";
	struct conf_err errs = {0};
	struct collector_conf *c1, *c2, *c3;

	c1 = load(a, &errs);
	c2 = load(a, &errs);
	c3 = load(b, &errs);
	ck_assert_ptr_nonnull(c1);
	ck_assert_ptr_nonnull(c2);
	ck_assert_ptr_nonnull(c3);
	ck_assert(notify_config_equal(&c1->notify, &c2->notify));
	ck_assert(!notify_config_equal(&c1->notify, &c3->notify));
	config_free(c1);
	config_free(c2);
	config_free(c3);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("notify_config");
	TCase *tc = tcase_create("core");
	char dir[] = "/tmp/check_notify_config.XXXXXX";
	SRunner *sr;
	int failed;

	/* n.conf and n.pass go to a directory of our own, not the build tree
	 * (make distcheck wants it clean); the messages name them relative */
	if (mkdtemp(dir) == NULL || chdir(dir) == -1) {
		perror(dir);
		return EXIT_FAILURE;
	}
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_values);
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_equal);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	unlink("n.conf");
	unlink("n.pass");
	if (chdir("/") == 0)
		rmdir(dir);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
