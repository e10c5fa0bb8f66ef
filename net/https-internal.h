/*
 * https-internal.h - what the files of the HTTPS server share and nothing
 * else sees: the server, its connections, a request under way, and the
 * functions one file of it calls in another.  Under net/ only.
 */
#ifndef OD_HTTPS_INTERNAL_H
#define OD_HTTPS_INTERNAL_H

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <pthread.h>
#include <time.h>

#include "net/https-server.h"

/* Open connections from one address. */
struct addr_count {
	char addr[INET6_ADDRSTRLEN];
	unsigned n;
	unsigned cut;            /* of them, cut and not yet closed (under
				    the lock: the watchdog cuts too) */
	struct addr_count *next;
};

/* One open connection: its address's count and the watchdog's entry. */
struct conn_watch {
	int fd;
	struct timespec since;   /* opened, or its last request ended */
	int cut;
	int in_body;             /* its request's headers are in: the access
				    handler can still answer it (408) */
	int open_body;           /* and it has no certificate, and its body
				    is still coming: make_room may cut it */
	int watched;             /* in the list of connections */
	int over;                /* opened past max_connections or
				    max_per_ip: every request gets 503 */
	int over_ip;             /* and it was max_per_ip */
	struct https_server *srv; /* for say_cert_refused */
	unsigned uri_refuse;     /* on_uri's verdict on the request under
				    way: an HTTP status, or 0 */
	struct addr_count *from; /* NULL: address unknown, not counted */
	struct conn_watch *prev, *next;
};

struct https_server {
	struct MHD_Daemon *daemon;
	struct https_config cfg;
	char *cert, *key, *ca;   /* copies: MHD keeps pointers to them */
	unsigned port;
	/* Everything below is shared by the serving threads (and the
	 * watchdog): under lock. */
	pthread_mutex_t lock;
	/* Open connections, per address and in all. */
	struct addr_count *addrs;
	unsigned open;
	/* Every open connection, for make_room and the watchdog (for
	 * request_time_s, if set). */
	struct conn_watch *conns;
	pthread_t watchdog;
	int watching, thread_on, stopping;
	unsigned evicted;        /* by make_room since the last log line */
	unsigned quiet_cuts;     /* make_room's cuts whose complaint from
				    libmicrohttpd on_mhd_log drops */
	unsigned evicted_bodies; /* of evicted, anonymous bodies */
	time_t evicted_said;     /* and when that line was written */
	int quiet_close;         /* answer_late closed a connection: drop
				    libmicrohttpd's complaint about it */
	gnutls_datum_t ticket;   /* the session ticket key (wiped), or none */
};

/* One request as it arrives: its body so far and what is wrong with it. */
struct request_state {
	struct buf body;
	char peer[HTTPS_PEER_MAX + 1];
	char unit[HTTPS_PEER_MAX + 1];
	char serial[2 * 40 + 1];
	char addr[INET6_ADDRSTRLEN];
	int anonymous;           /* no certificate: only open_path */
	unsigned refuse;         /* an HTTP status decided early, or 0 */
	const char *why;         /* and the sentence that goes with it */
	int body_done;           /* answered 408: the rest is not read */
};

/* https-limits.c: connections, per address and in all. */

/*
 * Cuts off connections whose request has taken longer than the limit.
 * Only a client that is silent gets here: one still sending its body is
 * answered 408 by the access handler on its next piece, so it is given
 * BODY_GRACE_S more for that piece to arrive.  A client that never
 * finishes its headers, or stops sending, cannot be told anything (no
 * status reaches a peer that sends nothing for libmicrohttpd to answer),
 * so it is just cut off.  shutdown() under the lock: libmicrohttpd tells
 * of a closed connection (which unlinks it, under the same lock) before it
 * closes the socket, so the descriptor cannot have been reused meanwhile.
 * libmicrohttpd then sees the connection end and closes it in its own
 * thread.
 */
void *https_watchdog_main(void *arg);

/* Writes a connection's address (numeric) to out, "" if unknown. */
void https_conn_addr(struct MHD_Connection *conn, char *out, size_t size);

/* Counts a new connection and starts watching it (socket_context is its
 * entry). */
void https_watch_start(struct https_server *s, struct MHD_Connection *conn,
		       void **socket_context);

/* Uncounts a closed connection and stops watching it. */
void https_watch_end(struct https_server *s, void **socket_context);

/* The entry of a connection, or NULL. */
struct conn_watch *https_watch_of(struct MHD_Connection *conn);

