/* role.c - the table of who may sign which kind of statement. */
#include "app/log/role.h"

#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_OWNER] = "owner",
	[ROLE_SHOPKEEPER] = "shopkeeper",
	[ROLE_STAFF] = "staff",
	[ROLE_STOREFRONT] = "storefront",
};

/* One bit per role: who may sign each kind. */
#define O (1u << ROLE_OWNER)
#define K (1u << ROLE_SHOPKEEPER)
#define S (1u << ROLE_STAFF)
#define W (1u << ROLE_STOREFRONT)
static const unsigned kind_roles[STMT_KIND_COUNT] = {
	[STMT_SHOP_GENESIS] = O,
	[STMT_SHOP_CLOCK] = O,
	[STMT_USER_ADD] = O,
	[STMT_USER_ROLE] = O,
	[STMT_USER_REVOKE] = O,
	[STMT_USER_REKEY] = O | K | S,   /* their own key only (fold.c) */
	[STMT_SHOP_WITNESSES] = O,
	[STMT_SHOP_LOG_KEY] = O,
	[STMT_ORDER_PLACED] = O | K | W,
	[STMT_ORDER_CONFIRM] = O | K,
	[STMT_ORDER_CANCEL] = O | K | W,    /* its own orders (fold-storefront.c) */
	[STMT_ORDER_HOLD] = O | K,
	[STMT_ORDER_RELEASE] = O | K,
	[STMT_ORDER_NOTE] = O | K | S,
	[STMT_SHIPMENT_CONFIRM] = O | K | S,
	[STMT_PAYMENT_RECEIVE] = O | K | W, /* its own orders, as above */
	/* Money out is the owner's; a storefront only records what it gave
	 * back of its own orders (fold-storefront.c). */
	[STMT_PAYMENT_REFUND] = O | W,
	[STMT_SHIPMENT_DELIVER] = O | K | S,
	[STMT_RETURN_OPEN] = O | K,
	[STMT_RETURN_RECEIVE] = O | K | S,
	/* Accepting what was marked wrong-item is the owner's (fold-return.c). */
	[STMT_RETURN_CLOSE] = O | K,
	[STMT_ROLE_DEFINE] = O,
	[STMT_ORDER_AMEND] = O | K | W,    /* its own orders, as above */
	[STMT_ORDER_UNCONFIRM] = O | K,  /* whoever may confirm */
};
#undef O
#undef K
#undef S
#undef W

const char *role_name(enum role r)
{
	if (r == ROLE_CUSTOM)
		return "custom";
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "unknown";
}

enum od_code role_parse(const char *name, enum role *r, struct od_err *err)
{
	int i;

	for (i = 0; i < ROLE_COUNT; i++) {
		if (strcmp(name, role_names[i]) == 0) {
			*r = (enum role)i;
			return OD_OK;
		}
	}
	return od_err_set(err, OD_E_USAGE,
			  "unknown role; use owner, shopkeeper, staff or "
			  "storefront");
}

int role_allows(enum role r, enum stmt_kind k)
{
	if ((unsigned)r >= ROLE_COUNT || (unsigned)k >= STMT_KIND_COUNT)
		return 0;
	return (kind_roles[k] >> r) & 1u;
}
