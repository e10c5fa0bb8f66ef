/*
 * screen.c - taking and giving back the terminal, and the one place text is
 * written to it.  Every string goes through format_fit, which cuts it to its
 * columns without splitting a character and shows anything a terminal would
 * act on (control characters, escape sequences) as '?'.
 */
#include "ui/view.h"

#include <curses.h>
#include <signal.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/format.h"
#include "lib/buf.h"
#include "lib/utf8.h"

static volatile sig_atomic_t got_signal;
static int screen_on;
static int attrs[UI_ATTR_COUNT];

/*
 * What a crash writes to give the terminal back: made while all is well,
 * because the handler may only call async-signal-safe functions (write,
 * tcsetattr, signal, raise), never curses.
 */
#define CRASH_SEQ_MAX 256
#define CRASH_STACK (64 * 1024)
static char crash_seq[CRASH_SEQ_MAX];
static size_t crash_len;
static struct termios crash_tio;
static int crash_tio_ok;
static char crash_stack[CRASH_STACK];
static const int crash_signals[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE };

/* Only notes the signal: the loop ends the session between actions, so a
 * signal never cuts an append in half. */
static void on_signal(int sig)
{
	got_signal = sig;
}

int screen_signal(void)
{
	return got_signal;
}

/*
 * A fatal signal: the screen, cursor, attributes and terminal modes as they
 * were, then the signal again with its default action (a core dump where
 * the process allows one; cli.c turns them off).
 */
static void on_crash(int sig)
{
	if (crash_len > 0 && write(STDOUT_FILENO, crash_seq, crash_len) < 0)
		crash_len = 0;
	if (crash_tio_ok)
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &crash_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Adds terminfo capability cap (if the terminal has it) to crash_seq. */
static void crash_add(const char *cap)
{
	const char *v = tigetstr(cap);
	size_t n;

	if (v == NULL || v == (const char *)-1)
		return;
	n = strlen(v);
	if (crash_len + n > sizeof crash_seq)
		return;
	memcpy(crash_seq + crash_len, v, n);
	crash_len += n;
}

/* Prepares what a crash writes and installs the handler, on its own stack
 * so that a stack overflow still reaches it. */
static void crash_init(int mouse)
{
	static const char mouse_off[] = "\033[?1006l\033[?1002l\033[?1000l";
	struct sigaction sa;
	stack_t st;
	size_t i;

	crash_len = 0;
	crash_add("sgr0");
	crash_add("cnorm");
	crash_add("rmkx");
	/* The mouse reports that curses switched on, xterm's way. */
	if (mouse && crash_len + sizeof mouse_off - 1 <= sizeof crash_seq) {
		memcpy(crash_seq + crash_len, mouse_off, sizeof mouse_off - 1);
		crash_len += sizeof mouse_off - 1;
	}
	crash_add("rmcup");
	memset(&st, 0, sizeof st);
	st.ss_sp = crash_stack;
	st.ss_size = sizeof crash_stack;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	if (sigaltstack(&st, NULL) == 0)
		sa.sa_flags |= SA_ONSTACK;
	for (i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++)
		sigaction(crash_signals[i], &sa, NULL);
}

/* Picks colours, or plain attributes when there are none or NO_COLOR. */
static void init_attrs(struct ui *u)
{
	const char *no_color = getenv("NO_COLOR");

	attrs[UI_NORMAL] = A_NORMAL;
	attrs[UI_TITLE] = A_REVERSE;
	attrs[UI_TAB] = A_BOLD | A_UNDERLINE;
	attrs[UI_SELECT] = A_REVERSE;
	attrs[UI_HEAD] = A_BOLD;
	attrs[UI_DIM] = A_DIM;
	attrs[UI_GOOD] = A_BOLD;
	attrs[UI_BAD] = A_BOLD;
	u->color = 0;
	if ((no_color != NULL && no_color[0] != '\0') || !has_colors() ||
	    start_color() == ERR)
		return;
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE);
	init_pair(2, COLOR_BLACK, COLOR_CYAN);
	init_pair(3, COLOR_GREEN, -1);
	init_pair(4, COLOR_RED, -1);
	init_pair(5, COLOR_CYAN, -1);
	init_pair(6, COLOR_YELLOW, COLOR_BLUE);
	attrs[UI_TITLE] = COLOR_PAIR(1);
	attrs[UI_TAB] = COLOR_PAIR(6) | A_BOLD;
	attrs[UI_SELECT] = COLOR_PAIR(2);
	attrs[UI_HEAD] = COLOR_PAIR(5) | A_BOLD;
	attrs[UI_GOOD] = COLOR_PAIR(3) | A_BOLD;
	attrs[UI_BAD] = COLOR_PAIR(4) | A_BOLD;
	u->color = 1;
}

