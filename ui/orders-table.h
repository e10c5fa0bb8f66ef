/*
 * orders-table.h - the columns of the orders list and how they give way:
 * from 80 columns every one shows; narrower, ITEMS goes first, then the
 * time of day, then some of TOTAL's room, then STATUS where the tab says
 * it already, so the customer keeps room down to 60 columns.
 */
#ifndef OD_UI_ORDERS_TABLE_H
#define OD_UI_ORDERS_TABLE_H

#include "ui/view.h"

enum orders_col {
	OC_NUMBER, OC_PLACED, OC_CUSTOMER, OC_ITEMS, OC_TOTAL, OC_STATUS,
	OC_SYNC, OC_COUNT
};

struct orders_table {
	int w[OC_COUNT];          /* width of each column, 0 when dropped */
	int x[OC_COUNT];          /* where each starts */
	int reason;               /* the Held tab: STATUS shows the reason */
};

/*
 * Lays the columns out for cols terminal columns: with_sync adds SYNC;
 * one_status (a tab of one status) lets STATUS go; held gives half the
 * customer's room to the hold's reason, shown where STATUS is.
 */
void orders_table_layout(struct orders_table *t, int cols, int with_sync,
			 int one_status, int held);

/* Draws the headings (heads[i] for each column shown) on row y. */
void orders_table_head(const struct orders_table *t, int y,
		       const char *const heads[OC_COUNT]);

/*
 * Draws one order's row at y: its mark in column 0, status the STATUS
 * cell's text (the reason on the Held tab), sync the SYNC cell's ("yes",
 * "no"), dim when not reached.
 */
void orders_table_row(const struct orders_table *t, int y,
		      const struct desk_row *r, int sel, int marked,
		      const char *status,
		      const char *sync, int sync_dim);

#endif
