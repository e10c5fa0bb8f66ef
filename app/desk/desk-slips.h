/*
 * desk-slips.h - packing slips of orders chosen on the screens (issue 13:
 * "from the screens on the marked orders"), the PDF `orderdesk slip`
 * writes, through the same reading and writing (desk-paper.h).
 */
#ifndef OD_DESK_SLIPS_H
#define OD_DESK_SLIPS_H

#include "app/desk/desk.h"

/*
 * Writes one packing slip per order numbers[0..n) to path as a PDF, mode
 * 0600; replaces a file there only with force (else OD_E_EXISTS).  The
 * store is held to read the orders and let go before the drawing.  An
 * order cancelled or with nothing left to ship is refused by its number,
 * and nothing is written.
 */
enum od_code desk_slips(struct desk *d, const char *const *numbers, size_t n,
			const char *path, int force, struct od_err *err);

#endif
