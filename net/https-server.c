/* https-server.c - libmicrohttpd on GnuTLS, mutual TLS 1.3, bounded. */
#include "net/https-server.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * TLS 1.3 and nothing else (DESIGN.md section 7), with elliptic-curve key
 * exchange only: a client may ask for a finite-field group (ffdhe2048 to
 * 8192), and one ffdhe8192 handshake costs the server 0.43 s of CPU against
 * well under a millisecond for X25519, so an anonymous client could keep the
 * one server thread busy with handshakes alone.
 */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:" \
			"+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1"

/*
 * How long a client in the middle of its body may stay silent past
 * request_time before the watchdog cuts it off: the next piece of its body
 * within that time is answered 408 instead (see on_request).
 */
#define BODY_GRACE_S 3

/* Seconds a client turned away for too many connections is told to wait. */
#define RETRY_AFTER_S "2"

/*
 * The longest request target, and the most query arguments, a request may
 * have: every route takes at most two short arguments.  Past them, 414.
 */
#define URI_MAX 1024
#define ARGS_MAX 16

/*
 * Memory for one connection's request head.  libmicrohttpd 0.9.75 gives
 * half of it to reading and keeps each query argument's record in the
 * rest; when that runs out it drops the connection with no status at all
 * (it has no memory left to answer).  256 KiB leaves room for about 3,000
 * arguments, so that on_uri's 414 reaches any client sending a few
 * thousand (at 64 KiB, 1,000 were dropped unanswered; at 128 KiB, 2,000;
 * at 160 KiB, 2,500; at 256 KiB 3,500 still get 414, 4,000 do not).  It
 * is reserved, not used: libmicrohttpd maps it and pages come in as a
 * client's bytes do, and make_room keeps the live connections at
 * max_connections, so 64 connections each sending 120 KB of headers cost
 * 8.6 MB of resident memory (16 MiB at most), with 320 trying at once.
 */
#define CONN_MEMORY (256 * 1024)

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

/* Seconds from a to b. */
static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

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
static void *watchdog_main(void *arg)
{
	struct https_server *s = arg;
	struct timespec now, nap = { 0, 100 * 1000 * 1000 };
	struct conn_watch *w;
	double limit;
	int cut;

	for (;;) {
		nanosleep(&nap, NULL);
		cut = 0;
		pthread_mutex_lock(&s->lock);
		if (s->stopping) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (w = s->conns; w != NULL; w = w->next) {
			limit = (double)s->cfg.request_time_s +
				(w->in_body ? BODY_GRACE_S : 0);
			if (w->cut || elapsed(&w->since, &now) < limit)
				continue;
			shutdown(w->fd, SHUT_RDWR);
			w->cut = 1;
			if (w->from != NULL)
				w->from->cut++;
			cut++;
		}
		pthread_mutex_unlock(&s->lock);
		if (cut > 0 && s->cfg.log != NULL)
			s->cfg.log(s->cfg.ctx, "closed a connection: its request "
				   "took longer than request_time");
	}
	return NULL;
}

/* Writes a connection's address (numeric) to out, "" if unknown. */
static void conn_addr(struct MHD_Connection *conn, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	out[0] = '\0';
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  out, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr,
			  out, (socklen_t)size);
}

/*
 * Counts a new connection against its address and the whole, and marks it
 * over if it passes max_per_ip (max_connections is make_room's).  The
 * entry of an address is made on its first connection and freed with its
 * last.
 */
static void count_open(struct https_server *s, struct MHD_Connection *conn,
		       struct conn_watch *w)
{
	char addr[INET6_ADDRSTRLEN];
	struct addr_count *a;

	conn_addr(conn, addr, sizeof addr);
	pthread_mutex_lock(&s->lock);
	s->open++;
	for (a = s->addrs; addr[0] != '\0' && a != NULL &&
	     strcmp(a->addr, addr) != 0; a = a->next)
		;
	if (addr[0] != '\0' && a == NULL && (a = calloc(1, sizeof *a)) != NULL) {
		memcpy(a->addr, addr, sizeof addr);
		a->next = s->addrs;
		s->addrs = a;
	}
	/* Without an address or memory, uncounted: libmicrohttpd's limit
	 * holds. */
	if (addr[0] != '\0' && a != NULL) {
		a->n++;
		w->from = a;
		/* Those cut and not closed yet are gone already: a slow
		 * client that comes back at once must not turn away a desk
		 * from its address. */
		if (a->n - a->cut > s->cfg.max_per_ip)
			w->over = w->over_ip = 1;
	}
	pthread_mutex_unlock(&s->lock);
}

