/*
 * sync-repush.h - a backend that lost entries (restored from an older
 * backup) gets them again from a desk that holds them.
 *
 * A desk's log up to its synced head is a copy of the backend's, hash for
 * hash.  When the backend's signed head is behind that (h < seen), either
 * its log is a prefix of the desk's (the desk's entry h has the head's
 * hash: it lost the entries after h, as a backend brought back from a
 * backup does), or it is another history (a fork, or entries rewritten),
 * refused as before.  For a prefix the synced head moves back to h: the
 * entries after it become the outbox again and the push sends them as they
 * are (statements of any signer, their signatures, their order), and the
 * backend judges each exactly as when it first came (signature, the
 * signer's role at that point, the chain): same statements in the same
 * order give the same seqs and chain hashes.  Pushing again is safe: an
 * entry the backend holds comes back a duplicate at its seq.
 */
#ifndef OD_SYNC_REPUSH_H
#define OD_SYNC_REPUSH_H

#include <stdint.h>

#include "app/shop/shop.h"
#include "lib/err.h"

/*
 * The backend signed a head (head_seq, head_hash) behind the synced head
 * (*seen_seq, seen_hash).  If its log is a prefix of this store's, moves
 * the synced head back to it (in the store and in *seen_seq, seen_hash)
 * and adds the entries it lacks to *lost; else
 * OD_E_TAMPERED, the store unchanged.  own_lock: hold sh for writing
 * meanwhile (else the caller holds it).
 */
enum od_code sync_repush_rewind(struct shop *sh, int own_lock,
				long long head_seq,
				const uint8_t head_hash[32],
				long long *seen_seq, uint8_t seen_hash[32],
				long long *lost,
				struct od_err *err);

#endif
