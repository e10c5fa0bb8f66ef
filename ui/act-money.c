/*
 * act-money.c - the order view's money dialogs: pay (money received),
 * refund (never more than paid less refunded, said before the first
 * field) and deliver (a parcel, or every one, with an optional evidence
 * file); and the end they share with the return dialogs (act-return.c):
 * the exact statement shown, y, and a line saying what was signed.  Each
 * is tried against the log before the first field, so that what the core
 * would refuse is said before anything is typed.
 */
#include "ui/order-money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/format.h"

#define FIELD_MAX 1024
#define AMOUNT_MAX 32
#define PARCELS_MAX 32

static const char *const methods[] = {
	"card", "bank", "cash", "cod", "other", NULL,
};

/* minor units as typed in the currency ("256.00"), without its code. */
void ui_money_amount(long long minor, const char *currency, char *out,
		     size_t size)
{
	char *space;

	format_money(minor, currency, out, size);
	space = strchr(out, ' ');
	if (space != NULL)
		*space = '\0';
}

/*
 * Shows what will be signed (a close's refund after it) and signs on y.
 * Returns 1 signed (*seq its entry), 0 not (said on the message line), -1
 * when the values were refused before anything was shown (why says so:
 * the form opens again).
 */
static int show_and_sign(struct ui *u, enum stmt_kind kind,
			 const char *number, const char *title,
			 const struct desk_money_form *f, long long *seq,
			 char *why, size_t size)
{
	struct desk_money_form g = *f;
	struct desk_act *act = NULL;
	struct od_err err;
	struct buf shown;
	enum od_code rc;
	int done = 0;

	/* Every parcel: a delivery that names none, the whole order. */
	if (g.tracking != NULL && strcmp(g.tracking, UI_EVERY_PARCEL) == 0)
		g.tracking = NULL;
	/* What the fold refuses (an amount beyond what is left) goes back
	 * to the form, before an evidence file is kept. */
	rc = desk_check_money(u->desk, kind, number, &g, &err);
	if (rc == OD_E_STATE || rc == OD_E_DENIED)
		rc = OD_E_INPUT;
	/* A file that cannot be kept (not there, too big): the form too. */
	if (rc == OD_OK &&
	    (rc = desk_prepare_money(u->desk, kind, number, &g, &act,
				     &err)) != OD_OK &&
	    (rc == OD_E_NOTFOUND || rc == OD_E_IO))
		rc = OD_E_INPUT;
	if (rc == OD_E_INPUT || rc == OD_E_USAGE) {
		/* The form's line may cut it: whole on the message line. */
		snprintf(why, size, "%s", err.msg);
		ui_message(u, 1, "%s", err.msg);
		return -1;
	}
	if (rc != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	buf_init(&shown, 2 * 64 * 1024 + 256);
	rc = buf_adds(&shown, desk_act_text(act), &err);
	if (rc == OD_OK && desk_act_also_text(act)[0])
		rc = buf_addf(&shown, &err, "\n-- and with it, in the same "
			      "transaction (both or neither) --\n%s",
			      desk_act_also_text(act));
	if (rc == OD_OK)
		rc = buf_add(&shown, "", 1, &err);
	if (rc != OD_OK)
		ui_message(u, 1, "%s", err.msg);
	else
		done = dialog_sign_act(u, title, shown.data, act, NULL, seq,
				       &err);
	buf_free(&shown);
	desk_act_free(act);
	return done;
}

int ui_money_sign(struct ui *u, enum stmt_kind kind, const char *number,
		  const char *title, struct ui_field *fields, size_t n,
		  const struct desk_money_form *f, const char *first,
		  long long *seq)
{
	char why[UI_MSG_MAX];
	int done;

	snprintf(why, sizeof why, "%s", first ? first : "");
	for (;;) {
		if (n > 0 && !dialog_form_again(u, title, fields, n,
						why[0] ? why : NULL)) {
			ui_message(u, 0, "Nothing signed.");
			return 0;
		}
		done = show_and_sign(u, kind, number, title, f, seq, why,
				     sizeof why);
		if (done >= 0 || n == 0)
			return done > 0;
	}
}

/* Refused now, refused at y: the fold's own words, before the first field.
 * f stands in for what is not typed yet. */
int ui_money_check(struct ui *u, enum stmt_kind kind, const char *number,
		   const struct desk_money_form *f)
{
	struct od_err err;

	dialog_sign_warn("");
	if (!ui_allowed(u, kind))
		return 0;
	if (desk_check_money(u->desk, kind, number, f, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	return 1;
}

static int pay(struct ui *u, const char *number, const struct order *o)
{
	char amount[AMOUNT_MAX] = "", method[16] = "card";
	char ref[FIELD_MAX + 1] = "", title[96], money[48];
	struct desk_money_form f = { 0 };
	struct ui_field fields[3];
	long long seq = 0;

	if (o->total > o->paid)
		ui_money_amount(o->total - o->paid, o->currency, amount,
				sizeof amount);
	fields[0] = UI_TEXT("Amount", amount, sizeof amount);
	fields[1] = UI_TEXT("Method", method, sizeof method);
	fields[1].choices = methods;
	fields[2] = UI_TEXT("Reference", ref, sizeof ref);
	f.amount = amount;
	f.method = method;
	f.reference = ref;
	snprintf(title, sizeof title, "Money received for order %s (%s)",
		 number, o->currency);
	if (!ui_money_sign(u, STMT_PAYMENT_RECEIVE, number, title, fields, 3,
			   &f, NULL, &seq))
		return 0;
	snprintf(money, sizeof money, "%s %s", amount, o->currency);
	ui_message(u, 0, "Order %s: %s received (%s), signed by %s (log "
		   "entry %lld).", number, money, method, desk_user(u->desk),
		   seq);
	return 1;
}

static int refund(struct ui *u, const char *number, const struct order *o)
{
	char amount[AMOUNT_MAX] = "", reason[FIELD_MAX + 1] = "";
	char items[FIELD_MAX + 1] = "", ref[FIELD_MAX + 1] = "";
	char title[96], left[48], paid[48], back[48], first[UI_MSG_MAX];
	struct desk_money_form f = { 0 };
	struct ui_field fields[4];
	long long seq = 0;

	/* What the core allows, said before the first field. */
	format_money(o->paid - o->refunded, o->currency, left, sizeof left);
	format_money(o->paid, o->currency, paid, sizeof paid);
	format_money(o->refunded, o->currency, back, sizeof back);
	snprintf(first, sizeof first, "At most %s: %s paid, %s refunded.",
		 left, paid, back);
	fields[0] = UI_TEXT("Amount", amount, sizeof amount);
	fields[1] = UI_TEXT("Reason", reason, sizeof reason);
	fields[2] = UI_TEXT("Items", items, sizeof items);
	fields[2].aside = 1;
	fields[3] = UI_TEXT("Reference", ref, sizeof ref);
	f.amount = amount;
	f.reason = reason;
	f.items = items;
	f.reference = ref;
	snprintf(title, sizeof title, "Refund order %s (%s)", number,
		 o->currency);
	if (!ui_money_sign(u, STMT_PAYMENT_REFUND, number, title, fields, 4,
			   &f, first, &seq))
		return 0;
	ui_message(u, 0, "Order %s: %s %s refunded, signed by %s (log entry "
		   "%lld).", number, amount, o->currency, desk_user(u->desk),
		   seq);
	return 1;
}

/* The parcels not yet delivered, then "every parcel" (no tracking). */
static size_t parcel_choices(const struct desk_money *m,
			     const char **choices, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < m->nparcels && n + 2 < max; i++)
		if (!m->parcels[i].delivered)
			choices[n++] = m->parcels[i].tracking;
	choices[n++] = UI_EVERY_PARCEL;
	choices[n] = NULL;
	return n;
}

static int deliver(struct ui *u, const char *number,
		   const struct desk_detail *dd)
{
	const char *choices[PARCELS_MAX + 2];
	char parcel[96] = "", file[FIELD_MAX + 1] = "", title[96];
	struct desk_money_form f = { 0 };
	struct ui_field fields[2];
	long long seq = 0;

	parcel_choices(dd->money, choices, PARCELS_MAX + 2);
	snprintf(parcel, sizeof parcel, "%s", choices[0]);
	fields[0] = UI_TEXT("Parcel", parcel, sizeof parcel);
	fields[0].choices = choices;
	fields[1] = UI_TEXT("Evidence", file, sizeof file);
	f.tracking = parcel;
	f.evidence = file;
	snprintf(title, sizeof title, "Delivered: order %s", number);
	if (!ui_money_sign(u, STMT_SHIPMENT_DELIVER, number, title, fields, 2,
			   &f, NULL, &seq))
		return 0;
	if (strcmp(parcel, UI_EVERY_PARCEL) == 0)
		ui_message(u, 0, "Order %s delivered, signed by %s (log entry "
			   "%lld).", number, desk_user(u->desk), seq);
	else
		ui_message(u, 0, "Order %s: parcel %s delivered, signed by %s "
			   "(log entry %lld).", number, parcel,
			   desk_user(u->desk), seq);
	return 1;
}

int ui_act_money(struct ui *u, enum stmt_kind kind, const char *number)
{
	struct desk_money_form stand_in = { .reason = "-" };
	struct desk_detail *dd = NULL;
	struct od_err err;
	int done;

	if (!ui_money_check(u, kind, number, &stand_in))
		return 0;
	if (desk_detail(u->desk, number, &dd, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	if (kind == STMT_PAYMENT_RECEIVE)
		done = pay(u, number, dd->order);
	else if (kind == STMT_PAYMENT_REFUND)
		done = refund(u, number, dd->order);
	else
		done = deliver(u, number, dd);
	desk_detail_free(dd);
	return done;
}

/* The evidence files of m as a choice shows them: "#SEQ sha256:HEX…". */
#define EVIDENCE_MAX 16
#define LABEL_MAX 40

int ui_evidence_out(struct ui *u, const char *number)
{
	char labels[EVIDENCE_MAX][LABEL_MAX], chosen[LABEL_MAX];
	char path[FIELD_MAX + 1] = "", why[UI_MSG_MAX] = "";
	const char *choices[EVIDENCE_MAX + 1];
	const struct desk_evidence *e = NULL;
	struct desk_detail *dd = NULL;
	struct ui_field fields[2];
	struct od_err err;
	long long size = 0;
	size_t i, n;
	int done = 0;

	if (desk_detail(u->desk, number, &dd, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	n = dd->money->nevidence < EVIDENCE_MAX ? dd->money->nevidence :
						  EVIDENCE_MAX;
	for (i = 0; i < n; i++) {
		snprintf(labels[i], LABEL_MAX, "#%lld %.20s…",
			 dd->money->evidence[i].seq,
			 dd->money->evidence[i].hash);
		choices[i] = labels[i];
	}
	choices[n] = NULL;
	if (n == 0) {
		ui_message(u, 0, "Order %s names no evidence files.", number);
		desk_detail_free(dd);
		return 0;
	}
	snprintf(chosen, sizeof chosen, "%s", labels[0]);
	fields[0] = UI_TEXT("Evidence", chosen, sizeof chosen);
	fields[0].choices = choices;
	fields[1] = UI_TEXT("Write to", path, sizeof path);
	while (!done && dialog_form_again(u, "Write out an evidence file",
					  fields, 2, why[0] ? why : NULL)) {
		for (i = 0; i < n; i++)
			if (strcmp(chosen, labels[i]) == 0)
				e = &dd->money->evidence[i];
		if (desk_evidence_write(u->desk, e->hash, path, &size, &err) ==
		    OD_OK)
			done = 1;
		else
			snprintf(why, sizeof why, "%s", err.msg);
	}
	if (done)
		ui_message(u, 0, "Wrote %s (%lld bytes), its SHA-256 checked: "
			   "%s.", path, size, e->hash);
	else
		ui_message(u, 0, "Nothing written.");
	desk_detail_free(dd);
	/* Nothing in the order changed: the view stays where it was. */
	return 0;
}
