/*
 * sync-cosign.h - a desk cosigns the checkpoints it verified (C2SP
 * tlog-cosignature, app/log/cosignature.h) and sends the cosignature to
 * the backend (POST /v1/cosignature), which serves it with the checkpoint
 * to every desk: a desk shown another history by the same backend sees
 * that this desk did not cosign it.
 *
 * The desk's cosigner key is its own Ed25519 key, made on first use and
 * kept in the store's meta (SYNC_META_COSIGNER: the seed, in the
 * encrypted database like the desk's TLS key), named ORIGIN/desk-HEX
 * (HEX: the first 4 bytes of its public key).
 */
#ifndef OD_SYNC_COSIGN_H
#define OD_SYNC_COSIGN_H

#include "app/log/checkpoint.h"
#include "app/sync/backend-call.h"
#include "lib/err.h"
#include "storage/store.h"

#define SYNC_META_COSIGNER "sync.cosigner"   /* base64 of the seed */
#define SYNC_META_COSIGNED "sync.cosigned"   /* the size sent last */

/*
 * The desk's cosigner for origin's log, made if it has none (s held for
 * writing then): *k (the caller's, sigkey_free; may be NULL) and *w.
 */
enum od_code sync_cosigner(struct store *s, const char *origin,
			   struct sigkey **k, struct note_verifier *w,
			   struct od_err *err);

/*
 * Cosigns the checkpoint c whose signed note is note (just verified and
 * kept) and sends it through bc, unless this size was sent already.  A
 * backend without the route (404) is let be; one that refuses the
 * cosignature of its own checkpoint (422) gives OD_E_TAMPERED; a
 * transport failure is left for the next sync.
 */
enum od_code sync_cosign(struct store *s, const struct backend_call *bc,
			 const char *note, const struct checkpoint *c,
			 struct od_err *err);

#endif
