/*
 * import-shopify-refunds.c - what a Shopify order object says was given
 * back (import-shopify-refunds.h).
 *
 * Each of the order's `refunds` carries the money it moved as
 * `transactions`: {"kind": "refund", "status": "success", "amount":
 * "209.00", "currency": "USD", ...}.  Only those of kind refund that
 * succeeded gave money back: a pending one may still fail, a failed one
 * never did, and other kinds (a sale, a capture) are not refunds at all.
 * A refund with no transactions (items restocked, nothing paid back)
 * gives back nothing.  The sum is the figure the CSV export calls
 * `Refunded Amount`, so a webhook and an export of one order agree.
 */
#include "app/import/import-shopify-refunds.h"

#include <string.h>

#include "app/import/import-adapt.h"
#include "app/import/import-internal.h"

/* The string at key of obj, "" when absent, null or not a string. */
static const char *jstr(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/* Whether list at key of obj is absent or null (nothing), else checks it
 * is an array: 1 to read it, 0 to skip, OD_E_INPUT set otherwise. */
static int list_at(const char *pfx, json_t *obj, const char *key,
		   json_t **out, struct od_err *err)
{
	*out = json_object_get(obj, key);
	if (*out == NULL || json_is_null(*out))
		return 0;
	if (json_is_array(*out))
		return 1;
	od_err_set(err, OD_E_INPUT, "%s: %s: must be a list", pfx, key);
	return -1;
}

/* One transaction t: adds what it gave back to *sum. */
static enum od_code transaction(const char *pfx, json_t *t,
				const struct order *o, long long *sum,
				struct od_err *err)
{
	json_t *amount = json_object_get(t, "amount");
	const char *cur = jstr(t, "currency"), *status = jstr(t, "status");
	long long v;
	enum od_code rc;

	if (!json_is_object(t))
		return od_err_set(err, OD_E_INPUT, "%s: refunds' transactions: "
				  "each must be an object", pfx);
	if (strcmp(jstr(t, "kind"), "refund") != 0 ||
	    (status[0] != '\0' && strcmp(status, "success") != 0))
		return OD_OK;
	if (!json_is_string(amount))
		return od_err_set(err, OD_E_INPUT, "%s: refunds' transactions: "
				  "amount must be a string (\"10.00\")", pfx);
	/* Amounts of another currency (a customer's presentment currency)
	 * cannot be added to the order's figures. */
	if (cur[0] != '\0' && strcmp(cur, o->currency) != 0)
		return od_err_set(err, OD_E_INPUT, "%s: a refund in %.8s of an "
				  "order in %s: orderdesk keeps an order in "
				  "one currency; record it with `orderdesk "
				  "refund` instead", pfx, cur, o->currency);
	rc = import_decimal(pfx, "refunds' transactions' amount",
			    json_string_value(amount), o->currency, &v, err);
	if (rc != OD_OK)
		return rc;
	if (v > o->total - *sum)
		return od_err_set(err, OD_E_INPUT, "%s: refunds: more than the "
				  "order's total", pfx);
	*sum += v;
	return OD_OK;
}

enum od_code import_shopify_refunds(const char *pfx, json_t *jo,
				    const struct order *o, long long *out,
				    struct od_err *err)
{
	json_t *refunds, *r, *ts, *t;
	enum od_code rc = OD_OK;
	size_t i, k;
	int has;

	*out = 0;
	has = list_at(pfx, jo, "refunds", &refunds, err);
	if (has <= 0)
		return has < 0 ? err->code : OD_OK;
	json_array_foreach(refunds, i, r) {
		if (!json_is_object(r))
			return od_err_set(err, OD_E_INPUT, "%s: refunds: each "
					  "must be an object", pfx);
		has = list_at(pfx, r, "transactions", &ts, err);
		if (has < 0)
			return err->code;
		for (k = 0; rc == OD_OK && has && k < json_array_size(ts);
		     k++) {
			t = json_array_get(ts, k);
			rc = transaction(pfx, t, o, out, err);
		}
		if (rc != OD_OK)
			return rc;
	}
	return OD_OK;
}
