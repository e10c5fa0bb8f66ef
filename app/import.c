/*
 * import.c - reading orders from an import file: a JSON array of orders, or
 * CSV with one row per item (assets/import-format.md).
 *
 * The file is hostile until proven otherwise.  Its size, every value and
 * the number of rows and orders are capped; JSON types are checked strictly
 * (numbers must be integers, unknown keys are refused so that a typo is not
 * silently dropped); every order goes through order_validate.  The whole
 * file is parsed or none of it is.  Error messages say where (order number,
 * order position, CSV line) and which field, but never quote the file's
 * text, except order numbers, SKUs and key or column names after their
 * characters have been checked.
 */
#include "app/import.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"

/* Long enough for "order #1000000 in the file" and "line N: order X". */
#define PFX_MAX 80

/* Orders collected so far, with where each was found (for duplicates). */
struct builder {
	struct order_list *list;
	size_t *where;        /* JSON: position from 1; CSV: first line */
	size_t alloc;
	int csv;
};

void order_list_free(struct order_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->count; i++)
		order_free(l->orders[i]);
	free(l->orders);
	free(l);
}

/* Appends o (taking it only on success). */
static enum od_code builder_add(struct builder *b, struct order *o,
				size_t where, struct od_err *err)
{
	struct order **orders;
	size_t *w, n;

	if (b->list->count == IMPORT_MAX_ORDERS)
		return od_err_set(err, OD_E_INPUT,
				  "the import file has more than %d orders; "
				  "split it into smaller files",
				  IMPORT_MAX_ORDERS);
	if (b->list->count == b->alloc) {
		n = b->alloc ? b->alloc * 2 : 64;
		orders = realloc(b->list->orders, n * sizeof *orders);
		if (orders == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		b->list->orders = orders;
		w = realloc(b->where, n * sizeof *w);
		if (w == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		b->where = w;
		b->alloc = n;
	}
	b->where[b->list->count] = where;
	b->list->orders[b->list->count++] = o;
	return OD_OK;
}

/* Whether s is 1..32 bytes of [A-Za-z0-9_.-], safe to quote back. */
static int name_quotable(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++) {
		if (n == 32)
			return 0;
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		      (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9') ||
		      s[n] == '_' || s[n] == '.' || s[n] == '-'))
			return 0;
	}
	return n > 0;
}

