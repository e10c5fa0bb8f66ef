/*
 * desk-money.c - the statements of the money, delivery and return dialogs,
 * made from what was typed as `orderdesk pay`, `refund`, `deliver` and
 * `return` make them, prepared to be shown and then signed (desk-act.c).
 * Nothing here judges whether they may happen: the fold does, at the
 * check before the first field (desk_check_money) and at the signature.
 */
#include "app/desk/desk-money.h"
#include "app/desk/desk-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/ledger.h"
#include "app/log/money.h"
#include "app/log/order.h"
#include "app/shop/evidence.h"
#include "app/shop/restock.h"
#include "app/shop/rma.h"
#include "storage/store.h"

#define ITEM_MAX 256

static int given(const char *v)
{
	return v != NULL && v[0] != '\0';
}

static enum od_code add_opt(struct statement *st, const char *name,
			    const char *value, struct od_err *err)
{
	return given(value) ? statement_add(st, name, value, err) : OD_OK;
}

/*
 * Adds one "item" field per comma-separated entry of text ("SKU QTY",
 * "SKU:QTY", "SKU QTY SERIAL"), spaces and colons read as one separator;
 * the statement checks each.
 */
static enum od_code add_items(struct statement *st, const char *text,
			      struct od_err *err)
{
	char one[ITEM_MAX], *w;
	const char *p = text ? text : "", *end;
	enum od_code rc = OD_OK;
	size_t n, i;

	while (rc == OD_OK && *p) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n >= sizeof one)
			return od_err_set(err, OD_E_INPUT, "items: %.40s... is "
					  "too long for one item", p);
		for (w = one, i = 0; i < n; i++) {
			char c = p[i] == ':' ? ' ' : p[i];

			if (c != ' ' || (w > one && w[-1] != ' '))
				*w++ = c;
		}
		while (w > one && w[-1] == ' ')
			w--;
		*w = '\0';
		if (one[0])
			rc = statement_add(st, "item", one, err);
		p += n + (end != NULL);
	}
	return rc;
}

/*
 * The amount typed, in order number's currency, as the minor units signed;
 * for a check before anything is typed (text NULL), the smallest amount.
 */
static enum od_code add_amount(struct store *s, struct statement *st,
			       const char *number, const char *text,
			       struct od_err *err)
{
	char minor_text[24];
	struct order *o = NULL;
	long long minor = 1;
	enum od_code rc;

	if (text == NULL)
		return statement_add(st, "amount", "1", err);
	if (!given(text))
		return od_err_set(err, OD_E_INPUT, "amount: type how much, "
				  "e.g. 25.00");
	rc = store_order_get(s, number, &o, err);
	if (rc == OD_OK)
		rc = money_parse(text, o->currency, &minor, err);
	record_order_free(o);
	snprintf(minor_text, sizeof minor_text, "%lld", minor);
	if (rc == OD_OK)
		rc = statement_add(st, "amount", minor_text, err);
	return rc;
}

/* The next return's number, ORDER-Rn, as `return open` numbers it. */
static enum od_code add_next_rma(struct store *s, struct statement *st,
				 const char *number, struct od_err *err)
{
	char rma[STMT_ORDER_MAX + 24];
	enum od_code rc = shop_next_rma(s, number, rma, sizeof rma, err);

	return rc == OD_OK ? statement_add(st, "rma", rma, err) : rc;
}

