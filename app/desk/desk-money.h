/*
 * desk-money.h - an order as money, delivery and returns, for the order
 * screen: its payments and refunds, its parcels with their serials and
 * delivery, its returns with their inspection, and the evidence files the
 * statements name (desk-money-read.c); and the statements of pay, refund,
 * deliver and return open, receive and close, prepared to be shown and
 * then signed with desk_act_sign, as the command line signs them
 * (desk-money.c, desk-money-return.c).  Part of the screens' facade:
 * desk.h includes it.
 */
#ifndef OD_DESK_MONEY_H
#define OD_DESK_MONEY_H

#include "app/desk/desk.h"

#define DESK_HASH_MAX (7 + 64)      /* "sha256:" and hex */

/* A payment.receive or payment.refund, as signed ("" when absent). */
struct desk_pay {
	long long seq;
	int refund;
	long long amount;               /* minor units */
	char time[STMT_TIME_LEN + 1];
	char actor[STMT_NAME_MAX + 1];
	char *method, *reference, *reason, *items, *rma;
};

/* A parcel (shipment.confirm) and, once seen, its delivery. */
struct desk_parcel {
	long long seq;
	char *carrier, *tracking;
	char *items;                    /* "SKU QTY, ..." */
	char *serials;                  /* "SKU SERIAL, ...", "" for none */
	long long delivered;            /* the shipment.deliver's seq, or 0 */
	char delivered_at[STMT_TIME_LEN + 1];
	char delivered_by[STMT_NAME_MAX + 1];
};

/* A return as the fold keeps it, and who did what to it. */
struct desk_return {
	char *rma;
	long long seq;                  /* its return.open */
	int state;                      /* enum return_state */
	char *reason, *items;           /* why and what it was opened for */
	char *condition;                /* "" until received */
	char *received;                 /* "SKU QTY [SERIAL], ..." */
	char *note;                     /* why wrong-item, or why rejected */
	char opened_by[STMT_NAME_MAX + 1];
	long long inspected;            /* the return.receive's seq, or 0 */
	char inspected_at[STMT_TIME_LEN + 1];
	char inspected_by[STMT_NAME_MAX + 1];
	long long closed;               /* the return.close's seq, or 0 */
	char closed_by[STMT_NAME_MAX + 1];
};

/* An evidence file a statement names, and what this store has of it. */
struct desk_evidence {
	long long seq;                  /* the entry that names it */
	char hash[DESK_HASH_MAX + 1];
	long long size;                 /* bytes; -1: not here yet, sync */
	char type[32];                  /* media type, "" when not here */
};

/* The order as money; part of desk_detail (dd->money). */
struct desk_money {
	long long items;                /* the items' sum, minor units */
	const char *state;              /* "unpaid", "paid", ... (static) */
	struct desk_pay *pays;
	size_t npays;
	struct desk_parcel *parcels;
	size_t nparcels;
	long long delivered;            /* a delivery naming no parcel, or 0 */
	char delivered_at[STMT_TIME_LEN + 1];
	char delivered_by[STMT_NAME_MAX + 1];
	struct desk_return *returns;
	size_t nreturns;
	struct desk_evidence *evidence;
	size_t nevidence;
};

/*
 * What a money or return dialog typed; NULL or "" is not given.  Items
 * are as a form holds them: "SKU QTY" (or "SKU:QTY"), a return received
 * "SKU QTY SERIAL", separated by commas.
 */
struct desk_money_form {
	const char *amount;             /* in the currency's major unit */
	const char *method;             /* pay: card|bank|cash|cod|other */
	const char *reference;          /* pay, refund */
	const char *reason;             /* refund, return open, close */
	const char *items;              /* refund, return open, receive */
	const char *rma;                /* return receive and close */
	const char *condition;          /* receive: ok|damaged|wrong-item */
	const char *tracking;           /* deliver: the parcel, or all */
	const char *evidence;           /* deliver, receive: a file, or "" */
	const char *decision;           /* close: "accept" or "reject" */
	const char *refund;             /* close with accept: an amount */
	const char *restock;            /* close with accept: "yes" puts
					 * every unit received back on the
					 * shelf */
};

/*
 * Prepares payment.receive, payment.refund, shipment.deliver,
 * return.open, return.receive or return.close about order number from
 * what was typed, as `orderdesk pay`, `refund`, `deliver` and `return`
 * make them (an amount in the order's currency; a new return numbered
 * NUMBER-Rn; an evidence file kept in the store and named by its
 * SHA-256).  A close that accepts with a refund makes the payment.refund
 * too: shown after the close, signed with it in one transaction (both
 * land or neither).  Bad values give OD_E_INPUT or OD_E_USAGE naming the
 * field.  Sign with desk_act_sign; the fold decides (role, state, the
 * figures).
 */
enum od_code desk_prepare_money(struct desk *d, enum stmt_kind kind,
				const char *number,
				const struct desk_money_form *f,
				struct desk_act **out, struct od_err *err);

/* The refund a close signs with it, as it will be signed; "" if none. */
const char *desk_act_also_text(const struct desk_act *act);

/*
 * Whether kind about order number would be taken now, asked before the
 * first field: the statement made from f (the fields not typed yet
 * standing in), tried against the log and rolled back, so that the
 * refusal is the fold's own ("refund of 0.01 EUR refused: 0.00 paid
 * ..."; "return 1001-R1 was marked wrong-item; accepting it is the
 * owner's").  Nothing is kept.
 */
enum od_code desk_check_money(struct desk *d, enum stmt_kind kind,
			      const char *number,
			      const struct desk_money_form *f,
			      struct od_err *err);

/*
 * Writes evidence file hash (named by order number's statements) to path,
 * a new 0600 file, through `orderdesk evidence get`'s path: its bytes
 * checked against the hash first.  *size gets its bytes.
 */
enum od_code desk_evidence_write(struct desk *d, const char *hash,
				 const char *path, long long *size,
				 struct od_err *err);

/* Every shipped unit of order number not yet returned, as a return's
 * Items field holds them ("SKU QTY, ..."; "" when none or too long). */
enum od_code desk_returnable(struct desk *d, const char *number, char *out,
			     size_t size, struct od_err *err);

/* ---- inside the desk (desk-detail.c) ---- */

/* Grows an array by one zeroed entry; NULL when out of memory. */
void *desk_grow(void **arr, size_t *n, size_t size);

/* Notes statement st (log entry seq) if it is about money, delivery or
 * returns; evidence it names too. */
struct statement;
enum od_code desk_money_note(struct desk_money *m, const struct statement *st,
			     long long seq, struct od_err *err);

/* Fills in what the log entries do not say: the fold's rows of the returns,
 * the evidence files' sizes, the payment state (store s held). */
struct store;
enum od_code desk_money_finish(struct desk_money *m, struct store *s,
			       const struct order *o, struct od_err *err);
void desk_money_free(struct desk_money *m);

/*
 * Inside desk_act_sign's transaction, once act's statement is appended:
 * signs and appends the refund it carries (act->also), failing, so that
 * both roll back, if its text is not the one shown.
 */
struct shop;
enum od_code desk_act_also(struct shop *sh, struct desk_act *act,
			   struct od_err *err);

#endif
