/*
 * conf.c: configuration files on top of inih (see conf.h).
 *
 * inih does the syntax; this file feeds it one whole line per call through
 * its own reader, which is how it knows the line of every key (Debian's
 * inih is built without INI_HANDLER_LINENO), can refuse over-long lines
 * itself instead of letting inih split them, and can see what inih does
 * not report: section headers without keys, and lines inih rejected
 * (a line the reader handed over that is neither blank, a comment, a
 * section nor a key for which the handler was called is a syntax error).
 * Section headers are split into "type" and "name" here, because inih
 * passes them on as one string.
 *
 * Errors are kept sorted by line as they are recorded, so that a
 * technician reads them in file order.  The typed accessors and their
 * messages are in conf_get.c.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf.h"
#include "common/conf_priv.h"
#include "common/names.h"

struct conf_err_msg {
	int line;
	char *text;    /* "FILE:LINE: message" */
	int is_static; /* text is the "out of memory" literal */
};

/* The reader's state while inih runs over one file or string. */
struct conf_parse {
	struct conf *conf;
	struct conf_err *errs;
	FILE *fp;
	const char *text; /* or the string being read */
	char *line;       /* getline() buffer */
	size_t linecap;
	int lineno;
	int expect_key; /* the last line must be a key */
	int handled;    /* ... and the handler saw it */
	int skip_keys;  /* inside a broken section header */
	int oom;
	struct conf_section *cur;
};

static const char conf_oom[] = "out of memory";

/* Error lists. */

static void
conf_err_insert(struct conf_err *e, int line, char *text, int is_static)
{
	struct conf_err_msg *nm;
	size_t i, ncap;

	if (e->n == e->cap) {
		ncap = e->cap > 0 ? e->cap * 2 : 8;
		if ((nm = realloc(e->msgs, ncap * sizeof(*nm))) == NULL) {
			if (!is_static)
				free(text);
			return;
		}
		e->msgs = nm;
		e->cap = ncap;
	}
	/* Stable: after every message of the same or an earlier line. */
	for (i = e->n; i > 0 && e->msgs[i - 1].line > line; i--)
		e->msgs[i] = e->msgs[i - 1];
	e->msgs[i].line = line;
	e->msgs[i].text = text;
	e->msgs[i].is_static = is_static;
	e->n++;
}

void
conf_err_vaddf(struct conf_err *e, const char *file, int line, const char *fmt,
               va_list ap)
{
	char *msg = NULL, *text = NULL;
	int r;

	if (e == NULL)
		return;
	if (vasprintf(&msg, fmt, ap) == -1)
		goto fail_oom;
	if (line > 0)
		r = asprintf(&text, "%s:%d: %s", file, line, msg);
	else
		r = asprintf(&text, "%s: %s", file, msg);
	free(msg);
	if (r == -1)
		goto fail_oom;
	conf_err_insert(e, line, text, 0);
	return;

fail_oom:
	conf_err_insert(e, line, (char *)(uintptr_t)conf_oom, 1);
}

void
conf_err_addf(struct conf_err *e, const char *file, int line, const char *fmt,
              ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_err_vaddf(e, file, line, fmt, ap);
	va_end(ap);
}

void
conf_err_print(struct conf_err *e, FILE *f)
{
	size_t i;

	for (i = 0; e != NULL && i < e->n; i++)
		fprintf(f, "%s\n", e->msgs[i].text);
}

const char *
conf_err_get(struct conf_err *e, size_t i)
{
	if (e == NULL || i >= e->n)
		return NULL;
	return e->msgs[i].text;
}

void
conf_err_clear(struct conf_err *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n; i++)
		if (!e->msgs[i].is_static)
			free(e->msgs[i].text);
	free(e->msgs);
	e->msgs = NULL;
	e->n = e->cap = 0;
}

/* Parsed files. */

static void
conf_section_free(struct conf_section *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->kv[i].key);
		free(s->kv[i].value);
	}
	free(s->kv);
	free(s->type);
	free(s->name);
	free(s);
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		conf_section_free(c->secs[i]);
	free(c->secs);
	free(c->path);
	free(c);
}

const char *
conf_path(const struct conf *c)
{
	return c->path;
}

size_t
conf_section_count(const struct conf *c)
{
	return c->n;
}

const struct conf_section *
conf_section_at(const struct conf *c, size_t i)
{
	return i < c->n ? c->secs[i] : NULL;
}

static int
conf_same_name(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

const struct conf_section *
conf_find(const struct conf *c, const char *type, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->secs[i]->type, type) == 0 &&
		    conf_same_name(c->secs[i]->name, name))
			return c->secs[i];
	return NULL;
}

const char *
conf_section_type(const struct conf_section *s)
{
	return s->type;
}

const char *
conf_section_name(const struct conf_section *s)
{
	return s->name;
}

int
conf_section_line(const struct conf_section *s)
{
	return s->line;
}

const struct conf_kv *
conf_kv_find(const struct conf_section *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->kv[i].key, key) == 0)
			return &s->kv[i];
	return NULL;
}

