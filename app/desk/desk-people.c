/*
 * desk-people.c - the shop's people for the owner's screen: who they are,
 * and adding, re-roling and revoking them in the desk's two steps (prepare
 * and show the statement, then desk_act_sign).
 */
#include "app/desk/desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"
#include "app/log/ledger.h"
#include "app/shop/passphrase.h"
#include "app/shop/shop.h"
#include "lib/secret.h"
#include "storage/store.h"

struct people_walk {
	struct desk_people *p;
	size_t cap;
};

/* Adds one user record to the list. */
static enum od_code people_add(void *ctx, const struct user_record *u,
			       struct od_err *err)
{
	struct people_walk *w = ctx;
	struct desk_person *x;

	if (w->p->n == DESK_PEOPLE_MAX)
		return od_err_set(err, OD_E_INPUT, "more than %d people; use "
				  "`orderdesk user list`", DESK_PEOPLE_MAX);
	if (w->p->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;

		x = realloc(w->p->p, cap * sizeof *x);
		if (x == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		w->p->p = x;
		w->cap = cap;
	}
	x = &w->p->p[w->p->n++];
	memset(x, 0, sizeof *x);
	snprintf(x->name, sizeof x->name, "%s", u->name);
	snprintf(x->role, sizeof x->role, "%s", u->role);
	snprintf(x->fingerprint, sizeof x->fingerprint, "%s", u->fingerprint);
	x->active = u->active;
	return OD_OK;
}

enum od_code desk_people(struct desk *d, struct desk_people **out,
			 struct od_err *err)
{
	struct people_walk w = { NULL, 0 };
	enum od_code rc;

	*out = NULL;
	w.p = calloc(1, sizeof *w.p);
	if (w.p == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = desk_hold(d, SHOP_READ, err);
	if (rc == OD_OK) {
		rc = store_user_each(desk_shop(d)->store, people_add, &w, err);
		shop_release(desk_shop(d));
	}
	if (rc != OD_OK) {
		desk_people_free(w.p);
		return rc;
	}
	*out = w.p;
	return OD_OK;
}

void desk_people_free(struct desk_people *p)
{
	if (p == NULL)
		return;
	free(p->p);
	free(p);
}

/* Makes the unsigned statement of a user action into act (store held). */
static enum od_code make_user(struct shop *sh, struct desk_act *act,
			      enum role role, struct od_err *err)
{
	enum od_code rc;

	if (act->kind == STMT_USER_ADD)
		return shop_user_add_prepare(sh, act->user, role, act->seed,
					     &act->st, err);
	rc = shop_statement(sh, act->kind, NULL, &act->st, err);
	if (rc == OD_OK)
		rc = statement_add(act->st, "user", act->user, err);
	if (rc == OD_OK && act->kind == STMT_USER_ROLE)
		rc = statement_add(act->st, "role", role_name(role), err);
	return rc;
}

enum od_code desk_prepare_user(struct desk *d, enum stmt_kind kind,
			       const char *name, const char *role,
			       const char *pass, size_t pass_len,
			       struct desk_act **out, struct od_err *err)
{
	struct desk_act *act;
	enum role r = ROLE_STAFF;
	enum od_code rc;

	*out = NULL;
	if (desk_shop(d) == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (kind != STMT_USER_ADD && kind != STMT_USER_ROLE &&
	    kind != STMT_USER_REVOKE)
		return od_err_set(err, OD_E_USAGE, "the desk cannot sign a "
				  "%s about a person",
				  statement_kind_name(kind));
	if (name == NULL || name[0] == '\0')
		return od_err_set(err, OD_E_INPUT, "the name must not be "
				  "empty");
	if (strlen(name) > STMT_NAME_MAX)
		return od_err_set(err, OD_E_INPUT, "the name is longer than "
				  "%d bytes", STMT_NAME_MAX);
	if (kind != STMT_USER_REVOKE &&
	    (rc = role_parse(role ? role : "", &r, err)) != OD_OK)
		return rc;
	if (kind == STMT_USER_ADD && (pass == NULL || pass_len <
				      PASSPHRASE_MIN))
		return od_err_set(err, OD_E_INPUT, "the passphrase needs at "
				  "least %d characters", PASSPHRASE_MIN);
	if (kind == STMT_USER_ADD && pass_len > PASSPHRASE_MAX)
		return od_err_set(err, OD_E_INPUT, "the passphrase is longer "
				  "than %d bytes", PASSPHRASE_MAX);
	act = calloc(1, sizeof *act);
	if (act == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	act->kind = kind;
	snprintf(act->user, sizeof act->user, "%s", name);
	buf_init(&act->text, STMT_MAX_BYTES);
	if (kind == STMT_USER_ADD) {
		act->pass = malloc(pass_len + 1);
		if (act->pass == NULL) {
			desk_act_free(act);
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		}
		memcpy(act->pass, pass, pass_len);
		act->pass[pass_len] = '\0';
		act->pass_len = pass_len;
	}
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK) {
		desk_act_free(act);
		return rc;
	}
	rc = make_user(desk_shop(d), act, r, err);
	if (rc == OD_OK)
		rc = desk_act_build(desk_shop(d)->store, act, err);
	return desk_act_done(d, act, rc, out);
}
