/*
 * order-filter.h - the filter language the screens (`:filter`) and
 * `orderdesk list --filter` share:
 *
 *     status:held customer:王 placed:<7d total:>100 sku:TEA-* carrier:dhl
 *
 * Terms are separated by spaces and all must hold (AND); a value with
 * spaces is quoted ("customer:\"José García\"").  Fields:
 *
 *   status:NAME      new, confirmed, held, shipped, delivered, cancelled
 *   customer:TEXT    the customer's name contains TEXT (folded as search
 *                    folds: case and diacritics ignored, lib/text-fold.h)
 *   placed:<7d       placed within the last 7 days (h: hours);
 *   placed:>12h      placed more than 12 hours ago;
 *   placed:=1d       placed between 1 and 2 days ago;
 *   placed:2026-11-20  on that day (UTC); <DATE before it, >DATE after it
 *   total:>100       the total, in the order's own currency and its
 *                    decimals (100 EUR is 10000 cents, 100 JPY is 100 yen);
 *                    <, >, =, <=, >=, at most 3 decimals
 *   sku:TEA-*        an item's SKU matches the glob (* ? [...]), folded
 *   carrier:dhl      a parcel's carrier contains TEXT, folded
 *   paid:unpaid      where the payment stands: unpaid, authorized, cod,
 *                    partly, paid, partly-refunded, refunded; no: money
 *                    still to come (unpaid, authorized or partly, as the
 *                    Unpaid tab); several with commas (paid:unpaid,cod)
 *   delivered:yes    the carrier delivered it; no: shipped, not yet
 *                    delivered (as the To deliver tab)
 *   return:open      a return open or received, not closed; closed: had
 *                    returns, all closed; none: never a return; commas
 *
 * A malformed term gives OD_E_USAGE with one line naming the term and what
 * is expected.  Parsing is pure (the clock is a parameter) and matching
 * needs only what struct filter_order carries, so the parser and matcher
 * are tested without a store; app/desk/desk-pick.c fills a filter_order
 * from the store for the CLI and the screens alike.
 */
#ifndef OD_ORDER_FILTER_H
#define OD_ORDER_FILTER_H

#include <stddef.h>
#include <time.h>

#include "lib/err.h"

#define ORDER_FILTER_MAX 512        /* bytes of filter text */
#define ORDER_FILTER_TERMS 16

struct order_filter;

/* What a filter looks at in one order (borrowed strings). */
struct filter_order {
	const char *number;
	const char *placed;            /* YYYY-MM-DDTHH:MM:SSZ */
	const char *customer;
	const char *currency;          /* ISO 4217 */
	long long total;               /* minor units */
	int status;                    /* enum order_status */
	const char *const *skus;       /* only if order_filter_wants_items */
	size_t nskus;
	const char *const *carriers;   /* only if ..._wants_parcels */
	size_t ncarriers;
	int pay;                       /* enum pay_state (app/log/money.h) */
	unsigned returns;              /* what its returns may be:
					  FILTER_RETURN_* bits; 0 not known */
};

#define FILTER_RETURN_NONE   1u     /* never a return */
#define FILTER_RETURN_OPEN   2u     /* one open or received, not closed */
#define FILTER_RETURN_CLOSED 4u     /* returns, every one closed */
#define FILTER_RETURN_ANY    7u

/*
 * Parses text (UTF-8) as of now (for placed:<7d).  Empty text, or only
 * spaces, is a filter that keeps everything.  *out is the caller's
 * (order_filter_free).
 */
enum od_code order_filter_parse(const char *text, time_t now,
				struct order_filter **out, struct od_err *err);
void order_filter_free(struct order_filter *f);

/* Terms in the filter (0: keeps everything). */
size_t order_filter_terms(const struct order_filter *f);

/* Whether matching needs the order's SKUs, or its parcels' carriers. */
int order_filter_wants_items(const struct order_filter *f);
int order_filter_wants_parcels(const struct order_filter *f);

/*
 * Whether a return: term cannot be decided from o->returns alone: the
 * caller then reads the order's returns and says exactly (one bit).
 */
int order_filter_wants_returns(const struct order_filter *f,
			       const struct filter_order *o);

/*
 * Whether o passes every term.  Only the terms that need no SKUs or
 * carriers, nor returns beyond o->returns, when cheap_only (a first pass
 * over an index that lacks them).
 * Out of memory while folding counts as no match.
 */
int order_filter_match(const struct order_filter *f,
		       const struct filter_order *o, int cheap_only);

#endif
