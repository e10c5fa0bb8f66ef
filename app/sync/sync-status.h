/*
 * sync-status.h - how this desk stands with its backend, cheaply, and the
 * conflicts sync found: for `orderdesk sync`, `orderdesk conflicts` and
 * the desk's status line.
 *
 * A conflict is a statement signed here that can no longer happen because
 * the backend's log moved on meanwhile (another desk cancelled the order
 * this one confirmed).  It was taken out of this desk's log, so the orders
 * show the backend's truth, and kept here with the backend's or the local
 * re-check's reason, so the person who signed it can see what happened.
 */
#ifndef OD_SYNC_STATUS_H
#define OD_SYNC_STATUS_H

#include <stddef.h>

#include "app/shop/shop.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "storage/store-sync.h"

struct sync_status {
	int attached;              /* a backend is set up */
	int online;                /* the last attempt reached it */
	long long waiting;         /* statements signed here, not yet
				      accepted by the backend */
	long long last_ok;         /* unix time of the last full sync, 0
				      if none */
	long long last_try;        /* unix time of the last attempt */
	char last_error[OD_ERR_MSG_MAX]; /* "" after a success */
	long long conflicts;       /* all recorded */
	long long new_conflicts;   /* not yet shown (sync_conflicts_ack) */
	long long head;            /* the synced head's seq */
};

/*
 * Reads the status of sh's store: a few meta values and two counts over
 * keys, no network and no log walk.  Works on a held store (as held) or a
 * released one (held shared for the read).  Thread: one handle per thread.
 */
enum od_code sync_status_read(struct shop *sh, struct sync_status *st,
			      struct od_err *err);

/*
 * Calls cb for each conflict numbered from and up, oldest first (strings
 * borrowed for the call).  Held or released sh, as above.
 */
enum od_code sync_conflicts_each(struct shop *sh, long long from,
				 store_conflict_cb cb, void *ctx,
				 struct od_err *err);

/* Marks every conflict as shown (sh unlocked for writing). */
enum od_code sync_conflicts_ack(struct shop *sh, struct od_err *err);

/*
 * Appends one line (no newline) a person can read about c: the order,
 * what was refused, who refused it and why, and what the shop's log says
 * now.
 */
enum od_code sync_conflict_line(const struct conflict_record *c,
				struct buf *b, struct od_err *err);

/*
 * Read-only, for the desk's sync column: whether the store is attached to
 * a backend (*attached), and the seq of the last head verified from it
 * (*seq, 0 before the first sync).  Entries at or before *seq have reached
 * the backend.
 */
enum od_code sync_synced_seq(struct store *s, int *attached, long long *seq,
			     struct od_err *err);

#endif
