/*
 * wire-tool: the wire format of common/wire.c from the shell, for the
 * integration tests.
 *
 *   wire-tool encode-metrics --site S --device D --ts T --seq N --type pc
 *             --interval 60 [--topic] gauge:NAME=V counter:NAME=V ...
 *   wire-tool encode-status  --site S --device D --ts T --state online
 * [--topic] wire-tool encode-event   --site S --device D --ts T --code C
 *             --severity warning --state raised [--text TEXT] [--topic]
 *   wire-tool decode CHANNEL < payload
 *   wire-tool topic TOPIC
 *
 * encode-* print the payload, or with --topic only its topic.  decode
 * validates stdin as the payload of CHANNEL (metrics, status, inventory,
 * events) and prints it re-encoded on one line, or "REASON: detail" and
 * exits 1.  topic prints "SITE DEVICE CHANNEL" or the reason.  Usage
 * errors exit 2.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"
#include "common/wire.h"

struct opts {
	const char *site;
	const char *device;
	const char *type;
	const char *state;
	const char *code;
	const char *severity;
	const char *text;
	long long ts;
	unsigned long long seq;
	unsigned long interval;
	int topic;
};

static void
usage(void)
{
	fprintf(stderr,
	        "usage: wire-tool encode-metrics --site S --device D --ts T "
	        "--seq N --type TYPE --interval SECS [--topic] "
	        "gauge:NAME=V counter:NAME=V ...\n"
	        "       wire-tool encode-status --site S --device D --ts T "
	        "--state STATE [--topic]\n"
	        "       wire-tool encode-event --site S --device D --ts T "
	        "--code C --severity SEV --state raised|cleared [--text T] "
	        "[--topic]\n"
	        "       wire-tool decode CHANNEL < payload\n"
	        "       wire-tool topic TOPIC\n");
	exit(2);
}

static long long
num(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0') {
		fprintf(stderr, "wire-tool: '%s' is not a number\n", s);
		exit(2);
	}
	return v;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    {"site", required_argument, NULL, 's'},
	    {"device", required_argument, NULL, 'd'},
	    {"ts", required_argument, NULL, 't'},
	    {"seq", required_argument, NULL, 'n'},
	    {"type", required_argument, NULL, 'y'},
	    {"interval", required_argument, NULL, 'i'},
	    {"state", required_argument, NULL, 'S'},
	    {"code", required_argument, NULL, 'c'},
	    {"severity", required_argument, NULL, 'v'},
	    {"text", required_argument, NULL, 'x'},
	    {"topic", no_argument, NULL, 'T'},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->site = "site";
	o->device = "device";
	o->type = "pc";
	o->interval = 60;
	o->text = "";
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			o->site = optarg;
			break;
		case 'd':
			o->device = optarg;
			break;
		case 't':
			o->ts = num(optarg);
			break;
		case 'n':
			o->seq = (unsigned long long)num(optarg);
			break;
		case 'y':
			o->type = optarg;
			break;
		case 'i':
			o->interval = (unsigned long)num(optarg);
			break;
		case 'S':
			o->state = optarg;
			break;
		case 'c':
			o->code = optarg;
			break;
		case 'v':
			o->severity = optarg;
			break;
		case 'x':
			o->text = optarg;
			break;
		case 'T':
			o->topic = 1;
			break;
		default:
			usage();
		}
	}
	return optind;
}

/* Prints the topic (with --topic) or the payload; frees the payload. */
static int
emit(const struct opts *o, enum wire_channel ch, char *payload)
{
	char topic[WIRE_TOPIC_MAX];

	if (payload == NULL) {
		fprintf(stderr, "wire-tool: cannot encode: %s\n",
		        strerror(errno));
		return 1;
	}
	if (o->topic) {
		if (wire_topic(topic, sizeof(topic), o->site, o->device, ch) ==
		    -1) {
			fprintf(stderr, "wire-tool: bad site or device id\n");
			free(payload);
			return 1;
		}
		printf("%s\n", topic);
	} else {
		printf("%s\n", payload);
	}
	free(payload);
	return 0;
}

