/*
 * https-request.c - a request's head checked against the limits (protocol,
 * target, headers), and the answers the server writes itself.
 */
#include "net/https-internal.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <limits.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/*
 * The longest request target, and the most query arguments, a request may
 * have: every route takes at most two short arguments.  Past them, 414.
 */
#define URI_MAX 1024
#define ARGS_MAX 16

const char *https_request_arg(const struct https_request *req,
			      const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
					   name);
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
enum MHD_Result https_respond_error_with(struct https_server *s,
					 struct MHD_Connection *conn,
					 unsigned status, const char *msg,
					 int closing, const char *retry_after)
{
	char body[256], line[320], addr[INET6_ADDRSTRLEN];

	snprintf(body, sizeof body, "{\"error\": \"%s\"}", msg);
	if (s->cfg.log != NULL) {
		https_conn_addr(conn, addr, sizeof addr);
		snprintf(line, sizeof line, "refused a request: %u %s (from "
			 "%s)", status, msg, addr);
		s->cfg.log(s->cfg.ctx, line);
	}
	return respond_with(conn, status, body, strlen(body), closing,
			    retry_after, NULL);
}

/* Answers with {"error": msg}; msg is a fixed, plain sentence. */
enum MHD_Result https_respond_error(struct https_server *s,
				    struct MHD_Connection *conn,
				    unsigned status, const char *msg)
{
	return https_respond_error_with(s, conn, status, msg, 0, NULL);
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
unsigned https_check_protocol(struct MHD_Connection *conn,
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
void *https_on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct conn_watch *w = https_watch_of(conn);
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
void https_check_headers(struct https_server *s, struct MHD_Connection *conn,
			 const char *url, struct request_state *rs)
{
	const union MHD_ConnectionInfo *ci;
	const char *cl;
	char *end;
	unsigned long long n;
	size_t cap;

	https_conn_addr(conn, rs->addr, sizeof rs->addr);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (s->cfg.open_path != NULL && ci != NULL && ci->tls_session != NULL &&
	    https_no_certificate(ci->tls_session)) {
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
	} else if (!https_peer_name(conn, rs->peer, sizeof rs->peer, rs->unit,
		       sizeof rs->unit, rs->serial) ||
	    (s->cfg.peer_refused != NULL &&
	     s->cfg.peer_refused(s->cfg.ctx, rs->serial, rs->peer))) {
		rs->refuse = MHD_HTTP_FORBIDDEN;
		rs->why = "this certificate may not connect: it has been "
			  "revoked or is not the shop's";
		return;
	}
	/* A desk's evidence file: the one path past max_body. */
	if (!rs->anonymous && s->cfg.big_path != NULL &&
	    strcmp(url, s->cfg.big_path) == 0 &&
	    s->cfg.big_max_body > rs->body.cap)
		buf_init(&rs->body, s->cfg.big_max_body);
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
enum MHD_Result https_answer_midway(struct https_server *s,
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
			https_conn_addr(conn, addr, sizeof addr);
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
enum MHD_Result https_answer_late(struct https_server *s,
				  struct MHD_Connection *conn, int midway)
{
	static const char msg[] = "the request took longer than request_time";

	if (!midway)
		return https_respond_error_with(s, conn,
						MHD_HTTP_REQUEST_TIMEOUT, msg,
						1, NULL);
	return https_answer_midway(s, conn, MHD_HTTP_REQUEST_TIMEOUT,
			     "Request Timeout", msg);
}

/*
 * Tells the app of a join refused here for its size (open_refused), so
 * that it counts as a failed try like any other malformed join.
 */
void https_open_refused(struct https_server *s,
			const struct request_state *rs)
{
	if (rs->anonymous && s->cfg.open_refused != NULL)
		s->cfg.open_refused(s->cfg.ctx, rs->addr);
}

/* Queues the handler's answer out with status, in its content type. */
enum MHD_Result https_respond_answer(const struct https_server *s,
				     struct MHD_Connection *conn,
				     unsigned status, const struct buf *out)
{
	return respond_with(conn, status, out->data ? out->data : "",
			    out->len, 0, NULL, s->cfg.content_type != NULL ?
			    s->cfg.content_type(s->cfg.ctx, status) : NULL);
}
