/*
 * sync-checkpoint.h - the desk's side of the log's checkpoints
 * (app/log/checkpoint.h): after a sync, the backend's newest signed
 * checkpoint is taken only if it extends the one this desk verified last
 * (an RFC 9162 consistency proof from it) and commits to the log this
 * desk holds (its own tree's root at that size, or a consistency proof
 * from its synced head when others pushed since).  The newest one taken
 * is kept in the store's meta (SYNC_META_CHECKPOINT, the note's text); a
 * refused one too (SYNC_META_FORK), as evidence a third party can check
 * with the log key.
 *
 * When the owner signed a witness policy (app/log/witness-policy.h), a
 * checkpoint is taken only with a quorum of its witnesses' cosignatures
 * (OD_E_DENIED naming the missing witness otherwise, nothing kept); and
 * when the newest cosignature by them is older than the policy's max-age,
 * warning (warning_size bytes; may be NULL) gets one line saying so.
 *
 * The key is the one the owner named in the log (a shop.log-key
 * statement, app/log/log-key.h), else the backend's head key the desk
 * already learned (first contact), named by the shop's origin; a backend without the route (an
 * older orderdeskd: 404) is let be.
 */
#ifndef OD_SYNC_CHECKPOINT_H
#define OD_SYNC_CHECKPOINT_H

#include <stddef.h>

#include "app/sync/backend-call.h"
#include "lib/err.h"
#include "storage/store.h"

#define SYNC_META_CHECKPOINT "sync.checkpoint"       /* the newest taken */
#define SYNC_META_FORK       "sync.checkpoint.fork"  /* the last refused */

/*
 * Fetches and checks the backend's checkpoint through bc, with s held
 * for writing and synced the desk's synced head.  A checkpoint that does
 * not extend the last one or this desk's log gives OD_E_TAMPERED with
 * one line naming both sizes ("...: the backend forked the log"); a
 * smaller one than the last, OD_E_TAMPERED too.
 */
enum od_code sync_checkpoint(struct store *s, const struct backend_call *bc,
			     long long synced, char *warning,
			     size_t warning_size, struct od_err *err);

struct checkpoint;
struct note_verifier;

/*
 * The log's verifier key this desk learned (the shop's origin and the head
 * key it verified first, META_HEADKEY) into v; *known is 0 while it has
 * none yet.  A damaged one gives OD_E_TAMPERED.
 */
enum od_code sync_learned_log_key(struct store *s, struct note_verifier *v,
				  int *known, struct od_err *err);

/*
 * The checkpoint this desk verified last (for offline proofs): *note its
 * signed note's text (the caller's, free) and *c what it says.  None yet
 * gives OD_E_NOTFOUND ("sync first").
 */
enum od_code sync_checkpoint_kept(struct store *s, char **note,
				  struct checkpoint *c, struct od_err *err);

#endif