/* Takes a closed connection off the counts. */
static void count_close(struct https_server *s, struct conn_watch *w)
{
	struct addr_count **p;

	pthread_mutex_lock(&s->lock);
	s->open--;
	if (w->from != NULL && --w->from->n == 0) {
		for (p = &s->addrs; *p != NULL; p = &(*p)->next) {
			if (*p == w->from) {
				*p = w->from->next;
				free(w->from);
				break;
			}
		}
	}
	pthread_mutex_unlock(&s->lock);
}

/*
 * Whether a is a better connection to cut than b (NULL: none yet): one
 * already turned away (over) first, then one from the address holding the
 * most, then the one waiting longest.
 */
static int worse(const struct conn_watch *a, const struct conn_watch *b)
{
	unsigned an = a->from != NULL ? a->from->n - a->from->cut : 0;
	unsigned bn;

	if (b == NULL)
		return 1;
	bn = b->from != NULL ? b->from->n - b->from->cut : 0;
	if (a->over != b->over)
		return a->over;
	if (an != bn)
		return an > bn;
	return a->since.tv_sec != b->since.tv_sec ?
	       a->since.tv_sec < b->since.tv_sec :
	       a->since.tv_nsec < b->since.tv_nsec;
}

/*
 * Keeps the connections at max_connections by cutting one that has not
 * sent a whole request (its handshake or headers unfinished, idle between
 * requests, or, without a client certificate, its body still coming) to
 * make room for w: slow clients that trickle their headers, or the body of
 * a join (which anyone may send), could otherwise hold every place until
 * request_time, and every desk would be turned away meanwhile.  A desk
 * sending its body, and any client being answered, is never cut: a real
 * join's body (under 1 KiB) comes whole with its headers, so only one
 * sent slowly is ever in the way.  Only if there is none, w itself is
 * over (503).  Under the lock (like every change to in_body, open_body
 * and over), in the serving thread of w.
 */
static void make_room(struct https_server *s, struct conn_watch *w)
{
	struct conn_watch *c, *victim = NULL;
	unsigned live = 0, evicted = 0, bodies = 0;
	time_t now = time(NULL);
	char line[256];

	pthread_mutex_lock(&s->lock);
	for (c = s->conns; c != NULL; c = c->next) {
		if (c->cut)
			continue;
		live++;
		if (c != w && (!c->in_body || c->open_body) &&
		    worse(c, victim))
			victim = c;
	}
	if (live > s->cfg.max_connections) {
		if (victim != NULL) {
			shutdown(victim->fd, SHUT_RDWR);
			victim->cut = 1;
			if (victim->from != NULL)
				victim->from->cut++;
			s->evicted++;
			s->evicted_bodies += victim->open_body;
			s->quiet_cuts++;
		} else {
			w->over = 1;
		}
	}
	/* One line a second at most: under a flood, one per cut would be
	 * the flood again, in the log. */
	if (s->evicted > 0 && now != s->evicted_said && s->cfg.log != NULL) {
		evicted = s->evicted;
		bodies = s->evicted_bodies;
		s->evicted = 0;
		s->evicted_bodies = 0;
		s->evicted_said = now;
	}
	pthread_mutex_unlock(&s->lock);
	if (evicted > 0) {
		snprintf(line, sizeof line, "closed %u connections that had "
			 "sent no whole request (%u of them midway through "
			 "a body, without a certificate), to make room for "
			 "new ones (max_connections)", evicted, bodies);
		s->cfg.log(s->cfg.ctx, line);
	}
}

/* Counts a new connection and starts watching it (socket_context is its
 * entry). */
static void watch_start(struct https_server *s, struct MHD_Connection *conn,
			void **socket_context)
{
	const union MHD_ConnectionInfo *ci;
	struct conn_watch *w;

	w = calloc(1, sizeof *w);
	if (w == NULL)
		return;   /* uncounted and unwatched: libmicrohttpd's limits
			     and the idle timeout still apply */
	count_open(s, conn, w);
	w->srv = s;
	*socket_context = w;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci == NULL) {
		pthread_mutex_lock(&s->lock);
		w->over = s->open > s->cfg.max_connections;
		pthread_mutex_unlock(&s->lock);
		return;
	}
	w->fd = ci->connect_fd;
	w->watched = 1;
	clock_gettime(CLOCK_MONOTONIC, &w->since);
	pthread_mutex_lock(&s->lock);
	w->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = w;
	s->conns = w;
	pthread_mutex_unlock(&s->lock);
	make_room(s, w);
}

