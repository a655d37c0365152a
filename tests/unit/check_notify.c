/*
 * check_notify.c: how a notification is written (collector/notify_msg.c,
 * notify_mail.c, notify_exec.c, notify_store.c): cleaning of untrusted
 * text, the RFC 2047 subject, the RFC 5322 message (no header can be
 * injected), the JSON of webhooks and commands, the environment of a
 * command, the summary of rate-limited messages, the queue file.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/notify_priv.h"

/* 2026-11-29 05:12:18 UTC, a Sunday */
#define TS 1795929138

static const struct {
	const char *in;
	bool one_line;
	size_t max;
	const char *out;
} clean_cases[] = {
    {"plain", true, 100, "plain"},
    {"a\r\nBcc: x@y", true, 100, "a  Bcc: x@y"},
    {"a\r\nb\rc\nd\te", false, 100, "a\nb\nc\nd\te"},
    {"nul\x01\x1b[31mred\x7f", true, 100, "nul[31mred"},
    {"bad \xff\xfe utf8", true, 100, "bad \xef\xbf\xbd\xef\xbf\xbd utf8"},
    {"overlong \xc0\xaf", true, 100, "overlong \xef\xbf\xbd\xef\xbf\xbd"},
    {"surrogate \xed\xa0\x80", true, 100,
     "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    /* cut on a character boundary: "é" is two bytes */
    {"caf\xc3\xa9", true, 4, "caf"},
    {"Suhu \xe2\x80\x94 tinggi", true, 7, "Suhu "},
};

START_TEST(test_clean)
{
	char *s = notify_clean(clean_cases[_i].in, clean_cases[_i].one_line,
	                       clean_cases[_i].max);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, clean_cases[_i].out);
	free(s);
}
END_TEST

/* Decodes base64 (the test's own, to check ours). */
static size_t
b64dec(const char *in, size_t n, unsigned char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                        "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned v = 0, bits = 0;
	size_t len = 0, i;
	const char *p;

	for (i = 0; i < n; i++) {
		if (in[i] == '=' || in[i] == '\r' || in[i] == '\n')
			continue;
		p = strchr(a, in[i]);
		ck_assert_ptr_nonnull(p);
		v = (v << 6) | (unsigned)(p - a);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(v >> bits);
		}
	}
	out[len] = '\0';
	return len;
}

/* Joins the encoded words of a Subject value back into UTF-8. */
static void
subject_decode(const char *v, char *out)
{
	const char *p = v, *end;
	unsigned char buf[512];
	size_t wordlen;

	out[0] = '\0';
	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		p += 10;
		end = strstr(p, "?=");
		ck_assert_ptr_nonnull(end);
		wordlen = (size_t)(end - p) + 12;
		ck_assert_uint_le(wordlen, 75);
		b64dec(p, (size_t)(end - p), buf);
		strcat(out, (const char *)buf);
		p = end + 2;
		/* between words only the folding CRLF SP */
		if (*p != '\0')
			ck_assert(strncmp(p, "\r\n =?", 5) == 0);
	}
}

START_TEST(test_subject)
{
	static const char id[] =
	    "Toner hampir habis \xe2\x80\x94 printer-lobby di Telecenter "
	    "Asri Loka, Kec. Sumberjo (sisa 5%), segera ganti kartrid";
	char *s, dec[1024];

	s = notify_mail_subject("Disk almost full on pc-01");
	ck_assert_str_eq(s, "Disk almost full on pc-01");
	free(s);
	/* "=?" in plain text would be decoded by a reader: encoded */
	s = notify_mail_subject("a =?x?= b");
	ck_assert(strncmp(s, "=?UTF-8?B?", 10) == 0);
	free(s);

	s = notify_mail_subject(id);
	ck_assert_ptr_nonnull(s);
	ck_assert(strncmp(s, "=?UTF-8?B?", 10) == 0);
	ck_assert_ptr_nonnull(strstr(s, "\r\n ")); /* folded: long */
	subject_decode(s, dec);
	ck_assert_str_eq(dec, id);
	free(s);
}
END_TEST

