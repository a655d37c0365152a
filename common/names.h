/*
 * names.h: the identities of DESIGN.md section 4.
 *
 * Every name that arrives from outside (a topic, a payload, a config file, a
 * CSV) is checked here before it may reach a file path, an SQL statement, a
 * shell or a page.  Site and device ids match ^[a-z0-9][a-z0-9_-]{0,62}$;
 * metric names match ^[a-z0-9_]+(\.[a-z0-9_-]+)*$ and are at most 128 bytes.
 * Neither can contain '/', '.', '+', '#' or anything outside ASCII, so a
 * valid name is always a safe single path component (ids) or a safe file
 * name once the dots are kept (metrics: "cpu.util.rrd").
 */
#ifndef PANTAU_NAMES_H
#define PANTAU_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define NAME_ID_MAX 63      /* bytes of a site or device id, without NUL */
#define NAME_METRIC_MAX 128 /* bytes of a metric name, without NUL */
#define NAME_PART_MAX 64    /* bytes of one sanitized instance part */

/* True when 's' is a valid site or device id. */
bool name_id_valid(const char *s);

/* True when 's' is a valid metric name (also used for event codes). */
bool name_metric_valid(const char *s);

/*
 * Turns a free-form label (an interface name, a mount point, a supply
 * description, a sensor label) into one metric name part: ASCII letters are
 * lower-cased, every run of other characters becomes one '_', and leading
 * and trailing '_' are trimmed; the result is cut to NAME_PART_MAX bytes and
 * to 'outsz' - 1.  A mount point is handled by name_mount_part() instead.
 *
 * Returns the length written (> 0), or -1 when nothing usable remains (an
 * empty or all-punctuation label, or outsz < 2); 'out' is then "".
 */
int name_sanitize(const char *label, char *out, size_t outsz);

/*
 * The metric part for a mount point: "/" is "root", "/home" is "home",
 * "/var/lib/x" is "var_lib_x".  Returns as name_sanitize().
 */
int name_mount_part(const char *mountpoint, char *out, size_t outsz);

/*
 * A device id made from a host name: lower-cased, the domain part dropped,
 * other characters mapped to '-', cut to NAME_ID_MAX, a leading '-' or '_'
 * removed.  Returns 0, or -1 when nothing valid remains.
 */
int name_id_from_host(const char *host, char *out, size_t outsz);

#endif
