/*
 * act-return.c - the order view's return dialogs: open a return of shipped
 * items, receive one (its condition, the items that came back with their
 * serials, an evidence file), and close one (accept, with a refund signed
 * in the same transaction, or reject with a reason).  A serial that never
 * shipped marks the return wrong-item in the fold, and the message line
 * says so; accepting a wrong-item return is the owner's, and anyone else
 * is told before the first field.
 */
#include "ui/order-money.h"

#include <stdio.h>
#include <string.h>

#define FIELD_MAX 1024
#define RETURNS_MAX 32

static const char *const conditions[] = {
	"ok", "damaged", "wrong-item", NULL,
};
static const char *const decisions[] = { "accept", "reject", NULL };
static const char *const no_yes[] = { "no", "yes", NULL };
static const char *const reject_only[] = { "reject", NULL };

/* The RMAs of d's returns in a state wanted (a bit per return_state). */
static size_t rma_choices(const struct desk_money *m, unsigned wanted,
			  const char **choices, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < m->nreturns && n + 1 < max; i++)
		if (wanted & (1u << m->returns[i].state))
			choices[n++] = m->returns[i].rma;
	choices[n] = NULL;
	return n;
}

/*
 * The returns a dialog offers (in a state wanted) and the first of them in
 * rma; with none, the order's first return or NUMBER-R1 alone, so that the
 * fold says why it may not be (received already, no such return).
 */
static void pick_rma(const struct desk_detail *dd, const char *number,
		     unsigned wanted, const char **rmas, char *rma,
		     size_t size)
{
	if (rma_choices(dd->money, wanted, rmas, RETURNS_MAX + 1) > 0) {
		snprintf(rma, size, "%s", rmas[0]);
		return;
	}
	if (dd->money->nreturns > 0)
		snprintf(rma, size, "%s", dd->money->returns[0].rma);
	else
		snprintf(rma, size, "%s-R1", number);
	rmas[0] = rma;
	rmas[1] = NULL;
}

static const struct desk_return *find(const struct desk_money *m,
				      const char *rma)
{
	size_t i;

	for (i = 0; i < m->nreturns; i++)
		if (strcmp(m->returns[i].rma, rma) == 0)
			return &m->returns[i];
	return NULL;
}

