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
#include "app/statement.h"

#define ORDER_MAX_ITEMS   500
#define ORDER_MAX_LINES   4          /* address lines */
#define ORDER_MAX_QTY     100000
#define ORDER_MAX_AMOUNT  1000000000000LL   /* minor units */
#define ORDER_SKU_MAX     64
#define ORDER_TEXT_MAX    512        /* names, addresses, notes, bytes */

enum order_status {
	ORDER_NEW,
	ORDER_CONFIRMED,
	ORDER_HELD,
	ORDER_SHIPPED,
	ORDER_CANCELLED,
	ORDER_STATUS_COUNT
};

struct order_item {
	char *sku;
	char *name;
	long long qty;
	long long unit_price;  /* minor units */
	long long shipped;     /* quantity shipped so far */
};

struct order {
	char *number;
	char *placed_at;       /* YYYY-MM-DDTHH:MM:SSZ */
	char currency[4];      /* ISO 4217, upper case */
	char *customer_name;
	char *email;           /* may be "" */
	char *phone;           /* may be "" */
	char *ship_name;
	char *ship_lines[ORDER_MAX_LINES];
	size_t nlines;
	char *city;
	char *postcode;        /* may be "" */
	char country[3];       /* ISO 3166 alpha-2, upper case */
	struct order_item *items;
	size_t nitems;
	long long total;       /* minor units; equals the sum of the items */
	char *note;            /* may be "" */

	/* State, from the fold; zero for an order not yet placed. */
	enum order_status status;
	enum order_status held_from;  /* the status a release returns to */
	char *reason;          /* cancel or hold reason, or NULL */
};

/* Frees everything the order owns and the order itself; NULL is a no-op. */
void order_free(struct order *o);

/* Status names as shown and as accepted by --status: "new", "confirmed", ... */
const char *order_status_name(enum order_status s);
enum od_code order_status_parse(const char *name, enum order_status *s,
				struct od_err *err);

/*
 * Checks every field of an order as it arrives from outside: UTF-8 text
 * without control characters, lengths, formats (number, time, currency,
 * country, SKU), 1..ORDER_MAX_ITEMS items, quantities 1..ORDER_MAX_QTY,
 * non-negative prices, no duplicate SKU, and a total equal to the sum of the
 * items.  The message names the order number and the field.
 */
enum od_code order_validate(const struct order *o, struct od_err *err);

/*
 * Adds the order.placed body fields for o to st, in canonical order:
 * placed, currency, customer, email, phone, ship-name, ship-line (1..4),
 * ship-city, ship-postcode, ship-country, item ("SKU QTY UNIT_PRICE NAME",
 * repeated), total, note.  Empty optional values are left out.
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