/* A request ended: the next one on this connection gets its own time. */
void https_watch_reset(struct https_server *s, struct MHD_Connection *conn);

/*
 * A request's headers are in: from now on it can be answered 408.
 * anonymous: it has no certificate, and make_room may cut it until its
 * body is whole (https_watch_whole).
 */
void https_watch_body(struct https_server *s, struct conn_watch *w,
		      int anonymous);

/* A request's body is whole (or refused): it is being answered. */
void https_watch_whole(struct https_server *s, struct conn_watch *w);

/* Whether a request has run past request_time (read in the connection's
 * serving thread, the only one that writes since). */
int https_watch_late(struct https_server *s, struct conn_watch *w);

/* https-tls.c: the client certificate. */

/* Whether the client sent no certificate at all. */
int https_no_certificate(gnutls_session_t session);

/*
 * Checks the client's chain against the shop CA, for the client purpose,
 * inside the handshake: a certificate from another CA or a server
 * certificate ends the handshake before any HTTP is read.  None at all
 * passes the handshake only when the server has an open path (joining);
 * https_check_headers then refuses every other path with 401.
 */
int https_verify_client(gnutls_session_t session);

/* https_verify_client, but letting a client with no certificate at all in. */
int https_verify_client_open(gnutls_session_t session);

/*
 * Reads the verified peer's common name, organizational unit ("" when it
 * has none) and serial number (lower-case hex, into a buffer of 81); 0 if
 * there is no verified certificate or no name.
 */
int https_peer_name(struct MHD_Connection *conn, char *out, size_t size,
		    char *unit, size_t unit_size, char *serial);

/* https-request.c: a request's head and the server's own answers. */

/*
 * Answers with {"error": msg}; msg is a fixed, plain sentence.  closing and
 * retry_after as for respond_with.
 */
enum MHD_Result https_respond_error_with(struct https_server *s,
					 struct MHD_Connection *conn,
					 unsigned status, const char *msg,
					 int closing, const char *retry_after);

/* Answers with {"error": msg}; msg is a fixed, plain sentence. */
enum MHD_Result https_respond_error(struct https_server *s,
				    struct MHD_Connection *conn,
				    unsigned status, const char *msg);

/*
 * Refuses what libmicrohttpd 0.9.75 lets through or leaves unanswered:
 * without this a Transfer-Encoding it does not know had it wait for the
 * body until the client hung up, with no status.  A request whose framing
 * is in doubt is refused, never guessed at (request smuggling).  0, or the
 * HTTP status with *why.
 */
unsigned https_check_protocol(struct MHD_Connection *conn,
			      const char *version, const char **why);

/*
 * libmicrohttpd's URI logger: looks at a request's target as sent, before
 * it is decoded.  A %00 would cut the decoded path short (GET /v1/log%00
 * was served as /v1/log), and a long target or many arguments are no
 * request of ours (2,000 arguments once filled the connection's memory,
 * and the connection was dropped without a status).  The verdict waits in
 * the connection's entry until its headers are in (on_request).
 */
void *https_on_uri(void *cls, const char *uri, struct MHD_Connection *conn);

/* Decides early what a request's headers already tell. */
void https_check_headers(struct https_server *s, struct MHD_Connection *conn,
			 const char *url, struct request_state *rs);

/*
 * Answers status (reason: its HTTP reason phrase) with {"error": msg} in
 * the middle of a request's body, and closes the connection.
 * libmicrohttpd 0.9.75 takes a response only before the body is read or
 * once it is whole (MHD_queue_response fails in between), so the answer is
 * written to the TLS session here: this runs in the connection's serving
 * thread, inside its read of this connection, which has no response of
 * its own under way.  A client whose socket cannot take it at once is just
 * cut off.
 */
enum MHD_Result https_answer_midway(struct https_server *s,
				    struct MHD_Connection *conn,
				    unsigned status, const char *reason,
				    const char *msg);

/*
 * Answers 408 to a request whose body is still coming after request_time,
 * and closes the connection.  midway: 0 when the body is whole, and
 * libmicrohttpd sends the answer itself.
 */
enum MHD_Result https_answer_late(struct https_server *s,
				  struct MHD_Connection *conn, int midway);

/*
 * Tells the app of a join refused here for its size (https_open_refused), so
 * that it counts as a failed try like any other malformed join.
 */
void https_open_refused(struct https_server *s,
			const struct request_state *rs);

/* Queues the handler's answer out with status, in its content type. */
enum MHD_Result https_respond_answer(const struct https_server *s,
				     struct MHD_Connection *conn,
				     unsigned status, const struct buf *out);

#endif
