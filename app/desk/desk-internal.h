/*
 * desk-internal.h - what the desk's own files share and nobody else sees:
 * struct desk (the signed-in shop, the order index, the background sync),
 * a prepared action's insides, and taking the store for one operation.
 */
#ifndef OD_DESK_INTERNAL_H
#define OD_DESK_INTERNAL_H

#include "app/desk/desk.h"
#include "app/desk/desk-shop.h"
#include "app/desk/desk-tabs.h"
#include "app/shop/shop.h"
#include "lib/buf.h"
#include "storage/keyslot.h"
#include "storage/store-prefs.h"

struct sync_thread;
struct desk_undo_state;

#define DESK_CARRIER_MAX 64

struct desk_act {
	struct statement *st;
	struct buf text;
	enum stmt_kind kind;
	char number[STMT_ORDER_MAX + 1];   /* "" for a user.* action */
	char carrier[DESK_CARRIER_MAX + 1];
	char user[STMT_NAME_MAX + 1];   /* user.*: whom it is about */
	uint8_t seed[KEYSLOT_SEED_LEN]; /* user.add: the new key (wiped) */
	char *pass;                     /* user.add: their passphrase (wiped) */
	size_t pass_len;
	struct statement *also;         /* signed right after st, in its
					   transaction (a close's refund) */
	struct buf also_text;           /* also, as shown */
	long long also_seq;
};

/*
 * The signed-in shop, NULL when locked.  Between operations its store is
 * closed (sh->store NULL); desk_hold opens it for one.
 */
struct shop *desk_shop(struct desk *d);

/*
 * Takes the store for one operation (end it with shop_release).  Keys that
 * no longer open it, or a person revoked meanwhile, lock the desk.
 */
enum od_code desk_hold(struct desk *d, enum shop_access access,
		       struct od_err *err);

/* desk_hold, but OD_E_BUSY at once while another command holds it. */
enum od_code desk_hold_now(struct desk *d, enum shop_access access,
			   struct od_err *err);

/*
 * Whether the held store's log head is the one the index was read at, or
 * followed to by the desk's own statements: nothing new since (desk.c).
 */
int desk_watch_current(struct desk *d);

/*
 * A new action of kind on order number ("" for none), its text empty, and
 * the store held with access for making its statement (desk-act.c).  On
 * failure nothing is held and *act is NULL.
 */
enum od_code desk_act_start(struct desk *d, enum stmt_kind kind,
			    const char *number, enum shop_access access,
			    struct desk_act **act, struct od_err *err);

/* act's statement linked to the log's tip of s and built as it is shown. */
enum od_code desk_act_build(struct store *s, struct desk_act *act,
			    struct od_err *err);

/*
 * Ends a prepare begun by desk_act_start: releases the store; with rc
 * OD_OK act goes to *out, otherwise it is freed.  Returns rc.
 */
enum od_code desk_act_done(struct desk *d, struct desk_act *act,
			   enum od_code rc, struct desk_act **out);

/*
 * desk_act_sign for one statement of a bulk action: act is linked to the
 * log's tip of the moment it is signed (the statement before it in the
 * batch, or another desk's) and its text rebuilt, then signed.
 */
enum od_code desk_act_sign_follow(struct desk *d, struct desk_act *act,
				  long long *seq, struct od_err *err);

/*
 * Whether log entry r's hash follows from the entry before it in s
 * (desk-order.c).  A read that fails counts as not linked.
 */
int desk_entry_linked(struct store *s, const struct log_record *r);

/*
 * Folds dd's order again from its own log entries in s into an empty
 * in-memory store and compares the result with dd's order, shipments and
 * notes (desk-order.c).  A difference, or an entry the fold refuses, gives
 * OD_E_TAMPERED saying to run `orderdesk audit verify`.
 */
enum od_code desk_order_refold(struct store *s, const struct desk_detail *dd,
			       struct od_err *err);

