/*
 * desk-index-need.h - when the desk reads its index in memory (every
 * order's row).  It serves what the store has no paged form of
 * (desk-page.h): Unpaid, saved views, the :filter, their counts.  A shop
 * of up to ORDERDESK_INDEX_EAGER orders (environment; DESK_INDEX_EAGER
 * unless set) reads it at unlock; a bigger one when first needed (at a
 * million orders, some 2 s and 200 MiB the first screen does without).
 */
#ifndef OD_DESK_INDEX_NEED_H
#define OD_DESK_INDEX_NEED_H

#include "app/desk/desk.h"

#define DESK_INDEX_EAGER 50000

/* Whether the index is read now. */
int desk_index_ready(const struct desk *d);

/* Whether the shop is past the bound: its index read only when needed. */
int desk_index_big(const struct desk *d);

/* Reads it now if it is not (holds the store to read). */
enum od_code desk_index_need(struct desk *d, struct od_err *err);

#endif
