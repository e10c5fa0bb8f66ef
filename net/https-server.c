/* https-server.c - libmicrohttpd on GnuTLS, mutual TLS 1.3, bounded: the
 * daemon and its callbacks. */
#include "net/https-internal.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/*
 * TLS 1.3 and nothing else (DESIGN.md section 7), with elliptic-curve key
 * exchange only: a client may ask for a finite-field group (ffdhe2048 to
 * 8192), and one ffdhe8192 handshake costs the server 0.43 s of CPU against
 * well under a millisecond for X25519, so an anonymous client could keep the
 * one server thread busy with handshakes alone.
 */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:" \
			"+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1"

/* Seconds a client turned away for too many connections is told to wait. */
#define RETRY_AFTER_S "2"

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

/*
 * libmicrohttpd only *requests* a client certificate when given a trust
 * list; this makes it required on each session before its handshake.
 */
/*
 * libmicrohttpd's line for a failed handshake names no client; it is held
 * here until that connection's close notice (on the same thread), which
 * knows the address, and said then as "refused a handshake from ADDR: ...".
 */
static _Thread_local char held_handshake[256];

/* Says the held handshake line, from addr if known. */
static void say_handshake(struct https_server *s, const char *addr)
{
	char line[400];

	if (held_handshake[0] == '\0')
		return;
	if (addr != NULL && addr[0] != '\0')
		snprintf(line, sizeof line, "refused a handshake from %s: %s",
			 addr, held_handshake);
	else
		snprintf(line, sizeof line, "%s", held_handshake);
	held_handshake[0] = '\0';
	if (s->cfg.log != NULL)
		s->cfg.log(s->cfg.ctx, line);
}

static void on_connection(void *cls, struct MHD_Connection *conn,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct https_server *s = cls;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		char addr[64];

		https_conn_addr(conn, addr, sizeof addr);
		say_handshake(s, addr);
		https_watch_end(s, socket_context);
		return;
	}
	if (code != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	https_watch_start(s, conn, socket_context);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	/* Without a session (cannot happen with MHD_USE_TLS) every request
	 * is refused anyway: https_peer_name finds no verified certificate. */
	if (ci == NULL || ci->tls_session == NULL)
		return;

	/* With an open path a certificate is asked for but not required;
	 * every other path still needs one (https_check_headers). */
	gnutls_certificate_server_set_request(ci->tls_session,
			s->cfg.open_path != NULL ? GNUTLS_CERT_REQUEST :
						   GNUTLS_CERT_REQUIRE);
	gnutls_session_set_verify_function(ci->tls_session,
			s->cfg.open_path != NULL ? https_verify_client_open :
						   https_verify_client);
	/*
	 * TLS 1.3 session tickets: a desk whose kept connection was closed
	 * resumes without a certificate exchange.  No early data (the
	 * session is made without GNUTLS_ENABLE_EARLY_DATA): nothing is
	 * read before the handshake ends.  The client's certificate stays
	 * with the session, and https_peer_name verifies it again, with today's
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
	say_handshake(s, NULL);   /* one never closed: said without address */
	if (strstr(line, "handshake") != NULL) {
		snprintf(held_handshake, sizeof held_handshake, "%s", line);
		return;
	}
	s->cfg.log(s->cfg.ctx, line);
}

/*
 * The first call for a request: its head is in.  Answers what is refused
 * on it at once (libmicrohttpd closes the connection after); MHD_YES lets
 * the body come.
 */
static enum MHD_Result request_begin(struct https_server *s,
				     struct MHD_Connection *conn,
				     struct conn_watch *w, const char *url,
				     const char *version,
				     struct request_state *rs)
{
	unsigned status;

	/* Too many connections: said before anything else is looked at,
	 * and the connection is closed after (the client may have others
	 * open that are served). */
	if (w != NULL && w->over)
		return https_respond_error_with(s, conn,
				MHD_HTTP_SERVICE_UNAVAILABLE,
				w->over_ip ? "too many connections from this "
				"address: try again shortly" :
				"too many connections: try again shortly", 1,
				RETRY_AFTER_S);
	/* Malformed: said and closed, whoever sends it. */
	if (w != NULL && w->uri_refuse != 0) {
		status = w->uri_refuse;
		w->uri_refuse = 0;
		return https_respond_error_with(s, conn, status,
			status == MHD_HTTP_URI_TOO_LONG ?
			"the request's address is too long or has "
			"too many arguments" :
			"the request's path holds a NUL byte (%00)", 1, NULL);
	}
	status = https_check_protocol(conn, version, &rs->why);
	if (status != 0)
		return https_respond_error_with(s, conn, status, rs->why, 1,
						NULL);
	https_check_headers(s, conn, url, rs);
	/* Refused on its headers: answer before reading the body. */
	if (rs->refuse != 0) {
		if (rs->refuse == MHD_HTTP_CONTENT_TOO_LARGE)
			https_open_refused(s, rs);
		return https_respond_error(s, conn, rs->refuse, rs->why);
	}
	https_watch_body(s, w, rs->anonymous);
	return MHD_YES;
}

/* The body is whole: hands the request to the app and queues its answer. */
static enum MHD_Result request_answer(struct https_server *s,
				      struct MHD_Connection *conn,
				      const char *url, const char *method,
				      struct request_state *rs)
{
	struct https_request req;
	struct buf out;
	enum MHD_Result ret;
	unsigned status;

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
	ret = https_respond_answer(s, conn, status, &out);
	buf_free(&out);
	return ret;
}

/* libmicrohttpd's access handler: gathers the body, then asks the app. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	struct https_server *s = cls;
	struct request_state *rs = *req_cls;
	struct conn_watch *w = https_watch_of(conn);
	struct od_err err;
	int midway;

	if (rs == NULL) {
		rs = calloc(1, sizeof *rs);
		if (rs == NULL)
			return MHD_NO;
		buf_init(&rs->body, s->cfg.max_body);
		*req_cls = rs;
		return request_begin(s, conn, w, url, version, rs);
	}
	/* A body still coming (or just complete) after request_time. */
	if (https_watch_late(s, w)) {
		midway = *upload_size != 0;
		*upload_size = 0;
		if (rs->body_done)
			return MHD_YES;
		rs->body_done = 1;
		https_watch_whole(s, w);
		return https_answer_late(s, conn, midway);
	}
	if (*upload_size != 0) {
		/*
		 * A body without a length (chunked) that passes the cap: 413
		 * there and then, and the connection is closed (reading a
		 * stream with no end to say it at the end would never end).
		 */
		if (buf_add(&rs->body, upload, *upload_size, &err) != OD_OK) {
			*upload_size = 0;
			https_watch_whole(s, w);
			https_open_refused(s, rs);
			return https_answer_midway(s, conn,
						   MHD_HTTP_CONTENT_TOO_LARGE,
						   "Content Too Large",
						   "the request body is too "
						   "large");
		}
		*upload_size = 0;
		return MHD_YES;
	}
	https_watch_whole(s, w);
	return request_answer(s, conn, url, method, rs);
}

/* Frees a request's state when libmicrohttpd is done with it. */
static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **req_cls, enum MHD_RequestTerminationCode toe)
{
	struct request_state *rs = *req_cls;

	https_watch_reset(cls, conn);
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
		MHD_OPTION_URI_LOG_CALLBACK, https_on_uri, s,
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
		if (pthread_create(&s->watchdog, NULL, https_watchdog_main,
				   s) != 0) {
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