/* Copies s[0..n) without surrounding ASCII spaces into a new string. */
static enum od_code copy_trimmed(char **dst, const char *s, size_t n,
				 struct od_err *err)
{
	while (n > 0 && s[0] == ' ') {
		s++;
		n--;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	*dst = malloc(n + 1);
	if (*dst == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	memcpy(*dst, s, n);
	(*dst)[n] = '\0';
	return OD_OK;
}

/*
 * Stores a currency or country code (n letters) into dst[n + 1].  Only the
 * length is checked here; order_validate checks the letters.
 */
static enum od_code copy_code(const char *pfx, const char *label,
			      const char *s, size_t len, char *dst, size_t n,
			      struct od_err *err)
{
	char *t;
	enum od_code rc;

	rc = copy_trimmed(&t, s, len, err);
	if (rc != OD_OK)
		return rc;
	if (strlen(t) != n)
		rc = od_err_set(err, OD_E_INPUT,
				"%s: %s: must be %s capital letters (%s)",
				pfx, label, n == 3 ? "three" : "two",
				n == 3 ? "ISO 4217, e.g. EUR" :
					 "ISO 3166, e.g. CN");
	else
		memcpy(dst, t, n + 1);
	free(t);
	return rc;
}

/*
 * Runs order_validate and prefixes its message with pfx when pfx says
 * something the message does not (the CSV line).
 */
static enum od_code validate(struct order *o, const char *line_pfx,
			     struct od_err *err)
{
	struct od_err e;

	od_err_clear(&e);
	if (order_validate(o, &e) == OD_OK)
		return OD_OK;
	if (line_pfx != NULL)
		return od_err_set(err, e.code, "%s: %s", line_pfx, e.msg);
	return od_err_set(err, e.code, "%s", e.msg);
}

/* An order number and where in the file its order is. */
struct num_ref {
	const char *number;
	size_t where;
};

/* Says that number appears at first and again at second. */
static enum od_code duplicate_error(const struct builder *b,
				    const char *number, size_t first,
				    size_t second, struct od_err *err)
{
	if (b->csv)
		return od_err_set(err, OD_E_INPUT,
				  "order %s appears twice in the file (lines "
				  "%zu and %zu); order numbers must be unique "
				  "and the rows of one order consecutive",
				  number, first, second);
	return od_err_set(err, OD_E_INPUT,
			  "order %s appears twice in the file (orders #%zu "
			  "and #%zu); order numbers must be unique", number,
			  first, second);
}

/* Sorts number references by number, then by position. */
static int num_ref_cmp(const void *a, const void *b)
{
	const struct num_ref *x = a, *y = b;
	int c = strcmp(x->number, y->number);

	if (c != 0)
		return c;
	return (x->where > y->where) - (x->where < y->where);
}

/* Refuses an order number that appears twice in the file. */
static enum od_code check_duplicates(const struct builder *b,
				     struct od_err *err)
{
	const struct order_list *l = b->list;
	struct num_ref *refs, *dup = NULL;
	enum od_code rc = OD_OK;
	size_t i;

	if (l->count < 2)
		return OD_OK;
	refs = calloc(l->count, sizeof *refs);
	if (refs == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (i = 0; i < l->count; i++) {
		refs[i].number = l->orders[i]->number;
		refs[i].where = b->where[i];
	}
	qsort(refs, l->count, sizeof *refs, num_ref_cmp);
	/* Of all repeats, name the one that comes first in the file. */
	for (i = 1; i < l->count; i++) {
		if (strcmp(refs[i - 1].number, refs[i].number) != 0)
			continue;
		if (dup == NULL || refs[i].where < dup[1].where)
			dup = &refs[i - 1];
	}
	if (dup != NULL)
		rc = duplicate_error(b, dup[0].number, dup[0].where,
				     dup[1].where, err);
	free(refs);
	return rc;
}

/* ---- JSON ---- */

static const char *const json_order_keys[] = {
	"number", "placed_at", "currency", "customer", "ship_to", "items",
	"total", "note", NULL
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

/* Turns a jansson load error into a message without the file's text. */
static enum od_code load_error(const json_error_t *je, struct od_err *err)
{
	char text[JSON_ERROR_TEXT_LENGTH];
	char *near;
	size_t i;

	switch (json_error_code(je)) {
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
		if (name_quotable(key))
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
		return copy_trimmed(dst, "", 0, err);
	}
	if (!json_is_string(v))
		return od_err_set(err, OD_E_INPUT,
				  "%s: %s: must be a JSON string \"...\"", pfx,
				  label);
	if (json_string_length(v) > IMPORT_FIELD_MAX)
		return od_err_set(err, OD_E_INPUT,
				  "%s: %s: is longer than %d bytes", pfx, label,
				  IMPORT_FIELD_MAX);
	return copy_trimmed(dst, json_string_value(v), json_string_length(v),
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
	return copy_code(pfx, label, json_string_value(v),
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

/* Fills the ship-to fields from its object. */
static enum od_code read_ship_to(const char *pfx, json_t *jo, struct order *o,
				 struct od_err *err)
{
	char label[48];
	json_t *s, *lines;
	enum od_code rc;
	size_t i;

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

/* Builds and validates the order at position pos (from 1) of the array. */
static enum od_code read_order(json_t *jo, size_t pos, struct order **out,
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
			     "ship_to, items, total, note",
			     err)) != OD_OK ||
	    (rc = get_string(pfx, "placed_at",
			     json_object_get(jo, "placed_at"), 1,
			     &o->placed_at, err)) != OD_OK ||
	    (rc = get_code(pfx, "currency", json_object_get(jo, "currency"),
			   o->currency, 3, err)) != OD_OK ||
	    (rc = read_customer(pfx, jo, o, err)) != OD_OK ||
	    (rc = read_ship_to(pfx, jo, o, err)) != OD_OK ||
	    (rc = read_items(pfx, jo, o, err)) != OD_OK ||
	    (rc = get_int(pfx, "total", json_object_get(jo, "total"),
			  &o->total, err)) != OD_OK ||
	    (rc = get_string(pfx, "note", json_object_get(jo, "note"), 0,
			     &o->note, err)) != OD_OK ||
	    (rc = validate(o, NULL, err)) != OD_OK)
		goto out;
	*out = o;
	o = NULL;
out:
	order_free(o);
	return rc;
}

/* Parses a JSON array of orders. */
static enum od_code json_import(const char *data, size_t len,
				struct builder *b, struct od_err *err)
{
	json_error_t je;
	struct order *o;
	json_t *root;
	enum od_code rc = OD_OK;
	size_t i, n;

	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return load_error(&je, err);
	if (!json_is_array(root)) {
		rc = od_err_set(err, OD_E_INPUT,
				"import file: must be a JSON array of orders "
				"[ {...}, ... ], not a single object; wrap "
				"it in [ ]");
		goto out;
	}
	n = json_array_size(root);
	if (n > IMPORT_MAX_ORDERS) {
		rc = od_err_set(err, OD_E_INPUT,
				"the import file has more than %d orders; "
				"split it into smaller files",
				IMPORT_MAX_ORDERS);
		goto out;
	}
	for (i = 0; i < n; i++) {
		rc = read_order(json_array_get(root, i), i + 1, &o, err);
		if (rc != OD_OK)
			goto out;
		rc = builder_add(b, o, i + 1, err);
		if (rc != OD_OK) {
			order_free(o);
			goto out;
		}
	}
out:
	json_decref(root);
	return rc;
}

/* ---- CSV ---- */

enum csv_col {
	COL_NUMBER, COL_PLACED_AT, COL_CURRENCY, COL_CUSTOMER_NAME,
	COL_CUSTOMER_EMAIL, COL_CUSTOMER_PHONE, COL_SHIP_NAME, COL_SHIP_LINE1,
	COL_SHIP_LINE2, COL_SHIP_LINE3, COL_SHIP_LINE4, COL_SHIP_CITY,
	COL_SHIP_POSTCODE, COL_SHIP_COUNTRY, COL_TOTAL, COL_NOTE,
	/* the rest are per item; those above are per order */
	COL_SKU, COL_ITEM_NAME, COL_QTY, COL_UNIT_PRICE,
	COL_COUNT
};

#define COL_FIRST_ITEM COL_SKU

static const struct {
	const char *name;
	int required;
} csv_cols[COL_COUNT] = {
	[COL_NUMBER]         = { "number", 1 },
	[COL_PLACED_AT]      = { "placed_at", 1 },
	[COL_CURRENCY]       = { "currency", 1 },
	[COL_CUSTOMER_NAME]  = { "customer_name", 1 },
	[COL_CUSTOMER_EMAIL] = { "customer_email", 0 },
	[COL_CUSTOMER_PHONE] = { "customer_phone", 0 },
	[COL_SHIP_NAME]      = { "ship_name", 1 },
	[COL_SHIP_LINE1]     = { "ship_line1", 1 },
	[COL_SHIP_LINE2]     = { "ship_line2", 0 },
	[COL_SHIP_LINE3]     = { "ship_line3", 0 },
	[COL_SHIP_LINE4]     = { "ship_line4", 0 },
	[COL_SHIP_CITY]      = { "ship_city", 1 },
	[COL_SHIP_POSTCODE]  = { "ship_postcode", 0 },
	[COL_SHIP_COUNTRY]   = { "ship_country", 1 },
	[COL_TOTAL]          = { "total", 1 },
	[COL_NOTE]           = { "note", 0 },
	[COL_SKU]            = { "sku", 1 },
	[COL_ITEM_NAME]      = { "item_name", 1 },
	[COL_QTY]            = { "qty", 1 },
	[COL_UNIT_PRICE]     = { "unit_price", 1 },
};

/* The reader's position in the data. */
struct csv {
	const char *p, *end;
	size_t line;          /* line number at p, from 1 */
};

/*
 * One record: its fields, NUL-terminated, one after another in data.  A
 * header may have one column too many, so that it is named as unknown or
 * repeated rather than just counted.
 */
#define CSV_MAX_FIELDS (COL_COUNT + 1)

struct csv_record {
	size_t line;          /* the line it starts on */
	size_t n;
	size_t off[CSV_MAX_FIELDS];
	size_t len[CSV_MAX_FIELDS];
	struct buf data;
};

/* Field i of r (as read, untrimmed). */
static const char *rec_field(const struct csv_record *r, size_t i)
{
	return r->data.data + r->off[i];
}

/* Whether p starts a line end (LF or CRLF); sets *n to its length. */
static int csv_eol(const struct csv *c, const char *p, size_t *n)
{
	if (p < c->end && *p == '\n') {
		*n = 1;
		return 1;
	}
	if (p + 1 < c->end && p[0] == '\r' && p[1] == '\n') {
		*n = 2;
		return 1;
	}
	return 0;
}

/* Appends bytes to the field being read, within IMPORT_FIELD_MAX. */
static enum od_code csv_field_add(struct csv_record *r, size_t start,
				  const char *p, size_t n, int quoted,
				  size_t line, struct od_err *err)
{
	if (r->data.len - start + n > IMPORT_FIELD_MAX)
		return od_err_set(err, OD_E_INPUT,
				  "line %zu: a field is longer than %d "
				  "bytes%s", line, IMPORT_FIELD_MAX,
				  quoted ? " (is a quote left open?)" : "");
	return buf_add(&r->data, p, n, err);
}

/* Reads one quoted field (RFC 4180: "" stands for one quote). */
static enum od_code csv_quoted(struct csv *c, struct csv_record *r,
			       size_t start, struct od_err *err)
{
	size_t line0 = c->line;
	const char *q, *end;
	enum od_code rc;

	c->p++;
	for (;;) {
		q = memchr(c->p, '"', (size_t)(c->end - c->p));
		end = q != NULL ? q : c->end;
		/* The size cap first: it bounds the work on a quote left open. */
		rc = csv_field_add(r, start, c->p, (size_t)(end - c->p), 1,
				   line0, err);
		if (rc != OD_OK)
			return rc;
		if (q == NULL)
			return od_err_set(err, OD_E_INPUT,
					  "line %zu: a quoted field is never "
					  "closed (unterminated quote)",
					  line0);
		for (; c->p < q; c->p++)
			if (*c->p == '\n')
				c->line++;
		c->p = q + 1;
		if (c->p < c->end && *c->p == '"') {
			rc = csv_field_add(r, start, "\"", 1, 1, line0, err);
			if (rc != OD_OK)
				return rc;
			c->p++;
			continue;
		}
		return OD_OK;
	}
}

/* Reads one unquoted field, up to a comma or line end. */
static enum od_code csv_bare(struct csv *c, struct csv_record *r,
			     size_t start, struct od_err *err)
{
	const char *s = c->p;
	size_t n;

	while (c->p < c->end && *c->p != ',' && !csv_eol(c, c->p, &n)) {
		if (*c->p == '"')
			return od_err_set(err, OD_E_INPUT,
					  "line %zu: a quote inside an "
					  "unquoted field; quote the whole "
					  "field and write the quote as \"\"",
					  c->line);
		c->p++;
	}
	return csv_field_add(r, start, s, (size_t)(c->p - s), 0, c->line,
			     err);
}

/*
 * Reads the next record into r, with at most max fields.  Empty lines are
 * skipped.  *got is 0 at the end of the data.
 */
static enum od_code csv_next(struct csv *c, struct csv_record *r, size_t max,
			     int *got, struct od_err *err)
{
	enum od_code rc;
	size_t start, n;

	*got = 0;
	while (csv_eol(c, c->p, &n)) {
		c->p += n;
		c->line++;
	}
	if (c->p == c->end)
		return OD_OK;
	r->line = c->line;
	r->n = 0;
	buf_reset(&r->data);
	for (;;) {
		if (r->n == max)
			return od_err_set(err, OD_E_INPUT,
					  "line %zu: more than %zu fields "
					  "(wrong column count)", r->line,
					  max);
		start = r->data.len;
		if (c->p < c->end && *c->p == '"')
			rc = csv_quoted(c, r, start, err);
		else
			rc = csv_bare(c, r, start, err);
		if (rc != OD_OK)
			return rc;
		r->off[r->n] = start;
		r->len[r->n] = r->data.len - start;
		r->n++;
		/* The NUL makes the field a C string; CSV data has no NUL. */
		rc = buf_add(&r->data, "", 1, err);
		if (rc != OD_OK)
			return rc;
		if (c->p == c->end)
			break;
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		if (csv_eol(c, c->p, &n)) {
			c->p += n;
			c->line++;
			break;
		}
		return od_err_set(err, OD_E_INPUT,
				  "line %zu: text after a closing quote; "
				  "write a quote inside a quoted field as \"\"",
				  c->line);
	}
	*got = 1;
	return OD_OK;
}

/* What the header says: which field of a row holds each column. */
struct csv_map {
	int idx[COL_COUNT];   /* -1 when the column is absent */
	size_t ncols;
};

/* Reads the header and maps its column names. */
static enum od_code csv_header(struct csv *c, struct csv_record *r,
			       struct csv_map *m, struct od_err *err)
{
	enum od_code rc;
	char *name = NULL;
	size_t i;
	int got, k;

	for (k = 0; k < COL_COUNT; k++)
		m->idx[k] = -1;
	rc = csv_next(c, r, CSV_MAX_FIELDS, &got, err);
	if (rc != OD_OK)
		return rc;
	if (!got)
		return od_err_set(err, OD_E_INPUT,
				  "import file: no header row; the first "
				  "line must name the columns");
	for (i = 0; i < r->n; i++) {
		rc = copy_trimmed(&name, rec_field(r, i), r->len[i], err);
		if (rc != OD_OK)
			return rc;
		for (k = 0; k < COL_COUNT; k++)
			if (strcmp(name, csv_cols[k].name) == 0)
				break;
		if (k == COL_COUNT) {
			if (name_quotable(name))
				rc = od_err_set(err, OD_E_INPUT,
						"line %zu: unknown column "
						"\"%s\" in the header (see "
						"import-format.md)", r->line,
						name);
			else
				rc = od_err_set(err, OD_E_INPUT,
						"line %zu: header column %zu "
						"is not a known column name "
						"(see import-format.md)",
						r->line, i + 1);
		} else if (m->idx[k] != -1) {
			rc = od_err_set(err, OD_E_INPUT,
					"line %zu: column %s appears twice in "
					"the header", r->line,
					csv_cols[k].name);
		} else {
			m->idx[k] = (int)i;
		}
		free(name);
		name = NULL;
		if (rc != OD_OK)
			return rc;
	}
	for (k = 0; k < COL_COUNT; k++)
		if (csv_cols[k].required && m->idx[k] == -1)
			return od_err_set(err, OD_E_INPUT,
					  "line %zu: the header has no column "
					  "%s, which is required (missing "
					  "column)", r->line, csv_cols[k].name);
	m->ncols = r->n;
	return OD_OK;
}

/* The value of column k in r, "" when the header does not have it. */
static const char *col_value(const struct csv_map *m,
			     const struct csv_record *r, int k, size_t *len)
{
	if (m->idx[k] < 0) {
		*len = 0;
		return "";
	}
	*len = r->len[m->idx[k]];
	return rec_field(r, (size_t)m->idx[k]);
}

/* Copies column k (trimmed) into *dst. */
static enum od_code col_text(const struct csv_map *m,
			     const struct csv_record *r, int k, char **dst,
			     struct od_err *err)
{
	size_t len;
	const char *v = col_value(m, r, k, &len);

	return copy_trimmed(dst, v, len, err);
}

/*
 * Parses column k as a whole number: optional '-', then digits.  The range
 * is order_validate's business; this only keeps it within a long long.
 */
static enum od_code col_int(const char *pfx, const struct csv_map *m,
			    const struct csv_record *r, int k, long long *v,
			    struct od_err *err)
{
	size_t len, i = 0, digits = 0;
	const char *s = col_value(m, r, k, &len);
	int neg = 0;

	while (len > 0 && s[0] == ' ') {
		s++;
		len--;
	}
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	*v = 0;
	for (; i < len; i++, digits++) {
		if (s[i] < '0' || s[i] > '9')
			break;
		/* 18 digits always fit; more is out of every range anyway. */
		if (digits == 18)
			return od_err_set(err, OD_E_INPUT,
					  "%s: %s: the number is too large",
					  pfx, csv_cols[k].name);
		*v = *v * 10 + (s[i] - '0');
	}
	if (digits == 0 || i != len)
		return od_err_set(err, OD_E_INPUT,
				  "%s: %s: must be a whole number such as 2 "
				  "(no decimal point, no thousands "
				  "separator)", pfx, csv_cols[k].name);
	if (neg)
		*v = -*v;
	return OD_OK;
}

/* Whether columns a and b hold the same value, trimmed of spaces. */
static int same_trimmed(const char *a, size_t na, const char *b, size_t nb)
{
	while (na > 0 && *a == ' ') {
		a++;
		na--;
	}
	while (na > 0 && a[na - 1] == ' ')
		na--;
	while (nb > 0 && *b == ' ') {
		b++;
		nb--;
	}
	while (nb > 0 && b[nb - 1] == ' ')
		nb--;
	return na == nb && memcmp(a, b, na) == 0;
}

/* Starts an order from its first row: the order-level columns. */
static enum od_code csv_order_start(const struct csv_map *m,
				    const struct csv_record *r,
				    struct order **out, struct od_err *err)
{
	char pfx[PFX_MAX];
	struct order *o;
	struct od_err e;
	enum od_code rc;
	size_t len;
	const char *v;
	int k;

	*out = NULL;
	o = calloc(1, sizeof *o);
	if (o == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = col_text(m, r, COL_NUMBER, &o->number, err);
	if (rc != OD_OK)
		goto out;
	od_err_clear(&e);
	if (order_number_check(o->number, &e) != OD_OK) {
		rc = od_err_set(err, OD_E_INPUT, "line %zu: %s", r->line,
				e.msg);
		goto out;
	}
	snprintf(pfx, sizeof pfx, "line %zu: order %s", r->line, o->number);
	v = col_value(m, r, COL_CURRENCY, &len);
	if ((rc = copy_code(pfx, "currency", v, len, o->currency, 3, err)) ||
	    (rc = col_text(m, r, COL_PLACED_AT, &o->placed_at, err)) ||
	    (rc = col_text(m, r, COL_CUSTOMER_NAME, &o->customer_name, err)) ||
	    (rc = col_text(m, r, COL_CUSTOMER_EMAIL, &o->email, err)) ||
	    (rc = col_text(m, r, COL_CUSTOMER_PHONE, &o->phone, err)) ||
	    (rc = col_text(m, r, COL_SHIP_NAME, &o->ship_name, err)) ||
	    (rc = col_text(m, r, COL_SHIP_CITY, &o->city, err)) ||
	    (rc = col_text(m, r, COL_SHIP_POSTCODE, &o->postcode, err)) ||
	    (rc = col_text(m, r, COL_NOTE, &o->note, err)) ||
	    (rc = col_int(pfx, m, r, COL_TOTAL, &o->total, err)))
		goto out;
	v = col_value(m, r, COL_SHIP_COUNTRY, &len);
	rc = copy_code(pfx, "ship_country", v, len, o->country, 2, err);
	if (rc != OD_OK)
		goto out;
	/* Address lines fill from ship_line1 on; a gap is refused. */
	for (k = COL_SHIP_LINE1; k <= COL_SHIP_LINE4; k++) {
		char *line;

		rc = col_text(m, r, k, &line, err);
		if (rc != OD_OK)
			goto out;
		if (line[0] == '\0') {
			free(line);
			continue;
		}
		if (o->nlines != (size_t)(k - COL_SHIP_LINE1)) {
			free(line);
			rc = od_err_set(err, OD_E_INPUT,
					"%s: %s is set but an earlier address "
					"line is empty; fill ship_line1 "
					"first", pfx, csv_cols[k].name);
			goto out;
		}
		o->ship_lines[o->nlines++] = line;
	}
	*out = o;
	o = NULL;
out:
	order_free(o);
	return rc;
}

/* Refuses a row whose order-level columns differ from the order's first. */
static enum od_code csv_order_agrees(const struct csv_map *m,
				     const struct csv_record *first,
				     const struct csv_record *r,
				     const char *number, struct od_err *err)
{
	const char *a, *b;
	size_t na, nb;
	int k;

	for (k = 0; k < COL_FIRST_ITEM; k++) {
		a = col_value(m, first, k, &na);
		b = col_value(m, r, k, &nb);
		if (!same_trimmed(a, na, b, nb))
			return od_err_set(err, OD_E_INPUT,
					  "line %zu: order %s: %s differs "
					  "from the order's first row (line "
					  "%zu); order-level columns must "
					  "agree on every row of an order",
					  r->line, number, csv_cols[k].name,
					  first->line);
	}
	return OD_OK;
}

/* Adds the item on row r to o. */
static enum od_code csv_add_item(const struct csv_map *m,
				 const struct csv_record *r, struct order *o,
				 size_t *alloc, struct od_err *err)
{
	char pfx[PFX_MAX];
	struct order_item *items, *it;
	enum od_code rc;
	size_t n;

	snprintf(pfx, sizeof pfx, "line %zu: order %s", r->line, o->number);
	if (o->nitems == ORDER_MAX_ITEMS)
		return od_err_set(err, OD_E_INPUT,
				  "%s: has more than %d items; split the "
				  "order", pfx, ORDER_MAX_ITEMS);
	if (o->nitems == *alloc) {
		n = *alloc ? *alloc * 2 : 8;
		if (n > ORDER_MAX_ITEMS)
			n = ORDER_MAX_ITEMS;
		items = realloc(o->items, n * sizeof *items);
		if (items == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		o->items = items;
		*alloc = n;
	}
	it = &o->items[o->nitems++];
	memset(it, 0, sizeof *it);
	if ((rc = col_text(m, r, COL_SKU, &it->sku, err)) ||
	    (rc = col_text(m, r, COL_ITEM_NAME, &it->name, err)) ||
	    (rc = col_int(pfx, m, r, COL_QTY, &it->qty, err)) ||
	    (rc = col_int(pfx, m, r, COL_UNIT_PRICE, &it->unit_price, err)))
		return rc;
	return OD_OK;
}

/*
 * Validates the finished order and adds it to the list.  When it fails and
 * its number came before, the likely cause is an order whose rows are not
 * together (its total then matches neither part): say that instead.
 */
static enum od_code csv_order_finish(struct builder *b, struct order **o,
				     size_t line, struct od_err *err)
{
	char pfx[32];
	enum od_code rc;
	size_t i;

	snprintf(pfx, sizeof pfx, "line %zu", line);
	rc = validate(*o, pfx, err);
	for (i = 0; rc == OD_E_INPUT && i < b->list->count; i++)
		if (strcmp(b->list->orders[i]->number, (*o)->number) == 0)
			return duplicate_error(b, (*o)->number, b->where[i],
					       line, err);
	if (rc != OD_OK)
		return rc;
	rc = builder_add(b, *o, line, err);
	if (rc == OD_OK)
		*o = NULL;
	return rc;
}

/* Parses CSV: a header, then one row per item, an order's rows together. */
static enum od_code csv_import(const char *data, size_t len,
			       struct builder *b, struct od_err *err)
{
	struct csv c = { data, data + len, 1 };
	struct csv_record first, r, tmp;
	const struct csv_record *cur;
	struct csv_map m = { .ncols = 0 };
	struct order *o = NULL;
	size_t rows = 0, alloc = 0, nlen;
	const char *num;
	enum od_code rc;
	int got;

	/* Any NUL would cut a value short when it becomes a C string. */
	if (memchr(data, '\0', len) != NULL)
		return od_err_set(err, OD_E_INPUT,
				  "import file: contains a NUL byte; it is "
				  "not a text file");
	memset(&first, 0, sizeof first);
	memset(&r, 0, sizeof r);
	buf_init(&first.data, CSV_MAX_FIELDS * (IMPORT_FIELD_MAX + 1));
	buf_init(&r.data, CSV_MAX_FIELDS * (IMPORT_FIELD_MAX + 1));
	rc = csv_header(&c, &r, &m, err);
	if (rc != OD_OK)
		goto out;
	for (;;) {
		rc = csv_next(&c, &r, m.ncols, &got, err);
		if (rc != OD_OK)
			goto out;
		if (!got)
			break;
		if (r.n != m.ncols) {
			rc = od_err_set(err, OD_E_INPUT,
					"line %zu: %zu field(s), but the "
					"header has %zu columns (wrong column "
					"count)",
					r.line, r.n, m.ncols);
			goto out;
		}
		if (++rows > IMPORT_MAX_ROWS) {
			rc = od_err_set(err, OD_E_INPUT,
					"the import file has more than %d "
					"rows; split it into smaller files",
					IMPORT_MAX_ROWS);
			goto out;
		}
		num = col_value(&m, &r, COL_NUMBER, &nlen);
		cur = &r;
		if (o != NULL && same_trimmed(num, nlen, o->number,
					      strlen(o->number))) {
			rc = csv_order_agrees(&m, &first, &r, o->number, err);
		} else {
			if (o != NULL) {
				rc = csv_order_finish(b, &o, first.line, err);
				if (rc != OD_OK)
					goto out;
			}
			alloc = 0;
			rc = csv_order_start(&m, &r, &o, err);
			/* Keep the first row to compare the others with. */
			tmp = first;
			first = r;
			r = tmp;
			cur = &first;
		}
		if (rc != OD_OK)
			goto out;
		rc = csv_add_item(&m, cur, o, &alloc, err);
		if (rc != OD_OK)
			goto out;
	}
	/* A header alone is a day without orders, as "[]" is in JSON. */
	if (o != NULL)
		rc = csv_order_finish(b, &o, first.line, err);
out:
	order_free(o);
	buf_free(&first.data);
	buf_free(&r.data);
	return rc;
}

/* ---- entry points ---- */

enum od_code import_parse(const char *data, size_t len,
			  struct order_list **out, struct od_err *err)
{
	struct builder b = { NULL, NULL, 0, 0 };
	enum od_code rc;
	size_t i;

	*out = NULL;
	if (len > (size_t)IMPORT_MAX_BYTES)
		return od_err_set(err, OD_E_INPUT,
				  "the import file is larger than %ld MiB; "
				  "split it into smaller files",
				  IMPORT_MAX_BYTES >> 20);
	/* Spreadsheet programs like to start UTF-8 files with a BOM. */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	for (i = 0; i < len; i++)
		if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r' &&
		    data[i] != '\n')
			break;
	if (i == len)
		return od_err_set(err, OD_E_INPUT, "the import file is empty");
	b.list = calloc(1, sizeof *b.list);
	if (b.list == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (data[i] == '[' || data[i] == '{') {
		rc = json_import(data, len, &b, err);
	} else {
		b.csv = 1;
		rc = csv_import(data, len, &b, err);
	}
	if (rc == OD_OK)
		rc = check_duplicates(&b, err);
	if (rc == OD_OK) {
		*out = b.list;
		b.list = NULL;
	}
	order_list_free(b.list);
	free(b.where);
	return rc;
}

enum od_code import_read_file(const char *path, struct order_list **out,
			      struct od_err *err)
{
	char chunk[65536];
	struct stat sb;
	struct buf data;
	enum od_code rc;
	ssize_t n;
	int fd;

	*out = NULL;
	buf_init(&data, (size_t)IMPORT_MAX_BYTES);
	/* The path is the user's own: it is left out of messages anyway. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return od_err_set(err, errno == ENOENT ? OD_E_NOTFOUND :
				  OD_E_IO, "cannot open the import file: %s",
				  strerror(errno));
	if (fstat(fd, &sb) != 0) {
		rc = od_err_set(err, OD_E_IO,
				"cannot read the import file: %s",
				strerror(errno));
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		rc = od_err_set(err, OD_E_IO,
				"the import file is a directory");
		goto out;
	}
	if (S_ISREG(sb.st_mode) && sb.st_size > IMPORT_MAX_BYTES) {
		rc = od_err_set(err, OD_E_INPUT,
				"the import file is larger than %ld MiB; "
				"split it into smaller files",
				IMPORT_MAX_BYTES >> 20);
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = od_err_set(err, OD_E_IO,
					"cannot read the import file: %s",
					strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		rc = buf_add(&data, chunk, (size_t)n, err);
		if (rc == OD_E_INPUT)
			rc = od_err_set(err, OD_E_INPUT,
					"the import file is larger than %ld "
					"MiB; split it into smaller files",
					IMPORT_MAX_BYTES >> 20);
		if (rc != OD_OK)
			goto out;
	}
	rc = import_parse(data.data != NULL ? data.data : "", data.len, out,
			  err);
out:
	close(fd);
	buf_free(&data);
	return rc;
}
