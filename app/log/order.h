/*
 * order.h - an order as the shop knows it: what was bought, by whom, shipped
 * where, and where it stands.  The same struct carries an order parsed from an
 * import file, one rebuilt from an order.placed statement, and one read back
 * from the store.
 */
#ifndef OD_ORDER_H
#define OD_ORDER_H

#include <stddef.h>

#include "lib/err.h"
#include "app/log/statement.h"
#include "storage/records.h"

#define ORDER_MAX_ITEMS   500
#define ORDER_MAX_QTY     100000
#define ORDER_MAX_AMOUNT  1000000000000LL   /* minor units */
#define ORDER_SKU_MAX     64
#define ORDER_TEXT_MAX    512        /* names, addresses, notes, bytes */
#define ORDER_NUMBER_MAX  STMT_ORDER_MAX  /* bytes of [A-Za-z0-9._-] */

/* Frees everything the order owns and the order itself; NULL is a no-op. */
void order_free(struct order *o);

/*
 * Status names as shown and as accepted by --status: "new", "confirmed",
 * "held", "shipped", "cancelled", "delivered".  order_status_name gives NULL for a value
 * out of range; order_status_parse gives OD_E_USAGE for an unknown name.
 */
const char *order_status_name(enum order_status s);
enum od_code order_status_parse(const char *name, enum order_status *s,
				struct od_err *err);

/*
 * Checks an order number on its own (1..ORDER_NUMBER_MAX of [A-Za-z0-9._-]),
 * e.g. one typed on the command line.  The message does not quote it.
 */
enum od_code order_number_check(const char *number, struct od_err *err);

/*
 * Checks every field of an order as it arrives from outside: UTF-8 text
 * without control characters, lengths, formats (number, time, currency,
 * country, SKU), 1..ORDER_MAX_ITEMS items, quantities 1..ORDER_MAX_QTY,
 * non-negative prices, no duplicate SKU, and a total equal to the sum of the
 * items.  The ship-to is all or none: a name, 1..4 address lines, a city
 * and a country (the postcode optional), or none of them at all for an
 * order that needs no shipping; half a ship-to is refused naming the part
 * missing.  Text must not start or end with a space (the importer trims).
 * The message names the order number and the field, and quotes nothing but
 * the number and SKUs (whose characters are checked first), e.g.
 * "order 1042: item 2 (TEA-001): quantity must be between 1 and 100000".
 */
enum od_code order_validate(const struct order *o, struct od_err *err);

/*
 * Whether o has a ship-to (any part of one; a validated order has all or
 * none).  An order without one needs no shipping: a gift card, a download.
 */
int order_has_ship_to(const struct order *o);

/*
 * The ship-to part of order_validate, on its own (for an amended order):
 * all or none, each part well formed.
 */
enum od_code order_ship_to_check(const struct order *o, struct od_err *err);

/*
 * Adds the order.placed body fields for o to st, in canonical order:
 * placed, currency, customer, email, phone, ship-name, ship-line (1..4),
 * ship-city, ship-postcode, ship-country, item ("SKU QTY UNIT_PRICE NAME",
 * repeated), total, note.  Empty optional values are left out, and so is
 * every ship- field of an order that needs no shipping.
 */
enum od_code order_to_statement(const struct order *o, struct statement *st,
				struct od_err *err);

/*
 * Rebuilds an order from an order.placed statement and validates it.
 * On success *out is the caller's, in status ORDER_NEW.
 */
enum od_code order_from_statement(const struct statement *st,
				  struct order **out, struct od_err *err);

#endif
