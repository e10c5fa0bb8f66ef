/*
 * view.h - what the screens of the desk share: the state of one session, the
 * table each view registers (tmux's way: one const struct per view), and the
 * drawing helpers of screen.c through which every byte of text passes.
 *
 * A view's key handler says what should happen next (htop's way) instead of
 * drawing; the loop in ui.c draws the top view once per change.
 */
#ifndef OD_UI_VIEW_H
#define OD_UI_VIEW_H

#include <curses.h>
#include <stddef.h>
#include <time.h>

#include "app/desk/desk.h"
#include "lib/err.h"

#define UI_MIN_COLS 60
#define UI_MIN_ROWS 16
#define UI_STACK_MAX 8
#define UI_MSG_MAX 1024   /* a bulk action's refusals, each named */

/* A key as ui_key returns it: a character, or UI_FN(KEY_...) for keys. */
#define UI_FN(k) ((k) | 0x40000000)
#define UI_ESC 27
#define UI_CTRL(c) ((c) & 0x1f)

/* Colours and attributes by meaning. */
enum ui_attr {
	UI_NORMAL,
	UI_TITLE,     /* bars */
	UI_TAB,       /* the current tab */
	UI_SELECT,    /* the selected row */
	UI_HEAD,      /* column headings, section titles */
	UI_DIM,
	UI_GOOD,      /* success messages, checked marks */
	UI_BAD,       /* errors, failed checks */
	UI_ATTR_COUNT
};

/* What a key handler wants next. */
enum ui_next {
	UI_STAY,      /* nothing changed */
	UI_DRAW,      /* redraw */
	UI_BACK,      /* pop this view */
	UI_QUIT,      /* leave the desk */
};

/* One line of help: the key as shown and what it does. */
struct ui_keyhelp {
	const char *key;
	const char *what;
	int kind;     /* a stmt_kind the role must allow, UI_OWNER_ONLY,
			 or -1 for everyone */
};

#define UI_OWNER_ONLY (-2)

struct ui;

/*
 * What the lower layer (this stack, the common keys, the views' own
 * calls) needs from the desk's wiring in ui.c, reached through pointers so
 * that nothing below calls up into ui.c or the views.
 */
struct ui_wire {
	void (*lock)(struct ui *u);      /* L: lock the desk */
	void (*help)(struct ui *u);      /* ?: the keys of the top view */
	void (*messages)(struct ui *u);  /* M: the message history */
	/* Rereads the orders' sync column, and with reload the orders
	 * (after an action signed on another view). */
	void (*orders_refresh)(struct ui *u, int reload);
};

/*
 * A view's table.  Each hook gets the view's state: the object its open
 * function made and pushed with it, owned by the stack from then on and
 * freed when the view leaves it (free).  Views draw at the size in struct
 * ui each time, so a resize needs no hook of its own.
 */
struct ui_view {
	const char *name;
	void (*draw)(struct ui *u, void *st);
	enum ui_next (*key)(struct ui *u, void *st, int key);
	/* Drops what the view holds from the shop (on lock); may be NULL. */
	void (*lock)(struct ui *u, void *st);
	/* Reloads after an unlock; a failure pops the view.  May be NULL. */
	enum od_code (*unlock)(struct ui *u, void *st, struct od_err *err);
	const struct ui_keyhelp *keys;   /* ends with a NULL key */
	/* Follows a background sync that changed the store, keeping the
	 * person's place; a failure pops the view.  NULL: the view shows
	 * nothing a sync changes. */
	enum od_code (*news)(struct ui *u, void *st, struct od_err *err);
	/* Frees the state (wiping what is secret); NULL for a view
	 * without one. */
	void (*free)(void *st);
};

/* One view on the stack: its table and its state. */
struct ui_frame {
	const struct ui_view *view;
	void *st;
};

