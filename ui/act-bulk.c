/*
 * act-bulk.c - one action on every marked order: the fields asked once (a
 * tracking number per parcel), one dialog showing every statement, then
 * each signed in turn.  Each is durable before the next is signed, and the
 * message line is written only after the last.
 */
#include "ui/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BULK_CARRIER_MAX 64
#define BULK_TRACKING_MAX 64
#define BULK_REASON_MAX 1024    /* STMT_VALUE_MAX, as typed */
#define BULK_ITEMS_MAX 1024

/* A parcel of the bulk flow: its tracking number and items. */
struct parcel {
	char tracking[BULK_TRACKING_MAX + 1];
	char items[BULK_ITEMS_MAX + 1];
};

/*
 * Asks the carrier once and a tracking number per order, with its items
 * (every unit left unless edited: Tab); 0 on Esc.  An order that may not
 * ship (one that needs no shipping, say) is not asked for: the signing
 * dialog says why it is not signed.
 */
static int ask_parcels(struct ui *u, const struct marks *mk, char *carrier,
		       struct parcel *p, size_t n)
{
	struct ui_field f[2];
	struct od_err err;
	char title[96];
	size_t i, asked = 0, may = 0;
	unsigned char *ships = calloc(n, 1);

	if (ships == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		ships[i] = desk_check_act(u->desk, STMT_SHIPMENT_CONFIRM,
					  marks_get(mk, i), &err) == OD_OK;
		may += ships[i];
	}
	snprintf(carrier, BULK_CARRIER_MAX + 1, "%s",
		 desk_last_carrier(u->desk));
	f[0] = UI_TEXT("Carrier", carrier, BULK_CARRIER_MAX + 1);
	snprintf(title, sizeof title, "Ship %zu marked orders", may);
	if (!dialog_form(u, title, f, 1))
		goto cancel;
	for (i = 0; i < n; i++) {
		if (!ships[i])
			continue;
		/* An order with nothing left is refused in the statement. */
		if (desk_ship_remaining(u->desk, marks_get(mk, i), p[i].items,
					sizeof p[i].items, &err) != OD_OK)
			p[i].items[0] = '\0';
		f[0] = UI_TEXT("Tracking", p[i].tracking,
			       sizeof p[i].tracking);
		f[1] = UI_TEXT("Items", p[i].items, sizeof p[i].items);
		f[1].aside = 1;
		snprintf(title, sizeof title, "Ship order %s (%zu of %zu)",
			 marks_get(mk, i), ++asked, may);
		if (!dialog_form(u, title, f, 2))
			goto cancel;
	}
	free(ships);
	return 1;
cancel:
	free(ships);
	return 0;
}

/* Adds "NUMBER (why)" to the refused list in msg, as room allows. */
static void note_refused(char *msg, size_t size, const char *number,
			 const char *why)
{
	size_t len = strlen(msg);

	if (len + 8 >= size)
		return;
	snprintf(msg + len, size - len, "%s%.32s (%.100s)", len ? "; " : "",
		 number, why);
}

/*
 * Whether any marked order would take kind now (desk_check_act): when none
 * would, the message line says why for each, before the first field.
 */
static int any_allowed(struct ui *u, const struct marks *mk,
		       enum stmt_kind kind, size_t n)
{
	char why[UI_MSG_MAX] = "";
	struct od_err err;
	size_t i;

	for (i = 0; i < n; i++) {
		if (desk_check_act(u->desk, kind, marks_get(mk, i),
				   &err) == OD_OK)
			return 1;
		note_refused(why, sizeof why, marks_get(mk, i), err.msg);
	}
	ui_message(u, 1, "Nothing to sign: %s", why);
	return 0;
}

/*
 * Asks what kind needs of the person (a reason, or the parcels) and
 * prepares every statement into *b; 0 (said on the message line) when
 * cancelled or refused.
 */
static int prepare(struct ui *u, const struct marks *mk, enum stmt_kind kind,
		   const char *title, const char *given,
		   const char **numbers, struct parcel *parcels, size_t n,
		   struct desk_bulk **b)
{
	char carrier[BULK_CARRIER_MAX + 1] = "";
	char reason[BULK_REASON_MAX + 1] = "";
	const char **tracks = NULL, **items = NULL;
	struct od_err err;
	enum od_code rc;
	size_t i;

