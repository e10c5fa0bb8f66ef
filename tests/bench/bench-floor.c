/*
 * bench-floor.c - the floor under an import (`make bench`; issue 11): the
 * same orders' rows put into plain SQLite while their statements are
 * signed on every core, the two overlapped, and nothing else.
 *
 *   bench-floor ORDERS DIR
 *	Reads ORDERS (any file `orderdesk import` takes) and builds each
 *	order's order.placed text under a new key, untimed.  Then, timed, in
 *	a new plain SQLite file in DIR (WAL, synchronous FULL as the store
 *	has it, one transaction as the import has it): for each order its
 *	log row (the text and its signature) and its order row (number,
 *	time, customer, total), the signature waited for through
 *	sigkey_pipe (helpers on the spare cores sign ahead; the inserting
 *	thread signs what none has taken yet).  Best of 3.  Prints "import
 *	floor (...): SECONDS s (RATE orders/s)"; run.sh puts the real
 *	import beside it as a ratio.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/import/import.h"
#include "app/keys/sigkey.h"
#include "app/log/order.h"
#include "app/log/statement.h"
#include "lib/buf.h"

#define ROUNDS 3

/* What is put in per order, built before the clock starts. */
struct floor_row {
	char number[64], placed[24], customer[128];
	long long total;
};

struct work {
	struct sigkey *key;
	size_t n;
	struct floor_row *rows;
	struct buf *texts;
	const char **msgs;
	size_t *lens;
	uint8_t (*sigs)[SIGKEY_SIG_LEN];
};

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench-floor: %s: %s\n", what, msg);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Makes room for one more order in w (doubling). */
static void grow(struct work *w, size_t *cap)
{
	if (w->n < *cap)
		return;
	*cap = *cap ? 2 * *cap : 1024;
	w->rows = realloc(w->rows, *cap * sizeof *w->rows);
	w->texts = realloc(w->texts, *cap * sizeof *w->texts);
	if (w->rows == NULL || w->texts == NULL)
		die("memory", "out of memory");
}

/* Reads path's orders into w: their rows and order.placed texts. */
static void load(const char *path, struct work *w)
{
	char fp[SIGKEY_FP_LEN + 1];
	uint8_t seed[SIGKEY_SEED_LEN], pub[SIGKEY_PUB_LEN];
	struct import_reader *r;
	struct statement *st;
	struct od_err err;
	struct order *o;
	size_t cap = 0;

	od_err_clear(&err);
	if (sigkey_generate_seed(seed, &err) != OD_OK ||
	    sigkey_from_seed(seed, &w->key, &err) != OD_OK)
		die("key", err.msg);
	sigkey_public(w->key, pub);
	if (sigkey_fingerprint(pub, fp, &err) != OD_OK ||
	    import_open_file(path, &r, &err) != OD_OK)
		die(path, err.msg);
	while (import_next(r, &o, &err) == OD_OK && o != NULL) {
		grow(w, &cap);
		buf_init(&w->texts[w->n], STMT_MAX_BYTES);
		if (statement_new(STMT_ORDER_PLACED, "owner", fp, o->number,
				  &st, &err) != OD_OK ||
		    order_to_statement(o, st, &err) != OD_OK ||
		    statement_build(st, &w->texts[w->n], &err) != OD_OK)
			die(o->number, err.msg);
		statement_free(st);
		snprintf(w->rows[w->n].number, sizeof w->rows->number, "%s",
			 o->number);
		snprintf(w->rows[w->n].placed, sizeof w->rows->placed, "%s",
			 o->placed_at);
		snprintf(w->rows[w->n].customer, sizeof w->rows->customer,
			 "%s", o->customer_name);
		w->rows[w->n].total = o->total;
		w->n++;
		order_free(o);
	}
	if (err.code != OD_OK)
		die(path, err.msg);
	import_close(r);
}

/* Runs one statement of SQL on db, or dies saying what. */
static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql, sqlite3_errmsg(db));
}

