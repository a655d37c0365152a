/*
 * conf.h: configuration files (DESIGN.md section 7) on top of inih.
 *
 * Reading a configuration is a transaction: conf_load() parses the whole
 * file into memory, the daemon's config.c validates every section and key
 * into a fresh struct of its own with the typed accessors below, and only a
 * configuration without errors is swapped in.  -n and SIGHUP take the same
 * path.  Every problem is recorded as "FILE:LINE: message" in a struct
 * conf_err, so a technician sees all mistakes of an edit at once, in line
 * order, not one per attempt.
 *
 * Sections are "[type]" or "[type name]" ("[agent]", "[device printer-lobby]").
 * Keys are unique within a section; a key given twice is an error, not a
 * silent override.  Inline comments start with " ;".
 */
#ifndef PANTAU_CONF_H
#define PANTAU_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct conf;
struct conf_section;

/* A list of "FILE:LINE: message" strings. Zero-initialise before use. */
struct conf_err {
	struct conf_err_msg *msgs;
	size_t n;
	size_t cap;
};

/*
 * Records "FILE:LINE: <formatted message>"; with line 0, "FILE: message".
 * Memory failure is reported as the message "out of memory" where possible.
 */
void conf_err_addf(struct conf_err *e, const char *file, int line,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Prints every message, one per line, sorted by line (stable). */
void conf_err_print(struct conf_err *e, FILE *f);

/* The i-th message (sorted), or NULL past the end. Owned by 'e'. */
const char *conf_err_get(struct conf_err *e, size_t i);

/* Frees the messages; 'e' can be reused. */
void conf_err_clear(struct conf_err *e);

/*
 * Parses 'path'.  Syntax errors, lines longer than CONF_LINE_MAX, keys
 * outside any section, duplicate keys and duplicate sections are recorded
 * in 'errs'.  Returns the parsed file, also when errors were recorded (so
 * that validation can go on and report everything), or NULL when the file
 * could not be read or memory ran out (recorded as "FILE: message").  The
 * caller owns the result and frees it with conf_free().
 */
#define CONF_LINE_MAX 1024
struct conf *conf_load(const char *path, struct conf_err *errs);

/* As conf_load(), from a string; 'name' is used as FILE in messages. */
struct conf *conf_load_string(const char *name, const char *text,
                              struct conf_err *errs);

void conf_free(struct conf *c); /* conf_free(NULL) is a no-op */

const char *conf_path(const struct conf *c);

/* Sections in file order; NULL past the end. */
size_t conf_section_count(const struct conf *c);
const struct conf_section *conf_section_at(const struct conf *c, size_t i);

/* The first section with this type and name (name NULL: "[type]"), or NULL. */
const struct conf_section *conf_find(const struct conf *c, const char *type,
                                     const char *name);

const char *conf_section_type(const struct conf_section *s);
const char *conf_section_name(const struct conf_section *s); /* or NULL */
int conf_section_line(const struct conf_section *s);

/* The raw value of 'key' in 's', or NULL when absent; *line set if found. */
const char *conf_value(const struct conf_section *s, const char *key,
                       int *line);

/*
 * Records "unknown key 'K' in section [T]" for every key of 's' that is
 * not in the NULL-terminated list 'known'.  Returns the number of unknown
 * keys.
 */
int conf_check_keys(const struct conf_section *s, const char *const *known,
                    struct conf_err *errs);

/*
 * Records "missing required key 'K' in section [T]" at the section's line
 * when 'key' is absent.  Returns 0 when present, -1 when missing.
 */
int conf_require(const struct conf_section *s, const char *key,
                 struct conf_err *errs);

/*
 * Typed accessors.  Each returns 1 when the key is present and valid (*out
 * set), 0 when it is absent (*out untouched, so callers set the default
 * first), and -1 when it is present but invalid: then an error naming the
 * key, the value and what was expected is recorded at the key's line and
 * *out is untouched.
 */
int conf_get_str(const struct conf_section *s, const char *key,
                 const char **out, struct conf_err *errs);
int conf_get_int(const struct conf_section *s, const char *key, long min,
                 long max, long *out, struct conf_err *errs);
int conf_get_bool(const struct conf_section *s, const char *key, bool *out,
                  struct conf_err *errs);
/* Durations: "60", "60s", "5m", "1h", "2d", "1w"; min/max in seconds. */
int conf_get_duration(const struct conf_section *s, const char *key,
                      unsigned min, unsigned max, unsigned *out,
                      struct conf_err *errs);
/*
 * Sizes: a plain number counts in 'unit' bytes (1 for bytes, 1048576 for a
 * key named *_mb); suffixes k, M, G (powers of 1024) override it.
 */
int conf_get_size(const struct conf_section *s, const char *key, uint64_t unit,
                  uint64_t min, uint64_t max, uint64_t *out,
                  struct conf_err *errs);
/* A site or device id (names.h). */
int conf_get_id(const struct conf_section *s, const char *key, const char **out,
                struct conf_err *errs);
/* One of the NULL-terminated 'choices'; *out is its index. */
int conf_get_enum(const struct conf_section *s, const char *key,
                  const char *const *choices, int *out, struct conf_err *errs);

/*
 * Records an error at the line of 'key' in 's' (or the section's line when
 * the key is absent), for checks the accessors cannot make.
 */
void conf_errorf(const struct conf_section *s, const char *key,
                 struct conf_err *errs, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Value parsers behind the accessors, for command-line flags and API
 * parameters.  Return 0 and set *out, or -1 (nothing set).
 */
int conf_parse_bool(const char *s, bool *out);
int conf_parse_long(const char *s, long *out);
int conf_parse_duration(const char *s, unsigned *seconds);
int conf_parse_size(const char *s, uint64_t unit, uint64_t *bytes);

#endif
