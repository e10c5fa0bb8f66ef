/*
 * sync-unlock-report.h - a desk's failed unlocks (app/shop/unlock-fails.h)
 * told to its backend at the next sync, as an unlock-failed security event
 * (POST /v1/unlock-failures, app/orderdeskd/backend-unlock-fails.c).
 */
#ifndef OD_SYNC_UNLOCK_REPORT_H
#define OD_SYNC_UNLOCK_REPORT_H

#include "app/shop/shop.h"
#include "app/sync/sync.h"
#include "net/tls-client.h"

/*
 * Reports the store's record, if any, over client and removes it once the
 * backend has kept it; rep->unlock_fails is the count sent.  Never fails the sync: a backend
 * that cannot take it now (unreachable, or older, without the route)
 * leaves the record for the next one.
 */
void sync_unlock_report(struct shop *sh, struct tls_client *client,
			struct sync_report *rep);

#endif
