/* merkle.c - RFC 9162 tree hashes, proofs and their checks. */
#include "lib/merkle.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

/* Hashes prefix ‖ a ‖ b (b may be NULL) with SHA-256. */
static enum od_code hash3(uint8_t prefix, const void *a, size_t alen,
			  const void *b, size_t blen, uint8_t out[32],
			  struct od_err *err)
{
	gnutls_hash_hd_t h;

	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		return od_err_set(err, OD_E_CRYPTO, "SHA-256 is not available");
	gnutls_hash(h, &prefix, 1);
	if (alen > 0)
		gnutls_hash(h, a, alen);
	if (blen > 0)
		gnutls_hash(h, b, blen);
	gnutls_hash_deinit(h, out);
	return OD_OK;
}

enum od_code merkle_leaf_hash(const void *head, size_t head_len,
			      const void *tail, size_t tail_len,
			      uint8_t out[MERKLE_HASH_LEN],
			      struct od_err *err)
{
	return hash3(0x00, head, head_len, tail, tail_len, out, err);
}

enum od_code merkle_node_hash(const uint8_t left[MERKLE_HASH_LEN],
			      const uint8_t right[MERKLE_HASH_LEN],
			      uint8_t out[MERKLE_HASH_LEN],
			      struct od_err *err)
{
	uint8_t both[2 * MERKLE_HASH_LEN];

	/* Copied first: out may be left or right. */
	memcpy(both, left, MERKLE_HASH_LEN);
	memcpy(both + MERKLE_HASH_LEN, right, MERKLE_HASH_LEN);
	return hash3(0x01, both, sizeof both, NULL, 0, out, err);
}

