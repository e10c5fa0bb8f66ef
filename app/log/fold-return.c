/*
 * fold-return.c - returns (RMA), checked wherever the fold runs.  A return
 * is opened for shipped items only, received with what came back in what
 * state, and closed accepted or rejected.  The swapped-goods fraud is
 * caught here: a serial that was never shipped for that SKU in that order
 * marks the return wrong-item whatever the statement says, and accepting
 * a wrong-item return is the owner's.
 */
#include "app/log/fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/order.h"

/* What the fold needs of an order's returns, gathered in one walk. */
struct returns_seen {
	const struct order *o;
	const char *rma;           /* the statement's */
	long long *qty;            /* per item of o: in returns not rejected */
	size_t count;              /* returns of the order */
	int found;                 /* the rma exists; then the copies below */
	enum return_state state;
	long long seq;
	char *reason, *items, *condition, *received, *note;
};

/* The index of sku[0..n) in o's items, or o->nitems. */
static size_t item_index(const struct order *o, const char *sku, size_t n)
{
	size_t i;

	for (i = 0; i < o->nitems; i++)
		if (strlen(o->items[i].sku) == n &&
		    memcmp(o->items[i].sku, sku, n) == 0)
			break;
	return i;
}

/* Adds the "SKU QTY, SKU QTY" of a return to the per-item counts. */
static void count_items(struct returns_seen *w, const char *p)
{
	size_t n, i;

	while (*p != '\0') {
		n = strcspn(p, " ");
		i = item_index(w->o, p, n);
		if (i < w->o->nitems && p[n] == ' ')
			w->qty[i] += strtoll(p + n + 1, NULL, 10);
		p += strcspn(p, ",");
		p += strspn(p, ", ");
	}
}

static enum od_code see_return(void *ctx, const struct return_record *r,
			       struct od_err *err)
{
	struct returns_seen *w = ctx;

	w->count++;
	if (r->state != RETURN_REJECTED)
		count_items(w, r->items);
	if (strcmp(r->rma, w->rma) != 0)
		return OD_OK;
	w->found = 1;
	w->state = r->state;
	w->seq = r->seq;
	w->reason = strdup(r->reason);
	w->items = strdup(r->items);
	w->condition = strdup(r->condition);
	w->received = strdup(r->received);
	w->note = strdup(r->note);
	if (!w->reason || !w->items || !w->condition || !w->received ||
	    !w->note)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

static void seen_free(struct returns_seen *w)
{
	free(w->qty);
	free(w->reason);
	free(w->items);
	free(w->condition);
	free(w->received);
	free(w->note);
}

/* Refuses a statement whose rma is not a return of this order. */
static enum od_code rma_of_order(const struct statement *st, const char *rma,
				 struct od_err *err)
{
	size_t n = strlen(st->order);

	if (strncmp(rma, st->order, n) != 0 || strncmp(rma + n, "-R", 2) != 0)
		return od_err_set(err, OD_E_INPUT,
				  "return %s is not one of order %s's", rma,
				  st->order);
	return OD_OK;
}

/* return.open: numbered in turn, shipped items only. */
static enum od_code apply_open(struct store *s, const struct statement *st,
			       struct returns_seen *w, long long seq,
			       struct od_err *err)
{
	char want[STMT_ORDER_MAX + 24];
	struct return_record r;
	struct buf items;
	const char *v;
	size_t i, k, n;
	long long q;
	enum od_code rc = OD_OK;

