/*
 * desk-money-read.c - an order's money, parcels and returns for the order
 * screen, read from its own signed entries (who did what, when, the
 * serials and evidence each names) and from the fold's return rows (the
 * state and condition the fold gave: a serial that never shipped marks a
 * return wrong-item whatever its statement said).  desk_order_read has
 * checked those rows against the log before this reads them.
 */
#include "app/desk/desk-money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/money.h"
#include "lib/buf.h"
#include "storage/store-evidence.h"
#include "storage/store.h"

/* A copy of st's field name ("" when absent); NULL when out of memory. */
static char *field(const struct statement *st, const char *name)
{
	const char *v = statement_get(st, name);

	return strdup(v ? v : "");
}

/* Every value of a repeated field, joined by ", "; NULL without memory. */
static char *joined(const struct statement *st, const char *name)
{
	struct buf b;
	struct od_err err;
	enum od_code rc = OD_OK;
	size_t i;
	char *out;

	buf_init(&b, STMT_MAX_BYTES);
	for (i = 0; i < st->nfields && rc == OD_OK; i++)
		if (strcmp(st->fields[i].name, name) == 0)
			rc = buf_addf(&b, &err, "%s%s", b.len ? ", " : "",
				      st->fields[i].value);
	if (rc == OD_OK)
		rc = buf_add(&b, "", 1, &err);
	out = rc == OD_OK ? buf_take(&b) : NULL;
	buf_free(&b);
	return out;
}

static enum od_code nomem(struct od_err *err)
{
	return od_err_set(err, OD_E_NOMEM, "out of memory");
}

static enum od_code note_pay(struct desk_money *m, const struct statement *st,
			     long long seq, struct od_err *err)
{
	struct desk_pay *p = desk_grow((void **)&m->pays, &m->npays, sizeof *p);
	const char *amount = statement_get(st, "amount");

	if (p == NULL)
		return nomem(err);
	p->seq = seq;
	p->refund = st->kind == STMT_PAYMENT_REFUND;
	p->amount = amount ? strtoll(amount, NULL, 10) : 0;
	memcpy(p->time, st->time, sizeof p->time);
	memcpy(p->actor, st->actor, sizeof p->actor);
	p->method = field(st, "method");
	p->reference = field(st, "reference");
	p->reason = field(st, "reason");
	p->items = joined(st, "item");
	p->rma = field(st, "rma");
	if (!p->method || !p->reference || !p->reason || !p->items || !p->rma)
		return nomem(err);
	return OD_OK;
}

static enum od_code note_parcel(struct desk_money *m,
				const struct statement *st, long long seq,
				struct od_err *err)
{
	struct desk_parcel *p = desk_grow((void **)&m->parcels, &m->nparcels,
				     sizeof *p);

	if (p == NULL)
		return nomem(err);
	p->seq = seq;
	p->carrier = field(st, "carrier");
	p->tracking = field(st, "tracking");
	p->items = joined(st, "item");
	p->serials = joined(st, "serial");
	if (!p->carrier || !p->tracking || !p->items || !p->serials)
		return nomem(err);
	return OD_OK;
}

/* shipment.deliver: its parcel, or (naming none) every parcel not yet. */
static void note_delivery(struct desk_money *m, const struct statement *st,
			  long long seq)
{
	const char *tracking = statement_get(st, "tracking");
	size_t i;

	if (tracking == NULL) {
		m->delivered = seq;
		memcpy(m->delivered_at, st->time, sizeof m->delivered_at);
		memcpy(m->delivered_by, st->actor, sizeof m->delivered_by);
	}
	for (i = 0; i < m->nparcels; i++) {
		struct desk_parcel *p = &m->parcels[i];

		if (p->delivered ||
		    (tracking && strcmp(tracking, p->tracking) != 0))
			continue;
		p->delivered = seq;
		memcpy(p->delivered_at, st->time, sizeof p->delivered_at);
		memcpy(p->delivered_by, st->actor, sizeof p->delivered_by);
	}
}

/* The return st names, made when it is opened; NULL when not found. */
static struct desk_return *return_of(struct desk_money *m,
				     const struct statement *st,
				     long long seq, struct od_err *err,
				     enum od_code *rc)
{
	const char *rma = statement_get(st, "rma");
	struct desk_return *r;
	size_t i;

	*rc = OD_OK;
	for (i = 0; rma != NULL && i < m->nreturns; i++)
		if (strcmp(m->returns[i].rma, rma) == 0)
			return &m->returns[i];
	if (rma == NULL || st->kind != STMT_RETURN_OPEN)
		return NULL;
	r = desk_grow((void **)&m->returns, &m->nreturns, sizeof *r);
	if (r == NULL || (r->rma = strdup(rma)) == NULL) {
		*rc = nomem(err);
		return NULL;
	}
	r->seq = seq;
	memcpy(r->opened_by, st->actor, sizeof r->opened_by);
	return r;
}