/* Uncounts a closed connection and stops watching it. */
static void watch_end(struct https_server *s, void **socket_context)
{
	struct conn_watch *w = *socket_context;

	if (w == NULL)
		return;
	if (w->watched) {
		pthread_mutex_lock(&s->lock);
		if (w->prev != NULL)
			w->prev->next = w->next;
		else
			s->conns = w->next;
		if (w->next != NULL)
			w->next->prev = w->prev;
		if (w->cut && w->from != NULL)
			w->from->cut--;
		pthread_mutex_unlock(&s->lock);
	}
	count_close(s, w);
	free(w);
	*socket_context = NULL;
}

/* The entry of a connection, or NULL. */
static struct conn_watch *watch_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* A request ended: the next one on this connection gets its own time. */
static void watch_reset(struct https_server *s, struct MHD_Connection *conn)
{
	struct conn_watch *w = watch_of(conn);

	if (w == NULL || !w->watched)
		return;
	pthread_mutex_lock(&s->lock);
	clock_gettime(CLOCK_MONOTONIC, &w->since);
	w->in_body = 0;
	w->open_body = 0;
	pthread_mutex_unlock(&s->lock);
}

/*
 * A request's headers are in: from now on it can be answered 408.
 * anonymous: it has no certificate, and make_room may cut it until its
 * body is whole (watch_whole).
 */
static void watch_body(struct https_server *s, struct conn_watch *w,
		       int anonymous)
{
	if (w == NULL || !w->watched)
		return;
	pthread_mutex_lock(&s->lock);
	w->in_body = 1;
	w->open_body = anonymous;
	pthread_mutex_unlock(&s->lock);
}

/* A request's body is whole (or refused): it is being answered. */
static void watch_whole(struct https_server *s, struct conn_watch *w)
{
	if (w == NULL || !w->watched || !w->open_body)
		return;
	pthread_mutex_lock(&s->lock);
	w->open_body = 0;
	pthread_mutex_unlock(&s->lock);
}

/* Whether a request has run past request_time (read in the connection's
 * serving thread, the only one that writes since). */
static int watch_late(struct https_server *s, struct conn_watch *w)
{
	struct timespec now;

	if (w == NULL || !w->watched || !s->watching)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return elapsed(&w->since, &now) >= (double)s->cfg.request_time_s;
}

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

