/*
 * backend-import.h - `orderdeskd import`: a file of orders (orderdesk's
 * own format or a storefront's export) brought into the shop as a
 * storefront, with the overlap handling of `orderdesk import`
 * (app/import/import-update.h): an order already here with the same
 * content is skipped, one paid, refunded or cancelled since gets the
 * statements that bring it up to date.
 */
#ifndef OD_BACKEND_IMPORT_H
#define OD_BACKEND_IMPORT_H

#include "app/import/import-update.h"
#include "app/orderdeskd/backend.h"

/*
 * Reads in whole to check it, then again inside one transaction that
 * signs, as storefront name, what each order needs: a file wrong in one
 * order (or one the shop cannot take) imports nothing, and a second
 * import of the same file signs nothing.  *t gets what was done.  A
 * storefront the owner has not approved gives OD_E_DENIED saying what
 * to do; an unknown one OD_E_NOTFOUND.
 */
enum od_code backend_import_file(struct backend *b, const char *name,
				 struct import_reader *in,
				 struct import_tally *t, struct od_err *err);

#endif
