/*
 * test-store-sync.c - what sync keeps beside the log (storage/store-sync.c)
 * on an in-memory store: the staging table, savepoints, cutting the log,
 * forgetting folded state, and the conflicts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/log/ledger.h"
#include "app/log/order.h"
#include "storage/store-sync.h"
#include "tests/unit/fixture-shop.h"

struct world {
	struct store *s;
	struct fixture_person owner;
	struct od_err err;
};

/* Order number placed by olivia, the owner, and a note on it. */
static void place(struct world *w, const char *number)
{
	struct statement *st;

	fixture_place(w->s, &w->owner, number);
	st = fixture_stmt(&w->owner, STMT_ORDER_NOTE, number);
	fixture_add(st, "text", "fragile");
	assert_int_equal(fixture_append(w->s, &w->owner, st, NULL, &w->err),
			 OD_OK);
}

/* A shop of one owner and orders 1 and 2, each with a note: 5 entries. */
static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);

	assert_non_null(w);
	assert_int_equal(store_open_memory(&w->s, &w->err), OD_OK);
	fixture_person_make(&w->owner, "olivia");
	fixture_genesis(w->s, &w->owner);
	place(w, "1");
	place(w, "2");
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	store_close(w->s);
	fixture_person_free(&w->owner);
	free(w);
	return 0;
}

/* A made-up pulled entry: seq, text, a signature and hash of fill. */
static void record(struct log_record *r, long long seq, const char *text,
		   uint8_t fill)
{
	memset(r, 0, sizeof *r);
	r->seq = seq;
	r->statement = text;
	r->statement_len = strlen(text);
	memset(r->signature, fill, sizeof r->signature);
	memset(r->hash, fill ^ 0xff, sizeof r->hash);
}

struct seen { long long seq[8]; uint8_t fill[8]; char text[8][16]; size_t n; };

static enum od_code seen_cb(void *ctx, const struct log_record *r,
			    struct od_err *err)
{
	struct seen *v = ctx;

	(void)err;
	assert_true(v->n < 8);
	v->seq[v->n] = r->seq;
	v->fill[v->n] = r->signature[0];
	assert_int_equal(r->hash[0], r->signature[0] ^ 0xff);
	assert_true(r->statement_len < sizeof v->text[0]);
	memcpy(v->text[v->n], r->statement, r->statement_len);
	v->text[v->n][r->statement_len] = '\0';
	v->n++;
	return OD_OK;
}

/* The staging table keeps entries by seq, in order, each once. */
static void test_incoming(void **state)
{
	struct world *w = *state;
	struct log_record r;
	struct seen v;
	long long last = -1;

	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(store_sync_tables(w->s, &w->err), OD_OK);
	assert_int_equal(store_incoming_last(w->s, &last, &w->err), OD_OK);
	assert_int_equal(last, 0);
	record(&r, 8, "eight", 8);
	assert_int_equal(store_incoming_add(w->s, &r, &w->err), OD_OK);
	record(&r, 6, "six", 6);
	assert_int_equal(store_incoming_add(w->s, &r, &w->err), OD_OK);
	record(&r, 7, "seven", 7);
	assert_int_equal(store_incoming_add(w->s, &r, &w->err), OD_OK);
	/* A known seq is refused, not silently replaced. */
	record(&r, 7, "other", 9);
	assert_int_equal(store_incoming_add(w->s, &r, &w->err), OD_E_EXISTS);
	assert_int_equal(store_incoming_last(w->s, &last, &w->err), OD_OK);
	assert_int_equal(last, 8);
	memset(&v, 0, sizeof v);
	assert_int_equal(store_incoming_each(w->s, seen_cb, &v, &w->err),
			 OD_OK);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.seq[0], 6);
	assert_int_equal(v.seq[1], 7);
	assert_int_equal(v.seq[2], 8);
	assert_string_equal(v.text[1], "seven");
	assert_int_equal(v.fill[1], 7);
	assert_int_equal(store_incoming_clear(w->s, &w->err), OD_OK);
	assert_int_equal(store_incoming_last(w->s, &last, &w->err), OD_OK);
	assert_int_equal(last, 0);
	assert_int_equal(store_commit(w->s, &w->err), OD_OK);
}