const char *https_request_arg(const struct https_request *req,
			      const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

/* Whether the client sent no certificate at all. */
static int no_certificate(gnutls_session_t session)
{
	unsigned n = 0;

	return gnutls_certificate_get_peers(session, &n) == NULL || n == 0;
}

/*
 * Logs a client certificate the handshake refuses, with the client's
 * address and the name the certificate claims (unverified: the log's
 * reader is told so):
 *   refused a certificate from ADDR: "NAME" (REASON)
 * libmicrohttpd's own line for the failed handshake names neither.
 */
static void say_cert_refused(gnutls_session_t session, unsigned status)
{
	/* libmicrohttpd's session pointer is the connection. */
	struct MHD_Connection *conn = gnutls_session_get_ptr(session);
	const union MHD_ConnectionInfo *ci;
	char addr[INET6_ADDRSTRLEN], name[HTTPS_PEER_MAX + 1], line[320];
	const gnutls_datum_t *certs;
	struct conn_watch *w;
	gnutls_x509_crt_t crt;
	size_t len = sizeof name;
	unsigned n = 0;

	ci = conn != NULL ? MHD_get_connection_info(conn,
			MHD_CONNECTION_INFO_SOCKET_CONTEXT) : NULL;
	w = ci != NULL ? ci->socket_context : NULL;
	if (w == NULL || w->srv == NULL || w->srv->cfg.log == NULL)
		return;
	conn_addr(conn, addr, sizeof addr);
	/* None at all is no refusal here: a join has none. */
	certs = gnutls_certificate_get_peers(session, &n);
	if (certs == NULL || n == 0)
		return;
	name[0] = '\0';
	if (gnutls_x509_crt_init(&crt) >= 0) {
		if (gnutls_x509_crt_import(crt, &certs[0],
					   GNUTLS_X509_FMT_DER) < 0 ||
		    gnutls_x509_crt_get_dn_by_oid(crt,
				GNUTLS_OID_X520_COMMON_NAME, 0, 0, name,
				&len) < 0)
			name[0] = '\0';
		gnutls_x509_crt_deinit(crt);
	}
	snprintf(line, sizeof line, "refused a certificate from %s: \"%s\" "
		 "(%s)", addr, name,
		 status & GNUTLS_CERT_SIGNER_NOT_FOUND ? "not signed by the "
		 "shop CA" : status & GNUTLS_CERT_EXPIRED ? "expired" :
		 status & GNUTLS_CERT_PURPOSE_MISMATCH ? "not a client "
		 "certificate" : "does not verify");
	w->srv->cfg.log(w->srv->cfg.ctx, line);
}

/*
 * Checks the client's chain against the shop CA, for the client purpose,
 * inside the handshake: a certificate from another CA or a server
 * certificate ends the handshake before any HTTP is read.  None at all
 * passes the handshake only when the server has an open path (joining);
 * check_headers then refuses every other path with 401.
 */
static int verify_client(gnutls_session_t session)
{
	gnutls_typed_vdata_st purpose = {
		GNUTLS_DT_KEY_PURPOSE_OID,
		(unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT, 0
	};
	unsigned status = 0;

	if (gnutls_certificate_verify_peers(session, &purpose, 1,
					    &status) < 0 || status != 0) {
		say_cert_refused(session, status);
		return GNUTLS_E_CERTIFICATE_ERROR;
	}
	return 0;
}

/* verify_client, but letting a client with no certificate at all in. */
static int verify_client_open(gnutls_session_t session)
{
	return no_certificate(session) ? 0 : verify_client(session);
}

/*
 * libmicrohttpd only *requests* a client certificate when given a trust
 * list; this makes it required on each session before its handshake.
 */
static void on_connection(void *cls, struct MHD_Connection *conn,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct https_server *s = cls;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		watch_end(s, socket_context);
		return;
	}
	if (code != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	watch_start(s, conn, socket_context);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	/* Without a session (cannot happen with MHD_USE_TLS) every request
	 * is refused anyway: peer_name finds no verified certificate. */
	if (ci == NULL || ci->tls_session == NULL)
		return;

	/* With an open path a certificate is asked for but not required;
	 * every other path still needs one (check_headers). */
	gnutls_certificate_server_set_request(ci->tls_session,
			s->cfg.open_path != NULL ? GNUTLS_CERT_REQUEST :
						   GNUTLS_CERT_REQUIRE);
	gnutls_session_set_verify_function(ci->tls_session,
			s->cfg.open_path != NULL ? verify_client_open :
						   verify_client);
	/*
	 * TLS 1.3 session tickets: a desk whose kept connection was closed
	 * resumes without a certificate exchange.  No early data (the
	 * session is made without GNUTLS_ENABLE_EARLY_DATA): nothing is
	 * read before the handshake ends.  The client's certificate stays
	 * with the session, and peer_name verifies it again, with today's
	 * date, on every request.
	 */
	if (s->ticket.data != NULL)
		gnutls_session_ticket_enable_server(ci->tls_session,
						    &s->ticket);
}

/* Forwards libmicrohttpd's own complaints (handshake failures) to the log. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct https_server *s = cls;
	char line[256], *nl;

	int quiet = 0;

	vsnprintf(line, sizeof line, fmt, ap);
	pthread_mutex_lock(&s->lock);
	if (s->quiet_close && strstr(line, "internal error") != NULL) {
		s->quiet_close = 0;
		quiet = 1;
	}
	/* make_room said it cut them, once for many (libmicrohttpd says
	 * "disconnected", or "socket is closed" when the client had more to
	 * send: a cut body, or a long head). */
	else if (s->quiet_cuts > 0 &&
		 (strstr(line, "disconnected") != NULL ||
		  strstr(line, "socket is closed") != NULL)) {
		s->quiet_cuts--;
		quiet = 1;
	}
	pthread_mutex_unlock(&s->lock);
	if (quiet || s->cfg.log == NULL)
		return;
	nl = strchr(line, '\n');
	if (nl != NULL)
		*nl = '\0';
	s->cfg.log(s->cfg.ctx, line);
}

/*
 * Reads the verified peer's common name, organizational unit ("" when it
 * has none) and serial number (lower-case hex, into a buffer of 81); 0 if
 * there is no verified certificate or no name.
 */
static int peer_name(struct MHD_Connection *conn, char *out, size_t size,
		     char *unit, size_t unit_size, char *serial)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[40];
	size_t rawlen = sizeof raw, i;
	const union MHD_ConnectionInfo *ci;
	const gnutls_datum_t *certs;
	gnutls_x509_crt_t crt = NULL;
	unsigned n = 0;
	size_t len = size, ulen = unit_size;
	int ok = 0, ret;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL ||
	    verify_client(ci->tls_session) != 0)
		return 0;
	certs = gnutls_certificate_get_peers(ci->tls_session, &n);
	if (certs == NULL || n == 0 || gnutls_x509_crt_init(&crt) < 0)
		return 0;
	if (gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) >= 0 &&
	    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
					  0, out, &len) >= 0 && len < size)
		ok = 1;
	/* Only the CA writes the unit; one that does not fit refuses. */
	unit[0] = '\0';
	ret = gnutls_x509_crt_get_dn_by_oid(crt,
			GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0, 0, unit,
			&ulen);
	if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		unit[0] = '\0';
	else if (ret < 0 || ulen >= unit_size)
		ok = 0;
	serial[0] = '\0';
	if (gnutls_x509_crt_get_serial(crt, raw, &rawlen) < 0 || rawlen == 0)
		ok = 0;
	for (i = 0; ok && i < rawlen; i++) {
		serial[2 * i] = hex[raw[i] >> 4];
		serial[2 * i + 1] = hex[raw[i] & 15];
		serial[2 * i + 2] = '\0';
	}
	gnutls_x509_crt_deinit(crt);
	return ok;
}

