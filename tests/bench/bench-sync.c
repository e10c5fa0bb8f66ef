/*
 * bench-sync.c - what sync with orderdeskd costs over loopback TLS 1.3,
 * measured against bare Ed25519 verification of the same entries in the
 * same run (`make bench`).
 *
 *   bench-sync ORDERS.json DIR
 *	DIR must exist and be empty; ORDERS.json must hold at least
 *	PULL_N orders (tests/tools/gen-orders).  In one process: a backend
 *	(app/orderdeskd/backend.h) served by net/https-server on 127.0.0.1 and a free
 *	port, and desks (app/shop/shop.h) that sync with it through the real
 *	client (app/sync/sync.h, net/tls-client.h).  Prints one figure a line,
 *	"NAME: VALUE UNIT":
 *	  - push: a desk with PUSH_N orders pushes its whole log;
 *	  - pull: a second desk pulls the backend's PULL_N entries, checking
 *	    every signature, signer, transition and chain hash as it goes;
 *	  - each as a ratio against only verifying the same signatures on
 *	    every core (sigkey_verify_many; target >= 0.8) and on one;
 *	  - DESKS clients at once, each on its own connection, asking what a
 *	    desk that is up to date asks on every sync: requests per second
 *	    and the 99th percentile of their latency;
 *	  - new connections per second (a full mutual TLS 1.3 handshake and
 *	    one small request each), from one client and from DESKS at once.
 *	Targets are printed, never checked; the exit status says whether
 *	everything worked (all pushed, pulled, the logs equal).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/orderdeskd/backend-join.h"
#include "app/orderdeskd/backend.h"
#include "app/import/import.h"
#include "app/log/ledger.h"
#include "app/log/order.h"
#include "app/shop/shop.h"
#include "app/keys/sigkey.h"
#include "app/log/statement.h"
#include "app/sync/sync.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "lib/secret.h"
#include "net/https-server.h"
#include "net/tls-client.h"

#define PASS        "bench passphrase, not a secret"
#define PUSH_N      10000      /* orders a desk pushes */
#define PULL_N      100000     /* entries a desk pulls (genesis aside) */
#define DESKS       20         /* clients at once */
#define DESK_SECS   5.0        /* how long they ask */
#define HANDSHAKES  200        /* new connections from one client */
#define HS_EACH     20         /* new connections per client, at once */

/* The run: its directory, backend, server and the first desk. */
struct run {
	const char *dir;
	struct order_list *list;
	struct backend *b;
	struct backend_config cfg;
	struct join_guard guard;
	struct https_server *srv;
	char url[64];
	char pin[64];
	struct tls_client_config cc;
	char ca[4200], cert[4200], key[4200];
	char *key_pem;          /* the first desk's key, for r->cc */
	pthread_mutex_t lock;   /* around the backend, as orderdeskd's */
	double push_cpu;        /* CPU seconds judging pushed batches */
};

/* BENCH_SYNC_QUICK: no many clients; BENCH_SYNC_PROFILE: no baselines
 * either (a profile under callgrind or perf, not a figure). */
static int quick, profile;

/* CPU seconds of one verification on one core (bare_rate), 0 unmeasured. */
static double verify_cpu;

/* CPU seconds the calling thread has run: what a thread costs, whatever
 * the load of the machine. */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds on the monotonic clock. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Stops the benchmark with what failed. */
static void die(const char *what, const struct od_err *err)
{
	fprintf(stderr, "bench-sync: %s: %s\n", what, err ? err->msg : "");
	exit(1);
}

/* The backend's request handler, as orderdeskd's. */
static unsigned handle(void *ctx, const struct https_request *req,
		       struct buf *out)
{
	struct run *r = ctx;
	struct backend_peer peer = { req->anonymous ? NULL : req->peer, 0 };
	struct backend_args args;
	char note[160];
	unsigned status;
	double c0;

