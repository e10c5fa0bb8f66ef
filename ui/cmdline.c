/*
 * cmdline.c - the `:` command line on the screens: reading it at the
 * bottom row with the line editor and Tab completion, and signing what it
 * asks through the same facade calls as the keys (desk_check_act,
 * desk_prepare, the signing dialog, desk_act_sign).
 */
#include "ui/cmdline-run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-numbers.h"
#include "ui/line-edit.h"

#define LIST_MAX 512            /* bytes of candidates shown */

/*
 * The order numbers of the list's tab that start with the word being
 * typed, from the store (desk_numbers: never every order); NULL with why
 * in list when there are none to offer.
 */
static struct desk_numbers *tab_numbers(struct ui *u, const char *buf,
					char *list, size_t size)
{
	const char *word = strrchr(buf, ' ');
	struct desk_numbers *nums = malloc(sizeof *nums);
	struct od_err err;
	enum od_code rc;

	if (nums == NULL)
		return NULL;
	rc = desk_numbers(u->desk, word ? word + 1 : buf, NULL, nums, &err);
	if (rc == OD_OK)
		return nums;
	free(nums);
	/* Another command holds the store: a Tab never waits. */
	snprintf(list, size, "%s", rc == OD_E_BUSY ? "another command holds "
		 "the store; Tab again in a moment" : err.msg);
	return NULL;
}

/* Tab: the verb, or an order number of the list, the word typed starts. */
static void complete(struct ui *u, char *buf, size_t cap, char *list,
		     size_t size)
{
	size_t nv = 0, hits, i;
	struct desk_numbers *nums;
	const char *cands[DESK_NUMBERS_MAX + 1];

	while (cmdline_verbs[nv] != NULL)
		nv++;
	list[0] = '\0';
	if (cmdline_first_word(buf) &&
	    (hits = cmdline_complete(buf, cap, cmdline_verbs, nv, list,
				     size)) > 0) {
		if (hits == 1)
			list[0] = '\0';   /* the line says it */
		return;
	}
	if (cmdline_first_word(buf) || cmdline_in_orders(buf)) {
		nums = tab_numbers(u, buf, list, size);
		if (nums == NULL)
			return;
		for (i = 0; i < nums->n; i++)
			cands[i] = nums->v[i];
		hits = cmdline_complete(buf, cap, cands, nums->n, list, size);
		free(nums);
		if (hits == 1)
			list[0] = '\0';
		if (hits == 0)
			snprintf(list, size, "no order shown starts so");
	}
}

/* Draws the line over the screen, with the candidates above it. */
static void draw(struct ui *u, struct line_edit *ed, const char *list)
{
	const char *shown;
	int col;

	ui_draw(u);
	if (list[0])
		screen_put(u->rows - 3, 1, u->cols - 2, list, UI_DIM);
	screen_put(u->rows - 2, 0, u->cols, "", UI_NORMAL);
	col = line_edit_view(ed, u->cols - 1, &shown);
	screen_put(u->rows - 2, 0, 1, ":", UI_NORMAL);
	screen_put(u->rows - 2, 1, u->cols - 1, shown, UI_NORMAL);
	screen_cursor(u->rows - 2, 1 + col);
	screen_flush();
}

int cmdline_read(struct ui *u, char *buf, size_t cap)
{
	char list[LIST_MAX];
	struct line_edit ed;
	int key, done = -1;

	buf[0] = list[0] = '\0';
	line_edit_init(&ed, buf, cap);
	while (done < 0 && !screen_signal()) {
		draw(u, &ed, list);
		key = screen_key(250);
		if (key < 0)
			continue;
		if (key == '\r' || key == '\n' || key == UI_FN(KEY_ENTER))
			done = 1;
		else if (key == UI_ESC || ((key == 127 ||
			  key == UI_FN(KEY_BACKSPACE)) && buf[0] == '\0'))
			done = 0;
		else if (key == '\t') {
			complete(u, buf, cap, list, sizeof list);
			line_edit_init(&ed, buf, cap);
		} else if (line_edit_key(&ed, key) != LINE_EDIT_NOT_MINE) {
			list[0] = '\0';
		}
	}
	screen_cursor(-1, 0);
	u->last_key = ui_now_ms();
	return done == 1;
}

/* What the message line says an action did. */
static const char *done_word(enum stmt_kind kind)
{
	switch (kind) {
	case STMT_ORDER_CONFIRM: return "confirmed";
	case STMT_ORDER_CANCEL: return "cancelled";
	case STMT_ORDER_NOTE: return "noted";
	case STMT_ORDER_HOLD: return "put on hold";
	case STMT_ORDER_RELEASE: return "released";
	case STMT_SHIPMENT_CONFIRM: return "shipped";
	case STMT_ORDER_UNCONFIRM: return "unconfirmed (new again)";
	default: return "changed";
	}
}

/*
 * Several orders: the bulk path of the marked orders (act-bulk.c), with
 * its one dialog and its summary of what was refused and why.
 */
static int act_many(struct ui *u, const struct cmdline *c)
{
	struct marks mk = { 0 };
	size_t i, signed_n;

	for (i = 0; i < c->n; i++)
		if (marks_set(&mk, c->numbers[i], 1) != 0) {
			marks_free(&mk);
			ui_message(u, 1, "At most %d orders in one command.",
				   DESK_BULK_MAX);
			return 0;
		}
	signed_n = ui_act_bulk_given(u, &mk, c->kind,
				     c->kind == STMT_ORDER_CONFIRM ? NULL :
				     c->text, "named");
	marks_free(&mk);
	return signed_n > 0;
}

int cmdline_act(struct ui *u, const struct cmdline *c, const char *typed)
{
	struct desk_act *act = NULL;
	char title[CMDLINE_MAX + 8];
	struct od_err err;
	long long seq;
	int signed_it = 0;

	if (!ui_allowed(u, c->kind))
		return 0;
	if (c->n > 1)
		return act_many(u, c);
	/* Refused now, refused at y: say so before anything is shown. */
	if (desk_check_act(u->desk, c->kind, c->number, &err) != OD_OK ||
	    desk_prepare(u->desk, c->kind, c->number, c->text, c->carrier,
			 c->tracking, &act, &err) != OD_OK) {
		ui_message(u, 1, "%s", err.msg);
		return 0;
	}
	snprintf(title, sizeof title, ":%.200s", typed);
	if (dialog_sign_act(u, title, desk_act_text(act), act, NULL, &seq,
			    &err)) {
		ui_message(u, 0, "Order %s %s, signed by %s (log entry %lld).",
			   c->number, done_word(c->kind), desk_user(u->desk),
			   seq);
		signed_it = 1;
	}
	desk_act_free(act);
	return signed_it;
}

int cmdline_prompt(struct ui *u, char open[STMT_ORDER_MAX + 1])
{
	char line[CMDLINE_MAX + 1], why[UI_MSG_MAX];
	struct cmdline c;

	if (!cmdline_read(u, line, sizeof line))
		return 0;
	if (cmdline_parse(line, &c, why, sizeof why) != 0) {
		ui_message(u, 1, "%s", why);
		return 0;
	}
	if (c.verb == CMDLINE_OPEN) {
		memcpy(open, c.number, sizeof c.number);
		return 2;
	}
	if (c.verb == CMDLINE_FILTER) {
		ui_message(u, 1, ":filter narrows the orders list; go back to "
			   "it (Esc) and type it there.");
		return 0;
	}
	return cmdline_act(u, &c, line);
}
