/*
 * fold-serial.c - serial numbers (IMEI, batch) on a shipment.confirm: each
 * names an item of the parcel, never more serials than units of that item
 * in it, never one twice; the parcel's items as stored then carry them
 * ("PHONE-1 2 [35693803564380 35693803564381], CASE 1"), so `show` and a
 * later return can see what left.  A serial an earlier parcel of the order
 * took for the same SKU is refused: one unit leaves once.
 */
#include "app/log/fold.h"

#include <stdlib.h>
#include <string.h>

/* Whether field i of st is an item or serial for sku (n bytes). */
static int names_sku(const struct statement *st, size_t i, const char *field,
		     const char *sku, size_t n)
{
	const char *v = st->fields[i].value;

	return strcmp(st->fields[i].name, field) == 0 &&
	       strncmp(v, sku, n) == 0 && v[n] == ' ';
}

/* Units of sku (n bytes) in the parcel: the sum over its item fields. */
static long long parcel_units(const struct statement *st, const char *sku,
			      size_t n)
{
	long long units = 0;
	size_t i;

	for (i = 0; i < st->nfields; i++)
		if (names_sku(st, i, "item", sku, n))
			units += strtoll(st->fields[i].value + n + 1, NULL, 10);
	return units;
}

/* Checks serial field k of st against the parcel and the serials before. */
static enum od_code check_one(const struct statement *st, size_t k,
			      struct od_err *err)
{
	const char *v = st->fields[k].value;
	size_t i, n = strcspn(v, " ");
	long long units = parcel_units(st, v, n), seen = 0;

	if (units == 0)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: a serial names %.*s, which this "
				  "parcel does not hold", st->order, (int)n, v);
	for (i = 0; i < k; i++) {
		if (!names_sku(st, i, "serial", v, n))
			continue;
		if (strcmp(st->fields[i].value, v) == 0)
			return od_err_set(err, OD_E_INPUT,
					  "order %s: serial %s of %.*s is given "
					  "twice", st->order, v + n + 1,
					  (int)n, v);
		seen++;
	}
	if (seen + 1 > units)
		return od_err_set(err, OD_E_INPUT,
				  "order %s: more serials for %.*s than the "
				  "%lld shipped in this parcel", st->order,
				  (int)n, v, units);
	return OD_OK;
}

enum od_code fold_parcel_items(void *ctx, const struct shipment_record *r,
			       struct od_err *err)
{
	return buf_addf(ctx, err, "%s\n", r->items ? r->items : "");
}

/* Whether w[0..wn) is one of the words of the list l[0..ln) ("S1 S2"). */
static int in_words(const char *l, size_t ln, const char *w, size_t wn)
{
	size_t i = 0, k;

	while (i < ln) {
		k = i;
		while (k < ln && l[k] != ' ')
			k++;
		if (k - i == wn && memcmp(l + i, w, wn) == 0)
			return 1;
		i = k + 1;
	}
	return 0;
}

/*
 * Whether "SKU SERIAL" (v) is among the serials of the parcels so far:
 * their items are lines of "SKU QTY [S1 S2], SKU QTY" entries, and
 * neither SKUs nor serials hold a space, a comma or a bracket.
 */
int fold_serial_shipped(const char *before, const char *v)
{
	size_t n = strcspn(v, " "), len;
	const char *p = before, *open, *close;

	while (*p != '\0') {
		len = strcspn(p, ",\n");
		open = memchr(p, '[', len);
		close = open != NULL ? memchr(open, ']', len - (size_t)(open - p))
				     : NULL;
		if (close != NULL && strcspn(p, " ") == n &&
		    memcmp(p, v, n) == 0 &&
		    in_words(open + 1, (size_t)(close - open - 1), v + n + 1,
			     strlen(v + n + 1)))
			return 1;
		p += len;
		p += strspn(p, ", \n");
	}
	return 0;
}

enum od_code fold_ship_serials(struct store *s, const struct statement *st,
			       struct buf *items, struct od_err *err)
{
	struct buf before;
	const char *v;
	enum od_code rc = OD_OK;
	size_t i, j, n, m;

	for (i = 0; i < st->nfields && rc == OD_OK; i++)
		if (strcmp(st->fields[i].name, "serial") == 0)
			rc = check_one(st, i, err);
	buf_init(&before, 64 * 1024 * 1024);
	if (rc == OD_OK)
		rc = store_shipment_each(s, st->order, fold_parcel_items, &before,
					 err);
	for (i = 0; i < st->nfields && rc == OD_OK && before.len > 0; i++) {
		v = st->fields[i].value;
		if (strcmp(st->fields[i].name, "serial") == 0 &&
		    fold_serial_shipped(before.data, v))
			rc = od_err_set(err, OD_E_STATE,
					"order %s: serial %s of %.*s has "
					"shipped already, in an earlier "
					"parcel", st->order,
					v + strcspn(v, " ") + 1,
					(int)strcspn(v, " "), v);
	}
	buf_free(&before);
	if (rc != OD_OK)
		return rc;
	buf_reset(items);
	for (i = 0; i < st->nfields && rc == OD_OK; i++) {
		if (strcmp(st->fields[i].name, "item") != 0)
			continue;
		v = st->fields[i].value;
		n = strcspn(v, " ");
		rc = buf_addf(items, err, "%s%s", items->len ? ", " : "", v);
		/* Serials go with the SKU's first item line only. */
		for (j = 0; j < i; j++)
			if (names_sku(st, j, "item", v, n))
				break;
		if (j < i)
			continue;
		for (m = 0; j < st->nfields && rc == OD_OK; j++) {
			if (!names_sku(st, j, "serial", v, n))
				continue;
			rc = buf_addf(items, err, "%s%s", m++ ? " " : " [",
				      st->fields[j].value + n + 1);
		}
		if (rc == OD_OK && m > 0)
			rc = buf_adds(items, "]", err);
	}
	return rc;
}
