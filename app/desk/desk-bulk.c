/*
 * desk-bulk.c - acting on several orders at once: one statement per order,
 * all shown in one dialog, each signed in its own transaction so that one
 * refused order (already shipped, say) does not stop the others, and each
 * is on disk before the next is signed.
 */
#include "app/desk/desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"
#include "lib/buf.h"

#define BULK_TEXT_MAX (16 * 1024 * 1024)

struct bulk_item {
	char number[STMT_ORDER_MAX + 1];
	struct desk_act *act;          /* NULL when refused */
	char refused[OD_ERR_MSG_MAX];
	enum od_code refused_rc;       /* and the code it was refused with */
};

struct desk_bulk {
	struct bulk_item *items;
	size_t n;
	struct buf text;
};

/* Appends act's text with its prev line replaced by what it will link to. */
static enum od_code add_text(struct buf *b, const char *text,
			     struct od_err *err)
{
	const char *p = strstr(text, "\nprev: "), *end;
	enum od_code rc;

	if (p == NULL)
		return buf_adds(b, text, err);
	end = strchr(p + 1, '\n');
	rc = buf_add(b, text, (size_t)(p - text) + 1, err);
	if (rc == OD_OK)
		rc = buf_adds(b, "prev: (the entry signed just before it)\n",
			      err);
	if (rc == OD_OK && end != NULL)
		rc = buf_adds(b, end + 1, err);
	return rc;
}

/*
 * Prepares one order's statement into it, or notes why not: its own fault
 * (what the log would refuse at signing, desk_check_act; its state, a
 * bad field, no such order) is kept in it, anything else stops all.
 */
static enum od_code prepare_one(struct desk *d, enum stmt_kind kind,
				const char *number, const char *text,
				const char *carrier, const char *tracking,
				struct bulk_item *it, struct od_err *err)
{
	struct od_err why;
	enum od_code rc;

	snprintf(it->number, sizeof it->number, "%s", number);
	/* What the log would refuse first: an order that may not take kind
	 * is refused for that, not for a field its dialog never asked. */
	rc = desk_check_act(d, kind, number, &why);
	if (rc == OD_OK)
		rc = desk_prepare(d, kind, number, text, carrier, tracking,
				  &it->act, &why);
	if (rc == OD_OK)
		return OD_OK;
	snprintf(it->refused, sizeof it->refused, "%s", why.msg);
	it->refused_rc = rc;
	if (rc == OD_E_STATE || rc == OD_E_INPUT || rc == OD_E_NOTFOUND)
		return OD_OK;
	return od_err_set(err, rc, "%s", why.msg);
}

/* Prepares kind for each of numbers, with text (a reason) or a parcel. */
static enum od_code bulk_prepare(struct desk *d, enum stmt_kind kind,
				 const char *const *numbers, size_t n,
				 const char *text, const char *carrier,
				 const char *const *tracking,
				 const char *const *items,
				 struct desk_bulk **out, struct od_err *err)
{
	struct desk_bulk *b;
	size_t i, ok = 0;
	char head[96];
	enum od_code rc = OD_OK;

	*out = NULL;
	if (kind != STMT_ORDER_CONFIRM && kind != STMT_SHIPMENT_CONFIRM &&
	    kind != STMT_ORDER_HOLD && kind != STMT_ORDER_RELEASE)
		return od_err_set(err, OD_E_USAGE, "the desk cannot sign a "
				  "%s for several orders",
				  statement_kind_name(kind));
	if (n == 0 || n > DESK_BULK_MAX)
		return od_err_set(err, OD_E_INPUT, "mark between 1 and %d "
				  "orders", DESK_BULK_MAX);
	b = calloc(1, sizeof *b);
	if (b == NULL || (b->items = calloc(n, sizeof *b->items)) == NULL) {
		free(b);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	b->n = n;
	buf_init(&b->text, BULK_TEXT_MAX);
	for (i = 0; i < n && rc == OD_OK; i++) {
		rc = prepare_one(d, kind, numbers[i], items ? items[i] : text,
				 carrier,
				 tracking ? tracking[i] : NULL, &b->items[i],
				 err);
		ok += b->items[i].act != NULL;
	}
	snprintf(head, sizeof head, "%zu statement%s, one per order, each "
		 "signed on its own:\n", ok, ok == 1 ? "" : "s");
	if (rc == OD_OK)
		rc = buf_adds(&b->text, head, err);
	for (i = 0; i < n && rc == OD_OK; i++) {
		if (b->items[i].act == NULL)
			continue;
		rc = buf_adds(&b->text, "\n", err);
		if (rc == OD_OK)
			rc = add_text(&b->text, desk_act_text(b->items[i].act),
				      err);
	}
	for (i = 0; i < n && rc == OD_OK; i++) {
		if (b->items[i].act != NULL)
			continue;
		snprintf(head, sizeof head, "\nnot signed, order %s: ",
			 b->items[i].number);
		rc = buf_adds(&b->text, head, err);
		if (rc == OD_OK)
			rc = buf_adds(&b->text, b->items[i].refused, err);
	}
	if (rc != OD_OK) {
		desk_bulk_free(b);
		return rc;
	}
	*out = b;
	return OD_OK;
}

enum od_code desk_bulk_prepare(struct desk *d, enum stmt_kind kind,
			       const char *const *numbers, size_t n,
			       const char *carrier,
			       const char *const *tracking,
			       struct desk_bulk **out, struct od_err *err)
{
	return bulk_prepare(d, kind, numbers, n, NULL, carrier, tracking, NULL,
			    out, err);
}

enum od_code desk_bulk_prepare_parcels(struct desk *d,
				       const char *const *numbers, size_t n,
				       const char *carrier,
				       const char *const *tracking,
				       const char *const *items,
				       struct desk_bulk **out,
				       struct od_err *err)
{
	return bulk_prepare(d, STMT_SHIPMENT_CONFIRM, numbers, n, NULL,
			    carrier, tracking, items, out, err);
}

enum od_code desk_bulk_prepare_reason(struct desk *d, enum stmt_kind kind,
				      const char *const *numbers, size_t n,
				      const char *reason,
				      struct desk_bulk **out,
				      struct od_err *err)
{
	if (kind != STMT_ORDER_HOLD && kind != STMT_ORDER_RELEASE)
		return od_err_set(err, OD_E_USAGE, "only a hold or a release "
				  "takes one reason for several orders");
	return bulk_prepare(d, kind, numbers, n, reason, NULL, NULL, NULL,
			    out, err);
}

const char *desk_bulk_text(const struct desk_bulk *b)
{
	return b->text.data ? b->text.data : "";
}

const char *desk_bulk_number(const struct desk_bulk *b, size_t i)
{
	return i < b->n ? b->items[i].number : "";
}

enum od_code desk_bulk_sign(struct desk *d, struct desk_bulk *b, size_t i,
			    long long *seq, struct od_err *err)
{
	*seq = 0;
	if (i >= b->n)
		return od_err_set(err, OD_E_USAGE, "no such order in the "
				  "batch");
	if (b->items[i].act == NULL)
		return od_err_set(err, b->items[i].refused_rc, "%s",
				  b->items[i].refused);
	return desk_act_sign_follow(d, b->items[i].act, seq, err);
}

void desk_bulk_free(struct desk_bulk *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++)
		desk_act_free(b->items[i].act);
	free(b->items);
	buf_free(&b->text);
	free(b);
}
