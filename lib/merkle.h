/*
 * merkle.h - the Merkle tree of RFC 9162 section 2.1 (the one of RFC 6962,
 * Certificate Transparency, Go's checksum database): hashes, proofs and
 * their checks, and nothing about where the hashes are kept.
 *
 *   leaf hash  SHA-256(0x00 ‖ entry)
 *   node hash  SHA-256(0x01 ‖ left ‖ right)
 *   MTH(D[n])  split at k, the largest power of two below n:
 *              MTH(D[0:k]) and MTH(D[k:n]); the empty tree is SHA-256("").
 *
 * A tree of n leaves is made of complete subtrees: the one at (level,
 * index) holds the 2^level leaves from index << level on.  Whoever keeps
 * the tree (storage/store-merkle.c, a test's array) hands their hashes in
 * through a merkle_get_fn, and every function here asks for O(log n) of
 * them: a root, an inclusion proof or a consistency proof costs the same
 * at a million leaves as at a thousand, give or take a factor of two.
 *
 * Sizes and indexes are uint64_t; a proof has at most MERKLE_MAX_PROOF
 * hashes (one per level of a tree below 2^63 leaves, and one more for a
 * consistency proof's first hash).
 */
#ifndef OD_MERKLE_H
#define OD_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define MERKLE_HASH_LEN  32
#define MERKLE_MAX_PROOF 64

/*
 * The hash of the complete subtree (level, index) into out, or an error
 * (a store that cannot be read, a subtree it does not have).
 */
typedef enum od_code (*merkle_get_fn)(void *ctx, unsigned level,
				      uint64_t index,
				      uint8_t out[MERKLE_HASH_LEN],
				      struct od_err *err);

/* A proof: n hashes, in the order RFC 9162 sends them (bottom up). */
struct merkle_proof {
	size_t n;
	uint8_t hash[MERKLE_MAX_PROOF][MERKLE_HASH_LEN];
};

/*
 * The leaf hash of the entry head ‖ tail (tail may be NULL with tail_len
 * 0): a caller whose entry is two stored pieces hashes it without copying.
 */
enum od_code merkle_leaf_hash(const void *head, size_t head_len,
			      const void *tail, size_t tail_len,
			      uint8_t out[MERKLE_HASH_LEN],
			      struct od_err *err);

/* The node hash of left and right (out may be either of them). */
enum od_code merkle_node_hash(const uint8_t left[MERKLE_HASH_LEN],
			      const uint8_t right[MERKLE_HASH_LEN],
			      uint8_t out[MERKLE_HASH_LEN],
			      struct od_err *err);

/* MTH of the first size leaves (size 0: the hash of nothing). */
enum od_code merkle_root(merkle_get_fn get, void *ctx, uint64_t size,
			 uint8_t out[MERKLE_HASH_LEN], struct od_err *err);

/*
 * The inclusion proof of leaf index in the tree of size leaves (RFC 9162
 * 2.1.3.1).  index >= size gives OD_E_INPUT.
 */
enum od_code merkle_prove_inclusion(merkle_get_fn get, void *ctx,
				    uint64_t index, uint64_t size,
				    struct merkle_proof *out,
				    struct od_err *err);

/*
 * The consistency proof from the tree of old leaves to the one of size
 * leaves (RFC 9162 2.1.4.1): empty when they are equal.  old 0 (a tree
 * that commits to nothing) or old > size gives OD_E_INPUT.
 */
enum od_code merkle_prove_consistency(merkle_get_fn get, void *ctx,
				      uint64_t old, uint64_t size,
				      struct merkle_proof *out,
				      struct od_err *err);

/*
 * Checks that leaf (a leaf hash) is at index in the tree of size leaves
 * whose root is root (RFC 9162 2.1.3.2): OD_OK, or OD_E_TAMPERED naming
 * what did not match (an index at or past the size, a hash too many or
 * too few, a root that differs).
 */
enum od_code merkle_check_inclusion(uint64_t index, uint64_t size,
				    const uint8_t leaf[MERKLE_HASH_LEN],
				    const struct merkle_proof *p,
				    const uint8_t root[MERKLE_HASH_LEN],
				    struct od_err *err);

/*
 * Checks that the tree of old leaves with root old_root is the start of
 * the tree of size leaves with root root (RFC 9162 2.1.4.2).  Equal sizes
 * need an empty proof and equal roots; old 0, old > size, a hash too many
 * or too few, or a root that differs gives OD_E_TAMPERED.
 */
enum od_code merkle_check_consistency(uint64_t old, uint64_t size,
				      const uint8_t old_root[MERKLE_HASH_LEN],
				      const uint8_t root[MERKLE_HASH_LEN],
				      const struct merkle_proof *p,
				      struct od_err *err);

#endif
