/*
 * backend-witness.h - the backend hands its checkpoints to the shop's
 * witnesses (orderdeskd.conf's witness lines, witness-conf.h) as C2SP
 * tlog-witness asks: POST /add-checkpoint with "old M", the consistency
 * proof from M (the size the witness cosigned last here) and the signed
 * checkpoint.  A 200's cosignature is checked against the witness's key
 * and kept, so GET /v1/checkpoint serves it (backend-proof.h).  A 409
 * names the size the witness knows: asked once more from that size.  A
 * 422 (the proof from what the witness cosigned does not verify) or a
 * witness that knows a larger tree than this log: the log this backend
 * serves is not the one it showed that witness; said as a
 * "witness-refused" event (events.h), the fork alarm.
 *
 * It is done when a desk asks for the checkpoint and a witness has not
 * cosigned the newest yet, or did over WITNESS_REFRESH_S ago (so that the
 * cosignature's time tells a desk the log is not withheld, even when it
 * does not grow: witness-policy.h's max-age), before that request is
 * routed.  The backend's lock is held only to read the store (the
 * checkpoint, the proofs) and to keep the cosignatures: the exchange with
 * a witness runs without it, so a slow or unreachable witness keeps
 * waiting only the desk whose request met it, never the others.  Each
 * witness is given WITNESS_TIMEOUT_S at most (or its line's timeout=), is
 * asked by one request at a time, and one that failed is left alone
 * WITNESS_RETRY_S before it is tried again.
 */
#ifndef OD_BACKEND_WITNESS_H
#define OD_BACKEND_WITNESS_H

#include <pthread.h>

#include "app/orderdeskd/backend.h"
#include "app/orderdeskd/witness-conf.h"

#define WITNESS_TIMEOUT_S 5
#define WITNESS_RETRY_S   30
#define WITNESS_REFRESH_S 300

/*
 * Hands the newest checkpoint to each of wc's witnesses that has not
 * cosigned it.  lock is the one every request into b holds: not held by
 * the caller, taken here only around the store's reads and writes.
 * Never fails: what goes wrong is logged (stderr or the journal) or an
 * event.
 */
void backend_witness_round(struct backend *b, const struct witness_conf *wc,
			   pthread_mutex_t *lock);

#endif
