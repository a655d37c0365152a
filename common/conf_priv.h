/*
 * conf_priv.h: what conf.c (parsing) and conf_get.c (schema and typed
 * values) share.  Not for other modules: they use conf.h.
 */
#ifndef PANTAU_CONF_PRIV_H
#define PANTAU_CONF_PRIV_H

#include <stdarg.h>
#include <stddef.h>

#include "common/conf.h"

struct conf_kv {
	char *key;
	char *value;
	int line;
};

struct conf_section {
	const struct conf *conf;
	char *type;
	char *name; /* or NULL */
	int line;
	struct conf_kv *kv;
	size_t n;
	size_t cap;
};

struct conf {
	char *path;
	struct conf_section **secs;
	size_t n;
	size_t cap;
};

/* conf_err_addf() with a va_list. */
void conf_err_vaddf(struct conf_err *e, const char *file, int line,
                    const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* The entry of 'key' in 's', or NULL. */
const struct conf_kv *conf_kv_find(const struct conf_section *s,
                                   const char *key);

/* "[agent]" or "[device printer-lobby]" into buf; returns buf. */
const char *conf_section_label(const struct conf_section *s, char *buf,
                               size_t bufsz);

/* Blank for INI purposes: space, tab, CR, FF, VT (not LF). */
int conf_is_space(int c);

#endif
