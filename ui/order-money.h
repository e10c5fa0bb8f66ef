/*
 * order-money.h - the order view's money, parcels and returns
 * (order-money.c), laid out as lines through the view's own adder; and
 * the order view's money keys (act-money.c, act-return.c).
 */
#ifndef OD_UI_ORDER_MONEY_H
#define OD_UI_ORDER_MONEY_H

#include "ui/view.h"

/* Adds one line of text to the view ctx; hang as view-order.c's lines. */
typedef void (*order_line_fn)(void *ctx, enum ui_attr a, int hang,
			      const char *text);

/* The charges (items, shipping, tax, discount), the total, and where the
 * payment stands. */
void order_money_charges(const struct desk_detail *dd, order_line_fn add,
			 void *ctx);

/* Payments and refunds, parcels with serials and delivery, returns with
 * their inspection, and the evidence each names. */
void order_money_layout(const struct desk_detail *dd, order_line_fn add,
			void *ctx);

/*
 * The order view's money and return keys on order number: pay, refund,
 * deliver, return open, receive and close, and writing out an evidence
 * file.  Each asks its fields, shows the exact statement and signs on y,
 * as ui_act does.  Returns 1 when something was signed or written (the
 * view reloads), 0 when not (the message line says why).
 */
int ui_act_money(struct ui *u, enum stmt_kind kind, const char *number);
int ui_act_return(struct ui *u, enum stmt_kind kind, const char *number);
int ui_evidence_out(struct ui *u, const char *number);

/* The parcel choice of the deliver dialog that names none: the order. */
#define UI_EVERY_PARCEL "every parcel"

/*
 * The end every money and return dialog shares: the form (n fields, first
 * a line shown above them from the start, or NULL), then kind's statement
 * about number prepared from f (a close's refund shown after it), y, and
 * signed.  Values refused before anything is shown open the form again
 * with why.  Returns 1 when signed (*seq its entry; the caller says what
 * was signed), 0 when not (the message line says why).
 */
int ui_money_sign(struct ui *u, enum stmt_kind kind, const char *number,
		  const char *title, struct ui_field *fields, size_t n,
		  const struct desk_money_form *f, const char *first,
		  long long *seq);

/*
 * Before the first field: whether the role may, and whether the fold
 * would take kind about number now, f standing in for what is not typed
 * yet.  0 with the reason on the message line.
 */
int ui_money_check(struct ui *u, enum stmt_kind kind, const char *number,
		   const struct desk_money_form *f);

/* minor units as a person types them in currency ("256.00"). */
void ui_money_amount(long long minor, const char *currency, char *out,
		     size_t size);

#endif
