/*
 * od-loris.c - slow clients for the backend's tests: TLS connections to
 * 127.0.0.1 that start a request and then trickle its headers, one byte a
 * second, and never finish them (a "slow loris").
 *
 *   od-loris [--body] PORT SECONDS ADDRESS:COUNT...
 *
 * With --body each connection sends whole headers for a join instead
 * (POST /v1/join, Content-Length: 8000, under the cap anyone may send),
 * then trickles the body a byte a second: a slow body, which the server
 * has already started to read.
 *
 * Opens COUNT connections from each loopback ADDRESS (127.0.0.2 and up
 * reach a server on 127.0.0.1 without any setup on Linux), with no client
 * certificate, as anyone may, and completes the TLS handshake on each.  A
 * connection the server closes is opened again on the next tick, as a
 * determined attacker would.  Prints "loris: N connections open" once every
 * connection has been opened once, and at the end "loris: opened N, closed
 * by the server N".  It stops after SECONDS (at most LORIS_LIFETIME_S), so
 * a test that forgets it cannot leave it running.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define LORIS_MAX_CONNS  512
#define LORIS_LIFETIME_S 120
#define LORIS_HEAD "POST /v1/join HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
#define LORIS_BODY_HEAD "POST /v1/join HTTP/1.1\r\nHost: 127.0.0.1\r\n" \
			"Content-Type: application/json\r\n" \
			"Content-Length: 8000\r\n\r\n{"

/* One slow connection. */
struct slow {
	char from[INET_ADDRSTRLEN];
	int fd;                      /* -1: closed */
	gnutls_session_t tls;
};

static struct slow conns[LORIS_MAX_CONNS];
static gnutls_certificate_credentials_t cred;
static unsigned port;
static unsigned long opened, closed;
static const char *head = LORIS_HEAD;   /* or LORIS_BODY_HEAD */
static const char *drip = "a";          /* the byte sent each second */

/* Closes c's connection, if open. */
static void slow_close(struct slow *c)
{
	if (c->fd < 0)
		return;
	gnutls_deinit(c->tls);
	close(c->fd);
	c->fd = -1;
}

/* Opens c's connection, handshakes and sends the start of a request; 0 on
 * success. */
static int slow_open(struct slow *c)
{
	struct sockaddr_in from, to;
	struct timeval tv = { 5, 0 };
	int ret;

	memset(&from, 0, sizeof from);
	memset(&to, 0, sizeof to);
	from.sin_family = to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	if (inet_pton(AF_INET, c->from, &from.sin_addr) != 1)
		return -1;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (bind(c->fd, (struct sockaddr *)&from, sizeof from) != 0 ||
	    connect(c->fd, (struct sockaddr *)&to, sizeof to) != 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	if (gnutls_init(&c->tls, GNUTLS_CLIENT) < 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	gnutls_priority_set_direct(c->tls, "NORMAL:-VERS-ALL:+VERS-TLS1.3",
				   NULL);
	gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_transport_set_int(c->tls, c->fd);
	gnutls_handshake_set_timeout(c->tls, 5000);
	do
		ret = gnutls_handshake(c->tls);
	while (ret < 0 && !gnutls_error_is_fatal(ret));
	if (ret < 0 || gnutls_record_send(c->tls, head, strlen(head)) < 0) {
		slow_close(c);
		return -1;
	}
	opened++;
	return 0;
}

/* Whether the server has closed c (or sent it anything: an answer ends
 * the connection too). */
static int slow_ended(struct slow *c)
{
	struct pollfd p = { c->fd, POLLIN, 0 };

	return poll(&p, 1, 0) != 0;
}

int main(int argc, char **argv)
{
	struct timespec tick = { 1, 0 };
	unsigned long seconds, count, n = 0, i;
	time_t end;
	char *colon;
	int a = 1;

	if (argc > 1 && strcmp(argv[1], "--body") == 0) {
		head = LORIS_BODY_HEAD;
		drip = " ";   /* blanks, which JSON allows */
		a++;
	}
	if (argc - a < 3) {
		fprintf(stderr, "usage: od-loris [--body] PORT SECONDS "
			"ADDRESS:COUNT...\n");
		return 2;
	}
	port = (unsigned)strtoul(argv[a++], NULL, 10);
	seconds = strtoul(argv[a++], NULL, 10);
	if (seconds > LORIS_LIFETIME_S)
		seconds = LORIS_LIFETIME_S;
	for (; a < argc; a++) {
		colon = strchr(argv[a], ':');
		if (colon == NULL || colon - argv[a] >= INET_ADDRSTRLEN) {
			fprintf(stderr, "od-loris: %s is not ADDRESS:COUNT\n",
				argv[a]);
			return 2;
		}
		count = strtoul(colon + 1, NULL, 10);
		for (i = 0; i < count && n < LORIS_MAX_CONNS; i++, n++) {
			memcpy(conns[n].from, argv[a],
			       (size_t)(colon - argv[a]));
			conns[n].fd = -1;
		}
	}
	if (gnutls_global_init() < 0 ||
	    gnutls_certificate_allocate_credentials(&cred) < 0)
		return 1;
	end = time(NULL) + (time_t)seconds;
	for (i = 0; i < n && time(NULL) < end; i++)
		slow_open(&conns[i]);
	printf("loris: %lu connections open\n", opened);
	fflush(stdout);
	while (time(NULL) < end) {
		for (i = 0; i < n && time(NULL) < end; i++) {
			if (conns[i].fd >= 0 && slow_ended(&conns[i])) {
				slow_close(&conns[i]);
				closed++;
			}
			if (conns[i].fd < 0 && slow_open(&conns[i]) != 0)
				continue;
			/* One more byte of a header (or body) that never
			 * ends. */
			if (gnutls_record_send(conns[i].tls, drip, 1) < 0) {
				slow_close(&conns[i]);
				closed++;
			}
		}
		nanosleep(&tick, NULL);
	}
	for (i = 0; i < n; i++)
		slow_close(&conns[i]);
	printf("loris: opened %lu, closed by the server %lu\n", opened,
	       closed);
	gnutls_certificate_free_credentials(cred);
	gnutls_global_deinit();
	return 0;
}