	if (kind == STMT_SHIPMENT_CONFIRM &&
	    !ask_parcels(u, mk, carrier, parcels, n)) {
		ui_message(u, 0, "Nothing signed.");
		return 0;
	}
	if (given != NULL)
		snprintf(reason, sizeof reason, "%s", given);
	else if ((kind == STMT_ORDER_HOLD || kind == STMT_ORDER_RELEASE) &&
		 !ui_ask_reason(u, kind, title, reason, sizeof reason)) {
		ui_message(u, 0, "Nothing signed.");
		return 0;
	}
	if (kind == STMT_ORDER_HOLD || kind == STMT_ORDER_RELEASE) {
		rc = desk_bulk_prepare_reason(u->desk, kind, numbers, n, reason,
					      b, &err);
	} else if (kind == STMT_SHIPMENT_CONFIRM) {
		tracks = calloc(n, sizeof *tracks);
		items = calloc(n, sizeof *items);
		if (tracks == NULL || items == NULL) {
			free(tracks);
			free(items);
			ui_message(u, 1, "out of memory; nothing signed");
			return 0;
		}
		for (i = 0; i < n; i++) {
			tracks[i] = parcels[i].tracking;
			items[i] = parcels[i].items;
		}
		rc = desk_bulk_prepare_parcels(u->desk, numbers, n, carrier,
					       tracks, items, b, &err);
		free(tracks);
		free(items);
	} else {
		rc = desk_bulk_prepare(u->desk, kind, numbers, n, carrier,
				       NULL, b, &err);
	}
	if (rc != OD_OK)
		ui_message(u, 1, "Nothing signed: %s", err.msg);
	return rc == OD_OK;
}

size_t ui_act_bulk(struct ui *u, struct marks *mk, enum stmt_kind kind)
{
	return ui_act_bulk_given(u, mk, kind, NULL, NULL);
}

size_t ui_act_bulk_given(struct ui *u, struct marks *mk, enum stmt_kind kind,
			 const char *reason, const char *what)
{
	size_t n = marks_count(mk), i, signed_n = 0, refused = 0;
	const char **numbers = NULL;
	struct parcel *parcels = NULL;
	char title[96], why[UI_MSG_MAX] = "", first[STMT_ORDER_MAX + 1] = "";
	struct desk_bulk *b = NULL;
	struct od_err err;
	long long seq;

	if (n == 0 || !ui_allowed(u, kind) || !any_allowed(u, mk, kind, n))
		return 0;
	numbers = calloc(n, sizeof *numbers);
	parcels = calloc(n, sizeof *parcels);
	if (numbers == NULL || parcels == NULL) {
		ui_message(u, 1, "out of memory; nothing signed");
		goto out;
	}
	for (i = 0; i < n; i++)
		numbers[i] = marks_get(mk, i);
	snprintf(title, sizeof title, "%s %zu %s orders",
		 kind == STMT_SHIPMENT_CONFIRM ? "Ship" : kind ==
		 STMT_ORDER_HOLD ? "Hold" : kind == STMT_ORDER_RELEASE ?
		 "Release" : "Confirm", n, what ? what : "marked");
	if (!prepare(u, mk, kind, title, reason, numbers, parcels, n, &b))
		goto out;
	if (!dialog_sign(u, title, desk_bulk_text(b))) {
		ui_message(u, 0, "Nothing signed.");
		goto out;
	}
	/* The batch holds its own copies of the numbers: unmarking a
	 * signed order cannot move them. */
	for (i = 0; i < n && desk_is_unlocked(u->desk); i++) {
		const char *num = desk_bulk_number(b, i);

		/* Ctrl-C, SIGTERM: stop between whole statements. */
		if (screen_signal())
			break;
		if (desk_bulk_sign(u->desk, b, i, &seq, &err) == OD_OK) {
			if (signed_n++ == 0)
				snprintf(first, sizeof first, "%s", num);
			/* Signed orders leave the marks; refused ones stay,
			 * to look at. */
			(void)marks_set(mk, num, 0);
			continue;
		}
		refused++;
		note_refused(why, sizeof why, num, err.msg);
		/* A wrong or missing PIN (or passphrase) would be asked again
		 * for every order left, and a token locks after a few. */
		if (err.code == OD_E_AUTH)
			break;
	}
	if (refused == 0 && signed_n == n)
		ui_message(u, 0, "Signed %zu of %zu orders as %s, each its "
			   "own statement (first %s).", signed_n, n,
			   desk_user(u->desk), first);
	else
		ui_message(u, 1, "Signed %zu of %zu; refused %zu: %.200s",
			   signed_n, n, refused, why);
out:
	desk_bulk_free(b);
	free(numbers);
	free(parcels);
	return signed_n;
}