	backend_args_from(req, &args);
	pthread_mutex_lock(&r->lock);
	c0 = cpu_s();
	status = backend_route_request(r->b, &r->guard, &r->cfg, &peer,
				       req->peer_addr, req->method, req->path,
				       &args, req->body, req->len, out, note,
				       sizeof note);
	if (strcmp(req->path, "/v1/statements") == 0)
		r->push_cpu += cpu_s() - c0;
	pthread_mutex_unlock(&r->lock);
	return status;
}

/* Reads a PEM of the backend directory or dies. */
static char *pem(const char *dir, const char *name)
{
	struct od_err err;
	char *p = NULL;

	if (backend_read_pem(dir, name, &p, &err) != OD_OK)
		die(name, &err);
	return p;
}

/* Makes the backend and serves it on a free loopback port. */
static void start_backend(struct run *r)
{
	struct backend_init_report rep;
	struct https_config hc;
	char bk[4096];
	char *cert, *key, *ca;
	struct od_err err;

	snprintf(bk, sizeof bk, "%s/bk", r->dir);
	if (backend_init(bk, "Bench shop", NULL, 0, &rep, &err) != OD_OK ||
	    backend_open(bk, 1, &r->b, &err) != OD_OK)
		die("making the backend", &err);
	snprintf(r->pin, sizeof r->pin, "%s", rep.pin);
	cert = pem(bk, "server.pem");
	key = pem(bk, "server.key");
	ca = pem(bk, "ca.pem");
	memset(&hc, 0, sizeof hc);
	hc.cert_pem = cert;
	hc.key_pem = key;
	hc.ca_pem = ca;
	hc.address = "127.0.0.1";
	hc.port = 0;
	hc.max_connections = 256;
	hc.max_per_ip = 256;
	hc.max_body = 4 * 1024 * 1024;
	hc.max_response = 3 * BACKEND_PAGE_BYTES + 1024 * 1024;
	hc.timeout_s = 30;
	hc.handler = handle;
	backend_config_default(&r->cfg);
	hc.ctx = r;
	if (https_server_start(&hc, &r->srv, &err) != OD_OK)
		die("serving", &err);
	free(cert);
	free(key);
	free(ca);
	snprintf(r->url, sizeof r->url, "https://127.0.0.1:%u",
		 https_server_port(r->srv));
	snprintf(r->ca, sizeof r->ca, "%s/join/ca.pem", bk);
	snprintf(r->cert, sizeof r->cert, "%s/join/desk.pem", bk);
	snprintf(r->key, sizeof r->key, "%s/join/desk.key", bk);
	memset(&r->cc, 0, sizeof r->cc);
	r->cc.base_url = r->url;
	r->cc.pin = r->pin;
	r->cc.ca_file = r->ca;
	r->cc.cert_file = r->cert;
	r->key_pem = pem(bk, "join/desk.key");
	r->cc.key_pem = r->key_pem;
	r->cc.connect_timeout_s = 10;
	r->cc.timeout_s = 60;
	r->cc.max_response = SYNC_MAX_RESPONSE;
}

/* Unlocks a desk as the owner and attaches it to the backend. */
static struct shop *desk_open(struct run *r, const char *dir)
{
	struct sync_attach a = { r->url, r->pin, r->ca, r->cert, r->key, NULL };
	struct shop *sh = NULL;
	struct od_err err;

	if (shop_unlock(dir, "owner", PASS, strlen(PASS), SHOP_WRITE, &sh,
			&err) != OD_OK ||
	    sync_attach(sh, &a, &err) != OD_OK)
		die("opening a desk", &err);
	return sh;
}

/* Makes order i's order.placed as the desk's user (shop_append_many). */
static enum od_code make_placed(void *ctx, size_t i, struct statement **out,
				struct od_err *err)
{
	void **c = ctx;
	struct shop *sh = c[0];
	const struct order_list *list = c[1];
	enum od_code rc;

	rc = shop_statement(sh, STMT_ORDER_PLACED, list->orders[i]->number,
			    out, err);
	if (rc == OD_OK)
		rc = order_to_statement(list->orders[i], *out, err);
	return rc;
}

