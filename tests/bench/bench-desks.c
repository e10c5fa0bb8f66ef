/*
 * bench-desks.c - twenty desks syncing at once against one real orderdeskd
 * (`make bench`; `make bench-tsan` runs it against a ThreadSanitizer
 * build of orderdeskd).
 *
 *   bench-desks ORDERDESKD ORDERS.json DIR
 *	ORDERDESKD is the backend's binary, run as `orderdeskd --dir DIR/bk
 *	serve --listen 127.0.0.1:0` (its log in DIR/bk.log); ORDERS.json
 *	holds at least BASE_N + DESKS * ROUNDS * SIGN orders
 *	(tests/tools/gen-orders); DIR must exist and be empty.  In this
 *	process, DESKS desks, each a store of its own with its own thread,
 *	call the real sync_run_kept (app/sync/sync.h) over loopback TLS 1.3,
 *	each keeping its connection from sync to sync as the desk's sync
 *	thread does.
 *	Prints one figure a line, "NAME: VALUE UNIT":
 *	  - up to date: every desk syncs with nothing new, over and over
 *	    for UPTODATE_S; the 99th percentile of sync_run, against one
 *	    desk alone doing the same (the baseline, measured first);
 *	  - busy: every desk signs SIGN orders and syncs, ROUNDS times; the
 *	    99th percentile of sync_run, against one desk alone doing the
 *	    same.
 *	Targets are printed for a reader and never checked; the exit status
 *	says only whether everything worked (every sync, and orderdeskd
 *	starting and stopping cleanly).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/import/import.h"
#include "app/log/order.h"
#include "app/orderdeskd/backend.h"
#include "app/shop/shop.h"
#include "app/sync/sync.h"
#include "lib/err.h"

#define PASS        "bench passphrase, not a secret"
#define DESKS       20
#define BASE_N      2000      /* orders in the shop before the desks */
#define SIGN        20        /* orders a busy desk signs per round */
#define ROUNDS      10        /* rounds per busy desk */
#define UPTODATE_S  5.0       /* how long the up-to-date desks sync */
#define ALONE_N     20        /* syncs of the one desk alone */
#define LAT_MAX     100000

static const struct order_list *orders;

/* Seconds on the monotonic clock. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct od_err *err)
{
	fprintf(stderr, "bench-desks: %s: %s\n", what, err ? err->msg : "");
	exit(1);
}

/* The backend process and where it listens. */
struct backend_proc {
	pid_t pid;
	char url[64], pin[64], ca[4200], cert[4200], key[4200];
};

/* Waits for "listening on 127.0.0.1:PORT" in the backend's log. */
static unsigned wait_port(const char *log)
{
	char line[512];
	const char *p;
	double until = now_s() + 60;
	unsigned port = 0;
	FILE *f;

	while (port == 0 && now_s() < until) {
		f = fopen(log, "r");
		while (f != NULL && fgets(line, sizeof line, f) != NULL)
			if ((p = strstr(line, "listening on 127.0.0.1:")) != NULL)
				port = (unsigned)atoi(p + 23);
		if (f != NULL)
			fclose(f);
		if (port == 0)
			usleep(50 * 1000);
	}
	return port;
}

/* Makes the backend directory and starts the real orderdeskd on it. */
static void backend_start(const char *bin, const char *dir,
			  struct backend_proc *bp)
{
	struct backend_init_report rep;
	struct od_err err;
	char bk[4096], log[4200], conf[4200];
	unsigned port;
	FILE *f;

