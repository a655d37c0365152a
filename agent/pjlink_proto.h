/*
 * pjlink_proto.h: the PJLink protocol (JBMIA, TCP 4352) as pure functions.
 *
 * Everything here works on strings and structures, never on sockets, so
 * the unit tests drive it with table data: the greeting, the MD5 digest of
 * the authentication, the command lines, the responses and what they mean.
 * pjlink.c does the I/O around it; dev_projector.c turns a struct
 * pjlink_status into metrics, events and the inventory.
 *
 * Lines end in CR.  A command is "%<class><CMD4> ?" (the query form); the
 * answer is "%<class><CMD4>=<data>" or "...=ERR1".."ERR4"; a wrong password
 * is answered "PJLINK ERRA".  Facts and sources: docs/pjlink.md.
 */
#ifndef PANTAU_AGENT_PJLINK_PROTO_H
#define PANTAU_AGENT_PJLINK_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#define PJLINK_PORT 4352
#define PJLINK_LINE_MAX 256  /* bytes of a line we accept, with NUL */
#define PJLINK_RANDOM_MAX 32 /* characters of the greeting's random */
#define PJLINK_DIGEST_LEN 32 /* lower-case hex MD5 */
#define PJLINK_LAMPS_MAX 8   /* the spec's maximum */
#define PJLINK_TEXT_MAX 65   /* NAME: 64 characters, with NUL */

/* The queries a round may send, in the order they are sent. */
enum pjlink_cmd {
	PJLINK_CLSS = 0, /* class: first, it decides the class 2 ones */
	PJLINK_POWR,
	PJLINK_ERST,
	PJLINK_LAMP,
	PJLINK_FILT, /* class 2 */
	PJLINK_NAME, /* inventory from here on */
	PJLINK_INF1,
	PJLINK_INF2,
	PJLINK_INFO,
	PJLINK_SNUM, /* class 2 */
	PJLINK_SVER, /* class 2 */
	PJLINK_RLMP, /* class 2 */
	PJLINK_RFIL, /* class 2 */
	PJLINK_NCMDS
};

/* The name ("POWR"), the class it is sent with (1 or 2), and whether it
 * is an inventory query (sent only when the inventory is due). */
const char *pjlink_cmd_name(enum pjlink_cmd c);
int pjlink_cmd_class(enum pjlink_cmd c);
bool pjlink_cmd_inventory(enum pjlink_cmd c);

/*
 * Whether a round sends 'c', given the projector's class as known so far
 * (0: unknown, then only class 1 queries) and whether the inventory is due.
 * CLSS is sent when the inventory is due or the class is unknown.
 */
bool pjlink_cmd_wanted(enum pjlink_cmd c, int klass, bool inventory);

enum pjlink_greeting_kind {
	PJLINK_GREET_BAD = -1, /* not a PJLink greeting */
	PJLINK_GREET_OPEN = 0, /* "PJLINK 0": no authentication */
	PJLINK_GREET_AUTH = 1, /* "PJLINK 1 <random>" */
	PJLINK_GREET_ERRA = 2, /* "PJLINK ERRA" */
};

/*
 * Parses the greeting line (without its CR).  For PJLINK_GREET_AUTH the
 * random (1..PJLINK_RANDOM_MAX printable characters) is copied to
 * 'random', which holds PJLINK_RANDOM_MAX + 1 bytes.
 */
enum pjlink_greeting_kind pjlink_greeting_parse(const char *line, char *random);

/*
 * The authentication digest: lower-case hex of MD5(random + password),
 * always 32 characters (leading zeros kept), into 'out' (33 bytes).
 * Returns 0, or -1 when libcrypto failed (out is then "").
 */
int pjlink_digest(const char *random, const char *password, char *out);

/*
 * Writes the query line for 'c' ("%1POWR ?\r"), prefixed with 'digest'
 * when not NULL, into buf.  Returns its length, or -1 when it does not fit.
 */
int pjlink_format(char *buf, size_t bufsz, const char *digest,
                  enum pjlink_cmd c);

enum pjlink_resp {
	PJLINK_RESP_OK = 0, /* data set */
	PJLINK_RESP_ERR1,   /* undefined command */
	PJLINK_RESP_ERR2,   /* out of parameter */
	PJLINK_RESP_ERR3,   /* unavailable time (standby, cooling, warm-up) */
	PJLINK_RESP_ERR4,   /* projector failure */
	PJLINK_RESP_ERRA,   /* authentication failed */
	PJLINK_RESP_OTHER,  /* another answer, or a query echoed back */
	PJLINK_RESP_BAD,    /* not a PJLink response */
};