/* Appends orders [from, to) to the backend's log directly, signed by
 * the desk's owner, in one transaction: the pull's material. */
static void backend_fill(struct run *r, struct shop *sh, size_t from,
			 size_t to)
{
	struct store *s = backend_store(r->b);
	struct statement *st = NULL;
	struct od_err err;
	size_t i;

	if (store_begin(s, &err) != OD_OK)
		die("filling the backend", &err);
	for (i = from; i < to; i++) {
		if (statement_new(STMT_ORDER_PLACED, sh->user, sh->fingerprint,
				  r->list->orders[i]->number, &st,
				  &err) != OD_OK ||
		    order_to_statement(r->list->orders[i], st, &err) != OD_OK ||
		    ledger_append(s, sh->key, st, NULL, &err) != OD_OK)
			die("filling the backend", &err);
		statement_free(st);
		st = NULL;
	}
	if (store_commit(s, &err) != OD_OK)
		die("filling the backend", &err);
}

/* The signed entries of a log, held for the bare verification. */
struct entries {
	char **text;
	size_t *len;
	uint8_t (*sig)[SIGKEY_SIG_LEN];
	size_t n, cap;
	long long after;
};

static enum od_code gather(void *ctx, const struct log_record *rec,
			   struct od_err *err)
{
	struct entries *e = ctx;

	if (e->n == e->cap)
		return od_err_set(err, OD_E_INPUT, "more entries than asked");
	e->text[e->n] = malloc(rec->statement_len);
	if (e->text[e->n] == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	memcpy(e->text[e->n], rec->statement, rec->statement_len);
	e->len[e->n] = rec->statement_len;
	memcpy(e->sig[e->n], rec->signature, SIGKEY_SIG_LEN);
	e->n++;
	return OD_OK;
}

static void entries_free(struct entries *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->text[i]);
	free(e->text);
	free(e->len);
	free(e->sig);
}

/* The baselines, entries per second: one core, every core. */
struct bare { double one, all; };

/*
 * Best rate of two passes (one for a large n: long enough to be steady)
 * of checking e's signatures with the key pub: on one core (all 0), or
 * on every core (all 1), as the backend checks a batch, in pages of 1000
 * through sigkey_verify_many.
 */
static double bare_rate(const struct entries *e,
			const uint8_t pub[SIGKEY_PUB_LEN], int all)
{
	enum { PAGE = 1000 };
	uint8_t (*pubs)[SIGKEY_PUB_LEN] = calloc(PAGE, SIGKEY_PUB_LEN);
	unsigned char ok[PAGE];
	struct sigkey_pub *p = NULL;
	struct od_err err;
	double best = 0, t0, t, c0;
	size_t i, k, m;
	int pass;

	if (pubs == NULL)
		die("out of memory", NULL);
	if (sigkey_pub_new(pub, &p, &err) != OD_OK)
		die("loading the key", &err);
	for (i = 0; i < PAGE; i++)
		memcpy(pubs[i], pub, SIGKEY_PUB_LEN);
	for (pass = 0; pass < (e->n > 20000 ? 1 : 2); pass++) {
		t0 = now_s();
		c0 = cpu_s();
		for (i = 0; i < e->n; i += m) {
			m = e->n - i < PAGE ? e->n - i : PAGE;
			memset(ok, 1, m);
			if (all)
				sigkey_verify_many(
					(const uint8_t (*)[SIGKEY_PUB_LEN])pubs,
					(const char *const *)e->text + i,
					e->len + i,
					(const uint8_t (*)[SIGKEY_SIG_LEN])
					e->sig + i, m, ok);
			for (k = 0; !all && k < m; k++)
				ok[k] = sigkey_pub_verify(p, e->text[i + k],
							  e->len[i + k],
							  e->sig[i + k],
							  &err) == OD_OK;
			if (memchr(ok, 0, m) != NULL)
				die("bare verification", NULL);
		}
		t = now_s() - t0;
		if (e->n / t > best)
			best = e->n / t;
		if (!all && (verify_cpu == 0 || (cpu_s() - c0) / e->n <
					       verify_cpu))
			verify_cpu = (cpu_s() - c0) / e->n;
	}
	sigkey_pub_free(p);
	free(pubs);
	return best;
}

