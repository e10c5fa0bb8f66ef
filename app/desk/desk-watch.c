/*
 * desk-watch.c - noticing that another process changed the store: the
 * log's head (seq and chain hash) against the one the index was read at.
 *
 * Every change to orders is a log entry (an import signs order.placed, a
 * hold order.hold), so the head is enough.  (The store the desk keeps
 * open between operations, shop_keep_store, also notes SQLite's
 * data_version, but only to know when to reread the person's role.)
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"

#include <string.h>

#include "storage/store.h"

enum od_code desk_store_changed(struct desk *d, int *changed,
				struct od_err *err)
{
	enum od_code rc;

	*changed = 0;
	if (!desk_is_unlocked(d))
		return OD_OK;
	rc = desk_hold_now(d, SHOP_READ, err);
	/* An import or a signature under way: look again next time. */
	if (rc == OD_E_BUSY)
		return OD_OK;
	if (rc != OD_OK)
		return rc;
	*changed = !desk_watch_current(d);
	shop_release(desk_shop(d));
	return OD_OK;
}
