/*
 * view-login.c - the unlock screen: choose who you are, type the passphrase
 * with nothing echoed.  Each wrong passphrase after the first makes the next
 * try wait longer (1, 2, 4 ... 30 s), with typed-ahead keys thrown away.
 */
#include "ui/view.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/secret.h"
#include "ui/line-edit.h"

#define LOGIN_PASS_MAX 1024
#define LOGIN_DELAY_MAX 30

struct login_st {
	const char *const *users;
	size_t nusers, sel;
	int loaded;
	int entering;
	char pass[LOGIN_PASS_MAX + 1];
	struct line_edit ed;     /* over pass, nothing echoed */
	int failures;
	char msg[UI_MSG_MAX];
	int msg_bad;
};

static const struct ui_keyhelp login_keys[] = {
	{ "↑↓", "choose", -1 },
	{ "Enter", "passphrase", -1 },
	{ "Esc", "clear", -1 },
	{ "q", "quit", -1 },
	{ NULL, NULL, -1 },
};

/* Reads the key slots' users once; preselects the one asked for. */
static void load_users(struct login_st *L, struct ui *u)
{
	const char *want;
	struct od_err err;
	size_t i;

	L->loaded = 1;
	if (desk_users(u->desk, &L->users, &L->nusers, &err) != OD_OK) {
		snprintf(L->msg, sizeof L->msg, "%s", err.msg);
		L->msg_bad = 1;
		return;
	}
	/* After a lock, the person who unlocked last. */
	want = u->last_user[0] ? u->last_user : u->want_user;
	for (i = 0; want != NULL && i < L->nusers; i++)
		if (strcmp(L->users[i], want) == 0)
			L->sel = i;
}

/* Forgets what was typed. */
static void wipe_pass(struct login_st *L)
{
	secret_wipe(L->pass, sizeof L->pass);
	line_edit_init(&L->ed, L->pass, sizeof L->pass);
}

static void login_draw(struct ui *u, void *st)
{
	struct login_st *L = st;
	int y = 4, i, first, shown = u->rows - 10;
	char prompt[96];

	if (!L->loaded)
		load_users(L, u);
	screen_bar(u, 0, UI_TITLE);
	screen_put(0, 1, u->cols - 2, "orderdesk · unlock", UI_TITLE);
	screen_put(2, 2, u->cols - 4, "Who are you?", UI_HEAD);
	first = (int)L->sel >= shown ? (int)L->sel - shown + 1 : 0;
	for (i = first; i < (int)L->nusers && i < first + shown; i++, y++)
		screen_putf(y, 4, 36, (size_t)i == L->sel ? UI_SELECT :
			    UI_NORMAL, " %s", L->users[i]);
	if (L->entering && L->sel < L->nusers) {
		snprintf(prompt, sizeof prompt, "Passphrase for %s: ",
			 L->users[L->sel]);
		screen_put(u->rows - 4, 2, screen_width(prompt), prompt,
			   UI_HEAD);
		screen_cursor(u->rows - 4, 2 + screen_width(prompt));
	}
	if (L->msg[0])
		screen_put(u->rows - 3, 2, u->cols - 4, L->msg,
			   L->msg_bad ? UI_BAD : UI_NORMAL);
	else if (u->msg[0])
		screen_put(u->rows - 3, 2, u->cols - 4, u->msg, UI_NORMAL);
}

/*
 * Waits out the delay after repeated failures, dropping typed keys.  The
 * delay is measured in milliseconds: with time(), "wait 1 s" could end a
 * moment after it began, whenever the second ticked over just then.
 */
static void penalty(struct login_st *L, struct ui *u, const char *why)
{
	int secs = 0;
	long long until;

	if (L->failures >= 2)
		secs = 1 << (L->failures - 2 < 5 ? L->failures - 2 : 5);
	if (secs > LOGIN_DELAY_MAX)
		secs = LOGIN_DELAY_MAX;
	if (secs == 0) {
		snprintf(L->msg, sizeof L->msg, "%s", why);
		return;
	}
	snprintf(L->msg, sizeof L->msg, "%.180s (wait %d s)", why, secs);
	ui_draw(u);
	until = ui_now_ms() + secs * 1000LL;
	while (ui_now_ms() < until && !screen_signal())
		(void)screen_key(100);
	snprintf(L->msg, sizeof L->msg, "%s", why);
}

/* Tries the passphrase typed for the chosen user. */
static enum ui_next attempt(struct login_st *L, struct ui *u)
{
	struct od_err err;
	enum od_code rc;

	snprintf(L->msg, sizeof L->msg, "Unlocking…");
	L->msg_bad = 0;
	ui_draw(u);
	rc = desk_unlock(u->desk, L->users[L->sel], L->pass, strlen(L->pass),
			 &err);
	wipe_pass(L);
	L->entering = 0;
	if (rc == OD_OK) {
		snprintf(u->last_user, sizeof u->last_user, "%s",
			 L->users[L->sel]);
		u->msg[0] = '\0';
		/* Takes this view, and L with it, off the stack. */
		ui_unlocked(u);
		return UI_DRAW;
	}
	L->msg_bad = 1;
	if (rc == OD_E_AUTH) {
		L->failures++;
		L->entering = 1;
		penalty(L, u, err.msg);
	} else {
		snprintf(L->msg, sizeof L->msg, "%s", err.msg);
	}
	return UI_DRAW;
}

static enum ui_next login_key(struct ui *u, void *st, int key)
{
	struct login_st *L = st;

	if (L->entering) {
		if (key == '\r' || key == '\n' || key == UI_FN(KEY_ENTER))
			return attempt(L, u);
		if (key == UI_ESC) {
			wipe_pass(L);
			L->entering = 0;
			return UI_DRAW;
		}
		if (L->ed.buf == NULL)
			line_edit_init(&L->ed, L->pass, sizeof L->pass);
		/* The one line editor, blind: Backspace, Ctrl-U, Ctrl-W... */
		(void)line_edit_key(&L->ed, key);
		return UI_DRAW;
	}
	switch (key) {
	case 'q':
		return UI_QUIT;
	case 'j':
	case UI_FN(KEY_DOWN):
		if (L->sel + 1 < L->nusers)
			L->sel++;
		return UI_DRAW;
	case 'k':
	case UI_FN(KEY_UP):
		if (L->sel > 0)
			L->sel--;
		return UI_DRAW;
	case '\r':
	case '\n':
	case UI_FN(KEY_ENTER):
		if (L->sel < L->nusers) {
			L->entering = 1;
			L->msg[0] = '\0';
		}
		return UI_DRAW;
	default:
		return UI_STAY;
	}
}

/* Leaving the screen (the desk ends): nothing typed may stay behind. */
static void login_lock(struct ui *u, void *st)
{
	struct login_st *L = st;

	wipe_pass(L);
	L->entering = 0;
}

static void login_free(void *st)
{
	struct login_st *L = st;

	wipe_pass(L);
	free(L);
}

const struct ui_view view_login = {
	"Unlock", login_draw, login_key, login_lock, NULL, login_keys, NULL,
	login_free,
};

int view_login_open(struct ui *u)
{
	struct login_st *L = calloc(1, sizeof *L);

	if (L == NULL)
		return -1;
	return ui_push(u, &view_login, L);
}
