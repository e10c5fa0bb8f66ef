/*
 * desk-check.c - checks a form runs on one field as it is left, before the
 * whole statement is prepared: the same rules the statement applies, so
 * the desk says what is wrong while the person is still on the field.
 */
#include "app/desk/desk.h"

#include "app/desk/desk-internal.h"
#include "app/shop/shop.h"

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