/*
 * Queues a response with a body of type (NULL: JSON); closing adds
 * "Connection: close" (libmicrohttpd then closes the connection once it
 * is sent) and retry_after, if not NULL, a Retry-After header.
 */
static enum MHD_Result respond_with(struct MHD_Connection *conn,
				    unsigned status, const char *body,
				    size_t len, int closing,
				    const char *retry_after, const char *type)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
					    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				type != NULL ? type : "application/json");
	if (closing)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION,
					"close");
	if (retry_after != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER,
					retry_after);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * Answers with {"error": msg}; msg is a fixed, plain sentence.  closing and
 * retry_after as for respond_with.
 */
static enum MHD_Result respond_error_with(struct https_server *s,
					  struct MHD_Connection *conn,
					  unsigned status, const char *msg,
					  int closing, const char *retry_after)
{
	char body[256], line[320], addr[INET6_ADDRSTRLEN];

	snprintf(body, sizeof body, "{\"error\": \"%s\"}", msg);
	if (s->cfg.log != NULL) {
		conn_addr(conn, addr, sizeof addr);
		snprintf(line, sizeof line, "refused a request: %u %s (from "
			 "%s)", status, msg, addr);
		s->cfg.log(s->cfg.ctx, line);
	}
	return respond_with(conn, status, body, strlen(body), closing,
			    retry_after, NULL);
}

/* Answers with {"error": msg}; msg is a fixed, plain sentence. */
static enum MHD_Result respond_error(struct https_server *s,
				     struct MHD_Connection *conn,
				     unsigned status, const char *msg)
{
	return respond_error_with(s, conn, status, msg, 0, NULL);
}

/* Counts one kind of value of a request (an MHD_KeyValueIterator). */
static enum MHD_Result count_value(void *cls, enum MHD_ValueKind kind,
				   const char *key, const char *value)
{
	struct { const char *name; unsigned n; } *c = cls;

	if (c->name == NULL || strcasecmp(key, c->name) == 0)
		c->n++;
	return MHD_YES;
}

/*
 * Refuses what libmicrohttpd 0.9.75 lets through or leaves unanswered:
 * without this a Transfer-Encoding it does not know had it wait for the
 * body until the client hung up, with no status.  A request whose framing
 * is in doubt is refused, never guessed at (request smuggling).  0, or the
 * HTTP status with *why.
 */
static unsigned check_protocol(struct MHD_Connection *conn,
			       const char *version, const char **why)
{
	struct { const char *name; unsigned n; } hosts = { "Host", 0 };
	const char *te, *cl;

	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_value, &hosts);
	if (hosts.n > 1 ||
	    (hosts.n == 0 && strcmp(version, MHD_HTTP_VERSION_1_1) == 0)) {
		*why = "an HTTP/1.1 request needs one Host header";
		return MHD_HTTP_BAD_REQUEST;
	}
	te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_TRANSFER_ENCODING);
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (te != NULL && strcasecmp(te, "chunked") != 0) {
		*why = "the only Transfer-Encoding understood is chunked; "
		       "or send a Content-Length";
		return MHD_HTTP_NOT_IMPLEMENTED;
	}
	if (te != NULL && cl != NULL) {
		*why = "a request has a Content-Length or a Transfer-Encoding, "
		       "not both";
		return MHD_HTTP_BAD_REQUEST;
	}
	return 0;
}

