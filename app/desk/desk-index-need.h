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

#include "app/desk/desk-tabs.h"
#include "app/desk/desk.h"

#define DESK_INDEX_EAGER 50000

/* Whether the index is read now. */
int desk_index_ready(const struct desk *d);

/* Whether the shop is past the bound: its index read only when needed. */
int desk_index_big(const struct desk *d);

/*
 * The tab a paged list shows, noted for what asks the desk's tab (Tab's
 * completion) without filtering the index in memory again (a walk of
 * every row): 1 if its counts are of no search (what the index last
 * counted), 0 if they are of one.
 */
int desk_tab_note(struct desk *d, const struct desk_tab *t);

/* Reads it now if it is not (holds the store to read). */
enum od_code desk_index_need(struct desk *d, struct od_err *err);

#endif
