/*
 * order-statement.c - an order as the body of an order.placed statement,
 * and back: the one place that knows which field holds what.
 *
 * Both ways go through order_validate (order.c): nothing unchecked is
 * signed, and nothing read from a statement reaches the desk unchecked.
 */
#include "app/log/order.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "app/log/money.h"

/* A body field of order.placed and whether it is left out when empty. */
struct placed_field {
	const char *name;
	const char *value;
	int optional;
};

/* Adds fields in turn; an empty optional one is left out. */
static enum od_code add_fields(struct statement *st,
			       const struct placed_field *f, size_t n,
			       struct od_err *err)
{
	enum od_code rc;
	size_t i;

	for (i = 0; i < n; i++) {
		if (f[i].optional &&
		    (f[i].value == NULL || f[i].value[0] == '\0'))
			continue;
		rc = statement_add(st, f[i].name, f[i].value, err);
		if (rc != OD_OK)
			return rc;
	}
	return OD_OK;
}

enum od_code order_to_statement(const struct order *o, struct statement *st,
				struct od_err *err)
{
	const struct placed_field head[] = {
		{ "placed", o->placed_at, 0 },
		{ "currency", o->currency, 0 },
		{ "customer", o->customer_name, 0 },
		{ "email", o->email, 1 },
		{ "phone", o->phone, 1 },
		{ "ship-name", o->ship_name, 1 },   /* all or none */
	};
	const struct placed_field place[] = {
		{ "ship-city", o->city, 1 },
		{ "ship-postcode", o->postcode, 1 },
		{ "ship-country", o->country, 1 },
	};
	static const char *const arrivals[ARRIVAL_COUNT] = {
		[ARRIVAL_UNPAID] = "", [ARRIVAL_AUTHORIZED] = "authorized",
		[ARRIVAL_PAID] = "paid", [ARRIVAL_COD] = "cod",
	};
	char ship[24] = "", tax[24] = "", disc[24] = "";
	struct placed_field tail[] = {
		{ "shipping", ship, 1 },
		{ "tax", tax, 1 },
		{ "discount", disc, 1 },
		{ "total", NULL, 0 },
		{ "payment", NULL, 1 },
		{ "note", o->note, 1 },
	};
	struct buf val;
	enum od_code rc;
	size_t i;

	buf_init(&val, STMT_VALUE_MAX);
	/* Nothing unchecked is ever signed. */
	rc = order_validate(o, err);
	if (rc != OD_OK)
		goto out;
	if (st->kind != STMT_ORDER_PLACED ||
	    strcmp(st->order, o->number) != 0) {
		rc = od_err_set(err, OD_E_INTERNAL,
				"order %s: the statement is not an "
				"order.placed for this order", o->number);
		goto out;
	}
	rc = add_fields(st, head, sizeof head / sizeof head[0], err);
	for (i = 0; rc == OD_OK && i < o->nlines; i++)
		rc = statement_add(st, "ship-line", o->ship_lines[i], err);
	if (rc == OD_OK)
		rc = add_fields(st, place, sizeof place / sizeof place[0], err);
	for (i = 0; rc == OD_OK && i < o->nitems; i++) {
		buf_reset(&val);
		rc = buf_addf(&val, err, "%s %lld %lld %s", o->items[i].sku,
			      o->items[i].qty, o->items[i].unit_price,
			      o->items[i].name);
		if (rc == OD_OK)
			rc = statement_add(st, "item", val.data, err);
	}
	if (rc != OD_OK)
		goto out;
	buf_reset(&val);
	rc = buf_addf(&val, err, "%lld", o->total);
	if (rc != OD_OK)
		goto out;
	/* Absent means 0: an order without them is signed as before. */
	if (o->shipping)
		snprintf(ship, sizeof ship, "%lld", o->shipping);
	if (o->tax)
		snprintf(tax, sizeof tax, "%lld", o->tax);
	if (o->discount)
		snprintf(disc, sizeof disc, "%lld", o->discount);
	tail[3].value = val.data;
	tail[4].value = arrivals[o->arrival];
	rc = add_fields(st, tail, sizeof tail / sizeof tail[0], err);
out:
	buf_free(&val);
	return rc;
}

/*
 * Parses a canonical non-negative decimal (no sign, no leading zero) from
 * s[0..n); 0 if it is not one or does not fit a long long.
 */