	snprintf(want, sizeof want, "%s-R%zu", st->order, w->count + 1);
	if (strcmp(w->rma, want) != 0)
		return od_err_set(err, OD_E_EXISTS,
				  "order %s's next return is %s, not %s",
				  st->order, want, w->rma);
	buf_init(&items, 64 * 1024);
	for (k = 0; k < st->nfields && rc == OD_OK; k++) {
		if (strcmp(st->fields[k].name, "item") != 0)
			continue;
		v = st->fields[k].value;
		n = strcspn(v, " ");
		i = item_index(w->o, v, n);
		if (i == w->o->nitems) {
			rc = od_err_set(err, OD_E_INPUT, "order %s has no "
					"item %.*s", st->order, (int)n, v);
			break;
		}
		q = strtoll(v + n + 1, NULL, 10);
		if (q > w->o->items[i].shipped - w->qty[i]) {
			rc = od_err_set(err, OD_E_STATE,
					"order %s: %lld of %s shipped and %lld "
					"already in returns; at most %lld can "
					"be returned", st->order,
					w->o->items[i].shipped, w->o->items[i].sku,
					w->qty[i],
					w->o->items[i].shipped - w->qty[i]);
			break;
		}
		w->qty[i] += q;
		rc = buf_addf(&items, err, "%s%s", items.len ? ", " : "", v);
	}
	memset(&r, 0, sizeof r);
	r.rma = w->rma;
	r.seq = seq;
	r.state = RETURN_OPEN;
	r.reason = statement_get(st, "reason");
	r.items = items.data;
	if (rc == OD_OK)
		rc = store_return_put(s, st->order, &r, err);
	buf_free(&items);
	return rc;
}

/*
 * Checks what came back against the return and what shipped: each line's
 * SKU is in the return, never more than it holds; a serial never shipped
 * for that SKU in this order is noted in why (the first one).
 */
static enum od_code check_received(struct store *s,
				   const struct statement *st,
				   const struct returns_seen *w,
				   struct buf *got, char *why, size_t cap,
				   struct od_err *err)
{
	struct buf shipped;
	struct returns_seen in = *w;
	const char *v, *serial;
	long long left[ORDER_MAX_ITEMS] = { 0 };
	enum od_code rc;
	size_t k, n, i;
	char sku_serial[2 * 64 + 2];

	in.qty = left;
	count_items(&in, w->items);     /* left[i]: the return's own */
	buf_init(&shipped, 64 * 1024 * 1024);
	rc = store_shipment_each(s, st->order, fold_parcel_items, &shipped,
				 err);
	for (k = 0; k < st->nfields && rc == OD_OK; k++) {
		if (strcmp(st->fields[k].name, "item") != 0)
			continue;
		v = st->fields[k].value;
		n = strcspn(v, " ");
		i = item_index(w->o, v, n);
		if (i == w->o->nitems || left[i] <= 0 ||
		    strtoll(v + n + 1, NULL, 10) > left[i]) {
			rc = od_err_set(err, OD_E_STATE,
					"return %s: it holds %lld of %.*s; "
					"receive what it holds, or open another",
					w->rma, i < w->o->nitems ? left[i] : 0,
					(int)n, v);
			break;
		}
		left[i] -= strtoll(v + n + 1, NULL, 10);
		serial = strchr(v + n + 1, ' ');
		if (serial != NULL && why[0] == '\0') {
			snprintf(sku_serial, sizeof sku_serial, "%.*s %s",
				 (int)n, v, serial + 1);
			if (shipped.len == 0 ||
			    !fold_serial_shipped(shipped.data, sku_serial))
				snprintf(why, cap, "serial %s of %.*s was "
					 "never shipped in order %s",
					 serial + 1, (int)n, v, st->order);
		}
		rc = buf_addf(got, err, "%s%s", got->len ? ", " : "", v);
	}
	buf_free(&shipped);
	return rc;
}

/* return.receive: an open return, what came back and in what state. */
static enum od_code apply_receive(struct store *s, const struct statement *st,
				  struct returns_seen *w, struct od_err *err)
{
	char why[256] = "";
	struct return_record r;
	struct buf got;
	enum od_code rc;

	if (w->state != RETURN_OPEN)
		return od_err_set(err, OD_E_STATE,
				  "return %s has been received already",
				  w->rma);
	buf_init(&got, 64 * 1024);
	rc = check_received(s, st, w, &got, why, sizeof why, err);
	memset(&r, 0, sizeof r);
	r.rma = w->rma;
	r.seq = w->seq;
	r.state = RETURN_RECEIVED;
	r.reason = w->reason;
	r.items = w->items;
	/* The swapped-goods check: the log proves what came back. */
	r.condition = why[0] ? "wrong-item" : statement_get(st, "condition");
	r.received = got.data;
	r.note = why;
	if (rc == OD_OK)
		rc = store_return_put(s, st->order, &r, err);
	buf_free(&got);
	return rc;
}

/* Finds the condition of the return ctx->rma was received in. */
struct condition_look {
	const char *rma;
	int wrong_item;
};

static enum od_code look_condition(void *ctx, const struct return_record *r,
				   struct od_err *err)
{
	struct condition_look *l = ctx;

