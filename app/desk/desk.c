/*
 * desk.c - the app-layer facade of the TUI: unlock, an order index kept
 * compact in memory, order details with checked signatures, and acting in
 * two steps (prepare and show, then sign).
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/fold.h"
#include "app/log/ledger.h"
#include "app/log/order.h"
#include "app/keys/sigkey.h"
#include "app/sync/sync-thread.h"
#include "app/sync/sync-status.h"
#include "app/sync/sync.h"
#include "lib/buf.h"
#include "lib/encode.h"
#include "lib/secret.h"
#include "lib/utf8.h"
#include "storage/store-search.h"
#include "storage/store.h"

#define ARENA_BLOCK (256 * 1024)
#define CARRIER_MAX DESK_CARRIER_MAX

/* A block of the string arena that holds the index's text. */
struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char data[];
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
	int status;
	int newest_first;
	enum desk_sort_key sort;
	uint32_t *perm;           /* rows in sort order; NULL until needed */
	char search[DESK_SEARCH_MAX + 1];
	char last_carrier[CARRIER_MAX + 1];
	char locked_why[OD_ERR_MSG_MAX];  /* why the desk locked itself */
	struct desk_bg_state bg;  /* the background sync */
	struct {                  /* the log's head the index was read at */
		int known;        /* 0: unknown, the next look reloads */
		long long seq;
		uint8_t hash[32];
	} watch;
	int bg_every;             /* its period in seconds, 0 for the default */
	struct desk_pick_state pick;  /* the filter language's (desk-pick.c) */
};

/* Copies s into the arena; NULL when out of memory. */
static const char *arena_dup(struct desk *d, const char *s)
{
	size_t n = strlen(s ? s : "") + 1;
	struct arena_block *b = d->arena;
	char *p;

	if (b == NULL || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;

		b = malloc(sizeof *b + size);
		if (b == NULL)
			return NULL;
		b->next = d->arena;
		b->used = 0;
		b->size = size;
		d->arena = b;
	}
	p = b->data + b->used;
	memcpy(p, s ? s : "", n);
	b->used += n;
	return p;
}

/* Drops the index, wiping its text: customer data must not outlive a lock. */
static void index_free(struct desk *d)
{
	struct arena_block *b, *next;

	for (b = d->arena; b != NULL; b = next) {
		next = b->next;
		secret_wipe(b->data, b->used);
		free(b);
	}
	d->arena = NULL;
	free(d->rows);
	free(d->match);
	free(d->view);
	free(d->id_row);
	free(d->perm);
	d->perm = NULL;
	d->id_row = NULL;
	d->nid = d->ids_seen = 0;
	d->ids_failed = 0;
	d->rows = NULL;
	d->match = NULL;
	d->view = NULL;
	d->nrows = d->arows = d->nview = 0;
	memset(d->counts, 0, sizeof d->counts);
	d->watch.known = 0;
	desk_pick_drop(&d->pick);
}

enum od_code desk_new(const char *dir, struct desk **out, struct od_err *err)
{
	struct desk *d = calloc(1, sizeof *d);

