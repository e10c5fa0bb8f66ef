/* desk-pick.c - the filter language's choice of the desk's list. */
#include "app/desk/desk-pick.h"

#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"

enum od_code desk_pick(struct desk *d, const char *text, struct od_err *err)
{
	struct desk_pick_state *p = desk_pick_state(d);
	const struct desk_row *rows;
	uint8_t *keep = NULL;
	size_t n, nkeep = 0, len = text ? strlen(text) : 0;
	enum od_code rc;

	if (desk_shop(d) == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (len >= sizeof p->text)
		return od_err_set(err, OD_E_USAGE, "filter: at most %zu bytes",
				  sizeof p->text - 1);
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rows = desk_index_rows(d, &n);
	rc = desk_pick_mark(text ? text : "", rows, n, desk_shop(d)->store,
			    &keep, &nkeep, err);
	shop_release(desk_shop(d));
	if (rc != OD_OK)
		return rc;
	desk_pick_drop(p);
	p->keep = keep;
	p->nkeep = nkeep;
	memcpy(p->text, text ? text : "", len + 1);
	desk_view_rebuild(d);
	return OD_OK;
}

const char *desk_pick_text(struct desk *d)
{
	return desk_pick_state(d)->text;
}