/* A savepoint undoes exactly what was done since, or keeps it. */
static void test_savepoint(void **state)
{
	struct world *w = *state;
	struct log_record r;
	long long last = -1;

	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(store_sync_tables(w->s, &w->err), OD_OK);
	record(&r, 6, "six", 6);
	assert_int_equal(store_incoming_add(w->s, &r, &w->err), OD_OK);
	assert_int_equal(store_savepoint(w->s, &w->err), OD_OK);
	record(&r, 7, "seven", 7);
	assert_int_equal(store_incoming_add(w->s, &r, &w->err), OD_OK);
	assert_int_equal(store_savepoint_end(w->s, 0, &w->err), OD_OK);
	assert_int_equal(store_incoming_last(w->s, &last, &w->err), OD_OK);
	assert_int_equal(last, 6);
	assert_int_equal(store_savepoint(w->s, &w->err), OD_OK);
	assert_int_equal(store_incoming_add(w->s, &r, &w->err), OD_OK);
	assert_int_equal(store_savepoint_end(w->s, 1, &w->err), OD_OK);
	assert_int_equal(store_commit(w->s, &w->err), OD_OK);
	assert_int_equal(store_incoming_last(w->s, &last, &w->err), OD_OK);
	assert_int_equal(last, 7);
}

/* Cutting the log after a seq, and counting what follows one. */
static void test_log_cut(void **state)
{
	struct world *w = *state;
	uint8_t hash[32], want[32];
	long long n = -1, head = 0;

	assert_int_equal(store_log_count_after(w->s, 0, &n, &w->err), OD_OK);
	assert_int_equal(n, 5);
	assert_int_equal(store_log_count_after(w->s, 3, &n, &w->err), OD_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_log_head(w->s, &head, want, &w->err), OD_OK);
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(store_log_cut(w->s, 3, &w->err), OD_OK);
	assert_int_equal(store_log_head(w->s, &head, hash, &w->err), OD_OK);
	assert_int_equal(head, 3);
	assert_memory_not_equal(hash, want, 32);
	assert_int_equal(store_log_count_after(w->s, 0, &n, &w->err), OD_OK);
	assert_int_equal(n, 3);
	store_rollback(w->s);
	assert_int_equal(store_log_head(w->s, &head, hash, &w->err), OD_OK);
	assert_int_equal(head, 5);
	assert_memory_equal(hash, want, 32);
}

/* Copies the file from to to (both the test's), whole. */
static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/*
 * A cut lowers the store's head record before its transaction commits; a
 * rollback puts it back.  Otherwise, until the next commit, the older
 * copy of the database the cut made look current would open as the truth.
 */