const char *
conf_value(const struct conf_section *s, const char *key, int *line)
{
	const struct conf_kv *kv = conf_kv_find(s, key);

	if (kv == NULL)
		return NULL;
	if (line != NULL)
		*line = kv->line;
	return kv->value;
}

/* "[agent]" or "[device printer-lobby]", for messages. */
const char *
conf_section_label(const struct conf_section *s, char *buf, size_t bufsz)
{
	if (s->name != NULL)
		snprintf(buf, bufsz, "[%s %s]", s->type, s->name);
	else
		snprintf(buf, bufsz, "[%s]", s->type);
	return buf;
}

/* The reader and the handler that inih calls. */

static struct conf_section *
conf_section_add(struct conf_parse *p, const char *type, const char *name)
{
	struct conf *c = p->conf;
	struct conf_section *s, **ns;
	size_t ncap;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->conf = c;
	s->line = p->lineno;
	if ((s->type = strdup(type)) == NULL)
		goto fail_free;
	if (name != NULL && (s->name = strdup(name)) == NULL)
		goto fail_free;
	if (c->n == c->cap) {
		ncap = c->cap > 0 ? c->cap * 2 : 8;
		if ((ns = realloc(c->secs, ncap * sizeof(*ns))) == NULL)
			goto fail_free;
		c->secs = ns;
		c->cap = ncap;
	}
	c->secs[c->n++] = s;
	return s;

fail_free:
	conf_section_free(s);
	return NULL;
}

int
conf_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int
conf_is_type_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * Splits a section header line ("[type]" or "[type name]", then only
 * white space or a comment) and opens the section.
 */
static void
conf_section_line_parse(struct conf_parse *p, const char *line)
{
	const char *file = p->conf->path, *close, *q;
	char buf[CONF_LINE_MAX + 1], *type, *name, *end, lbl[CONF_LINE_MAX + 8];
	const struct conf_section *prev;
	size_t n;

	p->cur = NULL;
	p->skip_keys = 1;
	if ((close = strchr(line, ']')) == NULL) {
		conf_err_addf(p->errs, file, p->lineno,
		              "syntax error: missing ']' in section header");
		return;
	}
	for (q = close + 1; conf_is_space((unsigned char)*q); q++)
		;
	if (*q != '\0' && *q != ';' && *q != '#') {
		conf_err_addf(p->errs, file, p->lineno,
		              "syntax error: text after ']' in section header");
		return;
	}
	n = (size_t)(close - (line + 1));
	memcpy(buf, line + 1, n);
	buf[n] = '\0';
	for (type = buf; conf_is_space((unsigned char)*type); type++)
		;
	for (end = type; *end != '\0' && !conf_is_space((unsigned char)*end);
	     end++)
		;
	name = end;
	while (conf_is_space((unsigned char)*name))
		name++;
	*end = '\0';
	if (*name != '\0') {
		for (end = name;
		     *end != '\0' && !conf_is_space((unsigned char)*end); end++)
			;
		q = end;
		while (conf_is_space((unsigned char)*q))
			q++;
		*end = '\0';
	} else {
		q = name;
		name = NULL;
	}
	for (end = type; conf_is_type_char((unsigned char)*end); end++)
		;
	if (*type == '\0' || *end != '\0' || *q != '\0') {
		snprintf(lbl, sizeof(lbl), "%.*s", (int)(close - line + 1),
		         line);
		conf_err_addf(
		    p->errs, file, p->lineno,
		    "bad section header '%s' (use [type] or [type name])", lbl);
		return;
	}
	prev = conf_find(p->conf, type, name);
	if (prev != NULL)
		conf_err_addf(p->errs, file, p->lineno,
		              "section %s given twice (first on line %d)",
		              conf_section_label(prev, lbl, sizeof(lbl)),
		              prev->line);
	/* A repeated section still gets its own keys, so they are checked. */
	if ((p->cur = conf_section_add(p, type, name)) == NULL) {
		p->oom = 1;
		return;
	}
	p->skip_keys = 0;
}

/* Reads one line into p->line without its end of line; -1 at the end. */
static ssize_t
conf_getline(struct conf_parse *p)
{
	const char *nl;
	ssize_t n;
	size_t len;

	if (p->fp != NULL) {
		n = getline(&p->line, &p->linecap, p->fp);
		if (n < 0)
			return -1;
	} else {
		if (p->text == NULL || *p->text == '\0')
			return -1;
		nl = strchr(p->text, '\n');
		len = nl != NULL ? (size_t)(nl - p->text) + 1 : strlen(p->text);
		if (len + 1 > p->linecap) {
			char *nb = realloc(p->line, len + 1);

			if (nb == NULL) {
				p->oom = 1;
				return -1;
			}
			p->line = nb;
			p->linecap = len + 1;
		}
		memcpy(p->line, p->text, len);
		p->line[len] = '\0';
		p->text += len;
		n = (ssize_t)len;
	}
	if (n > 0 && p->line[n - 1] == '\n')
		p->line[--n] = '\0';
	if (n > 0 && p->line[n - 1] == '\r')
		p->line[--n] = '\0';
	return n;
}

