/*
 * import-woo.h - a WooCommerce REST API v3 order as an orderdesk order
 * (assets/import-format.md, "WooCommerce").  Not for other modules.
 */
#ifndef OD_IMPORT_WOO_H
#define OD_IMPORT_WOO_H

#include <jansson.h>
#include <stddef.h>

#include "app/import/import.h"
#include "app/log/order.h"
#include "lib/err.h"

/*
 * Builds and validates the order jo, at position pos (from 1) of the file.
 * m gets whether the storefront cancelled it (status "cancelled"), what
 * it refunded (refunds) and its id; its source and hash are the caller's.
 * On success *out is the caller's.
 */
enum od_code import_woo_order(json_t *jo, size_t pos, struct order **out,
			      struct import_meta *m, struct od_err *err);

/* Whether jo looks like a WooCommerce order (it has line_items). */
int import_woo_looks(json_t *jo);

#endif
