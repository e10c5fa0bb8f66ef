/*
 * act.c - acting on an order from any screen: the fields the statement
 * needs, the statement itself shown as it will be signed, y, and a line
 * saying what was signed.  The desk signs and appends durably before the
 * message is set, so what the screen reports is on disk.
 */
#include "ui/view.h"

#include <stdio.h>
#include <string.h>

#define ACT_TEXT_MAX 1024    /* STMT_VALUE_MAX, as typed */
#define ACT_CARRIER_MAX 64
#define ACT_ITEMS_MAX 1024
#define ACT_TRACKING_MAX 64

/* What the message line says an action did. */
static const char *done_word(enum stmt_kind kind)
{
	switch (kind) {
	case STMT_ORDER_CONFIRM:
		return "confirmed";
	case STMT_ORDER_CANCEL:
		return "cancelled";
	case STMT_ORDER_NOTE:
		return "noted";
	case STMT_ORDER_HOLD:
		return "put on hold";
	case STMT_ORDER_RELEASE:
		return "released";
	case STMT_SHIPMENT_CONFIRM:
		return "shipped";
	default:
		return "changed";
	}
}

/* What an action is, for "your role may not ...". */
static const char *verb(enum stmt_kind kind)
{
	switch (kind) {
	case STMT_ORDER_CONFIRM:
		return "confirm orders";
	case STMT_ORDER_CANCEL:
		return "cancel orders";
	case STMT_ORDER_NOTE:
		return "add notes";
	case STMT_ORDER_HOLD:
		return "hold orders";
	case STMT_ORDER_RELEASE:
		return "release orders";
	case STMT_ORDER_UNCONFIRM:
		return "take back confirmations";
	case STMT_SHIPMENT_CONFIRM:
		return "ship orders";
	case STMT_USER_ADD:
		return "add people";
	case STMT_USER_ROLE:
		return "change roles";
	case STMT_USER_REVOKE:
		return "revoke people";
	default:
		return "sign that";
	}
}

int ui_allowed(struct ui *u, enum stmt_kind kind)
{
	char who[64];

	if (desk_may(u->desk, kind))
		return 1;
	desk_who_may(kind, who, sizeof who);
	ui_message(u, 1, "Your role (%s) may not %s; %s may.",
		   desk_role_name(u->desk), verb(kind), who);
	return 0;
}

/* The dialog's title for an action. */
static const char *title_of(enum stmt_kind kind)
{
	switch (kind) {
	case STMT_ORDER_CONFIRM:
		return "Confirm order";
	case STMT_ORDER_CANCEL:
		return "Cancel order";
	case STMT_ORDER_NOTE:
		return "Note on order";
	case STMT_ORDER_HOLD:
		return "Hold order";
	case STMT_ORDER_RELEASE:
		return "Release order";
	case STMT_SHIPMENT_CONFIRM:
		return "Ship order";
	default:
		return "Sign";
	}
}

int ui_ask_reason(struct ui *u, enum stmt_kind kind, const char *title,
		  char *out, size_t size)
{
	char why[24] = "", details[ACT_TEXT_MAX + 1] = "";
	struct ui_field f[2];

	if (kind == STMT_ORDER_RELEASE) {
		f[0] = UI_TEXT("Reason", out, size);
		return dialog_form(u, title, f, 1);
	}
	/* A hold: one of the fixed reasons, and what else to say. */
	snprintf(why, sizeof why, "%s", desk_hold_reasons[0]);
	f[0] = UI_TEXT("Reason", why, sizeof why);
	f[0].choices = desk_hold_reasons;
	f[1] = UI_TEXT("Details", details, sizeof details);
	if (!dialog_form(u, title, f, 2))
		return 0;
	desk_hold_text(desk_hold_kind(why), details, out, size);
	return 1;
}

/*
 * What a signed parcel did, as the command line says it: the order
 * shipped, or a parcel of some of its items, the order staying confirmed.
 */
static void say_parcel(struct ui *u, const char *number, const char *carrier,
		       const char *tracking, long long seq,
		       const struct desk_units *before,
		       struct desk_units *after)
{
	struct od_err err;

