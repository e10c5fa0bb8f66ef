/* https-server.c - libmicrohttpd on GnuTLS, mutual TLS 1.3, bounded. */
#include "net/https-server.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* TLS 1.3 and nothing else (DESIGN.md section 7). */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3"

/* A connection the watchdog keeps an eye on. */
struct conn_watch {
	int fd;
	struct timespec since;   /* opened, or its last request ended */
	int cut;
	struct conn_watch *prev, *next;
};

struct https_server {
	struct MHD_Daemon *daemon;
	struct https_config cfg;
	char *cert, *key, *ca;   /* copies: MHD keeps pointers to them */
	unsigned port;
	/* The watchdog for request_time_s: the list of open connections. */
	pthread_mutex_t lock;
	struct conn_watch *conns;
	pthread_t watchdog;
	int watching, thread_on, stopping;
};

/* Seconds from a to b. */
static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/*
 * Cuts off connections whose request has taken longer than the limit.
 * shutdown() under the lock: libmicrohttpd tells of a closed connection
 * (which unlinks it, under the same lock) before it closes the socket, so
 * the descriptor cannot have been reused meanwhile.  libmicrohttpd then
 * sees the connection end and closes it in its own thread.
 */
static void *watchdog_main(void *arg)
{
	struct https_server *s = arg;
	struct timespec now, nap = { 0, 100 * 1000 * 1000 };
	struct conn_watch *w;
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
			if (w->cut || elapsed(&w->since, &now) <
				      (double)s->cfg.request_time_s)
				continue;
			shutdown(w->fd, SHUT_RDWR);
			w->cut = 1;
			cut++;
		}
		pthread_mutex_unlock(&s->lock);
		if (cut > 0 && s->cfg.log != NULL)
			s->cfg.log(s->cfg.ctx, "closed a connection: its request "
				   "took longer than request_time");
	}
	return NULL;
}

/* Starts watching a new connection (socket_context is its entry). */
static void watch_start(struct https_server *s, struct MHD_Connection *conn,
			void **socket_context)
{
	const union MHD_ConnectionInfo *ci;
	struct conn_watch *w;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!s->watching || ci == NULL)
		return;
	w = calloc(1, sizeof *w);
	if (w == NULL)
		return;   /* unwatched: the idle timeout still applies */
	w->fd = ci->connect_fd;
	clock_gettime(CLOCK_MONOTONIC, &w->since);
	pthread_mutex_lock(&s->lock);
	w->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = w;
	s->conns = w;
	pthread_mutex_unlock(&s->lock);
	*socket_context = w;
}

/* Stops watching a closed connection. */
static void watch_end(struct https_server *s, void **socket_context)
{
	struct conn_watch *w = *socket_context;

	if (w == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		s->conns = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&s->lock);
	free(w);
	*socket_context = NULL;
}

/* A request ended: the next one on this connection gets its own time. */
static void watch_reset(struct https_server *s, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;
	struct conn_watch *w;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (!s->watching || ci == NULL || ci->socket_context == NULL)
		return;
	w = ci->socket_context;
	pthread_mutex_lock(&s->lock);
	clock_gettime(CLOCK_MONOTONIC, &w->since);
	pthread_mutex_unlock(&s->lock);
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
					    &status) < 0 || status != 0)
		return GNUTLS_E_CERTIFICATE_ERROR;
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
}

