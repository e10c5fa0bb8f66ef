/*
 * fold-storefront.c - what a storefront may change besides placing
 * orders: a storefront's webhooks and exports say an order was paid,
 * refunded, cancelled or edited there (app/orderdeskd/webhook.c), and the backend signs that with the
 * storefront's key; an order another storefront or a person placed is not
 * the storefront's to change.
 */
#include "app/log/fold.h"

#include <stdio.h>
#include <string.h>

#include "app/log/statement.h"

/* The actor of the order's first entry (its order.placed). */
struct placer {
	char actor[STMT_NAME_MAX + 1];
	int seen;
};

static enum od_code first_actor(void *ctx, const struct log_record *r,
				struct od_err *err)
{
	struct placer *p = ctx;
	struct statement *st = NULL;
	enum od_code rc;

	if (p->seen)
		return OD_OK;
	rc = statement_parse(r->statement, r->statement_len, &st, err);
	if (rc == OD_OK)
		snprintf(p->actor, sizeof p->actor, "%s", st->actor);
	p->seen = 1;
	statement_free(st);
	return rc;
}

enum od_code fold_storefront_own(struct store *s, const struct statement *st,
				 struct od_err *err)
{
	struct placer p = { "", 0 };
	enum od_code rc;

	if (st->kind == STMT_ORDER_PLACED)
		return OD_OK;
	rc = store_log_each(s, st->order, first_actor, &p, err);
	if (rc != OD_OK)
		return rc;
	if (p.seen && strcmp(p.actor, st->actor) != 0)
		return od_err_set(err, OD_E_DENIED, "order %s was not placed "
				  "by storefront %s; only the storefront that "
				  "placed an order may mark it paid, "
				  "refunded or cancelled, or amend it",
				  st->order,
				  st->actor);
	return OD_OK;
}
