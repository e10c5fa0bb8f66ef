/*
 * restock.h - what an accepted return puts back on the shelf, as the
 * restock lines of its return.close.
 */
#ifndef OD_RESTOCK_H
#define OD_RESTOCK_H

#include <stddef.h>

#include "app/log/statement.h"
#include "app/shop/shop.h"
#include "lib/err.h"

/*
 * Adds to the return.close st of return rma of order the restock lines:
 * each "SKU:QTY" in items (`--restock-item`), or with all every unit the
 * return's inspection received.  A return not received yet gives
 * OD_E_STATE; a malformed item OD_E_USAGE.  The fold judges the figures.
 */
enum od_code shop_return_restock(struct shop *sh, const char *order,
				 const char *rma, int all, char **items,
				 size_t nitems, struct statement *st,
				 struct od_err *err);

#endif
