/*
 * rma.h - the number the next return of an order gets, ORDER-Rn, for
 * `orderdesk return open` and the desk's return dialog alike (the fold,
 * app/log/fold-return.c, checks it the same way).
 */
#ifndef OD_RMA_H
#define OD_RMA_H

#include <stddef.h>

#include "lib/err.h"
#include "storage/store.h"

/* Writes order's next return number, ORDER-R(its returns + 1), to rma. */
enum od_code shop_next_rma(struct store *s, const char *order, char *rma,
			   size_t cap, struct od_err *err);

#endif
