/*
 * fold.h - the shop's state is a fold over its log.
 *
 * fold_apply takes one statement whose signature has already been checked
 * and decides whether it may happen at this point of the log: the signer is
 * an active user whose key it is, their role allows the kind, and the order
 * (or user) is in a state where the transition is legal.  If so it changes
 * the state tables; if not, it changes nothing and says why in words a person
 * can act on.  The same function runs when a statement is first made, when
 * the log is replayed by `audit verify`, and (later) on the backend.
 */
#ifndef OD_FOLD_H
#define OD_FOLD_H

#include "app/log/statement.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "storage/store.h"

/* Meta key: the id of the last shop.clock, the floor of later times. */
#define FOLD_META_CLOCK_FLOOR "clock-floor"

/*
 * Applies st as log entry seq to the state in s (inside the caller's
 * transaction).  Errors: OD_E_AUTH (unknown, revoked or mismatched signer,
 * or a key its signer retired with a user.rekey),
 * OD_E_DENIED (role), OD_E_STATE (illegal transition), OD_E_EXISTS
 * (duplicate order or user), OD_E_NOTFOUND (no such order or user),
 * OD_E_INPUT (malformed field), or a storage error.
 */
enum od_code fold_apply(struct store *s, const struct statement *st,
			long long seq, struct od_err *err);

/*
 * Finds the public key that must have signed st: the user's recorded key,
 * or for the genesis statement the key it carries.  Checks the fingerprint
 * in st matches.  Same errors as fold_apply's signer checks.
 */
enum od_code fold_signer_key(struct store *s, const struct statement *st,
			     uint8_t pub[32], struct od_err *err);

/*
 * Applies the order statement st, logged at seq and already accepted, to
 * the state of its order again, without checking its signer (who may have
 * been revoked since): for folding one order anew from its log entries
 * after a sync took entries out (app/sync/sync-rebase.c).  Same errors as
 * fold_apply for the order itself; OD_E_INTERNAL for other kinds.
 */
enum od_code fold_redo(struct store *s, const struct statement *st,
		       long long seq, struct od_err *err);

/*
 * payment.receive and payment.refund, for fold_apply (fold-money.c): a
 * payment never more than the order has left to pay, a refund never more
 * than was paid and not yet refunded (OD_E_STATE with the figures), refund
 * items the order has, never more than ordered less refunded before.
 */
enum od_code fold_money_apply(struct store *s, const struct statement *st,
			      long long seq, struct od_err *err);

/*
 * For fold_money_apply (fold-refund-rma.c): a payment.refund naming a
 * return (rma) needs that return of the order, accepted (OD_E_NOTFOUND,
 * OD_E_STATE); any other statement passes.
 */
enum od_code fold_refund_rma(struct store *s, const struct statement *st,
			     struct od_err *err);

/*
 * shipment.deliver at seq, for fold_apply (fold-deliver.c): a tracking code
 * names one parcel of the order not yet delivered (OD_E_INPUT for none,
 * OD_E_STATE for one delivered already); without one the order must have
 * shipped whole and each parcel left is delivered.  The order becomes
 * delivered when every item has shipped and every parcel is delivered.
 */
enum od_code fold_deliver_apply(struct store *s, const struct statement *st,
				long long seq, struct od_err *err);

/*
 * For fold_apply (fold-noship.c): an order that needs no shipping (no
 * ship-to) never ships: fold_ship_needed refuses it (OD_E_STATE, saying
 * to deliver it instead); fold_deliver_any delivers such an order once
 * confirmed, without a parcel, and any other as fold_deliver_apply does.
 */
enum od_code fold_ship_needed(const struct order *o, struct od_err *err);
enum od_code fold_deliver_any(struct store *s, const struct statement *st,
			      long long seq, struct od_err *err);

/*
 * order.amend, for fold_apply (fold-amend.c): a new, confirmed or held
 * order nothing of which has shipped takes a corrected ship-to; each old
 * value the amendment gives must be the order's now (OD_E_STATE saying
 * both), each part changed needs its old value, and something must change.
 */
