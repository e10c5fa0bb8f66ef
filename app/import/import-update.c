/*
 * import-update.c - what an order of a storefront needs against the shop
 * (import-update.h).
 */
#include "app/import/import-update.h"

#include <stdio.h>
#include <string.h>

#include "app/import/import-amend.h"
#include "app/log/order.h"

/* The steps after order.placed, against what the shop has (or a new one). */
static void later_steps(const struct order *o, const struct import_meta *m,
			long long paid, long long refunded, int cancelled,
			struct import_plan *p)
{
	if (o->arrival == ARRIVAL_PAID && paid < o->total && !cancelled) {
		p->owed = o->total - paid;
		p->steps[p->n++] = STMT_PAYMENT_RECEIVE;
		paid = o->total;
	}
	if (m->refunded > refunded && m->refunded <= paid) {
		p->refund = m->refunded - refunded;
		p->steps[p->n++] = STMT_PAYMENT_REFUND;
	}
	if (m->cancelled && !cancelled)
		p->steps[p->n++] = STMT_ORDER_CANCEL;
}

enum od_code import_plan_decide(struct store *s, const struct order *o,
				const struct import_meta *m,
				struct import_plan *p, struct od_err *err)
{
	struct order *have = NULL;
	enum od_code rc;

	memset(p, 0, sizeof *p);
	rc = store_order_get(s, o->number, &have, err);
	if (rc == OD_E_NOTFOUND) {
		od_err_clear(err);
		p->steps[p->n++] = STMT_ORDER_PLACED;
		/* Placed paid in full: paid is the total from the start. */
		later_steps(o, m, o->arrival == ARRIVAL_PAID ? o->total : 0, 0,
			    0, p);
		return OD_OK;
	}
	if (rc != OD_OK)
		return rc;
	/* Edited in the storefront: an amendment, or refused in words. */
	rc = import_amend_decide(s, have, o, import_source_name(m->source), p,
				 err);
	if (rc == OD_OK)
		later_steps(o, m, have->paid, have->refunded,
			    have->status == ORDER_CANCELLED, p);
	order_free(have);
	return rc;
}

/* order.placed, naming a storefront's source and the bytes' SHA-256. */
static enum od_code fill_placed(const struct order *o,
				const struct import_meta *m,
				struct statement *st, struct od_err *err)
{
	char hex[7 + 65] = "sha256:";
	enum od_code rc;
	size_t i;

	rc = order_to_statement(o, st, err);
	if (rc != OD_OK || m->source == IMPORT_ORDERDESK)
		return rc;
	for (i = 0; i < 32; i++)
		snprintf(hex + 7 + 2 * i, 3, "%02x", m->sha256[i]);
	rc = statement_add(st, "source", import_source_name(m->source), err);
	if (rc == OD_OK && m->source_id[0] != '\0')
		rc = statement_add(st, "source-id", m->source_id, err);
	if (rc == OD_OK)
		rc = statement_add(st, "source-hash", hex, err);
	return rc;
}

enum od_code import_plan_fill(const struct order *o,
			      const struct import_meta *m,
			      const struct import_plan *p, size_t i,
			      struct statement *st, struct od_err *err)
{
	const char *src = import_source_name(m->source);
	char text[64];
	enum od_code rc;

	switch (p->steps[i]) {
	case STMT_ORDER_PLACED:
		return fill_placed(o, m, st, err);
	case STMT_ORDER_AMEND:
		return import_amend_fill(p->shop, o, st, err);
	case STMT_ORDER_CANCEL:
		snprintf(text, sizeof text, "cancelled in %s", src);
		return statement_add(st, "reason", text, err);
	case STMT_PAYMENT_REFUND:
		snprintf(text, sizeof text, "%lld", p->refund);
		rc = statement_add(st, "amount", text, err);
		snprintf(text, sizeof text, "refunded in %s", src);
		if (rc == OD_OK)
			rc = statement_add(st, "reason", text, err);
		return rc;
	default:
		break;
	}
	snprintf(text, sizeof text, "%lld", p->owed);
	rc = statement_add(st, "amount", text, err);
	if (rc == OD_OK)
		rc = statement_add(st, "method", "other", err);
	snprintf(text, sizeof text, "paid in %s", src);
	if (rc == OD_OK)
		rc = statement_add(st, "reference", text, err);
	return rc;
}

void import_tally_add(struct import_tally *t, const struct import_plan *p)
{
	size_t i;

	t->orders++;
	t->statements += p->n;
	if (p->n == 0) {
		t->here++;
		return;
	}
	if (p->steps[0] == STMT_ORDER_PLACED) {
		t->fresh++;
		return;
	}
	t->updated++;
	for (i = 0; i < p->n; i++) {
		t->paid += p->steps[i] == STMT_PAYMENT_RECEIVE;
		t->refunded += p->steps[i] == STMT_PAYMENT_REFUND;
		t->cancelled += p->steps[i] == STMT_ORDER_CANCEL;
		t->amended += p->steps[i] == STMT_ORDER_AMEND;
	}
}

void import_count_text(size_t n, char *buf, size_t size)
{
	char digits[32];
	size_t len, i, k = 0;

	len = (size_t)snprintf(digits, sizeof digits, "%zu", n);
	for (i = 0; i < len && k + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = digits[i];
	}
	buf[k] = '\0';
}

void import_tally_text(const struct import_tally *t, char *buf, size_t size)
{
	char a[32], b[32], d[32], what[96] = "";
	int k;

	import_count_text(t->fresh, a, sizeof a);
	import_count_text(t->here, b, sizeof b);
	import_count_text(t->updated, d, sizeof d);
	if (t->updated > 0) {
		k = t->amended ? snprintf(what, sizeof what, " (%zu amended, ",
					  t->amended) : snprintf(what,
					  sizeof what, " (");
		k += snprintf(what + k, sizeof what - (size_t)k, "%zu paid",
			      t->paid);
		if (t->refunded > 0)
			k += snprintf(what + k, sizeof what - (size_t)k,
				      ", %zu refunded", t->refunded);
		snprintf(what + k, sizeof what - (size_t)k, ", %zu cancelled)",
			 t->cancelled);
	}
	snprintf(buf, size, "%s new, %s already here, %s updated%s", a, b, d,
		 what);
}
