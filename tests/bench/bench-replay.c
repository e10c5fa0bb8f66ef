/*
 * bench-replay.c - what a batch of replayed statements costs the backend
 * as its log grows (`make bench`; issue 9, item 3).
 *
 *   bench-replay DIR [ENTRIES...]
 *	DIR must exist and be empty; ENTRIES are log lengths in increasing
 *	order (default 100000 1000000).  In one process: a backend
 *	(app/orderdeskd/backend.h) whose log holds the shop's genesis and an early
 *	user.add, then filler entries up to each length.  At each length it
 *	answers, through the push route, a batch of BATCH copies of that
 *	user.add (what any desk certificate may send: once a walk of the log
 *	per copy), and prints one figure a line, "NAME: VALUE UNIT":
 *	  - the batch's answer time (the median of RUNS; target: well under
 *	    a second at 1M entries), the CPU time of the thread that answered
 *	    (steadier on a busy machine), and the log rows it read;
 *	  - that time as a ratio against answering one fresh statement at the
 *	    same length (a user.add, accepted and committed durably), the
 *	    baseline measured in the same run;
 *	  - the batch at each length against the first: flat means the log's
 *	    length costs nothing.
 *	Filler entries are written straight into the log table in one
 *	transaction, with made-up signatures and hashes (signing a million
 *	statements would take the run's time): the replay check reads only the
 *	replayed entry's row, and a fresh statement only the tip's, so what
 *	the fillers hold does not matter, only how many there are.  Targets
 *	are printed for a reader, never checked; the exit status says whether
 *	everything worked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "app/orderdeskd/backend.h"
#include "app/log/ledger.h"
#include "app/keys/sigkey.h"
#include "app/log/statement.h"
#include "lib/buf.h"
#include "lib/encode.h"
#include "lib/err.h"

#define BATCH   500        /* copies in the replayed batch (max_batch) */
#ifndef RUNS
#define RUNS    9          /* timed answers per figure; the median is kept */
#endif
#define MAXLENS 8

/* The run: its backend, the owner's key and the replayed entry. */
struct run {
	struct backend *b;
	struct sigkey *owner;
	char fp[SIGKEY_FP_LEN + 1];
	char *batch;          /* {"statements": [BATCH copies]} */
	struct buf out;
	long long filled;     /* seq of the last entry */
	unsigned users;       /* fresh users added so far */
};

/* Seconds on the monotonic clock. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds of CPU this thread has used: what it held the server thread
 * for, whatever else the machine was doing. */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Stops the benchmark with what failed. */
