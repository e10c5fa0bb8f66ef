/*
 * fold-money.c - payment.receive and payment.refund: money that came in
 * for an order and money given back, checked against the order's figures
 * wherever the fold runs (the desk, `audit verify`, the backend).  A refund
 * is never more than was paid and not yet refunded, and the refusal says
 * the figures, so the person at the desk knows what is possible.
 */
#include "app/log/fold.h"

#include <stdlib.h>
#include <string.h>

#include "app/log/money.h"
#include "app/log/order.h"
#include "lib/buf.h"
#include "lib/format.h"

/* "256.00" for 25600 EUR: the figure without its currency. */
static void plain(long long minor, const char *currency, char *out,
		  size_t cap)
{
	char *sp;

	format_money(minor, currency, out, cap);
	sp = strrchr(out, ' ');
	if (sp != NULL)
		*sp = '\0';
}

/* payment.receive: never more than the order has left to pay. */
static enum od_code check_receive(const struct order *o, long long amount,
				  struct od_err *err)
{
	char a[48], total[48], paid[48], left[48];

	if (o->status == ORDER_CANCELLED)
		return od_err_set(err, OD_E_STATE,
				  "order %s is cancelled; it cannot take "
				  "payments", o->number);
	if (amount <= o->total - o->paid)
		return OD_OK;
	format_money(amount, o->currency, a, sizeof a);
	plain(o->total, o->currency, total, sizeof total);
	plain(o->paid, o->currency, paid, sizeof paid);
	plain(o->total - o->paid, o->currency, left, sizeof left);
	return od_err_set(err, OD_E_STATE,
			  "payment of %s refused: order %s's total is %s, %s "
			  "paid, %s left to pay", a, o->number, total, paid,
			  left);
}

/* payment.refund: never more than paid and not yet refunded. */
static enum od_code check_refund(const struct order *o, long long amount,
				 struct od_err *err)
{
	char a[48], paid[48], back[48], left[48];

	if (amount <= o->paid - o->refunded)
		return OD_OK;
	format_money(amount, o->currency, a, sizeof a);
	plain(o->paid, o->currency, paid, sizeof paid);
	plain(o->refunded, o->currency, back, sizeof back);
	plain(o->paid - o->refunded, o->currency, left, sizeof left);
	return od_err_set(err, OD_E_STATE,
			  "refund of %s refused: %s paid, %s refunded, %s "
			  "left", a, paid, back, left);
}

/*
 * The quantities refunded before, per item of o (indexed like o->items),
 * from the refunds recorded: their items are "SKU QTY" joined by ", ".
 */
struct refunded_walk {
	const struct order *o;
	long long *qty;
};

static enum od_code count_refunded(void *ctx, const struct payment_record *r,
				   struct od_err *err)
{
	struct refunded_walk *w = ctx;
	const char *p = r->items;
	size_t i, n;
	char *end;

	(void)err;
	while (r->refund && *p != '\0') {
		n = strcspn(p, " ");
		for (i = 0; i < w->o->nitems; i++)
			if (strlen(w->o->items[i].sku) == n &&
			    memcmp(w->o->items[i].sku, p, n) == 0)
				break;
		if (i < w->o->nitems && p[n] == ' ')
			w->qty[i] += strtoll(p + n + 1, &end, 10);
		p += strcspn(p, ",");
		p += strspn(p, ", ");
	}
	return OD_OK;
}

/* Checks one "SKU QTY" of a refund and adds it to what is refunded. */
static enum od_code refund_item(const struct order *o, const char *v,
				long long *qty, struct buf *items,
				struct od_err *err)
{
	const char *sp = strchr(v, ' ');
	size_t i, n = sp != NULL ? (size_t)(sp - v) : 0;
	long long q;

	for (i = 0; i < o->nitems; i++)
		if (strlen(o->items[i].sku) == n &&
		    memcmp(o->items[i].sku, v, n) == 0)
			break;
	if (sp == NULL || i == o->nitems)
		return od_err_set(err, OD_E_INPUT,
				  "order %s has no item %.*s", o->number,
				  (int)n, v);
	q = strtoll(sp + 1, NULL, 10);
	if (q > o->items[i].qty - qty[i])
		return od_err_set(err, OD_E_STATE,
				  "order %s: %lld of %s were ordered and %lld "
				  "already refunded; at most %lld more can "
				  "be", o->number, o->items[i].qty,
				  o->items[i].sku, qty[i],
				  o->items[i].qty - qty[i]);
	/* Counted here too, so the same SKU twice cannot over-refund. */
	qty[i] += q;
	return buf_addf(items, err, "%s%s", items->len ? ", " : "", v);
}

/* The items of a refund, checked against the order and refunds before. */
static enum od_code refund_items(struct store *s, const struct statement *st,
				 const struct order *o, struct buf *items,
				 struct od_err *err)
{
	struct refunded_walk w = { o, NULL };
	enum od_code rc = OD_OK;
	size_t i;

	w.qty = calloc(o->nitems ? o->nitems : 1, sizeof *w.qty);
	if (w.qty == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (statement_get(st, "item") != NULL)
		rc = store_payment_each(s, o->number, count_refunded, &w, err);
	for (i = 0; rc == OD_OK && i < st->nfields; i++)
		if (strcmp(st->fields[i].name, "item") == 0)
			rc = refund_item(o, st->fields[i].value, w.qty, items,
					 err);
	free(w.qty);
	return rc;
}

enum od_code fold_money_apply(struct store *s, const struct statement *st,
			      long long seq, struct od_err *err)
{
	struct payment_record r;
	struct order *o = NULL;
	struct buf items;
	const char *v = statement_get(st, "amount");
	enum od_code rc;

	memset(&r, 0, sizeof r);
	buf_init(&items, 64 * 1024);
	r.refund = st->kind == STMT_PAYMENT_REFUND;
	/* The statement module checked the amount is 1..10^15. */
	r.amount = v != NULL ? strtoll(v, NULL, 10) : 0;
	if (r.amount <= 0) {
		rc = od_err_set(err, OD_E_INPUT, "a payment needs an amount");
		goto out;
	}
	rc = fold_refund_rma(s, st, err);
	if (rc == OD_OK)
		rc = store_order_get(s, st->order, &o, err);
	if (rc == OD_OK)
		rc = r.refund ? check_refund(o, r.amount, err)
			      : check_receive(o, r.amount, err);
	if (rc == OD_OK && r.refund)
		rc = refund_items(s, st, o, &items, err);
	if (rc != OD_OK)
		goto out;
	r.seq = seq;
	r.actor = st->actor;
	r.time = st->time;
	r.method = statement_get(st, "method");
	r.reason = statement_get(st, "reason");
	r.items = items.data;
	r.reference = statement_get(st, "reference");
	rc = store_payment_add(s, st->order, &r, err);
out:
	record_order_free(o);
	buf_free(&items);
	return rc;
}
