/*
 * desk-numbers.c - order numbers by prefix from the store, for the `:`
 * line's Tab (desk-numbers.h).
 */
#include "app/desk/desk-numbers.h"

#include <stdio.h>

#include "app/desk/desk-internal.h"
#include "storage/store-numbers.h"

/* Copies a number into the next slot of the numbers. */
static enum od_code add_number(void *ctx, const char *number,
			       struct od_err *err)
{
	struct desk_numbers *out = ctx;

	(void)err;
	if (out->n <= DESK_NUMBERS_MAX)
		snprintf(out->v[out->n++], sizeof out->v[0], "%s", number);
	return OD_OK;
}

/*
 * The first DESK_NUMBERS_MAX and one more (to know there are more), then
 * in its place the last: two walks of the index's range, each stopping
 * at its limit.
 */
static enum od_code read_numbers(struct store *s, const char *prefix,
				 const struct store_numbers_scope *scope,
				 struct desk_numbers *out, struct od_err *err)
{
	enum od_code rc = store_numbers_prefix(s, prefix, scope, 0,
					       DESK_NUMBERS_MAX + 1,
					       add_number, out, err);

	if (rc != OD_OK || out->n <= DESK_NUMBERS_MAX)
		return rc;
	out->more = 1;
	out->n = DESK_NUMBERS_MAX;
	return store_numbers_prefix(s, prefix, scope, 1, 1, add_number, out,
				    err);
}

enum od_code desk_numbers(struct desk *d, const char *prefix,
			  const struct desk_tab *t, struct desk_numbers *out,
			  struct od_err *err)
{
	struct store_numbers_scope scope;
	enum od_code rc;

	out->n = 0;
	out->more = 0;
	if (t == NULL)
		t = &d->tab;
	scope.statuses = t->statuses;
	scope.open_return = (t->facts & DESK_FACT_RETURN) != 0;
	rc = desk_hold_now(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = read_numbers(desk_shop(d)->store, prefix, &scope, out, err);
	shop_release(desk_shop(d));
	if (rc != OD_OK) {
		out->n = 0;
		out->more = 0;
	}
	return rc;
}
