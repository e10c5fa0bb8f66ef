/*
 * cmd-import-pipe.c - the import's signing as a pipeline (cmd-import-pipe.h).
 *
 * Before, one thread read each order, decided it, made its statements,
 * built and folded them while the spare cores signed: reading, deciding
 * and making left the signers idle.  Here a reader thread does those,
 * SHOP_ROUND statements ahead at most (two rounds in the queue), while the
 * calling thread hands each round to ledger_append_many, the one way into
 * the log, which signs it on every core as it folds and appends.
 *
 * The reader decides on a store connection of its own.  The caller holds
 * the shop's lock for writing, and the transaction (BEGIN IMMEDIATE) is
 * begun before the reader starts, so nothing else writes meanwhile: the reader sees the
 * shop as the transaction found it.  Decisions read only the order's own
 * row (import_plan_decide), and a file never holds a number twice, so
 * each decision is the one the transaction itself would make.
 *
 * Errors keep the order of the file: the reader stops at its first error
 * and the writer signs everything queued before it, so a refusal of an
 * earlier statement by the fold still comes first.
 */
#include "app/orderdesk/cmd-import-pipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/ledger.h"
#include "lib/progress.h"
#include "lib/thread-start.h"

#define QUEUE_CAP (2 * SHOP_ROUND)

/* A statement made, and how many of the file's orders were read by then. */
struct item {
	struct statement *st;
	size_t orders;
};

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	struct item q[QUEUE_CAP];
	size_t head, n;
	int done;                  /* the reader finished: see rc, e */
	int stop;                  /* the writer gave up */
	enum od_code rc;
	struct od_err e;
	size_t orders;             /* read, once done */
	/* The reader's own: */
	struct shop *sh;
	struct store *rs;
	import_pipe_next_fn next;
	void *ctx;
	struct import_tally tally;
};

/* Queues st (the queue's from now on); OD_E_STATE once the writer gave
 * up, st freed. */
static enum od_code push(struct pipe *p, struct statement *st, size_t orders)
{
	int stop;

	pthread_mutex_lock(&p->mu);
	while (p->n == QUEUE_CAP && !p->stop)
		pthread_cond_wait(&p->room, &p->mu);
	stop = p->stop;
	if (!stop) {
		p->q[(p->head + p->n) % QUEUE_CAP].st = st;
		p->q[(p->head + p->n) % QUEUE_CAP].orders = orders;
		p->n++;
		if (p->n == SHOP_ROUND)
			pthread_cond_signal(&p->more);
	}
	pthread_mutex_unlock(&p->mu);
	if (stop) {
		statement_free(st);
		return OD_E_STATE;
	}
	return OD_OK;
}

/* The reader is done: rc (and e) say how. */
static void finish(struct pipe *p, enum od_code rc, const struct od_err *e,
		   size_t orders)
{
	pthread_mutex_lock(&p->mu);
	p->done = 1;
	p->rc = rc;
	if (rc != OD_OK)
		p->e = *e;
	p->orders = orders;
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->mu);
}

/* Makes and queues the statements plan needs for o. */
static enum od_code make_all(struct pipe *p, const struct order *o,
			     const struct import_meta *m,
			     const struct import_plan *plan, size_t orders,
			     struct od_err *err)
{
	struct statement *st;
	enum od_code rc = OD_OK;
	size_t i;

	for (i = 0; i < plan->n && rc == OD_OK; i++) {
		st = NULL;
		rc = shop_statement(p->sh, plan->steps[i], o->number, &st,
				    err);
		if (rc == OD_OK)
			rc = import_plan_fill(o, m, plan, i, st, err);
		if (rc != OD_OK) {
			statement_free(st);
			break;
		}
		rc = push(p, st, orders);
	}
	return rc;
}

/* The reader thread: every order read, decided and made, in file order. */
static void *reader(void *arg)
{
	struct pipe *p = arg;
	const struct import_meta *m;
	const struct order *o;
	struct import_plan plan;
	struct od_err e;
	enum od_code rc;
	size_t n = 0;

	od_err_clear(&e);
	for (;;) {
		rc = p->next(p->ctx, &o, &m, &e);
		if (rc != OD_OK || o == NULL)
			break;
		n++;
		rc = import_plan_decide(p->rs, o, m, &plan, &e);
		if (rc != OD_OK)
			break;
		import_tally_add(&p->tally, &plan);
		rc = make_all(p, o, m, &plan, n, &e);
		if (rc != OD_OK)
			break;
	}
	finish(p, rc, &e, n);
	return NULL;
}