struct ui {
	struct desk *desk;
	const struct ui_wire *wire;
	const char *want_user;
	struct ui_frame stack[UI_STACK_MAX];
	int depth;
	int rows, cols;
	int color;
	int idle_secs;           /* 0: never lock on idle */
	long long last_key;      /* ui_now_ms() of the last key */
	int quit;
	char msg[UI_MSG_MAX];    /* the message line */
	int msg_bad;
	char fatal[OD_ERR_MSG_MAX];
	enum od_code fatal_code;
	struct desk_bg bg;       /* the background sync, as last drawn */
	long long last_watch;    /* ui_now_ms() of the last look at the
				    store for other processes' changes */
	/* Who unlocked last: chosen again on the unlock screen after a
	 * lock (else want_user). */
	char last_user[STMT_NAME_MAX + 1];
};

/* The two views ui.c tells apart (locking, ?); the others are reached
 * through their open functions. */
extern const struct ui_view view_login, view_help;

/* Opens the home screen, the orders (view-orders.c); -1 out of memory. */
int view_orders_open(struct ui *u);

/* Opens the unlock screen over the others (view-login.c); -1 out of
 * memory. */
int view_login_open(struct ui *u);

struct buf;

/* Appends a text view's text to b (arg as given to view_text_open). */
typedef enum od_code (*view_text_fill)(struct ui *u, long long arg,
				       struct buf *b, struct od_err *err);

/*
 * Opens a page of text made by fill, wrapped at the screen's width, made
 * again after an unlock (view-text.c); 0 if it cannot be made (the
 * message line says why).  It takes the place of a text view on top.
 */
int view_text_open(struct ui *u, const char *title, view_text_fill fill,
		   long long arg);

/* ---- messages.c: every message the message line showed ---- */

/* Keeps a message with the time (the same one twice in a row once). */
void messages_add(const char *text, int bad);

/* Forgets them all (on lock). */
void messages_clear(void);

/* Appends them to b, newest first, one a line with its time. */
enum od_code messages_text(struct buf *b, struct od_err *err);

/* Opens the message history (M; view-text.c); 0 if it cannot. */
int view_messages_open(struct ui *u);

/*
 * Rereads the orders' sync column, and with reload the orders too, keeping
 * the tab, search, sort and selected order (view-orders.c).
 */
void view_orders_refresh(struct ui *u, int reload);

/* Opens the conflicts (view-conflicts.c); 0 if they cannot load. */
int view_conflicts_open(struct ui *u);

/* Opens the people view (view-people.c, owners); 0 if it cannot load. */
int view_people_open(struct ui *u);

/* Opens the audit history (view-audit.c, owners); 0 if it cannot load. */
int view_audit_open(struct ui *u);

/* Opens the order view on number (view-order.c); 0 if it cannot load. */
int view_order_open(struct ui *u, const char *number);

/* ---- marks.c: orders marked for a bulk action ---- */

/* The marked numbers, sorted; zeroed is empty. */
struct marks {
	char (*m)[STMT_ORDER_MAX + 1];
	size_t n;
};

/* Whether number is marked. */
int marks_has(const struct marks *mk, const char *number);

/* Marks (on) or unmarks number; -1 when DESK_BULK_MAX are marked. */
int marks_set(struct marks *mk, const char *number, int on);

/* How many are marked, and the i-th (sorted by number; NULL past the end). */
size_t marks_count(const struct marks *mk);
const char *marks_get(const struct marks *mk, size_t i);

/* Unmarks everything. */
void marks_clear(struct marks *mk);

/* Unmarks everything and frees the room. */
void marks_free(struct marks *mk);

/* ---- orders-parcels.c: the list's "2/5 shipped" ---- */

/* The partly shipped orders, read when drawn (in the orders view's
 * state); parcels_drop makes a new one. */
struct parcels {
	struct desk_partials *p;
	int stale;                /* the list changed: read them again */
};

/* The list changed: read the partly shipped orders again when drawn. */
void parcels_refresh(struct parcels *P);

/* Forgets them (on lock, and when the view goes). */
void parcels_drop(struct parcels *P);

/* The STATUS column of r: "2/5 shipped" for a confirmed order partly
 * shipped (in out), else the status's name. */
const char *parcels_status(struct parcels *P, struct ui *u,
			   const struct desk_row *r, char *out, size_t size);

/* ---- act-bulk.c ---- */

/*
 * Acts on every marked order with kind (order.confirm, order.hold or
 * order.release asking one reason for all, or shipment.confirm asking one
 * carrier and a tracking number per order): one dialog with
 * every statement, then each signed on its own and durable before the
 * next; the signed ones are unmarked, and the message line says how many
 * were signed and which were refused, and why.  Returns how many were
 * signed.
 */
