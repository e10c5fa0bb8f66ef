/*
 * people-sync.h - the desk's side of people travelling between desks.
 *
 * A desk queues a person's signed key bundle (app/log/people.h) in its store
 * when it adds them or they change their passphrase ("people.outbox"), and
 * every sync (sync_run calls people_sync last):
 *   1. takes each active person's bundle from the backend that is newer
 *      than what this desk has, and makes or replaces their slot here: the
 *      desk's own data key wrapped to their public key;
 *   2. sends the outbox, and the signed-in person's bundle if no desk sent
 *      one yet (a shop founded before its backend); a bundle for someone
 *      the log just synced no longer holds as active, or sealed with a key
 *      it no longer gives them, is dropped unsent; one the backend refuses
 *      is dropped once it has all of this desk's log (else kept for the
 *      next sync), and the others go through all the same;
 *   3. drops the slot of everyone the log says was revoked, and then
 *      rotates this desk's data key.
 * A bundle is taken only with a valid signature by the key the shop's log
 * gives that person, so the backend can neither add a person nor change
 * anyone's passphrase; it only holds what the people sealed.  Never one of
 * a person whose rekey here lost to another desk's (app/shop/people-race.h).
 */
#ifndef OD_PEOPLE_SYNC_H
#define OD_PEOPLE_SYNC_H

#include "app/shop/shop.h"
#include "lib/err.h"
#include "net/tls-client.h"

/*
 * Queues user's bundle from their slot in kf, signed with k (their own
 * key), in the store's outbox (inside the caller's transaction), and
 * notes its time so that an older one from the backend is not taken.
 */
enum od_code people_outbox_add(struct store *s, const struct keyslot_file *kf,
			       const char *user, const struct sigkey *k,
			       struct od_err *err);

/*
 * Notes (inside the caller's transaction) that the key file here holds
 * user's slot for the key with fingerprint fp, or with fp NULL that it may
 * not yet: until noted again, the next sync takes their bundle for the key
 * the log gives them even when it is not newer than this desk's.
 */
enum od_code people_slot_note(struct store *s, const char *user,
			      const char *fp, struct od_err *err);

/*
 * Finishes a passphrase change that committed its user.rekey but crashed
 * before saving the key file (app/shop/shop-passwd.c): makes sh's user's slot
 * from their bundle in the outbox, if it is signed with the key the log
 * gives them, and saves the slots.  No such bundle gives OD_E_NOTFOUND.
 */
enum od_code people_outbox_restore(struct shop *sh, struct od_err *err);

/* What people_sync did. */
struct people_report {
	int taken;       /* slots made or replaced from the backend */
	int sent;        /* bundles the backend stored */
	int dropped;     /* slots of revoked people removed */
	int refused;     /* queued bundles dropped, never to be sent */
	char note[320];  /* the first dropped (or kept) bundle and why */
	int lost;        /* people whose bundles this desk no longer takes:
			    its rekey of them lost (app/shop/people-race.h) */
	char lost_user[KEYSLOT_NAME_MAX + 1];   /* the first of them */
	char lost_note[OD_ERR_MSG_MAX];         /* and why */
};

/*
 * Runs the three steps above over c (connected to the store's backend)
 * for sh, unlocked for writing (or just made by shop_create_joined).  A
 * refused or malformed bundle is skipped, never trusted; a bundle of the
 * outbox the backend refuses is reported in rep->note, never an error; a
 * backend that cannot be reached gives OD_E_IO, the outbox kept.
 */
enum od_code people_sync(struct shop *sh, struct tls_client *c,
			 struct people_report *rep, struct od_err *err);

#endif
