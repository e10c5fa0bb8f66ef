/*
 * fold-noship.c - an order that needs no shipping (a gift card, a
 * download: no ship-to at all) never ships; it is fulfilled by a
 * shipment.deliver once confirmed, with no parcel to name.  Kept apart
 * from fold.c and fold-deliver.c so the rule is read in one place.
 */
#include "app/log/fold.h"

#include "app/log/order.h"

enum od_code fold_ship_needed(const struct order *o, struct od_err *err)
{
	if (order_has_ship_to(o))
		return OD_OK;
	/* Short: the screens show it on one line of 80 columns. */
	return od_err_set(err, OD_E_STATE, "order %s needs no shipping; "
			  "deliver it: `orderdesk deliver %s`", o->number,
			  o->number);
}

/* shipment.deliver of a confirmed order without a ship-to. */
static enum od_code deliver_unshipped(struct store *s,
				      const struct statement *st,
				      const struct order *o,
				      struct od_err *err)
{
	if (o->status == ORDER_HELD)
		return od_err_set(err, OD_E_STATE, "order %s is on hold; "
				  "release it first", o->number);
	if (o->status == ORDER_NEW)
		return od_err_set(err, OD_E_STATE, "order %s is new; confirm "
				  "it before it is delivered", o->number);
	if (o->status != ORDER_CONFIRMED)
		return od_err_set(err, OD_E_STATE, "order %s is %s; it cannot "
				  "be delivered", o->number,
				  order_status_name(o->status));
	if (statement_get(st, "tracking") != NULL)
		return od_err_set(err, OD_E_INPUT, "order %s needs no shipping "
				  "and has no parcels; deliver it without "
				  "--parcel", o->number);
	return store_order_set_state(s, o->number, ORDER_DELIVERED,
				     o->held_from, NULL, err);
}

enum od_code fold_deliver_any(struct store *s, const struct statement *st,
			      long long seq, struct od_err *err)
{
	struct order *o = NULL;
	enum od_code rc = store_order_get(s, st->order, &o, err);

	if (rc == OD_OK && order_has_ship_to(o))
		rc = fold_deliver_apply(s, st, seq, err);
	else if (rc == OD_OK)
		rc = deliver_unshipped(s, st, o, err);
	record_order_free(o);
	return rc;
}
