/*
 * ui.c - the desk's loop: a stack of views (stack.c), drawn from one place,
 * fed keys, locked on L or when idle, and always ending with the terminal
 * restored.  The one file that knows every view: it wires them (struct
 * ui_wire) and only main calls it, so nothing below calls up.
 */
#include "ui/ui.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/orderdesk/cli.h"
#include "ui/view.h"

#define UI_TICK_MS 250
#define UI_IDLE_DEFAULT 300   /* seconds */
/* Empty reads within one second that mean the terminal is gone (a read
 * that waits returns at most 1000 / UI_TICK_MS times a second). */
#define UI_GONE 50
/* How often an idle desk looks whether another process changed the store
 * (it opens the store: not every tick). */
#define UI_WATCH_MS 1000

/* Locks the desk (L or idle): wipes keys and shows the unlock screen. */
static void ui_lock(struct ui *u)
{
	char why[UI_MSG_MAX];
	int i;

	/* Also after the desk locked itself (desk_locked_why). */
	if (ui_top(u) == &view_login)
		return;
	snprintf(why, sizeof why, "%s", desk_locked_why(u->desk));
	/* Help over a view is not worth coming back to. */
	while (u->depth > 1 && ui_top(u) == &view_help)
		ui_drop(u, u->depth - 1);
	for (i = 0; i < u->depth; i++)
		if (u->stack[i].view->lock != NULL)
			u->stack[i].view->lock(u, u->stack[i].st);
	desk_lock(u->desk);
	/* The next unlock's sync starts afresh: its conflicts are told. */
	memset(&u->bg, 0, sizeof u->bg);
	u->msg[0] = '\0';
	messages_clear();
	if (why[0])
		ui_message(u, 1, "Locked: %s", why);
	(void)view_login_open(u);
}

/* ? over any view but help itself. */
static void open_help(struct ui *u)
{
	if (ui_top(u) != &view_help)
		(void)ui_push(u, &view_help, NULL);
}

static void open_messages(struct ui *u)
{
	(void)view_messages_open(u);
}

/* What the views below reach through struct ui without calling up. */
static const struct ui_wire wire = {
	ui_lock, open_help, open_messages, view_orders_refresh,
};

/* The idle lock from $ORDERDESK_IDLE_LOCK (seconds, 0 = never). */
static int idle_seconds(void)
{
	const char *s = getenv("ORDERDESK_IDLE_LOCK");
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return UI_IDLE_DEFAULT;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > CLI_IDLE_MAX)
		return UI_IDLE_DEFAULT;
	return (int)v;
}

/* The first conflict nobody has been shown, in words, on the message
 * line. */
static void announce_conflicts(struct ui *u)
{
	struct desk_conflicts *c = NULL;
	struct od_err err;
	size_t i;

	if (desk_conflicts(u->desk, &c, &err) != OD_OK) {
		if (desk_is_unlocked(u->desk))
			ui_message(u, 1, "%s", err.msg);
		return;
	}
	/* Newest first: the first one not shown is the last unacked. */
	for (i = c->n; i > 0 && c->c[i - 1].acked; i--)
		;
	if (i > 0)
		ui_message(u, 1, "%s", c->c[i - 1].line);
	desk_conflicts_free(c);
}

/*
 * After a background sync: the orders' sync column, and with news (orders
 * pulled, people, conflicts) the orders themselves and every open view
 * that follows news (an order, the conflicts, the audit history, the
 * people), each keeping its place, so that what other desks did shows
 * without a key.  A view that can no longer load goes, with the views
 * above it, and the message line says why (as ui_unlocked does).
 */
static void bg_reload(struct ui *u, int news)
{
	const struct ui_frame *f;
	struct od_err err;
	int i;

	view_orders_refresh(u, news);
	for (i = 1; news && i < u->depth && desk_is_unlocked(u->desk); i++) {
		f = &u->stack[i];
		if (f->view->news == NULL ||
		    f->view->news(u, f->st, &err) == OD_OK)
			continue;
		if (desk_is_unlocked(u->desk)) {
			ui_drop(u, i);
			ui_message(u, 1, "%s", err.msg);
		}
		break;
	}
}

/*
 * On an idle tick: takes what the background sync has done since the last
 * tick.  A sync that brought news (orders pulled, conflicts) reloads the
 * lists, keeping the place; new conflicts are named on the message line.
 * Never waits for the network: the thread does that.  Returns whether to
 * redraw.
 */
static int bg_poll(struct ui *u)
{
	struct desk_bg v;
	int dirty;

	if (!desk_is_unlocked(u->desk))
		return 0;
	desk_bg_view(u->desk, &v);
	dirty = memcmp(&v, &u->bg, sizeof v) != 0;
	if (!dirty)
		return 0;
	if (v.news != u->bg.news || v.head != u->bg.head)
		bg_reload(u, v.news != u->bg.news);
	if (desk_is_unlocked(u->desk) && v.new_conflicts > u->bg.new_conflicts)
		announce_conflicts(u);
	/* A backend that may be withholding is told once, as it changes. */
	if (desk_is_unlocked(u->desk) && v.warning[0] != '\0' &&
	    strcmp(v.warning, u->bg.warning) != 0)
		ui_message(u, 1, "Warning: %s.", v.warning);
	u->bg = v;
	/* A reload may find the store's key changed: lock (ui.c's rule). */
	if (!desk_is_unlocked(u->desk))
		ui_lock(u);
	return 1;
}

