/* rma.c - numbering an order's next return (see rma.h). */
#include "app/shop/rma.h"

#include <stdio.h>

/* Counts an order's returns, to number the next. */
static enum od_code count_one(void *ctx, const struct return_record *r,
			      struct od_err *err)
{
	(void)r;
	(void)err;
	++*(size_t *)ctx;
	return OD_OK;
}

enum od_code shop_next_rma(struct store *s, const char *order, char *rma,
			   size_t cap, struct od_err *err)
{
	size_t n = 0;
	enum od_code rc = store_return_each(s, order, count_one, &n, err);

	snprintf(rma, cap, "%s-R%zu", order, n + 1);
	return rc;
}
