/*
 * fold-refund-rma.c - a refund tied to a return (payment.refund's rma, as
 * `return close --accept --refund` signs it): the return must be one of
 * the order's, and accepted.  The amount is checked as any refund's
 * (fold-money.c): never more than paid and not yet refunded.
 */
#include "app/log/fold.h"

#include <string.h>

/* What the walk over the order's returns looks for and finds. */
struct rma_find {
	const char *rma;
	int found;
	enum return_state state;
};

static enum od_code find_rma(void *ctx, const struct return_record *r,
			     struct od_err *err)
{
	struct rma_find *f = ctx;

	(void)err;
	if (strcmp(r->rma, f->rma) == 0) {
		f->found = 1;
		f->state = r->state;
	}
	return OD_OK;
}

enum od_code fold_refund_rma(struct store *s, const struct statement *st,
			     struct od_err *err)
{
	struct rma_find f = { statement_get(st, "rma"), 0, RETURN_OPEN };
	enum od_code rc;

	if (st->kind != STMT_PAYMENT_REFUND || f.rma == NULL)
		return OD_OK;
	rc = store_return_each(s, st->order, find_rma, &f, err);
	if (rc != OD_OK)
		return rc;
	if (!f.found)
		return od_err_set(err, OD_E_NOTFOUND, "order %s has no return "
				  "%s", st->order, f.rma);
	if (f.state != RETURN_ACCEPTED)
		return od_err_set(err, OD_E_STATE, "return %s is not "
				  "accepted; a refund for it comes with "
				  "accepting it", f.rma);
	return OD_OK;
}