/*
 * libmicrohttpd's URI logger: looks at a request's target as sent, before
 * it is decoded.  A %00 would cut the decoded path short (GET /v1/log%00
 * was served as /v1/log), and a long target or many arguments are no
 * request of ours (2,000 arguments once filled the connection's memory,
 * and the connection was dropped without a status).  The verdict waits in
 * the connection's entry until its headers are in (on_request).
 */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct conn_watch *w = watch_of(conn);
	const char *p = strchr(uri, '?');
	unsigned args = 0;

	if (w == NULL)
		return NULL;
	for (; p != NULL && args <= ARGS_MAX; p = strchr(p + 1, '&'))
		args++;
	w->uri_refuse = strlen(uri) > URI_MAX || args > ARGS_MAX ?
			MHD_HTTP_URI_TOO_LONG :
			strstr(uri, "%00") != NULL ? MHD_HTTP_BAD_REQUEST : 0;
	return NULL;
}

/* Decides early what a request's headers already tell. */
static void check_headers(struct https_server *s, struct MHD_Connection *conn,
			  const char *url, struct request_state *rs)
{
	const union MHD_ConnectionInfo *ci;
	const char *cl;
	char *end;
	unsigned long long n;
	size_t cap;

	conn_addr(conn, rs->addr, sizeof rs->addr);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (s->cfg.open_path != NULL && ci != NULL && ci->tls_session != NULL &&
	    no_certificate(ci->tls_session)) {
		/* Only the open path; anything else is told what it lacks. */
		if (!https_open_cap(&s->cfg, url, &cap)) {
			rs->refuse = MHD_HTTP_UNAUTHORIZED;
			rs->why = "a client certificate is required: join the "
				  "shop first (orderdesk init --code)";
			return;
		}
		rs->anonymous = 1;
		/* Anyone may send this one: what it may cost is capped
		 * by open_max_body, not by what a desk may push. */
		if (cap > 0)
			buf_init(&rs->body, cap);
	} else if (!peer_name(conn, rs->peer, sizeof rs->peer, rs->unit,
		       sizeof rs->unit, rs->serial) ||
	    (s->cfg.peer_refused != NULL &&
	     s->cfg.peer_refused(s->cfg.ctx, rs->serial, rs->peer))) {
		rs->refuse = MHD_HTTP_FORBIDDEN;
		rs->why = "this certificate may not connect: it has been "
			  "revoked or is not the shop's";
		return;
	}
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		n = strtoull(cl, &end, 10);
		if (*end != '\0' || n > rs->body.cap) {
			rs->refuse = MHD_HTTP_CONTENT_TOO_LARGE;
			rs->why = "the request body is too large";
		}
	}
}

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
static enum MHD_Result answer_midway(struct https_server *s,
				     struct MHD_Connection *conn,
				     unsigned status, const char *reason,
				     const char *msg)
{
	const union MHD_ConnectionInfo *ci;
	char head[512], date[64], line[320], addr[INET6_ADDRSTRLEN];
	struct tm tm;
	time_t now = time(NULL);
	int n;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return MHD_NO;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	n = snprintf(head, sizeof head, "HTTP/1.1 %u %s\r\n"
		     "Date: %s\r\nConnection: close\r\n"
		     "Content-Type: application/json\r\n"
		     "Content-Length: %zu\r\n\r\n{\"error\": \"%s\"}",
		     status, reason, date, strlen(msg) + 13, msg);
	if (n > 0 && (size_t)n < sizeof head &&
	    gnutls_record_send(ci->tls_session, head, (size_t)n) == n) {
		gnutls_bye(ci->tls_session, GNUTLS_SHUT_WR);
		if (s->cfg.log != NULL) {
			conn_addr(conn, addr, sizeof addr);
			snprintf(line, sizeof line, "refused a request: %u %s "
				 "(from %s)", status, msg, addr);
			s->cfg.log(s->cfg.ctx, line);
		}
	}
	/* libmicrohttpd then says "internal error" of the close it makes;
	 * on_mhd_log drops that one line. */
	pthread_mutex_lock(&s->lock);
	s->quiet_close = 1;
	pthread_mutex_unlock(&s->lock);
	return MHD_NO;
}

/*
 * Answers 408 to a request whose body is still coming after request_time,
 * and closes the connection.  midway: 0 when the body is whole, and
 * libmicrohttpd sends the answer itself.
 */
static enum MHD_Result answer_late(struct https_server *s,
				   struct MHD_Connection *conn, int midway)
{
	static const char msg[] = "the request took longer than request_time";

	if (!midway)
		return respond_error_with(s, conn, MHD_HTTP_REQUEST_TIMEOUT, msg,
					  1, NULL);
	return answer_midway(s, conn, MHD_HTTP_REQUEST_TIMEOUT,
			     "Request Timeout", msg);
}

/*
 * Tells the app of a join refused here for its size (open_refused), so
 * that it counts as a failed try like any other malformed join.
 */
