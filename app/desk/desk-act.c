/*
 * desk-act.c - acting on an order in two steps: prepare the statement and
 * show its exact text, then sign exactly that text.
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"
#include "app/desk/desk-undo-list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/ledger.h"
#include "app/log/order.h"
#include "app/sync/sync-thread.h"
#include "lib/buf.h"
#include "lib/encode.h"
#include "lib/secret.h"
#include "storage/store.h"

enum od_code desk_make(struct shop *sh, enum stmt_kind kind,
		       const char *number, const char *field,
		       const char *value, struct statement **out,
		       struct od_err *err)
{
	struct statement *st = NULL;
	enum od_code rc = shop_statement(sh, kind, number, &st, err);

	*out = NULL;
	if (rc == OD_OK && field != NULL && value != NULL)
		rc = statement_add(st, field, value, err);
	if (rc != OD_OK) {
		statement_free(st);
		return rc;
	}
	*out = st;
	return OD_OK;
}

/* The body field an action's free text goes in, or NULL. */
static const char *text_field(enum stmt_kind kind)
{
	switch (kind) {
	case STMT_ORDER_CANCEL:
	case STMT_ORDER_HOLD:
	case STMT_ORDER_RELEASE:
		return "reason";
	case STMT_ORDER_NOTE:
		return "text";
	default:
		return NULL;
	}
}

enum od_code desk_prepare(struct desk *d, enum stmt_kind kind,
			  const char *number, const char *text,
			  const char *carrier, const char *tracking,
			  struct desk_act **out, struct od_err *err)
{
	struct desk_act *act;
	const char *field = text_field(kind);
	enum od_code rc;

	*out = NULL;
	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (kind != STMT_ORDER_CONFIRM && kind != STMT_SHIPMENT_CONFIRM &&
	    kind != STMT_ORDER_UNCONFIRM && field == NULL)
		return od_err_set(err, OD_E_USAGE, "the desk cannot sign a "
				  "%s", statement_kind_name(kind));
	if (text != NULL && text[0] == '\0' && kind == STMT_ORDER_RELEASE)
		text = NULL;
	if (field != NULL && kind != STMT_ORDER_RELEASE &&
	    (text == NULL || text[0] == '\0'))
		return od_err_set(err, OD_E_INPUT, "the %s must not be empty",
				  field);
	rc = order_number_check(number, err);
	if (rc != OD_OK)
		return rc;
	act = calloc(1, sizeof *act);
	if (act == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	act->kind = kind;
	snprintf(act->number, sizeof act->number, "%s", number);
	buf_init(&act->text, STMT_MAX_BYTES);
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK) {
		desk_act_free(act);
		return rc;
	}
	rc = kind == STMT_ORDER_UNCONFIRM
		? desk_make_unconfirm(d->sh, number, &act->st, err)
		: desk_make(d->sh, kind, number, field, text, &act->st, err);
	if (rc == OD_OK && kind == STMT_SHIPMENT_CONFIRM) {
		if (carrier == NULL || tracking == NULL || !carrier[0] ||
		    !tracking[0])
			rc = od_err_set(err, OD_E_INPUT, "a shipment needs a "
					"carrier and a tracking number");
		if (rc == OD_OK)
			rc = statement_add(act->st, "carrier", carrier, err);
		if (rc == OD_OK)
			rc = statement_add(act->st, "tracking", tracking, err);
		if (rc == OD_OK)
			rc = desk_ship_items_text(d->sh, act->st, number,
						  text, err);
		if (rc == OD_OK)
			snprintf(act->carrier, sizeof act->carrier, "%s",
				 carrier);
	}
	/* The dialog shows the prev and time ledger_append_shown signs. */
	if (rc == OD_OK)
		rc = ledger_prepare(d->sh->store, act->st, err);
	if (rc == OD_OK)
		rc = statement_build(act->st, &act->text, err);
	shop_release(d->sh);
	if (rc != OD_OK) {
		desk_act_free(act);
		return rc;
	}
	*out = act;
	return OD_OK;
}

const char *desk_act_text(const struct desk_act *act)
{
	return act->text.data ? act->text.data : "";
}

/*
 * What a revoke leaves to do once signed: drop the person's slot and
 * change the store's key (shop_user_revoke).
 */
