/*
 * https-server.h - the backend's HTTPS plumbing: GNU libmicrohttpd on GnuTLS.
 *
 * TLS 1.3 only, key exchange on X25519, P-256 or P-384 only (a
 * finite-field group costs the server up to 0.43 s a handshake), and a
 * client certificate signed by the shop CA is required
 * on every connection: the handshake fails without one (GNUTLS_CERT_REQUIRE
 * set on each session as it starts, and the chain checked with the client
 * purpose inside the handshake).  The one exception is an open path (see
 * https_config): a client with no certificate may then ask for that path
 * alone.  Limits on connections, connections per address, request body
 * size, idle time, and total request time, each answered with an HTTP
 * status where the protocol leaves room for one:
 *
 *  - a connection opened past max_connections makes room: the server
 *    closes the open connection that has waited longest without sending a
 *    whole request (its handshake or headers unfinished, idle between
 *    requests, or, without a client certificate, its body still coming),
 *    from the address holding the most, so that slow clients trickling
 *    their headers, or the body of a join, cannot keep desks out.  A desk's
 *    request being read, and any request being answered, is never cut;
 *  - a connection opened past max_per_ip from its address, or past
 *    max_connections when no connection can make room, is let through the
 *    handshake and its request answered 503 with Retry-After, then closed.
 *    The server counts open connections itself for that; libmicrohttpd's
 *    own limits, which can only drop a connection at accept (the client
 *    sees no answer), are set higher (four times ours in all, twice per
 *    address) as a backstop, so that a flood of TLS handshakes still
 *    cannot exhaust the server;
 *  - a request that libmicrohttpd would serve leniently or leave
 *    unanswered is refused and its connection closed: a target over 1 KiB
 *    or with more than 16 query arguments gets 414, a %00 in it 400, an
 *    HTTP/1.1 request without exactly one Host 400, a Transfer-Encoding
 *    other than chunked 501, and one with a Content-Length too 400.  A
 *    request line with no space in it (GARBAGE) is still dropped by
 *    libmicrohttpd 0.9.75 before any of this can see it;
 *  - a body over max_body (open_max_body for a client without a
 *    certificate) gets 413 before it is read, or, chunked, as soon as it
 *    passes the cap (the connection is then closed);
 *  - a request whose body is still coming when request_time passes gets
 *    408 on its next piece, and the connection is closed.  A client that
 *    does not finish its headers, or falls silent (BODY_GRACE_S after the
 *    limit in the middle of a body), is cut off by a watchdog thread: no
 *    status can reach a peer that sends nothing to answer.
 *
 * The others are served meanwhile.  Every request that passes is handed,
 * body complete, to the handler the server was given; this file knows
 * nothing of the shop.
 *
 * A pool of threads serves the connections (threads; by default two per
 * core), each connection always on the same one: handshakes, records and
 * bodies of different clients go on at once, and so may the handler and
 * the other callbacks (peer_refused, open_refused, log), once per thread.
 * The caller serialises what its handler shares (orderdeskd: one lock
 * around the backend, app/orderdeskd/serve-cmd.c).
 */
#ifndef OD_HTTPS_SERVER_H
#define OD_HTTPS_SERVER_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"

#define HTTPS_PEER_MAX 64   /* bytes of a client certificate's name */

struct https_request {
	const char *method;   /* "GET", "POST", ... */
	const char *path;     /* without the query */
	const char *peer;     /* the client certificate's common name */
	const char *peer_unit; /* its organizational unit, "" if none */
	const char *peer_addr; /* the client's IP address, "" if unknown */
	int anonymous;        /* no certificate: the request is for open_path
				 and peer is "" */
	const char *body;     /* NUL-terminated; len bytes */
	size_t len;
	void *conn;           /* for https_request_arg */
};

/* A query argument of the request (borrowed), or NULL. */
const char *https_request_arg(const struct https_request *req,
			      const char *name);