static void open_refused(struct https_server *s,
			 const struct request_state *rs)
{
	if (rs->anonymous && s->cfg.open_refused != NULL)
		s->cfg.open_refused(s->cfg.ctx, rs->addr);
}

/* Queues the handler's answer out with status, in its content type. */
static enum MHD_Result respond_answer(const struct https_server *s,
				      struct MHD_Connection *conn,
				      unsigned status, const struct buf *out)
{
	return respond_with(conn, status, out->data ? out->data : "",
			    out->len, 0, NULL, s->cfg.content_type != NULL ?
			    s->cfg.content_type(s->cfg.ctx, status) : NULL);
}

/* libmicrohttpd's access handler: gathers the body, then asks the app. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	struct https_server *s = cls;
	struct request_state *rs = *req_cls;
	struct conn_watch *w;
	struct https_request req;
	struct buf out;
	struct od_err err;
	unsigned status;
	enum MHD_Result ret;
	int midway;

	w = watch_of(conn);
	if (rs == NULL) {
		rs = calloc(1, sizeof *rs);
		if (rs == NULL)
			return MHD_NO;
		buf_init(&rs->body, s->cfg.max_body);
		*req_cls = rs;
		/* Too many connections: said before anything else is looked
		 * at, and the connection is closed after (the client may
		 * have others open that are served). */
		if (w != NULL && w->over)
			return respond_error_with(s, conn,
					MHD_HTTP_SERVICE_UNAVAILABLE,
					w->over_ip ? "too many connections "
					"from this address: try again shortly" :
					"too many connections: try again "
					"shortly", 1, RETRY_AFTER_S);
		/* Malformed: said and closed, whoever sends it. */
		if (w != NULL && w->uri_refuse != 0) {
			status = w->uri_refuse;
			w->uri_refuse = 0;
			return respond_error_with(s, conn, status,
				status == MHD_HTTP_URI_TOO_LONG ?
				"the request's address is too long or has "
				"too many arguments" :
				"the request's path holds a NUL byte (%00)",
				1, NULL);
		}
		status = check_protocol(conn, version, &rs->why);
		if (status != 0)
			return respond_error_with(s, conn, status, rs->why, 1,
						  NULL);
		check_headers(s, conn, url, rs);
		/* Refused on its headers: answer before reading the body,
		 * and libmicrohttpd closes the connection after. */
		if (rs->refuse != 0) {
			if (rs->refuse == MHD_HTTP_CONTENT_TOO_LARGE)
				open_refused(s, rs);
			return respond_error(s, conn, rs->refuse, rs->why);
		}
		watch_body(s, w, rs->anonymous);
		return MHD_YES;
	}
	/* A body still coming (or just complete) after request_time. */
	if (watch_late(s, w)) {
		midway = *upload_size != 0;
		*upload_size = 0;
		if (rs->body_done)
			return MHD_YES;
		rs->body_done = 1;
		watch_whole(s, w);
		return answer_late(s, conn, midway);
	}
	if (*upload_size != 0) {
		/*
		 * A body without a length (chunked) that passes the cap: 413
		 * there and then, and the connection is closed (reading a
		 * stream with no end to say it at the end would never end).
		 */
		if (buf_add(&rs->body, upload, *upload_size, &err) != OD_OK) {
			*upload_size = 0;
			watch_whole(s, w);
			open_refused(s, rs);
			return answer_midway(s, conn,
					     MHD_HTTP_CONTENT_TOO_LARGE,
					     "Content Too Large",
					     "the request body is too large");
		}
		*upload_size = 0;
		return MHD_YES;
	}
	watch_whole(s, w);
	req.method = method;
	req.path = url;
	req.peer = rs->peer;
	req.peer_unit = rs->unit;
	req.peer_addr = rs->addr;
	req.anonymous = rs->anonymous;
	req.body = rs->body.data ? rs->body.data : "";
	req.len = rs->body.len;
	req.conn = conn;
	buf_init(&out, s->cfg.max_response);
	status = s->cfg.handler(s->cfg.ctx, &req, &out);
	ret = respond_answer(s, conn, status, &out);
	buf_free(&out);
	return ret;
}

/* Frees a request's state when libmicrohttpd is done with it. */
static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **req_cls, enum MHD_RequestTerminationCode toe)
{
	struct request_state *rs = *req_cls;

	watch_reset(cls, conn);
	if (rs == NULL)
		return;
	buf_free(&rs->body);
	free(rs);
	*req_cls = NULL;
}

/*
 * How many threads serve: handshakes (an X25519 and an Ed25519 or ECDSA
 * signature each), records and bodies on every core, and more threads
 * than cores so that a connection waiting for the handler's lock does not
 * hold up the handshakes of the others on its thread.
 */
