/*
 * import-amend.h - a storefront's edit of an order it placed (items,
 * quantities, ship-to) as an order.amend, for import-update.c's one
 * decision (`orderdesk import`, `orderdeskd import`, the webhooks).
 */
#ifndef OD_IMPORT_AMEND_H
#define OD_IMPORT_AMEND_H

#include "app/import/import-update.h"

/*
 * Decides whether o, from storefront src, changes have (the shop's order
 * of its number in s): if its items, quantities or ship-to differ, adds
 * STMT_ORDER_AMEND to p's steps and keeps s in p for import_amend_fill.
 * What an amendment cannot say (another time, currency, charge or price,
 * a SKU on two lines, a ship-to part emptied) gives OD_E_INPUT naming it;
 * a change to an order shipped (even partly) or cancelled, OD_E_STATE.
 */
enum od_code import_amend_decide(struct store *s, const struct order *have,
				 const struct order *o, const char *src,
				 struct import_plan *p, struct od_err *err);

/*
 * Fills the order.amend st that brings the shop's order of o's number in
 * s to o: each changed part's old and new value, items changed, taken
 * out (0) or added, and the total before and after.
 */
enum od_code import_amend_fill(struct store *s, const struct order *o,
			       struct statement *st, struct od_err *err);

#endif
