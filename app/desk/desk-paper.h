/*
 * desk-paper.h - what `slip`, `picklist` and the screens' slips share:
 * the orders they print, read from a shop the caller holds, and the PDF
 * written where the person says.
 */
#ifndef OD_DESK_PAPER_H
#define OD_DESK_PAPER_H

#include <stddef.h>

#include "app/shop/shop.h"
#include "lib/buf.h"

/* The most orders one slip or pick list run prints. */
#define PAPER_MAX_ORDERS 10000

/* Orders read for printing; each the caller's until paper_orders_free. */
struct paper_orders {
	struct order **v;
	size_t n;
	char *shop;            /* the shop's name */
};

/*
 * Reads the shop's name and the orders named (numbers[0..n)), in that
 * order.  Refuses, naming the order: one named twice, one that does not
 * exist, one cancelled, one with nothing left to ship.
 */
enum od_code paper_orders_named(struct shop *sh, char *const *numbers,
				size_t n, struct paper_orders *po,
				struct od_err *err);

/*
 * Reads the shop's name and every order with status that still has
 * something to ship, by number.  None is not an error (po->n is 0).
 */
enum od_code paper_orders_status(struct shop *sh, enum order_status status,
				 struct paper_orders *po, struct od_err *err);

void paper_orders_free(struct paper_orders *po);

/*
 * Refuses early, before the passphrase and the drawing, if path is there
 * and force is not given (paper_save checks again as it writes).
 */
enum od_code paper_check_out(const char *path, int force, struct od_err *err);

/*
 * Writes pdf to path, mode 0600, atomically; replaces a file there only
 * with force, else refuses with a line that says to give --force.
 */
enum od_code paper_save(const char *path, const struct buf *pdf, int force,
			struct od_err *err);

#endif