/*
 * Verifies the signatures of the backend's entries after `after` (n of
 * them) with the owner's key and nothing else: the baselines.
 */
static struct bare bare_verify(struct run *r, struct shop *sh,
			       long long after, size_t n)
{
	struct entries e;
	uint8_t pub[SIGKEY_PUB_LEN];
	struct od_err err;
	struct bare b = { 1, 1 };

	if (profile)
		return b;
	memset(&e, 0, sizeof e);
	e.cap = n;
	e.text = calloc(n, sizeof *e.text);
	e.len = calloc(n, sizeof *e.len);
	e.sig = calloc(n, sizeof *e.sig);
	if (e.text == NULL || e.len == NULL || e.sig == NULL)
		die("out of memory", NULL);
	if (store_log_each_after(backend_store(r->b), after, gather, &e,
				 &err) != OD_OK || e.n != n)
		die("reading the backend's log", &err);
	sigkey_public(sh->key, pub);
	b.one = bare_rate(&e, pub, 0);
	b.all = bare_rate(&e, pub, 1);
	entries_free(&e);
	printf("bare Ed25519 verification of the %zu below: %.0f per s on one "
	       "core, %.0f per s on every core (%ld)\n", n, b.one, b.all,
	       sysconf(_SC_NPROCESSORS_ONLN));
	return b;
}

/*
 * What one thread costs per entry (cpu seconds for n), against one
 * verification's CPU: the thread that writes the entries one by one bounds
 * the ratio to bare verification on every core, however many cores verify.
 */
static void writer_cost(const char *what, double cpu, size_t n)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	double each = cpu / (double)n;

	if (verify_cpu <= 0 || n == 0)
		return;
	printf("%s writer thread: %.0f us CPU an entry, %.2f verifications "
	       "(one: %.0f us); bound on the ratio with %ld idle cores: "
	       "%.2f\n", what, each * 1e6, each / verify_cpu,
	       verify_cpu * 1e6, cores, verify_cpu / (each * (double)cores));
}

/* Copies a directory tree (a desk as it was) with cp -a. */
static void copy_tree(const char *from, const char *to)
{
	char cmd[8400];

	snprintf(cmd, sizeof cmd, "cp -a '%s' '%s'", from, to);
	if (system(cmd) != 0)
		die("copying a desk", NULL);
}

/* One client of the many at once, and what it measured. */
struct client {
	struct run *r;
	int fresh;                /* a new connection per request */
	int count;                /* requests to make (fresh), or 0: timed */
	double until;
	double *lat;
	size_t n, cap;
	char path[96];
	int failed;
};

