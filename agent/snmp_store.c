/*
 * snmp_store.c: the variables fetched in one device round.
 *
 * The engine appends what the agent returned (GET answers and table walk
 * rows, in whatever order they came), sorts once at the end of the round,
 * and the builders look things up by column and row index.  Kept free of
 * net-snmp so that unit tests can fill a store from a recorded snmpsim
 * data file and run the same builders.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/snmp_priv.h"

void
snmp_store_init(struct snmp_store *st)
{
	memset(st, 0, sizeof(*st));
}

static void
snmp_store_free_vars(struct snmp_store *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->v[i].oid);
		free(st->v[i].str);
	}
	st->n = 0;
	st->sorted = false;
}

void
snmp_store_reset(struct snmp_store *st)
{
	snmp_store_free_vars(st);
}

void
snmp_store_clear(struct snmp_store *st)
{
	snmp_store_free_vars(st);
	free(st->v);
	memset(st, 0, sizeof(*st));
}

int
snmp_store_add(struct snmp_store *st, const uint32_t *oid, size_t len,
               uint8_t type, int64_t num, const void *bytes, size_t n)
{
	struct snmp_var *v;

	if (len == 0 || len > SNMP_OID_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 64;

		if ((v = realloc(st->v, cap * sizeof(*v))) == NULL)
			return -1;
		st->v = v;
		st->cap = cap;
	}
	v = &st->v[st->n];
	memset(v, 0, sizeof(*v));
	if ((v->oid = malloc(len * sizeof(*oid))) == NULL)
		return -1;
	memcpy(v->oid, oid, len * sizeof(*oid));
	v->oid_len = len;
	v->seq = st->next_seq++;
	v->type = type;
	v->num = num;
	v->unum = (uint64_t)num;
	if (type == SNMP_T_INTEGER)
		v->unum = num < 0 ? 0 : (uint64_t)num;
	if (bytes != NULL) {
		/* One spare byte: a NUL, so callers may treat it as text. */
		if ((v->str = malloc(n + 1)) == NULL) {
			free(v->oid);
			return -1;
		}
		memcpy(v->str, bytes, n);
		v->str[n] = '\0';
		v->str_len = n;
	}
	st->n++;
	st->sorted = false;
	return 0;
}

static int
snmp_oid_cmp(const uint32_t *a, size_t alen, const uint32_t *b, size_t blen)
{
	size_t i, n = alen < blen ? alen : blen;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : alen > blen;
}

static int
snmp_var_cmp(const void *pa, const void *pb)
{
	const struct snmp_var *a = pa, *b = pb;
	int c = snmp_oid_cmp(a->oid, a->oid_len, b->oid, b->oid_len);

	/* Equal OIDs: in arrival order, so the later one can win. */
	if (c == 0)
		return a->seq < b->seq ? -1 : (a->seq > b->seq);
	return c;
}

void
snmp_store_sort(struct snmp_store *st)
{
	size_t i, j;

	if (st->sorted)
		return;
	if (st->n > 1)
		qsort(st->v, st->n, sizeof(*st->v), snmp_var_cmp);
	for (i = j = 0; i < st->n; i++) {
		if (j > 0 &&
		    snmp_oid_cmp(st->v[j - 1].oid, st->v[j - 1].oid_len,
		                 st->v[i].oid, st->v[i].oid_len) == 0) {
			free(st->v[j - 1].oid);
			free(st->v[j - 1].str);
			st->v[j - 1] = st->v[i];
			continue;
		}
		st->v[j++] = st->v[i];
	}
	st->n = j;
	st->sorted = true;
}

