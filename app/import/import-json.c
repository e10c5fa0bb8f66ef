/*
 * import-json.c - one order from the JSON import format (a jansson tree of
 * one element of the array; app/import/json-array-stream.c reads the array).
 *
 * Types are checked strictly (numbers must be integers, unknown keys are
 * refused so that a typo is not silently dropped), and every order goes
 * through order_validate.  Messages never quote the file's text, except
 * order numbers, SKUs and key names after their characters were checked.
 */
#include "app/import/import-internal.h"
#include "app/import/import-ship-to.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/import.h"
#include "app/log/money.h"

static const char *const json_order_keys[] = {
	"number", "placed_at", "currency", "customer", "ship_to", "items",
	"shipping", "tax", "discount", "total", "payment", "note", NULL
};
static const char *const json_customer_keys[] = {
	"name", "email", "phone", NULL
};
static const char *const json_ship_keys[] = {
	"name", "lines", "city", "postcode", "country", NULL
};
static const char *const json_item_keys[] = {
	"sku", "name", "qty", "unit_price", NULL
};

enum od_code import_json_error(const struct json_array_error *je,
			       struct od_err *err)
{
	char text[JSON_ERROR_TEXT_LENGTH];
	char *near;
	size_t i;

	switch (je->code) {
	case json_error_out_of_memory:
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	case json_error_duplicate_key:
		return od_err_set(err, OD_E_INPUT,
				  "import file, line %d, column %d: the same "
				  "key appears twice (duplicate key) in one "
				  "object", je->line, je->column);
	case json_error_invalid_utf8:
		return od_err_set(err, OD_E_INPUT,
				  "import file, line %d: not valid UTF-8; "
				  "save the file as UTF-8", je->line);
	case json_error_end_of_input_expected:
		return od_err_set(err, OD_E_INPUT,
				  "import file, line %d, column %d: trailing "
				  "data after the end of the JSON array",
				  je->line, je->column);
	case json_error_premature_end_of_input:
		return od_err_set(err, OD_E_INPUT,
				  "import file: the JSON ends too early; is "
				  "the file cut short?");
	case json_error_numeric_overflow:
		return od_err_set(err, OD_E_INPUT,
				  "import file, line %d, column %d: a number "
				  "is too large", je->line, je->column);
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return od_err_set(err, OD_E_INPUT,
				  "import file, line %d, column %d: a string "
				  "contains \\u0000, which is not allowed",
				  je->line, je->column);
	case json_error_stack_overflow:
		return od_err_set(err, OD_E_INPUT,
				  "import file, line %d: JSON nested too "
				  "deeply", je->line);
	default:
		break;
	}
	/*
	 * jansson's own text says what it expected ("']' expected"), then
	 * quotes the offending token after " near ": keep only the first part,
	 * and only printable ASCII of it.
	 */
	memcpy(text, je->text, sizeof text);
	text[sizeof text - 1] = '\0';
	near = strstr(text, " near ");
	if (near != NULL)
		*near = '\0';
	for (i = 0; text[i] != '\0'; i++)
		if (text[i] < 0x20 || text[i] > 0x7e)
			text[i] = '?';
	return od_err_set(err, OD_E_INPUT,
			  "import file, line %d, column %d: JSON syntax "
			  "error: %s", je->line, je->column, text);
}

/*
 * Refuses keys of obj that are not in allowed, naming them if safe.  label
 * says which object (NULL for the order itself).
 */
static enum od_code check_keys(const char *pfx, const char *label,
			       json_t *obj, const char *const *allowed,
			       const char *list, struct od_err *err)
{
	char where[PFX_MAX + 32];
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(obj, key, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] != NULL)
			continue;
		snprintf(where, sizeof where, "%s%s%s", pfx,
			 label != NULL ? ": " : "", label != NULL ? label : "");
		if (import_name_quotable(key))
			return od_err_set(err, OD_E_INPUT,
					  "%s: unknown field \"%s\"; the "
					  "fields are %s", where, key, list);
		return od_err_set(err, OD_E_INPUT,
				  "%s: an unknown field (its name has "
				  "characters other than letters, digits, "
				  "'_', '.', '-'); the fields are %s", where,
				  list);
	}
	return OD_OK;
}

