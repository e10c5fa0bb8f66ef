/*
 * people-race.h - a passphrase change made at this desk that lost to one
 * made at another desk first.
 *
 * Whoever holds a person's current key may sign the next user.rekey: an
 * old copy of a store with the old passphrase is enough.  No desk can tell
 * the person from such a copy in general, but a desk whose own rekey of a
 * person was set aside because another rekey of them got in first knows
 * one thing: the key the log now gives them was not made here, though the
 * person (or someone with their passphrase) changed it here.  Taking that
 * key's slot from the backend, as for any other change made elsewhere,
 * would hand the person's name at this desk to whoever made it, and lock
 * out the one who made the change here.  So this desk:
 *   - notes the race in its store (meta "people.x.USER": "SEQ FINGERPRINT",
 *     the entry of the other rekey and the key it gave), for good: names are
 *     never reused, and only the owner's `user revoke` ends it;
 *   - never takes a key bundle of theirs from the backend again
 *     (app/sync/people-sync.c), so whoever made the other rekey does not sign in
 *     here with their passphrase;
 *   - refuses the person's unlock here, and says at each sync, why and what
 *     the owner must do (people_race_get).
 * Every desk also says at sync which user.rekey it pulled (app/sync/sync.h), so
 * an owner notices a change nobody made.
 */
#ifndef OD_PEOPLE_RACE_H
#define OD_PEOPLE_RACE_H

#include <stddef.h>

#include "app/log/statement.h"
#include "lib/err.h"
#include "storage/store.h"

#define PEOPLE_RACE_MSG_MAX OD_ERR_MSG_MAX

/*
 * For the rebase (app/sync/sync-rebase.c), as it sets aside st, a statement
 * signed at this desk.  When st is a user.rekey whose signing key another
 * user.rekey of the same person retired (the log has that one now), notes
 * the race above (inside the caller's transaction; a race already noted
 * for them is kept) and writes the line to show into msg; otherwise msg is
 * "" and nothing changes.  Errors are the store's.
 */
enum od_code people_race_note(struct store *s, const struct statement *st,
			      char *msg, size_t size, struct od_err *err);

/*
 * Whether this desk noted such a race for user: OD_OK with the line to
 * show in msg ("mei's key was changed at entry N by another desk (key
 * sha256:...); if that was not mei, the owner must ..."), OD_E_NOTFOUND
 * if not.  A damaged note gives OD_E_TAMPERED.
 */
enum od_code people_race_get(struct store *s, const char *user, char *msg,
			     size_t size, struct od_err *err);

#endif