/* The body of kind's statement from f, in the kind's field order. */
static enum od_code body(struct shop *sh, struct statement *st,
			 const char *number, const struct desk_money_form *f,
			 int keep, struct od_err *err)
{
	char *files[1] = { (char *)f->evidence };
	size_t nfiles = keep && given(f->evidence);
	enum od_code rc = OD_OK;

	switch (st->kind) {
	case STMT_PAYMENT_RECEIVE:
		rc = add_amount(sh->store, st, number, f->amount, err);
		if (rc == OD_OK)
			rc = statement_add(st, "method", given(f->method) ?
					   f->method : "other", err);
		return rc == OD_OK ? add_opt(st, "reference", f->reference,
					     err) : rc;
	case STMT_PAYMENT_REFUND:
		rc = add_amount(sh->store, st, number, f->amount, err);
		if (rc == OD_OK)
			rc = statement_add(st, "reason", f->reason, err);
		if (rc == OD_OK)
			rc = add_items(st, f->items, err);
		if (rc == OD_OK)
			rc = add_opt(st, "reference", f->reference, err);
		return rc == OD_OK ? add_opt(st, "rma", f->rma, err) : rc;
	case STMT_SHIPMENT_DELIVER:
		rc = add_opt(st, "tracking", f->tracking, err);
		break;
	case STMT_RETURN_OPEN:
		rc = add_next_rma(sh->store, st, number, err);
		if (rc == OD_OK)
			rc = statement_add(st, "reason", f->reason, err);
		return rc == OD_OK ? add_items(st, f->items, err) : rc;
	case STMT_RETURN_RECEIVE:
		rc = statement_add(st, "rma", f->rma, err);
		if (rc == OD_OK)
			rc = statement_add(st, "condition", f->condition, err);
		if (rc == OD_OK)
			rc = add_items(st, f->items, err);
		break;
	case STMT_RETURN_CLOSE:
		rc = statement_add(st, "rma", f->rma, err);
		if (rc == OD_OK)
			rc = statement_add(st, "decision", f->decision, err);
		if (rc == OD_OK)
			rc = add_opt(st, "reason", f->reason, err);
		if (rc == OD_OK && given(f->restock) &&
		    strcmp(f->restock, "yes") == 0)
			rc = shop_return_restock(sh, number, f->rma, 1, NULL,
						 0, st, err);
		return rc;
	default:
		return od_err_set(err, OD_E_USAGE, "the desk cannot sign a "
				  "%s here", statement_kind_name(st->kind));
	}
	/* A file is kept in the store only for a statement to be shown. */
	if (rc == OD_OK && nfiles)
		rc = evidence_attach(sh, st, files, nfiles, err);
	return rc;
}

/* Makes kind's statement about number from f (keep: keep its evidence). */
static enum od_code make(struct shop *sh, enum stmt_kind kind,
			 const char *number, const struct desk_money_form *f,
			 int keep, struct statement **out, struct od_err *err)
{
	enum od_code rc = order_number_check(number, err);

	*out = NULL;
	if (rc == OD_OK)
		rc = shop_statement(sh, kind, number, out, err);
	if (rc == OD_OK)
		rc = body(sh, *out, number, f, keep, err);
	if (rc != OD_OK) {
		statement_free(*out);
		*out = NULL;
	}
	return rc;
}

/*
 * The refund a close that accepts carries, made to follow the close: its
 * prev names the close as the log will hold it, its time the close's, so
 * that its text is the one signed (desk_act_also checks it is).
 */
static enum od_code make_also(struct shop *sh, struct desk_act *act,
			      const struct desk_money_form *f,
			      struct od_err *err)
{
	char why[STMT_ORDER_MAX + 64], hash[DESK_HASH_MAX + 1];
	struct desk_money_form r = { 0 };
	enum od_code rc;

	snprintf(why, sizeof why, "return %s accepted", f->rma);
	r.amount = f->refund;
	r.reason = given(f->reason) ? f->reason : why;
	r.rma = f->rma;
	rc = make(sh, STMT_PAYMENT_REFUND, act->number, &r, 0, &act->also,
		  err);
	if (rc != OD_OK)
		return rc;
	store_evidence_hash(act->text.data, act->text.len, hash);
	snprintf(act->also->prev, sizeof act->also->prev, "%s %s",
		 act->st->id, hash + 7);
	memcpy(act->also->time, act->st->time, sizeof act->also->time);
	buf_init(&act->also_text, STMT_MAX_BYTES);
	return statement_build(act->also, &act->also_text, err);
}