static void test_cut_rollback_record(void **state)
{
	struct world *w = *state;
	uint8_t key[STORE_KEY_LEN], hash[32];
	char dir[] = "/tmp/od-cut-XXXXXX", db[64], old[64], path[80];
	struct store *s = NULL, *mem;
	long long head = 0;

	memset(key, 0x5a, sizeof key);
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/orderdesk.db", dir);
	snprintf(old, sizeof old, "%s/old.db", dir);
	assert_int_equal(store_create(db, key, &s, &w->err), OD_OK);
	fixture_genesis(s, &w->owner);
	fixture_place(s, &w->owner, "1");
	assert_int_equal(store_log_head(s, &head, hash, &w->err), OD_OK);
	store_close(s);
	/* Yesterday's copy: the log up to head. */
	copy_file(db, old);
	assert_int_equal(store_open(db, key, &s, &w->err), OD_OK);
	mem = w->s;
	w->s = s;
	place(w, "2");
	w->s = mem;
	assert_int_equal(store_begin(s, &w->err), OD_OK);
	assert_int_equal(store_log_cut(s, head, &w->err), OD_OK);
	store_rollback(s);
	store_close(s);
	copy_file(old, db);
	snprintf(path, sizeof path, "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", db);
	unlink(path);
	assert_int_equal(store_open(db, key, &s, &w->err), OD_E_TAMPERED);
	assert_non_null(strstr(w->err.msg, "went back"));
	assert_null(s);
	/* Nothing of the test's is left behind. */
	unlink(db);
	unlink(old);
	snprintf(path, sizeof path, "%s-head", db);
	unlink(path);
	snprintf(path, sizeof path, "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", db);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/* Forgetting one order, or everything, and folding it back. */
static void test_forget(void **state)
{
	struct world *w = *state;
	uint8_t before[32], empty[32], after[32];
	struct ledger_report rep;
	struct store *blank = NULL;
	struct order *o = NULL;

	assert_int_equal(store_state_digest(w->s, before, &w->err), OD_OK);
	assert_int_equal(store_open_memory(&blank, &w->err), OD_OK);
	assert_int_equal(store_state_digest(blank, empty, &w->err), OD_OK);
	store_close(blank);
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(store_order_forget(w->s, "1", &w->err), OD_OK);
	assert_int_equal(store_order_get(w->s, "1", &o, &w->err),
			 OD_E_NOTFOUND);
	assert_int_equal(store_order_get(w->s, "2", &o, &w->err), OD_OK);
	assert_int_equal(o->nitems, 2);
	record_order_free(o);
	assert_int_equal(store_state_forget(w->s, &w->err), OD_OK);
	assert_int_equal(store_state_digest(w->s, after, &w->err), OD_OK);
	assert_memory_equal(after, empty, 32);
	assert_memory_not_equal(after, before, 32);
	store_rollback(w->s);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
	assert_int_equal(rep.orders, 2);
}

struct got { size_t n; long long nth[4]; char reason[4][64]; int acked[4];
	     uint8_t sig0[4]; char text[4][32]; };

static enum od_code got_cb(void *ctx, const struct conflict_record *c,
			   struct od_err *err)
{
	struct got *g = ctx;

	(void)err;
	assert_true(g->n < 4);
	g->nth[g->n] = c->n;
	snprintf(g->reason[g->n], sizeof g->reason[0], "%s", c->reason);
	snprintf(g->text[g->n], sizeof g->text[0], "%.*s",
		 (int)c->statement_len, c->statement);
	g->acked[g->n] = c->acked;
	g->sig0[g->n] = c->signature[0];
	g->n++;
	return OD_OK;
}

/* Conflicts: none before the tables exist; kept in order; acked. */
static void test_conflicts(void **state)
{
	struct world *w = *state;
	struct conflict_record c;
	long long total = -1, unacked = -1, last = -1;
	struct got g;

	assert_int_equal(store_conflict_count(w->s, &total, &unacked, &last,
					      &w->err), OD_OK);
	assert_int_equal(total, 0);
	memset(&g, 0, sizeof g);
	assert_int_equal(store_conflict_each(w->s, 1, got_cb, &g, &w->err),
			 OD_OK);
	assert_int_equal(g.n, 0);
	assert_int_equal(store_conflict_ack(w->s, &w->err), OD_OK);

	memset(&c, 0, sizeof c);
	c.stmt_id = "0123456789abcdef0123456789abcdef";
	c.kind = "order.confirm";
	c.order = "1";
	c.actor = "mei";
	c.at = "2026-11-23T05:00:00Z";
	c.source = "desk";
	c.reason = "order 1 is cancelled";
	c.truth = "order 1 is cancelled; last: order.cancel by olivia";
	c.statement = "first statement";
	c.statement_len = strlen(c.statement);
	c.signature[0] = 0xa1;
	c.n = 77;        /* ignored */
	c.acked = 1;     /* ignored */
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(store_sync_tables(w->s, &w->err), OD_OK);
	assert_int_equal(store_conflict_add(w->s, &c, &w->err), OD_OK);
	assert_int_equal(store_commit(w->s, &w->err), OD_OK);
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(store_conflict_ack(w->s, &w->err), OD_OK);
	c.reason = "refused by the backend";
	c.statement = "second";
	c.statement_len = strlen(c.statement);
	c.signature[0] = 0xb2;
	assert_int_equal(store_conflict_add(w->s, &c, &w->err), OD_OK);
	assert_int_equal(store_commit(w->s, &w->err), OD_OK);

	assert_int_equal(store_conflict_count(w->s, &total, &unacked, &last,
					      &w->err), OD_OK);
	assert_int_equal(total, 2);
	assert_int_equal(unacked, 1);
	assert_int_equal(last, 2);
	memset(&g, 0, sizeof g);
	assert_int_equal(store_conflict_each(w->s, 1, got_cb, &g, &w->err),
			 OD_OK);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.nth[0], 1);
	assert_int_equal(g.acked[0], 1);
	assert_string_equal(g.reason[0], "order 1 is cancelled");
	assert_string_equal(g.text[0], "first statement");
	assert_int_equal(g.sig0[0], 0xa1);
	assert_int_equal(g.acked[1], 0);
	assert_string_equal(g.text[1], "second");
	memset(&g, 0, sizeof g);
	assert_int_equal(store_conflict_each(w->s, 2, got_cb, &g, &w->err),
			 OD_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.reason[0], "refused by the backend");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_incoming, setup, teardown),
		cmocka_unit_test_setup_teardown(test_savepoint, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_log_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_rollback_record, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_forget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicts, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