START_TEST(test_date)
{
	char buf[64];

	notify_mail_date(TS, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Sun, 29 Nov 2026 05:12:18 +0000");
	notify_mail_date(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Thu, 01 Jan 1970 00:00:00 +0000");
}
END_TEST

static struct notify_item *
item(const char *subject_id, const char *text_id)
{
	struct notify_msg m = {
	    .event = "alert.firing",
	    .severity = "critical",
	    .site = "asriloka",
	    .device = "printer-lobby",
	    .subject_id = subject_id,
	    .subject_en = "Toner almost empty",
	    .text_id = text_id,
	    .text_en = "Replace the cartridge.",
	    .ts = TS,
	    .alert_id = 17,
	    .ticket_id = 0,
	};
	struct notify_item *it;
	const char *why;

	it = notify_item_new(&m, &why);
	ck_assert_msg(it != NULL, "%s", why != NULL ? why : "");
	return it;
}

START_TEST(test_item_invalid)
{
	struct notify_msg m = {.event = "alert.firing",
	                       .severity = "critical",
	                       .site = "s",
	                       .subject_en = "x"};
	struct notify_item *it;
	const char *why;

	m.severity = "loud";
	ck_assert_ptr_null(notify_item_new(&m, &why));
	ck_assert_str_eq(why, "severity is not info, warning or critical");
	m.severity = "info";
	m.event = "Alert\nX";
	ck_assert_ptr_null(notify_item_new(&m, &why));
	m.event = "alert.firing";
	m.site = NULL;
	ck_assert_ptr_null(notify_item_new(&m, &why));
	m.site = "s";
	m.subject_en = NULL;
	ck_assert_ptr_null(notify_item_new(&m, &why));
	ck_assert_str_eq(why, "no subject");
	/* one language is enough: the other borrows it */
	m.subject_en = "only english";
	it = notify_item_new(&m, &why);
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(it->subject_id, "only english");
	ck_assert_str_eq(it->text_id, "");
	ck_assert_ptr_null(it->device);
	notify_item_free(it);
}
END_TEST

/* The header block of a rendered message, split in lines. */
START_TEST(test_mail)
{
	static const char *const to[] = {"teknisi@dinas.example.id",
	                                 "kepala@dinas.example.id"};
	static const char *const allowed[] = {"Date: ",
	                                      "From: ",
	                                      "To: ",
	                                      "Subject: ",
	                                      "Message-ID: ",
	                                      "MIME-Version: ",
	                                      "Content-Type: ",
	                                      "Content-Transfer-Encoding: ",
	                                      "Auto-Submitted: ",
	                                      "X-Pantau-Event: ",
	                                      "X-Pantau-Severity: ",
	                                      "X-Pantau-Site: ",
	                                      " ",
	                                      NULL};
	struct notify_item *it;
	char *msg, *body, *line, *save, dec[1024];
	unsigned char text[4096];
	size_t i;

	it = item("Toner hampir habis\r\nBcc: semua@x.id",
	          "Ganti kartrid.\nSegera.");
	msg = notify_mail_render(it, false, "pantau@dinas.example.id", to, 2,
	                         "pantau.1.abc", TS);
	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(strstr(msg, "Date: Sun, 29 Nov 2026 05:12:18 "
	                                  "+0000\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "From: pantau "
	                                  "<pantau@dinas.example.id>\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "To: teknisi@dinas.example.id,\r\n "
	                                  "kepala@dinas.example.id\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "Message-ID: "
	                                  "<pantau.1.abc@dinas.example.id>"
	                                  "\r\n"));
	ck_assert_ptr_nonnull(
	    strstr(msg, "Subject: Toner hampir habis  Bcc: semua@x.id\r\n"));
	/* every header line is one of ours or a continuation */
	body = strstr(msg, "\r\n\r\n");
	ck_assert_ptr_nonnull(body);
	body[2] = '\0'; /* the last header keeps its CRLF */
	body += 4;
	for (line = strtok_r(msg, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		ck_assert_msg(line[strlen(line) - 1] == '\r', "bare LF");
		for (i = 0; allowed[i] != NULL; i++)
			if (strncmp(line, allowed[i], strlen(allowed[i])) == 0)
				break;
		ck_assert_msg(allowed[i] != NULL, "header line '%s'", line);
	}
	b64dec(body, strlen(body), text);
	ck_assert_str_eq((char *)text, "Ganti kartrid.\r\nSegera.\r\n"
	                               "\r\n"
	                               "Situs: asriloka\r\n"
	                               "Perangkat: printer-lobby\r\n"
	                               "Waktu: 2026-11-29T05:12:18Z\r\n"
	                               "Alert: #17\r\n"
	                               "-- \r\npantau\r\n");
	free(msg);

	/* English, and a UTF-8 subject encoded */
	notify_item_free(it);
	it = item("Suhu \xe2\x80\x94 tinggi", "");
	msg = notify_mail_render(it, false, "a@b.id", to, 1, "x", TS);
	line = strstr(msg, "Subject: ");
	ck_assert_ptr_nonnull(line);
	*strstr(line, "\r\nMessage-ID") = '\0';
	subject_decode(line + 9, dec);
	ck_assert_str_eq(dec, "Suhu \xe2\x80\x94 tinggi");
	free(msg);
	msg = notify_mail_render(it, true, "a@b.id", to, 1, "x", TS);
	ck_assert_ptr_nonnull(strstr(msg, "Subject: Toner almost empty\r\n"));
	free(msg);
	notify_item_free(it);
}
END_TEST

START_TEST(test_json)
{
	struct notify_item *it = item("Toner hampir habis", "Ganti.");
	cJSON *o = notify_item_json(it, "ops", false);
	char *s = cJSON_PrintUnformatted(o);

	ck_assert_str_eq(
	    s, "{\"event\":\"alert.firing\",\"severity\":\"critical\","
	       "\"site\":\"asriloka\",\"device\":\"printer-lobby\","
	       "\"subject\":\"Toner hampir habis\",\"text\":\"Ganti.\","
	       "\"ts\":1795929138,\"time\":\"2026-11-29T05:12:18Z\","
	       "\"alert_id\":17,\"ticket_id\":null,\"language\":\"id\","
	       "\"subject_id\":\"Toner hampir habis\","
	       "\"subject_en\":\"Toner almost empty\","
	       "\"text_id\":\"Ganti.\","
	       "\"text_en\":\"Replace the cartridge.\",\"target\":\"ops\"}");
	free(s);
	cJSON_Delete(o);
	notify_item_free(it);
}
END_TEST

START_TEST(test_summary)
{
	struct notify_item *a = item("satu", ""), *b = item("dua", ""),
	                   *c = item("tiga", ""), *s;
	cJSON *o, *items;

	free(a->severity);
	a->severity = strdup("info");
	free(c->severity);
	c->severity = strdup("warning");
	free(b->severity);
	b->severity = strdup("warning");
	a->next = b;
	b->next = c;
	s = notify_item_summary(a, 3, TS);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->event, "notify.summary");
	ck_assert_str_eq(s->severity, "warning");
	ck_assert_str_eq(s->site, "asriloka");
	ck_assert_str_eq(s->subject_id, "pantau: 3 notifikasi lagi");
	ck_assert_str_eq(s->subject_en, "pantau: 3 more notifications");
	ck_assert_str_eq(s->text_id,
	                 "3 notifikasi ditahan oleh batas pengiriman:\n"
	                 "- 2026-11-29T05:12:18Z [info] "
	                 "asriloka/printer-lobby: satu\n"
	                 "- 2026-11-29T05:12:18Z [warning] "
	                 "asriloka/printer-lobby: dua\n"
	                 "- 2026-11-29T05:12:18Z [warning] "
	                 "asriloka/printer-lobby: tiga\n");
	o = notify_item_json(s, "ops", true);
	ck_assert_int_eq(cJSON_GetObjectItem(o, "count")->valueint, 3);
	items = cJSON_GetObjectItem(o, "items");
	ck_assert_int_eq(cJSON_GetArraySize(items), 3);
	ck_assert_str_eq(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(items, 2), "subject")
	        ->valuestring,
	    "Toner almost empty");
	cJSON_Delete(o);
	notify_item_free(s);
}
END_TEST

START_TEST(test_env)
{
	struct notify_item *it = item("Subjek; rm -rf / $(x)", "Teks");
	char **env = notify_exec_env(it, "log", false);
	static const char *const want[] = {
	    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:"
	    "/bin",
	    "LANG=C.UTF-8",
	    "PANTAU_TARGET=log",
	    "PANTAU_EVENT=alert.firing",
	    "PANTAU_SEVERITY=critical",
	    "PANTAU_SITE=asriloka",
	    "PANTAU_DEVICE=printer-lobby",
	    "PANTAU_SUBJECT=Subjek; rm -rf / $(x)",
	    "PANTAU_TEXT=Teks",
	    "PANTAU_LANGUAGE=id",
	    "PANTAU_TS=1795929138",
	    "PANTAU_ALERT_ID=17",
	    "PANTAU_TICKET_ID=0",
	    "PANTAU_ATTACHMENTS=",
	    NULL};
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		ck_assert_ptr_nonnull(env[i]);
		ck_assert_str_eq(env[i], want[i]);
	}
	ck_assert_ptr_null(env[i]);
	notify_env_free(env);
	notify_item_free(it);
}
END_TEST

