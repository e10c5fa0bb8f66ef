/*
 * sync-log-key.h - the owner's desk names the log's key by itself: a shop
 * founded before its backend cannot name the backend's key in its genesis
 * (app/log/log-key.h), and an owner who must remember `witness
 * name-log-key` mostly does not.  After a sync, when the log names no key
 * yet and this desk verified a checkpoint with the head key it learned over
 * the pinned connection, the owner's desk signs a shop.log-key naming that
 * key; other people's desks say nothing.
 */
#ifndef OD_SYNC_LOG_KEY_H
#define OD_SYNC_LOG_KEY_H

#include "app/shop/shop.h"
#include "lib/err.h"

/*
 * Signs and appends the shop.log-key (sh unlocked with a signing key and
 * released; held here for the one transaction).  *named gets 1 when it
 * signed one (sync again to send it), 0 when there was nothing to do: not
 * the owner, a key already named, or no checkpoint verified yet.
 */
enum od_code sync_name_log_key(struct shop *sh, int *named,
			       struct od_err *err);

#endif