	snprintf(bk, sizeof bk, "%s/bk", dir);
	snprintf(log, sizeof log, "%s/bk.log", dir);
	if (backend_init(bk, "Bench shop", NULL, 0, &rep, &err) != OD_OK)
		die("making the backend", &err);
	/* Twenty desks from one address: room for each. */
	snprintf(conf, sizeof conf, "%s/orderdeskd.conf", bk);
	f = fopen(conf, "a");
	if (f == NULL || fprintf(f, "max_per_ip = 64\nmax_connections = "
				 "128\n") < 0 || fclose(f) != 0)
		die("writing orderdeskd.conf", NULL);
	bp->pid = fork();
	if (bp->pid < 0)
		die("starting orderdeskd", NULL);
	if (bp->pid == 0) {
		if (freopen(log, "w", stderr) == NULL)
			_exit(127);
		execl(bin, bin, "--dir", bk, "serve", "--listen",
		      "127.0.0.1:0", (char *)NULL);
		_exit(127);
	}
	port = wait_port(log);
	if (port == 0)
		die("orderdeskd did not start (see its log)", NULL);
	snprintf(bp->url, sizeof bp->url, "https://127.0.0.1:%u", port);
	snprintf(bp->pin, sizeof bp->pin, "%s", rep.pin);
	snprintf(bp->ca, sizeof bp->ca, "%s/join/ca.pem", bk);
	snprintf(bp->cert, sizeof bp->cert, "%s/join/desk.pem", bk);
	snprintf(bp->key, sizeof bp->key, "%s/join/desk.key", bk);
}

