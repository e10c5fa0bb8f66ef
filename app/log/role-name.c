/* role-name.c - the names of defined roles and of their permissions:
 * the checks the statement parser and the command line share.  It calls
 * nothing of statement.c, which calls it. */
#include "app/log/role-define.h"

#include <string.h>

#include "app/log/statement-spec.h"

/* The permissions, in the order `role list` and the messages give them. */
static const struct role_perm perms[] = {
	{ "place", STMT_ORDER_PLACED },
	{ "confirm", STMT_ORDER_CONFIRM },
	{ "cancel", STMT_ORDER_CANCEL },
	{ "hold", STMT_ORDER_HOLD },
	{ "release", STMT_ORDER_RELEASE },
	{ "note", STMT_ORDER_NOTE },
	{ "amend", STMT_ORDER_AMEND },
	{ "ship", STMT_SHIPMENT_CONFIRM },
	{ "deliver", STMT_SHIPMENT_DELIVER },
	{ "pay", STMT_PAYMENT_RECEIVE },
	{ "refund", STMT_PAYMENT_REFUND },
	{ "return.open", STMT_RETURN_OPEN },
	{ "return.receive", STMT_RETURN_RECEIVE },
	{ "return.close", STMT_RETURN_CLOSE },
	{ "return.accept-wrong-item", ROLE_PERM_WRONG_ITEM },
};
#define NPERMS (sizeof perms / sizeof perms[0])

#define PERM_LIST "place, confirm, cancel, hold, release, note, amend, " \
	"ship, deliver, pay, refund, return.open, return.receive, " \
	"return.close or return.accept-wrong-item"

/* The permission called name (n bytes), or NULL. */
const struct role_perm *role_perm_find(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < NPERMS; i++)
		if (strlen(perms[i].name) == n &&
		    memcmp(perms[i].name, name, n) == 0)
			return &perms[i];
	return NULL;
}

/* Adds permission q to p. */
void role_power_add(struct role_power *p, const struct role_perm *q)
{
	if (q->kind == ROLE_PERM_WRONG_ITEM)
		p->wrong_item = 1;
	else
		p->may |= 1ull << q->kind;
}

enum od_code role_define_check_perm(const char *what, const char *v,
				    struct od_err *err)
{
	if (role_perm_find(v, strlen(v)) == NULL)
		return od_err_set(err, OD_E_INPUT,
				  "%s: no permission \"%.40s\"; use " PERM_LIST,
				  what, v);
	return OD_OK;
}

enum od_code role_define_check_name(const char *what, const char *v,
				    struct od_err *err)
{
	struct od_err ignore;
	enum role r;
	size_t i, n = strlen(v);

	if (role_parse(v, &r, &ignore) == OD_OK)
		return od_err_set(err, OD_E_INPUT,
				  "%s: %s is a built-in role and cannot be "
				  "redefined; choose another name", what, v);
	if (n == 0 || n > ROLE_DEFINE_NAME_MAX || v[0] < 'a' || v[0] > 'z')
		goto bad;
	for (i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') ||
		      (v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
			goto bad;
	return OD_OK;
bad:
	return od_err_set(err, OD_E_INPUT,
			  "%s: a role's name is 1 to %d of a-z, 0-9 and -, "
			  "starting with a letter", what, ROLE_DEFINE_NAME_MAX);
}

enum od_code role_define_check_list(const char *list, struct od_err *err)
{
	struct role_power p;
	const struct role_perm *q;
	const char *s = list, *e;
	unsigned long long had;

	memset(&p, 0, sizeof p);
	do {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		q = role_perm_find(s, (size_t)(e - s));
		if (q == NULL)
			return od_err_set(err, OD_E_USAGE,
					  "--may: no permission \"%.*s\"; use "
					  PERM_LIST, (int)(e - s < 40 ? e - s
							   : 40), s);
		had = p.may | (unsigned long long)p.wrong_item << 63;
		role_power_add(&p, q);
		if ((p.may | (unsigned long long)p.wrong_item << 63) == had)
			return od_err_set(err, OD_E_USAGE,
					  "--may: %s is given twice", q->name);
		s = *e ? e + 1 : e;
	} while (*s);
	return OD_OK;
}

/* The role field of role.define (statement-kind.c). */
enum od_code stmt_check_role_define(const struct field_spec *f,
				    const char *v, size_t n,
				    struct od_err *err)
{
	(void)n;
	return role_define_check_name(f->name, v, err);
}

/* A may field of role.define (statement-kind.c). */
enum od_code stmt_check_permission(const struct field_spec *f,
				   const char *v, size_t n,
				   struct od_err *err)
{
	(void)n;
	return role_define_check_perm(f->name, v, err);
}