	*out = NULL;
	if (d == NULL || (d->dir = strdup(dir)) == NULL) {
		free(d);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	d->status = -1;
	*out = d;
	return OD_OK;
}

/* Frees the list of key slot users. */
static void users_free(struct desk *d)
{
	size_t i;

	for (i = 0; i < d->nusers; i++)
		free(d->users[i]);
	free(d->users);
	d->users = NULL;
	d->nusers = 0;
}

void desk_free(struct desk *d)
{
	if (d == NULL)
		return;
	desk_lock(d);
	users_free(d);
	free(d->dir);
	free(d);
}

/* Collects one key slot user (silently stops at DESK_MAX_USERS). */
static void add_user(void *ctx, const char *user)
{
	struct desk *d = ctx;
	char *copy;

	if (d->users == NULL || d->nusers >= DESK_MAX_USERS)
		return;
	copy = strdup(user);
	if (copy != NULL)
		d->users[d->nusers++] = copy;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum od_code desk_users(struct desk *d, const char *const **names, size_t *n,
			struct od_err *err)
{
	enum od_code rc;

	*names = NULL;
	*n = 0;
	users_free(d);
	d->users = calloc(DESK_MAX_USERS, sizeof *d->users);
	if (d->users == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = shop_slot_users(d->dir, add_user, d, err);
	if (rc != OD_OK) {
		users_free(d);
		return rc;
	}
	qsort(d->users, d->nusers, sizeof *d->users, cmp_str);
	*names = (const char *const *)d->users;
	*n = d->nusers;
	return OD_OK;
}

static enum od_code index_load(struct desk *d, struct od_err *err);

void desk_sync_every(struct desk *d, int secs)
{
	d->bg_every = secs > 0 ? secs : 0;
}

/*
 * Starts the background sync on the released, unlocked shop.  A store
 * without a backend has none (OD_E_USAGE); any other failure leaves the
 * desk working offline, with the reason for the status line.
 */
static void bg_start(struct desk *d)
{
	struct od_err err;

	d->bg.why[0] = '\0';
	d->bg.acked_news = -1;
	if (sync_thread_start(d->sh, d->bg_every, &d->bg.thread, &err) ==
	    OD_OK || err.code == OD_E_USAGE)
		return;
	snprintf(d->bg.why, sizeof d->bg.why, "%s", err.msg);
}

/* Stops the background sync: its request ends, its keys are wiped. */
static void bg_stop(struct desk *d)
{
	sync_thread_stop(d->bg.thread);
	d->bg.thread = NULL;
	d->bg.why[0] = '\0';
}

struct desk_bg_state *desk_bg_state(struct desk *d)
{
	return &d->bg;
}

enum od_code desk_unlock(struct desk *d, const char *user, const char *pass,
			 size_t pass_len, struct od_err *err)
{
	enum od_code rc;
	int attached = 0;
	long long seq;

	desk_lock(d);
	/*
	 * The lock is held only while the index loads, then per operation
	 * (desk_hold): commands in other terminals, writers too, run while
	 * the desk is open.
	 */

	rc = shop_unlock(d->dir, user, pass, pass_len, SHOP_READ, &d->sh, err);
	if (rc == OD_OK)
		rc = index_load(d, err);
	/* A store with no backend needs no thread: a look at one meta value
	 * here spares the first screen the thread's setup. */
	if (rc == OD_OK)
		rc = sync_synced_seq(d->sh->store, &attached, &seq, err);
	if (rc != OD_OK) {
		desk_lock(d);
		return rc;
	}
	shop_release(d->sh);
	d->locked_why[0] = '\0';
	if (attached)
		bg_start(d);
	return OD_OK;
}

void desk_lock(struct desk *d)
{
	if (d == NULL)
		return;
	/* First the thread, whose handle holds a copy of the keys. */
	bg_stop(d);
	index_free(d);
	shop_close(d->sh);
	d->sh = NULL;
	d->locked_why[0] = '\0';
}

const char *desk_locked_why(const struct desk *d)
{
	return d->locked_why;
}

/*
 * Takes the store for one operation, waiting for another command's lock
 * unless now (then OD_E_BUSY at once).  Keys that no longer open it
 * (another process rotated them) or a user revoked meanwhile lock the
 * desk, keeping the reason for the unlock screen.
 */
static enum od_code hold_for(struct desk *d, enum shop_access access,
			     int now, struct od_err *err)
{
	enum od_code rc;

	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	rc = now ? shop_hold_now(d->sh, access, err)
		 : shop_hold(d->sh, access, err);
	if (rc == OD_E_AUTH) {
		desk_lock(d);
		snprintf(d->locked_why, sizeof d->locked_why, "%s", err->msg);
	}
	return rc;
}

enum od_code desk_hold(struct desk *d, enum shop_access access,
		       struct od_err *err)
{
	return hold_for(d, access, 0, err);
}

enum od_code desk_hold_now(struct desk *d, enum shop_access access,
			   struct od_err *err)
{
	return hold_for(d, access, 1, err);
}

/* Notes the held store's log head as the one the index shows. */
static void watch_note(struct desk *d)
{
	struct od_err ignored;

	d->watch.known = store_log_head(d->sh->store, &d->watch.seq,
					d->watch.hash, &ignored) == OD_OK;
}

int desk_watch_current(struct desk *d)
{
	struct od_err ignored;
	uint8_t hash[32];
	long long seq;

	return d->watch.known &&
	       store_log_head(d->sh->store, &seq, hash, &ignored) == OD_OK &&
	       seq == d->watch.seq &&
	       memcmp(hash, d->watch.hash, sizeof hash) == 0;
}

struct shop *desk_shop(struct desk *d)
{
	return d->sh;
}

int desk_is_unlocked(const struct desk *d)
{
	return d->sh != NULL;
}

const char *desk_user(const struct desk *d)
{
	return d->sh ? d->sh->user : "";
}

double desk_unlock_kdf_ms(const struct desk *d)
{
	return d->sh ? d->sh->kdf_ms : 0;
}

enum role desk_role(const struct desk *d)
{
	return d->sh ? d->sh->role : ROLE_STAFF;
}

const char *desk_role_name(const struct desk *d)
{
	return d->sh ? role_name(d->sh->role) : "";
}

const char *desk_status_name(int status)
{
	const char *name = status < 0 ? NULL :
		order_status_name((enum order_status)status);

	return name ? name : "all";
}

int desk_may(const struct desk *d, enum stmt_kind kind)
{
	return d->sh != NULL && role_allows(d->sh->role, kind);
}

/* Adds one order to the index. */
static enum od_code index_add(void *ctx, const struct order_brief *o,
			      struct od_err *err)
{
	struct desk *d = ctx;
	struct desk_row *r;

	if (d->nrows == d->arows) {
		size_t n = d->arows ? d->arows * 2 : 1024;
		struct desk_row *bigger;

		if (n > UINT32_MAX)
			return od_err_set(err, OD_E_INPUT, "too many orders "
					  "for the desk to list");
		bigger = realloc(d->rows, n * sizeof *bigger);
		if (bigger == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		d->rows = bigger;
		d->arows = n;
	}
	r = &d->rows[d->nrows];
	memset(r, 0, sizeof *r);
	r->number = arena_dup(d, o->number);
	r->placed = arena_dup(d, o->placed_at);
	r->customer = arena_dup(d, o->customer_name);
	if (r->number == NULL || r->placed == NULL || r->customer == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	r->total = o->total;
	r->nitems = (uint32_t)o->nitems;
	memcpy(r->currency, o->currency, sizeof r->currency);
	r->status = (uint8_t)o->status;
	d->nrows++;
	return OD_OK;
}

enum od_code desk_reload(struct desk *d, struct od_err *err)
{
	enum od_code rc = desk_hold(d, SHOP_READ, err);

	if (rc != OD_OK)
		return rc;
	rc = index_load(d, err);
	shop_release(d->sh);
	return rc;
}

/* Reads the whole order index from the held store. */
static enum od_code index_load(struct desk *d, struct od_err *err)
{
	char search[DESK_SEARCH_MAX + 1];
	enum od_code rc;

	index_free(d);
	watch_note(d);
	rc = store_order_brief_each(d->sh->store, index_add, d, err);
	if (rc == OD_OK) {
		d->match = malloc(d->nrows ? d->nrows : 1);
		d->view = malloc((d->nrows ? d->nrows : 1) * sizeof *d->view);
		if (d->match == NULL || d->view == NULL)
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	if (rc == OD_OK) {
		/* The marks are new: forget the old search so it runs again. */
		memcpy(search, d->search, sizeof search);
		d->search[0] = '\0';
		rc = desk_pick_rerun(&d->pick, d->rows, d->nrows,
				     d->sh->store, err);
		if (rc == OD_OK)
			rc = desk_filter(d, d->status, search,
					 d->newest_first, err);
	}
	if (rc != OD_OK)
		index_free(d);
	return rc;
}

/* Orders rows as the store does: by placed time, then number. */
static int row_cmp(const char *placed, const char *number,
		   const struct desk_row *r)
{
	int c = strcmp(placed, r->placed);

	return c ? c : strcmp(number, r->number);
}

/* The row of the order placed at placed with number, or (size_t)-1. */
static size_t row_of(const struct desk *d, const char *placed,
		     const char *number)
{
	size_t lo = 0, hi = d->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = row_cmp(placed, number, &d->rows[mid]);

		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (size_t)-1;
}

/* Grows id_row to cover id (new entries: not listed); 0 when out of memory. */
static int ids_cover(struct desk *d, size_t id)
{
	size_t n = d->nid ? d->nid : 1024;
	uint32_t *bigger;

	if (id < d->nid)
		return 1;
	while (n <= id)
		n *= 2;
	bigger = realloc(d->id_row, n * sizeof *bigger);
	if (bigger == NULL)
		return 0;
	memset(bigger + d->nid, 0, (n - d->nid) * sizeof *bigger);
	d->id_row = bigger;
	d->nid = n;
	return 1;
}

/*
 * Notes which row holds the order the store's search index calls id.  The
 * index lists orders as the rows are kept (placed, then number), so the
 * k-th is row k unless orders were placed since the rows were read; those
 * are looked up, and orders the rows do not have are left out (listed at
 * the next reload).
 */
static enum od_code ids_add(void *ctx, long long id, const char *placed,
			    const char *number, struct od_err *err)
{
	struct desk *d = ctx;
	size_t k = d->ids_seen++, row;

	if (id <= 0 || id >= UINT32_MAX)
		return OD_OK;
	if (k < d->nrows && strcmp(d->rows[k].number, number) == 0 &&
	    strcmp(d->rows[k].placed, placed) == 0)
		row = k;
	else
		row = row_of(d, placed, number);
	if (row == (size_t)-1)
		return OD_OK;
	if (!ids_cover(d, (size_t)id))
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	d->id_row[id] = (uint32_t)(row + 1);
	return OD_OK;
}

/*
 * Runs fn on the store, holding it to read unless a caller (desk_reload)
 * holds it already.  A key press must not wait: while another command
 * holds the store (an import in another terminal), OD_E_BUSY at once.
 */
static enum od_code with_store(struct desk *d,
			       enum od_code (*fn)(struct desk *,
						  struct od_err *),
			       struct od_err *err)
{
	int held = d->sh->store != NULL;
	enum od_code rc;

	if (!held && (rc = hold_for(d, SHOP_READ, 1, err)) != OD_OK)
		return rc;
	rc = fn(d, err);
	if (!held)
		shop_release(d->sh);
	return rc;
}

/* Reads the search ids of the listed orders (held store). */
static enum od_code ids_read(struct desk *d, struct od_err *err)
{
	enum od_code rc;

	d->ids_seen = 0;
	if (!ids_cover(d, d->nrows))
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = store_search_id_each(d->sh->store, ids_add, d, err);
	if (rc != OD_OK) {
		free(d->id_row);
		d->id_row = NULL;
		d->nid = 0;
	}
	return rc;
}

/*
 * Maps the store's search ids to rows, the first time a search needs it:
 * one walk of an index, 4 bytes an order (the text stays in the store).
 */
static enum od_code ids_build(struct desk *d, struct od_err *err)
{
	if (d->id_row != NULL)
		return OD_OK;
	return with_store(d, ids_read, err);
}

enum od_code desk_search_ready(struct desk *d, struct od_err *err)
{
	enum od_code rc;

	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	/* Called on every idle tick: a walk that failed is not repeated. */
	if (d->ids_failed)
		return OD_OK;
	rc = ids_build(d, err);
	/* Busy: the next idle tick tries again. */
	if (rc == OD_E_BUSY)
		return OD_OK;
	if (rc != OD_OK && d->sh != NULL)
		d->ids_failed = 1;
	return rc;
}

/* Marks the row of one order the search found. */
static enum od_code search_hit(void *ctx, long long id, struct od_err *err)
{
	struct desk *d = ctx;

	(void)err;
	if (id > 0 && (size_t)id < d->nid && d->id_row[id] != 0)
		d->match[d->id_row[id] - 1] = 1;
	return OD_OK;
}

/* Marks the rows d->search finds in the store's index (held store). */
static enum od_code search_run(struct desk *d, struct od_err *err)
{
	if (d->nrows)
		memset(d->match, 0, d->nrows);
	return store_search_ids(d->sh->store, d->search, search_hit, d, err);
}

/*
 * Marks the rows whose order matches search, as `orderdesk list --search`
 * finds them: the store's full-text index answers (storage/store-search.h),
 * folded for case and diacritics, never a walk of every order's text.
 */
static enum od_code mark_search(struct desk *d, const char *search,
				size_t len, struct od_err *err)
{
	enum od_code rc = ids_build(d, err);

	memcpy(d->search, search, len + 1);
	if (rc == OD_OK)
		rc = with_store(d, search_run, err);
	return rc;
}

/* Compares rows *a and *b by the desk's sort key; ties by placed order. */
static int sort_cmp(const void *a, const void *b, void *ctx)
{
	const struct desk *d = ctx;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	const struct desk_row *x = &d->rows[ia], *y = &d->rows[ib];
	size_t lx, ly;
	int c = 0;

	switch (d->sort) {
	case DESK_SORT_NUMBER:
		/* "999" before "1000", as people count. */
		lx = strlen(x->number);
		ly = strlen(y->number);
		c = lx != ly ? (lx < ly ? -1 : 1) : strcmp(x->number,
							   y->number);
		break;
	case DESK_SORT_CUSTOMER:
		c = strcmp(x->customer, y->customer);
		break;
	case DESK_SORT_TOTAL:
		/* 100 JPY is not more than 50 EUR: currencies apart, each
		 * highest first. */
		c = strcmp(x->currency, y->currency);
		if (c == 0 && x->total != y->total)
			c = x->total > y->total ? -1 : 1;
		break;
	case DESK_SORT_STATUS:
		c = (int)x->status - (int)y->status;
		break;
	default:
		break;
	}
	return c ? c : (ia < ib ? -1 : ia > ib);
}

/* Makes d->perm for the sort key if it is missing; 0 when out of memory. */
static int sort_ready(struct desk *d)
{
	size_t i;

	if (d->perm != NULL)
		return 1;
	d->perm = malloc((d->nrows ? d->nrows : 1) * sizeof *d->perm);
	if (d->perm == NULL)
		return 0;
	for (i = 0; i < d->nrows; i++)
		d->perm[i] = (uint32_t)i;
	qsort_r(d->perm, d->nrows, sizeof *d->perm, sort_cmp, d);
	return 1;
}

/* Rebuilds the view from the match marks and the status. */
static void build_view(struct desk *d)
{
	size_t i, k;
	int by_key = d->sort != DESK_SORT_PLACED && sort_ready(d);

	memset(d->counts, 0, sizeof d->counts);
	d->nview = 0;
	for (k = 0; k < d->nrows; k++) {
		if (by_key)
			i = d->perm[k];
		else
			i = d->newest_first ? d->nrows - 1 - k : k;
		if (!d->match[i] || !desk_pick_keeps(&d->pick, i))
			continue;
		d->counts[d->rows[i].status]++;
		d->counts[ORDER_STATUS_COUNT]++;
		if (d->status < 0 || d->rows[i].status == d->status)
			d->view[d->nview++] = (uint32_t)i;
	}
}

enum od_code desk_filter(struct desk *d, int status, const char *search,
			 int newest_first, struct od_err *err)
{
	enum od_code rc = OD_OK;
	size_t len = search ? strlen(search) : 0;

	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (status < -1 || status >= ORDER_STATUS_COUNT)
		return od_err_set(err, OD_E_USAGE, "unknown order status");
	if (len > 0) {
		rc = utf8_check_text("search text", search, len,
				     DESK_SEARCH_MAX, 0, err);
		if (rc != OD_OK)
			return rc;
	}
	d->status = status;
	d->newest_first = newest_first;
	/* Only a changed search is asked of the index again. */
	if (len == 0) {
		if (d->nrows)
			memset(d->match, 1, d->nrows);
		d->search[0] = '\0';
	} else if (strcmp(search, d->search) != 0) {
		rc = mark_search(d, search, len, err);
		if (rc != OD_OK && d->sh == NULL)
			return rc;   /* locked itself: no index left */
		if (rc != OD_OK) {
			memset(d->match, 1, d->nrows);
			d->search[0] = '\0';
			build_view(d);
			return rc;
		}
	}
	build_view(d);
	return OD_OK;
}

enum od_code desk_sort(struct desk *d, enum desk_sort_key key,
		       struct od_err *err)
{
	if (key >= DESK_SORT_COUNT)
		return od_err_set(err, OD_E_USAGE, "unknown sort order");
	if (key != d->sort) {
		free(d->perm);
		d->perm = NULL;
		d->sort = key;
	}
	if (d->sh == NULL)
		return OD_OK;   /* kept for the next unlock */
	if (key != DESK_SORT_PLACED && !sort_ready(d)) {
		d->sort = DESK_SORT_PLACED;
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	build_view(d);
	return OD_OK;
}

size_t desk_count(const struct desk *d)
{
	return d->nview;
}

const struct desk_row *desk_row(const struct desk *d, size_t i)
{
	return i < d->nview ? &d->rows[d->view[i]] : NULL;
}

size_t desk_count_status(const struct desk *d, int status)
{
	if (status < 0 || status >= ORDER_STATUS_COUNT)
		return d->counts[ORDER_STATUS_COUNT];
	return d->counts[status];
}

size_t desk_find(const struct desk *d, const char *number)
{
	size_t i;

	for (i = 0; i < d->nview; i++)
		if (strcmp(d->rows[d->view[i]].number, number) == 0)
			return i;
	return (size_t)-1;
}

/* ---- one order ---- */

/* Grows an array of detail entries by one; NULL when out of memory. */
static void *grow(void **arr, size_t *n, size_t size)
{
	char *bigger = realloc(*arr, (*n + 1) * size);

	if (bigger == NULL)
		return NULL;
	*arr = bigger;
	memset(bigger + *n * size, 0, size);
	return bigger + (*n)++ * size;
}

static enum od_code add_shipment(void *ctx, const struct shipment_record *r,
				 struct od_err *err)
{
	struct desk_detail *dd = ctx;
	struct desk_shipment *s = grow((void **)&dd->shipments,
				       &dd->nshipments, sizeof *s);

	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	s->seq = r->seq;
	s->carrier = strdup(r->carrier ? r->carrier : "");
	s->tracking = strdup(r->tracking ? r->tracking : "");
	s->items = strdup(r->items ? r->items : "");
	if (!s->carrier || !s->tracking || !s->items)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

static enum od_code add_note(void *ctx, const struct note_record *r,
			     struct od_err *err)
{
	struct desk_detail *dd = ctx;
	struct desk_note *n = grow((void **)&dd->notes, &dd->nnotes,
				   sizeof *n);

	if (n == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	n->seq = r->seq;
	snprintf(n->time, sizeof n->time, "%s", r->time ? r->time : "");
	snprintf(n->actor, sizeof n->actor, "%s", r->actor ? r->actor : "");
	n->text = strdup(r->text ? r->text : "");
	if (n->text == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

/* Walks an order's log entries for its history. */
struct history_walk {
	struct store *s;
	struct desk_detail *dd;
};

/*
 * Whether r's signature checks with the key its signer has in the shop's
 * users (revoked signers included: their past statements stay checkable),
 * or with a key they retired since (what they signed before the rekey).
 */
static int signature_checks(struct store *s, const struct statement *st,
			    const struct log_record *r, char *role,
			    size_t role_cap)
{
	char whose[STMT_NAME_MAX + 1];
	struct user_record u;
	struct sigkey_pub *pub = NULL;
	struct od_err ignored;
	long long seq;
	int ok = 0;

	if (store_user_get(s, st->actor, &u, &ignored) != OD_OK)
		return 0;
	snprintf(role, role_cap, "%s", u.role);
	if (strcmp(u.fingerprint, st->key) != 0 &&
	    store_key_retired(s, st->key, whose, sizeof whose, &seq, u.pubkey,
			      &ignored) == OD_OK && strcmp(whose, st->actor) == 0)
		snprintf(u.fingerprint, sizeof u.fingerprint, "%s", st->key);
	if (strcmp(u.fingerprint, st->key) == 0 &&
	    sigkey_pub_new(u.pubkey, &pub, &ignored) == OD_OK &&
	    sigkey_pub_verify(pub, r->statement, r->statement_len,
			      r->signature, &ignored) == OD_OK)
		ok = 1;
	sigkey_pub_free(pub);
	return ok;
}

/* What the history says about an entry beyond its kind. */
static enum od_code event_detail(const struct statement *st, char **out,
				 struct od_err *err)
{
	const char *reason = statement_get(st, "reason");
	const char *text = statement_get(st, "text");
	const char *carrier = statement_get(st, "carrier");
	const char *tracking = statement_get(st, "tracking");
	struct buf b;
	enum od_code rc = OD_OK;

	buf_init(&b, 4 * STMT_VALUE_MAX);
	if (reason != NULL)
		rc = buf_adds(&b, reason, err);
	else if (text != NULL)
		rc = buf_adds(&b, text, err);
	else if (carrier != NULL && tracking != NULL)
		rc = buf_addf(&b, err, "%s %s", carrier, tracking);
	if (rc == OD_OK)
		rc = buf_adds(&b, "", err);
	if (rc == OD_OK && b.data == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	if (rc == OD_OK)
		*out = buf_take(&b);
	buf_free(&b);
	return rc;
}

static enum od_code add_event(void *ctx, const struct log_record *r,
			      struct od_err *err)
{
	struct history_walk *w = ctx;
	struct desk_event *e;
	struct statement *st = NULL;
	enum od_code rc = statement_parse(r->statement, r->statement_len, &st,
					  err);

	if (rc != OD_OK)
		return rc;
	e = grow((void **)&w->dd->events, &w->dd->nevents, sizeof *e);
	if (e == NULL) {
		statement_free(st);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	e->seq = r->seq;
	memcpy(e->time, st->time, sizeof e->time);
	memcpy(e->actor, st->actor, sizeof e->actor);
	e->kind = statement_kind_name(st->kind);
	e->sig_ok = signature_checks(w->s, st, r, e->role, sizeof e->role);
	e->chain_ok = desk_entry_linked(w->s, r);
	if (!e->sig_ok || !e->chain_ok)
		w->dd->nunchecked++;
	rc = event_detail(st, &e->detail, err);
	statement_free(st);
	return rc;
}

enum od_code desk_order_read(struct shop *sh, const char *number,
			     struct desk_detail **out, struct od_err *err)
{
	struct desk_detail *dd;
	struct history_walk w;
	enum od_code rc;

	*out = NULL;
	dd = calloc(1, sizeof *dd);
	if (dd == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	w.s = sh->store;
	w.dd = dd;
	rc = store_order_get(sh->store, number, &dd->order, err);
	if (rc == OD_OK)
		rc = store_shipment_each(sh->store, number, add_shipment, dd,
					 err);
	if (rc == OD_OK)
		rc = store_note_each(sh->store, number, add_note, dd, err);
	if (rc == OD_OK)
		rc = store_log_each(sh->store, number, add_event, &w, err);
	if (rc == OD_OK)
		rc = desk_order_refold(sh->store, dd, err);
	if (rc != OD_OK) {
		desk_detail_free(dd);
		return rc;
	}
	*out = dd;
	return OD_OK;
}

enum od_code desk_detail(struct desk *d, const char *number,
			 struct desk_detail **out, struct od_err *err)
{
	enum od_code rc;

	*out = NULL;
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = desk_order_read(d->sh, number, out, err);
	shop_release(d->sh);
	return rc;
}

void desk_detail_free(struct desk_detail *dd)
{
	size_t i;

	if (dd == NULL)
		return;
	record_order_free(dd->order);
	for (i = 0; i < dd->nshipments; i++) {
		free(dd->shipments[i].carrier);
		free(dd->shipments[i].tracking);
		free(dd->shipments[i].items);
	}
	for (i = 0; i < dd->nnotes; i++)
		free(dd->notes[i].text);
	for (i = 0; i < dd->nevents; i++)
		free(dd->events[i].detail);
	free(dd->shipments);
	free(dd->notes);
	free(dd->events);
	free(dd);
}

/* ---- acting ---- */

enum od_code desk_make(struct shop *sh, enum stmt_kind kind,
		       const char *number, const char *field,
		       const char *value, struct statement **out,
		       struct od_err *err)
{
	struct statement *st = NULL;
	enum od_code rc = shop_statement(sh, kind, number, &st, err);

	*out = NULL;
	if (rc == OD_OK && field != NULL && value != NULL)
		rc = statement_add(st, field, value, err);
	if (rc != OD_OK) {
		statement_free(st);
		return rc;
	}
	*out = st;
	return OD_OK;
}

/* The body field an action's free text goes in, or NULL. */
static const char *text_field(enum stmt_kind kind)
{
	switch (kind) {
	case STMT_ORDER_CANCEL:
	case STMT_ORDER_HOLD:
	case STMT_ORDER_RELEASE:
		return "reason";
	case STMT_ORDER_NOTE:
		return "text";
	default:
		return NULL;
	}
}

/*
 * What a statement signed now follows, as ledger_append writes it in the
 * prev field: "none" for an empty log, else the last entry's id and digest.
 * The rule lives in ledger_append; this copy only decides what the dialog
 * shows, and desk_act_sign refuses to sign if the two ever differ.
 */
enum od_code desk_head_prev(struct store *s, char prev[STMT_PREV_LEN + 1],
			    struct od_err *err)
{
	uint8_t digest[LEDGER_HASH_LEN];
	char id[STMT_ID_LEN + 1];
	long long seq;
	enum od_code rc = store_log_tip(s, &seq, id, digest, err);

	if (rc != OD_OK)
		return rc;
	if (seq == 0) {
		snprintf(prev, STMT_PREV_LEN + 1, "none");
		return OD_OK;
	}
	memcpy(prev, id, STMT_ID_LEN);
	prev[STMT_ID_LEN] = ' ';
	hex_encode(digest, sizeof digest, prev + STMT_ID_LEN + 1);
	prev[STMT_PREV_LEN] = '\0';
	return OD_OK;
}

enum od_code desk_prepare(struct desk *d, enum stmt_kind kind,
			  const char *number, const char *text,
			  const char *carrier, const char *tracking,
			  struct desk_act **out, struct od_err *err)
{
	struct desk_act *act;
	const char *field = text_field(kind);
	enum od_code rc;

	*out = NULL;
	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (kind != STMT_ORDER_CONFIRM && kind != STMT_SHIPMENT_CONFIRM &&
	    field == NULL)
		return od_err_set(err, OD_E_USAGE, "the desk cannot sign a "
				  "%s", statement_kind_name(kind));
	if (text != NULL && text[0] == '\0' && kind == STMT_ORDER_RELEASE)
		text = NULL;
	if (field != NULL && kind != STMT_ORDER_RELEASE &&
	    (text == NULL || text[0] == '\0'))
		return od_err_set(err, OD_E_INPUT, "the %s must not be empty",
				  field);
	rc = order_number_check(number, err);
	if (rc != OD_OK)
		return rc;
	act = calloc(1, sizeof *act);
	if (act == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	act->kind = kind;
	snprintf(act->number, sizeof act->number, "%s", number);
	buf_init(&act->text, STMT_MAX_BYTES);
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK) {
		desk_act_free(act);
		return rc;
	}
	rc = desk_make(d->sh, kind, number, field, text, &act->st, err);
	if (rc == OD_OK && kind == STMT_SHIPMENT_CONFIRM) {
		if (carrier == NULL || tracking == NULL || !carrier[0] ||
		    !tracking[0])
			rc = od_err_set(err, OD_E_INPUT, "a shipment needs a "
					"carrier and a tracking number");
		if (rc == OD_OK)
			rc = statement_add(act->st, "carrier", carrier, err);
		if (rc == OD_OK)
			rc = statement_add(act->st, "tracking", tracking, err);
		if (rc == OD_OK)
			rc = desk_ship_items_text(d->sh, act->st, number,
						  text, err);
		if (rc == OD_OK)
			snprintf(act->carrier, sizeof act->carrier, "%s",
				 carrier);
	}
	if (rc == OD_OK)
		rc = desk_head_prev(d->sh->store, act->prev, err);
	if (rc == OD_OK)
		rc = statement_set_prev(act->st, act->prev, err);
	/* The dialog shows the time ledger_append will sign. */
	if (rc == OD_OK)
		rc = ledger_fit_time(d->sh->store, act->st, err);
	if (rc == OD_OK)
		rc = statement_build(act->st, &act->text, err);
	shop_release(d->sh);
	if (rc != OD_OK) {
		desk_act_free(act);
		return rc;
	}
	*out = act;
	return OD_OK;
}

const char *desk_act_text(const struct desk_act *act)
{
	return act->text.data ? act->text.data : "";
}

/* Rereads one order's status into the index after it changed. */
static void refresh_row(struct desk *d, const char *number)
{
	struct order *o = NULL;
	struct od_err ignored;
	size_t i;

	if (store_order_get(d->sh->store, number, &o, &ignored) != OD_OK)
		return;
	for (i = 0; i < d->nrows; i++) {
		if (strcmp(d->rows[i].number, number) != 0)
			continue;
		d->rows[i].status = (uint8_t)o->status;
		break;
	}
	if (d->sort == DESK_SORT_STATUS) {
		free(d->perm);
		d->perm = NULL;
	}
	record_order_free(o);
	build_view(d);
}

/*
 * Signs act in one transaction.  With follow, a log that moved on since
 * act was prepared is not an error: the statement is linked to the new tip
 * instead (a bulk action, whose dialog showed every field but prev).
 */
static enum od_code act_sign(struct desk *d, struct desk_act *act, int follow,
			     long long *seq, struct od_err *err)
{
	char prev[STMT_PREV_LEN + 1];
	struct buf text;
	enum od_code rc;
	int seen = 0;

	*seq = 0;
	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (strcmp(act->st->actor, d->sh->user) != 0)
		return od_err_set(err, OD_E_AUTH, "this action was prepared "
				  "by %s; prepare it again", act->st->actor);
	/*
	 * shop_append's transaction, with one more check inside it: the
	 * statement follows the head it was shown with, so the bytes signed
	 * are exactly the bytes the person saw.
	 */
	rc = desk_hold(d, SHOP_WRITE, err);
	if (rc != OD_OK)
		return rc;
	buf_init(&text, STMT_MAX_BYTES);
	rc = store_begin(d->sh->store, err);
	if (rc != OD_OK)
		goto out;
	rc = desk_head_prev(d->sh->store, prev, err);
	/* Whether the index was up to date before this entry: then it is
	 * after it too (refresh_row), and the watch follows. */
	seen = rc == OD_OK && desk_watch_current(d);
	if (rc == OD_OK && follow && strcmp(prev, act->prev) != 0) {
		memcpy(act->prev, prev, sizeof act->prev);
		rc = statement_set_prev(act->st, act->prev, err);
		buf_reset(&act->text);
		if (rc == OD_OK)
			rc = ledger_fit_time(d->sh->store, act->st, err);
		if (rc == OD_OK)
			rc = statement_build(act->st, &act->text, err);
	}
	if (rc == OD_OK && strcmp(prev, act->prev) != 0)
		rc = od_err_set(err, OD_E_STATE, "the shop's log moved on "
				"while the dialog was open; nothing was "
				"signed, look at the order again");
	if (rc == OD_OK && act->kind == STMT_USER_ADD)
		rc = shop_user_add_append(d->sh, act->st, act->seed, act->pass,
					  act->pass_len, seq, err);
	else if (rc == OD_OK)
		rc = ledger_append(d->sh->store, d->sh->key, act->st, seq,
				   err);
	if (rc == OD_OK)
		rc = statement_build(act->st, &text, err);
	if (rc == OD_OK && (text.len != act->text.len ||
			    memcmp(text.data, act->text.data, text.len)))
		rc = od_err_set(err, OD_E_INTERNAL, "the statement changed "
				"between the dialog and the signature; "
				"nothing was signed");
	if (rc != OD_OK) {
		store_rollback(d->sh->store);
		*seq = 0;
		/* Refused for its state: the row shows what the store holds. */
		if (rc == OD_E_STATE && act->number[0])
			refresh_row(d, act->number);
		goto out;
	}
	rc = store_commit(d->sh->store, err);
	if (rc != OD_OK) {
		*seq = 0;
		goto out;
	}
	if (act->kind == STMT_SHIPMENT_CONFIRM)
		memcpy(d->last_carrier, act->carrier, sizeof d->last_carrier);
	if (act->number[0])
		refresh_row(d, act->number);
	if (seen)
		watch_note(d);
	/* A revoke is finished by dropping the slot and changing the key. */
	if (act->kind == STMT_USER_REVOKE &&
	    keyslot_has(d->sh->slots, act->user))
		rc = shop_user_revoke(d->sh, act->user, err);
out:
	shop_release(d->sh);
	buf_free(&text);
	/*
	 * What was signed goes to the backend soon.  A revoke changed the
	 * store's key, which the thread's handle holds a copy of: it starts
	 * again with the new one (after the release: it reads the store).
	 */
	if (*seq > 0 && act->kind == STMT_USER_REVOKE &&
	    d->bg.thread != NULL) {
		bg_stop(d);
		bg_start(d);
	} else if (*seq > 0) {
		sync_thread_kick(d->bg.thread);
	}
	return rc;
}

enum od_code desk_act_sign(struct desk *d, struct desk_act *act,
			   long long *seq, struct od_err *err)
{
	return act_sign(d, act, 0, seq, err);
}

enum od_code desk_act_sign_follow(struct desk *d, struct desk_act *act,
				  long long *seq, struct od_err *err)
{
	return act_sign(d, act, 1, seq, err);
}

void desk_act_free(struct desk_act *act)
{
	if (act == NULL)
		return;
	statement_free(act->st);
	buf_free(&act->text);
	secret_wipe(act->seed, sizeof act->seed);
	secret_free_str(act->pass);
	free(act);
}

const char *desk_last_carrier(const struct desk *d)
{
	return d->last_carrier;
}

/* ---- the audit history ---- */

/* One word of an audit filter, matched against an entry. */
static int word_matches(const char *w, size_t wlen, const struct statement *st)
{
	const char *dots = memmem(w, wlen, "..", 2);
	const char *kind = statement_kind_name(st->kind);

	if (dots != NULL) {
		/* A date range: compare the date part of the time. */
		size_t alen = (size_t)(dots - w), blen = wlen - alen - 2;

		return strncmp(st->time, w, alen) >= 0 &&
		       strncmp(st->time, dots + 2, blen) <= 0;
	}
	if (strlen(st->actor) == wlen && memcmp(st->actor, w, wlen) == 0)
		return 1;
	if (strlen(st->order) == wlen && memcmp(st->order, w, wlen) == 0)
		return 1;
	if (kind != NULL && strncmp(kind, w, wlen) == 0)
		return 1;
	return strncmp(st->time, w, wlen) == 0;
}

/* Whether every word of filter matches st. */
static int filter_matches(const char *filter, const struct statement *st)
{
	const char *p = filter, *end;

	while (p != NULL && *p) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ' ');
		if (end == NULL)
			end = p + strlen(p);
		if (!word_matches(p, (size_t)(end - p), st))
			return 0;
		p = end;
	}
	return 1;
}

/* An entry kept for the audit until the walk ends. */
struct kept {
	struct desk_entry e;
	char *text;
	size_t len;
	uint8_t sig[SIGKEY_SIG_LEN];
};

struct audit_walk {
	struct desk *d;
	const char *filter;
	struct kept *ring;      /* DESK_AUDIT_MAX, oldest overwritten */
	size_t next, count;
	long long last_seq;     /* the last entry walked, or where it began */
	uint8_t prev_hash[LEDGER_HASH_LEN];   /* and its chain hash */
	long long scanned;
	long long tip;          /* an entry already read: only compared */
	int moved;              /* it is not in the log as it was read */
	int people;             /* a user.* entry was walked */
};

/* Frees what a kept entry owns. */
static void kept_clear(struct kept *k)
{
	free(k->text);
	free(k->e.detail);
	memset(k, 0, sizeof *k);
}

static enum od_code audit_entry(void *ctx, const struct log_record *r,
				struct od_err *err)
{
	struct audit_walk *w = ctx;
	uint8_t hash[LEDGER_HASH_LEN];
	struct statement *st = NULL;
	struct od_err ignored;
	struct kept *k;
	int chain_ok;
	enum od_code rc;

	if (r->seq <= w->tip) {
		/* Where an update starts: the entry it was read up to. */
		w->moved = r->seq != w->tip ||
			   memcmp(r->hash, w->prev_hash, sizeof hash) != 0;
		return w->moved ? OD_E_EXISTS : OD_OK;
	}
	w->scanned++;
	w->last_seq = r->seq;
	chain_ok = ledger_hash(w->prev_hash, r->seq, r->statement,
			       r->statement_len, r->signature, hash,
			       &ignored) == OD_OK &&
		   memcmp(hash, r->hash, sizeof hash) == 0;
	memcpy(w->prev_hash, r->hash, sizeof w->prev_hash);
	rc = statement_parse(r->statement, r->statement_len, &st, err);
	if (rc != OD_OK)
		return rc;
	if (st->kind == STMT_USER_ADD || st->kind == STMT_USER_ROLE ||
	    st->kind == STMT_USER_REVOKE || st->kind == STMT_USER_REKEY)
		w->people = 1;
	if (!filter_matches(w->filter, st)) {
		statement_free(st);
		return OD_OK;
	}
	k = &w->ring[w->next];
	kept_clear(k);
	w->next = (w->next + 1) % DESK_AUDIT_MAX;
	if (w->count < DESK_AUDIT_MAX)
		w->count++;
	k->e.seq = r->seq;
	memcpy(k->e.time, st->time, sizeof k->e.time);
	memcpy(k->e.actor, st->actor, sizeof k->e.actor);
	memcpy(k->e.order, st->order, sizeof k->e.order);
	k->e.kind = statement_kind_name(st->kind);
	k->e.chain_ok = chain_ok;
	memcpy(k->e.id, st->id, sizeof k->e.id);
	rc = event_detail(st, &k->e.detail, err);
	if (rc == OD_OK && k->e.detail[0] == '\0' &&
	    statement_get(st, "user") != NULL) {
		free(k->e.detail);
		k->e.detail = strdup(statement_get(st, "user"));
		if (k->e.detail == NULL)
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	k->text = malloc(r->statement_len);
	if (rc == OD_OK && k->text == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	if (rc == OD_OK) {
		memcpy(k->text, r->statement, r->statement_len);
		k->len = r->statement_len;
		memcpy(k->sig, r->signature, sizeof k->sig);
	}
	statement_free(st);
	return rc;
}

/* Checks a kept entry's signature, now that it is known to be shown. */
static void audit_check(struct store *s, struct kept *k)
{
	struct log_record r;
	struct statement *st = NULL;
	struct od_err ignored;
	char role[16];

	memset(&r, 0, sizeof r);
	r.statement = k->text;
	r.statement_len = k->len;
	memcpy(r.signature, k->sig, sizeof r.signature);
	if (statement_parse(k->text, k->len, &st, &ignored) != OD_OK)
		return;
	if (st->kind == STMT_SHOP_GENESIS) {
		uint8_t pub[SIGKEY_PUB_LEN];
		struct sigkey_pub *p = NULL;

		/* The founder's key is in the statement itself. */
		k->e.sig_ok = fold_signer_key(s, st, pub, &ignored) == OD_OK &&
			      sigkey_pub_new(pub, &p, &ignored) == OD_OK &&
			      sigkey_pub_verify(p, k->text, k->len, k->sig,
						&ignored) == OD_OK;
		sigkey_pub_free(p);
		snprintf(k->e.role, sizeof k->e.role, "owner");
	} else {
		role[0] = '\0';
		k->e.sig_ok = signature_checks(s, st, &r, role, sizeof role);
		memcpy(k->e.role, role, sizeof k->e.role);
	}
	statement_free(st);
}

/* Whether d may read the whole history with filter. */
static enum od_code audit_may(struct desk *d, const char *filter,
			      struct od_err *err)
{
	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (d->sh->role != ROLE_OWNER)
		return od_err_set(err, OD_E_DENIED, "only an owner may read "
				  "the whole history");
	if (filter != NULL && *filter != '\0')
		return utf8_check_text("filter", filter, strlen(filter),
				       DESK_SEARCH_MAX, 0, err);
	return OD_OK;
}

/* Frees what a walk holds. */
static void audit_walk_free(struct audit_walk *w)
{
	size_t i;

	for (i = 0; w->ring != NULL && i < DESK_AUDIT_MAX; i++)
		kept_clear(&w->ring[i]);
	free(w->ring);
	w->ring = NULL;
}

/*
 * Walks the log after old's tip (the whole log if old is NULL) into w,
 * the store held.  w->moved: old's tip is no longer in the log as read.
 */
static enum od_code audit_walk_run(struct desk *d, const char *filter,
				   const struct desk_audit *old,
				   struct audit_walk *w, struct od_err *err)
{
	enum od_code rc;

	audit_walk_free(w);
	memset(w, 0, sizeof *w);
	w->d = d;
	w->filter = filter;
	w->ring = calloc(DESK_AUDIT_MAX, sizeof *w->ring);
	if (w->ring == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (old == NULL || old->tip_seq == 0)
		return store_log_each(d->sh->store, NULL, audit_entry, w, err);
	w->tip = w->last_seq = old->tip_seq;
	memcpy(w->prev_hash, old->tip_hash, sizeof w->prev_hash);
	w->moved = 1;   /* until the tip is met */
	rc = store_log_each_after(d->sh->store, old->tip_seq - 1, audit_entry,
				  w, err);
	return rc == OD_E_EXISTS && w->moved ? OD_OK : rc;
}

/*
 * Fills a with w's entries, checked, newest first, then old's (taken
 * from it; NULL: none) up to DESK_AUDIT_MAX in all.
 */
static enum od_code audit_collect(struct store *s, struct audit_walk *w,
				  struct desk_audit *old, struct desk_audit *a,
				  struct od_err *err)
{
	size_t keep = old != NULL ? old->n : 0, i;

	if (keep > DESK_AUDIT_MAX - w->count)
		keep = DESK_AUDIT_MAX - w->count;
	a->entries = calloc(w->count + keep ? w->count + keep : 1,
			    sizeof *a->entries);
	if (a->entries == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	/* Newest first: walk the ring backwards from the last one kept. */
	for (i = 0; i < w->count; i++) {
		struct kept *k = &w->ring[(w->next + DESK_AUDIT_MAX - 1 - i) %
					  DESK_AUDIT_MAX];

		audit_check(s, k);
		a->entries[i] = k->e;
		k->e.detail = NULL;   /* now the audit's */
	}
	for (i = 0; i < keep; i++) {
		a->entries[w->count + i] = old->entries[i];
		old->entries[i].detail = NULL;
	}
	a->n = w->count + keep;
	a->scanned = (old != NULL ? old->scanned : 0) + w->scanned;
	a->tip_seq = w->last_seq;
	memcpy(a->tip_hash, w->prev_hash, sizeof a->tip_hash);
	return OD_OK;
}

enum od_code desk_audit(struct desk *d, const char *filter,
			struct desk_audit **out, struct od_err *err)
{
	struct audit_walk w;
	struct desk_audit *a = NULL;
	enum od_code rc;

	*out = NULL;
	memset(&w, 0, sizeof w);
	rc = audit_may(d, filter, err);
	if (rc != OD_OK)
		return rc;
	a = calloc(1, sizeof *a);
	if (a == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	snprintf(a->filter, sizeof a->filter, "%s", filter ? filter : "");
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		goto out;
	rc = audit_walk_run(d, a->filter, NULL, &w, err);
	if (rc == OD_OK)
		rc = audit_collect(d->sh->store, &w, NULL, a, err);
out:
	if (d->sh != NULL)
		shop_release(d->sh);
	audit_walk_free(&w);
	if (rc != OD_OK) {
		desk_audit_free(a);
		return rc;
	}
	*out = a;
	return OD_OK;
}

enum od_code desk_audit_update(struct desk *d, struct desk_audit *a,
			       struct od_err *err)
{
	struct desk_audit b;
	struct audit_walk w;
	long long head = 0;
	uint8_t hash[LEDGER_HASH_LEN];
	enum od_code rc;
	size_t i;

	memset(&w, 0, sizeof w);
	memset(&b, 0, sizeof b);
	rc = audit_may(d, a->filter, err);
	if (rc == OD_OK)
		rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = store_log_head(d->sh->store, &head, hash, err);
	/* Nothing new: the common case, for the price of one row. */
	if (rc == OD_OK && head == a->tip_seq &&
	    memcmp(hash, a->tip_hash, sizeof hash) == 0)
		goto out;
	if (rc == OD_OK)
		rc = audit_walk_run(d, a->filter, a, &w, err);
	if (rc == OD_OK && (w.moved || w.people)) {
		/* What was read is stale: read it all again. */
		rc = audit_walk_run(d, a->filter, NULL, &w, err);
		if (rc == OD_OK)
			rc = audit_collect(d->sh->store, &w, NULL, &b, err);
	} else if (rc == OD_OK) {
		rc = audit_collect(d->sh->store, &w, a, &b, err);
	}
	if (rc != OD_OK)
		goto out;
	/* What did not fit, and what the whole read replaced. */
	for (i = 0; i < a->n; i++)
		free(a->entries[i].detail);
	free(a->entries);
	memcpy(b.filter, a->filter, sizeof b.filter);
	*a = b;
out:
	if (d->sh != NULL)
		shop_release(d->sh);
	audit_walk_free(&w);
	return rc;
}

void desk_audit_free(struct desk_audit *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++)
		free(a->entries[i].detail);
	free(a->entries);
	free(a);
}

enum od_code desk_verify_all(struct desk *d, long long *entries,
			     struct od_err *err)
{
	struct ledger_report rep;
	enum od_code rc;

	*entries = 0;
	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	memset(&rep, 0, sizeof rep);
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = ledger_verify(d->sh->store, &rep, err);
	shop_release(d->sh);
	if (rc == OD_OK)
		*entries = rep.entries;
	return rc;
}

/* refresh_row for desk-check.c: a check refused for the order's state
 * shows the row as the store holds it (the store held by the caller). */
void desk_row_refresh(struct desk *d, const char *number)
{
	refresh_row(d, number);
}

/* For desk-hold.c: the index's orders of one status, whatever the list
 * shows, without a walk of the store. */
size_t desk_index_with_status(const struct desk *d, int status,
			      const char **numbers, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < d->nrows; i++) {
		if (d->rows[i].status != status)
			continue;
		if (n < max)
			numbers[n] = d->rows[i].number;
		n++;
	}
	return n;
}

/* For desk-pick.c, which keeps the filter language's choice. */
struct desk_pick_state *desk_pick_state(struct desk *d)
{
	return &d->pick;
}

const struct desk_row *desk_index_rows(const struct desk *d, size_t *n)
{
	*n = d->nrows;
	return d->rows;
}

void desk_view_rebuild(struct desk *d)
{
	build_view(d);
}
