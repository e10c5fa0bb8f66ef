/* rma.c - return numbers: an order's next, and a number's order (rma.h). */
#include "app/shop/rma.h"

#include <stdio.h>
#include <string.h>

#include "app/log/order.h"

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

enum od_code shop_rma_order(const char *rma, char *order, size_t cap,
			    struct od_err *err)
{
	const char *r = NULL, *p;

	for (p = strstr(rma, "-R"); p != NULL; p = strstr(p + 1, "-R"))
		r = p;
	if (r == NULL || r == rma || (size_t)(r - rma) >= cap ||
	    strspn(r + 2, "0123456789") != strlen(r + 2) || r[2] == '\0')
		return od_err_set(err, OD_E_USAGE,
				  "a return number looks like 1042-R1");
	memcpy(order, rma, (size_t)(r - rma));
	order[r - rma] = '\0';
	return order_number_check(order, err);
}