	if (desk_order_units(u->desk, number, after, &err) != OD_OK ||
	    after->status != ORDER_CONFIRMED)
		ui_message(u, 0, "Order %s shipped: %s %s, signed by %s (log "
			   "entry %lld).", number, carrier, tracking,
			   desk_user(u->desk), seq);
	else
		ui_message(u, 0, "Parcel for order %s (%lld of %lld items): "
			   "%s %s, signed by %s (log entry %lld); the order "
			   "stays confirmed, %lld left to ship.", number,
			   after->shipped - before->shipped, after->total,
			   carrier, tracking, desk_user(u->desk), seq,
			   after->total - after->shipped);
}

/*
 * A tracking code another order's parcel already has: the sign dialog
 * says so above the statement.  0 (said) when the store cannot be read.
 */
static int tracking_warning(struct ui *u, const char *number,
			    const char *tracking)
{
	char other[STMT_ORDER_MAX + 1];
	char line[UI_MSG_MAX];
	struct od_err err;

	if (desk_tracking_used(u->desk, tracking, number, other, sizeof other,
			       &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	if (other[0]) {
		snprintf(line, sizeof line, "Tracking %.60s was already used "
			 "for order %s: check the label.", tracking, other);
		dialog_sign_warn(line);
	}
	return 1;
}

int ui_act(struct ui *u, enum stmt_kind kind, const char *number)
{
	char text[ACT_TEXT_MAX + 1] = "", carrier[ACT_CARRIER_MAX + 1] = "";
	char tracking[ACT_TRACKING_MAX + 1] = "", title[200];
	char items[ACT_ITEMS_MAX + 1] = "";
	struct desk_units before = { 0 }, after = { 0 };
	struct ui_field fields[3];
	struct desk_act *act = NULL;
	struct od_err err;
	long long seq = 0;
	size_t n = 0;
	int signed_it = 0;

	dialog_sign_warn("");
	if (!ui_allowed(u, kind))
		return 0;
	/* Refused now, refused at y: say so before the first field. */
	if (desk_check_act(u->desk, kind, number, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	snprintf(title, sizeof title, "%s %s", title_of(kind), number);
	if (kind == STMT_ORDER_CANCEL) {
		fields[n++] = UI_TEXT("Reason", text, sizeof text);
	} else if (kind == STMT_ORDER_NOTE) {
		fields[n++] = UI_TEXT("Note", text, sizeof text);
	} else if (kind == STMT_SHIPMENT_CONFIRM) {
		snprintf(carrier, sizeof carrier, "%s",
			 desk_last_carrier(u->desk));
		fields[n++] = UI_TEXT("Carrier", carrier, sizeof carrier);
		fields[n++] = UI_TEXT("Tracking", tracking, sizeof tracking);
		/* Every unit left, to edit down to what is in the parcel. */
		if (desk_ship_remaining(u->desk, number, items, sizeof items,
					&err) != OD_OK ||
		    desk_order_units(u->desk, number, &before, &err) !=
		    OD_OK) {
			ui_message(u, 1, "%s", err.msg);
			return 0;
		}
		fields[n] = UI_TEXT("Items", items, sizeof items);
		fields[n++].aside = 1;
		/* Whose parcel: the title names the customer. */
		if (before.customer[0])
			snprintf(title, sizeof title, "%s %s · %.100s",
				 title_of(kind), number, before.customer);
	}
	if ((kind == STMT_ORDER_HOLD || kind == STMT_ORDER_RELEASE) &&
	    !ui_ask_reason(u, kind, title, text, sizeof text)) {
		ui_message(u, 0, "Nothing signed.");
		return 0;
	}
	if (n > 0 && !dialog_form(u, title, fields, n)) {
		ui_message(u, 0, "Nothing signed.");
		return 0;
	}
	if (kind == STMT_SHIPMENT_CONFIRM && !tracking_warning(u, number,
							      tracking))
		return 0;
	if (desk_prepare(u->desk, kind, number,
			 kind == STMT_SHIPMENT_CONFIRM ? items : text, carrier,
			 tracking, &act, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	if (!dialog_sign(u, title, desk_act_text(act))) {
		ui_message(u, 0, "Nothing signed.");
	} else if (desk_act_sign(u->desk, act, &seq, &err) != OD_OK) {
		ui_message(u, 1, "Not signed: %s", err.msg);
	} else {
		if (kind == STMT_SHIPMENT_CONFIRM)
			say_parcel(u, number, carrier, tracking, seq, &before,
				   &after);
		else
			ui_message(u, 0, "Order %s %s, signed by %s (log "
				   "entry %lld).", number, done_word(kind),
				   desk_user(u->desk), seq);
		signed_it = 1;
	}
	desk_act_free(act);
	return signed_it;
}
