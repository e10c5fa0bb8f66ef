/*
 * desk-pick.h - the filter language (app/desk/order-filter.h) on a desk's
 * list and on the store: one way to decide whether an order passes, for
 * the screens (`:filter`) and `orderdesk list --filter` alike.
 */
#ifndef OD_DESK_PICK_H
#define OD_DESK_PICK_H

#include "app/desk/desk.h"
#include "app/desk/order-filter.h"
#include "storage/store.h"

/*
 * Whether the order in *o passes f, reading its SKUs and parcels' carriers
 * from s (which is held) only when f asks for them and the other terms
 * pass.  o's skus and carriers are filled here, not by the caller.
 */
enum od_code desk_pick_order(struct store *s, const struct order_filter *f,
			     struct filter_order *o, int *pass,
			     struct od_err *err);

/*
 * desk_pick_order on an order read whole from the store: whether f keeps
 * o (*pass 1 when f is NULL), for `orderdesk list` and the paper commands.
 */
enum od_code desk_pick_record(struct store *s, const struct order_filter *f,
			      const struct order *o, int *pass,
			      struct od_err *err);

/*
 * Shows only the orders text keeps (the filter language; "" or NULL shows
 * all), together with the status tab and the search.  A malformed text
 * gives OD_E_USAGE (one line naming the term) and keeps the list as it
 * was.  The choice holds across reloads and locks until changed.
 */
enum od_code desk_pick(struct desk *d, const char *text, struct od_err *err);

/* The filter text the list shows ("" for none). */
const char *desk_pick_text(struct desk *d);

#endif