START_TEST(test_store)
{
	struct notify_item *a = item("satu", "x"), *b = item("dua", "y"), *s,
	                   *held = item("tiga", "z"), *got;
	char dir[] = "/tmp/check_notify.XXXXXX", *text;
	bool failed;
	size_t n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	a->attempts = 4;
	a->queued = 1000;
	/* a summary is stored as what it sums up */
	s = notify_item_summary(b, 1, TS);
	a->next = s;
	text = notify_store_render(a, held, &failed);
	ck_assert(!failed);
	ck_assert_int_eq(notify_store_write(dir, "ops", text), 0);
	free(text);
	got = notify_store_load(dir, "ops", &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(got->subject_id, "satu");
	ck_assert_uint_eq(got->attempts, 4);
	ck_assert_int_eq(got->queued, 1000);
	ck_assert_int_eq(got->alert_id, 17);
	ck_assert_str_eq(got->next->subject_id, "dua");
	ck_assert_str_eq(got->next->next->subject_id, "tiga");
	ck_assert_str_eq(got->next->next->text_id, "z");
	notify_items_free(got);
	/* an empty queue removes the file */
	ck_assert_int_eq(notify_store_write(dir, "ops", NULL), 0);
	ck_assert_ptr_null(notify_store_load(dir, "ops", &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(rmdir(dir), 0);
	notify_items_free(a);
	notify_item_free(held);
}
END_TEST

/*
 * Attachments: copied and checked on submit, kept in the queue file,
 * the names in the JSON, the paths in the environment, and in the mail a
 * multipart/mixed part per readable file and a note for a missing one.
 */
START_TEST(test_attach)
{
	static const char *const bad[] = {"relative.pdf", "/a/b\nc.pdf"};
	const char *paths[2], *why;
	struct notify_msg m = {.event = "report.monthly",
	                       .severity = "info",
	                       .site = "*",
	                       .subject_id = "Laporan bulanan",
	                       .text_id = "Terlampir."};
	char dir[] = "/tmp/check_notify.XXXXXX", pdf[64], gone[64], *text, *msg;
	struct notify_item *it, *got;
	const char *const to[] = {"a@b.example"};
	bool failed;
	char **env;
	cJSON *o;
	size_t n;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(pdf, sizeof(pdf), "%s/assets.pdf", dir);
	snprintf(gone, sizeof(gone), "%s/gone.csv", dir);
	ck_assert_ptr_nonnull(f = fopen(pdf, "w"));
	fputs("%PDF-1.4 x", f);
	fclose(f);
	m.attach = bad;
	m.nattach = 1;
	ck_assert_ptr_null(notify_item_new(&m, &why));
	m.attach = bad + 1;
	ck_assert_ptr_null(notify_item_new(&m, &why));
	paths[0] = pdf;
	paths[1] = gone;
	m.attach = paths;
	m.nattach = 2;
	ck_assert_ptr_nonnull(it = notify_item_new(&m, &why));
	paths[0] = "/overwritten"; /* copied */
	ck_assert_str_eq(it->attach[0], pdf);

	text = notify_store_render(it, NULL, &failed);
	ck_assert_int_eq(notify_store_write(dir, "r", text), 0);
	free(text);
	ck_assert_ptr_nonnull(got = notify_store_load(dir, "r", &n));
	ck_assert_uint_eq(got->nattach, 2);
	ck_assert_str_eq(got->attach[0], pdf);
	ck_assert_str_eq(got->attach[1], gone);
	ck_assert_int_eq(notify_store_write(dir, "r", NULL), 0);

	o = notify_item_json(got, "x", false);
	ck_assert_str_eq(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(o, "attachments"), 1)
	        ->valuestring,
	    "gone.csv");
	cJSON_Delete(o);
	env = notify_exec_env(got, "x", false);
	for (n = 0;
	     env[n] != NULL && strncmp(env[n], "PANTAU_ATTACHMENTS=", 19) != 0;
	     n++)
		;
	ck_assert_ptr_nonnull(env[n]);
	ck_assert(strstr(env[n], "/assets.pdf\n") != NULL);
	notify_env_free(env);

	msg = notify_mail_render(got, false, "p@q.example", to, 1,
	                         "pantau.1.ab", TS);
	ck_assert_ptr_nonnull(msg);
	ck_assert(strstr(msg, "Content-Type: multipart/mixed; "
	                      "boundary=\"=_pantau.1.ab\"\r\n") != NULL);
	ck_assert(strstr(msg, "\r\n--=_pantau.1.ab\r\nContent-Type: "
	                      "application/pdf; name=\"assets.pdf\"\r\n"
	                      "Content-Disposition: attachment; "
	                      "filename=\"assets.pdf\"\r\n"
	                      "Content-Transfer-Encoding: base64\r\n\r\n"
	                      "JVBERi0xLjQgeA==\r\n") != NULL);
	ck_assert(strstr(msg, "gone.csv\"") == NULL); /* not attached */
	ck_assert(strstr(msg, "\r\n--=_pantau.1.ab--\r\n") != NULL);
	free(msg);
	notify_item_free(got);
	notify_item_free(it);
	ck_assert_int_eq(unlink(pdf), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_clean, 0,
	                    sizeof(clean_cases) / sizeof(clean_cases[0]));
	tcase_add_test(tc, test_subject);
	tcase_add_test(tc, test_date);
	tcase_add_test(tc, test_item_invalid);
	tcase_add_test(tc, test_mail);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_summary);
	tcase_add_test(tc, test_env);
	tcase_add_test(tc, test_store);
	tcase_add_test(tc, test_attach);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
