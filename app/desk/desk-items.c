/*
 * desk-items.c - a parcel's items in a shipment statement: every unit
 * left, or those asked (the command line's --item SKU[:QTY], the ship
 * dialog's "SKU QTY, SKU QTY"), checked against the order.  Reads the
 * held store only, so that desk.c's desk_prepare can use it.
 */
#include "app/desk/desk-shop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/order.h"
#include "storage/store.h"

enum od_code desk_ship_items(struct shop *sh, struct statement *st,
			     const char *number, char **asked, size_t nasked,
			     struct od_err *err)
{
	struct order *o = NULL;
	char item[ORDER_SKU_MAX + 32], *colon;
	enum od_code rc = OD_OK;
	size_t i;

	for (i = 0; i < nasked && rc == OD_OK; i++) {
		/* SKU[:QTY], QTY 1 when left out. */
		snprintf(item, sizeof item, "%s", asked[i]);
		colon = strrchr(item, ':');
		if (colon != NULL)
			*colon = ' ';
		else if (strlen(item) + 2 < sizeof item)
			strcat(item, " 1");
		rc = statement_add(st, "item", item, err);
	}
	if (nasked > 0 || rc != OD_OK)
		return rc;
	rc = store_order_get(sh->store, number, &o, err);
	for (i = 0; rc == OD_OK && i < o->nitems; i++) {
		if (o->items[i].shipped >= o->items[i].qty)
			continue;
		snprintf(item, sizeof item, "%s %lld", o->items[i].sku,
			 o->items[i].qty - o->items[i].shipped);
		rc = statement_add(st, "item", item, err);
	}
	if (rc == OD_OK && statement_get(st, "item") == NULL)
		rc = od_err_set(err, OD_E_STATE, "order %s has nothing left "
				"to ship", number);
	record_order_free(o);
	return rc;
}

/* Takes "SKU QTY", "SKU:QTY" or "SKU" (1) from one comma-separated part. */
static enum od_code parse_part(const char *part, size_t n, char *sku,
			       long long *qty, struct od_err *err)
{
	char tmp[ORDER_SKU_MAX + 32], *sep, *end;

	while (n > 0 && (*part == ' ' || *part == '\t'))
		part++, n--;
	while (n > 0 && (part[n - 1] == ' ' || part[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof tmp)
		return od_err_set(err, OD_E_INPUT, "items: write each as SKU "
				  "and quantity, separated by commas "
				  "(\"TEA-01 2, MUG-3 1\")");
	memcpy(tmp, part, n);
	tmp[n] = '\0';
	sep = strpbrk(tmp, " :");
	*qty = 1;
	if (sep != NULL) {
		*sep = '\0';
		*qty = strtoll(sep + 1 + strspn(sep + 1, " "), &end, 10);
		if (*end != '\0' || *qty <= 0)
			return od_err_set(err, OD_E_INPUT, "items: the quantity "
					  "of %.64s must be a whole number "
					  "from 1", tmp);
	}
	if (strlen(tmp) > ORDER_SKU_MAX)
		return od_err_set(err, OD_E_INPUT, "items: an SKU is at most "
				  "%d characters", ORDER_SKU_MAX);
	memcpy(sku, tmp, strlen(tmp) + 1);
	return OD_OK;
}

/* Takes qty units of sku from what is left of o's lines (left[i]),
 * adding one "SKU QTY" field per line it comes from. */
static enum od_code take_units(const struct order *o, long long *left,
			       struct statement *st, const char *sku,
			       long long qty, struct od_err *err)
{
	char item[ORDER_SKU_MAX + 32];
	long long have = 0, take;
	enum od_code rc = OD_OK;
	size_t i;
	int known = 0;

	for (i = 0; i < o->nitems; i++)
		if (strcmp(o->items[i].sku, sku) == 0) {
			known = 1;
			have += left[i];
		}
	if (!known)
		return od_err_set(err, OD_E_INPUT, "items: %s is not in order "
				  "%s", sku, o->number);
	if (qty > have)
		return od_err_set(err, OD_E_INPUT, "items: only %lld of %s "
				  "%s left to ship in order %s", have, sku,
				  have == 1 ? "is" : "are", o->number);
	for (i = 0; rc == OD_OK && qty > 0 && i < o->nitems; i++) {
		if (strcmp(o->items[i].sku, sku) != 0 || left[i] == 0)
			continue;
		take = qty < left[i] ? qty : left[i];
		left[i] -= take;
		qty -= take;
		snprintf(item, sizeof item, "%s %lld", sku, take);
		rc = statement_add(st, "item", item, err);
	}
	return rc;
}

enum od_code desk_ship_items_text(struct shop *sh, struct statement *st,
				  const char *number, const char *items,
				  struct od_err *err)
{
	char sku[ORDER_SKU_MAX + 1];
	struct order *o = NULL;
	long long *left = NULL, qty = 0;
	const char *p, *comma;
	enum od_code rc;
	size_t i;

	if (items == NULL || items[strspn(items, " ,")] == '\0')
		return desk_ship_items(sh, st, number, NULL, 0, err);
	rc = store_order_get(sh->store, number, &o, err);
	if (rc == OD_OK && (left = calloc(o->nitems + 1, sizeof *left)) ==
	    NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	for (i = 0; rc == OD_OK && i < o->nitems; i++)
		left[i] = o->items[i].qty - o->items[i].shipped;
	for (p = items; rc == OD_OK && p != NULL; p = comma ? comma + 1 :
						  NULL) {
		comma = strchr(p, ',');
		/* An empty part ("A 1, , B 2" or a comma at the end). */
		if ((comma ? (size_t)(comma - p) : strlen(p)) ==
		    strspn(p, " \t"))
			continue;
		rc = parse_part(p, comma ? (size_t)(comma - p) : strlen(p),
				sku, &qty, err);
		if (rc == OD_OK)
			rc = take_units(o, left, st, sku, qty, err);
	}
	free(left);
	record_order_free(o);
	return rc;
}
