/*
 * static.c: serving the dashboards' files (static.h).
 *
 * The files are small (the whole UI is a few hundred kB) and read whole
 * for each request that is not answered 304; a browser revalidates with
 * If-None-Match, so a page view costs a stat() per file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector/api.h"
#include "collector/static.h"
#include "common/log.h"

#define STATIC_NAME_MAX 128
#define STATIC_FILE_MAX (4 * 1024 * 1024)

static const struct {
	const char *ext;
	const char *type;
} static_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
};

/* The type of 'name' by its extension, or NULL: not served. */
static const char *
static_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL)
		return NULL;
	for (i = 0; i < sizeof static_types / sizeof static_types[0]; i++)
		if (strcmp(dot, static_types[i].ext) == 0)
			return static_types[i].type;
	return NULL;
}

/*
 * One path part: [A-Za-z0-9_.-], not empty, not starting with '.' (so
 * neither ".." nor a hidden file), at most STATIC_NAME_MAX bytes.
 */
static int
static_name_ok(const char *s)
{
	size_t n;

	if (s == NULL || s[0] == '\0' || s[0] == '.')
		return 0;
	for (n = 0; s[n] != '\0'; n++) {
		if (n == STATIC_NAME_MAX)
			return 0;
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		      (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9') || s[n] == '_' ||
		      s[n] == '-' || s[n] == '.'))
			return 0;
	}
	return 1;
}

/* Reads an open regular file of 'size' bytes into a malloc'd buffer. */
static char *
static_read(int fd, size_t size)
{
	char *buf;
	size_t got = 0;
	ssize_t n;

	if ((buf = malloc(size ? size : 1)) == NULL)
		return NULL;
	while (got < size) {
		n = read(fd, buf + got, size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return NULL;
		}
		got += (size_t)n;
	}
	return buf;
}

/*
 * True when the If-None-Match header lists 'etag' (or is "*").  The list
 * is compared by substring, which is exact for our quoted tags.
 */
static int
static_not_modified(const struct http_req *req, const char *etag)
{
	const char *inm = http_req_header(req, "If-None-Match");

	return inm != NULL && (strcmp(inm, "*") == 0 || strstr(inm, etag));
}

/* Serves DASHBOARDS/<dir>/<name> ('dir' NULL: DASHBOARDS/<name>). */
static int
static_serve(struct http_req *req, const char *dir, const char *name)
{
	const char *root = http_req_dashboards_dir(req);
	const char *type;
	char path[4096], etag[64], *buf;
	const char *headers[] = {
	    "ETag",          NULL, /* set below */
	    "Cache-Control", "no-cache", "Content-Security-Policy",
	    STATIC_CSP,      NULL,
	};
	struct stat st;
	int fd, n;

	if (root == NULL || !static_name_ok(name) ||
	    (dir != NULL && !static_name_ok(dir)) ||
	    (type = static_type(name)) == NULL)
		return http_reply_error(req, 404, "not found");
	n = dir ? snprintf(path, sizeof path, "%s/%s/%s", root, dir, name)
	        : snprintf(path, sizeof path, "%s/%s", root, name);
	if (n < 0 || (size_t)n >= sizeof path)
		return http_reply_error(req, 404, "not found");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return http_reply_error(req, 404, "not found");
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > STATIC_FILE_MAX) {
		close(fd);
		return http_reply_error(req, 404, "not found");
	}
	snprintf(etag, sizeof etag, "\"%llx-%llx-%lx\"",
	         (unsigned long long)st.st_size,
	         (unsigned long long)st.st_mtim.tv_sec,
	         (unsigned long)st.st_mtim.tv_nsec);
	headers[1] = etag;
	if (static_not_modified(req, etag)) {
		close(fd);
		return http_reply_bytes(req, 304, type, NULL, 0, headers);
	}
	buf = static_read(fd, (size_t)st.st_size);
	close(fd);
	if (buf == NULL) {
		log_warn("http: cannot read %s", path);
		return http_reply_error(req, 500, "cannot read file");
	}
	return http_reply_bytes(req, 200, type, buf, (size_t)st.st_size,
	                        headers);
}

int
static_index(struct http_req *req)
{
	return static_serve(req, NULL, "index.html");
}

int
static_file(struct http_req *req)
{
	const char *b = http_req_param(req, 1);

	if (b == NULL)
		return static_serve(req, NULL, http_req_param(req, 0));
	return static_serve(req, http_req_param(req, 0), b);
}
