/*
 * statement-amend.c - the value rule of an order.amend's item: "SKU QTY"
 * where 0 takes the item out of the order (its was-item says how many it
 * had).  Items added carry order.placed's form (stmt_check_placed_item).
 */
#include "app/log/statement-spec.h"

#include <string.h>

enum od_code stmt_check_amend_item(const struct field_spec *f, const char *v,
				   size_t n, struct od_err *err)
{
	const char *sp = memchr(v, ' ', n);
	unsigned long long x;

	if (sp == NULL)
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be \"SKU QUANTITY\"", f->name);
	if (!stmt_sku_ok(v, (size_t)(sp - v)))
		return od_err_set(err, OD_E_INPUT, "%s: SKU must be 1 to %d "
				  "characters of A-Z, a-z, 0-9, '.', '_', '/' "
				  "or '-'", f->name, STMT_SKU_MAX);
	if (!stmt_parse_decimal(sp + 1, n - (size_t)(sp + 1 - v),
				STMT_MAX_QTY, &x))
		return od_err_set(err, OD_E_INPUT, "%s: quantity must be a "
				  "whole number from 0 (taken out) to %llu "
				  "without leading zeros", f->name,
				  STMT_MAX_QTY);
	return OD_OK;
}
