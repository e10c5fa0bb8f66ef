/*
 * desk-unlock.c - signing in: the shop unlocked as one person, its order
 * index read, and the background sync started when it has a backend.
 * Above desk.c (holding and locking) and desk-index.c, which it calls.
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"

#include "app/sync/sync-status.h"

enum od_code desk_unlock(struct desk *d, const char *user, const char *pass,
			 size_t pass_len, struct od_err *err)
{
	enum od_code rc;
	int attached = 0;
	long long seq;

	desk_lock(d);
	/*
	 * The lock is held only while the index loads, then per operation
	 * (desk_hold): commands in other terminals, writers too, run while
	 * the desk is open.
	 */

	rc = shop_unlock(d->dir, user, pass, pass_len, SHOP_READ, &d->sh, err);
	if (rc == OD_OK)
		rc = desk_index_start(d, err);
	/* A store with no backend needs no thread: a look at one meta value
	 * here spares the first screen the thread's setup. */
	if (rc == OD_OK)
		rc = sync_synced_seq(d->sh->store, &attached, &seq, err);
	if (rc != OD_OK) {
		desk_lock(d);
		return rc;
	}
	/* Keys read the store: it stays open between them, its cache warm
	 * (shop_keep_store; the lock is let go all the same). */
	shop_keep_store(d->sh, 1);
	shop_release(d->sh);
	d->locked_why[0] = '\0';
	if (attached)
		desk_bg_start(d);
	return OD_OK;
}
