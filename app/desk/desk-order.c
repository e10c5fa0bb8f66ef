/*
 * desk-order.c - one order checked against the log entries it comes from,
 * for the order screen and `orderdesk show` alike (desk_order_read).
 *
 * The order, item, shipment, delivery, note, payment and return rows are the fold of the
 * log (the order's money sums with its row), but a
 * row is only as true as the page it was read from: a page copied back from
 * an older copy of the same store still decrypts (its associated data is
 * only the page number), so a cancelled order can read as new.  Before an
 * order is shown, its own log entries (found through the log's order
 * index) are folded again into an empty in-memory store with the fold's
 * own code (fold_redo), and the result must equal the rows read.  Each
 * entry's chain link is checked too: its hash must follow from the entry
 * before it in the log.  This is a check of one order, a few
 * milliseconds; `audit verify` remains the check of the whole store.
 */
#include "app/desk/desk.h"

#include <string.h>

#include "app/desk/desk-internal.h"
#include "app/log/fold.h"
#include "app/log/ledger.h"

/* ---- chain links ---- */

/* Copies the hash of the entry store_log_at read. */
static enum od_code take_hash(void *ctx, const struct log_record *r,
			      struct od_err *err)
{
	(void)err;
	memcpy(ctx, r->hash, LEDGER_HASH_LEN);
	return OD_OK;
}

int desk_entry_linked(struct store *s, const struct log_record *r)
{
	uint8_t prev[LEDGER_HASH_LEN] = { 0 }, hash[LEDGER_HASH_LEN];
	struct od_err ignored;

	/* The genesis (seq 1) follows a zero hash. */
	if (r->seq > 1 &&
	    store_log_at(s, r->seq - 1, take_hash, prev, &ignored) != OD_OK)
		return 0;
	return ledger_hash(prev, r->seq, r->statement, r->statement_len,
			   r->signature, hash, &ignored) == OD_OK &&
	       memcmp(hash, r->hash, sizeof hash) == 0;
}

/* ---- folding one order again ---- */

/* Folds each of the order's entries into the scratch store. */
struct refold {
	struct store *scratch;
	int refused;    /* the fold refused an entry: not the store failing */
};

static enum od_code refold_entry(void *ctx, const struct log_record *r,
				 struct od_err *err)
{
	struct refold *f = ctx;
	struct statement *st = NULL;
	enum od_code rc = statement_parse(r->statement, r->statement_len, &st,
					  err);

	if (rc == OD_OK)
		rc = fold_redo(f->scratch, st, r->seq, err);
	f->refused = rc != OD_OK && rc != OD_E_NOMEM && rc != OD_E_IO &&
		     rc != OD_E_NOSPACE;
	statement_free(st);
	return rc;
}

/* Whether two strings are equal, NULL equal only to NULL. */
static int same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Whether two orders hold the same fields, items and state. */
static int same_order(const struct order *a, const struct order *b)
{
	size_t i;

	if (!same_str(a->number, b->number) ||
	    !same_str(a->placed_at, b->placed_at) ||
	    strcmp(a->currency, b->currency) != 0 ||
	    !same_str(a->customer_name, b->customer_name) ||
	    !same_str(a->email, b->email) || !same_str(a->phone, b->phone) ||
	    !same_str(a->ship_name, b->ship_name) || a->nlines != b->nlines ||
	    !same_str(a->city, b->city) || !same_str(a->postcode, b->postcode) ||
	    strcmp(a->country, b->country) != 0 || a->nitems != b->nitems ||
	    a->total != b->total || !same_str(a->note, b->note) ||
	    a->status != b->status || a->held_from != b->held_from ||
	    !same_str(a->reason, b->reason) || a->shipping != b->shipping ||
	    a->tax != b->tax || a->discount != b->discount ||
	    a->arrival != b->arrival || a->paid != b->paid ||
	    a->refunded != b->refunded)
		return 0;
	for (i = 0; i < a->nlines; i++)
		if (!same_str(a->ship_lines[i], b->ship_lines[i]))
			return 0;
	for (i = 0; i < a->nitems; i++)
		if (!same_str(a->items[i].sku, b->items[i].sku) ||
		    !same_str(a->items[i].name, b->items[i].name) ||
		    a->items[i].qty != b->items[i].qty ||
		    a->items[i].unit_price != b->items[i].unit_price ||
		    a->items[i].shipped != b->items[i].shipped)
			return 0;
	return 1;
}