/* A header of the request (borrowed), or NULL (net/https-header.c). */
const char *https_request_header(const struct https_request *req,
				 const char *name);

/*
 * Answers one request: writes a JSON body to out (capped by the server) and
 * returns the HTTP status.
 */
typedef unsigned (*https_handler_fn)(void *ctx, const struct https_request *req,
				     struct buf *out);

/* One line for the log, never with a secret or customer data. */
typedef void (*https_log_fn)(void *ctx, const char *line);

struct https_config {
	const char *cert_pem;          /* the server's certificate */
	const char *key_pem;           /* and key */
	const char *ca_pem;            /* the shop CA: who may connect */
	const char *address;           /* IPv4 literal to listen on */
	unsigned port;                 /* 0: any free port */
	unsigned max_connections;      /* past it, room or 503 (above) */
	unsigned max_per_ip;           /* past it, 503 (see above) */
	size_t max_body;               /* larger bodies get 413 */
	size_t open_max_body;          /* the same for a request without a
					  certificate (open_path), which is
					  only ever small; 0: max_body */
	size_t max_response;           /* handler output cap */
	unsigned timeout_s;            /* idle connections are closed */
	unsigned request_time_s;       /* a request not received whole this
					  long after its connection opened
					  or its last request ended gets
					  408, or is cut off if it is
					  silent (see above); 0: no limit */
	https_handler_fn handler;
	https_log_fn log;              /* may be NULL */
	/* Whether a verified peer is refused anyway (e.g. revoked), asked on
	 * every request before its body is read; serial is the
	 * certificate's serial number in lower-case hex.  NULL: none is. */
	int (*peer_refused)(void *ctx, const char *serial, const char *cn);
	/* The one path a client with no certificate may ask for (joining a
	 * shop), or NULL: then a certificate is required in the handshake.
	 * With it, a certificate is requested, one that is sent is checked
	 * as always, and a request without one for any other path gets 401
	 * before its body is read. */
	const char *open_path;
	/* Paths under this prefix are open too (storefronts' webhooks,
	 * which authenticate their bodies themselves), their bodies capped
	 * by open_prefix_max_body (0: open_max_body).  NULL: none. */
	const char *open_prefix;
	size_t open_prefix_max_body;
	/* Told of a request for open_path without a certificate that the
	 * server refuses itself for its body's size (413), with the client's
	 * address, so that it can count as a failed try.  May be NULL. */
	void (*open_refused)(void *ctx, const char *addr);
	/* The one path a client with a certificate may send a body of up
	 * to big_max_body to (one evidence file), whatever max_body says;
	 * NULL: none. */
	const char *big_path;
	size_t big_max_body;
	/* The content type of the handler's answer with status, or NULL
	 * (also when this is NULL): application/json.  A witness answers
	 * in the types of C2SP tlog-witness. */
	const char *(*content_type)(void *ctx, unsigned status);
	void *ctx;                     /* for handler and log */
	unsigned threads;              /* serving threads; 0: two per core
					  (HTTPS_THREADS_MAX at most) */
};

#define HTTPS_THREADS_MAX 16

struct https_server;

/*
 * Whether a client without a certificate may ask for path (open_path, or
 * under open_prefix); *cap gets its body cap (0: max_body).
 * (net/https-open.c)
 */
int https_open_cap(const struct https_config *cfg, const char *path,
		   size_t *cap);

/*
 * Starts serving on threads of its own.  The PEM strings are copied.  A
 * busy port or a bad certificate gives a message saying which.  *out is the
 * caller's (https_server_stop).
 */
enum od_code https_server_start(const struct https_config *cfg,
				struct https_server **out, struct od_err *err);

/* The port the server listens on (useful after asking for port 0). */
unsigned https_server_port(const struct https_server *s);

/* Stops serving, closing every connection; NULL is a no-op. */
void https_server_stop(struct https_server *s);

#endif