/* Gets obj[key] as an object. */
static enum od_code get_object(const char *pfx, json_t *obj,
			       const char *key, json_t **out,
			       struct od_err *err)
{
	*out = json_object_get(obj, key);
	if (*out == NULL)
		return od_err_set(err, OD_E_INPUT, "%s: %s: is missing", pfx,
				  key);
	if (!json_is_object(*out))
		return od_err_set(err, OD_E_INPUT,
				  "%s: %s: must be a JSON object { ... }", pfx,
				  key);
	return OD_OK;
}

/*
 * Copies the string v (trimmed) into *dst.  NULL v is missing: an error if
 * required, "" if not; JSON null counts as missing for optional fields only.
 */
static enum od_code get_string(const char *pfx, const char *label,
			       json_t *v, int required, char **dst,
			       struct od_err *err)
{
	if (v == NULL || (json_is_null(v) && !required)) {
		if (required)
			return od_err_set(err, OD_E_INPUT, "%s: %s: is missing",
					  pfx, label);
		return import_copy_trimmed(dst, "", 0, err);
	}
	if (!json_is_string(v))
		return od_err_set(err, OD_E_INPUT,
				  "%s: %s: must be a JSON string \"...\"", pfx,
				  label);
	if (json_string_length(v) > IMPORT_FIELD_MAX)
		return od_err_set(err, OD_E_INPUT,
				  "%s: %s: is longer than %d bytes", pfx, label,
				  IMPORT_FIELD_MAX);
	return import_copy_trimmed(dst, json_string_value(v), json_string_length(v),
			    err);
}

/* Gets a required code (currency, country) as a string of n letters. */
static enum od_code get_code(const char *pfx, const char *label, json_t *v,
			     char *dst, size_t n, struct od_err *err)
{
	if (v == NULL)
		return od_err_set(err, OD_E_INPUT, "%s: %s: is missing", pfx,
				  label);
	if (!json_is_string(v))
		return od_err_set(err, OD_E_INPUT,
				  "%s: %s: must be a JSON string \"...\"", pfx,
				  label);
	if (json_string_length(v) > IMPORT_FIELD_MAX)
		return od_err_set(err, OD_E_INPUT,
				  "%s: %s: is longer than %d bytes", pfx, label,
				  IMPORT_FIELD_MAX);
	return import_copy_code(pfx, label, json_string_value(v),
			 json_string_length(v), dst, n, err);
}

/* Gets a required integer; reals (2.5, 2.0, 1e3) and strings are refused. */
static enum od_code get_int(const char *pfx, const char *label, json_t *v,
			    long long *dst, struct od_err *err)
{
	if (v == NULL)
		return od_err_set(err, OD_E_INPUT, "%s: %s: is missing", pfx,
				  label);
	if (!json_is_integer(v))
		return od_err_set(err, OD_E_INPUT,
				  "%s: %s: must be a whole number written as "
				  "a JSON integer (like 2, not 2.5, 2.0 or "
				  "\"2\")", pfx, label);
	*dst = (long long)json_integer_value(v);
	return OD_OK;
}

/*
 * Fills shipping, tax, discount (integers of minor units, absent means 0)
 * and payment ("unpaid", "authorized", "paid" or "cod", absent means
 * unpaid).
 */
static enum od_code read_money(const char *pfx, json_t *jo, struct order *o,
			       struct od_err *err)
{
	static const char *const names[] = { "shipping", "tax", "discount" };
	long long *dst[] = { &o->shipping, &o->tax, &o->discount };
	json_t *v;
	enum od_code rc;
	size_t i;

	for (i = 0; i < 3; i++) {
		v = json_object_get(jo, names[i]);
		if (v != NULL && !json_is_null(v) &&
		    (rc = get_int(pfx, names[i], v, dst[i], err)) != OD_OK)
			return rc;
	}
	v = json_object_get(jo, "payment");
	if (v == NULL || json_is_null(v))
		return OD_OK;
	if (!json_is_string(v) ||
	    money_arrival_parse(json_string_value(v), &o->arrival, err) !=
		    OD_OK)
		return od_err_set(err, OD_E_INPUT,
				  "%s: payment: must be \"unpaid\", "
				  "\"authorized\", \"paid\" or \"cod\"", pfx);
	return OD_OK;
}

