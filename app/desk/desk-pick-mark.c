/* desk-pick-mark.c - whether orders pass the filter language: one order
 * against the store, and marks over the desk's index rows. */
#include "app/desk/desk-pick.h"

#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"
#include "app/log/money.h"
#include "storage/records.h"

#define PICK_CARRIERS 64        /* parcels of one order looked at */

/* The carriers of an order's parcels, copied out of the store's rows. */
struct carriers {
	char *name[PICK_CARRIERS];
	size_t n;
};

static enum od_code add_carrier(void *ctx, const struct shipment_record *r,
				struct od_err *err)
{
	struct carriers *c = ctx;

	if (c->n == PICK_CARRIERS)
		return OD_OK;
	c->name[c->n] = strdup(r->carrier ? r->carrier : "");
	if (c->name[c->n] == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	c->n++;
	return OD_OK;
}

/* Says what an order's returns are, one at a time, into *known. */
static enum od_code add_return(void *ctx, const struct return_record *r,
			       struct od_err *err)
{
	unsigned *known = ctx;

	(void)err;
	if (r->state == RETURN_OPEN || r->state == RETURN_RECEIVED)
		*known = FILTER_RETURN_OPEN;
	else if (*known != FILTER_RETURN_OPEN)
		*known = FILTER_RETURN_CLOSED;
	return OD_OK;
}

/* o->returns exactly, from the store, when f cannot do without it. */
static enum od_code with_returns(struct store *s,
				 const struct order_filter *f,
				 struct filter_order *o, struct od_err *err)
{
	unsigned known = FILTER_RETURN_NONE;
	enum od_code rc;

	if (!order_filter_wants_returns(f, o))
		return OD_OK;
	rc = store_return_each(s, o->number, add_return, &known, err);
	o->returns = known;
	return rc;
}

/* f's SKU terms against the order's items, read from s. */
static enum od_code with_items(struct store *s, const struct order_filter *f,
			       struct filter_order *o, int *pass,
			       struct od_err *err)
{
	struct order *full = NULL;
	const char **skus;
	enum od_code rc;
	size_t i;

	rc = store_order_get(s, o->number, &full, err);
	if (rc != OD_OK)
		return rc;
	skus = calloc(full->nitems ? full->nitems : 1, sizeof *skus);
	if (skus == NULL) {
		record_order_free(full);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	for (i = 0; i < full->nitems; i++)
		skus[i] = full->items[i].sku;
	o->skus = skus;
	o->nskus = full->nitems;
	*pass = order_filter_match(f, o, 0);
	o->skus = NULL;
	o->nskus = 0;
	free(skus);
	record_order_free(full);
	return OD_OK;
}

enum od_code desk_pick_order(struct store *s, const struct order_filter *f,
			     struct filter_order *o, int *pass,
			     struct od_err *err)
{
	struct carriers c = { { NULL }, 0 };
	enum od_code rc = OD_OK;
	size_t i;

	o->skus = o->carriers = NULL;
	o->nskus = o->ncarriers = 0;
	*pass = order_filter_match(f, o, 1);
	if (!*pass || (!order_filter_wants_items(f) &&
		       !order_filter_wants_parcels(f) &&
		       !order_filter_wants_returns(f, o)))
		return OD_OK;
	rc = with_returns(s, f, o, err);
	if (rc == OD_OK && order_filter_wants_parcels(f)) {
		rc = store_shipment_each(s, o->number, add_carrier, &c, err);
		o->carriers = (const char *const *)c.name;
		o->ncarriers = c.n;
	}
	if (rc == OD_OK && order_filter_wants_items(f))
		rc = with_items(s, f, o, pass, err);
	else if (rc == OD_OK)
		*pass = order_filter_match(f, o, 0);
	for (i = 0; i < c.n; i++)
		free(c.name[i]);
	o->carriers = NULL;
	o->ncarriers = 0;
	return rc;
}

enum od_code desk_pick_record(struct store *s, const struct order_filter *f,
			      const struct order *o, int *pass,
			      struct od_err *err)
{
	struct filter_order fo = { o->number, o->placed_at, o->customer_name,
		o->currency, o->total, (int)o->status, NULL, 0, NULL, 0,
		(int)money_state(o), 0 };

	*pass = 1;
	return f ? desk_pick_order(s, f, &fo, pass, err) : OD_OK;
}

int desk_pick_keeps(const struct desk_pick_state *p, size_t i)
{
	return p->keep == NULL || (i < p->nkeep && p->keep[i]);
}

void desk_pick_drop(struct desk_pick_state *p)
{
	free(p->keep);
	p->keep = NULL;
	p->nkeep = 0;
}

/* Marks each of the n rows f keeps in keep (s held). */
static enum od_code mark_rows(struct store *s, const struct order_filter *f,
			      const struct desk_row *rows, size_t n,
			      uint8_t *keep, struct od_err *err)
{
	struct filter_order o;
	enum od_code rc = OD_OK;
	size_t i;
	int pass;

	for (i = 0; i < n && rc == OD_OK; i++) {
		memset(&o, 0, sizeof o);
		o.number = rows[i].number;
		o.placed = rows[i].placed;
		o.customer = rows[i].customer;
		o.currency = rows[i].currency;
		o.total = rows[i].total;
		o.status = rows[i].status;
		o.pay = rows[i].pay;
		/* The index knows open returns; closed or none needs a read. */
		o.returns = rows[i].facts & DESK_FACT_RETURN ?
			    FILTER_RETURN_OPEN :
			    FILTER_RETURN_NONE | FILTER_RETURN_CLOSED;
		rc = desk_pick_order(s, f, &o, &pass, err);
		keep[i] = (uint8_t)pass;
	}
	return rc;
}

enum od_code desk_pick_mark(const char *text, const struct desk_row *rows,
			    size_t n, struct store *s, uint8_t **out,
			    size_t *nout, struct od_err *err)
{
	struct order_filter *f = NULL;
	uint8_t *keep;
	enum od_code rc;

	*out = NULL;
	*nout = 0;
	rc = order_filter_parse(text, time(NULL), &f, err);
	if (rc != OD_OK || order_filter_terms(f) == 0) {
		order_filter_free(f);
		return rc;
	}
	keep = malloc(n ? n : 1);
	if (keep == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	else
		rc = mark_rows(s, f, rows, n, keep, err);
	order_filter_free(f);
	if (rc != OD_OK) {
		free(keep);
		return rc;
	}
	*out = keep;
	*nout = n;
	return OD_OK;
}

enum od_code desk_pick_rerun(struct desk_pick_state *p,
			     const struct desk_row *rows, size_t n,
			     struct store *s, struct od_err *err)
{
	desk_pick_drop(p);
	if (p->text[0] == '\0')
		return OD_OK;
	return desk_pick_mark(p->text, rows, n, s, &p->keep, &p->nkeep, err);
}
