/*
 * role.h - who may do what.  The check lives here, in the core, and the fold
 * applies it to every statement, whoever made it and however it arrived: a
 * screen that hides a button is a courtesy, this is the rule.
 */
#ifndef OD_ROLE_H
#define OD_ROLE_H

#include "app/log/statement.h"
#include "lib/err.h"

enum role {
	ROLE_OWNER,       /* everything, and manages people; the only
			     one who refunds */
	ROLE_SHOPKEEPER,  /* places, confirms, cancels, holds, releases,
			     notes and ships orders, records payments */
	ROLE_STAFF,       /* ships and notes */
	ROLE_STOREFRONT,  /* places orders only: a shop's web storefront,
			     whose key the backend holds and signs with on
			     its behalf (app/orderdeskd/backend.h) */
	ROLE_COUNT,
	/* Not a built-in role: one the owner defined (role-define.h), whose
	 * permissions are in the store; role_allows gives it nothing. */
	ROLE_CUSTOM = ROLE_COUNT
};

/* "owner", "shopkeeper", "staff", "storefront" ("custom"). */
const char *role_name(enum role r);

/* Parses a role name; anything else gives OD_E_USAGE listing the roles. */
enum od_code role_parse(const char *name, enum role *r, struct od_err *err);

/* Whether a user with role r may sign a statement of kind k. */
int role_allows(enum role r, enum stmt_kind k);

#endif
