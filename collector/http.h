/*
 * http.h: the collector's HTTP server (DESIGN.md section 8).
 *
 * libmicrohttpd runs in a thread of its own, so a slow client or a long
 * query never stalls MQTT handling.  That thread reads the database through
 * its own read-only connection (WAL lets it read while the event loop
 * writes) and the counters of stats.h (atomics); it shares nothing else
 * with the event loop.
 *
 * The server binds only the configured address: "127.0.0.1:8080" by
 * default; "[::1]:8080" for IPv6; port 0 picks a free port (tests), which
 * http_port() then tells.  With tls_cert and tls_key set it speaks HTTPS
 * only.
 */
#ifndef PANTAU_COLLECTOR_HTTP_H
#define PANTAU_COLLECTOR_HTTP_H

#include <stddef.h>

#define HTTP_LISTEN_DEFAULT "127.0.0.1:8080"

struct http;

/*
 * What http_start() needs.  The strings are copied; the struct may go away
 * after the call.  Fields left NULL take the defaults noted.
 */
struct http_config {
	const char *listen;   /* "ADDR:PORT", default HTTP_LISTEN_DEFAULT */
	const char *tls_cert; /* PEM file; both set: HTTPS */
	const char *tls_key;  /* PEM file */
	const char *db_path;  /* DATA/pantau.db, already created and migrated */
	const char *data_dir; /* DATA (rrd/, reports/) */
	const char *dashboards_dir; /* the UI's files; NULL: none served */
	const char *rrd_cached;     /* "unix:/path" for graphs, or NULL */
};

/*
 * Parses and binds the listen address, opens the database read-only and
 * starts serving.  Returns the server, or NULL with a message in err (bad
 * address, address in use, unreadable certificate, database not openable).
 * Call it after db_open() has migrated the database in the event loop.
 */
struct http *http_start(const struct http_config *cfg, char *err, size_t errsz);

/*
 * Stops accepting, finishes the requests in progress and frees everything.
 * NULL is a no-op.
 */
void http_stop(struct http *h);

/* The port actually bound (useful with port 0), or 0. */
unsigned http_port(const struct http *h);

/*
 * Parses "ADDR:PORT" or "[ADDR6]:PORT" with a numeric address.  Returns 0
 * and fills 'addr' (a struct sockaddr_storage or larger) and *addrlen, or -1
 * with a message in err.  Exposed for config.c's -n check.
 */
int http_listen_parse(const char *listen, void *addr, size_t addrsz,
                      unsigned *addrlen, char *err, size_t errsz);

#endif