static void die(const char *what, const struct od_err *err)
{
	fprintf(stderr, "bench-replay: %s%s%s\n", what, err ? ": " : "",
		err ? err->msg : "");
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A fresh public key's base64, for a user.add. */
static void new_pub64(char out[64])
{
	uint8_t seed[SIGKEY_SEED_LEN], pub[SIGKEY_PUB_LEN];
	struct sigkey *k = NULL;
	struct od_err err;

	if (sigkey_generate_seed(seed, &err) != OD_OK ||
	    sigkey_from_seed(seed, &k, &err) != OD_OK)
		die("making a key", &err);
	sigkey_public(k, pub);
	b64_encode(pub, sizeof pub, out);
	sigkey_free(k);
}

/* A user.add of a new user "u<n>" as the owner (*out is the caller's). */
static struct statement *user_add(struct run *r)
{
	struct statement *st = NULL;
	struct od_err err;
	char name[32], pub64[64];

	snprintf(name, sizeof name, "u%u", ++r->users);
	new_pub64(pub64);
	if (statement_new(STMT_USER_ADD, "owner", r->fp, NULL, &st,
			  &err) != OD_OK ||
	    statement_add(st, "user", name, &err) != OD_OK ||
	    statement_add(st, "role", "shopkeeper", &err) != OD_OK ||
	    statement_add(st, "pubkey", pub64, &err) != OD_OK)
		die("making a user.add", &err);
	return st;
}

/* The entry at seq as a {"statement", "signature"} batch item. */
static enum od_code item_cb(void *ctx, const struct log_record *rec,
			    struct od_err *err)
{
	char sig[b64_encoded_len(SIGKEY_SIG_LEN) + 1];
	json_t **item = ctx;

	b64_encode(rec->signature, sizeof rec->signature, sig);
	*item = json_pack("{s:s%, s:s}", "statement", rec->statement,
			  rec->statement_len, "signature", sig);
	return *item != NULL ? OD_OK : od_err_set(err, OD_E_NOMEM,
						  "out of memory");
}

/*
 * Makes the backend with the shop's genesis and the early user.add (entry
 * 2), and the batch of BATCH copies of that entry.
 */
static void start(struct run *r, const char *dir)
{
	uint8_t seed[SIGKEY_SEED_LEN], pub[SIGKEY_PUB_LEN];
	struct backend_init_report rep;
	struct statement *st = NULL;
	json_t *item = NULL, *list, *body;
	struct od_err err;
	char bk[4096], pub64[64];
	int i;

	snprintf(bk, sizeof bk, "%s/bk", dir);
	if (backend_init(bk, "Bench shop", NULL, 0, &rep, &err) != OD_OK ||
	    backend_open(bk, 1, &r->b, &err) != OD_OK)
		die("making the backend", &err);
	if (sigkey_generate_seed(seed, &err) != OD_OK ||
	    sigkey_from_seed(seed, &r->owner, &err) != OD_OK)
		die("making the owner's key", &err);
	sigkey_public(r->owner, pub);
	if (sigkey_fingerprint(pub, r->fp, &err) != OD_OK)
		die("making the owner's key", &err);
	b64_encode(pub, sizeof pub, pub64);
	if (statement_new(STMT_SHOP_GENESIS, "owner", r->fp, NULL, &st,
			  &err) != OD_OK ||
	    statement_add(st, "shop", "Bench shop", &err) != OD_OK ||
	    statement_add(st, "role", "owner", &err) != OD_OK ||
	    statement_add(st, "pubkey", pub64, &err) != OD_OK ||
	    store_begin(backend_store(r->b), &err) != OD_OK ||
	    ledger_append(backend_store(r->b), r->owner, st, NULL,
			  &err) != OD_OK)
		die("founding the shop", &err);
	statement_free(st);
	st = user_add(r);
	if (ledger_append(backend_store(r->b), r->owner, st, &r->filled,
			  &err) != OD_OK ||
	    store_commit(backend_store(r->b), &err) != OD_OK)
		die("adding the early user", &err);
	statement_free(st);
	if (store_log_at(backend_store(r->b), r->filled, item_cb, &item,
			 &err) != OD_OK)
		die("reading the early user.add", &err);
	list = json_array();
	for (i = 0; i < BATCH; i++)
		json_array_append(list, item);
	json_decref(item);
	body = json_pack("{s:o}", "statements", list);
	r->batch = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (r->batch == NULL)
		die("out of memory", NULL);
	buf_init(&r->out, 64 * 1024 * 1024);
}

/*
 * Writes filler entries up to seq `to` in one transaction: note-sized
 * statements about orders, four entries an order, dated in the past.
 */
static void fill(struct run *r, long long to)
{
	struct store *s = backend_store(r->b);
	uint8_t sig[64], hash[32], digest[32];
	char text[400], id[33], order[24];
	struct log_record rec;
	struct log_index ix;
	struct od_err err;
	long long seq;

	memset(sig, 0x5a, sizeof sig);
	if (store_set_durable(s, 0, &err) != OD_OK ||
	    store_begin(s, &err) != OD_OK)
		die("filling the log", &err);
	for (seq = r->filled + 1; seq <= to; seq++) {
		snprintf(id, sizeof id, "f%031llx", seq);
		snprintf(order, sizeof order, "F%lld", seq / 4);
		snprintf(text, sizeof text, "kind: order.note\nid: %s\n"
			 "time: 2026-01-01T00:00:00Z\nactor: owner\n"
			 "order: %s\n\ntext: %-260lld\n", id, order, seq);
		memset(hash, 0, sizeof hash);
		memcpy(hash, &seq, sizeof seq);
		memcpy(digest, hash, sizeof digest);
		digest[31] = 1;
		rec.seq = seq;
		rec.statement = text;
		rec.statement_len = strlen(text);
		memcpy(rec.signature, sig, sizeof sig);
		memcpy(rec.hash, hash, sizeof hash);
		memcpy(rec.digest, digest, sizeof digest);
		ix.id = id;
		ix.kind = "order.note";
		ix.order = order;
		ix.actor = "owner";
		ix.time = "2026-01-01T00:00:00Z";
		if (store_log_append(s, &rec, &ix, &err) != OD_OK)
			die("filling the log", &err);
	}
	if (store_commit(s, &err) != OD_OK ||
	    store_set_durable(s, 1, &err) != OD_OK)
		die("filling the log", &err);
	r->filled = to;
}

/* POSTs body to /v1/statements; checks the note says want; seconds. */
static double post(struct run *r, const char *body, const char *want)
{
	char note[160];
	unsigned status;
	double t0 = now_s(), t;

	buf_reset(&r->out);
	status = backend_route(r->b, "POST", "/v1/statements", NULL, NULL,
			       body, strlen(body), &r->out, note, sizeof note);
	t = now_s() - t0;
	if (status != 200 || strstr(note, want) == NULL) {
		fprintf(stderr, "bench-replay: the backend answered %u: %s\n",
			status, note);
		exit(1);
	}
	return t;
}

/*
 * The median of RUNS answers to the replayed batch; *rows per answer and
 * *cpu, the median CPU time of the thread that answered.
 */
static double replay_batch(struct run *r, long long *rows, double *cpu)
{
	char want[64];
	double t[RUNS], c[RUNS], c0;
	long long before;
	int i;

	snprintf(want, sizeof want, "0 accepted, %d duplicate, 0 refused",
		 BATCH);
	post(r, r->batch, want);   /* once untimed: the pages come in */
	before = store_log_rows_read(backend_store(r->b));
	for (i = 0; i < RUNS; i++) {
		c0 = cpu_s();
		t[i] = post(r, r->batch, want);
		c[i] = cpu_s() - c0;
	}
	*rows = (store_log_rows_read(backend_store(r->b)) - before) / RUNS;
	qsort(t, RUNS, sizeof *t, cmp_double);
	qsort(c, RUNS, sizeof *c, cmp_double);
	*cpu = c[RUNS / 2];
	return t[RUNS / 2];
}

/* The median of RUNS answers to one fresh user.add, each chained on. */
static double fresh_statement(struct run *r)
{
	char id[33], hex[65], prev[STMT_PREV_LEN + 1];
	char sig64[b64_encoded_len(SIGKEY_SIG_LEN) + 1];
	uint8_t digest[32], sig[SIGKEY_SIG_LEN];
	struct statement *st;
	struct od_err err;
	struct buf text;
	double t[RUNS];
	json_t *body;
	char *b;
	int i;

	buf_init(&text, STMT_MAX_BYTES);
	for (i = 0; i < RUNS; i++) {
		st = user_add(r);
		buf_reset(&text);
		if (store_log_tip(backend_store(r->b), &r->filled, id, digest,
				  &err) != OD_OK)
			die("reading the tip", &err);
		hex_encode(digest, sizeof digest, hex);
		snprintf(prev, sizeof prev, "%s %s", id, hex);
		if (statement_set_prev(st, prev, &err) != OD_OK ||
		    statement_build(st, &text, &err) != OD_OK ||
		    sigkey_sign(r->owner, text.data, text.len, sig,
				&err) != OD_OK)
			die("signing a fresh statement", &err);
		statement_free(st);
		b64_encode(sig, sizeof sig, sig64);
		body = json_pack("{s:[{s:s%, s:s}]}", "statements",
				 "statement", text.data, text.len,
				 "signature", sig64);
		b = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
		json_decref(body);
		if (b == NULL)
			die("out of memory", NULL);
		t[i] = post(r, b, "1 accepted");
		free(b);
		r->filled++;
	}
	buf_free(&text);
	qsort(t, RUNS, sizeof *t, cmp_double);
	return t[RUNS / 2];
}

int main(int argc, char **argv)
{
	long long lens[MAXLENS] = { 100000, 1000000 }, rows;
	double first = 0, first_cpu = 0, batch, cpu, fresh, t0;
	struct run r;
	int i, n = 2;

	if (argc < 2 || argc > 2 + MAXLENS) {
		fprintf(stderr, "usage: bench-replay DIR [ENTRIES...]\n");
		return 2;
	}
	if (argc > 2) {
		n = argc - 2;
		for (i = 0; i < n; i++) {
			lens[i] = atoll(argv[2 + i]);
			if (lens[i] < 3 || (i > 0 && lens[i] <= lens[i - 1])) {
				fprintf(stderr, "bench-replay: entries must "
					"grow, from 3 on\n");
				return 2;
			}
		}
	}
	memset(&r, 0, sizeof r);
	start(&r, argv[1]);
	for (i = 0; i < n; i++) {
		t0 = now_s();
		fill(&r, lens[i]);
		printf("replay bench: log filled to %lld entries in %.1f s\n",
		       lens[i], now_s() - t0);
		fflush(stdout);
		batch = replay_batch(&r, &rows, &cpu);
		fresh = fresh_statement(&r);
		if (i == 0) {
			first = batch;
			first_cpu = cpu;
		}
		printf("replayed batch (%d copies of entry 2, a user.add) at "
		       "%lld entries: %.1f ms (%.1f ms of CPU), %lld log rows "
		       "read (target: well under 1 s at 1M)\n", BATCH,
		       lens[i], batch * 1e3, cpu * 1e3, rows);
		printf("replayed batch at %lld entries vs one fresh "
		       "statement's answer (%.1f ms): %.1fx\n", lens[i],
		       fresh * 1e3, batch / fresh);
		if (i > 0)
			printf("replayed batch at %lld vs %lld entries: %.2fx, "
			       "%.2fx in CPU (target: flat, about 1)\n",
			       lens[i], lens[0], batch / first,
			       cpu / first_cpu);
		fflush(stdout);
	}
	free(r.batch);
	buf_free(&r.out);
	sigkey_free(r.owner);
	backend_close(r.b);
	return 0;
}
