/*
 * orders-cmd.c - `:` on the orders list: open an order (:1042), filter
 * the list with the filter language (:filter EXPR, shown in the count
 * line; Esc clears it), or sign a command-line verb (:hold 1045 why).
 */
#include "ui/orders-view.h"

#include <stdio.h>

#include "app/desk/desk-pick.h"
#include "ui/cmdline-run.h"

/* :filter EXPR: the list shows what EXPR keeps ("" shows all). */
static enum ui_next set_filter(struct orders_st *O, struct ui *u,
			       const char *expr)
{
	struct od_err err;
	int capped;

	orders_note_selection(O, u);
	/* The filter language runs over the index in memory. */
	if (desk_index_need(u->desk, &err) != OD_OK ||
	    desk_pick(u->desk, expr, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return UI_DRAW;
	}
	(void)orders_apply(O, u);
	/* The filter picks by status too: if the tab shows none of what it
	 * keeps, the All tab shows them all. */
	if (orders_total(O, u, &capped) == 0 &&
	    desk_count_status(u->desk, -1) > 0 && O->tab != ORDERS_TAB_ALL) {
		O->tab = ORDERS_TAB_ALL;
		(void)orders_apply(O, u);
	}
	if (!u->msg_bad || !u->msg[0])
		ui_message(u, 0, expr[0] ? "Filter: %s (Esc clears it)." :
			   "%sFilter cleared.", expr);
	return UI_DRAW;
}

enum ui_next orders_command(struct orders_st *O, struct ui *u, int key,
			    int kind)
{
	char line[CMDLINE_MAX + 1], why[UI_MSG_MAX];
	struct cmdline c;

	if (!cmdline_read(u, line, sizeof line))
		return UI_DRAW;
	if (orders_views_command(O, u, line))
		return UI_DRAW;
	if (cmdline_parse(line, &c, why, sizeof why) != 0) {
		ui_message(u, 1, "%s", why);
		return UI_DRAW;
	}
	if (c.verb == CMDLINE_FILTER)
		return set_filter(O, u, c.text);
	if (c.verb == CMDLINE_OPEN) {
		orders_note_selection(O, u);
		view_order_open(u, c.number);
		return UI_DRAW;
	}
	orders_note_selection(O, u);
	if (cmdline_act(u, &c, line))
		orders_sync_refresh(O, u);
	(void)orders_refilter(O, u, &(struct od_err){ 0 });
	return UI_DRAW;
}

enum ui_next orders_filter_clear(struct orders_st *O, struct ui *u)
{
	if (desk_pick_text(u->desk)[0] == '\0')
		return UI_STAY;
	return set_filter(O, u, "");
}
