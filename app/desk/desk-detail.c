/*
 * desk-detail.c - everything about one order for the order screen and
 * `orderdesk show`, each statement's signature and chain link checked.
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/keys/sigkey.h"
#include "app/log/fold.h"
#include "storage/store.h"

static enum od_code add_shipment(void *ctx, const struct shipment_record *r,
				 struct od_err *err)
{
	struct desk_detail *dd = ctx;
	struct desk_shipment *s = desk_grow((void **)&dd->shipments,
				       &dd->nshipments, sizeof *s);

	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	s->seq = r->seq;
	s->carrier = strdup(r->carrier ? r->carrier : "");
	s->tracking = strdup(r->tracking ? r->tracking : "");
	s->items = strdup(r->items ? r->items : "");
	if (!s->carrier || !s->tracking || !s->items)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

static enum od_code add_note(void *ctx, const struct note_record *r,
			     struct od_err *err)
{
	struct desk_detail *dd = ctx;
	struct desk_note *n = desk_grow((void **)&dd->notes, &dd->nnotes,
				   sizeof *n);

	if (n == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	n->seq = r->seq;
	snprintf(n->time, sizeof n->time, "%s", r->time ? r->time : "");
	snprintf(n->actor, sizeof n->actor, "%s", r->actor ? r->actor : "");
	n->text = strdup(r->text ? r->text : "");
	if (n->text == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

/* Walks an order's log entries for its history. */
struct history_walk {
	struct store *s;
	struct desk_detail *dd;
};

/*
 * Whether r's signature checks with the key its signer has in the shop's
 * users (revoked signers included: their past statements stay checkable),
 * or with a key they retired since (what they signed before the rekey).
 */
int desk_signature_checks(struct store *s, const struct statement *st,
			  const struct log_record *r, char *role,
			  size_t role_cap)
{
	char whose[STMT_NAME_MAX + 1];
	struct user_record u;
	struct sigkey_pub *pub = NULL;
	struct od_err ignored;
	long long seq;
	int ok = 0;

	if (store_user_get(s, st->actor, &u, &ignored) != OD_OK)
		return 0;
	snprintf(role, role_cap, "%s", u.role);
	if (strcmp(u.fingerprint, st->key) != 0 &&
	    store_key_retired(s, st->key, whose, sizeof whose, &seq, u.pubkey,
			      &ignored) == OD_OK && strcmp(whose, st->actor) == 0)
		snprintf(u.fingerprint, sizeof u.fingerprint, "%s", st->key);
	if (strcmp(u.fingerprint, st->key) == 0 &&
	    sigkey_pub_new(u.pubkey, &pub, &ignored) == OD_OK &&
	    sigkey_pub_verify(pub, r->statement, r->statement_len,
			      r->signature, &ignored) == OD_OK)
		ok = 1;
	sigkey_pub_free(pub);
	return ok;
}

/* What the history says about an entry beyond its kind. */
enum od_code desk_event_detail(const struct statement *st, char **out,
			       struct od_err *err)
{
	const char *reason = statement_get(st, "reason");
	const char *text = statement_get(st, "text");
	const char *carrier = statement_get(st, "carrier");
	const char *tracking = statement_get(st, "tracking");
	struct buf b;
	enum od_code rc = OD_OK;

	buf_init(&b, 4 * STMT_VALUE_MAX);
	if (st->kind == STMT_ORDER_AMEND)
		rc = fold_amend_describe(st, &b, err);
	else if (reason != NULL)
		rc = buf_adds(&b, reason, err);
	else if (text != NULL)
		rc = buf_adds(&b, text, err);
	else if (carrier != NULL && tracking != NULL)
		rc = buf_addf(&b, err, "%s %s", carrier, tracking);
	if (rc == OD_OK)
		rc = buf_adds(&b, "", err);
	if (rc == OD_OK && b.data == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	if (rc == OD_OK)
		*out = buf_take(&b);
	buf_free(&b);
	return rc;
}

static enum od_code add_event(void *ctx, const struct log_record *r,
			      struct od_err *err)
{
	struct history_walk *w = ctx;
	struct desk_event *e;
	struct statement *st = NULL;
	enum od_code rc = statement_parse(r->statement, r->statement_len, &st,
					  err);

	if (rc != OD_OK)
		return rc;
	e = desk_grow((void **)&w->dd->events, &w->dd->nevents, sizeof *e);
	if (e == NULL) {
		statement_free(st);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	e->seq = r->seq;
	memcpy(e->time, st->time, sizeof e->time);
	memcpy(e->actor, st->actor, sizeof e->actor);
	e->kind = statement_kind_name(st->kind);
	e->sig_ok = desk_signature_checks(w->s, st, r, e->role, sizeof e->role);
	e->chain_ok = desk_entry_linked(w->s, r);
	if (!e->sig_ok || !e->chain_ok)
		w->dd->nunchecked++;
	if (st->kind == STMT_ORDER_PLACED) {
		snprintf(w->dd->source, sizeof w->dd->source, "%s",
			 statement_get(st, "source") ? statement_get(st,
			 "source") : "");
		snprintf(w->dd->source_id, sizeof w->dd->source_id, "%s",
			 statement_get(st, "source-id") ? statement_get(st,
			 "source-id") : "");
	}
	rc = desk_event_detail(st, &e->detail, err);
	if (rc == OD_OK)
		rc = desk_money_note(w->dd->money, st, r->seq, err);
	statement_free(st);
	return rc;
}

enum od_code desk_order_read(struct shop *sh, const char *number,
			     struct desk_detail **out, struct od_err *err)
{
	struct desk_detail *dd;
	struct history_walk w;
	enum od_code rc;

	*out = NULL;
	dd = calloc(1, sizeof *dd);
	if (dd != NULL && (dd->money = calloc(1, sizeof *dd->money)) == NULL) {
		free(dd);
		dd = NULL;
	}
	if (dd == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	w.s = sh->store;
	w.dd = dd;
	rc = store_order_get(sh->store, number, &dd->order, err);
	if (rc == OD_OK)
		rc = store_shipment_each(sh->store, number, add_shipment, dd,
					 err);
	if (rc == OD_OK)
		rc = store_note_each(sh->store, number, add_note, dd, err);
	if (rc == OD_OK)
		rc = store_log_each(sh->store, number, add_event, &w, err);
	if (rc == OD_OK)
		rc = desk_order_refold(sh->store, dd, err);
	if (rc == OD_OK)
		rc = desk_money_finish(dd->money, sh->store, dd->order, err);
	if (rc != OD_OK) {
		desk_detail_free(dd);
		return rc;
	}
	*out = dd;
	return OD_OK;
}

enum od_code desk_detail(struct desk *d, const char *number,
			 struct desk_detail **out, struct od_err *err)
{
	enum od_code rc;

	*out = NULL;
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = desk_order_read(d->sh, number, out, err);
	shop_release(d->sh);
	return rc;
}

void desk_detail_free(struct desk_detail *dd)
{
	size_t i;

	if (dd == NULL)
		return;
	record_order_free(dd->order);
	desk_money_free(dd->money);
	for (i = 0; i < dd->nshipments; i++) {
		free(dd->shipments[i].carrier);
		free(dd->shipments[i].tracking);
		free(dd->shipments[i].items);
	}
	for (i = 0; i < dd->nnotes; i++)
		free(dd->notes[i].text);
	for (i = 0; i < dd->nevents; i++)
		free(dd->events[i].detail);
	free(dd->shipments);
	free(dd->notes);
	free(dd->events);
	free(dd);
}