enum od_code fold_amend_apply(struct store *s, const struct statement *st,
			      struct od_err *err);

/*
 * The items of the order.amend st against o, for fold_amend_apply
 * (fold-amend-items.c): each was-item must be o's now (OD_E_STATE), an
 * item 0 takes it out, an add-item is a SKU o lacks; the totals given
 * must be the old and the new; at least one item stays; never below what
 * was paid (OD_E_STATE).  Writes the items and total; o follows, for its
 * search text.  *changed counts when items were amended.
 */
enum od_code fold_amend_items(struct store *s, const struct statement *st,
			      struct order *o, int *changed,
			      struct od_err *err);

/* Appends to b what the order.amend st changed, old and new:
 * ship-city "Berlin" -> "Hamburg"; ... (fold-amend.c). */
enum od_code fold_amend_describe(const struct statement *st, struct buf *b,
				 struct od_err *err);

/*
 * For apply_shipment (fold-serial.c): checks st's serial fields against
 * its items (an item of the parcel, at most one a unit, none twice, none
 * an earlier parcel of the order took for the same SKU) and
 * rewrites items, the parcel's "SKU QTY" list, with each SKU's serials.
 */
enum od_code fold_ship_serials(struct store *s, const struct statement *st,
			       struct buf *items, struct od_err *err);

/* A store_shipment_each callback: appends each parcel's items and a
 * newline to the struct buf ctx (fold-serial.c). */
enum od_code fold_parcel_items(void *ctx, const struct shipment_record *r,
			       struct od_err *err);

/*
 * Whether "SKU SERIAL" is among the serials of the parcels whose items
 * fold_parcel_items gathered into shipped (fold-serial.c).
 */
int fold_serial_shipped(const char *shipped, const char *sku_serial);

/*
 * return.open, return.receive and return.close, for fold_apply
 * (fold-return.c): a return is numbered ORDER-Rn in turn, holds shipped
 * items only (never more than shipped less returned before), is received
 * with the condition of what came back (a serial not shipped for that SKU
 * in that order marks it wrong-item, whatever the statement says), and is
 * closed accepted or rejected; accepting a wrong-item return is the
 * owner's.
 */
enum od_code fold_return_apply(struct store *s, const struct statement *st,
			       long long seq, struct od_err *err);

/* What fold_restock_apply needs of the return a return.close closes. */
struct fold_closing {
	const char *rma;
	const char *condition;     /* its inspection's */
	const char *received;      /* "SKU QTY [SERIAL]" joined by ", " */
	int accept;                /* the close accepts it */
	long long seq;             /* the close's log entry */
};

/* Units of sku[0..n) in "SKU QTY [SERIAL], ..." (a return's received;
 * fold-restock.c). */
long long fold_units_in(const char *list, const char *sku, size_t n);

/*
 * The restock lines ("SKU QTY") of the return.close st (fold-restock.c):
 * an accepted return only (OD_E_INPUT), never a wrong-item one
 * (OD_E_STATE), never more units of a SKU than came back (OD_E_STATE with
 * the figures); each is recorded as units back on the shelf.
 */
enum od_code fold_restock_apply(struct store *s, const struct statement *st,
				const struct fold_closing *c,
				struct od_err *err);

/*
 * For fold_apply when the signer is not the owner (fold-return.c): refuses
 * (OD_E_DENIED) a return.close accepting a return marked wrong-item.  Not
 * part of fold_redo: who signed was checked when the entry was new.
 */
enum od_code fold_return_owner_only(struct store *s,
				    const struct statement *st,
				    struct od_err *err);

/*
 * For fold_apply when the signer is a storefront (fold-storefront.c):
 * refuses (OD_E_DENIED) a change to an order the storefront did not
 * place.  Not part of fold_redo, as above.
 */
enum od_code fold_storefront_own(struct store *s, const struct statement *st,
				 struct od_err *err);

#endif
