/*
 * store-merkle.h - the log as an RFC 9162 Merkle tree (lib/merkle.h),
 * kept beside the hash chain in a table of its own.
 *
 * The leaf.  Entry seq is leaf seq - 1, and the leaf's bytes are the
 * entry's statement exactly as signed followed by its 64-byte Ed25519
 * signature:
 *
 *   leaf(seq) = SEQ.statement ‖ SEQ.sig     (as `orderdesk log --export`
 *                                            writes them)
 *
 * so anyone holding the exported files can hash a leaf: `cat 7.statement
 * 7.sig` is entry 7's leaf.  The signature is fixed-length and last, so
 * the concatenation is unambiguous, as in the chain hash (ledger.h).
 *
 * The table holds the hash of every complete subtree, (level, index) for
 * the 2^level leaves from index << level (about two rows per entry): an
 * append writes its leaf and the subtrees it completes (one on average,
 * log2 n at most), a root or a proof reads O(log n) of them.  The tree
 * follows the log in the same transaction: store_log_append adds the
 * leaf, store_log_cut takes the cut leaves out, and opening a store made
 * before the tree (or written meanwhile by a build without it) builds or
 * completes it once (store_merkle_start).
 */
#ifndef OD_STORE_MERKLE_H
#define OD_STORE_MERKLE_H

#include <stdint.h>

#include "lib/err.h"
#include "lib/merkle.h"
#include "storage/store.h"

/* The tree's size: the number of leaves, which is the log's head seq. */
enum od_code store_merkle_size(struct store *s, uint64_t *size,
			       struct od_err *err);

/*
 * The root of the tree of the first size leaves (a checkpoint's hash); a
 * size past the tree's gives OD_E_INPUT.
 */
enum od_code store_merkle_root(struct store *s, uint64_t size,
			       uint8_t out[MERKLE_HASH_LEN],
			       struct od_err *err);

/* The leaf hash of leaf index (entry index + 1); none: OD_E_NOTFOUND. */
enum od_code store_merkle_leaf(struct store *s, uint64_t index,
			       uint8_t out[MERKLE_HASH_LEN],
			       struct od_err *err);

/*
 * The inclusion proof of leaf index in the tree of size leaves; index >=
 * size or a size past the tree's gives OD_E_INPUT.
 */
enum od_code store_merkle_inclusion(struct store *s, uint64_t index,
				    uint64_t size, struct merkle_proof *out,
				    struct od_err *err);

/*
 * The consistency proof from old leaves to size leaves; old 0, old > size
 * or a size past the tree's gives OD_E_INPUT.
 */
enum od_code store_merkle_consistency(struct store *s, uint64_t old,
				      uint64_t size, struct merkle_proof *out,
				      struct od_err *err);

#endif
