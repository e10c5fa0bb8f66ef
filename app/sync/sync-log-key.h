/*
 * sync-log-key.h - the owner's desk names the log's key by itself: a shop
 * founded before its backend cannot name the backend's key in its genesis
 * (app/log/log-key.h), and an owner who must remember `witness
 * name-log-key` mostly does not.  After a sync, when the log names no key
 * yet and this desk verified a checkpoint with the head key it learned over
 * the pinned connection, the owner's desk signs a shop.log-key naming that
 * key; other people's desks say nothing.  A shop founded on its backend
 * (`init --backend`, app/sync/join.c) names it as it is founded; the
 * command line does it after `orderdesk sync`, the screens when their
 * background sync starts (app/desk/desk.c).
 */
#ifndef OD_SYNC_LOG_KEY_H
#define OD_SYNC_LOG_KEY_H

#include "app/shop/shop.h"
#include "lib/err.h"

/* What sync_name_log_key did. */
enum sync_log_key_done {
	SYNC_LOG_KEY_NOTHING,    /* not the owner, named already, or no
				    checkpoint verified yet */
	SYNC_LOG_KEY_NAMED,      /* signed: sync again to send it */
	SYNC_LOG_KEY_ON_TOKEN    /* due, but the owner's key is on a token,
				    whose PIN a sync does not ask: left to
				    `orderdesk witness name-log-key` */
};

/*
 * Signs and appends the shop.log-key when it is due (sh unlocked with a
 * signing key and released; held here for the one transaction); *done
 * says what it did.
 */
enum od_code sync_name_log_key(struct shop *sh, enum sync_log_key_done *done,
			       struct od_err *err);

#endif
