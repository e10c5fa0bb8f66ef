/*
 * desk-check.c - checks a form runs on one field as it is left, before the
 * whole statement is prepared: the same rules the statement applies, so
 * the desk says what is wrong while the person is still on the field; and
 * whether an action would be taken at all, before its first field.
 */
#include "app/desk/desk.h"

#include <stdio.h>

#include "app/desk/desk-internal.h"
#include "app/log/fold.h"
#include "app/log/ledger.h"
#include "app/shop/shop.h"
#include "storage/store.h"

enum od_code desk_check_person_name(struct desk *d, const char *name,
				    struct od_err *err)
{
	struct statement *st = NULL;
	struct shop *sh = desk_shop(d);
	struct od_err inner;
	enum od_code rc;

	if (sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (name == NULL || name[0] == '\0')
		return od_err_set(err, OD_E_INPUT, "type the person's name: "
				  "a-z 0-9 . _ -, a letter first");
	/* The statement's own check: the rule lives in one place. */
	rc = shop_statement(sh, STMT_USER_REVOKE, NULL, &st, err);
	if (rc != OD_OK)
		return rc;
	rc = statement_add(st, "user", name, &inner);
	statement_free(st);
	/* Short enough for a form's line: the statement's words are long. */
	if (rc != OD_OK)
		return od_err_set(err, rc, "a name takes a-z 0-9 . _ - only, "
				  "a letter first, at most %d", STMT_NAME_MAX);
	return OD_OK;
}

/* The statement kind would make about number, its text fields filled with
 * a stand-in (the fold does not judge their words). */
static enum od_code stand_in(struct shop *sh, enum stmt_kind kind,
			     const char *number, struct statement **st,
			     struct od_err *err)
{
	const char *field = kind == STMT_ORDER_NOTE ? "text" :
			    kind == STMT_ORDER_CANCEL || kind == STMT_ORDER_HOLD ?
			    "reason" : NULL;
	enum od_code rc = kind == STMT_ORDER_UNCONFIRM
		? desk_make_unconfirm(sh, number, st, err)
		: desk_make(sh, kind, number, field, field ? "-" : NULL, st,
			    err);

	/* The fields in the statement's order: carrier, tracking, items. */
	if (rc == OD_OK && kind == STMT_SHIPMENT_CONFIRM)
		rc = statement_add(*st, "carrier", "-", err);
	if (rc == OD_OK && kind == STMT_SHIPMENT_CONFIRM)
		rc = statement_add(*st, "tracking", "-", err);
	if (rc == OD_OK && kind == STMT_SHIPMENT_CONFIRM)
		rc = desk_ship_items(sh, *st, number, NULL, 0, err);
	return rc;
}

enum od_code desk_check_act(struct desk *d, enum stmt_kind kind,
			    const char *number, struct od_err *err)
{
	struct statement *st = NULL;
	enum od_code rc;

	if (desk_shop(d) == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	rc = desk_hold(d, SHOP_WRITE, err);
	if (rc != OD_OK)
		return rc;
	rc = stand_in(desk_shop(d), kind, number, &st, err);
	if (rc == OD_OK)
		rc = ledger_try(desk_shop(d)->store, st, err);
	/* Refused for its state, which another process may have changed:
	 * the list shows what the store holds. */
	if (rc == OD_E_STATE)
		desk_row_refresh(d, number);
	statement_free(st);
	shop_release(desk_shop(d));
	return rc;
}

enum od_code desk_check_user(struct desk *d, enum stmt_kind kind,
			     const char *name, const char *role,
			     struct od_err *err)
{
	struct statement *st = NULL;
	struct shop *sh = desk_shop(d);
	enum od_code rc;

	if (sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (kind != STMT_USER_ROLE && kind != STMT_USER_REVOKE)
		return od_err_set(err, OD_E_USAGE, "only a role change or a "
				  "revocation is checked ahead");
	rc = desk_hold(d, SHOP_WRITE, err);
	if (rc != OD_OK)
		return rc;
	rc = shop_statement(sh, kind, NULL, &st, err);
	if (rc == OD_OK)
		rc = statement_add(st, "user", name, err);
	if (rc == OD_OK && kind == STMT_USER_ROLE)
		rc = statement_add(st, "role", role, err);
	if (rc == OD_OK)
		rc = ledger_try(sh->store, st, err);
	statement_free(st);
	shop_release(sh);
	return rc;
}

void desk_who_may(enum stmt_kind kind, char *out, size_t size)
{
	static const enum role roles[] = {
		ROLE_OWNER, ROLE_SHOPKEEPER, ROLE_STAFF,
	};
	const char *names[3];
	size_t i, k = 0;

	for (i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (role_allows(roles[i], kind))
			names[k++] = role_name(roles[i]);
	/* "owner", "owner and shopkeeper", "owner, shopkeeper and staff" */
	if (k == 0)
		snprintf(out, size, "no one");
	else if (k == 1)
		snprintf(out, size, "%s", names[0]);
	else if (k == 2)
		snprintf(out, size, "%s and %s", names[0], names[1]);
	else
		snprintf(out, size, "%s, %s and %s", names[0], names[1],
			 names[2]);
}
