/*
 * cli-amend-add.c - `amend --add-item SKU:QTY:PRICE[:NAME]`: an item the
 * order lacks, its price typed in the order's currency ("12.50"), as the
 * order.amend's add-item "SKU QTY PRICE NAME" (the name is the SKU when
 * not given).
 */
#include "app/orderdesk/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/money.h"
#include "app/log/order.h"

/* The usage error for a malformed --add-item. */
static enum od_code bad(struct od_err *err)
{
	return od_err_set(err, OD_E_USAGE, "--add-item: give "
			  "SKU:QUANTITY:PRICE[:NAME] (quantity 1 to 100000, "
			  "price in the order's currency), e.g. "
			  "TEA-002:1:12.50:Green tea");
}

enum od_code cli_amend_add_item(struct statement *st, const struct order *o,
				const char *arg, long long *total,
				struct od_err *err)
{
	char sku[ORDER_SKU_MAX + 1], price[32], value[1024], *end;
	const char *q = strchr(arg, ':'), *p, *name;
	long long qty, minor = 0;
	enum od_code rc = OD_OK;
	size_t i;

	if (q == NULL || q == arg || (size_t)(q - arg) >= sizeof sku)
		return bad(err);
	snprintf(sku, sizeof sku, "%.*s", (int)(q - arg), arg);
	qty = strtoll(q + 1, &end, 10);
	if (end == q + 1 || *end != ':' || qty < 1 || qty > 100000)
		return bad(err);
	p = end + 1;
	name = strchr(p, ':');
	if ((size_t)(name ? name - p : (long)strlen(p)) >= sizeof price)
		return bad(err);
	snprintf(price, sizeof price, "%.*s",
		 (int)(name ? name - p : (long)strlen(p)), p);
	name = name ? name + 1 : sku;
	if (*name == '\0')
		return bad(err);
	/* A free item is a price of 0, which money_parse (amounts paid)
	 * does not take. */
	if (strcmp(price, "0") != 0)
		rc = money_parse(price, o->currency, &minor, err);
	for (i = 0; rc == OD_OK && i < o->nitems; i++)
		if (strcmp(o->items[i].sku, sku) == 0)
			return od_err_set(err, OD_E_USAGE, "--add-item: order %s "
					  "has %s already; change its quantity "
					  "with --item %s:QTY", o->number, sku,
					  sku);
	if (rc != OD_OK)
		return rc;
	if ((size_t)snprintf(value, sizeof value, "%s %lld %lld %s", sku, qty,
			     minor, name) >= sizeof value)
		return bad(err);
	*total += qty * minor;
	return statement_add(st, "add-item", value, err);
}
