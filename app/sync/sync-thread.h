/*
 * sync-thread.h - the desk's sync in the background: on every action and
 * every few seconds, never on the thread that draws the screen.
 *
 * A sync_thread owns a thread and its own handle on the shop (shop_clone: the
 * data key, no signing key), and runs sync_run_until on it, holding the
 * store only per step, so the screens and other commands go on meanwhile.
 * The screen thread reads a copy of the status (cheap, under a mutex) and
 * asks whether a sync brought news, to reload its lists.  Stopping (lock,
 * quit) ends the request under way within about a second and wipes the
 * thread's keys.
 */
#ifndef OD_SYNC_THREAD_H
#define OD_SYNC_THREAD_H

#include "app/shop/shop.h"
#include "app/sync/sync-status.h"
#include "lib/err.h"

#define SYNC_THREAD_EVERY_S 30   /* between syncs when nothing happens */

struct sync_thread;

/* What the screen shows: the store's status and what the thread is doing. */
struct sync_thread_view {
	struct sync_status status;
	int running;               /* a sync is under way now */
	long long news;            /* syncs that changed the store (pulled,
				      set aside, or people), since start */
	long long tries;           /* syncs run since start, failed ones
				      too (whether a kick was heard) */
	char warning[320];         /* the last full sync's checkpoint
				      warning (sync.h), or "" */
};

/*
 * Starts syncing sh's store (unlocked; sh stays the caller's) every
 * every_s seconds (0: SYNC_THREAD_EVERY_S), the first one at once.  A store
 * not attached to a backend gives OD_E_USAGE and no thread.
 */
enum od_code sync_thread_start(const struct shop *sh, int every_s,
			     struct sync_thread **out, struct od_err *err);

/* Asks for a sync soon (after an action was signed). */
void sync_thread_kick(struct sync_thread *ds);

/* Copies what the screen shows; ds may be NULL (not attached). */
void sync_thread_view(struct sync_thread *ds, struct sync_thread_view *v);

/*
 * Stops the thread (the request under way ends within about a second),
 * closes its handle and wipes its keys; NULL is a no-op.
 */
void sync_thread_stop(struct sync_thread *ds);

#endif
