/*
 * desk-ship.c - parcels: how much of an order has shipped, for the CLI's
 * "parcel for order 1009 (1 of 5 items)" and the list's "2/5 shipped".
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/order.h"
#include "storage/store-partial.h"
#include "storage/store.h"

enum od_code desk_ship_units(struct shop *sh, const char *number,
			     struct desk_units *u, struct od_err *err)
{
	struct order *o = NULL;
	enum od_code rc = store_order_get(sh->store, number, &o, err);
	size_t i;

	u->shipped = u->total = 0;
	u->customer[0] = '\0';
	u->status = 0;
	if (rc != OD_OK)
		return rc;
	for (i = 0; i < o->nitems; i++) {
		u->shipped += o->items[i].shipped;
		u->total += o->items[i].qty;
	}
	u->status = (int)o->status;
	snprintf(u->customer, sizeof u->customer, "%s", o->customer_name);
	record_order_free(o);
	return OD_OK;
}

static enum od_code add_partial(void *ctx, const char *number,
				long long shipped, long long total,
				struct od_err *err)
{
	struct desk_partials *p = ctx;
	struct desk_partial *bigger;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		bigger = realloc(p->p, p->cap * sizeof *bigger);
		if (bigger == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		p->p = bigger;
	}
	snprintf(p->p[p->n].number, sizeof p->p[p->n].number, "%s", number);
	p->p[p->n].shipped = shipped;
	p->p[p->n].total = total;
	p->n++;
	return OD_OK;
}

enum od_code desk_partials(struct desk *d, struct desk_partials **out,
			   struct od_err *err)
{
	struct desk_partials *p = calloc(1, sizeof *p);
	enum od_code rc;

	*out = NULL;
	if (p == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = desk_hold(d, SHOP_READ, err);
	if (rc == OD_OK) {
		rc = store_partial_each(desk_shop(d)->store, add_partial, p,
					err);
		shop_release(desk_shop(d));
	}
	if (rc != OD_OK) {
		desk_partials_free(p);
		return rc;
	}
	*out = p;
	return OD_OK;
}

const struct desk_partial *desk_partials_find(const struct desk_partials *p,
					      const char *number)
{
	size_t lo = 0, hi = p ? p->n : 0, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(number, p->p[mid].number);
		if (c == 0)
			return &p->p[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void desk_partials_free(struct desk_partials *p)
{
	if (p == NULL)
		return;
	free(p->p);
	free(p);
}

enum od_code desk_order_units(struct desk *d, const char *number,
			      struct desk_units *u, struct od_err *err)
{
	enum od_code rc = desk_hold(d, SHOP_READ, err);

	if (rc != OD_OK)
		return rc;
	rc = desk_ship_units(desk_shop(d), number, u, err);
	shop_release(desk_shop(d));
	return rc;
}

enum od_code desk_tracking_used(struct desk *d, const char *tracking,
				const char *number, char *other, size_t size,
				struct od_err *err)
{
	enum od_code rc = desk_hold(d, SHOP_READ, err);

	other[0] = '\0';
	if (rc != OD_OK)
		return rc;
	rc = store_tracking_order(desk_shop(d)->store, tracking, number, other,
				  size, err);
	shop_release(desk_shop(d));
	return rc;
}

enum od_code desk_ship_remaining(struct desk *d, const char *number,
				 char *out, size_t size, struct od_err *err)
{
	struct order *o = NULL;
	enum od_code rc = desk_hold(d, SHOP_READ, err);
	size_t i, len = 0;
	int n;

	out[0] = '\0';
	if (rc != OD_OK)
		return rc;
	rc = store_order_get(desk_shop(d)->store, number, &o, err);
	shop_release(desk_shop(d));
	for (i = 0; rc == OD_OK && i < o->nitems; i++) {
		if (o->items[i].shipped >= o->items[i].qty)
			continue;
		n = snprintf(out + len, size - len, "%s%s %lld",
			     len ? ", " : "", o->items[i].sku,
			     o->items[i].qty - o->items[i].shipped);
		if (n < 0 || (size_t)n >= size - len) {
			/* Too many to edit in a field: all is what ships. */
			out[0] = '\0';
			break;
		}
		len += (size_t)n;
	}
	record_order_free(o);
	return rc;
}
