/* desk-extra.c - the orders list's extra columns (desk-extra.h). */
#include "app/desk/desk-extra.h"

#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"
#include "app/log/money.h"
#include "lib/secret.h"
#include "storage/store-extra.h"

/* Where desk_extras puts what the store gives. */
struct fill {
	struct desk_extra *x;
	size_t n;
};

/* Copies s to *at and moves *at past its NUL. */
static const char *put(char **at, const char *s)
{
	size_t len = strlen(s) + 1;
	char *p = *at;

	memcpy(p, s, len);
	*at += len;
	return p;
}

/* One order's extras, copied into one block. */
static enum od_code add(void *ctx, const char *number,
			const struct store_order_extra *e, struct od_err *err)
{
	struct fill *f = ctx;
	struct desk_extra *x = &f->x[f->n];
	struct order o;
	size_t len = strlen(number) + strlen(e->email) + strlen(e->phone) +
		     strlen(e->city) + strlen(e->country) +
		     strlen(e->carrier) + strlen(e->tracking) + 7;
	char *at = malloc(len);

	if (at == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	x->number = at;
	(void)put(&at, number);
	x->email = put(&at, e->email);
	x->phone = put(&at, e->phone);
	x->city = put(&at, e->city);
	x->country = put(&at, e->country);
	x->carrier = put(&at, e->carrier);
	x->tracking = put(&at, e->tracking);
	memset(&o, 0, sizeof o);
	o.total = e->total;
	o.paid = e->paid;
	o.refunded = e->refunded;
	o.arrival = e->arrival;
	x->paid = money_state_name(money_state(&o));
	f->n++;
	return OD_OK;
}

enum od_code desk_extras(struct desk *d, const char *const *numbers,
			 size_t n, struct desk_extra **out, size_t *nout,
			 struct od_err *err)
{
	struct fill f = { calloc(n ? n : 1, sizeof *f.x), 0 };
	enum od_code rc;

	*out = NULL;
	*nout = 0;
	if (f.x == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (desk_shop(d) == NULL) {
		free(f.x);
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	}
	/* Asked while drawing: never wait for another command's lock. */
	rc = desk_hold_now(d, SHOP_READ, err);
	if (rc == OD_OK) {
		rc = store_order_extras(desk_shop(d)->store, numbers, n, add,
					&f, err);
		shop_release(desk_shop(d));
	}
	if (rc != OD_OK) {
		desk_extras_free(f.x, f.n);
		return rc;
	}
	*out = f.x;
	*nout = f.n;
	return OD_OK;
}

void desk_extras_free(struct desk_extra *x, size_t n)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (x[i].number != NULL)
			secret_wipe(x[i].number, (size_t)(x[i].tracking -
				    x[i].number) + strlen(x[i].tracking));
		free(x[i].number);
	}
	free(x);
}

long long desk_index_mark(const struct desk *d)
{
	return d->sh != NULL && d->watch.known ? d->watch.seq : -1;
}
