/*
 * snmp_priv.h: the inside of the SNMP poller (issue 4), private to agent/.
 *
 * The data path of one device round reads top to bottom:
 *
 *   snmp_poll.c   the engine: one thread, net-snmp's async single-session
 *                 API, fetches the OIDs a device's plan names (GETs, then
 *                 table walks with GETBULK) into a struct snmp_store;
 *   snmp_store.c  the fetched variables, sorted by OID, looked up by column
 *                 and row (free of net-snmp, so tests can fill a store from
 *                 a recorded .snmprec file);
 *   dev_printer.c, dev_switch.c, dev_pc_snmp.c
 *                 the plans, and the builders that turn a store into
 *                 metrics, conditions and an inventory;
 *   snmp_out.c    what the builders share: naming, labels, conditions
 *                 raised and cleared between rounds, the inventory text;
 *   snmp_decode.c pure decoding (error-state bits, supply levels, text in
 *                 the printer's character set, alert codes, sensor scale,
 *                 counter discontinuities), table-tested.
 *
 * Everything here runs in the SNMP thread (or in a test), one device at a
 * time; nothing is shared between devices.
 */
#ifndef PANTAU_AGENT_SNMP_PRIV_H
#define PANTAU_AGENT_SNMP_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/wire.h"

/* ASN.1 / SMI type codes as on the wire (and as snmprec file tags). */
#define SNMP_T_INTEGER 0x02
#define SNMP_T_OCTETS 0x04
#define SNMP_T_NULL 0x05
#define SNMP_T_OID 0x06
#define SNMP_T_IPADDR 0x40
#define SNMP_T_COUNTER 0x41
#define SNMP_T_GAUGE 0x42
#define SNMP_T_TIMETICKS 0x43
#define SNMP_T_OPAQUE 0x44
#define SNMP_T_COUNTER64 0x46

#define SNMP_OID_MAX 64 /* sub-identifiers kept; longer: dropped */