/* Puts order i's two rows in (the signature waited for). */
static void put_rows(struct work *w, struct sigkey_pipe *pipe,
		     sqlite3_stmt *log, sqlite3_stmt *ord, size_t i)
{
	struct od_err err;

	if (sigkey_pipe_wait(pipe, i, &err) != OD_OK)
		die("signing", err.msg);
	sqlite3_bind_int64(log, 1, (sqlite3_int64)i + 1);
	sqlite3_bind_blob(log, 2, w->texts[i].data, (int)w->texts[i].len,
			  SQLITE_STATIC);
	sqlite3_bind_blob(log, 3, w->sigs[i], SIGKEY_SIG_LEN, SQLITE_STATIC);
	sqlite3_bind_text(ord, 1, w->rows[i].number, -1, SQLITE_STATIC);
	sqlite3_bind_text(ord, 2, w->rows[i].placed, -1, SQLITE_STATIC);
	sqlite3_bind_text(ord, 3, w->rows[i].customer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ord, 4, w->rows[i].total);
	if (sqlite3_step(log) != SQLITE_DONE ||
	    sqlite3_step(ord) != SQLITE_DONE)
		die("insert", "a row was refused");
	sqlite3_reset(log);
	sqlite3_reset(ord);
}

/* One round into a new file at path: its seconds. */
static double round_once(struct work *w, const char *path)
{
	sqlite3_stmt *log = NULL, *ord = NULL;
	struct sigkey_pipe *pipe = NULL;
	struct od_err err;
	sqlite3 *db = NULL;
	double t0 = now_s();
	size_t i;

	remove(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, sqlite3_errmsg(db));
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
		 "CREATE TABLE log (seq INTEGER PRIMARY KEY, text BLOB, "
		 "sig BLOB); CREATE TABLE orders (number TEXT PRIMARY KEY, "
		 "placed TEXT, customer TEXT, total INTEGER); BEGIN");
	if (sqlite3_prepare_v2(db, "INSERT INTO log VALUES (?, ?, ?)", -1,
			       &log, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO orders VALUES (?, ?, ?, ?)",
			       -1, &ord, NULL) != SQLITE_OK)
		die("prepare", sqlite3_errmsg(db));
	if (sigkey_pipe_start(w->key, w->msgs, w->lens, w->n, w->sigs, &pipe,
			      &err) != OD_OK)
		die("signing", err.msg);
	for (i = 0; i < w->n; i++)
		put_rows(w, pipe, log, ord, i);
	exec(db, "COMMIT");
	t0 = now_s() - t0;
	sigkey_pipe_end(pipe);
	sqlite3_finalize(log);
	sqlite3_finalize(ord);
	sqlite3_close(db);
	remove(path);
	return t0;
}

int main(int argc, char **argv)
{
	struct work w = { 0 };
	char path[4096];
	double best = 1e9, t;
	size_t i;
	int k;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-floor ORDERS DIR\n");
		return 2;
	}
	load(argv[1], &w);
	w.msgs = calloc(w.n, sizeof *w.msgs);
	w.lens = calloc(w.n, sizeof *w.lens);
	w.sigs = calloc(w.n, sizeof *w.sigs);
	if (w.n == 0 || w.msgs == NULL || w.lens == NULL || w.sigs == NULL)
		die(argv[1], "no orders, or out of memory");
	for (i = 0; i < w.n; i++) {
		w.msgs[i] = w.texts[i].data;
		w.lens[i] = w.texts[i].len;
	}
	snprintf(path, sizeof path, "%s/floor.db", argv[2]);
	for (k = 0; k < ROUNDS; k++) {
		t = round_once(&w, path);
		best = t < best ? t : best;
	}
	printf("import floor (%zu orders: their rows into plain SQLite, "
	       "signed on every core, overlapped; best of %d): %.3f s "
	       "(%.0f orders/s)\n", w.n, ROUNDS, best, (double)w.n / best);
	return 0;
}
