/*
 * desk-sync.c - the orders screen's sync column: an order has reached the
 * backend when none of its statements comes after the last head the desk
 * verified from it.  Only the entries after that head are read, and the
 * few numbers they name are kept sorted for a look-up per drawn row.
 */
#include "app/desk/desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"
#include "app/sync/sync-status.h"
#include "app/sync/sync.h"
#include "storage/store.h"

struct desk_sync {
	int attached;
	long long seq;
	char (*numbers)[STMT_ORDER_MAX + 1];
	size_t n, cap;
	int full;               /* out of memory or past the cap */
};

/* Notes one order that has entries after the synced head. */
static void add_number(void *ctx, const char *number)
{
	struct desk_sync *s = ctx;

	if (s->full)
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		void *bigger;

		if (cap > DESK_UNSYNCED_MAX ||
		    (bigger = realloc(s->numbers, cap * sizeof *s->numbers)) ==
		    NULL) {
			s->full = 1;
			return;
		}
		s->numbers = bigger;
		s->cap = cap;
	}
	snprintf(s->numbers[s->n++], sizeof s->numbers[0], "%s", number);
}

/* strcmp for qsort and bsearch over the numbers. */
static int cmp_number(const void *a, const void *b)
{
	return strcmp(a, b);
}

enum od_code desk_sync_read(struct desk *d, struct desk_sync **out,
			    struct od_err *err)
{
	struct desk_sync *s;
	struct shop *sh;
	enum od_code rc;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK) {
		free(s);
		return rc;
	}
	sh = desk_shop(d);
	rc = sync_synced_seq(sh->store, &s->attached, &s->seq, err);
	if (rc == OD_OK && s->attached)
		rc = store_log_orders_after(sh->store, s->seq, add_number, s,
					    err);
	shop_release(sh);
	if (rc == OD_OK && s->full)
		rc = od_err_set(err, OD_E_NOMEM, "too many orders not yet "
				"synced to list; run `orderdesk sync`");
	if (rc != OD_OK) {
		desk_sync_free(s);
		return rc;
	}
	/* Nothing after the head leaves numbers NULL, which qsort must not
	 * be given. */
	if (s->n > 1)
		qsort(s->numbers, s->n, sizeof *s->numbers, cmp_number);
	*out = s;
	return OD_OK;
}

int desk_sync_attached(const struct desk_sync *s)
{
	return s != NULL && s->attached;
}

int desk_sync_reached(const struct desk_sync *s, const char *number)
{
	if (s == NULL || s->n == 0)
		return 1;
	return bsearch(number, s->numbers, s->n, sizeof *s->numbers,
		       cmp_number) == NULL;
}

void desk_sync_free(struct desk_sync *s)
{
	if (s == NULL)
		return;
	free(s->numbers);
	free(s);
}
