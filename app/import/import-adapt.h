/*
 * import-adapt.h - what the storefront adapters (import-woo.c, and the
 * others to come) share to turn a storefront's order into orderdesk's:
 * decimal money to minor units, a stable SKU for an item that has none,
 * lines of one SKU made one, notes made one line.  Not for other modules.
 */
#ifndef OD_IMPORT_ADAPT_H
#define OD_IMPORT_ADAPT_H

#include <stddef.h>

#include "app/log/order.h"
#include "lib/err.h"

/*
 * Parses a decimal amount as storefronts write it ("29.35", "0.9", "10",
 * "6.000000") in currency's major unit into minor units, 0..10^12.  More
 * decimals than the currency has are accepted only when they are zeros.
 * Anything else (a sign, a thousands separator, letters) gives OD_E_INPUT
 * "PFX: LABEL: ...", without quoting the value.
 */
enum od_code import_decimal(const char *pfx, const char *label,
			    const char *s, const char *currency,
			    long long *minor, struct od_err *err);

/*
 * Writes into sku[ORDER_SKU_MAX + 1] a SKU for an item the storefront
 * left without one: the item's name made a slug (ASCII letters and digits,
 * other runs as '-', at most 40) and "-" and 8 hex digits of the name's
 * SHA-256, so the same name always gives the same SKU and two names
 * almost never one.  A name with no ASCII letter or digit gives "ITEM-"
 * and the digits.
 */
void import_derive_sku(const char *name, char *sku);

/* Gives it the storefront's SKU, or one derived from it->name when the
 * storefront left it empty (import_derive_sku). */
enum od_code import_item_sku(struct order_item *it, const char *sku,
			     struct od_err *err);

/*
 * Makes lines of one SKU one line: the same SKU, name and unit price add
 * their quantities; the same SKU at another price or name gets "~2",
 * "/3"... after it, so that both lines are kept and each SKU stands once,
 * as the order's statement wants.
 */
enum od_code import_merge_skus(struct order *o, struct od_err *err);

/*
 * Copies text into a new string fit to sign: line breaks (CRLF, LF, CR)
 * become " / " and tabs a space, surrounding spaces are trimmed; other
 * control characters are left for order_validate to refuse.  At most
 * ORDER_TEXT_MAX bytes are kept, cut at a character's start.
 */
enum od_code import_one_line(const char *text, char **out,
			     struct od_err *err);

/*
 * Makes room in o->items for one more item: 4 at first, doubled each time
 * they are full, so an order of two items does not cost 500; OD_E_INPUT
 * "PFX: has more than 500 items".  Only for arrays it grew from NULL.
 */
enum od_code import_item_room(struct order *o, const char *pfx,
			      struct od_err *err);

/* Copies s (NULL as "") trimmed, into *dst. */
enum od_code import_dup(const char *s, char **dst, struct od_err *err);


/*
 * Turns a local time with its offset, as storefronts write it
 * ("2026-11-20 10:15:30 +0100", "2026-11-20T10:15:30+01:00",
 * "2026-11-20 10:15:30 UTC", "...Z"), into UTC "YYYY-MM-DDTHH:MM:SSZ" in
 * out[21].  OD_E_INPUT "PFX: LABEL: ..." for anything else.
 */
enum od_code import_utc_time(const char *pfx, const char *label,
			     const char *s, char out[21], struct od_err *err);

/*
 * The storefront's own id of an order (Shopify's Id, WooCommerce's id),
 * v, into m->source_id; "" when the file gives none.  Anything but at
 * most 20 letters, digits, '-' and '_' is refused, naming label.
 */
struct import_meta;
enum od_code import_source_id(const char *pfx, const char *label,
			      const char *v, struct import_meta *m,
			      struct od_err *err);

#endif