/* The background sync, as desk.c keeps it (desk-bg.c reads it). */
struct desk_bg_state {
	struct sync_thread *thread;   /* NULL when none */
	char why[OD_ERR_MSG_MAX];     /* why it could not start, or "" */
	long long acked_news;         /* its news count when the conflicts
					 were last acked, -1 if not since
					 it started */
};

/* A block of the string arena that holds the index's text. */
struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char data[];
};

/*
 * The filter language's choice of the list (desk-pick.c): the text as
 * typed ("" for none), and per index row whether it passes (NULL: all
 * pass).  The text outlives locks and reloads, as the search does; the
 * marks are redone at each reload (desk_pick_rerun), with the clock of
 * that moment (placed:<7d moves on).
 */
struct desk_pick_state {
	char text[512 + 1];           /* ORDER_FILTER_MAX */
	uint8_t *keep;
	size_t nkeep;
};

/*
 * The signed-in person's saved views (desk-views.c), read with the index:
 * for each index row one byte, bit i set when view i keeps it (NULL: no
 * view), and how many each keeps of what the search and :filter keep.
 */
struct desk_views_state {
	struct desk_view v[DESK_VIEWS_MAX];
	size_t n;
	uint8_t *keep;
	size_t counts[DESK_VIEWS_MAX];
};

struct desk {
	char *dir;
	struct shop *sh;
	char **users;
	size_t nusers;
	struct desk_row *rows;    /* store order: placed, then number */
	size_t nrows, arows;
	struct arena_block *arena;
	uint8_t *match;           /* per row: matches the search */
	uint32_t *id_row;         /* the store's search id -> row + 1 (0: not
				     listed); NULL until the first search */
	size_t nid;               /* ids id_row covers */
	size_t ids_seen;          /* ids read so far while it is built */
	int ids_failed;           /* desk_search_ready gave up until reload */
	uint32_t *view;           /* rows shown, in display order */
	size_t nview;
	size_t counts[ORDER_STATUS_COUNT + 1];  /* [COUNT] is all */
	/* shown rows by status and DESK_FACT_* bits, for the tabs' counts */
	size_t fact_counts[ORDER_STATUS_COUNT][DESK_FACTS];
	struct desk_tab tab;      /* what the list shows (desk-tabs.h) */
	int newest_first;
	enum desk_sort_key sort;
	uint32_t *perm;           /* rows in sort order; NULL until needed */
	char search[DESK_SEARCH_MAX + 1];
	char last_carrier[DESK_CARRIER_MAX + 1];
	char locked_why[OD_ERR_MSG_MAX];  /* why the desk locked itself */
	struct desk_bg_state bg;  /* the background sync */
	struct {                  /* the log's head the index was read at */
		int known;        /* 0: unknown, the next look reloads */
		long long seq;
		uint8_t hash[32];
	} watch;
	int bg_every;             /* its period in seconds, 0 for the default */
	int index_ready;          /* rows hold the whole index (desk_index_load) */
	int index_lazy;           /* read only when first needed (a big shop:
				     desk-index-need.c) */
	struct desk_pick_state pick;  /* the filter language's (desk-pick.c) */
	struct desk_undo_state *undo; /* actions since unlock (desk-undo.c) */
	struct desk_views_state views;  /* saved views (desk-views.c) */
};

/* Copies s into the index's arena; NULL when out of memory (desk-arena.c). */
const char *desk_arena_dup(struct desk *d, const char *s);

/* Drops the index, wiping its text (desk-arena.c). */
void desk_index_free(struct desk *d);

/* Reads the whole order index from the held store (desk-index.c). */
enum od_code desk_index_load(struct desk *d, struct od_err *err);

/* The person's saved views' names and filters, no rows marked (a view's
 * tab is counted once the index is read; desk-views-load.c). */
enum od_code desk_views_names(struct desk *d, struct od_err *err);

/* At unlock, the store held: the index read now, or (a shop over
 * ORDERDESK_INDEX_EAGER orders) when first needed (desk-index-need.c). */
enum od_code desk_index_start(struct desk *d, struct od_err *err);

