/* pick.c - the sums of a pick list (pick.h). */
#include "app/paper/pick.h"

#include <stdlib.h>
#include <string.h>

#include "app/log/order.h"

/* What one item of one order still needs, as added. */
struct pick_entry {
	char *sku;
	char *name;
	char *number;
	long long qty;
	size_t seq;            /* when it was added: ties keep that order */
};

void pick_init(struct pick_list *pl)
{
	memset(pl, 0, sizeof *pl);
}

void pick_free(struct pick_list *pl)
{
	size_t i;

	for (i = 0; i < pl->nentries; i++) {
		free(pl->entries[i].sku);
		free(pl->entries[i].name);
		free(pl->entries[i].number);
	}
	for (i = 0; i < pl->nlines; i++)
		free(pl->lines[i].needs);
	free(pl->entries);
	free(pl->lines);
	pick_init(pl);
}

/* Appends one entry, copying its strings. */
static enum od_code add_entry(struct pick_list *pl, const struct order *o,
			      const struct order_item *it, long long qty,
			      struct od_err *err)
{
	struct pick_entry *e;

	if (pl->nentries >= PICK_MAX_ENTRIES)
		return od_err_set(err, OD_E_INPUT, "a pick list takes at most "
				  "%d order items; pick fewer orders",
				  PICK_MAX_ENTRIES);
	if (pl->nentries == pl->alloc) {
		size_t n = pl->alloc ? pl->alloc * 2 : 64;
		void *p = realloc(pl->entries, n * sizeof *pl->entries);

		if (p == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		pl->entries = p;
		pl->alloc = n;
	}
	e = &pl->entries[pl->nentries];
	e->sku = strdup(it->sku);
	e->name = strdup(it->name);
	e->number = strdup(o->number);
	e->qty = qty;
	e->seq = pl->nentries;
	if (e->sku == NULL || e->name == NULL || e->number == NULL) {
		free(e->sku);
		free(e->name);
		free(e->number);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	pl->nentries++;
	return OD_OK;
}

enum od_code pick_add(struct pick_list *pl, const struct order *o,
		      size_t *added, struct od_err *err)
{
	enum od_code rc = OD_OK;
	size_t i;

	*added = 0;
	/* An order that needs no shipping has nothing to pick for a parcel. */
	if (!order_has_ship_to(o))
		return OD_OK;
	for (i = 0; rc == OD_OK && i < o->nitems; i++) {
		const struct order_item *it = &o->items[i];
		long long left = it->qty - it->shipped;

		if (left <= 0)
			continue;
		rc = add_entry(pl, o, it, left, err);
		if (rc == OD_OK)
			(*added)++;
	}
	if (*added > 0)
		pl->norders++;
	return rc;
}

/* By SKU, then in the order added. */
static int entry_cmp(const void *a, const void *b)
{
	const struct pick_entry *x = a, *y = b;
	int c = strcmp(x->sku, y->sku);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Adds entry e to line l, one need per order: an order may list a SKU on
 * two items, and as its items were added one after the other, its entries
 * of one SKU sit next to each other once sorted.
 */
static void line_take(struct pick_line *l, const struct pick_entry *e)
{
	struct pick_need *last = l->nneeds ? &l->needs[l->nneeds - 1] : NULL;

	l->qty += e->qty;
	if (last != NULL && strcmp(last->number, e->number) == 0) {
		last->qty += e->qty;
		return;
	}
	l->needs[l->nneeds].number = e->number;
	l->needs[l->nneeds].qty = e->qty;
	l->nneeds++;
}

enum od_code pick_finish(struct pick_list *pl, struct od_err *err)
{
	size_t i, start;

	if (pl->nentries == 0)
		return OD_OK;
	qsort(pl->entries, pl->nentries, sizeof *pl->entries, entry_cmp);
	pl->lines = calloc(pl->nentries, sizeof *pl->lines);
	if (pl->lines == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (start = 0; start < pl->nentries; start = i) {
		struct pick_line *l = &pl->lines[pl->nlines];

		for (i = start; i < pl->nentries &&
		     strcmp(pl->entries[i].sku, pl->entries[start].sku) == 0;
		     i++)
			;
		l->sku = pl->entries[start].sku;
		l->name = pl->entries[start].name;
		l->needs = calloc(i - start, sizeof *l->needs);
		if (l->needs == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		pl->nlines++;
		for (; start < i; start++)
			line_take(l, &pl->entries[start]);
	}
	return OD_OK;
}