static enum od_code note_return(struct desk_money *m,
				const struct statement *st, long long seq,
				struct od_err *err)
{
	enum od_code rc;
	struct desk_return *r = return_of(m, st, seq, err, &rc);

	if (r == NULL)
		return rc;
	if (st->kind == STMT_RETURN_RECEIVE) {
		r->inspected = seq;
		memcpy(r->inspected_at, st->time, sizeof r->inspected_at);
		memcpy(r->inspected_by, st->actor, sizeof r->inspected_by);
	} else if (st->kind == STMT_RETURN_CLOSE) {
		r->closed = seq;
		memcpy(r->closed_by, st->actor, sizeof r->closed_by);
	}
	return OD_OK;
}

static enum od_code note_evidence(struct desk_money *m,
				  const struct statement *st, long long seq,
				  struct od_err *err)
{
	struct desk_evidence *e;
	size_t i;

	for (i = 0; i < st->nfields; i++) {
		if (strcmp(st->fields[i].name, "evidence") != 0)
			continue;
		e = desk_grow((void **)&m->evidence, &m->nevidence, sizeof *e);
		if (e == NULL)
			return nomem(err);
		e->seq = seq;
		e->size = -1;
		snprintf(e->hash, sizeof e->hash, "%s", st->fields[i].value);
	}
	return OD_OK;
}

enum od_code desk_money_note(struct desk_money *m, const struct statement *st,
			     long long seq, struct od_err *err)
{
	enum od_code rc = note_evidence(m, st, seq, err);

	if (rc != OD_OK)
		return rc;
	switch (st->kind) {
	case STMT_PAYMENT_RECEIVE:
	case STMT_PAYMENT_REFUND:
		return note_pay(m, st, seq, err);
	case STMT_SHIPMENT_CONFIRM:
		return note_parcel(m, st, seq, err);
	case STMT_SHIPMENT_DELIVER:
		note_delivery(m, st, seq);
		return OD_OK;
	case STMT_RETURN_OPEN:
	case STMT_RETURN_RECEIVE:
	case STMT_RETURN_CLOSE:
		return note_return(m, st, seq, err);
	default:
		return OD_OK;
	}
}

/* Copies the fold's row of a return into the one the log named. */
static enum od_code take_row(void *ctx, const struct return_record *row,
			     struct od_err *err)
{
	struct desk_money *m = ctx;
	struct desk_return *r = NULL;
	size_t i;

	for (i = 0; i < m->nreturns && r == NULL; i++)
		if (strcmp(m->returns[i].rma, row->rma) == 0)
			r = &m->returns[i];
	if (r == NULL || r->reason != NULL)
		return OD_OK;
	r->state = row->state;
	r->reason = strdup(row->reason ? row->reason : "");
	r->items = strdup(row->items ? row->items : "");
	r->condition = strdup(row->condition ? row->condition : "");
	r->received = strdup(row->received ? row->received : "");
	r->note = strdup(row->note ? row->note : "");
	if (!r->reason || !r->items || !r->condition || !r->received ||
	    !r->note)
		return nomem(err);
	return OD_OK;
}

enum od_code desk_money_finish(struct desk_money *m, struct store *s,
			       const struct order *o, struct od_err *err)
{
	struct store_evidence_info info;
	enum od_code rc;
	size_t i;

	m->state = money_state_name(money_state(o));
	m->items = 0;
	for (i = 0; i < o->nitems; i++)
		m->items += o->items[i].qty * o->items[i].unit_price;
	rc = store_return_each(s, o->number, take_row, m, err);
	for (i = 0; rc == OD_OK && i < m->nevidence; i++) {
		struct desk_evidence *e = &m->evidence[i];

		rc = store_evidence_stat(s, e->hash, &info, err);
		if (rc == OD_E_NOTFOUND) {
			rc = OD_OK;
			continue;
		}
		e->size = info.size;
		snprintf(e->type, sizeof e->type, "%s", info.type);
	}
	/* A return the log opened but no row holds: its fields stay "". */
	for (i = 0; rc == OD_OK && i < m->nreturns; i++)
		if (m->returns[i].reason == NULL)
			rc = take_row(m, &(struct return_record){
				.rma = m->returns[i].rma }, err);
	return rc;
}

void desk_money_free(struct desk_money *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->npays; i++) {
		free(m->pays[i].method);
		free(m->pays[i].reference);
		free(m->pays[i].reason);
		free(m->pays[i].items);
		free(m->pays[i].rma);
	}
	for (i = 0; i < m->nparcels; i++) {
		free(m->parcels[i].carrier);
		free(m->parcels[i].tracking);
		free(m->parcels[i].items);
		free(m->parcels[i].serials);
	}
	for (i = 0; i < m->nreturns; i++) {
		free(m->returns[i].rma);
		free(m->returns[i].reason);
		free(m->returns[i].items);
		free(m->returns[i].condition);
		free(m->returns[i].received);
		free(m->returns[i].note);
	}
	free(m->pays);
	free(m->parcels);
	free(m->returns);
	free(m->evidence);
	free(m);
}
