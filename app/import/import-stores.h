/*
 * import-stores.h - the storefronts' CSV and tab-separated exports, told
 * by their header and read one order at a time by their adapters
 * (import-shopify.c, import-amazon.c, import-etsy.c).  Not for other
 * modules.
 */
#ifndef OD_IMPORT_STORES_H
#define OD_IMPORT_STORES_H

#include <stddef.h>

#include "app/import/import-input.h"
#include "app/import/import.h"
#include "app/log/order.h"
#include "lib/err.h"

struct import_store;

/*
 * Looks at the header at in's position: *src is the source asked (AUTO:
 * told by the header) and becomes the one found.  A storefront's export
 * gives *out, the reader of its orders (the caller's); orderdesk's own CSV
 * gives *out NULL and *src IMPORT_ORDERDESK.  A file that is not of the
 * source asked, or a storefront file orderdesk cannot use (Etsy's orders
 * file), is refused saying what to do.
 */
enum od_code import_store_open(struct import_input *in,
			       enum import_source *src,
			       struct import_store **out, struct od_err *err);

/*
 * The next order, validated, or *out NULL at the end; *line its first
 * row's line, *cancelled whether the storefront cancelled it, sha256 of its
 * rows as they stand in the file.
 */
enum od_code import_store_next(struct import_store *s, struct order **out,
			       size_t *line, int *cancelled,
			       unsigned char sha256[32], struct od_err *err);

/* Frees the reader; NULL is a no-op. */
/*
 * What the file said of the order import_store_next handed out last
 * besides whether it was cancelled: the refunded amount and the
 * storefront's own id, into m.  NULL s (orderdesk's own CSV) is a
 * no-op.
 */
void import_store_said(const struct import_store *s, struct import_meta *m);

void import_store_free(struct import_store *s);

#endif