/*
 * Walks the refolded shipments or notes beside the ones read; OD_E_EXISTS
 * stops the walk at the first that differs.
 */
struct same_walk {
	const struct desk_detail *dd;
	size_t i;
};

static enum od_code same_shipment(void *ctx, const struct shipment_record *r,
				  struct od_err *err)
{
	struct same_walk *w = ctx;
	const struct desk_shipment *s;

	(void)err;
	if (w->i >= w->dd->nshipments)
		return OD_E_EXISTS;
	s = &w->dd->shipments[w->i++];
	if (s->seq != r->seq ||
	    strcmp(s->carrier, r->carrier ? r->carrier : "") != 0 ||
	    strcmp(s->tracking, r->tracking ? r->tracking : "") != 0 ||
	    strcmp(s->items, r->items ? r->items : "") != 0)
		return OD_E_EXISTS;
	return OD_OK;
}

static enum od_code same_note(void *ctx, const struct note_record *r,
			      struct od_err *err)
{
	struct same_walk *w = ctx;
	const struct desk_note *n;

	(void)err;
	if (w->i >= w->dd->nnotes)
		return OD_E_EXISTS;
	n = &w->dd->notes[w->i++];
	if (n->seq != r->seq ||
	    strcmp(n->time, r->time ? r->time : "") != 0 ||
	    strcmp(n->actor, r->actor ? r->actor : "") != 0 ||
	    strcmp(n->text, r->text ? r->text : "") != 0)
		return OD_E_EXISTS;
	return OD_OK;
}

/* Appends one payment row to a buffer, each field on its own line. */
static enum od_code payment_line(void *ctx, const struct payment_record *r,
				 struct od_err *err)
{
	return buf_addf(ctx, err, "%lld\n%d\n%lld\n%s\n%s\n%s\n%s\n%s\n%s\n",
			r->seq, r->refund, r->amount, r->actor, r->time,
			r->method, r->reason, r->items, r->reference);
}

/* Appends one return row to a buffer, each field on its own line. */
static enum od_code return_line(void *ctx, const struct return_record *r,
				struct od_err *err)
{
	return buf_addf(ctx, err, "%s\n%lld\n%d\n%s\n%s\n%s\n%s\n%s\n",
			r->rma, r->seq, (int)r->state, r->reason, r->items,
			r->condition, r->received, r->note);
}

/*
 * Whether the order's payment and return rows in s are the ones its log
 * folds to in scratch (`show` prints them): OD_OK, or OD_E_EXISTS when
 * they differ.
 */
static enum od_code same_payments(struct store *s, struct store *scratch,
				  const char *number, struct od_err *err)
{
	struct buf a, b;
	enum od_code rc;

	/* Grown as needed; the cap only bounds a damaged store. */
	buf_init(&a, 256 * 1024 * 1024);
	buf_init(&b, 256 * 1024 * 1024);
	rc = store_payment_each(scratch, number, payment_line, &a, err);
	if (rc == OD_OK)
		rc = store_return_each(scratch, number, return_line, &a, err);
	if (rc == OD_OK)
		rc = store_payment_each(s, number, payment_line, &b, err);
	if (rc == OD_OK)
		rc = store_return_each(s, number, return_line, &b, err);
	if (rc == OD_OK && (a.len != b.len ||
			    (a.len > 0 && memcmp(a.data, b.data, a.len) != 0)))
		rc = OD_E_EXISTS;
	buf_free(&a);
	buf_free(&b);
	return rc;
}

/* Appends one parcel's delivery to a buffer; counts the delivered. */
struct parcel_lines {
	struct buf b;
	size_t delivered;
};