/*
 * Takes the next round (up to SHOP_ROUND, waiting for a full one while the
 * reader goes on) into round; *orders gets the orders read by the last
 * one taken, or all of them once the reader is done and nothing is left.
 */
static size_t take(struct pipe *p, struct statement **round, size_t *orders)
{
	size_t m = 0;

	pthread_mutex_lock(&p->mu);
	while (p->n < SHOP_ROUND && !p->done)
		pthread_cond_wait(&p->more, &p->mu);
	while (m < SHOP_ROUND && p->n > 0) {
		round[m] = p->q[p->head].st;
		*orders = p->q[p->head].orders;
		p->head = (p->head + 1) % QUEUE_CAP;
		p->n--;
		m++;
	}
	if (p->done && p->n == 0)
		*orders = p->orders;
	pthread_cond_signal(&p->room);
	pthread_mutex_unlock(&p->mu);
	return m;
}

/* Signs and stores the rounds as they come, until the reader is done. */
static enum od_code write_all(struct pipe *p, long long *first,
			      struct od_err *err)
{
	struct statement *round[SHOP_ROUND];
	long long seqs[SHOP_ROUND];
	size_t m, i, orders = 0, shown = 0;
	enum od_code rc = OD_OK;

	for (;;) {
		m = take(p, round, &orders);
		if (m > 0)
			rc = ledger_append_many(p->sh->store, p->sh->key,
						round, m, seqs, err);
		if (rc == OD_OK && m > 0 && *first == 0)
			*first = seqs[0];
		for (i = 0; i < m; i++)
			statement_free(round[i]);
		progress_step((long long)(orders - shown));
		shown = orders;
		if (rc != OD_OK || m == 0)
			return rc;
	}
}

/* Tells the reader to stop, waits for it and frees what it left queued. */
static void stop_reader(struct pipe *p, pthread_t t)
{
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_signal(&p->room);
	pthread_mutex_unlock(&p->mu);
	pthread_join(t, NULL);
	while (p->n > 0) {
		statement_free(p->q[p->head].st);
		p->head = (p->head + 1) % QUEUE_CAP;
		p->n--;
	}
}

/* Starts the reader thread; Ctrl-C stays the caller's. */
static enum od_code start_reader(struct pipe *p, pthread_t *t,
				 struct od_err *err)
{
	int e = thread_start(t, reader, p);

	if (e != 0)
		return od_err_set(err, OD_E_NOMEM, "cannot start a thread to "
				  "read the import file: %s", strerror(e));
	return OD_OK;
}

/* Runs the pipe inside the caller's transaction. */
static enum od_code run(struct pipe *p, size_t orders, long long *first,
			struct od_err *err)
{
	pthread_t t;
	enum od_code rc;

	rc = start_reader(p, &t, err);
	if (rc != OD_OK)
		return rc;
	rc = write_all(p, first, err);
	stop_reader(p, t);
	if (rc == OD_OK && p->rc != OD_OK) {
		*err = p->e;
		rc = p->rc;
	}
	if (rc == OD_OK && p->orders != orders)
		rc = od_err_set(err, OD_E_INPUT, "the import file changed "
				"while it was imported");
	return rc;
}

enum od_code import_pipe_run(struct shop *sh, import_pipe_next_fn next,
			     void *ctx, size_t orders,
			     struct import_tally *tally, long long *first,
			     struct od_err *err)
{
	struct pipe *p;
	enum od_code rc;

	*first = 0;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->more, NULL);
	pthread_cond_init(&p->room, NULL);
	p->sh = sh;
	p->next = next;
	p->ctx = ctx;
	/* Its reads start once the transaction holds the database. */
	rc = store_open(sh->db_path, sh->data_key, &p->rs, err);
	if (rc == OD_OK)
		rc = store_begin(sh->store, err);
	if (rc == OD_OK) {
		rc = run(p, orders, first, err);
		if (rc == OD_OK)
			rc = store_commit(sh->store, err);
		else
			store_rollback(sh->store);
	}
	store_close(p->rs);
	*tally = p->tally;
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->more);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return rc;
}
