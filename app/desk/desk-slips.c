/* desk-slips.c - packing slips from the screens, as `orderdesk slip`. */
#include "app/desk/desk-slips.h"

#include "app/desk/desk-internal.h"
#include "app/desk/desk-paper.h"
#include "app/paper/paper.h"

enum od_code desk_slips(struct desk *d, const char *const *numbers, size_t n,
			const char *path, int force, struct od_err *err)
{
	struct paper_orders po = { NULL, 0, NULL };
	enum od_code rc;
	struct buf pdf;

	if (desk_shop(d) == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	rc = paper_check_out(path, force, err);
	if (rc != OD_OK)
		return rc;
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = paper_orders_named(desk_shop(d), (char *const *)numbers, n, &po,
				err);
	/* The store is let go before the drawing, which takes a while. */
	shop_release(desk_shop(d));
	buf_init(&pdf, PAPER_MAX_BYTES);
	if (rc == OD_OK)
		rc = paper_slips(po.shop, po.v, po.n, &pdf, err);
	if (rc == OD_OK)
		rc = paper_save(path, &pdf, force, err);
	paper_orders_free(&po);
	buf_free(&pdf);
	return rc;
}