static int
encode_metrics(int argc, char **argv)
{
	struct wire_metrics m = {0};
	struct opts o;
	char *eq, name[NAME_METRIC_MAX + 16], *end;
	double v;
	int i, counter, rc;

	i = parse_opts(argc, argv, &o);
	m.ts = o.ts;
	m.seq = o.seq;
	m.interval = (unsigned)o.interval;
	if (wire_type_parse(o.type, &m.type) == -1) {
		fprintf(stderr, "wire-tool: unknown type '%s'\n", o.type);
		return 2;
	}
	for (; i < argc; i++) {
		if (strncmp(argv[i], "gauge:", 6) == 0)
			counter = 0;
		else if (strncmp(argv[i], "counter:", 8) == 0)
			counter = 1;
		else
			usage();
		snprintf(name, sizeof(name), "%s", strchr(argv[i], ':') + 1);
		if ((eq = strchr(name, '=')) == NULL)
			usage();
		*eq = '\0';
		v = strtod(eq + 1, &end);
		if (end == eq + 1 || *end != '\0')
			usage();
		if (wire_metrics_add(&m, counter, name, v) == -1) {
			fprintf(stderr, "wire-tool: cannot add '%s': %s\n",
			        argv[i], strerror(errno));
			wire_metrics_clear(&m);
			return 1;
		}
	}
	rc = emit(&o, WIRE_CH_METRICS, wire_metrics_encode(&m, NULL));
	wire_metrics_clear(&m);
	return rc;
}

static int
encode_status(int argc, char **argv)
{
	struct wire_status s = {0};
	struct opts o;

	parse_opts(argc, argv, &o);
	s.ts = o.ts;
	if (wire_state_parse(o.state != NULL ? o.state : "", &s.state) == -1)
		usage();
	return emit(&o, WIRE_CH_STATUS, wire_status_encode(&s, NULL));
}

static int
encode_event(int argc, char **argv)
{
	struct wire_event e = {0};
	struct opts o;

	parse_opts(argc, argv, &o);
	e.ts = o.ts;
	if (o.code == NULL || strlen(o.code) > NAME_METRIC_MAX ||
	    strlen(o.text) >= sizeof(e.text) ||
	    wire_severity_parse(o.severity != NULL ? o.severity : "",
	                        &e.severity) == -1 ||
	    wire_evstate_parse(o.state != NULL ? o.state : "", &e.state) == -1)
		usage();
	strcpy(e.code, o.code);
	strcpy(e.text, o.text);
	return emit(&o, WIRE_CH_EVENTS, wire_event_encode(&e, NULL));
}

static int
decode(const char *chname)
{
	static char buf[WIRE_MAX_PAYLOAD + 2];
	struct wire_error err = {0};
	struct wire_metrics m;
	struct wire_status s;
	struct wire_event e;
	struct wire_inventory inv;
	enum wire_channel ch;
	enum wire_reason r;
	char *out = NULL;
	size_t len;

	if (wire_channel_parse(chname, &ch) == -1)
		usage();
	len = fread(buf, 1, sizeof(buf), stdin);
	switch (ch) {
	case WIRE_CH_METRICS:
		if ((r = wire_metrics_decode(buf, len, &m, &err)) == WIRE_OK) {
			out = wire_metrics_encode(&m, NULL);
			wire_metrics_clear(&m);
		}
		break;
	case WIRE_CH_STATUS:
		if ((r = wire_status_decode(buf, len, &s, &err)) == WIRE_OK)
			out = wire_status_encode(&s, NULL);
		break;
	case WIRE_CH_EVENTS:
		if ((r = wire_event_decode(buf, len, &e, &err)) == WIRE_OK)
			out = wire_event_encode(&e, NULL);
		break;
	default:
		if ((r = wire_inventory_decode(buf, len, &inv, &err)) ==
		    WIRE_OK) {
			out = inv.json;
			inv.json = NULL;
			wire_inventory_clear(&inv);
		}
		break;
	}
	if (r != WIRE_OK) {
		printf("%s: %s\n", wire_reason_name(r), err.detail);
		return 1;
	}
	if (out == NULL) {
		fprintf(stderr, "wire-tool: cannot re-encode: %s\n",
		        strerror(errno));
		return 1;
	}
	printf("%s\n", out);
	free(out);
	return 0;
}

static int
topic(const char *t)
{
	char site[NAME_ID_MAX + 1], device[NAME_ID_MAX + 1];
	struct wire_error err = {0};
	enum wire_channel ch;

	if (wire_topic_parse(t, site, device, &ch, &err) != WIRE_OK) {
		printf("%s: %s\n", wire_reason_name(err.reason), err.detail);
		return 1;
	}
	printf("%s %s %s\n", site, device, wire_channel_name(ch));
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "encode-metrics") == 0)
		return encode_metrics(argc - 1, argv + 1);
	if (strcmp(argv[1], "encode-status") == 0)
		return encode_status(argc - 1, argv + 1);
	if (strcmp(argv[1], "encode-event") == 0)
		return encode_event(argc - 1, argv + 1);
	if (strcmp(argv[1], "decode") == 0 && argc == 3)
		return decode(argv[2]);
	if (strcmp(argv[1], "topic") == 0 && argc == 3)
		return topic(argv[2]);
	usage();
}