/* Notes the held store's log head as the one the index shows. */
void desk_watch_note(struct desk *d);

/* Starts and stops the background sync (desk.c). */
void desk_bg_start(struct desk *d);
void desk_bg_stop(struct desk *d);

/*
 * Whether r's signature checks with the key its signer has in s's users
 * (revoked signers too), or one they retired since; the signer's role goes
 * to role (desk-detail.c).
 */
int desk_signature_checks(struct store *s, const struct statement *st,
			  const struct log_record *r, char *role,
			  size_t role_cap);

/* What the history says about an entry beyond its kind; *out is the
 * caller's (desk-detail.c). */
enum od_code desk_event_detail(const struct statement *st, char **out,
			       struct od_err *err);

/* The desk's background sync state (never NULL). */
struct desk_bg_state *desk_bg_state(struct desk *d);

/* Rereads order number's status into the index (the store held). */
void desk_row_refresh(struct desk *d, const char *number);

/*
 * How many orders of the index have status; the first max of their
 * numbers (borrowed from the index) go to numbers.
 */
size_t desk_index_with_status(const struct desk *d, int status,
			      const char **numbers, size_t max);


/* The desk's pick state (never NULL), and its index rows (store order). */
struct desk_pick_state *desk_pick_state(struct desk *d);
const struct desk_row *desk_index_rows(const struct desk *d, size_t *n);

/* A row's DESK_FACT_* bits from what the store lists (desk-tabs.c). */
uint8_t desk_row_facts(const struct order_brief *b);
/* A row's enum pay_state, by money_state's one rule (desk-tabs.c). */
uint8_t desk_row_pay(const struct order_brief *b);

/* Whether index row i is on tab t, the search and :filter aside. */
int desk_tab_keeps(const struct desk *d, const struct desk_tab *t, size_t i);

/* Counts index row i (kept by the search and :filter) for the tabs. */
void desk_tab_tally(struct desk *d, size_t i);

/* Zeroes the tabs' counts before the list is built again. */
void desk_tab_tally_reset(struct desk *d);

/*
 * Reads the signed-in person's saved views from the held store and marks
 * which index rows each keeps (desk-views.c); a view whose filter no longer
 * parses keeps nothing.  Dropped with the index (desk_views_drop).
 */
enum od_code desk_views_load(struct desk *d, struct od_err *err);
void desk_views_drop(struct desk *d);

/* A saved view is the person's setting DESK_VIEW_PREFIX NAME. */
#define DESK_VIEW_PREFIX "view."

/*
 * Calls fn with each of person's saved views in s, by name: its name (the
 * setting's, without DESK_VIEW_PREFIX) and its filter text
 * (desk-views-load.c).
 */
enum od_code desk_views_each(struct store *s, const char *person,
			     store_pref_fn fn, void *ctx, struct od_err *err);

/*
 * Asks again, of the held store, whether each view and the :filter keep
 * index row i, after the desk's own statement changed its order (a view
 * of status:new loses the order just confirmed).  A failed read keeps
 * the old answer.
 */
void desk_views_refresh_row(struct desk *d, size_t i);

/* Rebuilds the list shown from the marks, status and pick (desk-index.c). */
void desk_view_rebuild(struct desk *d);

/* Whether index row i passes the pick; drops the marks (index_free). */
int desk_pick_keeps(const struct desk_pick_state *p, size_t i);
void desk_pick_drop(struct desk_pick_state *p);

/*
 * Marks which of the n index rows text keeps, reading s (held) when a
 * term needs SKUs or carriers; *out NULL when text has no terms
 * (desk-pick-mark.c, which calls nothing of desk.c).
 */
enum od_code desk_pick_mark(const char *text, const struct desk_row *rows,
			    size_t n, struct store *s, uint8_t **out,
			    size_t *nout, struct od_err *err);

/* Redoes p's marks for the index rows after a reload (s held). */
enum od_code desk_pick_rerun(struct desk_pick_state *p,
			     const struct desk_row *rows, size_t n,
			     struct store *s, struct od_err *err);

#endif