size_t ui_act_bulk(struct ui *u, struct marks *mk, enum stmt_kind kind);

/*
 * ui_act_bulk with the reason of a hold or release given (NULL: asked),
 * the dialog's title saying what the orders are ("marked" when NULL):
 * the `:` line's several orders (cmdline.c).
 */
size_t ui_act_bulk_given(struct ui *u, struct marks *mk, enum stmt_kind kind,
			 const char *reason, const char *what);

/* ---- stack.c ---- */

/*
 * Pushes view v with its state st on top; the stack owns st from here.
 * Past UI_STACK_MAX the view is not shown and st is freed: -1.
 */
int ui_push(struct ui *u, const struct ui_view *v, void *st);

/* The state of the topmost v on the stack, or NULL. */
void *ui_state(const struct ui *u, const struct ui_view *v);

/* The view under the top one, or NULL. */
const struct ui_view *ui_below(const struct ui *u);

/* The view on top. */
const struct ui_view *ui_top(const struct ui *u);

/* Takes the views above depth off, top first, each dropping what it holds
 * (its lock hook) and then freed. */
void ui_drop(struct ui *u, int depth);

/*
 * Milliseconds on the monotonic clock, for the idle lock and the waits: a
 * clock that neither jumps nor ticks in whole seconds (with time(), "idle
 * for 2 s" could be a moment past 1 s, whenever the second ticked over).
 */
long long ui_now_ms(void);

/* Called by the login view on top once unlocked: takes it off and reloads
 * the views below it. */
void ui_unlocked(struct ui *u);

