/*
 * dialog-form.c - a small form over the current screen: a reason, a note,
 * a carrier and a tracking number, a new person.  Text fields are edited
 * with the desk's one line editor (line-edit.h); a choice is picked, not
 * typed.  Text is shown through screen_put like everything else.
 */
#include "ui/view.h"

#include <string.h>

#include "ui/line-edit.h"

/* One run of a form: the fields, their editors, where the cursor is. */
struct form {
	struct ui *u;
	const char *title;
	struct ui_field *f;
	struct line_edit ed[UI_FORM_MAX];
	size_t n, cur;
	char why[UI_MSG_MAX];     /* the problem shown, "" when none */
};

/* The index of f's value among its choices (0 when not one of them). */
static size_t choice_at(const struct ui_field *f)
{
	size_t i;

	for (i = 0; f->choices[i] != NULL; i++)
		if (strcmp(f->choices[i], f->value) == 0)
			return i;
	return 0;
}

/* Draws a choice field: every value, the chosen one marked. */
static void draw_choices(const struct ui_field *f, int y, int x, int w,
			 int current)
{
	size_t i, at = choice_at(f), n = 0;
	int cx = x, cw, all = 0;

	for (n = 0; f->choices[n] != NULL; n++)
		all += screen_width(f->choices[n]) + 3;
	/* Too many to show side by side: the chosen one, and where it is. */
	if (all > w) {
		screen_putf(y, x, w, current ? UI_SELECT : UI_NORMAL,
			    "◂ %s ▸  (%zu of %zu)", f->choices[at], at + 1, n);
		return;
	}
	for (i = 0; f->choices[i] != NULL; i++) {
		cw = screen_width(f->choices[i]) + 2;
		if (cx + cw > x + w)
			break;
		screen_putf(y, cx, cw, i == at ? UI_SELECT : current ?
			    UI_NORMAL : UI_DIM, " %s ", f->choices[i]);
		cx += cw + 1;
	}
}

/* Draws the form with the cursor in the current field. */
static void draw(struct form *m)
{
	struct ui *u = m->u;
	int w = u->cols - 4 < 70 ? u->cols - 4 : 70;
	int h = (int)m->n * 2 + 5, x = (u->cols - w) / 2, y = (u->rows - h) / 2;
	int lw = 10, vw = w - lw - 6, cy = -1, cx = 0, col;
	const char *shown;
	size_t i;

	ui_draw(u);
	screen_box(y, x, h, w, m->title);
	for (i = 0; i < m->n; i++) {
		int fy = y + 2 + (int)i * 2;

		screen_put(fy, x + 2, lw, m->f[i].label, UI_HEAD);
		if (m->f[i].choices != NULL) {
			draw_choices(&m->f[i], fy, x + 3 + lw, vw, i == m->cur);
			continue;
		}
		col = line_edit_view(&m->ed[i], vw, &shown);
		/* Echo off: not even the length of a passphrase shows. */
		if (m->f[i].hidden) {
			shown = "";
			col = 0;
		}
		screen_put(fy, x + 3 + lw, vw, shown, UI_SELECT);
		if (i == m->cur) {
			cy = fy;
			cx = x + 3 + lw + col;
		}
	}
	if (m->why[0])
		screen_put(y + h - 3, x + 2, w - 4, m->why, UI_BAD);
	for (i = 0; i < m->n && !m->f[i].aside; i++)
		;
	if (i < m->n && i != m->cur)
		screen_putf(y + h - 2, x + 2, w - 4, UI_DIM, "Enter next/accept"
			    "   Tab move (%s: Tab)   Esc cancel",
			    m->f[i].label);
	else
		screen_put(y + h - 2, x + 2, w - 4, m->f[m->cur].choices ?
			   "← → choose   Enter next/accept   Tab move   Esc "
			   "cancel" : "Enter next/accept   Tab move   Esc cancel",
			   UI_DIM);
	screen_cursor(cy, cx);
	screen_flush();
}

