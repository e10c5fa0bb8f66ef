/*
 * desk-shop.h - what the desk's facade shares with the command line
 * (app/orderdesk/cmd-act.c, cmd-list.c), which holds a shop of its own:
 * reading an order and making the statements both sign.  The screens
 * include desk.h only, which keeps struct shop (and its data key) opaque.
 */
#ifndef OD_DESK_SHOP_H
#define OD_DESK_SHOP_H

#include "app/desk/desk.h"
#include "app/shop/shop.h"

/*
 * desk_detail on a shop the caller holds (sh->store open): the one way
 * `orderdesk show` and the order screen read an order.  *out is the
 * caller's (desk_detail_free).
 */
enum od_code desk_order_read(struct shop *sh, const char *number,
			     struct desk_detail **out, struct od_err *err);

/* Reads order number's units on a shop the caller holds (desk-ship.c). */
enum od_code desk_ship_units(struct shop *sh, const char *number,
			     struct desk_units *u, struct od_err *err);

/*
 * Adds a parcel's "SKU QTY" item fields to st from items as the Items
 * field holds them ("SKU QTY", "SKU:QTY" or "SKU" for one, separated by
 * commas; NULL or "" for every unit left), each checked against the
 * order: an SKU not in it, a quantity under 1 or more than is left gives
 * OD_E_INPUT naming it, before anything is shown to sign.
 */
enum od_code desk_ship_items_text(struct shop *sh, struct statement *st,
				  const char *number, const char *items,
				  struct od_err *err);

/*
 * Makes a statement of kind about number signed as sh's user, with one
 * optional body field (field and value both not NULL).  *out is the
 * caller's (statement_free) on success.
 */
enum od_code desk_make(struct shop *sh, enum stmt_kind kind,
		       const char *number, const char *field,
		       const char *value, struct statement **out,
		       struct od_err *err);

/*
 * Adds the "SKU QTY" item fields of a shipment to st: the nasked ones given
 * as SKU[:QTY] (QTY 1 when left out), or when none is asked every item of
 * the order not yet shipped (nothing left gives OD_E_STATE).
 */
enum od_code desk_ship_items(struct shop *sh, struct statement *st,
			     const char *number, char **asked, size_t nasked,
			     struct od_err *err);

#endif
