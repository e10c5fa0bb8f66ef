/*
 * orders-view.h - the orders view's parts, shared by its files and by
 * nothing else: its state, the list it shows (orders-list.c), drawing
 * (orders-draw.c) and keys (orders-keys.c); view-orders.c ties them into
 * the view.
 */
#ifndef OD_UI_ORDERS_VIEW_H
#define OD_UI_ORDERS_VIEW_H

#include "app/desk/desk-index-need.h"
#include "app/desk/desk-page.h"
#include "app/desk/desk-tabs.h"
#include "ui/line-edit.h"
#include "ui/orders-holds.h"
#include "ui/orders-table.h"
#include "ui/view.h"

/* The built-in tabs (orders-tabs.c), then the person's saved views. */
#define ORDERS_NBUILTIN 9
#define ORDERS_TAB_HELD 2
#define ORDERS_TAB_ALL  5
#define ORDERS_TABS_MAX (ORDERS_NBUILTIN + DESK_VIEWS_MAX)

/*
 * The list as the store pages it (orders-page.c; issue 11): the window of
 * rows the screen shows, read once a draw with the tab bar's counts.  ok:
 * counts hold what the store said at the last draw.
 */
struct orders_page {
	struct desk_page *p;          /* NULL while locked */
	size_t counts[ORDER_STATUS_COUNT + 1];  /* per status, then all */
	size_t returns;               /* orders with a return open */
	size_t before;                /* rows before the selection */
	int fit;                      /* a new list: show its top if the
					 selection is in it */
	int reselect;                 /* the selection is still to find
					 (the store was busy) */
	int capped;                   /* a broad search: at least so many */
	int ok;
};

/* The orders view's state, owned by the view stack. */
struct orders_st {
	int tab_x[ORDERS_TABS_MAX + 1];  /* where each tab starts on row 0 */
	int tab;
	int tab_first;        /* the first tab drawn (the bar scrolls) */
	int tab_chosen;       /* the person picked a tab: keep it on unlock */
	/*
	 * The selection: in memory, row sel of the list with row top at the
	 * screen's first row; paged, the page's selection (by number) at
	 * screen row at.
	 */
	size_t sel, top, at;
	int paged;            /* the list is the store's pages (orders-page.c) */
	int searching;
	char search[DESK_SEARCH_MAX + 1];
	struct line_edit ed;  /* over search, while searching */
	int newest;
	int sort;             /* index into orders_sorts[] */
	struct desk_sync *sync;  /* NULL, or which orders reached the backend */
	char sel_number[STMT_ORDER_MAX + 1];
	struct marks marks;   /* for a bulk action */
	struct holds holds;   /* the Held tab's reasons */
	struct parcels parcels;  /* the partly shipped */
	struct orders_cols cols;  /* the person's columns (orders-columns.c) */
	struct orders_page page;  /* the store's pages (orders-page.c) */
};

/* ---- orders-tabs.c ---- */

/* Tabs there are now: the built-in ones and the person's views. */
size_t orders_ntabs(const struct ui *u);

/* What tab t shows. */
struct desk_tab orders_tab_of(int t);

/* Whether the store pages what t shows (statuses, or open returns), or
 * only the index in memory can (Unpaid, a saved view). */
int orders_tab_pages(const struct desk_tab *t);

/* Whether tab t shows order r by its status: 1, 0, or -1 for a saved
 * view or a tab of facts (Unpaid, Returns), not asked here. */
int orders_tab_keeps(int t, const struct desk_row *r);

/* Tab t's name (abbr: shortened). */
const char *orders_tab_name(const struct ui *u, int t, int abbr);

/* Whether the Held tab shows: it has a reason column. */
int orders_on_held(const struct orders_st *O);

/* Whether the current tab shows one status (no STATUS column needed). */
int orders_tab_one_status(const struct orders_st *O);

/* Draws the tabs with their counts on row 0, noting where each is
 * (orders-tabbar.c). */
void orders_tabs_draw(struct orders_st *O, struct ui *u);

/* What o cycles through, and how the header and the count line say it. */
struct orders_sort {
	enum desk_sort_key key;
	int newest;
	const char *name;
};
#define ORDERS_NSORTS 6
extern const struct orders_sort orders_sorts[ORDERS_NSORTS];

/* The view's keys, for the status line and help. */
extern const struct ui_keyhelp orders_keys[];

/* ---- orders-list.c ---- */

/* Rows the list has on screen. */
size_t orders_list_rows(const struct ui *u);

/* Applies the tab, search and sort: the store's pages for the tabs that
 * have them, else the desk's index in memory. */
enum od_code orders_refilter(struct orders_st *O, struct ui *u,
			     struct od_err *err);

/* Whether the index in memory counts the tabs only it can count (Unpaid,
 * views) for the list as it is: it is read, and searched if need be. */
int orders_index_counts(const struct orders_st *O, const struct ui *u);

/* orders_refilter, a failure said on the message line. */
enum ui_next orders_apply(struct orders_st *O, struct ui *u);

/* Remembers which order is selected, to find it again after a filter. */
void orders_note_selection(struct orders_st *O, struct ui *u);

/* Rereads which orders reached the backend; keeps the old view on error. */
void orders_sync_refresh(struct orders_st *O, struct ui *u);