/* Checks field i; on a problem the form shows it and goes there. */
static int check(struct form *m, size_t i)
{
	if (m->f[i].check == NULL ||
	    m->f[i].check(m->f, i, m->why, sizeof m->why) == 0)
		return 1;
	m->cur = i;
	return 0;
}

/* Enter: the next field, or accept once every field checks.  Returns 1 to
 * accept. */
static int enter(struct form *m)
{
	size_t i;

	if (!check(m, m->cur))
		return 0;
	m->why[0] = '\0';
	/* Fields aside are reached with Tab: Enter goes past them. */
	for (i = m->cur + 1; i < m->n && m->f[i].aside; i++)
		;
	if (i < m->n) {
		m->cur = i;
		return 0;
	}
	for (i = 0; i < m->n; i++)
		if (!check(m, i))
			return 0;
	return 1;
}

/* A key on a choice field: ← → Space step, a letter picks by its start. */
static void choose(struct ui_field *f, int key)
{
	size_t at = choice_at(f), n = 0, i;

	while (f->choices[n] != NULL)
		n++;
	if (key == UI_FN(KEY_RIGHT) || key == ' ')
		at = (at + 1) % n;
	else if (key == UI_FN(KEY_LEFT))
		at = (at + n - 1) % n;
	/* A letter: the next choice that starts with it. */
	for (i = 1; key > ' ' && key < 0x7f && i <= n; i++) {
		if (f->choices[(at + i) % n][0] == key) {
			at = (at + i) % n;
			break;
		}
	}
	snprintf(f->value, f->cap, "%s", f->choices[at]);
}

/* One key; returns 1 to accept, 0 to cancel, -1 to go on. */
static int form_key(struct form *m, int key)
{
	struct ui_field *f = &m->f[m->cur];

	if (key == UI_ESC)
		return 0;
	if (key == '\r' || key == '\n' || key == UI_FN(KEY_ENTER))
		return enter(m) ? 1 : -1;
	if (key == '\t' || key == UI_FN(KEY_DOWN)) {
		if (check(m, m->cur)) {
			m->why[0] = '\0';
			m->cur = (m->cur + 1) % m->n;
		}
	} else if (key == UI_FN(KEY_BTAB) || key == UI_FN(KEY_UP)) {
		m->why[0] = '\0';
		m->cur = (m->cur + m->n - 1) % m->n;
	} else if (f->choices != NULL) {
		choose(f, key);
	} else if (line_edit_key(&m->ed[m->cur], key) == LINE_EDIT_CHANGED) {
		m->why[0] = '\0';
	}
	return -1;
}

int dialog_form_again(struct ui *u, const char *title, struct ui_field *f,
		      size_t n, const char *problem)
{
	struct form m;
	int key, answer = -1;
	size_t i;

	memset(&m, 0, sizeof m);
	m.u = u;
	m.title = title;
	m.f = f;
	m.n = n < UI_FORM_MAX ? n : UI_FORM_MAX;
	snprintf(m.why, sizeof m.why, "%s", problem ? problem : "");
	for (i = 0; i < m.n; i++)
		line_edit_init(&m.ed[i], f[i].value, f[i].cap);
	/* Start where there is something to type (a remembered carrier). */
	while (m.cur + 1 < m.n && f[m.cur + 1].aside == 0 &&
	       f[m.cur].value[0] != '\0' && f[m.cur].choices == NULL)
		m.cur++;
	while (answer < 0 && !screen_signal()) {
		if (screen_size(u))
			draw(&m);
		else
			ui_draw(u);
		key = screen_key(250);
		if (key >= 0)
			answer = form_key(&m, key);
	}
	screen_cursor(-1, 0);
	u->last_key = ui_now_ms();
	return answer == 1;
}

int dialog_form(struct ui *u, const char *title, struct ui_field *f,
		size_t n)
{
	return dialog_form_again(u, title, f, n, NULL);
}
