/* desk-prefs.c - the signed-in person's settings (desk-prefs.h). */
#include "app/desk/desk-prefs.h"

#include "app/desk/desk-internal.h"

/* Takes the store for one operation, or says the desk is locked. */
static enum od_code take(struct desk *d, enum shop_access access,
			 struct od_err *err)
{
	if (desk_shop(d) == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	return desk_hold(d, access, err);
}

enum od_code desk_pref_get(struct desk *d, const char *name, char *value,
			   size_t cap, int *found, struct od_err *err)
{
	enum od_code rc = take(d, SHOP_READ, err);

	*found = 0;
	if (rc != OD_OK)
		return rc;
	rc = store_pref_get(desk_shop(d)->store, desk_user(d), name, value,
			    cap, found, err);
	shop_release(desk_shop(d));
	return rc;
}

enum od_code desk_pref_set(struct desk *d, const char *name,
			   const char *value, struct od_err *err)
{
	enum od_code rc = take(d, SHOP_WRITE, err);

	if (rc != OD_OK)
		return rc;
	rc = store_pref_set(desk_shop(d)->store, desk_user(d), name, value,
			    err);
	shop_release(desk_shop(d));
	return rc;
}

enum od_code desk_pref_each(struct desk *d, const char *prefix,
			    store_pref_fn fn, void *ctx, struct od_err *err)
{
	enum od_code rc = take(d, SHOP_READ, err);

	if (rc != OD_OK)
		return rc;
	rc = store_pref_each(desk_shop(d)->store, desk_user(d), prefix, fn,
			     ctx, err);
	shop_release(desk_shop(d));
	return rc;
}