/* Index of the first variable >= oid. */
static size_t
snmp_store_lower(const struct snmp_store *st, const uint32_t *oid, size_t len)
{
	size_t lo = 0, hi = st->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (snmp_oid_cmp(st->v[mid].oid, st->v[mid].oid_len, oid, len) <
		    0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct snmp_var *
snmp_store_get(const struct snmp_store *st, const struct snmp_oid *base,
               const uint32_t *idx, size_t nidx)
{
	uint32_t oid[SNMP_OID_MAX];
	size_t len = base->len + nidx, i;

	if (len > SNMP_OID_MAX || !st->sorted)
		return NULL;
	memcpy(oid, base->v, base->len * sizeof(*oid));
	if (nidx > 0)
		memcpy(oid + base->len, idx, nidx * sizeof(*oid));
	i = snmp_store_lower(st, oid, len);
	if (i < st->n &&
	    snmp_oid_cmp(st->v[i].oid, st->v[i].oid_len, oid, len) == 0)
		return &st->v[i];
	return NULL;
}

const struct snmp_var *
snmp_store_next(const struct snmp_store *st, const struct snmp_oid *col,
                size_t *pos)
{
	const struct snmp_var *v;

	if (!st->sorted)
		return NULL;
	if (*pos == 0)
		*pos = snmp_store_lower(st, col->v, col->len) + 1;
	if (*pos - 1 >= st->n)
		return NULL;
	v = &st->v[*pos - 1];
	if (v->oid_len <= col->len ||
	    memcmp(v->oid, col->v, col->len * sizeof(*col->v)) != 0)
		return NULL;
	(*pos)++;
	return v;
}

bool
snmp_var_int(const struct snmp_var *v, int64_t *out)
{
	if (v == NULL)
		return false;
	switch (v->type) {
	case SNMP_T_INTEGER:
		*out = v->num;
		return true;
	case SNMP_T_COUNTER:
	case SNMP_T_GAUGE:
	case SNMP_T_TIMETICKS:
		*out = (int64_t)(v->unum & 0xffffffffu);
		return true;
	case SNMP_T_COUNTER64:
		if (v->unum > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)v->unum;
		return true;
	default:
		return false;
	}
}

bool
snmp_var_uint(const struct snmp_var *v, uint64_t *out)
{
	if (v == NULL)
		return false;
	switch (v->type) {
	case SNMP_T_INTEGER:
		if (v->num < 0)
			return false;
		*out = (uint64_t)v->num;
		return true;
	case SNMP_T_COUNTER:
	case SNMP_T_GAUGE:
	case SNMP_T_TIMETICKS:
		*out = v->unum & 0xffffffffu;
		return true;
	case SNMP_T_COUNTER64:
		*out = v->unum;
		return true;
	default:
		return false;
	}
}

/* Dotted decimal "1.3.6.1" (a leading dot allowed) into oid[]. */
static int
snmp_parse_dotted(const char *s, uint32_t *oid, size_t *len)
{
	size_t n = 0;
	char *end;
	unsigned long x;

	if (*s == '.')
		s++;
	while (*s != '\0') {
		if (n == SNMP_OID_MAX || *s < '0' || *s > '9')
			return -1;
		errno = 0;
		x = strtoul(s, &end, 10);
		if (errno != 0 || x > UINT32_MAX)
			return -1;
		oid[n++] = (uint32_t)x;
		s = end;
		if (*s == '.')
			s++;
		else if (*s != '\0')
			return -1;
	}
	*len = n;
	return n > 0 ? 0 : -1;
}

static int
snmp_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A variation module's value: "min=1,initial=1000,..." -> "1000". */
static const char *
snmp_variation_value(char *val)
{
	char *p, *tok;

	for (tok = strtok_r(val, ",", &p); tok != NULL;
	     tok = strtok_r(NULL, ",", &p)) {
		if (strncmp(tok, "initial=", 8) == 0)
			return tok + 8;
		if (strncmp(tok, "value=", 6) == 0)
			return tok + 6;
	}
	return NULL;
}

static int
snmp_store_snmprec_line(struct snmp_store *st, char *line)
{
	uint32_t oid[SNMP_OID_MAX];
	uint8_t buf[1024];
	size_t len, n = 0;
	char *tag, *val, *mod, *end;
	const char *v;
	long tagnum;
	bool hex;
	int hi, lo;

	if ((tag = strchr(line, '|')) == NULL)
		return -1;
	*tag++ = '\0';
	if ((val = strchr(tag, '|')) == NULL)
		return -1;
	*val++ = '\0';
	if (snmp_parse_dotted(line, oid, &len) != 0)
		return -1;
	if ((mod = strchr(tag, ':')) != NULL) {
		*mod = '\0';
		if ((v = snmp_variation_value(val)) == NULL)
			return 0; /* nothing static to take */
	} else {
		v = val;
	}
	hex = strchr(tag, 'x') != NULL;
	tagnum = strtol(tag, &end, 10);
	if (*end != '\0' && *end != 'x' && *end != 'e')
		return -1;
	switch (tagnum) {
	case SNMP_T_OCTETS:
	case SNMP_T_OPAQUE:
		if (hex) {
			for (; v[0] != '\0' && v[1] != '\0' && n < sizeof(buf);
			     v += 2) {
				if ((hi = snmp_hexval(v[0])) < 0 ||
				    (lo = snmp_hexval(v[1])) < 0)
					return -1;
				buf[n++] = (uint8_t)(hi << 4 | lo);
			}
		} else {
			n = strlen(v);
			if (n > sizeof(buf))
				n = sizeof(buf);
			memcpy(buf, v, n);
		}
		return snmp_store_add(st, oid, len, (uint8_t)tagnum, 0, buf, n);
	case SNMP_T_OID:
		return snmp_store_add(st, oid, len, SNMP_T_OID, 0, v,
		                      strlen(v));
	case SNMP_T_IPADDR: {
		unsigned a, b, c, d;

		if (sscanf(v, "%u.%u.%u.%u", &a, &b, &c, &d) != 4)
			return -1;
		buf[0] = (uint8_t)a, buf[1] = (uint8_t)b;
		buf[2] = (uint8_t)c, buf[3] = (uint8_t)d;
		return snmp_store_add(st, oid, len, SNMP_T_IPADDR, 0, buf, 4);
	}
	case SNMP_T_NULL:
		return snmp_store_add(st, oid, len, SNMP_T_NULL, 0, NULL, 0);
	case SNMP_T_INTEGER:
		return snmp_store_add(st, oid, len, SNMP_T_INTEGER,
		                      strtoll(v, NULL, 10), NULL, 0);
	case SNMP_T_COUNTER:
	case SNMP_T_GAUGE:
	case SNMP_T_TIMETICKS:
	case SNMP_T_COUNTER64:
		return snmp_store_add(st, oid, len, (uint8_t)tagnum,
		                      (int64_t)strtoull(v, NULL, 10), NULL, 0);
	default:
		return -1;
	}
}

int
snmp_store_load_snmprec(struct snmp_store *st, const char *path)
{
	FILE *f;
	char line[4096];
	size_t n;
	int rc = 0;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (snmp_store_snmprec_line(st, line) != 0) {
			if (errno != ENOMEM)
				errno = EINVAL;
			rc = -1;
			break;
		}
	}
	fclose(f);
	snmp_store_sort(st);
	return rc;
}
