/*
 * desk-undo.c - the screens' `z`: the person's own actions at this desk
 * since unlock, and the signed inverse of the last one (desk-undo.h).
 */
#include "app/desk/desk-undo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"
#include "app/desk/desk-undo-list.h"
#include "app/log/fold-unconfirm.h"
#include "app/log/ledger.h"
#include "storage/store.h"

/* What each kind of action is called, and for one no statement takes
 * back, what would do instead. */
static const struct {
	enum stmt_kind kind;
	const char *noun;       /* before the order or the person */
	const char *instead;    /* NULL: it can be undone */
} words[] = {
	{ STMT_ORDER_HOLD, "the hold of order", NULL },
	{ STMT_ORDER_CONFIRM, "the confirmation of order", NULL },
	{ STMT_ORDER_CANCEL, "the cancellation of order",
	  "place the order again" },
	{ STMT_ORDER_NOTE, "the note on order",
	  "add a note that corrects it (a)" },
	{ STMT_ORDER_RELEASE, "the release of order",
	  "hold the order again (H)" },
	{ STMT_SHIPMENT_CONFIRM, "the parcel of order",
	  "open a return when it comes back (orderdesk return open)" },
	{ STMT_USER_ADD, "adding", "revoke them in People (P)" },
	{ STMT_USER_ROLE, "the role change of",
	  "change the role back in People (P)" },
	{ STMT_USER_REVOKE, "revoking",
	  "add the person again under a new name" },
};

/* The index of e's words; (size_t)-1 for a kind the desk never signs. */
static size_t word_of(const struct desk_undo_entry *e)
{
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (words[i].kind == e->kind)
			return i;
	return (size_t)-1;
}

/* The latest kind statement about number must still be e's: nobody
 * repeated it since (then undoing it would take theirs back). */
static enum od_code still_latest(struct shop *sh,
				 const struct desk_undo_entry *e,
				 struct od_err *err)
{
	struct fold_last last;
	enum od_code rc = fold_unconfirm_last(sh->store, e->subject, e->kind,
					      0, &last, err);

	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_STATE, "order %s no longer has "
				  "your %s in its log (set aside by a sync?); "
				  "nothing to undo", e->subject,
				  statement_kind_name(e->kind));
	if (rc == OD_OK && strcmp(last.id, e->id) != 0)
		return od_err_set(err, OD_E_STATE, "order %s had another %s "
				  "since yours, by %s (entry %lld); undo is "
				  "for your own last action", e->subject,
				  statement_kind_name(e->kind), last.actor,
				  last.seq);
	return rc;
}

/* The inverse of e, unsigned, on the held shop. */
static enum od_code inverse(struct shop *sh, const struct desk_undo_entry *e,
			    struct statement **st, struct od_err *err)
{
	char reason[64];
	enum od_code rc = still_latest(sh, e, err);

	if (rc != OD_OK)
		return rc;
	if (e->kind == STMT_ORDER_CONFIRM)
		return desk_make_unconfirm(sh, e->subject, st, err);
	snprintf(reason, sizeof reason, "undo of hold %s", e->id);
	return desk_make(sh, STMT_ORDER_RELEASE, e->subject, "reason", reason,
			 st, err);
}

/* Makes the act for e: the fold's answer first, then the text to show. */
static enum od_code undo_act(struct desk *d, const struct desk_undo_entry *e,
			     struct desk_act *act, struct od_err *err)
{
	struct shop *sh = desk_shop(d);
	enum od_code rc = desk_hold(d, SHOP_WRITE, err);

	if (rc != OD_OK)
		return rc;
	rc = inverse(sh, e, &act->st, err);
	if (rc == OD_OK)
		rc = ledger_try(sh->store, act->st, err);
	/* Refused for its state: the row shows what the store holds. */
	if (rc == OD_E_STATE)
		desk_row_refresh(d, e->subject);
	if (rc == OD_OK)
		rc = ledger_prepare(sh->store, act->st, err);
	if (rc == OD_OK)
		rc = statement_build(act->st, &act->text, err);
	shop_release(sh);
	return rc;
}

enum od_code desk_undo_prepare(struct desk *d, struct desk_act **out,
			       char *what, size_t size, struct od_err *err)
{
	const struct desk_undo_entry *e = desk_undo_top(d);
	struct desk_act *act;
	struct od_err inner;
	size_t w;
	enum od_code rc;

	*out = NULL;
	what[0] = '\0';
	if (desk_shop(d) == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (e == NULL)
		return od_err_set(err, OD_E_NOTFOUND, "Nothing to undo: you "
				  "have signed nothing at this desk since you "
				  "unlocked it.");
	if ((w = word_of(e)) == (size_t)-1)
		return od_err_set(err, OD_E_STATE, "Your last action (%s %s) "
				  "cannot be undone.",
				  statement_kind_name(e->kind), e->subject);
	snprintf(what, size, "%s %s", words[w].noun, e->subject);
	if (words[w].instead != NULL)
		return od_err_set(err, OD_E_STATE, "Your last action, %s, "
				  "cannot be undone: %s.", what,
				  words[w].instead);
	act = calloc(1, sizeof *act);
	if (act == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	act->kind = e->kind == STMT_ORDER_HOLD ? STMT_ORDER_RELEASE
					       : STMT_ORDER_UNCONFIRM;
	snprintf(act->number, sizeof act->number, "%s", e->subject);
	buf_init(&act->text, STMT_MAX_BYTES);
	rc = undo_act(d, e, act, &inner);
	if (rc != OD_OK) {
		desk_act_free(act);
		return od_err_set(err, rc, "Undo: %s.", inner.msg);
	}
	*out = act;
	return OD_OK;
}

enum od_code desk_undo_sign(struct desk *d, struct desk_act *act,
			    long long *seq, struct od_err *err)
{
	enum od_code rc;

	*seq = 0;
	if (desk_undo_top(d) == NULL)
		return od_err_set(err, OD_E_STATE, "nothing to undo");
	desk_undo_quiet(d, 1);
	rc = desk_act_sign(d, act, seq, err);
	desk_undo_quiet(d, 0);
	if (*seq > 0)
		desk_undo_pop(d);
	return rc;
}