static int open_return(struct ui *u, const char *number,
		       const struct desk_detail *dd)
{
	char items[FIELD_MAX + 1] = "", reason[FIELD_MAX + 1] = "";
	char title[96];
	struct desk_money_form f = { 0 };
	struct ui_field fields[2];
	struct od_err err;
	long long seq = 0;

	if (desk_returnable(u->desk, number, items, sizeof items, &err) !=
	    OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	/* Nothing shipped is left: the fold says so in its own words. */
	if (items[0] == '\0' && dd->order->nitems > 0)
		snprintf(items, sizeof items, "%s 1", dd->order->items[0].sku);
	f.items = items;
	f.reason = "-";
	if (!ui_money_check(u, STMT_RETURN_OPEN, number, &f))
		return 0;
	fields[0] = UI_TEXT("Items", items, sizeof items);
	fields[1] = UI_TEXT("Reason", reason, sizeof reason);
	f.reason = reason;
	snprintf(title, sizeof title, "Open a return of order %s", number);
	if (!ui_money_sign(u, STMT_RETURN_OPEN, number, title, fields, 2, &f,
			   "Items shipped and not returned: edit to what "
			   "comes back.", &seq))
		return 0;
	ui_message(u, 0, "Return %s-R%zu opened, signed by %s (log entry "
		   "%lld).", number, dd->money->nreturns + 1,
		   desk_user(u->desk), seq);
	return 1;
}

/* What the fold made of a received return: wrong-item says why. */
static void say_received(struct ui *u, const char *number, const char *rma,
			 long long seq)
{
	const struct desk_return *r = NULL;
	struct desk_detail *dd = NULL;
	struct od_err err;

	if (desk_detail(u->desk, number, &dd, &err) == OD_OK)
		r = find(dd->money, rma);
	if (r != NULL && strcmp(r->condition, "wrong-item") == 0 &&
	    r->note[0])
		ui_message(u, 1, "Return %s marked wrong-item: %s (log entry "
			   "%lld, signed by %s).", rma, r->note, seq,
			   desk_user(u->desk));
	else
		ui_message(u, 0, "Return %s received: %s, signed by %s (log "
			   "entry %lld).", rma, r ? r->condition : "?",
			   desk_user(u->desk), seq);
	desk_detail_free(dd);
}

static int receive(struct ui *u, const char *number,
		   const struct desk_detail *dd)
{
	const char *rmas[RETURNS_MAX + 1];
	char rma[64] = "", cond[16] = "ok", items[FIELD_MAX + 1] = "";
	char file[FIELD_MAX + 1] = "", title[96];
	struct desk_money_form f = { 0 };
	struct ui_field fields[4];
	long long seq = 0;

	pick_rma(dd, number, 1u << RETURN_OPEN, rmas, rma, sizeof rma);
	snprintf(items, sizeof items, "%s", find(dd->money, rma) ?
		 find(dd->money, rma)->items : "");
	/* No such return: the fold says so, an item of the order standing
	 * in for what came back. */
	if (items[0] == '\0' && dd->order->nitems > 0)
		snprintf(items, sizeof items, "%s 1", dd->order->items[0].sku);
	f.rma = rma;
	f.condition = cond;
	f.items = items;
	if (!ui_money_check(u, STMT_RETURN_RECEIVE, number, &f))
		return 0;
	fields[0] = UI_TEXT("Return", rma, sizeof rma);
	fields[0].choices = rmas;
	fields[1] = UI_TEXT("Condition", cond, sizeof cond);
	fields[1].choices = conditions;
	fields[2] = UI_TEXT("Items", items, sizeof items);
	fields[3] = UI_TEXT("Evidence", file, sizeof file);
	f.items = items;
	f.evidence = file;
	snprintf(title, sizeof title, "Receive a return of order %s", number);
	if (!ui_money_sign(u, STMT_RETURN_RECEIVE, number, title, fields, 4,
			   &f, "Items as SKU QTY SERIAL: a serial that never "
			   "shipped marks it wrong-item.", &seq))
		return 0;
	say_received(u, number, rma, seq);
	return 1;
}

/* Rejecting needs a reason: said as the field is left. */
static int reason_check(const struct ui_field *f, size_t i, char *why,
			size_t size)
{
	if (strcmp(f[1].value, "reject") != 0 || f[i].value[0] != '\0')
		return 0;
	snprintf(why, size, "Rejecting a return needs a reason: type it.");
	return -1;
}

/* A rejected return is not refunded: said as the field is left. */
static int refund_check(const struct ui_field *f, size_t i, char *why,
			size_t size)
{
	if (strcmp(f[1].value, "reject") != 0 || f[i].value[0] == '\0')
		return 0;
	snprintf(why, size, "A rejected return is not refunded: clear the "
		 "Refund field.");
	return -1;
}

/* A rejected return goes nowhere near the shelf: said as it is left. */
static int restock_check(const struct ui_field *f, size_t i, char *why,
			 size_t size)
{
	if (strcmp(f[1].value, "reject") != 0 || strcmp(f[i].value, "yes"))
		return 0;
	snprintf(why, size, "A rejected return is not restocked: choose no.");
	return -1;
}

/*
 * What may close the return rma: accept, or only reject (why says why
 * accepting is refused), or nothing (the message line says why).
 */
static const char *const *close_choices(struct ui *u, const char *number,
					const char *rma, char *why,
					size_t size)
{
	struct desk_money_form f = { 0 };
	struct od_err err;

	f.rma = rma;
	f.decision = "accept";
	if (desk_check_money(u->desk, STMT_RETURN_CLOSE, number, &f, &err) ==
	    OD_OK)
		return decisions;
	snprintf(why, size, "%s", err.msg);
	f.decision = "reject";
	f.reason = "-";
	if (!ui_money_check(u, STMT_RETURN_CLOSE, number, &f))
		return NULL;
	return reject_only;
}

static int close_return(struct ui *u, const char *number,
			const struct desk_detail *dd)
{
	const char *rmas[RETURNS_MAX + 1];
	const char *const *choices;
	char rma[64] = "", decision[16], refund[32] = "", restock[4] = "no";
	char reason[FIELD_MAX + 1] = "", title[96], first[UI_MSG_MAX] = "";
	struct desk_money_form f = { 0 };
	struct ui_field fields[5];
	long long seq = 0;

	pick_rma(dd, number, 1u << RETURN_OPEN | 1u << RETURN_RECEIVED, rmas,
		 rma, sizeof rma);
	if (!ui_allowed(u, STMT_RETURN_CLOSE))
		return 0;
	choices = close_choices(u, number, rma, first, sizeof first);
	if (choices == NULL)
		return 0;
	snprintf(decision, sizeof decision, "%s", choices[0]);
	fields[0] = UI_TEXT("Return", rma, sizeof rma);
	fields[0].choices = rmas;
	fields[1] = UI_TEXT("Decision", decision, sizeof decision);
	fields[1].choices = choices;
	fields[2] = UI_TEXT("Refund", refund, sizeof refund);
	fields[3] = UI_TEXT("Reason", reason, sizeof reason);
	/* Aside: Enter signs without it; Tab reaches it. */
	fields[4] = UI_TEXT("Restock", restock, sizeof restock);
	fields[4].choices = no_yes;
	fields[4].aside = 1;
	fields[2].check = refund_check;
	fields[3].check = reason_check;
	fields[4].check = restock_check;
	f.rma = rma;
	f.decision = decision;
	f.refund = refund;
	f.reason = reason;
	f.restock = restock;
	snprintf(title, sizeof title, "Close a return of order %s (%s)",
		 number, dd->order->currency);
	if (!ui_money_sign(u, STMT_RETURN_CLOSE, number, title, fields, 5, &f,
			   first[0] ? first : NULL, &seq))
		return 0;
	if (refund[0])
		ui_message(u, 0, "Return %s accepted and %s %s refunded, signed "
			   "by %s (log entries %lld and %lld).", rma, refund,
			   dd->order->currency, desk_user(u->desk), seq,
			   seq + 1);
	else
		ui_message(u, 0, "Return %s %s, signed by %s (log entry %lld).",
			   rma, strcmp(decision, "accept") != 0 ? "rejected" :
			   strcmp(restock, "yes") == 0 ?
			   "accepted and back on the shelf" : "accepted",
			   desk_user(u->desk), seq);
	return 1;
}

int ui_act_return(struct ui *u, enum stmt_kind kind, const char *number)
{
	struct desk_detail *dd = NULL;
	struct od_err err;
	int done;

	dialog_sign_warn("");
	if (kind != STMT_RETURN_CLOSE && !ui_allowed(u, kind))
		return 0;
	if (desk_detail(u->desk, number, &dd, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	if (kind == STMT_RETURN_OPEN)
		done = open_return(u, number, dd);
	else if (kind == STMT_RETURN_RECEIVE)
		done = receive(u, number, dd);
	else
		done = close_return(u, number, dd);
	desk_detail_free(dd);
	return done;
}