	(void)err;
	if (strcmp(r->rma, l->rma) == 0)
		l->wrong_item = strcmp(r->condition, "wrong-item") == 0;
	return OD_OK;
}

enum od_code fold_return_owner_only(struct store *s,
				    const struct statement *st,
				    struct od_err *err)
{
	const char *decision = statement_get(st, "decision");
	struct condition_look l = { statement_get(st, "rma"), 0 };
	enum od_code rc;

	if (st->kind != STMT_RETURN_CLOSE || l.rma == NULL ||
	    decision == NULL || strcmp(decision, "accept") != 0)
		return OD_OK;
	rc = store_return_each(s, st->order, look_condition, &l, err);
	if (rc == OD_OK && l.wrong_item)
		rc = od_err_set(err, OD_E_DENIED,
				"return %s was marked wrong-item; accepting "
				"it is the owner's; ask the owner", l.rma);
	return rc;
}

/* return.close: accept what was received, or reject with a reason. */
static enum od_code apply_close(struct store *s, const struct statement *st,
				struct returns_seen *w, long long seq,
				struct od_err *err)
{
	const char *decision = statement_get(st, "decision");
	const char *reason = statement_get(st, "reason");
	int accept = decision != NULL && strcmp(decision, "accept") == 0;
	struct fold_closing c = { w->rma, w->condition, w->received, accept,
				  seq };
	struct return_record r;
	enum od_code rc;

	if (w->state == RETURN_ACCEPTED || w->state == RETURN_REJECTED)
		return od_err_set(err, OD_E_STATE, "return %s is closed "
				  "already", w->rma);
	if (accept && w->state != RETURN_RECEIVED)
		return od_err_set(err, OD_E_STATE, "return %s has not been "
				  "received; receive it first", w->rma);
	if (!accept && reason == NULL)
		return od_err_set(err, OD_E_INPUT, "rejecting return %s needs "
				  "a reason", w->rma);
	memset(&r, 0, sizeof r);
	r.rma = w->rma;
	r.seq = w->seq;
	r.state = accept ? RETURN_ACCEPTED : RETURN_REJECTED;
	r.reason = w->reason;
	r.items = w->items;
	r.condition = w->condition;
	r.received = w->received;
	r.note = reason != NULL ? reason : w->note;
	rc = store_return_put(s, st->order, &r, err);
	return rc == OD_OK ? fold_restock_apply(s, st, &c, err) : rc;
}

enum od_code fold_return_apply(struct store *s, const struct statement *st,
			       long long seq, struct od_err *err)
{
	struct returns_seen w;
	struct order *o = NULL;
	enum od_code rc;

	memset(&w, 0, sizeof w);
	w.rma = statement_get(st, "rma");
	if (w.rma == NULL)
		return od_err_set(err, OD_E_INPUT, "a return needs its number");
	rc = rma_of_order(st, w.rma, err);
	if (rc == OD_OK)
		rc = store_order_get(s, st->order, &o, err);
	if (rc != OD_OK)
		return rc;
	w.o = o;
	w.qty = calloc(o->nitems ? o->nitems : 1, sizeof *w.qty);
	if (w.qty == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	if (rc == OD_OK)
		rc = store_return_each(s, st->order, see_return, &w, err);
	if (rc == OD_OK && st->kind == STMT_RETURN_OPEN && w.found)
		rc = od_err_set(err, OD_E_EXISTS, "return %s exists already",
				w.rma);
	else if (rc == OD_OK && st->kind != STMT_RETURN_OPEN && !w.found)
		rc = od_err_set(err, OD_E_NOTFOUND, "no return %s in this "
				"shop", w.rma);
	if (rc == OD_OK && st->kind == STMT_RETURN_OPEN)
		rc = apply_open(s, st, &w, seq, err);
	else if (rc == OD_OK && st->kind == STMT_RETURN_RECEIVE)
		rc = apply_receive(s, st, &w, err);
	else if (rc == OD_OK)
		rc = apply_close(s, st, &w, seq, err);
	seen_free(&w);
	record_order_free(o);
	return rc;
}