/*
 * Parses a response line (without its CR) to the query 'c'.  The class
 * digit is not compared (a class 2 projector may answer "%1" queries with
 * "%2", and the other way round), the command name is, ignoring case.
 * For PJLINK_RESP_OK the data is copied into 'data' (cut to datasz - 1).
 */
enum pjlink_resp pjlink_response_parse(const char *line, enum pjlink_cmd c,
                                       char *data, size_t datasz);

/* "ERR3" etc., for messages. */
const char *pjlink_resp_name(enum pjlink_resp r);

/* Why a round failed; PJLINK_FAIL_NONE when the projector answered. */
enum pjlink_fail {
	PJLINK_FAIL_NONE = 0,
	PJLINK_FAIL_RESOLVE,  /* the host name did not resolve */
	PJLINK_FAIL_CONNECT,  /* refused, no route, ... */
	PJLINK_FAIL_TIMEOUT,  /* no (complete) answer in time */
	PJLINK_FAIL_CLOSED,   /* closed by the projector before answering */
	PJLINK_FAIL_PROTOCOL, /* something that is not PJLink */
	PJLINK_FAIL_AUTH,     /* PJLINK ERRA: wrong pjlink_password */
	PJLINK_FAIL_NOPASS,   /* a password is asked and none configured */
	PJLINK_FAIL_INTERNAL, /* out of memory, out of sockets, ... */
	PJLINK_NFAILS
};

/* A stable word for each ("timeout", "auth", ...). */
const char *pjlink_fail_name(enum pjlink_fail f);

/*
 * What one round learned.  -1 (or "" for text) means the projector did not
 * say: the query was not sent, or was answered with an error.
 */
struct pjlink_status {
	enum pjlink_fail fail; /* NONE: at least one query answered */
	char detail[128];      /* for the log, when fail != NONE */
	int answers;           /* queries answered with data or ERRn */
	bool complete;         /* every query sent was answered */
	bool inventory;        /* inventory queries were sent */
	int power;             /* 0 off, 1 on, 2 cooling, 3 warm-up */
	signed char erst[6];   /* fan lamp temp cover filter other */
	int nlamps;            /* -1: unknown; 0: no lamp (laser) */
	long lamp_hours[PJLINK_LAMPS_MAX];
	signed char lamp_on[PJLINK_LAMPS_MAX];
	long filter_hours;
	int klass; /* 1, 2; 0 unknown */
	char name[PJLINK_TEXT_MAX];
	char maker[PJLINK_TEXT_MAX];        /* INF1 */
	char model[PJLINK_TEXT_MAX];        /* INF2 */
	char info[PJLINK_TEXT_MAX];         /* INFO */
	char serial[PJLINK_TEXT_MAX];       /* SNUM */
	char version[PJLINK_TEXT_MAX];      /* SVER */
	char lamp_model[PJLINK_TEXT_MAX];   /* RLMP */
	char filter_model[PJLINK_TEXT_MAX]; /* RFIL */
};

/* The ERST positions, left to right, and their names ("fan", ...). */
enum pjlink_erst {
	PJLINK_ERST_FAN = 0,
	PJLINK_ERST_LAMP,
	PJLINK_ERST_TEMP,
	PJLINK_ERST_COVER,
	PJLINK_ERST_FILTER,
	PJLINK_ERST_OTHER,
	PJLINK_NERST
};
const char *pjlink_erst_name(enum pjlink_erst e);

/* Sets every field to "unknown". */
void pjlink_status_init(struct pjlink_status *st);

/*
 * Records the answer 'r' (with 'data' for PJLINK_RESP_OK) to query 'c'.
 * Data that does not parse (a power state of 7, an ERST of five digits)
 * leaves the field unknown.  Returns 0, or -1 when the data was malformed.
 */
int pjlink_status_apply(struct pjlink_status *st, enum pjlink_cmd c,
                        enum pjlink_resp r, const char *data);

/*
 * The data parsers pjlink_status_apply() uses, exposed for the tests.
 * Each returns 0, or -1 (and leaves its outputs unspecified) when 'data'
 * is not what the spec allows.
 */
int pjlink_parse_power(const char *data, int *power);
int pjlink_parse_erst(const char *data, signed char erst[6]);
int pjlink_parse_lamps(const char *data, long *hours, signed char *on, int max,
                       int *n);
int pjlink_parse_hours(const char *data, long *hours);
int pjlink_parse_class(const char *data, int *klass);

/*
 * Copies text from the projector into 'out' (outsz bytes): valid UTF-8 is
 * kept, every control character or invalid byte becomes '?', and leading
 * and trailing spaces are trimmed.  Returns out.
 */
char *pjlink_text_clean(const char *in, char *out, size_t outsz);

#endif