static enum od_code act_finish(struct desk *d, struct desk_act *act,
			       struct od_err *err)
{
	if (act->kind == STMT_SHIPMENT_CONFIRM)
		memcpy(d->last_carrier, act->carrier, sizeof d->last_carrier);
	if (act->number[0])
		desk_row_refresh(d, act->number);
	if (act->kind == STMT_USER_REVOKE &&
	    keyslot_has(d->sh->slots, act->user))
		return shop_user_revoke(d->sh, act->user, err);
	return OD_OK;
}

/*
 * What was signed goes to the backend soon.  A revoke changed the store's
 * key, which the thread's handle holds a copy of: it starts again with
 * the new one (after the release: it reads the store).
 */
static void act_to_backend(struct desk *d, const struct desk_act *act)
{
	if (act->kind == STMT_USER_REVOKE && d->bg.thread != NULL) {
		desk_bg_stop(d);
		desk_bg_start(d);
	} else {
		sync_thread_kick(d->bg.thread);
	}
}

/* A user.add being signed, and the shop whose store takes it. */
struct seal {
	struct shop *sh;
	const struct desk_act *act;
};

/* user.add, inside the ledger's transaction: the new person's key slot. */
static enum od_code seal_new_user(void *ctx, long long seq,
				  struct od_err *err)
{
	const struct seal *s = ctx;

	(void)seq;
	return shop_user_add_seal(s->sh, s->act->st, s->act->seed,
				  s->act->pass, s->act->pass_len, err);
}

/*
 * Signs act's text through the ledger (ledger_append_shown: the tip
 * checked, signed, appended in one transaction).  With follow, the log
 * moving on since act was prepared is not an error: act is linked to the
 * tip of this moment, under the write lock, and its text rebuilt (a bulk
 * action, whose dialog showed every field but prev).
 */
static enum od_code act_sign(struct desk *d, struct desk_act *act, int follow,
			     long long *seq, struct od_err *err)
{
	struct seal new_user = { d->sh, act };
	struct ledger_then seal = { seal_new_user, &new_user };
	enum od_code rc = OD_OK;
	int seen;

	*seq = 0;
	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (strcmp(act->st->actor, d->sh->user) != 0)
		return od_err_set(err, OD_E_AUTH, "this action was prepared "
				  "by %s; prepare it again", act->st->actor);
	rc = desk_hold(d, SHOP_WRITE, err);
	if (rc != OD_OK)
		return rc;
	/* Whether the index was up to date before this entry: then it is
	 * after it too (desk_row_refresh), and the watch follows. */
	seen = desk_watch_current(d);
	if (follow) {
		buf_reset(&act->text);
		rc = ledger_prepare(d->sh->store, act->st, err);
		if (rc == OD_OK)
			rc = statement_build(act->st, &act->text, err);
	}
	if (rc == OD_OK)
		rc = ledger_append_shown(d->sh->store, d->sh->key,
					 act->text.data, act->text.len,
					 act->kind == STMT_USER_ADD ? &seal
								    : NULL,
					 seq, err);
	/* Refused for its state: the row shows what the store holds. */
	if (rc == OD_E_STATE && act->number[0])
		desk_row_refresh(d, act->number);
	if (rc == OD_OK && seen)
		desk_watch_note(d);
	if (rc == OD_OK)
		rc = act_finish(d, act, err);
	shop_release(d->sh);
	if (*seq > 0)
		desk_undo_note(d, act);
	if (*seq > 0)
		act_to_backend(d, act);
	return rc;
}

enum od_code desk_act_sign(struct desk *d, struct desk_act *act,
			   long long *seq, struct od_err *err)
{
	return act_sign(d, act, 0, seq, err);
}

enum od_code desk_act_sign_follow(struct desk *d, struct desk_act *act,
				  long long *seq, struct od_err *err)
{
	return act_sign(d, act, 1, seq, err);
}

void desk_act_free(struct desk_act *act)
{
	if (act == NULL)
		return;
	statement_free(act->st);
	buf_free(&act->text);
	secret_wipe(act->seed, sizeof act->seed);
	secret_free_str(act->pass);
	free(act);
}

const char *desk_last_carrier(const struct desk *d)
{
	return d->last_carrier;
}
