/*
 * bench-events.c - what the backend's security events summary costs as
 * its events table fills (`make bench`; issue 16): the owner's desk asks
 * for it (POST /v1/events/summary), and the backend counts under its one
 * lock, so this is how long a flood makes every other request wait.
 *
 *   bench-events DIR [EVENTS...]
 *	DIR must exist and be empty; EVENTS are table sizes in increasing
 *	order (default 1000 500000, the table's cap).  In one process a
 *	backend's encrypted store in DIR is filled with made-up events in
 *	the last hour (4 kinds, 1,757 addresses) up to each size, and at
 *	each it prints "summary: MS ms (ROWS rows)", the best of RUNS, and
 *	its ratio to the first size (the count is one scan of the window:
 *	linear means the ratio follows the sizes').  Nothing is checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/orderdeskd/backend.h"
#include "storage/store-events.h"

#define BATCH 10000
#define RUNS  5
#define MAXSIZES 8

static void die(const char *what, const struct od_err *err)
{
	fprintf(stderr, "bench-events: %s: %s\n", what, err->msg);
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static enum od_code count_row(void *ctx, const struct store_event_count *c,
			      struct od_err *err)
{
	(*(long *)ctx)++;
	return OD_OK;
}

/* Adds events [from, to) to s. */
static void fill(struct store *s, long from, long to, long long t)
{
	static const char *const kinds[] = { "handshake-refused",
		"request-refused", "join-wrong", "cert-refused" };
	static struct store_event ev[BATCH];
	static char addr[BATCH][32];
	struct od_err err;
	long i, k, m;

	for (i = from; i < to; i += m) {
		m = to - i < BATCH ? to - i : BATCH;
		for (k = 0; k < m; k++) {
			snprintf(addr[k], sizeof addr[k], "203.0.%ld.%ld",
				 (i + k) % 7, (i + k) % 251);
			ev[k] = (struct store_event){ 0, t - 3600 +
				(i + k) % 3600, kinds[(i + k) % 4], addr[k],
				"", "made up" };
		}
		if (store_events_add(s, ev, (size_t)m, &err) != OD_OK)
			die("adding events", &err);
	}
}

int main(int argc, char **argv)
{
	long sizes[MAXSIZES] = { 1000, 500000 }, n = 2, filled = 0, rows;
	long long t = (long long)time(NULL);
	struct backend_init_report rep;
	struct backend *b = NULL;
	double best, first = 0, d;
	struct od_err err;
	char dir[4096];
	int i, r;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-events DIR [EVENTS...]\n");
		return 2;
	}
	for (i = 2; i < argc && i - 2 < MAXSIZES; i++)
		sizes[i - 2] = atol(argv[i]);
	n = argc > 2 ? argc - 2 : n;
	snprintf(dir, sizeof dir, "%s/bk", argv[1]);
	if (backend_init(dir, "Bench shop", NULL, 0, &rep, &err) != OD_OK ||
	    backend_open(dir, 0, &b, &err) != OD_OK)
		die("making a backend", &err);
	for (i = 0; i < n; i++) {
		fill(backend_store(b), filled, sizes[i], t);
		filled = sizes[i];
		for (best = 1e12, r = 0; r < RUNS; r++) {
			rows = 0;
			d = now_ms();
			if (store_events_count(backend_store(b), t - 86400,
					       NULL, count_row, &rows,
					       &err) != OD_OK)
				die("counting", &err);
			d = now_ms() - d;
			best = d < best ? d : best;
		}
		if (i == 0)
			first = best;
		printf("events summary at %ld events: %.1f ms (%ld rows), "
		       "%.0fx the %ld's (target: linear, %.0fx)\n", sizes[i],
		       best, rows, best / first, sizes[0],
		       (double)sizes[i] / (double)sizes[0]);
	}
	backend_close(b);
	return 0;
}
