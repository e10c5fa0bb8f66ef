/*
 * desk-paper.c - reading the orders `slip`, `picklist` and the screens'
 * slips print, and writing their PDF (desk-paper.h).  Messages name an order by its number
 * only: never its customer, address or items.
 */
#include "app/desk/desk-paper.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/log/order.h"
#include "lib/file.h"

void paper_orders_free(struct paper_orders *po)
{
	size_t i;

	for (i = 0; i < po->n; i++)
		order_free(po->v[i]);
	free(po->v);
	free(po->shop);
	memset(po, 0, sizeof *po);
}

/* Whether an order still has an item to ship. */
static int has_left(const struct order *o)
{
	size_t i;

	for (i = 0; i < o->nitems; i++)
		if (o->items[i].qty > o->items[i].shipped)
			return 1;
	return 0;
}

/* Makes room for n orders and reads the shop's name. */
static enum od_code orders_begin(struct shop *sh, size_t n,
				 struct paper_orders *po, struct od_err *err)
{
	memset(po, 0, sizeof *po);
	if (n > PAPER_MAX_ORDERS)
		return od_err_set(err, OD_E_USAGE, "%zu orders; print at most "
				  "%d at once", n, PAPER_MAX_ORDERS);
	po->v = calloc(n ? n : 1, sizeof *po->v);
	if (po->v == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return store_meta_get(sh->store, "shop", &po->shop, err);
}

/* Reads one order to print; refuses one that has nothing to pack. */
static enum od_code order_read(struct shop *sh, const char *number,
			       struct order **out, struct od_err *err)
{
	enum od_code rc = order_number_check(number, err);

	if (rc == OD_OK)
		rc = store_order_get(sh->store, number, out, err);
	if (rc != OD_OK)
		return rc;
	if ((*out)->status == ORDER_CANCELLED)
		return od_err_set(err, OD_E_STATE, "order %s is cancelled; "
				  "there is nothing to pack", number);
	if (!has_left(*out))
		return od_err_set(err, OD_E_STATE, "order %s has nothing left "
				  "to ship", number);
	return OD_OK;
}

enum od_code paper_orders_named(struct shop *sh, char *const *numbers,
				size_t n, struct paper_orders *po,
				struct od_err *err)
{
	enum od_code rc = orders_begin(sh, n, po, err);
	size_t i, j;

	for (i = 0; rc == OD_OK && i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(numbers[i], numbers[j]) == 0)
				return od_err_set(err, OD_E_USAGE, "order %s "
						  "is named twice; name each "
						  "once", numbers[i]);
		rc = order_read(sh, numbers[i], &po->v[i], err);
		if (po->v[i] != NULL)
			po->n = i + 1;
	}
	return rc;
}

/* The numbers of the orders a status names, as the store lists them. */
struct numbers {
	char **v;
	size_t n, alloc;
};

static enum od_code keep_number(void *ctx, const struct order *o,
				struct od_err *err)
{
	struct numbers *nb = ctx;

	if (nb->n == PAPER_MAX_ORDERS)
		return od_err_set(err, OD_E_USAGE, "more than %d orders have "
				  "this status; name the orders to print",
				  PAPER_MAX_ORDERS);
	if (nb->n == nb->alloc) {
		size_t a = nb->alloc ? nb->alloc * 2 : 32;
		void *p = realloc(nb->v, a * sizeof *nb->v);

		if (p == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		nb->v = p;
		nb->alloc = a;
	}
	nb->v[nb->n] = strdup(o->number);
	if (nb->v[nb->n] == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	nb->n++;
	return OD_OK;
}

enum od_code paper_orders_status(struct shop *sh, enum order_status status,
				 struct paper_orders *po, struct od_err *err)
{
	struct store_filter f = { (int)status, NULL };
	struct numbers nb = { NULL, 0, 0 };
	struct order *o;
	enum od_code rc;
	size_t i;

	memset(po, 0, sizeof *po);
	/* Numbers first: each order is read whole after the listing ends. */
	rc = store_order_each(sh->store, &f, keep_number, &nb, err);
	if (rc == OD_OK)
		rc = orders_begin(sh, nb.n, po, err);
	for (i = 0; rc == OD_OK && i < nb.n; i++) {
		o = NULL;
		rc = store_order_get(sh->store, nb.v[i], &o, err);
		if (rc == OD_OK && has_left(o))
			po->v[po->n++] = o;
		else
			order_free(o);
	}
	for (i = 0; i < nb.n; i++)
		free(nb.v[i]);
	free(nb.v);
	return rc;
}

/* The refusal of a file already there. */
static enum od_code exists(const char *path, struct od_err *err)
{
	return od_err_set(err, OD_E_EXISTS, "%s exists; give --force to "
			  "replace it", path);
}

enum od_code paper_check_out(const char *path, int force, struct od_err *err)
{
	struct stat st;

	if (!force && lstat(path, &st) == 0)
		return exists(path, err);
	return OD_OK;
}

enum od_code paper_save(const char *path, const struct buf *pdf, int force,
			struct od_err *err)
{
	enum od_code rc;

	if (force)
		return file_write_atomic(path, pdf->data, pdf->len, err);
	rc = file_write_new(path, pdf->data, pdf->len, err);
	return rc == OD_E_EXISTS ? exists(path, err) : rc;
}
