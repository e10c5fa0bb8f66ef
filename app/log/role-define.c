/* role-define.c - roles the owner defines as sets of permissions. */
#include "app/log/role-define.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"

#define ROLES_MAX 64   /* defined roles in one shop */

/* Finds role name's line in the roles text; *line its start, or NULL. */
static const char *find_line(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *l = text;

	while (l != NULL && *l) {
		if (strncmp(l, name, n) == 0 && l[n] == ' ')
			return l;
		l = strchr(l, '\n');
		if (l != NULL)
			l++;
	}
	return NULL;
}

/* Reads the stored roles text ("" when none); *text is the caller's. */
static enum od_code roles_text(struct store *s, char **text,
			       struct od_err *err)
{
	enum od_code rc = store_meta_get(s, ROLE_DEFINE_META, text, err);

	if (rc == OD_E_NOTFOUND) {
		*text = strdup("");
		rc = *text ? OD_OK : od_err_set(err, OD_E_NOMEM,
						"out of memory");
	}
	return rc;
}

enum od_code role_define_list(struct store *s, char **text,
			      struct od_err *err)
{
	return roles_text(s, text, err);
}

/* Fills p from a stored line's permission list (up to its newline). */
static enum od_code power_parse(const char *l, struct role_power *p,
				struct od_err *err)
{
	const struct role_perm *q;
	const char *e;

	while (*l && *l != '\n') {
		e = l + strcspn(l, ",\n");
		q = role_perm_find(l, (size_t)(e - l));
		if (q == NULL)
			return od_err_set(err, OD_E_TAMPERED,
					  "a defined role has an unknown "
					  "permission; the store is damaged");
		role_power_add(p, q);
		l = *e == ',' ? e + 1 : e;
	}
	return OD_OK;
}

enum od_code role_power_load(struct store *s, const char *name,
			     struct role_power *p, struct od_err *err)
{
	struct od_err ignore;
	const char *l;
	char *text = NULL;
	enum od_code rc;

	memset(p, 0, sizeof p[0]);
	snprintf(p->name, sizeof p->name, "%s", name);
	if (role_parse(name, &p->builtin, &ignore) == OD_OK) {
		p->wrong_item = p->builtin == ROLE_OWNER;
		return OD_OK;
	}
	p->builtin = ROLE_CUSTOM;
	rc = roles_text(s, &text, err);
	if (rc != OD_OK)
		return rc;
	l = find_line(text, name);
	if (l == NULL)
		rc = od_err_set(err, OD_E_NOTFOUND,
				"no role %.32s in this shop; define it first "
				"with `orderdesk role add`", name);
	else
		rc = power_parse(l + strlen(name) + 1, p, err);
	free(text);
	return rc;
}

int role_power_allows(const struct role_power *p, enum stmt_kind k)
{
	if ((unsigned)k >= STMT_KIND_COUNT)
		return 0;
	if (p->builtin != ROLE_CUSTOM)
		return role_allows(p->builtin, k);
	if (k == STMT_ORDER_UNCONFIRM)   /* taking back is confirm's */
		k = STMT_ORDER_CONFIRM;
	return (int)((p->may >> k) & 1u);
}

/* Appends every stored line but name's to b; counts them in *n. */
static enum od_code keep_others(const char *text, const char *name,
				struct buf *b, size_t *n, struct od_err *err)
{
	const char *l = text, *e;
	enum od_code rc = OD_OK;

	*n = 0;
	while (rc == OD_OK && *l) {
		e = strchr(l, '\n');
		e = e ? e + 1 : l + strlen(l);
		if (find_line(l, name) != l) {
			rc = buf_addf(b, err, "%.*s", (int)(e - l), l);
			(*n)++;
		}
		l = e;
	}
	return rc;
}

/* The new line for st: "NAME PERM,PERM\n", refusing a repeat. */
static enum od_code define_line(const struct statement *st, struct buf *b,
				struct od_err *err)
{
	struct role_power p;
	unsigned long long had;
	const struct role_perm *q;
	const char *v;
	size_t i;
	int first = 1;
	enum od_code rc = buf_addf(b, err, "%s ", statement_get(st, "role"));

	memset(&p, 0, sizeof p);
	for (i = 0; rc == OD_OK && i < st->nfields; i++) {
		if (strcmp(st->fields[i].name, "may") != 0)
			continue;
		v = st->fields[i].value;
		q = role_perm_find(v, strlen(v));
		if (q == NULL)
			return role_define_check_perm("may", v, err);
		had = p.may | (unsigned long long)p.wrong_item << 63;
		role_power_add(&p, q);
		if ((p.may | (unsigned long long)p.wrong_item << 63) == had)
			return od_err_set(err, OD_E_INPUT,
					  "may: %s is given twice", v);
		rc = buf_addf(b, err, "%s%s", first ? "" : ",", v);
		first = 0;
	}
	if (rc == OD_OK)
		rc = buf_addf(b, err, "\n");
	return rc;
}

enum od_code role_define_apply(struct store *s, const struct statement *st,
			       struct od_err *err)
{
	const char *name = statement_get(st, "role");
	struct buf b;
	char *text = NULL;
	size_t n = 0;
	enum od_code rc;

	if (name == NULL)
		return od_err_set(err, OD_E_INPUT, "role.define names no role");
	rc = role_define_check_name("role", name, err);
	if (rc != OD_OK)
		return rc;
	buf_init(&b, 64 * 1024);
	rc = roles_text(s, &text, err);
	if (rc == OD_OK)
		rc = keep_others(text, name, &b, &n, err);
	if (rc == OD_OK && n >= ROLES_MAX)
		rc = od_err_set(err, OD_E_STATE, "the shop has %d roles "
				"already; redefine one instead", ROLES_MAX);
	if (rc == OD_OK)
		rc = define_line(st, &b, err);
	if (rc == OD_OK)
		rc = store_meta_set(s, ROLE_DEFINE_META, b.data, err);
	free(text);
	buf_free(&b);
	return rc;
}

