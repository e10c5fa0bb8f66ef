/*
 * desk-page-internal.h - what desk-page.c (the window, the selection) and
 * desk-page-rows.c (rows read from the store and merged) share.
 */
#ifndef OD_DESK_PAGE_INTERNAL_H
#define OD_DESK_PAGE_INTERNAL_H

#include "app/desk/desk-page.h"
#include "lib/buf.h"
#include "storage/records.h"
#include "storage/store-page.h"

/* A row with its own copy of its text. */
struct prow {
	struct desk_row r;
	char *text;              /* number, placed, customer, each ended */
};

/* Rows read, in list order. */
struct rows {
	struct prow *v;
	size_t n, cap;
};

struct desk_page {
	struct desk *d;
	struct desk_page_tab tab;
	enum desk_sort_key sort;
	int newest_first;
	char search[DESK_SEARCH_MAX + 1];
	struct buf expr;         /* the search's FTS5 query */
	int stale;               /* expr is still to be made from search */
	int none;                /* the search can match nothing */
	int mode;                /* how the hits are read (store-page.h) */
	size_t hits;             /* how many it read (store-page.h) */
	int capped;              /* the last counts are of the first hits */
	unsigned indexed;        /* 1u << store sorts whose index is there */
	int hits_ok;             /* the connection holds the hits read at */
	unsigned long hits_gen;  /* the shop's kept_gen then */
	int home;                /* to do at the next window: go to the
				    start (1) or end (2) */
	long move;               /* and then move by so many rows */
	struct rows win;         /* the window */
	struct prow sel;         /* the selection (text NULL: none) */
	size_t sel_row;
	/* Rows before the selection, kept across moves so that only a new
	 * list, selection or store asks the store to count them: valid while
	 * pos_ok, the selection is pos_number and the shop's kept_gen is
	 * pos_gen (desk-page-position.c). */
	size_t pos;
	int pos_ok;
	unsigned long pos_gen;
	char pos_number[STMT_ORDER_MAX + 1];
};

/* The store's sort for p's, and whether the list's forward is its
 * backward (newest first). */
enum store_page_sort page_store_sort(const struct desk_page *p, int *flip);

void page_prow_free(struct prow *r);
void page_rows_clear(struct rows *rs);
void page_rows_free(struct rows *rs);

/* Copies brief b into r; OD_E_NOMEM when out of memory. */
enum od_code page_prow_set(struct prow *r, const struct order_brief *b,
		      struct od_err *err);

/* The brief of row r, to give the store as a key. */
void page_prow_key(const struct prow *r, struct order_brief *b);

/* Adds a copy of b to the struct rows ctx (a store_brief_cb). */
enum od_code page_rows_add(void *ctx, const struct order_brief *b,
		      struct od_err *err);

/* Moves src's row i to the end of dst (which has room). */
void page_rows_take(struct rows *dst, struct rows *src, size_t i);

/* Makes room for n rows in rs (emptied). */
enum od_code page_rows_room(struct rows *rs, size_t n, struct od_err *err);

/* The kept position: forgotten (page_pos_forget), set to n rows before
 * the selection (page_pos_set), moved by delta rows before the selection
 * moves (page_pos_moved: 1 if kept, then page_pos_set p->pos after; 0:
 * forgotten, as when the store changed since). */
/* Whether the kept position is the selection's in the store as it is. */
int page_pos_valid(const struct desk_page *p);
void page_pos_forget(struct desk_page *p);
void page_pos_set(struct desk_page *p, size_t n);
int page_pos_moved(struct desk_page *p, long delta);

/* Whether p's list is every status in placed order: one walk of the
 * store's list (store_page_filter's every), not one per status. */
int page_every(const struct desk_page *p);

/* Runs fn holding the store to read, never waiting for it (desk-page.c). */
typedef enum od_code (*page_fn)(struct desk_page *p, void *arg,
				struct od_err *err);
enum od_code page_held(struct desk_page *p, page_fn fn, void *arg,
		       struct od_err *err);

/*
 * Up to limit rows of the list after key (backward: before it, nearest
 * first; key NULL: from the list's start or end) into out, in that order:
 * limit from each status of the tab, merged (held store).
 */
enum od_code page_fetch(struct desk_page *p, int backward,
			const struct prow *key, size_t limit, struct rows *out,
			struct od_err *err);

#endif
