/*
 * check_mqtt_ctl.c: pantauctl mqtt's parts (collector/mqtt_ctl.h).
 *
 * The hash is checked against a line mosquitto_passwd 2.0.11 wrote; the
 * ACL of a known database against its exact text; ids with '+', '#' or
 * '/' against every door they could come in by (the command line, the
 * topic, a config file, the asset CSV).
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "collector/asset.h"
#include "collector/asset_csv.h"
#include "collector/db.h"
#include "collector/mqtt_ctl.h"
#include "common/conf.h"
#include "common/wire.h"

/* mosquitto_passwd -c -b FILE u1 pantau-test-secret (mosquitto 2.0.11) */
static const char known_hash[] =
    "$7$101$KmFsCrEG6mh63rKO$1zBRVsrNRMlJfey7hY48jyZOTDjslby1f7s3yDGd/"
    "948YRKHgxMucoXW6bFjgiLiFKvmoqZ8HvsivnswGr9SDA==";

static const struct {
	const char *secret, *hash;
	int want;
} check_cases[] = {
    {"pantau-test-secret", known_hash, 1},
    {"pantau-test-secreT", known_hash, 0},
    {"", known_hash, 0},
    {"pantau-test-secret", "$6$KmFsCrEG6mh63rKO$1zBR", -1},
    {"pantau-test-secret", "$7$0$KmFsCrEG6mh63rKO$1zBR", -1},
    {"pantau-test-secret", "$7$101$KmFsCrEG6mh63rKO", -1},
    {"pantau-test-secret", "$7$101$KmFsCrEG6mh63rKO$short==", -1},
    {"pantau-test-secret", "$7$x$KmFsCrEG6mh63rKO$1zBR", -1},
};

START_TEST(test_check_known)
{
	ck_assert_int_eq(
	    mqtt_pass_check(check_cases[_i].secret, check_cases[_i].hash),
	    check_cases[_i].want);
}
END_TEST

START_TEST(test_hash_roundtrip)
{
	char h1[MQTT_HASH_MAX], h2[MQTT_HASH_MAX];

	ck_assert_int_eq(mqtt_pass_hash("s3cret", h1, sizeof h1), 0);
	ck_assert_int_eq(mqtt_pass_hash("s3cret", h2, sizeof h2), 0);
	/* "$7$101$" + 16 base64 salt + "$" + 88 base64 hash */
	ck_assert_uint_eq(strlen(h1), 7 + 16 + 1 + 88);
	ck_assert(strncmp(h1, "$7$101$", 7) == 0);
	ck_assert_int_eq(h1[23], '$');
	ck_assert_str_ne(h1, h2); /* a fresh salt each time */
	ck_assert_int_eq(mqtt_pass_check("s3cret", h1), 1);
	ck_assert_int_eq(mqtt_pass_check("s3cret", h2), 1);
	ck_assert_int_eq(mqtt_pass_check("s3cre", h1), 0);
	ck_assert_int_eq(mqtt_pass_hash("s3cret", h1, 40), -1);
}
END_TEST

START_TEST(test_secret)
{
	char a[80], b[80];

	ck_assert_int_eq(mqtt_pass_secret(a, sizeof a), 0);
	ck_assert_int_eq(mqtt_pass_secret(b, sizeof b), 0);
	ck_assert_uint_eq(strlen(a), 64);
	ck_assert_uint_eq(strspn(a, "0123456789abcdef"), 64);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(mqtt_pass_secret(a, 64), -1);
}
END_TEST

/* SITE/DEVICE on the command line: the only accepted spelling. */
static const struct {
	const char *arg, *user; /* user NULL: refused */
} user_cases[] = {
    {"asriloka/pc-01", "asriloka.pc-01"},
    {"a/b_2", "a.b_2"},
    {"asriloka/pc+1", NULL},
    {"asriloka/+", NULL},
    {"asriloka/#", NULL},
    {"asriloka/pc#1", NULL},
    {"a+b/pc-01", NULL},
    {"#/pc-01", NULL},
    {"asriloka/pc/01", NULL},
    {"asriloka/pc.01", NULL},
    {"asri.loka/pc-01", NULL},
    {"Asriloka/pc-01", NULL},
    {"asriloka", NULL},
    {"asriloka/", NULL},
    {"/pc-01", NULL},
    {"asriloka/pc 01", NULL},
    {"asriloka/pc:01", NULL},
};

