/*
 * import-update.h - what one order of a storefront's file or webhook
 * needs against the shop, and the statements that do it.  Storefront
 * exports overlap (merchants download "the last 7 days" every day): an
 * order already in the shop with the same content needs nothing; one paid,
 * refunded or cancelled since needs a payment.receive, a payment.refund or
 * an order.cancel.  The one decision for `orderdesk import`, `orderdeskd
 * import` and the webhooks; each signs the statements its own way.
 */
#ifndef OD_IMPORT_UPDATE_H
#define OD_IMPORT_UPDATE_H

#include <stddef.h>

#include "app/import/import.h"
#include "app/log/statement.h"
#include "storage/store.h"

/* What one order needs, in the order to sign it. */
struct import_plan {
	enum stmt_kind steps[4];
	size_t n;
	long long owed;          /* payment.receive: what is left to pay */
	long long refund;        /* payment.refund: what is newly refunded */
	struct store *shop;      /* order.amend: the shop it was decided in
				    (import-amend.h), borrowed */
};

/* What a whole file needed, for the summary. */
struct import_tally {
	size_t orders, fresh, here, updated;
	size_t paid, refunded, cancelled, amended;
	size_t statements;
};

/*
 * Decides what order o (with what the file said of it, m) needs against
 * store s.  One already in the shop whose items, quantities or ship-to
 * changed is amended (import-amend.h); other changes (time, currency,
 * charges, prices) give OD_E_INPUT.
 */
enum od_code import_plan_decide(struct store *s, const struct order *o,
				const struct import_meta *m,
				struct import_plan *p, struct od_err *err);

/*
 * Fills st, a statement of kind p->steps[i] for o made by the caller (who
 * signs it): order.placed with, from a storefront, its source and the
 * SHA-256 of the bytes the order came from; the amendment; or the
 * payment, refund or cancellation, saying it happened in the storefront.
 */
enum od_code import_plan_fill(const struct order *o,
			      const struct import_meta *m,
			      const struct import_plan *p, size_t i,
			      struct statement *st, struct od_err *err);

/* Counts plan p into t. */
void import_tally_add(struct import_tally *t, const struct import_plan *p);

/*
 * "312 new, 1,988 already here, 4 updated (3 paid, 1 cancelled)" into
 * buf (the parenthesis only when something was updated).
 */
void import_tally_text(const struct import_tally *t, char *buf, size_t size);

/* n with its thousands separated by commas ("1,988"), into buf. */
void import_count_text(size_t n, char *buf, size_t size);

#endif
