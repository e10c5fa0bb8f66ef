/*
 * orders-parcels.c - the list's "2/5 shipped": the confirmed orders that
 * have shipped some of their units, read again only after the list
 * changed (as the Held tab's reasons are), and looked up by number.
 */
#include "ui/view.h"

#include <stdio.h>

#define PARCELS_STATUS_COLS 11   /* orders-table.c's STATUS width */

void parcels_refresh(struct parcels *P)
{
	P->stale = 1;
}

void parcels_drop(struct parcels *P)
{
	desk_partials_free(P->p);
	P->p = NULL;
	P->stale = 1;
}

/*
 * Reads them if the list changed; keeps the old ones on error, which the
 * list's own reads say (a store that cannot be read fails them too), and
 * a changed key locks the desk, which the loop notices.
 */
static void load(struct parcels *P, struct ui *u)
{
	struct desk_partials *p = NULL;
	struct od_err err;

	if (!P->stale || !desk_is_unlocked(u->desk))
		return;
	P->stale = 0;
	if (desk_partials(u->desk, &p, &err) != OD_OK)
		return;
	desk_partials_free(P->p);
	P->p = p;
}

const char *parcels_status(struct parcels *P, struct ui *u,
			   const struct desk_row *r, char *out, size_t size)
{
	const struct desk_partial *p;

	if (r->status != ORDER_CONFIRMED)
		return desk_status_name(r->status);
	load(P, u);
	p = desk_partials_find(P->p, r->number);
	if (p == NULL)
		return desk_status_name(r->status);
	/* The STATUS column is 11 wide: "2/5 shipped", "12/16 ship". */
	if (snprintf(out, size, "%lld/%lld shipped", p->shipped,
		     p->total) > PARCELS_STATUS_COLS &&
	    snprintf(out, size, "%lld/%lld ship", p->shipped,
		     p->total) > PARCELS_STATUS_COLS)
		snprintf(out, size, "partly sent");
	return out;
}