START_TEST(test_user)
{
	char s[NAME_ID_MAX + 1], d[NAME_ID_MAX + 1], u[MQTT_USER_MAX];
	int rc = mqtt_pass_user(user_cases[_i].arg, s, d, u);

	if (user_cases[_i].user == NULL) {
		ck_assert_msg(rc == -1, "%s accepted", user_cases[_i].arg);
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(u, user_cases[_i].user);
	}
}
END_TEST

/* The same ids at the other doors: topics, config files, the asset CSV. */
static const char *const bad_ids[] = {"a+b", "+", "#", "pc#1", "a/b"};

START_TEST(test_ids_everywhere)
{
	char topic[WIRE_TOPIC_MAX + 64], site[NAME_ID_MAX + 1],
	    dev[NAME_ID_MAX + 1], text[128], err[128];
	const char *id = bad_ids[_i], *v;
	struct wire_error werr;
	enum wire_channel ch;
	struct conf_err errs = {0};
	struct conf *c;
	struct asset a;

	/* a collector never takes such a topic apart into ids */
	snprintf(topic, sizeof topic, "pantau/v1/%s/pc-01/metrics", id);
	ck_assert_int_ne(wire_topic_parse(topic, site, dev, &ch, &werr),
	                 WIRE_OK);
	snprintf(topic, sizeof topic, "pantau/v1/asriloka/%s/metrics", id);
	ck_assert_int_ne(wire_topic_parse(topic, site, dev, &ch, &werr),
	                 WIRE_OK);
	/* an agent never makes one */
	ck_assert_int_eq(
	    wire_topic(topic, sizeof topic, "asriloka", id, WIRE_CH_METRICS),
	    -1);
	/* a config file refuses it (agent site/device, [device NAME]) */
	snprintf(text, sizeof text, "[agent]\nsite = %s\n", id);
	c = conf_load_string("t.conf", text, &errs);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(
	    conf_get_id(conf_find(c, "agent", NULL), "site", &v, &errs), -1);
	ck_assert_ptr_nonnull(strstr(conf_err_get(&errs, 0), "not a valid id"));
	conf_free(c);
	conf_err_clear(&errs);
	/* the asset register refuses it as a site and as a device */
	memset(&a, 0, sizeof a);
	ck_assert_int_eq(asset_csv_field(&a, "site", id, err, sizeof err), -1);
	ck_assert_int_eq(asset_csv_field(&a, "device", id, err, sizeof err),
	                 -1);
}
END_TEST

static char tmpdir[64];

static void
tmp_setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/check_mqtt_ctl.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
tmp_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Reads a whole (small) memstream result. */
static char *
run_print(const struct mqtt_store *st, const char *collector, const char *site)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	ck_assert_int_eq(mqtt_store_print(st, collector, site, m), 0);
	fclose(m);
	return buf;
}

#define H1 "$7$101$AAAAAAAAAAAAAAAA$h1=="
#define H2 "$7$101$BBBBBBBBBBBBBBBB$h2=="