static void *client_main(void *arg)
{
	struct client *c = arg;
	struct tls_client *tc = NULL;
	struct od_err err;
	struct buf resp;
	double t0;
	long status = 0;

	buf_init(&resp, SYNC_MAX_RESPONSE);
	while (c->n < c->cap && (c->count ? (int)c->n < c->count :
				 now_s() < c->until)) {
		t0 = now_s();
		if (tc == NULL && tls_client_new(&c->r->cc, &tc, &err) != OD_OK)
			break;
		if (tls_client_request(tc, "GET", c->path, NULL, 0, &status,
				       &resp, &err) != OD_OK || status != 200)
			break;
		if (c->fresh) {
			tls_client_free(tc);
			tc = NULL;
		}
		c->lat[c->n++] = now_s() - t0;
	}
	if (c->count ? (int)c->n < c->count : c->n == 0)
		c->failed = 1;
	tls_client_free(tc);
	buf_free(&resp);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Runs nclients at once; each asks for path until the time is up (or makes
 * count fresh connections).  Prints requests per second and, when asked,
 * the 99th percentile latency.
 */
static void many(struct run *r, int nclients, int fresh, int count,
		 const char *path, const char *name, int p99)
{
	struct client *cs = calloc((size_t)nclients, sizeof *cs);
	pthread_t *th = calloc((size_t)nclients, sizeof *th);
	double *all, t0, wall;
	size_t total = 0, k = 0, i, j;
	int n;

	if (cs == NULL || th == NULL)
		die("out of memory", NULL);
	t0 = now_s();
	for (n = 0; n < nclients; n++) {
		cs[n].r = r;
		cs[n].fresh = fresh;
		cs[n].count = count;
		cs[n].until = t0 + DESK_SECS;
		cs[n].cap = 200000;
		cs[n].lat = malloc(cs[n].cap * sizeof *cs[n].lat);
		snprintf(cs[n].path, sizeof cs[n].path, "%s", path);
		if (cs[n].lat == NULL ||
		    pthread_create(&th[n], NULL, client_main, &cs[n]) != 0)
			die("starting clients", NULL);
	}
	for (n = 0; n < nclients; n++)
		pthread_join(th[n], NULL);
	wall = now_s() - t0;
	for (n = 0; n < nclients; n++) {
		if (cs[n].failed)
			die("a client's request failed", NULL);
		total += cs[n].n;
	}
	all = malloc(total * sizeof *all);
	if (all == NULL)
		die("out of memory", NULL);
	for (n = 0; n < nclients; n++)
		for (j = 0; j < cs[n].n; j++)
			all[k++] = cs[n].lat[j];
	qsort(all, total, sizeof *all, cmp_double);
	printf("%s: %.0f per s (%zu in %.2f s, %d client%s)\n", name,
	       total / wall, total, wall, nclients, nclients > 1 ? "s" : "");
	if (p99) {
		i = (size_t)((double)total * 0.99);
		if (i >= total)
			i = total - 1;
		printf("%s p99 latency: %.2f ms (median %.2f ms)\n", name,
		       all[i] * 1e3, all[total / 2] * 1e3);
	}
	for (n = 0; n < nclients; n++)
		free(cs[n].lat);
	free(all);
	free(cs);
	free(th);
}

/* Syncs a desk, timed; dies unless it pushed and pulled what it should. */
static double timed_sync(struct shop *sh, long long push, long long pull)
{
	struct sync_report rep;
	struct od_err err;
	double t0 = now_s();

	if (sync_run(sh, &rep, &err) != OD_OK)
		die("sync", &err);
	if (rep.pushed != push || rep.pulled != pull) {
		fprintf(stderr, "bench-sync: pushed %lld (wanted %lld), pulled "
			"%lld (wanted %lld)\n", rep.pushed, push, rep.pulled,
			pull);
		exit(1);
	}
	return now_s() - t0;
}

/* Pull: the backend grows to pull_n entries after the genesis, and the
 * desk in dir pulls them all; returns the log's head. */
static long long bench_pull(struct run *r, struct shop *sh, const char *dir,
			    size_t push_n, size_t pull_n)
{
	struct shop *sh2;
	struct bare base;
	struct od_err err;
	long long head = 0;
	uint8_t hash[32];
	double t, rate, cpu;

	backend_fill(r, sh, push_n, pull_n);
	sh2 = desk_open(r, dir);
	cpu = cpu_s();
	t = timed_sync(sh2, 0, (long long)pull_n);
	cpu = cpu_s() - cpu;
	rate = (double)pull_n / t;
	base = bare_verify(r, sh, 1, pull_n);
	printf("pull %d entries over TLS (signature, signer, role, transition, "
	       "chain checked and stored): %.0f entries per s (%.2f s)\n",
	       (int)pull_n, rate, t);
	printf("pull ratio (pull rate / bare verification on every core): "
	       "%.2f (target: >= 0.8; on one core: %.2f)\n", rate / base.all,
	       rate / base.one);
	writer_cost("pull: the desk's", cpu, pull_n);
	if (store_log_head(sh2->store, &head, hash, &err) != OD_OK ||
	    head != (long long)pull_n + 1)
		die("the pulling desk's log is not the backend's", &err);
	shop_close(sh2);
	return head;
}

int main(int argc, char **argv)
{
	struct run r;
	struct od_err err;
	char a[4096], b[4096], path[96];
	struct shop *sh = NULL;
	void *ctx[2];
	double t, push_rate;
	struct bare base;
	size_t pull_n = PULL_N, push_n = PUSH_N;
	long long head;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-sync ORDERS.json DIR\n");
		return 2;
	}
	memset(&r, 0, sizeof r);
	pthread_mutex_init(&r.lock, NULL);
	r.dir = argv[2];
	if (import_read_file(argv[1], &r.list, &err) != OD_OK)
		die("reading the orders", &err);
	/* BENCH_SYNC_PULL=N pulls fewer (a quick look, not a figure). */
	if (getenv("BENCH_SYNC_PULL") != NULL)
		pull_n = strtoul(getenv("BENCH_SYNC_PULL"), NULL, 10);
	/* BENCH_SYNC_PUSH=N pushes fewer (a profile, not a figure). */
	profile = getenv("BENCH_SYNC_PROFILE") != NULL;
	quick = profile || getenv("BENCH_SYNC_QUICK") != NULL;
	if (getenv("BENCH_SYNC_PUSH") != NULL)
		push_n = strtoul(getenv("BENCH_SYNC_PUSH"), NULL, 10);
	if (push_n == 0 || push_n > PUSH_N)
		push_n = PUSH_N;
	if (pull_n <= push_n || pull_n > PULL_N)
		pull_n = PULL_N;
	if (r.list->count < pull_n)
		die("the orders file holds fewer than 100000 orders", NULL);
	start_backend(&r);

	/* Desk A, and desk B: A as it was at its founding. */
	snprintf(a, sizeof a, "%s/desk-a", r.dir);
	snprintf(b, sizeof b, "%s/desk-b", r.dir);
	if (shop_init(a, "Bench shop", "owner", PASS, strlen(PASS),
		      &err) != OD_OK)
		die("founding a desk", &err);
	copy_tree(a, b);
	sh = desk_open(&r, a);
	ctx[0] = sh;
	ctx[1] = r.list;
	if (shop_append_many(sh, push_n, make_placed, ctx, NULL,
			     &err) != OD_OK)
		die("placing the desk's orders", &err);

	/* Push: the genesis and PUSH_N orders. */
	t = timed_sync(sh, (long long)push_n + 1, 0);
	push_rate = (double)(push_n + 1) / t;
	base = bare_verify(&r, sh, 0, push_n + 1);
	printf("push %d statements over TLS (verified, folded, stored by the "
	       "backend): %.0f statements per s (%.2f s)\n", (int)push_n + 1,
	       push_rate, t);
	printf("push ratio (push rate / bare verification on every core): "
	       "%.2f (target: >= 0.8; on one core: %.2f)\n",
	       push_rate / base.all, push_rate / base.one);
	writer_cost("push: the backend's", r.push_cpu, push_n + 1);

	head = bench_pull(&r, sh, b, push_n, pull_n);
	if (quick)
		goto done;

	/* Desks that are up to date, syncing at once (what sync_run asks
	 * first: the last entry it has and the signed head). */
	snprintf(path, sizeof path, "/v1/log?after=%lld&limit=1000", head - 1);
	many(&r, DESKS, 0, 0, path, "20 desks syncing at once: requests", 1);
	snprintf(path, sizeof path, "/v1/log?after=%lld", head);
	many(&r, 1, 1, HANDSHAKES, path,
	     "TLS 1.3 handshakes (mutual, new connection + one request)", 0);
	many(&r, DESKS, 1, HS_EACH, path,
	     "TLS 1.3 handshakes, 20 clients at once", 0);
done:

	shop_close(sh);
	https_server_stop(r.srv);
	backend_close(r.b);
	order_list_free(r.list);
	secret_free_str(r.key_pem);
	return 0;
}
