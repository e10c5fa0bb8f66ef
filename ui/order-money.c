/*
 * order-money.c - the order view's money: its charges and total, where its
 * payment stands, each payment and refund (amount, method, reference, who,
 * when), each parcel with its serials and delivery, each return with its
 * RMA, items, inspection (condition, who inspected) and the evidence files
 * its statements name.  Figures come first in fixed columns; free text
 * (reasons, references) last, where a wide character moves nothing after
 * it, and long lines wrap under their start.
 */
#include "ui/order-money.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/format.h"

#define LINE_MAX_BYTES 2048

/* printf into one line of the view. */
static void addf(order_line_fn add, void *ctx, enum ui_attr a, int hang,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void addf(order_line_fn add, void *ctx, enum ui_attr a, int hang,
		 const char *fmt, ...)
{
	char line[LINE_MAX_BYTES];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	add(ctx, a, hang, line);
}

/* One charge line, right-aligned under the items' prices. */
static void charge(order_line_fn add, void *ctx, enum ui_attr a,
		   const char *label, long long v, const char *currency)
{
	char money[48];

	format_money(v, currency, money, sizeof money);
	addf(add, ctx, a, -1, "%-9s %*s", label, 35, money);
}

void order_money_charges(const struct desk_detail *dd, order_line_fn add,
			 void *ctx)
{
	const struct order *o = dd->order;
	const struct desk_money *m = dd->money;
	char paid[48], back[48];

	if (o->shipping || o->tax || o->discount) {
		charge(add, ctx, UI_NORMAL, "Items", m->items, o->currency);
		if (o->shipping)
			charge(add, ctx, UI_NORMAL, "Shipping", o->shipping,
			       o->currency);
		if (o->tax)
			charge(add, ctx, UI_NORMAL, "Tax", o->tax,
			       o->currency);
		if (o->discount)
			charge(add, ctx, UI_NORMAL, "Discount", -o->discount,
			       o->currency);
	}
	format_money(o->total, o->currency, paid, sizeof paid);
	/* Nothing received yet: the state beside the total, a line saved. */
	if (o->paid == 0 && o->refunded == 0) {
		addf(add, ctx, UI_HEAD, -1, "%-9s %*s  %s", "Total", 35, paid,
		     m->state ? m->state : "?");
		return;
	}
	charge(add, ctx, UI_HEAD, "Total", o->total, o->currency);
	format_money(o->paid, o->currency, paid, sizeof paid);
	format_money(o->refunded, o->currency, back, sizeof back);
	addf(add, ctx, UI_NORMAL, 10, "Payment   %s: %s paid, %s refunded",
	     m->state ? m->state : "?", paid, back);
}

/* The evidence entry seq names, each on a line under it. */
static void evidence(const struct desk_money *m, long long seq,
		     order_line_fn add, void *ctx)
{
	size_t i;

	for (i = 0; i < m->nevidence; i++) {
		const struct desk_evidence *e = &m->evidence[i];

		if (e->seq != seq)
			continue;
		/* The name whole on a line of its own, as it is compared. */
		if (e->size < 0)
			addf(add, ctx, UI_DIM, 7, "      evidence (#%lld): not "
			     "here yet, sync first:", e->seq);
		else
			addf(add, ctx, UI_NORMAL, 7, "      evidence (#%lld): "
			     "%lld bytes %s:", e->seq, e->size, e->type);
		addf(add, ctx, UI_NORMAL, 7, "       %s", e->hash);
	}
}

static void payments(const struct desk_detail *dd, order_line_fn add,
		     void *ctx)
{
	const struct desk_money *m = dd->money;
	char money[48];
	size_t i;

	/* None: one line, so that the history stays on the first page. */
	if (m->npays == 0) {
		add(ctx, UI_DIM, 4, "Payments and refunds: none");
		return;
	}
	add(ctx, UI_HEAD, 4, "Payments and refunds");
	for (i = 0; i < m->npays; i++) {
		const struct desk_pay *p = &m->pays[i];

		format_money(p->amount, dd->order->currency, money,
			     sizeof money);
		addf(add, ctx, UI_NORMAL, 6, "  #%-6lld %s %-8s %14s  %s%sby "
		     "%s%s%s%s%s%s%s%s%s", p->seq, p->time,
		     p->refund ? "refunded" : "received", money,
		     p->refund ? "" : p->method, p->refund ? "" : " ", p->actor,
		     p->reference[0] ? " · reference " : "", p->reference,
		     p->rma[0] ? " · return " : "", p->rma,
		     p->reason[0] ? " · " : "", p->reason,
		     p->items[0] ? " · items " : "", p->items);
	}
}

static void parcels(const struct desk_detail *dd, order_line_fn add,
		    void *ctx)
{
	const struct desk_money *m = dd->money;
	size_t i;

	add(ctx, m->nparcels ? UI_HEAD : UI_DIM, 4, m->nparcels ? "Parcels" :
	    "Parcels: none yet");
	for (i = 0; i < m->nparcels; i++) {
		const struct desk_parcel *p = &m->parcels[i];

		addf(add, ctx, UI_NORMAL, 6, "  #%-6lld %s %s: %s", p->seq,
		     p->carrier, p->tracking, p->items);
		if (p->serials[0])
			addf(add, ctx, UI_NORMAL, 15, "      serials %s",
			     p->serials);
		if (p->delivered)
			addf(add, ctx, UI_GOOD, 6, "      delivered %s by %s "
			     "(#%lld)", p->delivered_at, p->delivered_by,
			     p->delivered);
		else
			add(ctx, UI_DIM, 6, "      not delivered yet");
		if (p->delivered)
			evidence(m, p->delivered, add, ctx);
	}
	/* A delivery seen before any parcel (an old order): said apart. */
	if (m->delivered && m->nparcels == 0)
		addf(add, ctx, UI_GOOD, 6, "  delivered %s by %s (#%lld)",
		     m->delivered_at, m->delivered_by, m->delivered);
}

static const char *return_state(int s)
{
	static const char *const names[] = {
		"open", "received", "accepted", "rejected",
	};

	return s >= 0 && s < 4 ? names[s] : "?";
}

static void one_return(const struct desk_money *m, const struct desk_return *r,
		       order_line_fn add, void *ctx)
{
	int wrong = strcmp(r->condition, "wrong-item") == 0;

	addf(add, ctx, UI_NORMAL, 6, "  %s %s · opened by %s (#%lld): %s · "
	     "items %s", r->rma, return_state(r->state), r->opened_by, r->seq,
	     r->reason, r->items);
	if (r->inspected) {
		addf(add, ctx, wrong ? UI_BAD : UI_NORMAL, 6, "      "
		     "inspected by %s (#%lld) %s: %s", r->inspected_by,
		     r->inspected, r->inspected_at, r->condition);
		addf(add, ctx, UI_NORMAL, 6, "      came back %s", r->received);
	}
	/* The note is the inspection's until the close gives its reason. */
	if (r->note[0] && !r->closed)
		addf(add, ctx, wrong ? UI_BAD : UI_NORMAL, 6, "      %s%s",
		     wrong ? "wrong-item: " : "", r->note);
	if (r->inspected)
		evidence(m, r->inspected, add, ctx);
	if (r->closed)
		addf(add, ctx, UI_NORMAL, 6, "      %s by %s (#%lld)%s%s",
		     return_state(r->state), r->closed_by, r->closed,
		     r->note[0] ? ": " : "", r->note);
}

void order_money_layout(const struct desk_detail *dd, order_line_fn add,
			void *ctx)
{
	const struct desk_money *m = dd->money;
	size_t i;

	payments(dd, add, ctx);
	parcels(dd, add, ctx);
	add(ctx, m->nreturns ? UI_HEAD : UI_DIM, 4, m->nreturns ? "Returns" :
	    "Returns: none");
	for (i = 0; i < m->nreturns; i++)
		one_return(m, &m->returns[i], add, ctx);
}