/* Fills the customer fields from its object. */
static enum od_code read_customer(const char *pfx, json_t *jo, struct order *o,
				  struct od_err *err)
{
	json_t *c;
	enum od_code rc;

	if ((rc = get_object(pfx, jo, "customer", &c, err)) != OD_OK ||
	    (rc = check_keys(pfx, "customer", c, json_customer_keys,
			     "name, email, phone", err)) != OD_OK ||
	    (rc = get_string(pfx, "customer.name", json_object_get(c, "name"),
			     1, &o->customer_name, err)) != OD_OK ||
	    (rc = get_string(pfx, "customer.email",
			     json_object_get(c, "email"), 0, &o->email,
			     err)) != OD_OK)
		return rc;
	return get_string(pfx, "customer.phone", json_object_get(c, "phone"),
			  0, &o->phone, err);
}

/*
 * Fills the ship-to fields from its object.  An order that needs no
 * shipping has none: "ship_to" absent or null.
 */
static enum od_code read_ship_to(const char *pfx, json_t *jo, struct order *o,
				 struct od_err *err)
{
	static const char *const whole[] = { "name", "lines", "city",
					      "country" };
	char label[48];
	json_t *s = json_object_get(jo, "ship_to"), *lines;
	enum od_code rc;
	size_t i;

	if (s == NULL || json_is_null(s))
		return import_ship_to_none(o, err);
	/* Half a ship-to: say what is missing, and that none is an option. */
	for (i = 0; json_is_object(s) && i < 4; i++)
		if (json_object_get(s, whole[i]) == NULL)
			return od_err_set(err, OD_E_INPUT, "%s: ship_to.%s: is "
					  "missing; give name, lines, city and "
					  "country, or no ship_to for an order "
					  "that needs no shipping", pfx,
					  whole[i]);
	if ((rc = get_object(pfx, jo, "ship_to", &s, err)) != OD_OK ||
	    (rc = check_keys(pfx, "ship_to", s, json_ship_keys,
			     "name, lines, city, postcode, country",
			     err)) != OD_OK ||
	    (rc = get_string(pfx, "ship_to.name", json_object_get(s, "name"),
			     1, &o->ship_name, err)) != OD_OK)
		return rc;
	lines = json_object_get(s, "lines");
	if (lines == NULL)
		return od_err_set(err, OD_E_INPUT,
				  "%s: ship_to.lines: is missing", pfx);
	if (!json_is_array(lines) || json_array_size(lines) < 1 ||
	    json_array_size(lines) > ORDER_MAX_LINES)
		return od_err_set(err, OD_E_INPUT,
				  "%s: ship_to.lines: must be a JSON array of "
				  "1 to %d address lines", pfx,
				  ORDER_MAX_LINES);
	for (i = 0; i < json_array_size(lines); i++) {
		snprintf(label, sizeof label, "ship_to.lines, line %zu", i + 1);
		rc = get_string(pfx, label, json_array_get(lines, i), 1,
				&o->ship_lines[i], err);
		if (rc != OD_OK)
			return rc;
		o->nlines = i + 1;
	}
	if ((rc = get_string(pfx, "ship_to.city", json_object_get(s, "city"),
			     1, &o->city, err)) != OD_OK ||
	    (rc = get_string(pfx, "ship_to.postcode",
			     json_object_get(s, "postcode"), 0, &o->postcode,
			     err)) != OD_OK)
		return rc;
	return get_code(pfx, "ship_to.country", json_object_get(s, "country"),
			o->country, 2, err);
}

/* Fills the items from the "items" array. */
static enum od_code read_items(const char *pfx, json_t *jo, struct order *o,
			       struct od_err *err)
{
	char label[64], where[32];
	struct order_item *it;
	json_t *items, *ji;
	enum od_code rc;
	size_t i, n;

