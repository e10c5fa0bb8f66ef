/*
 * orders-table.h - the columns of the orders list and how they give way:
 * from 80 columns every one shows; narrower, the chosen extra columns go
 * first (the last chosen first), then ITEMS, then the time of day, then
 * some of TOTAL's room, then STATUS where the tab says it already, so the
 * customer keeps room down to 60 columns.
 *
 * Which columns show is each person's (orders-columns.c: `=` chooses,
 * kept in the store); what the extra ones show is read for the rows on
 * screen once, and again only after the list changed (desk-extra.h).
 */
#ifndef OD_UI_ORDERS_TABLE_H
#define OD_UI_ORDERS_TABLE_H

#include "ui/view.h"

enum orders_col {
	OC_NUMBER, OC_PLACED, OC_CUSTOMER, OC_ITEMS, OC_TOTAL, OC_STATUS,
	OC_SYNC,
	/* The extra columns, shown when chosen. */
	OC_CARRIER, OC_TRACKING, OC_CITY, OC_COUNTRY, OC_EMAIL, OC_PHONE,
	OC_PAID,
	OC_COUNT
};

/* Columns a person may show or hide: bit (1 << col) each. */
#define OC_CHOOSABLE ((1u << OC_PLACED) | (1u << OC_ITEMS) | \
		      (1u << OC_TOTAL) | (1u << OC_STATUS) | \
		      (1u << OC_CARRIER) | (1u << OC_TRACKING) | \
		      (1u << OC_CITY) | (1u << OC_COUNTRY) | \
		      (1u << OC_EMAIL) | (1u << OC_PHONE) | (1u << OC_PAID))
#define OC_DEFAULT ((1u << OC_PLACED) | (1u << OC_ITEMS) | \
		    (1u << OC_TOTAL) | (1u << OC_STATUS))

struct desk_extra;

/* The person's chosen columns and the extras of the rows lately shown
 * (in the orders view's state). */
struct orders_cols {
	unsigned shown;           /* OC_CHOOSABLE bits chosen */
	char user[STMT_NAME_MAX + 1];  /* whose they are; "" not read yet */
	struct desk_extra *x;     /* extras read, by number */
	size_t nx;
	long long mark;           /* desk_index_mark they were read at */
};

struct orders_table {
	int w[OC_COUNT];          /* width of each column, 0 when dropped */
	int x[OC_COUNT];          /* where each starts */
	int reason;               /* the Held tab: STATUS shows the reason */
	int dropped;              /* chosen columns the window has no room for */
	/* Set before orders_table_layout: the chosen columns and extras
	 * (NULL: the default columns). */
	const struct orders_cols *cols;
};

/*
 * Lays the columns out for cols terminal columns: with_sync adds SYNC;
 * one_status (a tab of one status) lets STATUS go; held gives half the
 * customer's room to the hold's reason, shown where STATUS is.
 */
void orders_table_layout(struct orders_table *t, int cols, int with_sync,
			 int one_status, int held);

/* Draws the headings (heads[i] for each of the columns before the extra
 * ones, which name themselves) on row y. */
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

/* The extras read of order number, or NULL. */
const struct desk_extra *orders_cols_find(const struct orders_cols *C,
					  const char *number);

/* ---- orders-columns.c ---- */

struct orders_st;

/*
 * The signed-in person's columns, read from the store the first time after
 * an unlock (the defaults if they chose none or it cannot be read); C for
 * orders_table.cols.
 */
const struct orders_cols *orders_cols_ready(struct orders_cols *C,
					    struct ui *u);

/*
 * Before drawing the window's first rows rows (orders_window): reads the
 * extras of those not read since the list last changed, in one store
 * operation; nothing when no extra column is chosen.
 */
void orders_cols_fetch(struct orders_cols *C, struct orders_st *O,
		       struct ui *u, size_t rows);

/* Forgets the extras (wiped) and whose columns they are (on lock). */
void orders_cols_drop(struct orders_cols *C);

/* `=`: the column chooser over the list; the choice is kept in the store. */
enum ui_next orders_cols_choose(struct orders_st *O, struct ui *u, int key,
				int kind);

#endif