static enum od_code parcel_line(void *ctx, const struct parcel_record *r,
				struct od_err *err)
{
	struct parcel_lines *l = ctx;

	l->delivered += r->delivered_seq != 0;
	return buf_addf(&l->b, err, "%lld\n%lld\n%s\n", r->ship_seq,
			r->delivered_seq, r->delivered_at);
}

/*
 * Whether the order's parcel deliveries in s are its log's in scratch:
 * OD_OK, or OD_E_EXISTS.  A delivered order with none kept is a store
 * from before parcels were delivered one by one (`show` says "delivered
 * with the order"), not a difference.
 */
static enum od_code same_parcels(struct store *s, struct store *scratch,
				 const struct order *o, struct od_err *err)
{
	struct parcel_lines a = { { 0 }, 0 }, b = { { 0 }, 0 };
	enum od_code rc;

	buf_init(&a.b, 64 * 1024 * 1024);
	buf_init(&b.b, 64 * 1024 * 1024);
	rc = store_parcel_each(scratch, o->number, parcel_line, &a, err);
	if (rc == OD_OK)
		rc = store_parcel_each(s, o->number, parcel_line, &b, err);
	if (rc == OD_OK && !(b.delivered == 0 &&
			     o->status == ORDER_DELIVERED) &&
	    (a.b.len != b.b.len ||
	     (a.b.len > 0 && memcmp(a.b.data, b.b.data, a.b.len) != 0)))
		rc = OD_E_EXISTS;
	buf_free(&a.b);
	buf_free(&b.b);
	return rc;
}

/*
 * Whether the scratch store's fold of the order equals dd: OD_OK, or
 * OD_E_EXISTS when it differs; storage errors as they come.
 */
static enum od_code refold_compare(struct store *scratch,
				   const struct desk_detail *dd,
				   struct od_err *err)
{
	struct order *o = NULL;
	struct same_walk w;
	enum od_code rc;

	rc = store_order_get(scratch, dd->order->number, &o, err);
	if (rc == OD_E_NOTFOUND)
		return OD_E_EXISTS;
	if (rc != OD_OK)
		return rc;
	rc = same_order(o, dd->order) ? OD_OK : OD_E_EXISTS;
	record_order_free(o);
	memset(&w, 0, sizeof w);
	w.dd = dd;
	if (rc == OD_OK)
		rc = store_shipment_each(scratch, dd->order->number,
					 same_shipment, &w, err);
	if (rc == OD_OK && w.i != dd->nshipments)
		rc = OD_E_EXISTS;
	memset(&w, 0, sizeof w);
	w.dd = dd;
	if (rc == OD_OK)
		rc = store_note_each(scratch, dd->order->number, same_note,
				     &w, err);
	if (rc == OD_OK && w.i != dd->nnotes)
		rc = OD_E_EXISTS;
	return rc;
}

enum od_code desk_order_refold(struct store *s, const struct desk_detail *dd,
			       struct od_err *err)
{
	struct refold f = { NULL, 0 };
	enum od_code rc;

	rc = store_open_memory(&f.scratch, err);
	if (rc != OD_OK)
		return rc;
	/*
	 * A history the fold refuses (an entry out of place, a first entry
	 * that does not place the order) cannot be what the rows say.
	 */
	rc = store_log_each(s, dd->order->number, refold_entry, &f, err);
	if (rc != OD_OK && f.refused)
		rc = OD_E_EXISTS;
	else if (rc == OD_OK)
		rc = refold_compare(f.scratch, dd, err);
	if (rc == OD_OK)
		rc = same_payments(s, f.scratch, dd->order->number, err);
	if (rc == OD_OK)
		rc = same_parcels(s, f.scratch, dd->order, err);
	store_close(f.scratch);
	if (rc == OD_E_EXISTS)
		return od_err_set(err, OD_E_TAMPERED, "order %s's stored state "
				  "does not match its signed history; run "
				  "`orderdesk audit verify`",
				  dd->order->number);
	return rc;
}