static void backend_stop(struct backend_proc *bp)
{
	int status = 0;

	kill(bp->pid, SIGTERM);
	if (waitpid(bp->pid, &status, 0) != bp->pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		die("orderdeskd did not stop cleanly (see its log)", NULL);
}

/* Makes order i's order.placed as the desk's user (shop_append_many). */
static enum od_code make_placed(void *ctx, size_t i, struct statement **out,
				struct od_err *err)
{
	struct shop *sh = ((void **)ctx)[0];
	size_t from = *(size_t *)((void **)ctx)[1];
	enum od_code rc;

	rc = shop_statement(sh, STMT_ORDER_PLACED,
			    orders->orders[from + i]->number, out, err);
	if (rc == OD_OK)
		rc = order_to_statement(orders->orders[from + i], *out, err);
	return rc;
}

/* Places orders [from, from + n) on a desk. */
static void place(struct shop *sh, size_t from, size_t n)
{
	struct od_err err;
	void *ctx[2] = { sh, &from };

	if (shop_append_many(sh, n, make_placed, ctx, NULL, &err) != OD_OK)
		die("placing orders", &err);
}

/* One desk: its store, and the latencies of its syncs. */
struct desk {
	struct shop *sh;
	struct sync_conn conn;    /* kept from sync to sync, as the desk's
				     sync thread keeps it */
	int busy;                 /* sign SIGN orders before each sync */
	size_t next_order;        /* the first order it places next */
	double until;             /* up to date: sync until then */
	double *lat;
	size_t n;
	struct od_err err;
	int failed;
};

/* Syncs a desk once, timed. */
static int timed_sync(struct desk *d)
{
	struct sync_report rep;
	double t0 = now_s();

	if (sync_run_kept(d->sh, NULL, &d->conn, &rep, &d->err) != OD_OK)
		return -1;
	if (d->n < LAT_MAX)
		d->lat[d->n++] = now_s() - t0;
	return 0;
}

static void *desk_main(void *arg)
{
	struct desk *d = arg;
	int round;

	if (d->busy) {
		for (round = 0; round < ROUNDS && !d->failed; round++) {
			place(d->sh, d->next_order, SIGN);
			d->next_order += SIGN;
			d->failed = timed_sync(d) != 0;
		}
	} else {
		while (!d->failed && now_s() < d->until)
			d->failed = timed_sync(d) != 0;
	}
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of n latencies (sorted in place), in ms. */
static double quantile(double *v, size_t n, double q)
{
	size_t i = (size_t)((double)n * q);

	qsort(v, n, sizeof *v, cmp_double);
	return v[i < n ? i : n - 1] * 1e3;
}

/* Runs desks[0..n) at once; returns their latencies, gathered. */
static double *run_desks(struct desk *desks, int n, int busy, size_t *count)
{
	pthread_t th[DESKS];
	double *all, t0 = now_s();
	size_t k = 0, j;
	int i;

	for (i = 0; i < n; i++) {
		desks[i].busy = busy;
		desks[i].until = t0 + UPTODATE_S;
		desks[i].n = 0;
		if (pthread_create(&th[i], NULL, desk_main, &desks[i]) != 0)
			die("starting a desk's thread", NULL);
	}
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < n; i++)
		if (desks[i].failed)
			die("a desk's sync", &desks[i].err);
	*count = 0;
	for (i = 0; i < n; i++)
		*count += desks[i].n;
	all = malloc((*count ? *count : 1) * sizeof *all);
	if (all == NULL)
		die("out of memory", NULL);
	for (i = 0; i < n; i++)
		for (j = 0; j < desks[i].n; j++)
			all[k++] = desks[i].lat[j];
	return all;
}

/* One desk alone: ALONE_N syncs (busy: each after SIGN new orders); the
 * median in ms. */
static double alone(struct desk *d, int busy)
{
	int i;

	d->n = 0;
	for (i = 0; i < ALONE_N; i++) {
		if (busy) {
			place(d->sh, d->next_order, SIGN);
			d->next_order += SIGN;
		}
		if (timed_sync(d) != 0)
			die("the desk alone", &d->err);
	}
	return quantile(d->lat, d->n, 0.5);
}

/* Founds desk 0, pushes BASE_N orders, and copies it for the others. */
static void make_desks(const struct backend_proc *bp, const char *dir,
		       struct desk *desks)
{
	struct sync_attach a = { bp->url, bp->pin, bp->ca, bp->cert, bp->key,
				 NULL };
	char path[4096], cmd[8400];
	struct od_err err;
	int i;

	snprintf(path, sizeof path, "%s/desk-0", dir);
	if (shop_init(path, "Bench shop", "owner", PASS, strlen(PASS),
		      &err) != OD_OK)
		die("founding a desk", &err);
	for (i = 0; i < DESKS; i++) {
		desks[i].lat = malloc(LAT_MAX * sizeof *desks[i].lat);
		if (desks[i].lat == NULL)
			die("out of memory", NULL);
		desks[i].next_order = BASE_N + (size_t)i * (ALONE_N + ROUNDS) *
				      SIGN;
	}
	snprintf(path, sizeof path, "%s/desk-0", dir);
	if (shop_unlock(path, "owner", PASS, strlen(PASS), SHOP_WRITE,
			&desks[0].sh, &err) != OD_OK ||
	    sync_attach(desks[0].sh, &a, &err) != OD_OK)
		die("opening desk 0", &err);
	place(desks[0].sh, 0, BASE_N);
	if (timed_sync(&desks[0]) != 0)
		die("the first push", &desks[0].err);
	shop_close(desks[0].sh);
	for (i = 1; i < DESKS; i++) {
		snprintf(cmd, sizeof cmd, "cp -a '%s/desk-0' '%s/desk-%d'", dir,
			 dir, i);
		if (system(cmd) != 0)
			die("copying a desk", NULL);
	}
	for (i = 0; i < DESKS; i++) {
		snprintf(path, sizeof path, "%s/desk-%d", dir, i);
		if (shop_unlock(path, "owner", PASS, strlen(PASS), SHOP_WRITE,
				&desks[i].sh, &err) != OD_OK)
			die("opening a desk", &err);
	}
}

/* CPU seconds so far: this process's (the desks') and orderdeskd's. */
struct cpu {
	double desks, backend, wall;
};

static struct cpu cpu_now(pid_t backend)
{
	struct cpu c = { 0, 0, now_s() };
	struct rusage ru;
	unsigned long ut = 0, st = 0;
	char path[64], buf[1024], *p;
	FILE *f;

	if (getrusage(RUSAGE_SELF, &ru) == 0)
		c.desks = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
			  (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)backend);
	f = fopen(path, "r");
	/* utime and stime are fields 14 and 15, after the ")" of comm. */
	if (f != NULL && fgets(buf, sizeof buf, f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL &&
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		   &ut, &st) == 2)
		c.backend = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
	if (f != NULL)
		fclose(f);
	return c;
}

