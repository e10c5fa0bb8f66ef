/*
 * paper.h - packing slips and pick lists as PDF, in memory.
 *
 * The drawing (cairo and pango) stays inside app/paper/; callers hand in
 * orders as the store reads them and get the PDF's bytes, to write where
 * they like (app/paper/paper-save.h).  The text in the PDF is real text
 * (pdftotext reads it back), in the fonts fontconfig finds, embedded.
 */
#ifndef OD_PAPER_H
#define OD_PAPER_H

#include <stddef.h>

#include "app/paper/pick.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "storage/records.h"

/* The most bytes one PDF may take: the cap of the buffer it is drawn into. */
#define PAPER_MAX_BYTES (64u << 20)

/*
 * Draws one packing slip per order (a page each, more only for an order
 * too long for one) into pdf, emptied first: the shop's name, the order's
 * number and date, where it goes, each item still to ship with its SKU,
 * name and quantity, and the customer's note.  Errors: OD_E_INPUT for a
 * PDF too big, OD_E_INTERNAL if cairo fails.
 */
enum od_code paper_slips(const char *shop, struct order *const *orders,
			 size_t n, struct buf *pdf, struct od_err *err);

/*
 * Draws a pick list (finished: pick_finish) into pdf, emptied first: a line
 * per SKU with its name, the total to pick and which orders need how many.
 * batch says which orders these are ("status confirmed", "3 orders").
 */
enum od_code paper_picklist(const char *shop, const char *batch,
			    const struct pick_list *pl, struct buf *pdf,
			    struct od_err *err);

#endif
