/*
 * notify_attach.c: the files a notification carries (the monthly reports,
 * issue 10).  A message holds only their paths, in memory and in the
 * queue file under DATA/notify/; the content is read when a mail is sent,
 * so a queue of large reports costs no memory and a restart keeps them.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "collector/notify_priv.h"

#define NOTIFY_ATTACH_PATH_MAX 4096

/* Absolute, bounded, no control characters: it reaches a mail header. */
static bool
notify_attach_valid(const char *p)
{
	size_t n = strlen(p), i;

	if (n < 2 || n >= NOTIFY_ATTACH_PATH_MAX || p[0] != '/' ||
	    p[n - 1] == '/')
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return false;
	return true;
}

int
notify_attach_copy(struct notify_item *it, const char *const *src, size_t n,
                   const char **why)
{
	size_t i;

	if (n == 0)
		return 0;
	if (src == NULL || n > NOTIFY_ATTACH_MAX) {
		*why = "too many attachments";
		return -1;
	}
	for (i = 0; i < n; i++)
		if (src[i] == NULL || !notify_attach_valid(src[i])) {
			*why = "an attachment is not an absolute path";
			return -1;
		}
	if ((it->attach = calloc(n, sizeof(*it->attach))) == NULL)
		goto fail_mem;
	for (i = 0; i < n; i++) {
		if ((it->attach[i] = strdup(src[i])) == NULL)
			goto fail_mem;
		it->nattach++;
	}
	return 0;

fail_mem:
	notify_attach_free(it);
	*why = "out of memory";
	return -1;
}

void
notify_attach_free(struct notify_item *it)
{
	size_t i;

	for (i = 0; i < it->nattach; i++)
		free(it->attach[i]);
	free(it->attach);
	it->attach = NULL;
	it->nattach = 0;
}

const char *
notify_attach_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

const char *
notify_attach_type(const char *path)
{
	static const char *const types[][2] = {
	    {".pdf", "application/pdf"},
	    {".csv", "text/csv; charset=UTF-8"},
	    {".json", "application/json"},
	    {".txt", "text/plain; charset=UTF-8"},
	    {".png", "image/png"},
	};
	size_t n = strlen(path), k, i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		k = strlen(types[i][0]);
		if (n > k && strcasecmp(path + n - k, types[i][0]) == 0)
			return types[i][1];
	}
	return "application/octet-stream";
}

unsigned char *
notify_attach_read(const char *path, size_t *len)
{
	unsigned char *buf;
	struct stat st;
	FILE *f;
	size_t n;

	if ((f = fopen(path, "rbe")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > NOTIFY_ATTACH_SIZE) {
		fclose(f);
		errno = EFBIG;
		return NULL;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f) || n != (size_t)st.st_size) {
		fclose(f);
		free(buf);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

void
notify_attach_json(cJSON *o, const char *key, const struct notify_item *it,
                   bool names)
{
	cJSON *a;
	size_t i;

	if (it->nattach == 0 || (a = cJSON_AddArrayToObject(o, key)) == NULL)
		return;
	for (i = 0; i < it->nattach; i++)
		cJSON_AddItemToArray(
		    a,
		    cJSON_CreateString(names ? notify_attach_name(it->attach[i])
		                             : it->attach[i]));
}

int
notify_attach_load(struct notify_item *it, const cJSON *o)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "attach"), *e;
	const char *paths[NOTIFY_ATTACH_MAX], *why;
	size_t n = 0;

	if (a == NULL)
		return 0;
	if (!cJSON_IsArray(a))
		return -1;
	cJSON_ArrayForEach(e, a)
	{
		if (n == NOTIFY_ATTACH_MAX || !cJSON_IsString(e))
			return -1;
		paths[n++] = e->valuestring;
	}
	return notify_attach_copy(it, paths, n, &why);
}