/* Sets the message line ("Order 1042 confirmed, ..."); bad for errors. */
void ui_message(struct ui *u, int bad, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Ends the session with a message printed once the screen is restored. */
void ui_fatal(struct ui *u, const struct od_err *err);

/* Handles a key with the same meaning on every unlocked screen (L, ?). */
enum ui_next ui_common_key(struct ui *u, int key);

/* ---- screen.c ---- */

/* Takes the terminal (curses, colours unless NO_COLOR, signals). */
int screen_init(struct ui *u);

/* Gives the terminal back as it was; safe to call twice. */
void screen_fini(void);

/* The signal that asked the desk to end (SIGINT, SIGTERM, SIGHUP), or 0. */
int screen_signal(void);

/*
 * Waits up to ms for a key: a character (a Unicode code point), or
 * UI_FN(code) for a function key, or -1 when none came.
 */
int screen_key(int ms);

/* Rereads the terminal's size into u; returns whether it is big enough. */
int screen_size(struct ui *u);

/* Clears the screen for a new frame. */
void screen_clear(void);

/*
 * Writes text at (y, x) in exactly width columns (padded or cut with "…"),
 * through format_fit: control characters and escape sequences show as '?'.
 */
void screen_put(int y, int x, int width, const char *text, enum ui_attr a);

/* printf into screen_put. */
void screen_putf(int y, int x, int width, enum ui_attr a, const char *fmt,
		 ...) __attribute__((format(printf, 5, 6)));

/* Fills a row with attribute a. */
void screen_bar(struct ui *u, int y, enum ui_attr a);

/* Draws a framed box and clears its inside. */
void screen_box(int y, int x, int h, int w, const char *title);

/* Columns text takes on the terminal (what format_fit counts). */
int screen_width(const char *text);

/* Puts the cursor at (y, x) and shows it, or hides it (y < 0). */
void screen_cursor(int y, int x);

/* Sends the frame to the terminal. */
void screen_flush(void);

/* Draws the "window too small" notice. */
void screen_too_small(struct ui *u);

/* Whether the key help line applies to the signed-in role. */
int ui_key_offered(const struct ui *u, const struct ui_keyhelp *k);

/* Draws the status line: who, role, and the view's keys. */
void screen_status(struct ui *u, const struct ui_view *v);

/* ---- dialog-form.c ---- */

struct ui_field {
	const char *label;
	char *value;             /* UTF-8, edited in place (line-edit.h) */
	size_t cap;              /* bytes value may hold, with the NUL */
	int hidden;              /* a passphrase: typing is not shown */
	/* NULL for text; else the values it may take (NULL-ended), chosen
	 * with ← → or Space, never typed. */
	const char *const *choices;
	/* Checks field i of f as it is left (NULL: anything goes): 0, or
	 * -1 with why written (one line, what to do). */
	int (*check)(const struct ui_field *f, size_t i, char *why,
		     size_t size);
	void *ctx;               /* for check */
	/* Reached with Tab or ↓ only: Enter on the fields before it goes
	 * past it (a parcel's items, all by default, after the tracking a
	 * scanner types and ends with Enter). */
	int aside;
};

#define UI_FORM_MAX 8            /* fields in one form */

/* A text field labelled label, editing value (cap bytes with the NUL). */
#define UI_TEXT(label_, value_, cap_) \
	((struct ui_field){ .label = (label_), .value = (value_), \
			    .cap = (cap_) })

/*
 * Runs a small form over the current screen: Tab or arrows move between
 * fields, Enter on the last one accepts, Esc cancels; every text field is
 * edited with line-edit.h's keys.  A field with a check is checked when it
 * is left forwards and on accepting: a problem shows in the form, which
 * stays on that field with the text as typed.  problem (or NULL) is shown
 * from the start: a form opened again after a refusal says why.  Returns 1
 * when accepted, 0 when cancelled (or the desk must lock or end).
 */
int dialog_form_again(struct ui *u, const char *title, struct ui_field *f,
		      size_t n, const char *problem);

/* dialog_form_again with no problem to show yet. */
int dialog_form(struct ui *u, const char *title, struct ui_field *f,
		size_t n);

/* ---- dialog-sign.c ---- */

/*
 * Shows exactly the statement text that will be signed and asks y/n.
 * Returns 1 for yes.
 */
int dialog_sign(struct ui *u, const char *title, const char *text);

/*
 * Sets up the next dialog_sign: a warning above the statement ("" for
 * none; dropped after it), and no answer yet for dialog_sign_skipped.
 */
void dialog_sign_warn(const char *warning);

/* Whether the last dialog_sign was answered n (skip), not Esc or q (stop). */
int dialog_sign_skipped(void);

/* ---- dialog-pin.c ---- */

/*
 * Asks a token's PIN in a form on u, typing unseen, from this thread only
 * (app/keys/sigtoken.h's reader); NULL asks no more.
 */
void dialog_pin_setup(struct ui *u);

/* ---- pager.c ---- */

/*
 * Shows text in $PAGER (less when unset), the screen handed over and taken
 * back; anything a terminal would act on is sent as '?'.  A pager that did
 * not run gives OD_E_USAGE, in words for the message line.
 */
enum od_code screen_page(const char *text, struct od_err *err);

/* screen_page, the time spent in the pager not counted as idle, and a
 * failure said on the message line (stack.c). */
void ui_page(struct ui *u, const char *text);

/* ---- act.c ---- */

/*
 * Acts on order number: says at once when the role or the order's state
 * refuses it (desk_check_act), else asks for the fields kind needs (reason,
 * note text, carrier and tracking), prepares the statement, shows it, signs
 * on yes and reports on the message line.  Returns 1 when something was
 * signed.
 */
int ui_act(struct ui *u, enum stmt_kind kind, const char *number);

/* z: signs the inverse of the person's own last action here since unlock,
 * after showing it (act-undo.c).  Returns 1 when something was signed. */
int ui_undo(struct ui *u);

/*
 * Whether the signed-in role may sign kind; if not, the message line says
 * so in one line ("Your role (staff) may not confirm orders; owner and
 * shopkeeper may.") and it returns 0.
 */
int ui_allowed(struct ui *u, enum stmt_kind kind);

/*
 * Asks the reason of a hold (one of desk_hold_reasons, and details) or of
 * a release (optional text) into out, as the desk will sign it.  Returns
 * 0 on Esc.
 */
int ui_ask_reason(struct ui *u, enum stmt_kind kind, const char *title,
		  char *out, size_t size);

/* Redraws the whole screen under a dialog (the top view, status line). */
void ui_draw(struct ui *u);

#endif
