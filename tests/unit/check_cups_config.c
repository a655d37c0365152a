/*
 * check_cups_config.c: the [cups] section (collector/cups_config.c), as
 * collector/config.c will hand it over: good sections give exact values,
 * each bad one gives exactly the expected "FILE:LINE: message".
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "collector/cups_poll.h"

START_TEST(test_absent)
{
	struct conf_err errs = {0};
	struct cups_config c;

	ck_assert_int_eq(cups_config_parse(NULL, &c, &errs), 0);
	ck_assert_uint_eq(c.nservers, 0);
	ck_assert_uint_eq(c.interval, 60);
	ck_assert_uint_eq(c.timeout, 10);
	ck_assert(!c.store_titles);
	ck_assert_uint_eq(errs.n, 0);
	/* a server alone is enough: queues then map to no device */
	{
		struct conf *cf = conf_load_string(
		    "t.conf", "[cups]\nserver = localhost\n", &errs);

		ck_assert_int_eq(
		    cups_config_parse(conf_find(cf, "cups", NULL), &c, &errs),
		    0);
		ck_assert_uint_eq(c.nservers, 1);
		ck_assert_str_eq(c.site, "");
		conf_free(cf);
	}
	/* config.c's defaults call it without an error list */
	ck_assert_int_eq(cups_config_parse(NULL, &c, NULL), 0);
	ck_assert_uint_eq(c.interval, 60);
}
END_TEST

START_TEST(test_good)
{
	static const char text[] =
	    "[cups]\n"
	    "server = /run/cups/cups.sock, print-server:631 [::1]:8631\n"
	    "interval = 5m\n"
	    "timeout = 20\n"
	    "site = asriloka\n"
	    "store_titles = yes\n"
	    "map = psq:printer-lobby lab:queue:printer-lab\n";
	struct conf_err errs = {0};
	struct cups_config c;
	struct conf *cf = conf_load_string("t.conf", text, &errs);

	ck_assert_ptr_nonnull(cf);
	ck_assert_int_eq(
	    cups_config_parse(conf_find(cf, "cups", NULL), &c, &errs), 0);
	ck_assert_uint_eq(c.nservers, 3);
	ck_assert_str_eq(c.servers[0], "/run/cups/cups.sock");
	ck_assert_str_eq(c.servers[1], "print-server:631");
	ck_assert_str_eq(c.servers[2], "[::1]:8631");
	ck_assert_uint_eq(c.interval, 300);
	ck_assert_uint_eq(c.timeout, 20);
	ck_assert_str_eq(c.site, "asriloka");
	ck_assert(c.store_titles);
	ck_assert_uint_eq(c.nmaps, 2);
	ck_assert_str_eq(cups_config_map(&c, "psq"), "printer-lobby");
	/* a queue name may hold ':'; the device id is after the last one */
	ck_assert_str_eq(cups_config_map(&c, "lab:queue"), "printer-lab");
	ck_assert_ptr_null(cups_config_map(&c, "other"));
	conf_free(cf);
}
END_TEST

static const struct {
	const char *body;  /* after "[cups]\n" (line 1) */
	const char *error; /* the one message expected */
} bad_cases[] = {
    {"server = localhost:631\nmap = q:printer\n",
     "t.conf:3: map needs the site of its devices (key 'site')"},
    {"server = host:0\nsite = a\n",
     "t.conf:2: bad server 'host:0': expected host[:port] "
     "(port 1..65535) or a socket path"},
    {"server = host:99999\nsite = a\n",
     "t.conf:2: bad server 'host:99999': expected host[:port] "
     "(port 1..65535) or a socket path"},
    {"server = a:1:2\nsite = a\n",
     "t.conf:2: bad server 'a:1:2': expected host[:port] "
     "(port 1..65535) or a socket path"},
    {"server = h, h\nsite = a\n", "t.conf:2: server 'h' listed twice"},
    {"server = ,\nsite = a\n", "t.conf:2: server is empty"},
    {"server = h\nsite = a\nmap = psq\n",
     "t.conf:4: bad map entry 'psq': expected queue:device"},
    {"server = h\nsite = a\nmap = psq:Printer\n",
     "t.conf:4: bad device id 'Printer' in map entry for queue 'psq'"},
    {"server = h\nsite = a\nmap = q:a q:b\n",
     "t.conf:4: queue 'q' mapped twice"},
    {"server = h\nsite = a\ninterval = 30\ntimeout = 30\n",
     "t.conf:5: timeout (30 s) must be shorter than interval (30 s)"},
    {"server = h\nsite = a\ncolour = blue\n",
     "t.conf:4: unknown key 'colour' in section [cups]"},
};

START_TEST(test_bad)
{
	struct conf_err errs = {0};
	struct cups_config c;
	struct conf *cf;
	char text[512];

	snprintf(text, sizeof(text), "[cups]\n%s", bad_cases[_i].body);
	cf = conf_load_string("t.conf", text, &errs);
	ck_assert_ptr_nonnull(cf);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_int_eq(
	    cups_config_parse(conf_find(cf, "cups", NULL), &c, &errs), -1);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_str_eq(conf_err_get(&errs, 0), bad_cases[_i].error);
	conf_err_clear(&errs);
	conf_free(cf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cups_config");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_absent);
	tcase_add_test(tc, test_good);
	tcase_add_loop_test(tc, test_bad, 0,
	                    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