static int parse_decimal(const char *s, size_t n, long long *v)
{
	size_t i;

	if (n == 0 || (n > 1 && s[0] == '0'))
		return 0;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (*v > (LLONG_MAX - (s[i] - '0')) / 10)
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* Copies a string, or fails with OD_E_NOMEM. */
static enum od_code dup_str(char **dst, const char *s, struct od_err *err)
{
	*dst = strdup(s);
	if (*dst == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

/* Sets a field that may appear once in the statement. */
static enum od_code set_once(const struct order *o, char **dst,
			     const char *name, const char *value,
			     struct od_err *err)
{
	if (*dst != NULL)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: the statement has field %s twice",
				  o->number, name);
	return dup_str(dst, value, err);
}

/* Fills the next item from an "SKU QTY UNIT_PRICE NAME" value. */
static enum od_code parse_item(struct order *o, const char *v,
			       struct od_err *err)
{
	struct order_item *it = &o->items[o->nitems];
	const char *q, *p, *name;
	enum od_code rc;

	q = strchr(v, ' ');
	p = q != NULL ? strchr(q + 1, ' ') : NULL;
	name = p != NULL ? strchr(p + 1, ' ') : NULL;
	if (name == NULL || q == v ||
	    !parse_decimal(q + 1, (size_t)(p - q - 1), &it->qty) ||
	    !parse_decimal(p + 1, (size_t)(name - p - 1), &it->unit_price))
		return od_err_set(err, OD_E_INPUT,
				  "order %s: item %zu of the statement is not "
				  "\"SKU QTY UNIT_PRICE NAME\"", o->number,
				  o->nitems + 1);
	it->sku = strndup(v, (size_t)(q - v));
	if (it->sku == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = dup_str(&it->name, name + 1, err);
	/* Counted even on failure, so order_free frees the SKU. */
	o->nitems++;
	return rc;
}

/* Gives absent optional fields the value "" the struct promises. */
static enum od_code fill_optional(struct order *o, struct od_err *err)
{
	char **opt[] = { &o->email, &o->phone, &o->postcode, &o->note,
			 &o->ship_name, &o->city };   /* no shipping needed */
	enum od_code rc;
	size_t i;

	for (i = 0; i < sizeof opt / sizeof opt[0]; i++) {
		if (*opt[i] != NULL)
			continue;
		rc = dup_str(opt[i], "", err);
		if (rc != OD_OK)
			return rc;
	}
	return OD_OK;
}

/* The text fields of order.placed that fill one string of the order. */
static const struct {
	const char *name;
	size_t off;            /* of the char * in struct order */
} text_fields[] = {
	{ "placed", offsetof(struct order, placed_at) },
	{ "customer", offsetof(struct order, customer_name) },
	{ "email", offsetof(struct order, email) },
	{ "phone", offsetof(struct order, phone) },
	{ "ship-name", offsetof(struct order, ship_name) },
	{ "ship-city", offsetof(struct order, city) },
	{ "ship-postcode", offsetof(struct order, postcode) },
	{ "note", offsetof(struct order, note) },
};

/* An order being read from a statement. */
struct reading {
	struct order *o;
	int have_total;
};

/*
 * Copies a fixed-size code (currency, country: n letters) that may appear
 * once; what names it in the messages.
 */
static enum od_code read_code(const struct order *o, char *dst, size_t n,
			      const char *name, const char *what,
			      const char *shape, const char *v,
			      struct od_err *err)
{
	if (strlen(v) != n)
		return od_err_set(err, OD_E_INPUT, "order %s: %s: must be %s",
				  o->number, what, shape);
	if (dst[0] != '\0')
		return od_err_set(err, OD_E_INPUT,
				  "order %s: the statement has field %s twice",
				  o->number, name);
	memcpy(dst, v, n + 1);
	return OD_OK;
}

static enum od_code read_currency(struct reading *r, const char *v,
				  struct od_err *err)
{
	return read_code(r->o, r->o->currency, 3, "currency", "currency",
			 "three capital letters", v, err);
}

static enum od_code read_country(struct reading *r, const char *v,
				 struct od_err *err)
{
	return read_code(r->o, r->o->country, 2, "ship-country",
			 "ship-to country", "two capital letters", v, err);
}

static enum od_code read_ship_line(struct reading *r, const char *v,
				   struct od_err *err)
{
	struct order *o = r->o;
	enum od_code rc;

	if (o->nlines == ORDER_MAX_LINES)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: ship-to address: more than %d lines",
				  o->number, ORDER_MAX_LINES);
	rc = dup_str(&o->ship_lines[o->nlines], v, err);
	if (rc == OD_OK)
		o->nlines++;
	return rc;
}

static enum od_code read_item(struct reading *r, const char *v,
			      struct od_err *err)
{
	return parse_item(r->o, v, err);
}

static enum od_code read_total(struct reading *r, const char *v,
			       struct od_err *err)
{
	enum od_code rc = OD_OK;

	if (r->have_total)
		rc = od_err_set(err, OD_E_INPUT,
				"order %s: the statement has field total twice",
				r->o->number);
	else if (!parse_decimal(v, strlen(v), &r->o->total))
		rc = od_err_set(err, OD_E_INPUT,
				"order %s: the statement's total is not a plain decimal number",
				r->o->number);
	r->have_total = 1;
	return rc;
}

/* Where an import came from: the statement's alone, not the order's. */
static enum od_code read_ignored(struct reading *r, const char *v,
				 struct od_err *err)
{
	return OD_OK;
}

/* The other fields of order.placed, each with its reader. */
static const struct {
	const char *name;
	enum od_code (*read)(struct reading *r, const char *v,
			     struct od_err *err);
} other_fields[] = {
	{ "currency", read_currency },
	{ "ship-line", read_ship_line },
	{ "ship-country", read_country },
	{ "item", read_item },
	{ "total", read_total },
	{ "source", read_ignored },
	{ "source-id", read_ignored },
	{ "source-hash", read_ignored },
};

/* Reads one body field of the statement into the order. */
static enum od_code read_field(struct reading *r, const char *name,
			       const char *v, struct od_err *err)
{
	enum od_code rc = OD_OK;
	size_t i;

	for (i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++)
		if (strcmp(name, text_fields[i].name) == 0)
			return set_once(r->o, (char **)((char *)r->o +
							text_fields[i].off),
					name, v, err);
	for (i = 0; i < sizeof other_fields / sizeof other_fields[0]; i++)
		if (strcmp(name, other_fields[i].name) == 0)
			return other_fields[i].read(r, v, err);
	/* shipping, tax, discount, payment: money.c */
	if (money_placed_field(r->o, name, v, &rc, err))
		return rc;
	/* The field names are the statement module's own. */
	return od_err_set(err, OD_E_INPUT,
			  "order %s: order.placed has no field %s",
			  r->o->number, name);
}

/* A new order for st's number, with room for its items. */
static enum od_code order_for(const struct statement *st, struct order **out,
			      struct od_err *err)
{
	struct order *o;
	size_t i, nitems = 0;

	for (i = 0; i < st->nfields; i++)
		if (strcmp(st->fields[i].name, "item") == 0)
			nitems++;
	if (nitems > ORDER_MAX_ITEMS)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: has %zu items; at most %d are allowed",
				  st->order, nitems, ORDER_MAX_ITEMS);
	*out = o = calloc(1, sizeof *o);
	if (o == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (nitems > 0) {
		o->items = calloc(nitems, sizeof *o->items);
		if (o->items == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	return dup_str(&o->number, st->order, err);
}

enum od_code order_from_statement(const struct statement *st,
				  struct order **out, struct od_err *err)
{
	struct reading r = { NULL, 0 };
	enum od_code rc;
	size_t i;

	*out = NULL;
	if (st->kind != STMT_ORDER_PLACED)
		return od_err_set(err, OD_E_INPUT,
				  "not an order.placed statement");
	rc = order_number_check(st->order, err);
	if (rc != OD_OK)
		return rc;
	rc = order_for(st, &r.o, err);
	for (i = 0; rc == OD_OK && i < st->nfields; i++)
		rc = read_field(&r, st->fields[i].name, st->fields[i].value,
				err);
	if (rc != OD_OK)
		goto out;
	if (!r.have_total) {
		rc = od_err_set(err, OD_E_INPUT,
				"order %s: the statement has no total",
				r.o->number);
		goto out;
	}
	rc = fill_optional(r.o, err);
	if (rc != OD_OK)
		goto out;
	rc = order_validate(r.o, err);
	if (rc != OD_OK)
		goto out;
	r.o->status = ORDER_NEW;
	r.o->held_from = ORDER_NEW;
	/* An order that arrived paid has its whole total paid. */
	if (r.o->arrival == ARRIVAL_PAID)
		r.o->paid = r.o->total;
	*out = r.o;
	r.o = NULL;
out:
	order_free(r.o);
	return rc;
}
