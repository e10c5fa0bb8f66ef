/*
 * test-merkle.c - the RFC 9162 tree: the published vectors (the 8 leaves
 * of Certificate Transparency's tests, also in transparency-dev/merkle),
 * every size up to 40 against a plain recursive MTH, and the proofs that
 * must be refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/encode.h"
#include "lib/merkle.h"

#define MAXLEAF 64

/* A tree kept as every complete subtree's hash, like the store keeps it. */
struct tree {
	uint64_t n;
	uint8_t node[7][MAXLEAF][32];
};

/* merkle_get_fn over a struct tree: only complete subtrees exist. */
static enum od_code tree_get(void *ctx, unsigned level, uint64_t index,
			     uint8_t out[32], struct od_err *err)
{
	struct tree *t = ctx;

	if (level >= 7 || ((index + 1) << level) > t->n)
		return od_err_set(err, OD_E_NOTFOUND, "no subtree %u/%llu",
				  level, (unsigned long long)index);
	memcpy(out, t->node[level][index], 32);
	return OD_OK;
}

/* Fills t from n leaf hashes. */
static void tree_build(struct tree *t, const uint8_t (*leaf)[32], uint64_t n)
{
	struct od_err err;
	unsigned l;
	uint64_t i;

	t->n = n;
	memcpy(t->node[0], leaf, n * 32);
	for (l = 1; l < 7; l++)
		for (i = 0; ((i + 1) << l) <= n; i++)
			assert_int_equal(merkle_node_hash(t->node[l - 1][2 * i],
				t->node[l - 1][2 * i + 1], t->node[l][i],
				&err), OD_OK);
}

static void unhex(const char *h, uint8_t *out)
{
	struct od_err err;

	assert_int_equal(hex_decode("vector", h, out, strlen(h) / 2, &err),
			 OD_OK);
}

static const char *const leaf_in[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};

