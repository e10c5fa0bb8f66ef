/*
 * import-ship-to.h - an order that needs no shipping (a gift card, a
 * download) has no ship-to at all, whatever the source: the storefronts
 * leave its shipping address empty (or say no line needs shipping), and
 * the billing address never stands in for it.  Not for other modules.
 */
#ifndef OD_IMPORT_SHIP_TO_H
#define OD_IMPORT_SHIP_TO_H

#include "app/log/order.h"
#include "lib/err.h"

/*
 * Whether an address given by its first line, city and country has none
 * of them (NULL counts as empty): the order needs no shipping.  Some of
 * them and not all is half an address, which order_validate refuses.
 */
int import_ship_to_empty(const char *line1, const char *city,
			 const char *country);

/*
 * Leaves o without a ship-to (name, city and postcode "", no lines, no
 * country), freeing what it had: for an order that needs no shipping.
 */
enum od_code import_ship_to_none(struct order *o, struct od_err *err);

#endif
