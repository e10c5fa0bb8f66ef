/* records.c - freeing the plain records the store hands out. */
#include "storage/records.h"

#include <stdlib.h>

void record_order_free(struct order *o)
{
	size_t i;

	if (o == NULL)
		return;
	free(o->number);
	free(o->placed_at);
	free(o->customer_name);
	free(o->email);
	free(o->phone);
	free(o->ship_name);
	for (i = 0; i < o->nlines; i++)
		free(o->ship_lines[i]);
	free(o->city);
	free(o->postcode);
	for (i = 0; i < o->nitems; i++) {
		free(o->items[i].sku);
		free(o->items[i].name);
	}
	free(o->items);
	free(o->note);
	free(o->reason);
	free(o);
}
