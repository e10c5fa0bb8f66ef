/*
 * test-store-merkle.c - the log's Merkle tree in the store
 * (storage/store-merkle.c): it follows appends and cuts, its roots and
 * proofs agree with lib/merkle over the same leaves, and a store made
 * before it (or written by a build without it) gets it on open.
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
#include <sqlite3.h>

#include "lib/merkle.h"
#include "storage/store-merkle.h"
#include "storage/store-sync.h"
#include "tests/unit/fixture-plain.h"

#define MAXN 64

/* The leaves a test appended, as the test computes them. */
struct leaves {
	uint64_t n;
	uint8_t hash[MAXN][32];
};

/* Appends entry seq (text "entry SEQ.GEN", signature of fill gen). */
static void append(struct store *s, struct leaves *l, long long seq, int gen)
{
	char text[32], id[33];
	struct log_record r;
	struct log_index ix = { id, "order.note", "", "olivia",
				"2026-01-01T00:00:00Z" };
	struct od_err err;

	snprintf(text, sizeof text, "entry %lld.%d\n", seq, gen);
	snprintf(id, sizeof id, "%032lld", seq * 100 + gen);
	memset(&r, 0, sizeof r);
	r.seq = seq;
	r.statement = text;
	r.statement_len = strlen(text);
	memset(r.signature, gen, sizeof r.signature);
	assert_int_equal(store_log_append(s, &r, &ix, &err), OD_OK);
	assert_int_equal(merkle_leaf_hash(text, strlen(text), r.signature, 64,
					  l->hash[seq - 1], &err), OD_OK);
	l->n = (uint64_t)seq;
}

/* The root of l's first n leaves by the RFC's recursion. */
static void mth(const uint8_t (*leaf)[32], uint64_t n, uint8_t out[32])
{
	uint8_t a[32], b[32];
	struct od_err err;
	uint64_t k = 1;

	if (n == 0) {
		assert_int_equal(merkle_root(NULL, NULL, 0, out, &err), OD_OK);
		return;
	}
	if (n == 1) {
		memcpy(out, leaf[0], 32);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	mth(leaf, k, a);
	mth(leaf + k, n - k, b);
	assert_int_equal(merkle_node_hash(a, b, out, &err), OD_OK);
}

/* The store's tree is l's: size, every root, every proof checks. */
static void same_tree(struct store *s, const struct leaves *l)
{
	uint8_t root[MAXN + 1][32], got[32];
	struct merkle_proof p;
	struct od_err err;
	uint64_t n, i, size;

	assert_int_equal(store_merkle_size(s, &size, &err), OD_OK);
	assert_int_equal(size, l->n);
	for (n = 0; n <= l->n; n++) {
		mth((const uint8_t (*)[32])l->hash, n, root[n]);
		assert_int_equal(store_merkle_root(s, n, got, &err), OD_OK);
		assert_memory_equal(got, root[n], 32);
	}
	for (i = 0; i < l->n; i++) {
		assert_int_equal(store_merkle_leaf(s, i, got, &err), OD_OK);
		assert_memory_equal(got, l->hash[i], 32);
		assert_int_equal(store_merkle_inclusion(s, i, l->n, &p, &err),
				 OD_OK);
		assert_int_equal(merkle_check_inclusion(i, l->n, l->hash[i],
			&p, root[l->n], &err), OD_OK);
		assert_int_equal(store_merkle_consistency(s, i + 1, l->n, &p,
							  &err), OD_OK);
		assert_int_equal(merkle_check_consistency(i + 1, l->n,
			root[i + 1], root[l->n], &p, &err), OD_OK);
	}
}

/* Appends, a cut (a rebase) and appends again: the tree follows. */
static void test_follows_log(void **state)
{
	static struct leaves l;
	struct store *s;
	struct od_err err;
	long long i;

	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	same_tree(s, &l);
	assert_int_equal(store_begin(s, &err), OD_OK);
	for (i = 1; i <= 37; i++)
		append(s, &l, i, 1);
	assert_int_equal(store_commit(s, &err), OD_OK);
	same_tree(s, &l);

	assert_int_equal(store_begin(s, &err), OD_OK);
	assert_int_equal(store_log_cut(s, 20, &err), OD_OK);
	l.n = 20;
	same_tree(s, &l);
	for (i = 21; i <= 33; i++)
		append(s, &l, i, 2);
	assert_int_equal(store_commit(s, &err), OD_OK);
	same_tree(s, &l);
	store_close(s);
}

/* Asking past the tree, or for an index at its size, is refused. */
static void test_refusals(void **state)
{
	static struct leaves l;
	struct merkle_proof p;
	struct store *s;
	struct od_err err;
	uint8_t h[32];
	long long i;

	assert_int_equal(store_open_memory(&s, &err), OD_OK);
	for (i = 1; i <= 5; i++)
		append(s, &l, i, 1);
	assert_int_equal(store_merkle_root(s, 6, h, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "5 entries"));
	assert_int_equal(store_merkle_inclusion(s, 5, 5, &p, &err),
			 OD_E_INPUT);
	assert_int_equal(store_merkle_inclusion(s, 0, 6, &p, &err),
			 OD_E_INPUT);
	assert_int_equal(store_merkle_consistency(s, 0, 5, &p, &err),
			 OD_E_INPUT);
	assert_int_equal(store_merkle_consistency(s, 3, 6, &p, &err),
			 OD_E_INPUT);
	assert_int_equal(store_merkle_leaf(s, 5, h, &err), OD_E_NOTFOUND);
	store_close(s);
}

/* Runs sql on the plain store file at path, as an older build would. */
static void older_build(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Reopens the store at path and checks its tree against l. */
static void reopen(const char *path, const struct leaves *l)
{
	struct store *s;
	struct od_err err;

	if (plain_store_open(path, 0, &s, &err) != OD_OK)
		fail_msg("%s", err.msg);
	same_tree(s, l);
	store_close(s);
}

/*
 * The migration: a store without the tree gains it on open; one whose
 * tree fell behind (a build without it appended) is completed; one whose
 * last entries were replaced (cut and appended again) is rebuilt.
 */
static void test_built_on_open(void **state)
{
	static struct leaves l;
	char dir[] = "/tmp/od-merkle-XXXXXX", path[64];
	struct store *s;
	struct od_err err;
	long long i;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/store.db", dir);
	assert_int_equal(plain_store_open(path, 1, &s, &err), OD_OK);
	for (i = 1; i <= 50; i++)
		append(s, &l, i, 1);
	store_close(s);

	older_build(path, "DROP TABLE merkle");
	reopen(path, &l);
	older_build(path, "DELETE FROM merkle WHERE (idx + 1) << level > 30");
	reopen(path, &l);
	older_build(path, "UPDATE log SET signature = zeroblob(64)"
		    " WHERE seq = 50");
	memset(l.hash[49], 0, 32);
	assert_int_equal(merkle_leaf_hash("entry 50.1\n", 11,
		(const uint8_t[64]){ 0 }, 64, l.hash[49], &err), OD_OK);
	reopen(path, &l);
	/* A stale page: the last leaf gone, its parent left elsewhere. */
	older_build(path, "DELETE FROM merkle WHERE level = 0 AND idx = 49");
	reopen(path, &l);
	older_build(path, "DELETE FROM log WHERE seq > 40");
	l.n = 40;
	reopen(path, &l);

	assert_int_equal(unlink(path), 0);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follows_log),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_built_on_open),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
