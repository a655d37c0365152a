/*
 * notify_store.c: the queues of the targets on disk, DATA/notify/<target>.json,
 * so that messages not yet delivered survive a restart (and, written every
 * few seconds while they change, most of a crash).  The file is JSON:
 * {"version": 1, "target": NAME, "items": [...]}, each item in the form of
 * notify_item_store().  A summary of rate-limited messages is stored as
 * the messages it sums up; they are summed up again after the restart if
 * the limit still holds.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector/notify_priv.h"
#include "common/log.h"

#define NOTIFY_STORE_VERSION 1
#define NOTIFY_STORE_MAX (64L << 20) /* bytes; a queue is far smaller */

static int
notify_store_add(cJSON *arr, const struct notify_item *it)
{
	const struct notify_item *c;
	cJSON *o;

	if (it->children != NULL) {
		for (c = it->children; c != NULL; c = c->next)
			if (notify_store_add(arr, c) != 0)
				return -1;
		return 0;
	}
	if ((o = notify_item_store(it)) == NULL)
		return -1;
	cJSON_AddItemToArray(arr, o);
	return 0;
}

char *
notify_store_render(const struct notify_item *items,
                    const struct notify_item *held, bool *failed)
{
	const struct notify_item *it;
	cJSON *root, *arr;
	char *text = NULL;

	*failed = false;
	if (items == NULL && held == NULL)
		return NULL;
	if ((root = cJSON_CreateObject()) == NULL)
		goto fail;
	cJSON_AddNumberToObject(root, "version", NOTIFY_STORE_VERSION);
	if ((arr = cJSON_AddArrayToObject(root, "items")) == NULL)
		goto fail;
	for (it = items; it != NULL; it = it->next)
		if (notify_store_add(arr, it) != 0)
			goto fail;
	for (it = held; it != NULL; it = it->next)
		if (notify_store_add(arr, it) != 0)
			goto fail;
	if ((text = cJSON_PrintUnformatted(root)) == NULL)
		goto fail;
	cJSON_Delete(root);
	return text;

fail:
	cJSON_Delete(root);
	*failed = true;
	return NULL;
}

int
notify_store_write(const char *dir, const char *target, const char *text)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	size_t len, off = 0;
	ssize_t w;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.json", dir, target);
	if (text == NULL) {
		if (unlink(path) != 0 && errno != ENOENT) {
			log_err("notify: cannot remove %s: %s", path,
			        strerror(errno));
			return -1;
		}
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.json.tmp", dir, target);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) <
	    0)
		goto fail;
	len = strlen(text);
	while (off < len) {
		if ((w = write(fd, text + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail_fd;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail_fd;
	if (close(fd) != 0) {
		fd = -1;
		goto fail_fd;
	}
	if (rename(tmp, path) != 0)
		goto fail;
	return 0;

fail_fd:
	if (fd >= 0)
		close(fd);
fail:
	log_err("notify: cannot write %s: %s; undelivered notifications "
	        "will be lost at shutdown",
	        path, strerror(errno));
	unlink(tmp);
	return -1;
}

/* The whole file in a string, or NULL (missing: *missing set). */
static char *
notify_store_read(const char *path, bool *missing)
{
	struct stat st;
	char *buf;
	size_t n;
	FILE *f;

	*missing = false;
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			*missing = true;
		else
			log_err("notify: cannot read %s: %s", path,
			        strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || st.st_size > NOTIFY_STORE_MAX ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		log_err("notify: cannot read %s: too large or no memory", path);
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* A file we cannot use is kept for a human, not deleted. */
static void
notify_store_set_aside(const char *path)
{
	char bad[PATH_MAX + 8];

	snprintf(bad, sizeof(bad), "%s.bad", path);
	if (rename(path, bad) == 0)
		log_err("notify: %s is damaged, moved to %s", path, bad);
}

struct notify_item *
notify_store_load(const char *dir, const char *target, size_t *n)
{
	struct notify_item *head = NULL, **tail = &head, *it;
	const cJSON *arr, *o;
	char path[PATH_MAX], *text;
	size_t bad = 0;
	bool missing;
	cJSON *root;

	*n = 0;
	snprintf(path, sizeof(path), "%s/%s.json", dir, target);
	if ((text = notify_store_read(path, &missing)) == NULL)
		return NULL;
	root = cJSON_Parse(text);
	free(text);
	arr = cJSON_GetObjectItemCaseSensitive(root, "items");
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(root);
		notify_store_set_aside(path);
		return NULL;
	}
	cJSON_ArrayForEach(o, arr)
	{
		if ((it = notify_item_load(o)) == NULL) {
			bad++;
			continue;
		}
		*tail = it;
		tail = &it->next;
		(*n)++;
	}
	cJSON_Delete(root);
	if (bad > 0)
		log_err("notify: %s: %zu unusable messages skipped", path, bad);
	return head;
}