START_TEST(test_store)
{
	struct mqtt_store st = {0};
	char path[128], err[256], *out;

	snprintf(path, sizeof path, "%s/passwd", tmpdir);
	/* a missing file is an empty store */
	ck_assert_int_eq(mqtt_store_load(&st, path, err, sizeof err), 0);
	ck_assert_uint_eq(st.n, 0);
	write_file(path, "other.pc-01:" H1 "\n"
	                 "collector:" H2 "\r\n"
	                 "\n"
	                 "asriloka.pc-02:" H1 "\n"
	                 "asriloka.pc-01:" H2 "\n");
	ck_assert_int_eq(mqtt_store_load(&st, path, err, sizeof err), 0);
	ck_assert_uint_eq(st.n, 4);
	ck_assert_str_eq(st.v[0].user, "asriloka.pc-01"); /* sorted */
	ck_assert_str_eq(mqtt_store_find(&st, "collector")->hash, H2);
	ck_assert_ptr_null(mqtt_store_find(&st, "asriloka.pc-03"));

	out = run_print(&st, "collector", NULL);
	ck_assert_str_eq(out, "collector:" H2 "\n"
	                      "asriloka.pc-01:" H2 "\n"
	                      "asriloka.pc-02:" H1 "\n"
	                      "other.pc-01:" H1 "\n");
	free(out);
	out = run_print(&st, "collector", "asriloka");
	ck_assert_str_eq(out, "collector:" H2 "\n"
	                      "asriloka.pc-01:" H2 "\n"
	                      "asriloka.pc-02:" H1 "\n");
	free(out);
	/* rotation replaces, removal removes */
	ck_assert_int_eq(mqtt_store_set(&st, "asriloka.pc-02", H2), 0);
	ck_assert_int_eq(mqtt_store_del(&st, "other.pc-01"), 1);
	ck_assert_int_eq(mqtt_store_del(&st, "other.pc-01"), 0);
	ck_assert_int_eq(mqtt_store_set(&st, "bad:name", H1), -1);
	ck_assert_int_eq(mqtt_store_set(&st, "bad name", H1), -1);
	out = run_print(&st, NULL, NULL);
	ck_assert_str_eq(out, "asriloka.pc-01:" H2 "\n"
	                      "asriloka.pc-02:" H2 "\n");
	free(out);
	mqtt_store_clear(&st);

	write_file(path, "a.b:" H1 "\nplain:secret\n");
	ck_assert_int_eq(mqtt_store_load(&st, path, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/passwd:2: not a"));
	mqtt_store_clear(&st);
}
END_TEST

START_TEST(test_file_replace)
{
	char path[128];
	struct stat sb;

	snprintf(path, sizeof path, "%s/f", tmpdir);
	write_file(path, "old\n");
	ck_assert_int_eq(mqtt_file_replace(path, "new\n", 4, 0600), 0);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq((int)sb.st_size, 4);
	snprintf(path, sizeof path, "%s/no/such/f", tmpdir);
	ck_assert_int_eq(mqtt_file_replace(path, "x", 1, 0600), -1);
}
END_TEST

static void
put_inventory(struct db *db, const char *site, const char *dev,
              const char *json)
{
	struct wire_inventory inv;

	memset(&inv, 0, sizeof inv);
	inv.ts = 1764345600;
	inv.type = DEV_PC;
	inv.json = (char *)(uintptr_t)json;
	ck_assert_int_eq(db_inventory_store(db, site, dev, &inv, 1764345601),
	                 0);
}

/*
 * The known database: at asriloka, pc-01 claims a printer (granted),
 * pc-02 (which has credentials: refused), switch-1 (which pc-03 claims
 * too: refused to both), itself (ignored) and an invalid id; pc-03 claims
 * a projector (granted); pc-09 has no credentials, so its claim on
 * printer-x counts for nothing; an asset is linked to printer-old, which
 * nobody may publish for.
 */
static void
make_db(const char *path)
{
	char err[256];
	struct db *db = db_open(path, 0, err, sizeof err);

	ck_assert_msg(db != NULL, "%s", err);
	put_inventory(db, "asriloka", "pc-01",
	              "{\"v\":1,\"ts\":1764345600,\"type\":\"pc\",\"polls\":"
	              "[\"switch-1\",\"printer-lobby\",\"pc-02\",\"pc-01\","
	              "\"bad/id\"]}");
	put_inventory(db, "asriloka", "pc-02",
	              "{\"v\":1,\"ts\":1764345600,\"type\":\"pc\"}");
	put_inventory(db, "asriloka", "pc-03",
	              "{\"v\":1,\"ts\":1764345600,\"type\":\"pc\",\"polls\":"
	              "[\"projector-2\",\"switch-1\"]}");
	put_inventory(db, "asriloka", "pc-09",
	              "{\"v\":1,\"ts\":1764345600,\"type\":\"pc\",\"polls\":"
	              "[\"printer-x\"]}");
	put_inventory(db, "other", "pc-01",
	              "{\"v\":1,\"ts\":1764345600,\"type\":\"pc\",\"polls\":"
	              "{\"not\":\"an array\"}}");
	ck_assert_int_eq(
	    sqlite3_exec(db_sqlite(db),
	                 "INSERT INTO assets (tag, name, type, site, funding, "
	                 "budget_year, device, created_at, updated_at) VALUES "
	                 "('A-1', 'Printer', 'printer', 'asriloka', "
	                 "'APBD Provinsi', 2024, 'printer-old', 1, 1), "
	                 "('A-2', 'Old', 'printer', 'asriloka', "
	                 "'APBD Provinsi', 2020, 'printer-gone', 1, 1)",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db_sqlite(db),
	                              "UPDATE assets SET disposed_at = 2 "
	                              "WHERE tag = 'A-2'",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	db_close(db);
}

static const char acl_head[] =
    "# mosquitto acl_file for pantau, made by \"pantauctl mqtt acl\"\n"
    "# (docs/security.md).  Regenerate it; do not edit it.  Nothing "
    "stands\n"
    "# before the first \"user\": anonymous clients get nothing.\n"
    "\n"
    "user collector\n"
    "topic read pantau/v1/#\n";

static const char acl_asriloka[] =
    "\n"
    "user asriloka.pc-01\n"
    "topic write pantau/v1/asriloka/pc-01/#\n"
    "# the devices it polls (its inventory)\n"
    "# not granted: pc-02 (it has credentials of its own)\n"
    "topic write pantau/v1/asriloka/printer-lobby/#\n"
    "# not granted: switch-1 (another agent claims it too)\n"
    "\n"
    "user asriloka.pc-02\n"
    "topic write pantau/v1/asriloka/pc-02/#\n"
    "\n"
    "user asriloka.pc-03\n"
    "topic write pantau/v1/asriloka/pc-03/#\n"
    "# the devices it polls (its inventory)\n"
    "topic write pantau/v1/asriloka/projector-2/#\n"
    "# not granted: switch-1 (another agent claims it too)\n";

static const char acl_other[] = "\n"
                                "user other.pc-01\n"
                                "topic write pantau/v1/other/pc-01/#\n";

static void
make_store(struct mqtt_store *st)
{
	ck_assert_int_eq(mqtt_store_set(st, "collector", H1), 0);
	ck_assert_int_eq(mqtt_store_set(st, "other.pc-01", H1), 0);
	ck_assert_int_eq(mqtt_store_set(st, "asriloka.pc-03", H1), 0);
	ck_assert_int_eq(mqtt_store_set(st, "asriloka.pc-01", H1), 0);
	ck_assert_int_eq(mqtt_store_set(st, "asriloka.pc-02", H2), 0);
}

static void
run_acl(const char *db_path, const struct mqtt_store *st, const char *collector,
        const char *site, char **out, char **notes)
{
	size_t lo = 0, ln = 0;
	FILE *o = open_memstream(out, &lo), *n = open_memstream(notes, &ln);

	ck_assert_int_eq(mqtt_acl_write(db_path, st, collector, site, o, n), 0);
	fclose(o);
	fclose(n);
}

START_TEST(test_acl_exact)
{
	struct mqtt_store st = {0};
	char path[128], want[2048], *out, *notes;

	snprintf(path, sizeof path, "%s/pantau.db", tmpdir);
	make_db(path);
	make_store(&st);

	run_acl(path, &st, "collector", NULL, &out, &notes);
	snprintf(want, sizeof want, "%s%s%s", acl_head, acl_asriloka,
	         acl_other);
	ck_assert_str_eq(out, want);
	ck_assert_ptr_nonnull(strstr(notes, "asriloka.pc-01 claims an invalid "
	                                    "device id: ignored\n"));
	ck_assert_ptr_nonnull(
	    strstr(notes, "asriloka.pc-01 claims asriloka/pc-02, which has "
	                  "credentials of its own: not granted\n"));
	ck_assert_ptr_nonnull(
	    strstr(notes, "asriloka/switch-1 is claimed by 2 agents "
	                  "(asriloka.pc-01, asriloka.pc-03): granted to none"));
	ck_assert_ptr_nonnull(strstr(notes, "asriloka/printer-old is known, "
	                                    "but no agent may publish"));
	ck_assert_ptr_nonnull(strstr(notes, "asriloka/pc-09 is known, "
	                                    "but no agent may publish"));
	/* what pc-09 (no credentials) claims and disposed assets: silence */
	ck_assert_ptr_null(strstr(notes, "printer-x"));
	ck_assert_ptr_null(strstr(notes, "printer-gone"));
	ck_assert_ptr_null(strstr(notes, "pc-01 is known"));
	free(out);
	free(notes);

	/* one site's broker: only its agents */
	run_acl(path, &st, "collector", "asriloka", &out, &notes);
	snprintf(want, sizeof want, "%s%s", acl_head, acl_asriloka);
	ck_assert_str_eq(out, want);
	free(out);
	free(notes);

	/* no collector user: nobody reads */
	run_acl(path, &st, NULL, "other", &out, &notes);
	ck_assert_ptr_null(strstr(out, "topic read"));
	ck_assert_ptr_nonnull(strstr(out, acl_other));
	ck_assert_ptr_nonnull(strstr(notes, "no [mqtt] username"));
	free(out);
	free(notes);
	mqtt_store_clear(&st);
}
END_TEST

/* Before the collector ever ran: only the agents' own topics. */
START_TEST(test_acl_no_db)
{
	struct mqtt_store st = {0};
	char path[128], want[1024], *out, *notes;

	snprintf(path, sizeof path, "%s/none.db", tmpdir);
	ck_assert_int_eq(mqtt_store_set(&st, "asriloka.pc-01", H1), 0);
	run_acl(path, &st, "collector", NULL, &out, &notes);
	snprintf(want, sizeof want,
	         "%s\nuser asriloka.pc-01\n"
	         "topic write pantau/v1/asriloka/pc-01/#\n",
	         acl_head);
	ck_assert_str_eq(out, want);
	ck_assert_ptr_nonnull(strstr(notes, "no database yet"));
	ck_assert_int_eq(access(path, F_OK), -1); /* not created */
	free(out);
	free(notes);
	mqtt_store_clear(&st);
}
END_TEST

static Suite *
mqtt_ctl_suite(void)
{
	Suite *s = suite_create("mqtt_ctl");
	TCase *tc = tcase_create("pass");
	TCase *tf = tcase_create("files");

	tcase_add_loop_test(tc, test_check_known, 0,
	                    sizeof check_cases / sizeof check_cases[0]);
	tcase_add_test(tc, test_hash_roundtrip);
	tcase_add_test(tc, test_secret);
	tcase_add_loop_test(tc, test_user, 0,
	                    sizeof user_cases / sizeof user_cases[0]);
	tcase_add_loop_test(tc, test_ids_everywhere, 0,
	                    sizeof bad_ids / sizeof bad_ids[0]);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tf, tmp_setup, tmp_teardown);
	tcase_add_test(tf, test_store);
	tcase_add_test(tf, test_file_replace);
	tcase_add_test(tf, test_acl_exact);
	tcase_add_test(tf, test_acl_no_db);
	suite_add_tcase(s, tf);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(mqtt_ctl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