/* An OID constant of the plans and builders. */
struct snmp_oid {
	uint32_t v[24];
	size_t len;
};
#define SNMP_OID(...)                                                          \
	{                                                                      \
		{__VA_ARGS__},                                                 \
		    sizeof((uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t)       \
	}

/* snmp_store.c */

/* One fetched variable.  Strings (and OID values, as dotted text) are in
 * 'str', not NUL-terminated; numbers in 'num' (Integer32 sign-extended,
 * unsigned types and Counter64 as they are). */
struct snmp_var {
	uint32_t *oid;
	size_t oid_len;
	uint8_t type;
	int64_t num;
	uint64_t unum;
	uint8_t *str;
	size_t str_len;
	uint64_t seq; /* arrival order, for duplicates */
};

struct snmp_store {
	struct snmp_var *v;
	size_t n, cap;
	uint64_t next_seq;
	bool sorted;
};

void snmp_store_init(struct snmp_store *st);
/* Forgets the variables, keeps the array for the next round. */
void snmp_store_reset(struct snmp_store *st);
void snmp_store_clear(struct snmp_store *st); /* frees everything */
/*
 * Adds a variable (copied).  'num' is the value of an integer type (for
 * Integer32 the signed value); 'bytes'/'n' of a string type.  Returns 0,
 * or -1 (ENOMEM, or EINVAL for an OID longer than SNMP_OID_MAX).
 */
int snmp_store_add(struct snmp_store *st, const uint32_t *oid, size_t len,
                   uint8_t type, int64_t num, const void *bytes, size_t n);
/* Sorts by OID (the last of duplicates wins); lookups need it. */
void snmp_store_sort(struct snmp_store *st);
/* The variable base.idx[0..nidx), or NULL. */
const struct snmp_var *snmp_store_get(const struct snmp_store *st,
                                      const struct snmp_oid *base,
                                      const uint32_t *idx, size_t nidx);
/*
 * Iterates a column (or any subtree) in OID order: start with *pos = 0;
 * returns the next variable under 'col', or NULL at the end.
 */
const struct snmp_var *snmp_store_next(const struct snmp_store *st,
                                       const struct snmp_oid *col, size_t *pos);
/*
 * Reads a snmpsim data file (OID|TAG|VALUE lines; tags 2, 4, 4x, 5, 6,
 * 64, 65, 66, 67, 70; a variation module's "initial=" or "value=" is
 * taken as the value).  For tests and the poll tool.  Returns 0, or -1
 * with errno set.
 */
int snmp_store_load_snmprec(struct snmp_store *st, const char *path);

/* The value as a signed number (integer types, Counter64 up to 2^63). */
bool snmp_var_int(const struct snmp_var *v, int64_t *out);
/* As an unsigned total (counters, gauges, ticks, non-negative integers). */
bool snmp_var_uint(const struct snmp_var *v, uint64_t *out);

/* snmp_decode.c */

/* hrPrinterDetectedErrorState as byte0 << 8 | byte1 (one octet: high). */
unsigned snmp_decode_error_bits(const uint8_t *s, size_t n);

struct snmp_errbit {
	unsigned mask;
	const char *name; /* RFC 2790 name: "lowToner" */
	const char *code; /* event code: "printer.toner_low" */
	enum wire_severity sev;
	const char *text;
};
extern const struct snmp_errbit snmp_errbits[];
extern const size_t snmp_nerrbits;

/*
 * Percent of a Printer-MIB level (supply or tray) when level and capacity
 * are real numbers (level >= 0, capacity > 0), clipped to 0..100 and
 * rounded to two decimals.  Returns true and sets *pct, or false for the
 * special values -1 (other), -2 (unknown), -3 (some remains).
 */
bool snmp_decode_level_pct(int64_t level, int64_t max, double *pct);

/*
 * Text of a localized Printer-MIB string in IANA charset 'mibenum' (3
 * ASCII, 4 Latin-1, 106 UTF-8, 1000 UCS-2, 1013/1014/1015 UTF-16BE/LE/BOM;
 * 0 or anything else: UTF-16 when every other byte is NUL, else UTF-8
 * when valid, else Latin-1) as UTF-8 in out (NUL-terminated, cut on a
 * character boundary).  A string declared UTF-16 that has an odd length,
 * or is printable ASCII without a NUL, is read as ASCII (printers mix).
 * Control characters become spaces, text ends at a NUL character, leading
 * and trailing blanks are dropped, invalid sequences become U+FFFD.
 * Returns the length written.
 */
size_t snmp_decode_text(const uint8_t *s, size_t n, int mibenum, char *out,
                        size_t outsz);

/*
 * What a prtAlertTable row means.  Sets *code (an event code such as
 * "printer.jam") and *sev from the alert's code, group and severity
 * level.  Returns false for rows that are not a condition (binary change
 * events such as coverClosed, powerUp, configurationChange).
 */
bool snmp_decode_alert(int64_t code, int64_t group, int64_t severity,
                       char *codebuf, size_t codesz, enum wire_severity *sev);

/* entPhySensorValue scaled: value * 10^scale_exp / 10^precision. */
double snmp_decode_sensor(int64_t value, int64_t scale, int64_t precision);

/*
 * Whether counters read now continue those read at the previous round:
 * false when sysUpTime went backwards (the agent restarted and its
 * counters with it).  TimeTicks wrap after 497 days; a wrap is also
 * reported as a discontinuity (one round without counters).
 */
bool snmp_decode_counters_continue(uint32_t prev_ticks, uint32_t ticks);

/* snmp_out.c */

/* A condition active in a round (raised once, cleared when it goes). */
struct snmp_cond {
	char code[NAME_METRIC_MAX + 1];
	enum wire_severity sev;
	char text[256];
};

struct snmp_conds {
	struct snmp_cond *v;
	size_t n, cap;
};

struct snmp_port_hist {
	uint32_t ifindex;
	int oper;      /* ifOperStatus last seen */
	uint32_t disc; /* ifCounterDiscontinuityTime */
	bool have_disc;
	bool seen_up; /* up at some round: a fall is news */
};

/* What a device's builder remembers between rounds. */
struct snmp_hist {
	bool have_ticks;
	uint32_t ticks; /* sysUpTime at the last round */
	struct snmp_conds active;
	struct snmp_port_hist *ports;
	size_t nports;
	char *inv_text; /* last inventory, without v/ts */
};

void snmp_hist_clear(struct snmp_hist *h);

/* One round's output. */
struct snmp_round {
	struct wire_metrics m;
	struct wire_event *ev;
	size_t nev, cap_ev;
	char *inventory; /* set when it changed */
};

void snmp_round_clear(struct snmp_round *r);

struct cJSON;

/* What a builder works with. */
struct snmp_out {
	const struct snmp_store *st;
	struct snmp_hist *h;
	struct snmp_round *r;
	int64_t ts;
	bool counters_ok; /* no discontinuity this round */
	struct snmp_conds now;
	struct cJSON *inv;
	struct cJSON *labels;
	int err; /* an allocation failed */
};

/* Adds a metric "fmt..." (NAME_METRIC_MAX at most); invalid names are
 * dropped (logged at debug level). */
void snmp_out_gauge(struct snmp_out *o, double v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void snmp_out_counter(struct snmp_out *o, double v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void snmp_out_cond(struct snmp_out *o, const char *code, enum wire_severity sev,
                   const char *text);
void snmp_out_label(struct snmp_out *o, const char *prefix, const char *label);
void snmp_out_inv_str(struct snmp_out *o, struct cJSON *obj, const char *key,
                      const char *val);
/*
 * The instance parts of one kind (supplies, trays, ports) in a round: a
 * label sanitized (names.h), or 'fallback' (e.g. "supply3") when that is
 * empty or already taken (DESIGN.md section 6).  part must hold
 * NAME_PART_MAX + 1 bytes.  Returns 0, or -1 (ENOMEM).
 */
struct snmp_parts {
	char (*v)[NAME_PART_MAX + 1];
	size_t n, cap;
};
int snmp_parts_pick(struct snmp_parts *p, const char *label,
                    const char *fallback, char *part);
void snmp_parts_clear(struct snmp_parts *p);
/* A string variable as text (ASCII/UTF-8 guessed, cleaned), or "". */
void snmp_out_text(const struct snmp_var *v, int charset, char *out,
                   size_t outsz);

/* The plan of one kind of device: scalars to GET, then tables to walk. */
struct snmp_walk {
	struct snmp_oid entry; /* the table's entry OID */
	uint8_t cols[16];      /* columns fetched */
	size_t ncols;
};

struct snmp_plan {
	enum dev_type type;
	const struct snmp_oid *gets;
	size_t ngets;
	const struct snmp_walk *walks;
	size_t nwalks;
	/* Fills metrics, conditions and the inventory from o->st. */
	void (*build)(struct snmp_out *o);
};

extern const struct snmp_plan dev_printer_plan;
extern const struct snmp_plan dev_switch_plan;
extern const struct snmp_plan dev_pc_snmp_plan;

/* The plan for a configured device type, or NULL (projectors). */
const struct snmp_plan *snmp_plan_for(enum dev_type type);

/*
 * Runs plan->build over a sorted store for the round at 'ts' and fills
 * 'r' (which must be zeroed): metrics with sysUpTime and the system
 * group, conditions raised and cleared against h, the inventory when it
 * changed.  Returns 0, or -1 with errno ENOMEM ('r' is cleared then).
 */
int snmp_round_build(const struct snmp_plan *plan, const struct snmp_store *st,
                     struct snmp_hist *h, int64_t ts, unsigned interval,
                     struct snmp_round *r);

/* Common OIDs. */
extern const struct snmp_oid snmp_oid_sysdescr, snmp_oid_sysobjectid,
    snmp_oid_sysuptime, snmp_oid_sysname, snmp_oid_syslocation;

#endif
