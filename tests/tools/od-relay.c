/*
 * od-relay.c - a TCP relay on 127.0.0.1 that breaks the network on cue, for
 * the sync tests: the desk talks to the relay, the relay to the backend.
 *
 *   od-relay TARGET_PORT MODE [BYTES [LISTEN_PORT]]
 *
 * MODE is one of
 *   pass       forward everything;
 *   cut-down   once BYTES have come back from the backend, reset that
 *              connection (as a dropped link does), then forward again;
 *   cut-up     the same for BYTES sent to the backend;
 *   stall      once BYTES have come back, forward nothing more on that
 *              connection and keep it open (a link gone silent), then
 *              forward later connections.
 * LISTEN_PORT (default: a free one) lets a relay stopped and started again
 * take the same address, as a link that comes back does.
 * The cue fires once.  The relay prints "relay listening on
 * 127.0.0.1:PORT" and, when the cue fires, "relay: cut" or "relay: stalled"
 * on stdout; it stops on SIGTERM or after RELAY_LIFETIME_S, so a test that
 * forgets it cannot leave it running.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RELAY_MAX_CONNS  32
#define RELAY_LIFETIME_S 300
#define RELAY_CHUNK      16384

enum mode { MODE_PASS, MODE_CUT_DOWN, MODE_CUT_UP, MODE_STALL };

/* One client connection and its connection to the target. */
struct pair {
	int client, server;    /* -1 when free */
	int stalled;
};

static struct pair pairs[RELAY_MAX_CONNS];
static volatile sig_atomic_t stop;
static enum mode mode;
static unsigned long long cue_bytes, down_bytes, up_bytes;
static int fired;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Closes both ends of p; with reset, as an RST rather than a FIN. */
static void pair_close(struct pair *p, int reset)
{
	struct linger lg = { 1, 0 };

	if (reset) {
		setsockopt(p->client, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		setsockopt(p->server, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	}
	close(p->client);
	close(p->server);
	p->client = p->server = -1;
	p->stalled = 0;
}

/* A socket on 127.0.0.1:port, connected. */
static int connect_target(int port)
{
	struct sockaddr_in a = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Takes a new client and connects it to the target. */
static void accept_one(int lfd, int port)
{
	int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), s, i;

	if (c < 0)
		return;
	s = connect_target(port);
	for (i = 0; i < RELAY_MAX_CONNS && s >= 0; i++) {
		if (pairs[i].client < 0) {
			pairs[i].client = c;
			pairs[i].server = s;
			return;
		}
	}
	close(c);
	if (s >= 0)
		close(s);
}

/*
 * Moves what is waiting on from to to; down says which way.  Returns -1
 * when the pair is done (closed, cut).
 */
static int forward(struct pair *p, int from, int to, int down)
{
	char buf[RELAY_CHUNK];
	ssize_t n = read(from, buf, sizeof buf), off = 0, w;
	unsigned long long *count = down ? &down_bytes : &up_bytes;

	if (n <= 0) {
		pair_close(p, 0);
		return -1;
	}
	*count += (unsigned long long)n;
	if (!fired && *count >= cue_bytes &&
	    ((down && (mode == MODE_CUT_DOWN || mode == MODE_STALL)) ||
	     (!down && mode == MODE_CUT_UP))) {
		fired = 1;
		if (mode == MODE_STALL) {
			p->stalled = 1;
			printf("relay: stalled\n");
			fflush(stdout);
			return 0;
		}
		printf("relay: cut\n");
		fflush(stdout);
		pair_close(p, 1);
		return -1;
	}
	while (off < n) {
		w = write(to, buf + off, (size_t)(n - off));
		if (w <= 0) {
			pair_close(p, 0);
			return -1;
		}
		off += w;
	}
	return 0;
}

/* Listens on port (0: a free one) of 127.0.0.1 and says which: a relay
 * started again on the port of one stopped is a link that comes back. */
static int listen_any(int port)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)port);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    listen(fd, 16) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		close(fd);
		return -1;
	}
	printf("relay listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
	fflush(stdout);
	return fd;
}

/* Parses MODE into mode, or returns -1. */
static int parse_mode(const char *m)
{
	static const struct { const char *name; enum mode mode; } modes[] = {
		{ "pass", MODE_PASS }, { "cut-down", MODE_CUT_DOWN },
		{ "cut-up", MODE_CUT_UP }, { "stall", MODE_STALL },
	};
	size_t i;

	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		if (strcmp(m, modes[i].name) == 0) {
			mode = modes[i].mode;
			return 0;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct pollfd fds[1 + 2 * RELAY_MAX_CONNS];
	int who[1 + 2 * RELAY_MAX_CONNS];
	time_t end = time(NULL) + RELAY_LIFETIME_S;
	int port, listen_port, lfd, i, n;

	if (argc < 3 || parse_mode(argv[2]) != 0 ||
	    (port = atoi(argv[1])) <= 0 || port > 65535) {
		fprintf(stderr, "usage: od-relay TARGET_PORT "
			"pass|cut-down|cut-up|stall [BYTES [LISTEN_PORT]]\n");
		return 2;
	}
	cue_bytes = argc > 3 ? strtoull(argv[3], NULL, 10) : 0;
	listen_port = argc > 4 ? atoi(argv[4]) : 0;
	if (listen_port < 0 || listen_port > 65535)
		listen_port = 0;
	signal(SIGTERM, on_term);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < RELAY_MAX_CONNS; i++)
		pairs[i].client = pairs[i].server = -1;
	lfd = listen_any(listen_port);
	if (lfd < 0) {
		perror("od-relay: cannot listen");
		return 1;
	}
	while (!stop && time(NULL) < end) {
		fds[0].fd = lfd;
		fds[0].events = POLLIN;
		n = 1;
		for (i = 0; i < RELAY_MAX_CONNS; i++) {
			if (pairs[i].client < 0 || pairs[i].stalled)
				continue;
			fds[n].fd = pairs[i].client;
			fds[n].events = POLLIN;
			who[n++] = i;
			fds[n].fd = pairs[i].server;
			fds[n].events = POLLIN;
			who[n++] = i;
		}
		if (poll(fds, (nfds_t)n, 500) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents & POLLIN)
			accept_one(lfd, port);
		for (i = 1; i < n; i++) {
			struct pair *p = &pairs[who[i]];

			if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)) ||
			    p->client < 0 || p->stalled)
				continue;
			if (fds[i].fd == p->client)
				forward(p, p->client, p->server, 0);
			else if (fds[i].fd == p->server)
				forward(p, p->server, p->client, 1);
		}
	}
	for (i = 0; i < RELAY_MAX_CONNS; i++)
		if (pairs[i].client >= 0)
			pair_close(&pairs[i], 0);
	close(lfd);
	return 0;
}
