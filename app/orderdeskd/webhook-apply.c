/*
 * webhook-apply.c - one storefront order from a webhook, made the signed
 * statements that bring the shop up to date with it (webhook.h): what
 * `orderdesk import` decides for an order of a storefront's export
 * (app/orderdesk/cmd-import.c), here signed by the backend with the
 * storefront's key.
 */
#include "app/orderdeskd/webhook.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/log/ledger.h"
#include "app/log/order.h"
#include "app/log/statement.h"
#include "storage/store-hooks.h"

/* What one order needs, in the order to sign it. */
struct plan {
	enum stmt_kind steps[3];
	size_t n;
	long long owed;          /* payment.receive: what is left to pay */
};

/* Whether the shop's order is the storefront's: items, time, figures. */
static int same_order(const struct order *a, const struct order *b)
{
	size_t i;

	if (strcmp(a->placed_at, b->placed_at) != 0 ||
	    strcmp(a->currency, b->currency) != 0 || a->total != b->total ||
	    a->shipping != b->shipping || a->tax != b->tax ||
	    a->discount != b->discount || a->nitems != b->nitems)
		return 0;
	for (i = 0; i < a->nitems; i++)
		if (strcmp(a->items[i].sku, b->items[i].sku) != 0 ||
		    a->items[i].qty != b->items[i].qty ||
		    a->items[i].unit_price != b->items[i].unit_price)
			return 0;
	return 1;
}

/* Decides what o needs against the shop; OD_E_INPUT if it cannot be. */
static enum od_code decide(struct store *s, const struct order *o,
			   const struct import_meta *m, struct plan *p,
			   struct od_err *err)
{
	struct order *have = NULL;
	enum od_code rc;

	memset(p, 0, sizeof *p);
	rc = store_order_get(s, o->number, &have, err);
	if (rc == OD_E_NOTFOUND) {
		p->steps[p->n++] = STMT_ORDER_PLACED;
		if (m->cancelled)
			p->steps[p->n++] = STMT_ORDER_CANCEL;
		return OD_OK;
	}
	if (rc != OD_OK)
		return rc;
	if (!same_order(have, o))
		rc = od_err_set(err, OD_E_INPUT, "order %s is already in the "
				"shop with other items, figures or time; "
				"orderdesk does not take edits of a placed "
				"order from the storefront", o->number);
	if (rc == OD_OK && o->arrival == ARRIVAL_PAID &&
	    have->paid < have->total && have->status != ORDER_CANCELLED) {
		p->owed = have->total - have->paid;
		p->steps[p->n++] = STMT_PAYMENT_RECEIVE;
	}
	if (rc == OD_OK && m->cancelled && have->status != ORDER_CANCELLED)
		p->steps[p->n++] = STMT_ORDER_CANCEL;
	order_free(have);
	return rc;
}

/* order.placed, naming the source and the SHA-256 of the body. */
static enum od_code placed(const struct order *o, const struct import_meta *m,
			   struct statement *st, struct od_err *err)
{
	char hex[7 + 65] = "sha256:";
	enum od_code rc;
	size_t i;

	for (i = 0; i < 32; i++)
		snprintf(hex + 7 + 2 * i, 3, "%02x", m->sha256[i]);
	rc = order_to_statement(o, st, err);
	if (rc == OD_OK)
		rc = statement_add(st, "source", import_source_name(m->source),
				   err);
	if (rc == OD_OK)
		rc = statement_add(st, "source-hash", hex, err);
	return rc;
}

/* The statement of one step of plan p; *out is the caller's. */
static enum od_code make_step(const char *sf, const char *fp,
			      const char *kind, const struct order *o,
			      const struct import_meta *m,
			      const struct plan *p, size_t i,
			      struct statement **out, struct od_err *err)
{
	char text[64];
	enum od_code rc;

	rc = statement_new(p->steps[i], sf, fp, o->number, out, err);
	if (rc != OD_OK)
		return rc;
	if (p->steps[i] == STMT_ORDER_PLACED)
		return placed(o, m, *out, err);
	if (p->steps[i] == STMT_ORDER_CANCEL) {
		snprintf(text, sizeof text, "cancelled in %s", kind);
		return statement_add(*out, "reason", text, err);
	}
	snprintf(text, sizeof text, "%lld", p->owed);
	rc = statement_add(*out, "amount", text, err);
	if (rc == OD_OK)
		rc = statement_add(*out, "method", "other", err);
	snprintf(text, sizeof text, "paid in %s", kind);
	if (rc == OD_OK)
		rc = statement_add(*out, "reference", text, err);
	return rc;
}

/* Signs and logs plan p and the delivery, in one transaction. */
static enum od_code sign_plan(struct backend *b, const struct sigkey *k,
			      const char *fp, const char *sf,
			      const char *kind, const struct order *o,
			      const struct import_meta *m,
			      const struct plan *p, const char *delivery,
			      struct od_err *err)
{
	struct store *s = backend_store(b);
	struct statement *st = NULL;
	enum od_code rc;
	size_t i;

	rc = store_begin(s, err);
	for (i = 0; rc == OD_OK && i < p->n; i++) {
		rc = make_step(sf, fp, kind, o, m, p, i, &st, err);
		if (rc == OD_OK)
			rc = ledger_append(s, k, st, NULL, err);
		statement_free(st);
		st = NULL;
	}
	if (rc == OD_OK && delivery != NULL)
		rc = store_hook_mark(s, sf, kind, delivery, time(NULL), err);
	if (rc == OD_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

enum od_code webhook_apply(struct backend *b, const char *sf,
			   const char *kind, const struct order *o,
			   const struct import_meta *m, const char *delivery,
			   struct webhook_result *res, struct od_err *err)
{
	char fp[SIGKEY_FP_LEN + 1];
	struct sigkey *k = NULL;
	struct od_err oerr;
	struct plan p;
	enum od_code rc;

	memset(res, 0, sizeof *res);
	/* A storefront the owner has not approved (or has revoked): the
	 * caller says so, and the storefront retries. */
	rc = backend_storefront_signer(b, sf, &k, fp, err);
	if (rc != OD_OK)
		return rc;
	od_err_clear(&oerr);
	rc = decide(backend_store(b), o, m, &p, &oerr);
	if (rc == OD_OK)
		rc = sign_plan(b, k, fp, sf, kind, o, m, &p, delivery, &oerr);
	sigkey_free(k);
	if (rc == OD_OK)
		res->statements = p.n;
	else if (rc == OD_E_INPUT || rc == OD_E_STATE || rc == OD_E_DENIED ||
		 rc == OD_E_EXISTS)
		snprintf(res->refused, sizeof res->refused, "%s", oerr.msg);
	else
		return od_err_set(err, rc, "%s", oerr.msg);
	return OD_OK;
}
