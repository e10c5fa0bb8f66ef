/*
 * rma.h - return numbers, ORDER-Rn: the one the next return of an order
 * gets, for `orderdesk return open` and the desk's return dialog alike
 * (the fold, app/log/fold-return.c, checks it the same way), and the
 * order a return number names.
 */
#ifndef OD_RMA_H
#define OD_RMA_H

#include <stddef.h>

#include "lib/err.h"
#include "storage/store.h"

/* Writes order's next return number, ORDER-R(its returns + 1), to rma. */
enum od_code shop_next_rma(struct store *s, const char *order, char *rma,
			   size_t cap, struct od_err *err);

/*
 * Writes the order of return number rma (all before its last "-R") to
 * order (cap bytes).  Not ORDER-Rn gives OD_E_USAGE saying what a return
 * number looks like; an ORDER that is no order number, order_number_check's
 * error.
 */
enum od_code shop_rma_order(const char *rma, char *order, size_t cap,
			    struct od_err *err);

#endif