int screen_init(struct ui *u)
{
	struct sigaction sa;
	int mouse;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* Set before initscr, so that curses leaves them to us. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	crash_tio_ok = tcgetattr(STDIN_FILENO, &crash_tio) == 0;
	if (newterm(NULL, stdout, stdin) == NULL)
		return -1;
	screen_on = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	/* Clicks and the wheel where the terminal reports them (Shift still
	 * selects text in most terminals). */
	mouse = mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED |
			  BUTTON4_PRESSED | BUTTON5_PRESSED, NULL) != 0;
	init_attrs(u);
	crash_init(mouse);
	screen_size(u);
	return 0;
}

void screen_fini(void)
{
	if (!screen_on)
		return;
	curs_set(1);
	endwin();
	screen_on = 0;
}

int screen_key(int ms)
{
	wint_t wc;
	int rc;

	timeout(ms);
	rc = get_wch(&wc);
	if (rc == KEY_CODE_YES)
		return UI_FN((int)wc);
	if (rc == ERR)
		return -1;
	return (int)wc;
}

int screen_size(struct ui *u)
{
	getmaxyx(stdscr, u->rows, u->cols);
	return u->rows >= UI_MIN_ROWS && u->cols >= UI_MIN_COLS;
}

void screen_clear(void)
{
	erase();
}

void screen_put(int y, int x, int width, const char *text, enum ui_attr a)
{
	struct od_err err;
	struct buf b;

	if (width <= 0 || y < 0 || y >= LINES || x < 0 || x >= COLS)
		return;
	if (x + width > COLS)
		width = COLS - x;
	/* A screen row is small: 16 bytes a column is room for anything. */
	buf_init(&b, (size_t)width * 16 + 16);
	if (format_fit(&b, text ? text : "", width, &err) == OD_OK &&
	    b.data != NULL) {
		attrset(attrs[a]);
		mvaddstr(y, x, b.data);
		attrset(A_NORMAL);
	}
	buf_free(&b);
}

void screen_putf(int y, int x, int width, enum ui_attr a, const char *fmt,
		 ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	screen_put(y, x, width, line, a);
}

void screen_bar(struct ui *u, int y, enum ui_attr a)
{
	screen_put(y, 0, u->cols, "", a);
}