/*
 * On an idle tick, about once a second: a hold or an import from another
 * terminal on the same store reloads the lists and the open views, each
 * keeping its place, as a sync's news do.  Returns whether to redraw.
 */
static int watch_poll(struct ui *u)
{
	struct od_err err;
	int changed;

	if (!desk_is_unlocked(u->desk) ||
	    ui_now_ms() - u->last_watch < UI_WATCH_MS)
		return 0;
	u->last_watch = ui_now_ms();
	if (desk_store_changed(u->desk, &changed, &err) != OD_OK) {
		/* A changed key locks the desk (the loop's rule). */
		if (desk_is_unlocked(u->desk))
			ui_message(u, 1, "%s", err.msg);
		return 1;
	}
	if (changed)
		bg_reload(u, 1);
	return changed;
}

/* Runs the views until the person quits or a signal comes. */
static void loop(struct ui *u)
{
	struct od_err err;
	int dirty = 1, key, instant = 0;
	time_t started;
	enum ui_next next;

	while (!u->quit && !screen_signal()) {
		if (dirty)
			ui_draw(u);
		dirty = 0;
		started = time(NULL);
		key = screen_key(UI_TICK_MS);
		/* A terminal that is gone answers at once, forever: end
		 * the session instead of spinning. */
		if (key < 0 && time(NULL) == started && ++instant > UI_GONE)
			break;
		if (key >= 0 || time(NULL) != started)
			instant = 0;
		if (key < 0) {
			dirty = bg_poll(u);
			dirty |= watch_poll(u);
			if (dirty && !desk_is_unlocked(u->desk)) {
				ui_lock(u);
				continue;
			}
			/* The first idle moment reads the search text. */
			if (desk_is_unlocked(u->desk) &&
			    desk_search_ready(u->desk, &err) != OD_OK &&
			    !desk_is_unlocked(u->desk)) {
				ui_lock(u);
				dirty = 1;
				continue;
			}
			if (u->idle_secs > 0 && desk_is_unlocked(u->desk) &&
			    ui_now_ms() - u->last_key >=
			    u->idle_secs * 1000LL) {
				ui_lock(u);
				ui_message(u, 0, "Locked after %d s idle.",
					   u->idle_secs);
				dirty = 1;
			}
			continue;
		}
		u->last_key = ui_now_ms();
		dirty = 1;
		if (key == UI_FN(KEY_RESIZE))
			continue;
		if (!screen_size(u)) {
			if (key == 'q')
				u->quit = 1;
			continue;
		}
		next = ui_top(u)->key(u, u->stack[u->depth - 1].st, key);
		if (next == UI_QUIT)
			u->quit = 1;
		else if (next == UI_BACK && u->depth > 1)
			ui_drop(u, u->depth - 1);
		/* Another process changed the store's key under the desk. */
		if (!u->quit && !desk_is_unlocked(u->desk))
			ui_lock(u);
	}
}

int ui_run(const char *store_dir, const char *user, int idle_secs,
	   int sync_every_s)
{
	struct ui u;
	struct od_err err;
	int sig, status = 0;

	memset(&u, 0, sizeof u);
	od_err_clear(&err);
	setlocale(LC_ALL, "");
	/* Names are UTF-8 whatever the locale says: draw them as such. */
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	if (desk_new(store_dir, &u.desk, &err) != OD_OK) {
		fprintf(stderr, "orderdesk: %s\n", err.msg);
		return od_code_exit_status(err.code);
	}
	desk_sync_every(u.desk, sync_every_s > 0 ? sync_every_s : 0);
	u.want_user = user ? user : getenv("ORDERDESK_USER");
	u.idle_secs = idle_secs >= 0 && idle_secs <= CLI_IDLE_MAX ? idle_secs :
		      idle_seconds();
	u.last_key = ui_now_ms();
	u.wire = &wire;
	if (view_orders_open(&u) != 0 || view_login_open(&u) != 0) {
		ui_drop(&u, 0);
		desk_free(u.desk);
		fprintf(stderr, "orderdesk: out of memory\n");
		return od_code_exit_status(OD_E_NOMEM);
	}
	if (screen_init(&u) != 0) {
		ui_drop(&u, 0);
		desk_free(u.desk);
		fprintf(stderr, "orderdesk: cannot use this terminal (is TERM "
			"set?)\n");
		return 2;
	}
	dialog_pin_setup(&u);
	loop(&u);
	dialog_pin_setup(NULL);
	/* The keys go first, then the terminal comes back, then we speak. */
	ui_drop(&u, 0);
	desk_free(u.desk);
	screen_fini();
	sig = screen_signal();
	if (u.fatal_code != OD_OK) {
		fprintf(stderr, "orderdesk: %s\n", u.fatal);
		status = od_code_exit_status(u.fatal_code);
	} else if (sig != 0) {
		status = 128 + sig;
	}
	return status;
}
