/*
 * money.h - an order as money: where its payment stands beside its
 * fulfilment, amounts typed by people, and the money fields of an
 * order.placed statement.  The fold (fold-money.c) checks payments and
 * refunds against these figures.
 */
#ifndef OD_MONEY_H
#define OD_MONEY_H

#include "lib/err.h"
#include "storage/records.h"

/* Where an order's payment stands; derived from the order's figures. */
enum pay_state {
	PAY_UNPAID,
	PAY_AUTHORIZED,        /* arrived authorized, nothing captured yet */
	PAY_COD,               /* cash on delivery, not yet collected */
	PAY_PARTLY_PAID,
	PAY_PAID,
	PAY_PARTLY_REFUNDED,
	PAY_REFUNDED,
	PAY_STATE_COUNT
};

/* The payment state of o: from its total, paid, refunded and arrival. */
enum pay_state money_state(const struct order *o);

/*
 * "unpaid", "authorized", "cash on delivery", "partially paid", "paid",
 * "partially refunded", "refunded"; NULL out of range.
 */
const char *money_state_name(enum pay_state s);

/*
 * Parses an amount as people type it in the currency's major unit
 * ("256.00", "256", "1200" for JPY, "1.250" for KWD) into minor units,
 * 1..10^12.  A sign, more decimals than the currency has, or anything but
 * digits and one point gives OD_E_USAGE saying so.
 */
enum od_code money_parse(const char *text, const char *currency,
			 long long *minor, struct od_err *err);

/*
 * If name is one of order.placed's money fields (shipping, tax, discount,
 * payment), sets it in o from v, puts the result in *rc and returns 1;
 * else returns 0.  For order_from_statement.
 */
int money_placed_field(struct order *o, const char *name, const char *v,
		       enum od_code *rc, struct od_err *err);

/* "authorized", "paid", "cod" or "unpaid" to an arrival; OD_E_INPUT else. */
enum od_code money_arrival_parse(const char *name, enum order_arrival *a,
				 struct od_err *err);

#endif
