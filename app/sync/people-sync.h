/*
 * people-sync.h - the desk's side of people travelling between desks.
 *
 * A desk queues a person's signed key bundle (app/log/people.h) in its store
 * when it adds them or they change their passphrase (the outbox,
 * app/shop/people-outbox.h), and every sync (sync_run calls people_sync
 * last):
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
