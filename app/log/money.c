/* money.c - payment states, typed amounts, order.placed's money fields. */
#include "app/log/money.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "app/log/order.h"
#include "lib/format.h"

static const char *const state_names[PAY_STATE_COUNT] = {
	[PAY_UNPAID] = "unpaid",
	[PAY_AUTHORIZED] = "authorized",
	[PAY_COD] = "cash on delivery",
	[PAY_PARTLY_PAID] = "partially paid",
	[PAY_PAID] = "paid",
	[PAY_PARTLY_REFUNDED] = "partially refunded",
	[PAY_REFUNDED] = "refunded",
};

static const char *const arrival_names[ARRIVAL_COUNT] = {
	[ARRIVAL_UNPAID] = "unpaid",
	[ARRIVAL_AUTHORIZED] = "authorized",
	[ARRIVAL_PAID] = "paid",
	[ARRIVAL_COD] = "cod",
};

enum pay_state money_state(const struct order *o)
{
	if (o->refunded > 0)
		return o->refunded >= o->paid ? PAY_REFUNDED
					      : PAY_PARTLY_REFUNDED;
	/* An order of nothing owes nothing. */
	if (o->paid >= o->total && (o->paid > 0 || o->total == 0))
		return PAY_PAID;
	if (o->paid > 0)
		return PAY_PARTLY_PAID;
	if (o->arrival == ARRIVAL_COD)
		return PAY_COD;
	if (o->arrival == ARRIVAL_AUTHORIZED)
		return PAY_AUTHORIZED;
	return PAY_UNPAID;
}

const char *money_state_name(enum pay_state s)
{
	return (unsigned)s < PAY_STATE_COUNT ? state_names[s] : NULL;
}

enum od_code money_parse(const char *text, const char *currency,
			 long long *minor, struct od_err *err)
{
	int e = format_currency_exponent(currency), decimals = -1;
	long long v = 0;
	const char *p;

	if (*text == '\0' || *text == '.')
		goto bad;
	for (p = text; *p != '\0'; p++) {
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			goto bad;
		if (decimals >= 0 && ++decimals > e)
			return od_err_set(err, OD_E_USAGE,
					  "amount: %s has %d decimals; "
					  "give at most %d", currency, e, e);
		if (v > ORDER_MAX_AMOUNT)
			goto range;
		v = v * 10 + (*p - '0');
	}
	if (decimals == 0)
		goto bad;
	for (decimals = decimals < 0 ? 0 : decimals; decimals < e; decimals++)
		v *= 10;
	if (v < 1 || v > ORDER_MAX_AMOUNT)
		goto range;
	*minor = v;
	return OD_OK;
bad:
	return od_err_set(err, OD_E_USAGE,
			  "amount: must be a number like 25.00 (digits and "
			  "at most one point, no sign or currency)");
range:
	return od_err_set(err, OD_E_USAGE,
			  "amount: must be more than 0 and at most %lld minor "
			  "units", ORDER_MAX_AMOUNT);
}

enum od_code money_arrival_parse(const char *name, enum order_arrival *a,
				 struct od_err *err)
{
	int i;

	for (i = 0; i < ARRIVAL_COUNT; i++) {
		if (strcmp(name, arrival_names[i]) == 0) {
			*a = (enum order_arrival)i;
			return OD_OK;
		}
	}
	return od_err_set(err, OD_E_INPUT,
			  "payment: must be unpaid, authorized, paid or cod");
}

/* A canonical decimal 0..ORDER_MAX_AMOUNT, as the statement checked. */
static int amount_value(const char *v, long long *out)
{
	long long x = 0;

	if (*v == '\0' || (v[0] == '0' && v[1] != '\0'))
		return 0;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9' || x > ORDER_MAX_AMOUNT)
			return 0;
		x = x * 10 + (*v - '0');
	}
	*out = x;
	return x <= ORDER_MAX_AMOUNT;
}

int money_placed_field(struct order *o, const char *name, const char *v,
		       enum od_code *rc, struct od_err *err)
{
	long long *dst = strcmp(name, "shipping") == 0 ? &o->shipping
		       : strcmp(name, "tax") == 0      ? &o->tax
		       : strcmp(name, "discount") == 0 ? &o->discount
						       : NULL;

	if (dst != NULL) {
		*rc = OD_OK;
		if (!amount_value(v, dst))
			*rc = od_err_set(err, OD_E_INPUT,
					 "order %s: the statement's %s is not "
					 "a plain decimal number", o->number,
					 name);
		return 1;
	}
	if (strcmp(name, "payment") != 0)
		return 0;
	*rc = money_arrival_parse(v, &o->arrival, err);
	if (*rc == OD_OK && o->arrival == ARRIVAL_UNPAID)
		/* Unpaid is said by leaving the field out. */
		*rc = od_err_set(err, OD_E_INPUT,
				 "order %s: payment: must be authorized, paid "
				 "or cod", o->number);
	return 1;
}
