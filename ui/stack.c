/*
 * stack.c - the view stack and what every screen shares: the message line,
 * the keys with one meaning everywhere, drawing the top view.  It knows no
 * view by name: what needs the desk's wiring (locking, help, the message
 * history) goes through the hooks ui.c sets in struct ui, so that nothing
 * here calls up into the views.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui/view.h"

long long ui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ui_push(struct ui *u, const struct ui_view *v, void *st)
{
	if (u->depth >= UI_STACK_MAX) {
		if (v->free != NULL)
			v->free(st);
		return -1;
	}
	u->stack[u->depth].view = v;
	u->stack[u->depth].st = st;
	u->depth++;
	return 0;
}

void *ui_state(const struct ui *u, const struct ui_view *v)
{
	int i;

	for (i = u->depth - 1; i >= 0; i--)
		if (u->stack[i].view == v)
			return u->stack[i].st;
	return NULL;
}

const struct ui_view *ui_below(const struct ui *u)
{
	return u->depth >= 2 ? u->stack[u->depth - 2].view : NULL;
}

const struct ui_view *ui_top(const struct ui *u)
{
	return u->stack[u->depth - 1].view;
}

/* Takes the top view off and frees its state (no lock hook). */
static void pop(struct ui *u)
{
	struct ui_frame *f = &u->stack[--u->depth];

	if (f->view->free != NULL)
		f->view->free(f->st);
	f->st = NULL;
}

void ui_message(struct ui *u, int bad, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof u->msg, fmt, ap);
	va_end(ap);
	u->msg_bad = bad;
	messages_add(u->msg, bad);
}

void ui_page(struct ui *u, const char *text)
{
	struct od_err err;

	if (screen_page(text, &err) != OD_OK)
		ui_message(u, 1, "%s", err.msg);
	/* Reading in the pager is not being away from the desk. */
	u->last_key = ui_now_ms();
}

void ui_fatal(struct ui *u, const struct od_err *err)
{
	if (u->fatal_code == OD_OK) {
		u->fatal_code = err->code ? err->code : OD_E_INTERNAL;
		snprintf(u->fatal, sizeof u->fatal, "%s", err->msg);
	}
	u->quit = 1;
}

/*
 * Takes the views above depth off the screen, top first, each dropping
 * what it holds from the shop (its lock hook): a history or a list of
 * people left behind would outlive the view, and a later lock too, which
 * only reaches the views still on the screen.
 */
void ui_drop(struct ui *u, int depth)
{
	struct ui_frame *f;

	while (u->depth > depth) {
		f = &u->stack[u->depth - 1];
		if (f->view->lock != NULL)
			f->view->lock(u, f->st);
		pop(u);
	}
}

void ui_unlocked(struct ui *u)
{
	struct od_err err;
	struct ui_frame *f;
	int i;

	od_err_clear(&err);
	/* The login view on top, which called: it goes. */
	if (u->depth > 1)
		pop(u);
	for (i = 0; i < u->depth; i++) {
		f = &u->stack[i];
		if (f->view->unlock == NULL ||
		    f->view->unlock(u, f->st, &err) == OD_OK)
			continue;
		if (i == 0) {
			/* The home screen cannot load: nothing to show. */
			ui_fatal(u, &err);
			return;
		}
		/* The screen's order is gone or unreadable: show the one
		 * below, and say why. */
		ui_drop(u, i);
		ui_message(u, 1, "%s", err.msg);
		break;
	}
	u->last_key = ui_now_ms();
}

enum ui_next ui_common_key(struct ui *u, int key)
{
	switch (key) {
	case 'L':
		u->wire->lock(u);
		return UI_DRAW;
	case '?':
		u->wire->help(u);
		return UI_DRAW;
	case 'M':
		u->wire->messages(u);
		return UI_DRAW;
	default:
		return UI_STAY;
	}
}

void ui_draw(struct ui *u)
{
	screen_clear();
	if (!screen_size(u)) {
		screen_too_small(u);
	} else {
		screen_cursor(-1, 0);
		ui_top(u)->draw(u, u->stack[u->depth - 1].st);
		screen_status(u, ui_top(u));
	}
	screen_flush();
}