enum od_code desk_prepare_money(struct desk *d, enum stmt_kind kind,
				const char *number,
				const struct desk_money_form *f,
				struct desk_act **out, struct od_err *err)
{
	struct shop *sh = desk_shop(d);
	struct desk_act *act;
	enum od_code rc;

	*out = NULL;
	if (sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	/* Keeping an evidence file writes the store. */
	rc = desk_act_start(d, kind, number,
			    given(f->evidence) ? SHOP_WRITE : SHOP_READ, &act,
			    err);
	if (rc != OD_OK)
		return rc;
	rc = make(sh, kind, number, f, 1, &act->st, err);
	if (rc == OD_OK)
		rc = desk_act_build(sh->store, act, err);
	if (rc == OD_OK && kind == STMT_RETURN_CLOSE && given(f->refund))
		rc = make_also(sh, act, f, err);
	return desk_act_done(d, act, rc, out);
}

enum od_code desk_check_money(struct desk *d, enum stmt_kind kind,
			      const char *number,
			      const struct desk_money_form *f,
			      struct od_err *err)
{
	struct shop *sh = desk_shop(d);
	struct statement *st = NULL;
	enum od_code rc;

	if (sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	rc = desk_hold(d, SHOP_WRITE, err);
	if (rc != OD_OK)
		return rc;
	rc = make(sh, kind, number, f, 0, &st, err);
	if (rc == OD_OK)
		rc = ledger_try(sh->store, st, err);
	if (rc == OD_E_STATE)
		desk_row_refresh(d, number);
	statement_free(st);
	shop_release(sh);
	return rc;
}

/* Takes a return's "SKU QTY, ..." off the shipped units of o. */
static void take_returned(struct order *o, const char *items)
{
	char sku[ITEM_MAX];
	long long qty;
	const char *p = items;
	size_t i;
	int used;

	while (p && sscanf(p, " %255[^ ,] %lld%n", sku, &qty, &used) == 2) {
		for (i = 0; i < o->nitems; i++)
			if (strcmp(o->items[i].sku, sku) == 0)
				o->items[i].shipped -= qty;
		p = strchr(p + used, ',');
		p = p ? p + 1 : NULL;
	}
}

static enum od_code returned_one(void *ctx, const struct return_record *r,
				 struct od_err *err)
{
	(void)err;
	if (r->state != RETURN_REJECTED)
		take_returned(ctx, r->items);
	return OD_OK;
}

enum od_code desk_returnable(struct desk *d, const char *number, char *out,
			     size_t size, struct od_err *err)
{
	struct shop *sh = desk_shop(d);
	struct order *o = NULL;
	size_t i, len = 0;
	enum od_code rc;
	int n;

	out[0] = '\0';
	if (sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = store_order_get(sh->store, number, &o, err);
	if (rc == OD_OK)
		rc = store_return_each(sh->store, number, returned_one, o, err);
	for (i = 0; rc == OD_OK && i < o->nitems; i++) {
		if (o->items[i].shipped <= 0)
			continue;
		n = snprintf(out + len, size - len, "%s%s %lld",
			     len ? ", " : "", o->items[i].sku,
			     o->items[i].shipped);
		if (n < 0 || (size_t)n >= size - len) {
			out[0] = '\0';
			break;
		}
		len += (size_t)n;
	}
	record_order_free(o);
	shop_release(sh);
	return rc;
}

enum od_code desk_evidence_write(struct desk *d, const char *hash,
				 const char *path, long long *size,
				 struct od_err *err)
{
	struct store_evidence_info info;
	struct shop *sh = desk_shop(d);
	enum od_code rc;

	*size = 0;
	if (sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (!given(path))
		return od_err_set(err, OD_E_INPUT, "type the file to write");
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = evidence_write_out(sh, hash, path, &info, err);
	shop_release(sh);
	if (rc == OD_OK)
		*size = info.size;
	return rc;
}