/* Forwards libmicrohttpd's own complaints (handshake failures) to the log. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct https_server *s = cls;
	char line[256], *nl;

	if (s->cfg.log == NULL)
		return;
	vsnprintf(line, sizeof line, fmt, ap);
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

/* Queues a response with a JSON body. */
static enum MHD_Result respond(struct MHD_Connection *conn, unsigned status,
			       const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
					    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/json");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Answers with {"error": msg}; msg is a fixed, plain sentence. */
static enum MHD_Result respond_error(struct https_server *s,
				     struct MHD_Connection *conn,
				     unsigned status, const char *msg)
{
	char body[256], line[256];

	snprintf(body, sizeof body, "{\"error\": \"%s\"}", msg);
	if (s->cfg.log != NULL) {
		snprintf(line, sizeof line, "refused a request: %u %s", status,
			 msg);
		s->cfg.log(s->cfg.ctx, line);
	}
	return respond(conn, status, body, strlen(body));
}

/* Writes the client's address (numeric) to rs->addr, "" if unknown. */
static void peer_addr(struct MHD_Connection *conn, struct request_state *rs)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	rs->addr[0] = '\0';
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  rs->addr, sizeof rs->addr);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr,
			  rs->addr, sizeof rs->addr);
}

/* Decides early what a request's headers already tell. */
static void check_headers(struct https_server *s, struct MHD_Connection *conn,
			  const char *url, struct request_state *rs)
{
	const union MHD_ConnectionInfo *ci;
	const char *cl;
	char *end;
	unsigned long long n;

	peer_addr(conn, rs);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (s->cfg.open_path != NULL && ci != NULL && ci->tls_session != NULL &&
	    no_certificate(ci->tls_session)) {
		/* Only the open path; anything else is told what it lacks. */
		if (strcmp(url, s->cfg.open_path) != 0) {
			rs->refuse = MHD_HTTP_UNAUTHORIZED;
			return;
		}
		rs->anonymous = 1;
	} else if (!peer_name(conn, rs->peer, sizeof rs->peer, rs->unit,
		       sizeof rs->unit, rs->serial) ||
	    (s->cfg.peer_refused != NULL &&
	     s->cfg.peer_refused(s->cfg.ctx, rs->serial, rs->peer))) {
		rs->refuse = MHD_HTTP_FORBIDDEN;
		return;
	}
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		n = strtoull(cl, &end, 10);
		if (*end != '\0' || n > s->cfg.max_body)
			rs->refuse = MHD_HTTP_CONTENT_TOO_LARGE;
	}
}

/* libmicrohttpd's access handler: gathers the body, then asks the app. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	struct https_server *s = cls;
	struct request_state *rs = *req_cls;
	struct https_request req;
	struct buf out;
	struct od_err err;
	unsigned status;
	enum MHD_Result ret;

	if (rs == NULL) {
		rs = calloc(1, sizeof *rs);
		if (rs == NULL)
			return MHD_NO;
		buf_init(&rs->body, s->cfg.max_body);
		check_headers(s, conn, url, rs);
		*req_cls = rs;
		/* Refused on its headers: answer before reading the body,
		 * and libmicrohttpd closes the connection after. */
		if (rs->refuse == MHD_HTTP_UNAUTHORIZED)
			return respond_error(s, conn, rs->refuse,
					     "a client certificate is "
					     "required: join the shop first "
					     "(orderdesk init --code)");
		if (rs->refuse == MHD_HTTP_FORBIDDEN)
			return respond_error(s, conn, rs->refuse,
					     "this certificate may not "
					     "connect: it has been revoked "
					     "or is not the shop's");
		if (rs->refuse != 0)
			return respond_error(s, conn, rs->refuse,
					     "the request body is too large");
		return MHD_YES;
	}
	if (*upload_size != 0) {
		/*
		 * A body without a length (chunked) that passes the cap:
		 * libmicrohttpd cannot answer in the middle of an upload, and
		 * reading a stream with no end to say 413 would never end,
		 * so the connection is closed.
		 */
		if (buf_add(&rs->body, upload, *upload_size, &err) != OD_OK) {
			if (s->cfg.log != NULL)
				s->cfg.log(s->cfg.ctx, "closed a connection: "
					   "its chunked body passed max_body");
			return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
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
	ret = respond(conn, status, out.data ? out.data : "", out.len);
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

void https_server_stop(struct https_server *s)
{
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
	pthread_mutex_destroy(&s->lock);
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
		MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
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
