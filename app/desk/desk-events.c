/*
 * desk-events.c - the backend's security events summary as the owner's
 * audit screen shows it (desk-audit.h): the one the desk's syncs keep
 * (app/sync/sync-events.h), read from the store, in words.
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"

#include <stdlib.h>

#include "app/sync/sync-events.h"

enum od_code desk_backend_events(struct desk *d, char *banner, size_t size,
				 struct buf *text, struct od_err *err)
{
	struct sync_events *ev;
	enum od_code rc;

	if (size > 0)
		banner[0] = '\0';
	if (!desk_is_unlocked(d))
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (desk_role(d) != ROLE_OWNER)
		return od_err_set(err, OD_E_DENIED, "only the shop's owner sees "
				  "the backend's security events");
	ev = malloc(sizeof *ev);
	if (ev == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = desk_hold(d, SHOP_READ, err);
	if (rc == OD_OK) {
		rc = sync_events_read(desk_shop(d)->store, ev, err);
		shop_release(desk_shop(d));
	}
	if (rc == OD_OK && size > 0)
		sync_events_banner(ev, banner, size);
	if (rc == OD_OK && text != NULL)
		rc = sync_events_text(ev, text, err);
	free(ev);
	return rc;
}
