/*
 * fold-deliver.c - shipment.deliver: the carrier delivered a shipped order.
 * Per-parcel delivery of an order still partly to ship is not kept yet:
 * the whole order must have shipped, and a parcel named must be its own.
 */
#include "app/log/fold.h"

#include <string.h>

#include "app/log/order.h"

/* Finds the parcel with the tracking code in ctx[0]; sets ctx[1]. */
static enum od_code parcel_is(void *ctx, const struct shipment_record *r,
			      struct od_err *err)
{
	const char **want = ctx;

	(void)err;
	if (r->tracking != NULL && strcmp(r->tracking, want[0]) == 0)
		want[1] = "found";
	return OD_OK;
}

enum od_code fold_deliver_apply(struct store *s, const struct statement *st,
				struct od_err *err)
{
	const char *look[2] = { statement_get(st, "tracking"), NULL };
	struct order_state os;
	enum od_code rc = store_order_state(s, st->order, &os, err);

	if (rc != OD_OK)
		return rc;
	if (os.status != ORDER_SHIPPED)
		return od_err_set(err, OD_E_STATE,
				  "order %s is %s; only a shipped order (every "
				  "item shipped) can be delivered", st->order,
				  order_status_name(os.status));
	if (look[0] != NULL) {
		rc = store_shipment_each(s, st->order, parcel_is, look, err);
		if (rc != OD_OK)
			return rc;
		if (look[1] == NULL)
			return od_err_set(err, OD_E_INPUT,
					  "order %s has no parcel with tracking "
					  "%s; see `orderdesk show %s`",
					  st->order, look[0], st->order);
	}
	return store_order_set_state(s, st->order, ORDER_DELIVERED,
				     os.held_from, NULL, err);
}
