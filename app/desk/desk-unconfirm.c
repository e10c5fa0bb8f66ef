/*
 * desk-unconfirm.c - the order.unconfirm of an order's latest confirmation
 * (desk-undo.h), which `orderdesk unconfirm`, `:unconfirm` and `z` sign.
 * It calls nothing of the desk's other files, which all call it.
 */
#include "app/desk/desk-undo.h"

#include "app/log/fold-unconfirm.h"
#include "app/shop/shop.h"
#include "storage/store.h"

enum od_code desk_make_unconfirm(struct shop *sh, const char *number,
				 struct statement **out, struct od_err *err)
{
	struct statement *st = NULL;
	struct order_state os;
	struct fold_last c;
	enum od_code rc;

	*out = NULL;
	rc = store_order_state(sh->store, number, &os, err);
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_NOTFOUND, "no order %s in this "
				  "shop", number);
	if (rc == OD_OK)
		rc = fold_unconfirm_last(sh->store, number, STMT_ORDER_CONFIRM,
					 0, &c, err);
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_STATE, "order %s was never "
				  "confirmed; there is no confirmation to take "
				  "back", number);
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_ORDER_UNCONFIRM, number, &st, err);
	if (rc == OD_OK)
		rc = statement_add(st, "undoes", c.id, err);
	if (rc != OD_OK) {
		statement_free(st);
		return rc;
	}
	*out = st;
	return OD_OK;
}
