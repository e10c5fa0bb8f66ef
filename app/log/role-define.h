/*
 * role-define.h - roles the owner defines in the log as sets of
 * permissions (role.define), beside the three built-in ones (role.h).
 *
 * A permission is a short name for a kind of statement ("ship" is
 * shipment.confirm), plus one that is no kind: return.accept-wrong-item,
 * accepting a return the inspection marked wrong-item, which is otherwise
 * the owner's.  People, roles and the clock stay the owner's: no permission
 * names them.  The fold keeps each role's latest definition in the store, so
 * a statement is checked against the role as it was defined at its point of
 * the log, and a redefinition later changes nothing before it.
 */
#ifndef OD_ROLE_DEFINE_H
#define OD_ROLE_DEFINE_H

#include "app/log/role.h"
#include "app/log/statement.h"
#include "lib/err.h"
#include "storage/store.h"

/* A custom role's name: 1..15 of [a-z0-9-], starting with a letter (it is
 * kept in a user's record, storage/records.h). */
#define ROLE_DEFINE_NAME_MAX 15

/* Meta key: the defined roles, one "NAME PERM,PERM,...\n" line each. */
#define ROLE_DEFINE_META "roles"

/* What a signer's role lets them sign. */
struct role_power {
	enum role builtin;          /* ROLE_CUSTOM for a defined role */
	unsigned long long may;     /* a custom role: one bit per kind */
	int wrong_item;             /* may accept a wrong-item return */
	char name[ROLE_DEFINE_NAME_MAX + 1];
};

/* A permission: a kind, or ROLE_PERM_WRONG_ITEM. */
#define ROLE_PERM_WRONG_ITEM (-1)
struct role_perm {
	const char *name;
	int kind;
};

/* The permission called name[0..n), or NULL (role-name.c). */
const struct role_perm *role_perm_find(const char *name, size_t n);

/* Adds permission q to p (role-name.c). */
void role_power_add(struct role_power *p, const struct role_perm *q);

/*
 * The power of role name at this point of the log in s: a built-in role, or
 * one a role.define made.  A name neither gives OD_E_NOTFOUND ("no role X;
 * define it first ...").
 */
enum od_code role_power_load(struct store *s, const char *name,
			     struct role_power *p, struct od_err *err);

/* Whether p may sign a statement of kind k. */
int role_power_allows(const struct role_power *p, enum stmt_kind k);

/* role.define, for fold_apply: checks each permission (known, none twice)
 * and records the role's definition, replacing an earlier one. */
enum od_code role_define_apply(struct store *s, const struct statement *st,
			       struct od_err *err);

/*
 * Checks a comma-separated permission list ("ship,deliver,note") for the
 * command line: OD_E_USAGE naming the first unknown or repeated one.
 */
enum od_code role_define_check_list(const char *list, struct od_err *err);

/* Checks the name of a role to define: the syntax above, and not a
 * built-in role's (OD_E_INPUT). */
enum od_code role_define_check_name(const char *what, const char *v,
				    struct od_err *err);

/* Checks one permission name (OD_E_INPUT listing them). */
enum od_code role_define_check_perm(const char *what, const char *v,
				    struct od_err *err);

/* The defined roles as stored ("NAME PERM,...\n" lines); *text is the
 * caller's, "" when none. */
enum od_code role_define_list(struct store *s, char **text,
			      struct od_err *err);

#endif