static unsigned pool_size(unsigned want)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = want > 0 ? want : cores > 0 ? 2 * (unsigned)cores : 2;

	return n > HTTPS_THREADS_MAX ? HTTPS_THREADS_MAX : n;
}

/* libmicrohttpd's own limit for one of ours: times it, and at least more
 * above it (see https_config). */
static unsigned backstop(unsigned limit, unsigned times, unsigned more)
{
	unsigned long long n = (unsigned long long)limit * times;

	if (n < (unsigned long long)limit + more)
		n = (unsigned long long)limit + more;
	return n > UINT_MAX ? UINT_MAX : (unsigned)n;
}

void https_server_stop(struct https_server *s)
{
	struct addr_count *a;

	if (s == NULL)
		return;
	if (s->thread_on) {
		pthread_mutex_lock(&s->lock);
		s->stopping = 1;
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->watchdog, NULL);
	}
	if (s->daemon != NULL)
		MHD_stop_daemon(s->daemon);
	/* Closing every connection emptied the counts; any left (a
	 * connection libmicrohttpd never told of closing) go here. */
	while (s->addrs != NULL) {
		a = s->addrs;
		s->addrs = a->next;
		free(a);
	}
	pthread_mutex_destroy(&s->lock);
	if (s->ticket.data != NULL) {
		gnutls_memset(s->ticket.data, 0, s->ticket.size);
		gnutls_free(s->ticket.data);
	}
	if (s->key != NULL)
		gnutls_memset(s->key, 0, strlen(s->key));
	free(s->key);
	free(s->cert);
	free(s->ca);
	free(s);
}

enum od_code https_server_start(const struct https_config *cfg,
				struct https_server **out, struct od_err *err)
{
	struct https_server *s;
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *di;

	*out = NULL;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)cfg->port);
	if (cfg->port > 65535 ||
	    inet_pton(AF_INET, cfg->address, &sin.sin_addr) != 1)
		return od_err_set(err, OD_E_USAGE, "cannot listen on %.64s:%u: "
				  "give an IPv4 address and a port",
				  cfg->address, cfg->port);
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	s->cfg = *cfg;
	pthread_mutex_init(&s->lock, NULL);
	s->watching = cfg->request_time_s > 0;
	s->cert = strdup(cfg->cert_pem);
	s->key = strdup(cfg->key_pem);
	s->ca = strdup(cfg->ca_pem);
	if (s->cert == NULL || s->key == NULL || s->ca == NULL) {
		https_server_stop(s);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	/* Without a ticket key, every connection is a full handshake. */
	if (gnutls_session_ticket_key_generate(&s->ticket) < 0)
		memset(&s->ticket, 0, sizeof s->ticket);
	s->daemon = MHD_start_daemon(
		MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD |
		MHD_USE_AUTO | MHD_USE_ERROR_LOG,
		(uint16_t)cfg->port, NULL, NULL, on_request, s,
		/* First, or MHD prints its own complaints meanwhile. */
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
		MHD_OPTION_HTTPS_MEM_CERT, s->cert,
		MHD_OPTION_HTTPS_MEM_KEY, s->key,
		MHD_OPTION_HTTPS_MEM_TRUST, s->ca,
		MHD_OPTION_HTTPS_PRIORITIES, TLS_PRIORITIES,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
		/* The backstops (see https_config); below them, count_open
		 * and make_room.  The total leaves room for a burst of new
		 * connections while those make_room cut are still being
		 * closed: a connection dropped here sees no answer at all. */
		MHD_OPTION_CONNECTION_LIMIT,
		backstop(cfg->max_connections, 4, 64),
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		backstop(cfg->max_per_ip, 2, 8),
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
		MHD_OPTION_THREAD_POOL_SIZE, pool_size(cfg->threads),
		MHD_OPTION_END);
	if (s->daemon == NULL) {
		https_server_stop(s);
		return od_err_set(err, OD_E_IO, "cannot serve on %.64s:%u: the "
				  "port is taken or the certificate and key "
				  "do not load", cfg->address, cfg->port);
	}
	if (s->watching) {
		if (pthread_create(&s->watchdog, NULL, watchdog_main, s) != 0) {
			https_server_stop(s);
			return od_err_set(err, OD_E_NOMEM, "cannot start the "
					  "request-time watchdog");
		}
		s->thread_on = 1;
	}
	di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di != NULL ? di->port : cfg->port;
	*out = s;
	return OD_OK;
}

unsigned https_server_port(const struct https_server *s)
{
	return s->port;
}