/*
 * The window the screen shows: rows read (paged: from the store, with
 * the tabs' counts, once a draw; -1 when the store could not be read),
 * then row i of it and which is selected.  Rows are borrowed until the
 * next read or filter.
 */
int orders_window(struct orders_st *O, struct ui *u, size_t rows);
size_t orders_win_count(struct orders_st *O, struct ui *u);
const struct desk_row *orders_win_row(struct orders_st *O, struct ui *u,
				      size_t i);
size_t orders_win_selected(const struct orders_st *O);

/* The selected order's row, as the last window read (NULL: none). */
const struct desk_row *orders_selected(struct orders_st *O, struct ui *u);

/* Orders the list holds (*capped: at least so many), and the rows before
 * the selection ((size_t)-1 for a broad search's: not counted). */
size_t orders_total(struct orders_st *O, struct ui *u, int *capped);
size_t orders_before(const struct orders_st *O);

/* Every order of the shop, for a message. */
size_t orders_all(const struct orders_st *O, struct ui *u);

/*
 * Moves the selection by delta rows, stopping at the list's ends; with
 * keep_row, the selection stays on its screen row (a page).  Paged, the
 * move is done by the next window.
 */
void orders_move(struct orders_st *O, struct ui *u, long delta,
		 int keep_row);

/* Selects the first (end: the last) order. */
void orders_home(struct orders_st *O, struct ui *u, int end);

/* Selects window row i (a click). */
void orders_pick_row(struct orders_st *O, struct ui *u, size_t i);

/* Moves to the next order now (the window read again); 0 at the end, or
 * when the store could not be read (busy). */
int orders_next(struct orders_st *O, struct ui *u);

/* Whether the selected order is still number (the window read again):
 * 1, 0, or -1 when the store could not be read (busy). */
int orders_still(struct orders_st *O, struct ui *u, const char *number);

/*
 * Calls fn with every order the list shows, in its order, up to max+1 of
 * them (one past max: more than max); 0, or -1 when the list could not
 * be read (said on the message line).
 */
int orders_each(struct orders_st *O, struct ui *u, size_t max,
		void (*fn)(void *ctx, const struct desk_row *r), void *ctx);

/* ---- orders-page.c: the list as the store pages it ---- */

/* At unlock: the page (a failure leaves the list to the index). */
void orders_page_open(struct orders_st *O, struct ui *u);

/* At lock and when the view ends. */
void orders_page_close(struct orders_st *O);

/* Whether the list can be paged: a tab of statuses or of open returns,
 * no :filter, not the Held tab one reason at a time. */
int orders_page_can(const struct orders_st *O, struct ui *u);

/* The page's tab, sort and search, and the selection (sel_number, or
 * the first order); OD_E_INPUT for a bad search. */
enum od_code orders_page_set(struct orders_st *O, struct ui *u,
			     struct od_err *err);

/* The window and the tabs' counts, one hold of the store; -1 when they
 * could not be read (busy: the last ones kept, said so). */
int orders_page_read(struct orders_st *O, struct ui *u, size_t rows);

/* The list's orders in order, up to max + 1, through fn. */
int orders_page_each(struct orders_st *O, struct ui *u, size_t max,
		     void (*fn)(void *ctx, const struct desk_row *r),
		     void *ctx);

/* Orders tab t shows, from the store's counts or the index in memory;
 * *capped set when at least so many (a broad search). */
size_t orders_page_tab_count(const struct orders_st *O, const struct ui *u,
			     const struct desk_tab *t, int *capped);

/* ---- orders-move.c: the keys that move and mark ---- */

enum ui_next orders_step(struct orders_st *O, struct ui *u, int key,
			 int kind);
enum ui_next orders_mouse(struct orders_st *O, struct ui *u, int key,
			  int kind);
enum ui_next orders_next_match(struct orders_st *O, struct ui *u, int key,
			       int kind);
enum ui_next orders_mark(struct orders_st *O, struct ui *u, int key,
			 int kind);
enum ui_next orders_mark_all(struct orders_st *O, struct ui *u, int key,
			     int kind);

/* Switches to tab t (orders-keys.c). */
enum ui_next orders_set_tab(struct orders_st *O, struct ui *u, int t);

/* Enter: opens the selected order (orders-keys.c). */
enum ui_next orders_open_selected(struct orders_st *O, struct ui *u,
				  int key, int kind);

/* ---- orders-draw.c, orders-keys.c: the view's hooks ---- */

void orders_draw(struct ui *u, void *st);
enum ui_next orders_key(struct ui *u, void *st, int key);

/* ---- orders-cmd.c: `:` on the list ---- */

/* Reads and runs a `:` command (ui/cmdline.h). */
enum ui_next orders_command(struct orders_st *O, struct ui *u, int key,
			    int kind);

/* ---- orders-slips.c ---- */

/* W: the packing slips of the marked orders (or the selected) as a PDF;
 * K: their pick list. */
enum ui_next orders_slips(struct orders_st *O, struct ui *u, int key,
			  int kind);

/* ---- orders-views.c: saved views ---- */

/*
 * Runs line if it is :save NAME [EXPR], :unsave [NAME] or :views (returns
 * 1, the outcome said on the message line), else returns 0.
 */
int orders_views_command(struct orders_st *O, struct ui *u,
			 const char *line);

/* Esc with no search: clears the :filter, if any (else UI_STAY). */
enum ui_next orders_filter_clear(struct orders_st *O, struct ui *u);

#endif
