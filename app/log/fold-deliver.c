/*
 * fold-deliver.c - shipment.deliver: the carrier delivered a parcel, or
 * the whole order.  A tracking code names one parcel of the order, not
 * yet delivered, which may be delivered before the rest has shipped; the
 * order counts as delivered once every item has shipped and every parcel
 * is delivered.  Without a tracking code (the form older logs have) the
 * order must have shipped whole, and each parcel left is delivered.
 */
#include "app/log/fold.h"

#include <stdlib.h>
#include <string.h>

#include "app/log/order.h"

/* An order's parcels as the fold needs them: which, and if delivered. */
struct parcels {
	const char *want;          /* the tracking code asked, or NULL */
	long long pick;            /* the first undelivered parcel of want */
	long long done_seq;        /* a delivered parcel of want: its entry */
	long long *open;           /* the undelivered parcels' ship seqs */
	size_t nopen, cap;
};

static enum od_code see_parcel(void *ctx, const struct parcel_record *r,
			       struct od_err *err)
{
	struct parcels *p = ctx;
	long long *grown;
	int mine = p->want != NULL && strcmp(r->tracking, p->want) == 0;

	if (r->delivered_seq != 0) {
		if (mine)
			p->done_seq = r->delivered_seq;
		return OD_OK;
	}
	if (mine && p->pick == 0)
		p->pick = r->ship_seq;
	if (p->nopen == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		grown = realloc(p->open, p->cap * sizeof *p->open);
		if (grown == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		p->open = grown;
	}
	p->open[p->nopen++] = r->ship_seq;
	return OD_OK;
}

/* Refuses the parcel asked when it is not one left to deliver. */
static enum od_code parcel_left(const struct statement *st,
				const struct parcels *p, struct od_err *err)
{
	if (p->pick != 0)
		return OD_OK;
	if (p->done_seq != 0)
		return od_err_set(err, OD_E_STATE, "order %s's parcel %s was "
				  "delivered already (log entry %lld)",
				  st->order, p->want, p->done_seq);
	return od_err_set(err, OD_E_INPUT, "order %s has no parcel with "
			  "tracking %s; see `orderdesk show %s`", st->order,
			  p->want, st->order);
}

enum od_code fold_deliver_apply(struct store *s, const struct statement *st,
				long long seq, struct od_err *err)
{
	struct parcels p = { statement_get(st, "tracking"), 0, 0, NULL, 0, 0 };
	struct order_state os;
	size_t i, left;
	enum od_code rc = store_order_state(s, st->order, &os, err);

	if (rc == OD_OK && p.want == NULL && os.status != ORDER_SHIPPED)
		return od_err_set(err, OD_E_STATE,
				  "order %s is %s; only a shipped order (every "
				  "item shipped) can be delivered whole; "
				  "deliver a parcel with --parcel", st->order,
				  order_status_name(os.status));
	if (rc == OD_OK && os.status == ORDER_CANCELLED)
		return od_err_set(err, OD_E_STATE, "order %s is cancelled; it "
				  "cannot be delivered", st->order);
	if (rc == OD_OK)
		rc = store_parcel_each(s, st->order, see_parcel, &p, err);
	if (rc == OD_OK && p.want != NULL)
		rc = parcel_left(st, &p, err);
	/* One parcel, or (the whole order) each one left. */
	for (i = 0, left = p.nopen; rc == OD_OK && i < p.nopen; i++) {
		if (p.want != NULL && p.open[i] != p.pick)
			continue;
		rc = store_parcel_delivered(s, st->order, p.open[i], seq,
					    st->time, err);
		left--;
	}
	if (rc == OD_OK && os.status == ORDER_SHIPPED && left == 0)
		rc = store_order_set_state(s, st->order, ORDER_DELIVERED,
					   os.held_from, NULL, err);
	free(p.open);
	return rc;
}