static const char *const roots[9] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* Inclusion (index, size) and consistency (old, size) proofs. */
static const struct vec {
	uint64_t a, size;
	const char *hash[3];
} incl[] = {
	{ 0, 8, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 5, 8, { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 3, { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
	{ 1, 5, { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
}, cons[] = {
	{ 1, 8, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 6, 8, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 5, { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
	{ 6, 7, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
		  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
};

static struct tree vt;           /* the vectors' 8 leaves */
static uint8_t vroot[9][32];

static int setup(void **state)
{
	uint8_t in[16], leaf[8][32];
	struct od_err err;
	size_t i, len;

	for (i = 0; i < 8; i++) {
		len = strlen(leaf_in[i]) / 2;
		unhex(leaf_in[i], in);
		assert_int_equal(merkle_leaf_hash(in, len, NULL, 0, leaf[i],
						  &err), OD_OK);
	}
	tree_build(&vt, (const uint8_t (*)[32])leaf, 8);
	for (i = 0; i < 9; i++)
		unhex(roots[i], vroot[i]);
	return 0;
}

/* A proof from a vector's hex. */
static void vec_proof(const struct vec *v, struct merkle_proof *p)
{
	p->n = 0;
	while (p->n < 3 && v->hash[p->n] != NULL) {
		unhex(v->hash[p->n], p->hash[p->n]);
		p->n++;
	}
}

/* The roots of every size from 0 to 8, and the leaf split by head/tail. */
static void test_roots(void **state)
{
	uint8_t r[32], a[32];
	struct od_err err;
	uint64_t n;

	for (n = 0; n <= 8; n++) {
		assert_int_equal(merkle_root(tree_get, &vt, n, r, &err), OD_OK);
		assert_memory_equal(r, vroot[n], 32);
	}
	assert_int_equal(merkle_leaf_hash("\x40\x41", 2, "\x42\x43", 2, a,
					  &err), OD_OK);
	assert_memory_equal(a, vt.node[0][5], 32);
}

/* The published inclusion proofs are made and checked. */
static void test_inclusion_vectors(void **state)
{
	struct merkle_proof want, got;
	struct od_err err;
	size_t i;

	for (i = 0; i < sizeof incl / sizeof incl[0]; i++) {
		vec_proof(&incl[i], &want);
		assert_int_equal(merkle_prove_inclusion(tree_get, &vt,
			incl[i].a, incl[i].size, &got, &err), OD_OK);
		assert_int_equal(got.n, want.n);
		assert_memory_equal(got.hash, want.hash, 32 * want.n);
		assert_int_equal(merkle_check_inclusion(incl[i].a,
			incl[i].size, vt.node[0][incl[i].a], &got,
			vroot[incl[i].size], &err), OD_OK);
	}
}

/* The published consistency proofs are made and checked. */
static void test_consistency_vectors(void **state)
{
	struct merkle_proof want, got;
	struct od_err err;
	size_t i;

	for (i = 0; i < sizeof cons / sizeof cons[0]; i++) {
		vec_proof(&cons[i], &want);
		assert_int_equal(merkle_prove_consistency(tree_get, &vt,
			cons[i].a, cons[i].size, &got, &err), OD_OK);
		assert_int_equal(got.n, want.n);
		assert_memory_equal(got.hash, want.hash, 32 * want.n);
		assert_int_equal(merkle_check_consistency(cons[i].a,
			cons[i].size, vroot[cons[i].a], vroot[cons[i].size],
			&got, &err), OD_OK);
	}
	assert_int_equal(merkle_prove_consistency(tree_get, &vt, 8, 8, &got,
						  &err), OD_OK);
	assert_int_equal(got.n, 0);
}

/* Checks that p fails for leaf index of size, against root. */
static void incl_refused(uint64_t index, uint64_t size, const uint8_t *leaf,
			 const struct merkle_proof *p, const uint8_t *root)
{
	struct od_err err;

	assert_int_equal(merkle_check_inclusion(index, size, leaf, p, root,
						&err), OD_E_TAMPERED);
	assert_true(err.msg[0] != '\0');
}

/* The ways an inclusion proof breaks: each must be refused. */
static void test_inclusion_refused(void **state)
{
	struct merkle_proof p, q;
	struct od_err err;
	size_t i;

	for (i = 0; i < sizeof incl / sizeof incl[0]; i++) {
		uint64_t x = incl[i].a, n = incl[i].size;
		const uint8_t *leaf = vt.node[0][x], *root = vroot[n];

		vec_proof(&incl[i], &p);
		incl_refused(n, n, leaf, &p, root);        /* index = size */
		incl_refused(n + 1, n, leaf, &p, root);
		incl_refused(x ^ 1, n, leaf, &p, root);
		incl_refused(x, 2 * n, leaf, &p, root);
		incl_refused(x, n / 2 + (n == 3), leaf, &p, root);
		incl_refused(x, n, vt.node[0][(x + 1) % 8], &p, root);
		incl_refused(x, n, leaf, &p, vroot[0]);
		q = p;                                     /* a hash too many */
		memcpy(q.hash[q.n++], root, 32);
		incl_refused(x, n, leaf, &q, root);
		q = p;                                     /* at the front */
		memmove(q.hash[1], q.hash[0], 32 * q.n++);
		incl_refused(x, n, leaf, &q, root);
		q = p;                                     /* a hash too few */
		q.n--;
		incl_refused(x, n, leaf, &q, root);
		q = p;
		q.hash[q.n - 1][0] ^= 8;
		incl_refused(x, n, leaf, &q, root);
	}
	assert_int_equal(merkle_prove_inclusion(tree_get, &vt, 8, 8, &p,
						&err), OD_E_INPUT);
	p.n = 0;                                           /* size zero */
	incl_refused(0, 0, vroot[0], &p, vroot[0]);
}

/* Checks that p fails from (old, r1) to (size, r2). */
static void cons_refused(uint64_t old, uint64_t size, const uint8_t *r1,
			 const uint8_t *r2, const struct merkle_proof *p)
{
	struct od_err err;

	assert_int_equal(merkle_check_consistency(old, size, r1, r2, p, &err),
			 OD_E_TAMPERED);
	assert_true(err.msg[0] != '\0');
}

/* The ways a consistency proof breaks: each must be refused. */
static void test_consistency_refused(void **state)
{
	struct merkle_proof p, q, none = { 0 };
	struct od_err err;
	size_t i;

	for (i = 0; i < sizeof cons / sizeof cons[0]; i++) {
		uint64_t m = cons[i].a, n = cons[i].size;
		const uint8_t *r1 = vroot[m], *r2 = vroot[n];

		vec_proof(&cons[i], &p);
		cons_refused(m - 1, n, vroot[m - 1], r2, &p);
		cons_refused(m + 1, n, vroot[m + 1], r2, &p);
		cons_refused(m, n - 1, r1, vroot[n - 1], &p);
		cons_refused(m, n, r2, r1, &p);            /* swapped roots */
		cons_refused(m, n, r1, r2, &none);         /* empty proof */
		q = p;                                     /* a hash too many */
		memcpy(q.hash[q.n++], r2, 32);
		cons_refused(m, n, r1, r2, &q);
		q = p;                                     /* the old root sent */
		memmove(q.hash[1], q.hash[0], 32 * q.n++);
		memcpy(q.hash[0], r1, 32);
		cons_refused(m, n, r1, r2, &q);
		q = p;                                     /* a hash too few */
		q.n--;
		cons_refused(m, n, r1, r2, &q);
		q = p;
		q.hash[0][0] ^= 16;
		cons_refused(m, n, r1, r2, &q);
	}
	/* Equal sizes: the same root and nothing else. */
	assert_int_equal(merkle_check_consistency(5, 5, vroot[5], vroot[5],
						  &none, &err), OD_OK);
	cons_refused(5, 5, vroot[5], vroot[6], &none);
	q = none;
	memcpy(q.hash[q.n++], vroot[5], 32);
	cons_refused(5, 5, vroot[5], vroot[5], &q);
	/* Size zero, and a log that shrank. */
	cons_refused(0, 0, vroot[0], vroot[0], &none);
	cons_refused(0, 3, vroot[0], vroot[3], &none);
	cons_refused(4, 3, vroot[4], vroot[3], &none);
	assert_int_equal(merkle_prove_consistency(tree_get, &vt, 0, 3, &p,
						  &err), OD_E_INPUT);
	assert_int_equal(merkle_prove_consistency(tree_get, &vt, 4, 3, &p,
						  &err), OD_E_INPUT);
}

/* MTH by the RFC's recursion, straight from the leaf hashes. */
static void mth(const uint8_t (*leaf)[32], uint64_t n, uint8_t out[32])
{
	uint8_t l[32], r[32];
	struct od_err err;
	uint64_t k = 1;

	if (n == 1) {
		memcpy(out, leaf[0], 32);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	mth(leaf, k, l);
	mth(leaf + k, n - k, r);
	assert_int_equal(merkle_node_hash(l, r, out, &err), OD_OK);
}

/*
 * Every size up to 40: each root equals the recursion's, each proof
 * checks, and a consistency proof fails against a log whose last old
 * entry was changed (a fork).
 */
static void test_every_size(void **state)
{
	static uint8_t leaf[40][32], forked[40][32];
	static struct tree t, tf;
	uint8_t r[32], want[32], rf[32], rm[32];
	struct merkle_proof p;
	struct od_err err;
	uint64_t n, i;

	for (i = 0; i < 40; i++) {
		assert_int_equal(merkle_leaf_hash(&i, sizeof i, NULL, 0,
						  leaf[i], &err), OD_OK);
	}
	tree_build(&t, (const uint8_t (*)[32])leaf, 40);
	for (n = 1; n <= 40; n++) {
		assert_int_equal(merkle_root(tree_get, &t, n, r, &err), OD_OK);
		mth((const uint8_t (*)[32])leaf, n, want);
		assert_memory_equal(r, want, 32);
		for (i = 0; i < n; i++) {
			assert_int_equal(merkle_prove_inclusion(tree_get, &t,
				i, n, &p, &err), OD_OK);
			assert_int_equal(merkle_check_inclusion(i, n,
				leaf[i], &p, r, &err), OD_OK);
		}
		for (i = 1; i <= n; i++) {
			memcpy(forked, leaf, sizeof leaf);
			forked[i - 1][0] ^= 1;
			tree_build(&tf, (const uint8_t (*)[32])forked, 40);
			assert_int_equal(merkle_root(tree_get, &tf, n, rf,
						     &err), OD_OK);
			assert_int_equal(merkle_root(tree_get, &t, i, rm,
						     &err), OD_OK);
			assert_int_equal(merkle_prove_consistency(tree_get, &t,
				i, n, &p, &err), OD_OK);
			assert_int_equal(merkle_check_consistency(i, n, rm, r,
				&p, &err), OD_OK);
			assert_int_equal(merkle_prove_consistency(tree_get, &tf,
				i, n, &p, &err), OD_OK);
			cons_refused(i, n, rm, rf, &p);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roots),
		cmocka_unit_test(test_inclusion_vectors),
		cmocka_unit_test(test_consistency_vectors),
		cmocka_unit_test(test_inclusion_refused),
		cmocka_unit_test(test_consistency_refused),
		cmocka_unit_test(test_every_size),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