/* The largest power of two strictly below n (n > 1). */
static uint64_t split_of(uint64_t n)
{
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

/* log2 of a power of two. */
static unsigned level_of(uint64_t pow2)
{
	return (unsigned)__builtin_ctzll(pow2);
}

/*
 * MTH of the len leaves from start, where start is a multiple of a power
 * of two at least len (every range RFC 9162's recursion reaches is): the
 * complete subtrees are len's bits from the top, hashed right to left.
 */
static enum od_code subtree(merkle_get_fn get, void *ctx, uint64_t start,
			    uint64_t len, uint8_t out[MERKLE_HASH_LEN],
			    struct od_err *err)
{
	uint8_t left[64][MERKLE_HASH_LEN];
	size_t n = 0;
	uint64_t k;
	enum od_code rc;

	while ((len & (len - 1)) != 0) {
		k = split_of(len);
		rc = get(ctx, level_of(k), start >> level_of(k), left[n++],
			 err);
		if (rc != OD_OK)
			return rc;
		start += k;
		len -= k;
	}
	rc = get(ctx, level_of(len), start >> level_of(len), out, err);
	while (rc == OD_OK && n > 0)
		rc = merkle_node_hash(left[--n], out, out, err);
	return rc;
}

enum od_code merkle_root(merkle_get_fn get, void *ctx, uint64_t size,
			 uint8_t out[MERKLE_HASH_LEN], struct od_err *err)
{
	if (size == 0) {
		if (gnutls_hash_fast(GNUTLS_DIG_SHA256, "", 0, out) < 0)
			return od_err_set(err, OD_E_CRYPTO,
					  "SHA-256 is not available");
		return OD_OK;
	}
	return subtree(get, ctx, 0, size, out, err);
}

/* Turns the hashes gathered top down into RFC 9162's bottom-up order. */
static void reverse(struct merkle_proof *p)
{
	uint8_t t[MERKLE_HASH_LEN];
	size_t i;

	for (i = 0; i < p->n / 2; i++) {
		memcpy(t, p->hash[i], MERKLE_HASH_LEN);
		memcpy(p->hash[i], p->hash[p->n - 1 - i], MERKLE_HASH_LEN);
		memcpy(p->hash[p->n - 1 - i], t, MERKLE_HASH_LEN);
	}
}

enum od_code merkle_prove_inclusion(merkle_get_fn get, void *ctx,
				    uint64_t index, uint64_t size,
				    struct merkle_proof *out,
				    struct od_err *err)
{
	uint64_t start = 0, len = size, m = index, k;
	enum od_code rc = OD_OK;

	out->n = 0;
	if (index >= size)
		return od_err_set(err, OD_E_INPUT, "entry %llu is not in a "
				  "log of %llu entries; ask for a larger size",
				  (unsigned long long)index,
				  (unsigned long long)size);
	/* PATH(m, D[n]) = PATH(m, one side) : MTH(the other side). */
	while (rc == OD_OK && len > 1) {
		k = split_of(len);
		if (m < k) {
			rc = subtree(get, ctx, start + k, len - k,
				     out->hash[out->n++], err);
			len = k;
		} else {
			rc = subtree(get, ctx, start, k, out->hash[out->n++],
				     err);
			start += k;
			m -= k;
			len -= k;
		}
	}
	reverse(out);
	return rc;
}

enum od_code merkle_prove_consistency(merkle_get_fn get, void *ctx,
				      uint64_t old, uint64_t size,
				      struct merkle_proof *out,
				      struct od_err *err)
{
	uint64_t start = 0, len = size, m = old, k;
	int whole = 1;   /* SUBPROOF's b: old is a subtree we still have */
	enum od_code rc = OD_OK;

	out->n = 0;
	if (old == 0 || old > size)
		return od_err_set(err, OD_E_INPUT, "no consistency proof from "
				  "%llu to %llu entries: the old size must be "
				  "from 1 to the new one",
				  (unsigned long long)old,
				  (unsigned long long)size);
	while (rc == OD_OK && m != len) {
		k = split_of(len);
		if (m <= k) {
			rc = subtree(get, ctx, start + k, len - k,
				     out->hash[out->n++], err);
			len = k;
		} else {
			rc = subtree(get, ctx, start, k, out->hash[out->n++],
				     err);
			start += k;
			m -= k;
			len -= k;
			whole = 0;
		}
	}
	if (rc == OD_OK && !whole)
		rc = subtree(get, ctx, start, len, out->hash[out->n++], err);
	reverse(out);
	return rc;
}

/* Shifts fn and sn right once. */
static void shift(uint64_t *fn, uint64_t *sn)
{
	*fn >>= 1;
	*sn >>= 1;
}

/* Whether a and b hold the same hash. */
static int same(const uint8_t a[MERKLE_HASH_LEN],
		const uint8_t b[MERKLE_HASH_LEN])
{
	return memcmp(a, b, MERKLE_HASH_LEN) == 0;
}

enum od_code merkle_check_inclusion(uint64_t index, uint64_t size,
				    const uint8_t leaf[MERKLE_HASH_LEN],
				    const struct merkle_proof *p,
				    const uint8_t root[MERKLE_HASH_LEN],
				    struct od_err *err)
{
	uint64_t fn = index, sn = size - 1;
	uint8_t r[MERKLE_HASH_LEN];
	enum od_code rc = OD_OK;
	size_t i;

	if (index >= size)
		return od_err_set(err, OD_E_TAMPERED, "the proof names entry "
				  "%llu of a log of %llu entries, which has no "
				  "such entry", (unsigned long long)index,
				  (unsigned long long)size);
	if (p->n > MERKLE_MAX_PROOF)
		return od_err_set(err, OD_E_TAMPERED, "the inclusion proof "
				  "has hashes too many");
	memcpy(r, leaf, MERKLE_HASH_LEN);
	for (i = 0; rc == OD_OK && i < p->n; i++) {
		if (sn == 0)
			return od_err_set(err, OD_E_TAMPERED, "the inclusion "
					  "proof has hashes too many");
		if ((fn & 1) || fn == sn) {
			rc = merkle_node_hash(p->hash[i], r, r, err);
			while (!(fn & 1) && fn != 0)
				shift(&fn, &sn);
		} else {
			rc = merkle_node_hash(r, p->hash[i], r, err);
		}
		shift(&fn, &sn);
	}
	if (rc != OD_OK)
		return rc;
	if (sn != 0)
		return od_err_set(err, OD_E_TAMPERED, "the inclusion proof "
				  "has hashes too few");
	if (!same(r, root))
		return od_err_set(err, OD_E_TAMPERED, "the inclusion proof "
				  "does not lead to the checkpoint's root: the "
				  "entry is not in that log");
	return OD_OK;
}

/*
 * The walk of RFC 9162 2.1.4.2 over path (the proof, with the old root
 * first when old is a power of two), from step 3 on.
 */
static enum od_code consistency_walk(uint64_t old, uint64_t size,
				     const uint8_t (*path)[MERKLE_HASH_LEN],
				     size_t n, uint8_t fr[MERKLE_HASH_LEN],
				     uint8_t sr[MERKLE_HASH_LEN],
				     struct od_err *err)
{
	uint64_t fn = old - 1, sn = size - 1;
	enum od_code rc = OD_OK;
	size_t i;

	while (fn & 1)
		shift(&fn, &sn);
	memcpy(fr, path[0], MERKLE_HASH_LEN);
	memcpy(sr, path[0], MERKLE_HASH_LEN);
	for (i = 1; rc == OD_OK && i < n; i++) {
		if (sn == 0)
			return od_err_set(err, OD_E_TAMPERED, "the consistency"
					  " proof has hashes too many");
		if ((fn & 1) || fn == sn) {
			rc = merkle_node_hash(path[i], fr, fr, err);
			if (rc == OD_OK)
				rc = merkle_node_hash(path[i], sr, sr, err);
			while (!(fn & 1) && fn != 0)
				shift(&fn, &sn);
		} else {
			rc = merkle_node_hash(sr, path[i], sr, err);
		}
		shift(&fn, &sn);
	}
	if (rc == OD_OK && sn != 0)
		return od_err_set(err, OD_E_TAMPERED, "the consistency proof "
				  "has hashes too few");
	return rc;
}

enum od_code merkle_check_consistency(uint64_t old, uint64_t size,
				      const uint8_t old_root[MERKLE_HASH_LEN],
				      const uint8_t root[MERKLE_HASH_LEN],
				      const struct merkle_proof *p,
				      struct od_err *err)
{
	uint8_t path[MERKLE_MAX_PROOF + 1][MERKLE_HASH_LEN];
	uint8_t fr[MERKLE_HASH_LEN], sr[MERKLE_HASH_LEN];
	size_t n = 0;
	enum od_code rc;

	if (old == 0 || old > size)
		return od_err_set(err, OD_E_TAMPERED, "a log of %llu entries "
				  "cannot follow one of %llu",
				  (unsigned long long)size,
				  (unsigned long long)old);
	if (old == size) {
		if (p->n != 0)
			return od_err_set(err, OD_E_TAMPERED, "the consistency"
					  " proof has hashes too many");
		if (!same(old_root, root))
			return od_err_set(err, OD_E_TAMPERED, "two different "
					  "logs of %llu entries: the log was "
					  "forked", (unsigned long long)old);
		return OD_OK;
	}
	if (p->n == 0 || p->n > MERKLE_MAX_PROOF)
		return od_err_set(err, OD_E_TAMPERED, "the consistency proof "
				  "has hashes too %s", p->n == 0 ? "few" :
				  "many");
	/* The step many get wrong: a complete old tree is not sent. */
	if ((old & (old - 1)) == 0)
		memcpy(path[n++], old_root, MERKLE_HASH_LEN);
	memcpy(path[n], p->hash, p->n * MERKLE_HASH_LEN);
	n += p->n;
	rc = consistency_walk(old, size, (const uint8_t (*)[32])path, n, fr,
			      sr, err);
	if (rc != OD_OK)
		return rc;
	if (!same(fr, old_root) || !same(sr, root))
		return od_err_set(err, OD_E_TAMPERED, "the log of %llu entries"
				  " does not extend the one of %llu: the log "
				  "was forked or rewritten",
				  (unsigned long long)size,
				  (unsigned long long)old);
	return OD_OK;
}