/* Called by inih before each line: checks the last one, reads the next. */
static char *
conf_reader(char *str, int num, void *stream)
{
	struct conf_parse *p = stream;
	const char *file = p->conf->path, *s;
	ssize_t n;

	if (p->expect_key && !p->handled)
		conf_err_addf(p->errs, file, p->lineno,
		              "syntax error: expected 'key = value'");
	p->expect_key = p->handled = 0;
	if (p->oom || (n = conf_getline(p)) < 0)
		return NULL;
	p->lineno++;
	s = p->line;
	if (p->lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	if ((size_t)n != strlen(p->line)) {
		conf_err_addf(p->errs, file, p->lineno,
		              "line contains a NUL byte");
		s = "";
	} else if (n > CONF_LINE_MAX) {
		conf_err_addf(p->errs, file, p->lineno,
		              "line longer than %d bytes", CONF_LINE_MAX);
		s = "";
	}
	while (conf_is_space((unsigned char)*s))
		s++;
	if (*s == '[') {
		conf_section_line_parse(p, s);
		/* inih tracks sections itself; it needs no copy. */
		s = "";
	} else if (*s != '\0' && *s != ';' && *s != '#') {
		p->expect_key = 1;
	}
	/* num is CONF_LINE_MAX + 3 (conf_run()), so the line fits. */
	if ((size_t)num < strlen(s) + 2)
		return NULL;
	snprintf(str, (size_t)num, "%s\n", s);
	return str;
}

static int
conf_handler(void *user, const char *section, const char *key,
             const char *value)
{
	struct conf_parse *p = user;
	const char *file = p->conf->path;
	const struct conf_kv *prev;
	struct conf_section *s = p->cur;
	struct conf_kv *nkv;
	size_t ncap;

	(void)section;
	p->handled = 1;
	if (p->skip_keys)
		return 1;
	if (*key == '\0') {
		conf_err_addf(p->errs, file, p->lineno,
		              "syntax error: missing key before '='");
		return 1;
	}
	if (s == NULL) {
		conf_err_addf(p->errs, file, p->lineno,
		              "key '%s' outside any section", key);
		return 1;
	}
	if ((prev = conf_kv_find(s, key)) != NULL) {
		conf_err_addf(p->errs, file, p->lineno,
		              "key '%s' given twice (first on line %d)", key,
		              prev->line);
		return 1;
	}
	if (s->n == s->cap) {
		ncap = s->cap > 0 ? s->cap * 2 : 8;
		if ((nkv = realloc(s->kv, ncap * sizeof(*nkv))) == NULL)
			goto fail_oom;
		s->kv = nkv;
		s->cap = ncap;
	}
	nkv = &s->kv[s->n];
	nkv->line = p->lineno;
	if ((nkv->key = strdup(key)) == NULL)
		goto fail_oom;
	if ((nkv->value = strdup(value != NULL ? value : "")) == NULL) {
		free(nkv->key);
		goto fail_oom;
	}
	s->n++;
	return 1;

fail_oom:
	p->oom = 1;
	return 0;
}

/* Runs inih over the prepared reader state; NULL on memory failure. */
static struct conf *
conf_run(struct conf_parse *p)
{
	/*
	 * Debian's inih reads these at run time.  Continuation lines are
	 * off, so an indented "key = value" is an ordinary key rather than
	 * a silent append to the key above.
	 */
	ini_max_line = CONF_LINE_MAX + 3;
	ini_allow_multiline = false;
	ini_stop_on_first_error = false;
	ini_parse_stream(conf_reader, p, conf_handler, p);
	free(p->line);
	if (p->oom) {
		conf_err_addf(p->errs, p->conf->path, 0, "out of memory");
		conf_free(p->conf);
		return NULL;
	}
	return p->conf;
}

static struct conf *
conf_new(const char *name)
{
	struct conf *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->path = strdup(name != NULL ? name : "-")) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

struct conf *
conf_load(const char *path, struct conf_err *errs)
{
	struct conf_parse p = {0};
	struct conf *c;

	if ((p.fp = fopen(path, "re")) == NULL) {
		conf_err_addf(errs, path, 0, "cannot open: %s",
		              strerror(errno));
		return NULL;
	}
	if ((p.conf = conf_new(path)) == NULL) {
		conf_err_addf(errs, path, 0, "out of memory");
		fclose(p.fp);
		return NULL;
	}
	p.errs = errs;
	c = conf_run(&p);
	if (c != NULL && ferror(p.fp)) {
		conf_err_addf(errs, path, 0, "read error: %s", strerror(errno));
		conf_free(c);
		c = NULL;
	}
	fclose(p.fp);
	return c;
}

struct conf *
conf_load_string(const char *name, const char *text, struct conf_err *errs)
{
	struct conf_parse p = {0};

	if ((p.conf = conf_new(name)) == NULL) {
		conf_err_addf(errs, name != NULL ? name : "-", 0,
		              "out of memory");
		return NULL;
	}
	p.errs = errs;
	p.text = text != NULL ? text : "";
	return conf_run(&p);
}