	items = json_object_get(jo, "items");
	if (items == NULL)
		return od_err_set(err, OD_E_INPUT, "%s: items: is missing",
				  pfx);
	if (!json_is_array(items))
		return od_err_set(err, OD_E_INPUT,
				  "%s: items: must be a JSON array [ ... ]",
				  pfx);
	n = json_array_size(items);
	if (n == 0)
		return od_err_set(err, OD_E_INPUT,
				  "%s: has no items; an order needs at least "
				  "one", pfx);
	if (n > ORDER_MAX_ITEMS)
		return od_err_set(err, OD_E_INPUT,
				  "%s: has %zu items; at most %d are allowed, "
				  "split the order", pfx, n, ORDER_MAX_ITEMS);
	o->items = calloc(n, sizeof *o->items);
	if (o->items == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		ji = json_array_get(items, i);
		it = &o->items[i];
		o->nitems = i + 1;
		snprintf(where, sizeof where, "item %zu", i + 1);
		if (!json_is_object(ji))
			return od_err_set(err, OD_E_INPUT,
					  "%s: %s: must be a JSON object "
					  "{ ... }", pfx, where);
		rc = check_keys(pfx, where, ji, json_item_keys,
				"sku, name, qty, unit_price", err);
		if (rc != OD_OK)
			return rc;
		snprintf(label, sizeof label, "%s: sku", where);
		rc = get_string(pfx, label, json_object_get(ji, "sku"), 1,
				&it->sku, err);
		if (rc != OD_OK)
			return rc;
		snprintf(label, sizeof label, "%s: name", where);
		rc = get_string(pfx, label, json_object_get(ji, "name"), 1,
				&it->name, err);
		if (rc != OD_OK)
			return rc;
		snprintf(label, sizeof label, "%s: qty", where);
		rc = get_int(pfx, label, json_object_get(ji, "qty"),
			     &it->qty, err);
		if (rc != OD_OK)
			return rc;
		snprintf(label, sizeof label, "%s: unit_price", where);
		rc = get_int(pfx, label, json_object_get(ji, "unit_price"),
			     &it->unit_price, err);
		if (rc != OD_OK)
			return rc;
	}
	return OD_OK;
}

enum od_code import_json_order(json_t *jo, size_t pos, struct order **out,
			       struct od_err *err)
{
	char pfx[PFX_MAX];
	struct order *o;
	struct od_err e;
	json_t *num;
	enum od_code rc;

	*out = NULL;
	snprintf(pfx, sizeof pfx, "order #%zu in the file", pos);
	if (!json_is_object(jo))
		return od_err_set(err, OD_E_INPUT,
				  "%s: must be a JSON object { ... }", pfx);
	o = calloc(1, sizeof *o);
	if (o == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	/* The number first: once it is known good, messages can name it. */
	num = json_object_get(jo, "number");
	if (num != NULL && json_is_integer(num)) {
		rc = od_err_set(err, OD_E_INPUT,
				"%s: number: must be a JSON string, e.g. "
				"\"1042\", not a JSON number", pfx);
		goto out;
	}
	rc = get_string(pfx, "number", num, 1, &o->number, err);
	if (rc != OD_OK)
		goto out;
	od_err_clear(&e);
	if (order_number_check(o->number, &e) != OD_OK) {
		rc = od_err_set(err, OD_E_INPUT, "%s: %s", pfx, e.msg);
		goto out;
	}
	snprintf(pfx, sizeof pfx, "order %s", o->number);
	if ((rc = check_keys(pfx, NULL, jo, json_order_keys,
			     "number, placed_at, currency, customer, "
			     "ship_to, items, shipping, tax, discount, "
			     "total, payment, note",
			     err)) != OD_OK ||
	    (rc = get_string(pfx, "placed_at",
			     json_object_get(jo, "placed_at"), 1,
			     &o->placed_at, err)) != OD_OK ||
	    (rc = get_code(pfx, "currency", json_object_get(jo, "currency"),
			   o->currency, 3, err)) != OD_OK ||
	    (rc = read_customer(pfx, jo, o, err)) != OD_OK ||
	    (rc = read_ship_to(pfx, jo, o, err)) != OD_OK ||
	    (rc = read_items(pfx, jo, o, err)) != OD_OK ||
	    (rc = read_money(pfx, jo, o, err)) != OD_OK ||
	    (rc = get_int(pfx, "total", json_object_get(jo, "total"),
			  &o->total, err)) != OD_OK ||
	    (rc = get_string(pfx, "note", json_object_get(jo, "note"), 0,
			     &o->note, err)) != OD_OK ||
	    (rc = import_validate(o, NULL, err)) != OD_OK)
		goto out;
	*out = o;
	o = NULL;
out:
	order_free(o);
	return rc;
}