void screen_box(int y, int x, int h, int w, const char *title)
{
	int i;

	for (i = 0; i < h; i++)
		screen_put(y + i, x, w, "", UI_NORMAL);
	attrset(attrs[UI_HEAD]);
	mvaddch(y, x, ACS_ULCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
	if (title != NULL)
		screen_putf(y, x + 2, screen_width(title) + 2, UI_HEAD,
			    " %s ", title);
}

int screen_width(const char *text)
{
	size_t n = strlen(text), i = 0, len;
	unsigned cp;
	int total = 0;

	while (i < n) {
		len = utf8_decode(text + i, n - i, &cp);
		if (len == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			total++;
			i += len ? len : 1;
			continue;
		}
		total += utf8_cp_width(cp);
		i += len;
	}
	return total;
}

void screen_cursor(int y, int x)
{
	if (y < 0) {
		curs_set(0);
		return;
	}
	move(y, x);
	curs_set(1);
}

void screen_flush(void)
{
	refresh();
}

void screen_too_small(struct ui *u)
{
	erase();
	mvaddnstr(0, 0, "The window is too small.", u->cols);
	mvprintw(1, 0, "orderdesk needs %dx%d;", UI_MIN_COLS, UI_MIN_ROWS);
	mvprintw(2, 0, "this one is %dx%d.", u->cols, u->rows);
	mvaddnstr(3, 0, "q quits.", u->cols);
}

/* Wider terminals than this get the sync state in words. */
#define STATUS_WIDE 100

/*
 * The background sync's part of the status line (empty for a store
 * without a backend): unshown conflicts, online or offline, statements
 * waiting, the last full sync's time (or "syncing…" while one runs).  The
 * words stay put while a sync runs, so the line does not flicker.
 */
static void bg_words(const struct ui *u, char *out, size_t size)
{
	const struct desk_bg *b = &u->bg;
	char when[16] = "never", conflicts[64] = "";
	int wide = u->cols > STATUS_WIDE;
	time_t t = (time_t)b->last_ok;
	struct tm tm;

	out[0] = '\0';
	if (!b->attached)
		return;
	if (b->running)
		snprintf(when, sizeof when, "syncing…");
	else if (b->last_ok > 0 && localtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%H:%M", &tm);
	if (b->new_conflicts > 0)
		snprintf(conflicts, sizeof conflicts, " %lld conflict%s (C) │",
			 b->new_conflicts, b->new_conflicts == 1 ? "" : "s");
	/* The time says what it is: when the last full sync ended. */
	if (wide)
		snprintf(out, size, "│%s backend %s · %lld statement%s "
			 "waiting · %s%s ", conflicts, b->online ? "online" :
			 "offline", b->waiting, b->waiting == 1 ? "" : "s",
			 b->running ? "" : "synced ", when);
	else
		snprintf(out, size, "│%s %s %lld waiting %s%s ", conflicts,
			 b->online ? "online" : "offline", b->waiting,
			 b->running ? "" : "synced ", when);
}

int ui_key_offered(const struct ui *u, const struct ui_keyhelp *k)
{
	if (k->kind == UI_OWNER_ONLY)
		return desk_is_unlocked(u->desk) &&
		       desk_role(u->desk) == ROLE_OWNER;
	return k->kind < 0 || desk_may(u->desk, (enum stmt_kind)k->kind);
}

void screen_status(struct ui *u, const struct ui_view *v)
{
	char line[512], bg[192] = "";
	const char *help = "";
	size_t used;
	const struct ui_keyhelp *k;
	int y = u->rows - 1, bw = 0, hw, kw;

	if (desk_is_unlocked(u->desk))
		used = (size_t)snprintf(line, sizeof line, " %s (%s) │",
					desk_user(u->desk),
					desk_role_name(u->desk));
	else
		used = (size_t)snprintf(line, sizeof line, " locked │");
	for (k = v->keys; k != NULL && k->key != NULL; k++) {
		if (!ui_key_offered(u, k) || used >= sizeof line - 1)
			continue;
		/* Help has its own place at the end, never cut off. */
		if (strcmp(k->key, "?") == 0) {
			help = " ? help ";
			continue;
		}
		used += (size_t)snprintf(line + used, sizeof line - used,
					 " %s %s", k->key, k->what);
	}
	if (desk_is_unlocked(u->desk))
		bg_words(u, bg, sizeof bg);
	bw = bg[0] ? screen_width(bg) : 0;
	/* The keys give way to the sync state, but keep who and help. */
	if (bw > u->cols * 2 / 3)
		bw = u->cols * 2 / 3;
	hw = screen_width(help);
	kw = screen_width(line) + 1;
	if (kw > u->cols - bw - hw)
		kw = u->cols - bw - hw;
	screen_put(y, 0, u->cols - bw, "", UI_TITLE);
	screen_put(y, 0, kw, line, UI_TITLE);
	screen_put(y, kw, hw, help, UI_TITLE);
	if (bw > 0)
		screen_put(y, u->cols - bw, bw, bg, u->bg.new_conflicts > 0 ?
			   UI_TAB : UI_TITLE);
}
