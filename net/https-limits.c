/*
 * https-limits.c - the server's bounds on connections: per address and in
 * all (make_room cuts the worst when full), and the watchdog that cuts a
 * request running past request_time.
 */
#include "net/https-internal.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/*
 * How long a client in the middle of its body may stay silent past
 * request_time before the watchdog cuts it off: the next piece of its body
 * within that time is answered 408 instead (see on_request).
 */
#define BODY_GRACE_S 3

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
void *https_watchdog_main(void *arg)
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
void https_conn_addr(struct MHD_Connection *conn, char *out, size_t size)
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

	https_conn_addr(conn, addr, sizeof addr);
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
void https_watch_start(struct https_server *s, struct MHD_Connection *conn,
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
void https_watch_end(struct https_server *s, void **socket_context)
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
struct conn_watch *https_watch_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* A request ended: the next one on this connection gets its own time. */
void https_watch_reset(struct https_server *s, struct MHD_Connection *conn)
{
	struct conn_watch *w = https_watch_of(conn);

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
 * body is whole (https_watch_whole).
 */
void https_watch_body(struct https_server *s, struct conn_watch *w,
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
void https_watch_whole(struct https_server *s, struct conn_watch *w)
{
	if (w == NULL || !w->watched || !w->open_body)
		return;
	pthread_mutex_lock(&s->lock);
	w->open_body = 0;
	pthread_mutex_unlock(&s->lock);
}

/* Whether a request has run past request_time (read in the connection's
 * serving thread, the only one that writes since). */
int https_watch_late(struct https_server *s, struct conn_watch *w)
{
	struct timespec now;

	if (w == NULL || !w->watched || !s->watching)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return elapsed(&w->since, &now) >= (double)s->cfg.request_time_s;
}