/* Says where a scenario's time went (n syncs): CPU against what the
 * cores had. */
static void say_cpu(const char *name, struct cpu a, struct cpu b, size_t n)
{
	double wall = b.wall - a.wall;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	printf("%s: CPU %.2f s in the desks, %.2f s in orderdeskd, in %.2f s "
	       "on %ld cores (%.0f%% of them)\n", name, b.desks - a.desks,
	       b.backend - a.backend, wall, cores,
	       100 * (b.desks - a.desks + b.backend - a.backend) /
	       (wall * (double)cores));
	printf("%s: CPU per sync %.2f ms in the desk, %.2f ms in orderdeskd\n",
	       name, 1e3 * (b.desks - a.desks) / (double)n,
	       1e3 * (b.backend - a.backend) / (double)n);
}

/* Prints one scenario's figure beside its target and its baseline. */
static void say(const char *name, double *lat, size_t n, double base,
		double target)
{
	double p99 = quantile(lat, n, 0.99), med = quantile(lat, n, 0.5);

	printf("%s: sync_run p99 %.1f ms, median %.1f ms (%zu syncs; target "
	       "p99 < %.0f ms)\n", name, p99, med, n, target);
	printf("%s: one desk alone, median %.1f ms; p99 / alone: %.1f\n", name,
	       base, p99 / base);
}

int main(int argc, char **argv)
{
	struct desk desks[DESKS];
	struct backend_proc bp;
	struct cpu c0;
	struct order_list *list = NULL;
	struct od_err err;
	double base, *lat;
	size_t n;
	int i;

	if (argc != 4) {
		fprintf(stderr, "usage: bench-desks ORDERDESKD ORDERS.json "
			"DIR\n");
		return 2;
	}
	if (import_read_file(argv[2], &list, &err) != OD_OK)
		die("reading the orders", &err);
	if (list->count < BASE_N + DESKS * (ALONE_N + ROUNDS) * SIGN)
		die("the orders file holds too few orders", NULL);
	orders = list;
	memset(desks, 0, sizeof desks);
	memset(&bp, 0, sizeof bp);
	backend_start(argv[1], argv[3], &bp);
	make_desks(&bp, argv[3], desks);
	/* Every copy catches up once (it never synced). */
	for (i = 1; i < DESKS; i++)
		if (timed_sync(&desks[i]) != 0)
			die("catching up", &desks[i].err);
	base = alone(&desks[0], 0);
	c0 = cpu_now(bp.pid);
	lat = run_desks(desks, DESKS, 0, &n);
	say("20 desks up to date, syncing at once", lat, n, base, 50);
	say_cpu("20 desks up to date", c0, cpu_now(bp.pid), n);
	free(lat);
	base = alone(&desks[0], 1);
	/* The others catch up on the desk alone's orders first. */
	for (i = 1; i < DESKS; i++)
		if (timed_sync(&desks[i]) != 0)
			die("catching up", &desks[i].err);
	c0 = cpu_now(bp.pid);
	lat = run_desks(desks, DESKS, 1, &n);
	say("20 busy desks (sign 20, sync; 10 rounds each)", lat, n, base,
	    1000);
	say_cpu("20 busy desks", c0, cpu_now(bp.pid), n);
	free(lat);
	for (i = 0; i < DESKS; i++) {
		sync_conn_close(&desks[i].conn);
		shop_close(desks[i].sh);
		free(desks[i].lat);
	}
	backend_stop(&bp);
	order_list_free(list);
	return 0;
}
