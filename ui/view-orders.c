/*
 * view-orders.c - the home screen: the orders in a table, with a tab per
 * status and incremental search (orders-list.c, orders-draw.c,
 * orders-keys.c).  Here: its table, its state's life, and keeping its
 * place across a lock and a sync.
 */
#include "ui/orders-view.h"

#include <stdlib.h>

#include "ui/orders-holds.h"

static const struct ui_view view_orders;

void view_orders_refresh(struct ui *u, int reload)
{
	struct orders_st *O = ui_state(u, &view_orders);
	struct od_err err;

	if (O == NULL || !desk_is_unlocked(u->desk))
		return;
	if (reload) {
		orders_note_selection(O, u);
		if (desk_reload(u->desk, &err) != OD_OK) {
			/* A changed key locks the desk instead (ui.c). */
			if (desk_is_unlocked(u->desk))
				ui_message(u, 1, "%s", err.msg);
			return;
		}
		(void)orders_apply(O, u);
	}
	orders_sync_refresh(O, u);
}

/* Forgets nothing but the position: the desk drops the rows. */
static void orders_lock(struct ui *u, void *st)
{
	struct orders_st *O = st;

	orders_note_selection(O, u);
	O->searching = 0;
	/* Marks are for this session of work, not past a lock. */
	marks_clear(&O->marks);
	desk_sync_free(O->sync);
	O->sync = NULL;
	holds_drop(&O->holds);
	parcels_drop(&O->parcels);
	orders_cols_drop(&O->cols);
	orders_page_close(O);
}

/* After unlocking: the same tab, search and order as before. */
static enum od_code orders_unlock(struct ui *u, void *st, struct od_err *err)
{
	struct orders_st *O = st;
	enum od_code rc;

	if (!O->tab_chosen)
		O->tab = desk_role(u->desk) == ROLE_STAFF ? 1 : 0;
	orders_page_open(O, u);
	rc = desk_sort(u->desk, orders_sorts[O->sort].key, err);
	if (rc == OD_OK)
		rc = orders_refilter(O, u, err);
	if (rc == OD_OK)
		orders_sync_refresh(O, u);
	return rc;
}

/* The view leaves the stack (the desk ends): what it held, and itself. */
static void orders_free(void *st)
{
	struct orders_st *O = st;

	desk_sync_free(O->sync);
	marks_free(&O->marks);
	holds_drop(&O->holds);
	parcels_drop(&O->parcels);
	orders_cols_drop(&O->cols);
	orders_page_close(O);
	free(O);
}

static const struct ui_view view_orders = {
	"Orders", orders_draw, orders_key, orders_lock, orders_unlock,
	/* Its news come through view_orders_refresh, with the sync column. */
	orders_keys, NULL, orders_free,
};

int view_orders_open(struct ui *u)
{
	struct orders_st *O = calloc(1, sizeof *O);

	if (O == NULL)
		return -1;
	holds_init(&O->holds);
	parcels_drop(&O->parcels);
	return ui_push(u, &view_orders, O);
}
