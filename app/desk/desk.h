/*
 * desk.h - what the screens need from the shop, in one place.
 *
 * The TUI (ui/) calls nothing of the app layer but this and lib/format.h:
 * unlocking and locking, a compact in-memory index of the orders for fast
 * listing, filtering and search, everything about one order with a checked
 * mark per statement, and acting on an order in two steps (prepare, show the
 * exact statement text, then sign).  The commands in
 * app/orderdesk/cmd-act.c share desk_make and desk_ship_items, so the desk
 * and the command line sign the same statements (desk-shop.h: those take
 * the shop the command line holds; the screens never see it).
 *
 * Strings handed out (rows, details) are borrowed from the desk and valid
 * until the next call that reloads or locks it, unless said otherwise.
 * Nothing here prints.
 */
#ifndef OD_DESK_H
#define OD_DESK_H

#include <stddef.h>
#include <stdint.h>

#include "app/log/role.h"
#include "app/log/statement.h"
#include "lib/err.h"
#include "storage/records.h"

#define DESK_SEARCH_MAX 256     /* bytes of search text */
#define DESK_MAX_USERS  1000    /* key slots listed for sign-in */

struct desk;

/* One order as the list shows it (borrowed strings). */
struct desk_row {
	const char *number;
	const char *placed;     /* "YYYY-MM-DDTHH:MM:SSZ" */
	const char *customer;
	long long total;        /* minor units */
	uint32_t nitems;
	char currency[4];
	uint8_t status;         /* enum order_status */
	uint8_t facts;          /* DESK_FACT_* bits: what the tabs ask */
	uint8_t pay;            /* enum pay_state: what paid: asks */
};

/* What a row knows of an order's money and returns, for the tabs. */
#define DESK_FACT_UNPAID 1u     /* unpaid, authorized or partly paid */
#define DESK_FACT_RETURN 2u     /* a return open or received, not closed */
#define DESK_FACTS       4u     /* combinations of the bits above */

/*
 * Makes a locked desk on the shop in dir (nothing is opened yet).  *out is
 * the caller's (desk_free).
 */
enum od_code desk_new(const char *dir, struct desk **out, struct od_err *err);

/* Locks (wiping keys and the index) and frees the desk; NULL is a no-op. */
void desk_free(struct desk *d);

/*
 * The people who have a key slot, sorted, at most DESK_MAX_USERS.  The array
 * is borrowed and valid until the next call or desk_free.
 */
enum od_code desk_users(struct desk *d, const char *const **names, size_t *n,
			struct od_err *err);

/*
 * Unlocks as user with the passphrase (which the caller wipes) and loads the
 * order index.  A wrong passphrase gives OD_E_AUTH and leaves the desk
 * locked.  The store's lock is taken only for each operation (shared to
 * read, exclusive to sign), so commands in other terminals, writers too,
 * run while the desk is open.  Any call may find the store's key changed by
 * another process or the person revoked: it then gives OD_E_AUTH and the
 * desk is locked (desk_locked_why).
 */
enum od_code desk_unlock(struct desk *d, const char *user, const char *pass,
			 size_t pass_len, struct od_err *err);

/* Closes the store, wiping keys and dropping the index; locked is a no-op. */
void desk_lock(struct desk *d);

/*
 * Why the desk locked itself ("" if it did not): another process changed
 * the store's key (`user revoke`) or revoked the signed-in person.  Cleared
 * by desk_lock and desk_unlock.
 */
const char *desk_locked_why(const struct desk *d);

/* Whether the desk is unlocked. */
int desk_is_unlocked(const struct desk *d);

/* Who is signed in ("" when locked) and their role. */
const char *desk_user(const struct desk *d);
/* How long the last unlock spent deriving the key (benchmarks). */
double desk_unlock_kdf_ms(const struct desk *d);
enum role desk_role(const struct desk *d);

/* The role's name ("owner", ...) and an order status's name ("new", ...;
 * "all" for -1). */
const char *desk_role_name(const struct desk *d);
const char *desk_status_name(int status);

/* Whether the signed-in person's role allows statements of kind. */
int desk_may(const struct desk *d, enum stmt_kind kind);

/*
 * Rereads the whole order index from the store (keeps filter and search);
 * a big shop's (desk_index_need) is dropped instead, read again when next
 * needed: only the saved views and the log's head are read now.
 */
enum od_code desk_reload(struct desk *d, struct od_err *err);


/*
 * Chooses what the list shows: status (an enum order_status, or -1 for all)
 * and search text (NULL or "" for none; number, customer, e-mail, phone,
 * city, SKU or item name, case and diacritics folded, exactly as
 * `orderdesk list --search`: a substring from 3 characters, the start of a
 * word for 1 or 2; storage/store-search.h).  The status filter works on the
 * rows in memory; a changed search asks the store's full-text index, never
 * the text of every order (see desk_search_ready).  A key press never
 * waits: while another command holds the store (an import in another
 * terminal), a changed search gives OD_E_BUSY at once and lists every
 * order.
 * newest_first reverses the order (oldest placed first otherwise).
 */
enum od_code desk_filter(struct desk *d, int status, const char *search,
			 int newest_first, struct od_err *err);

/* What the list is sorted by (desk_sort). */
enum desk_sort_key {
	DESK_SORT_PLACED,       /* oldest or newest first (desk_filter) */
	DESK_SORT_NUMBER,       /* order numbers, shorter ones first */
	DESK_SORT_CUSTOMER,     /* customer name, byte order */
	DESK_SORT_TOTAL,        /* by currency (A-Z), highest total
				   first in each */
	DESK_SORT_STATUS,       /* the order's life: new first */
	DESK_SORT_COUNT
};

/*
 * Sorts the list by key; ties keep the placed order.  Holds across
 * filters, searches and reloads until changed.  The first use of a key
 * after a reload sorts the whole index once (about 30 ms for 100,000
 * orders); filtering after that costs what it did.
 */
enum od_code desk_sort(struct desk *d, enum desk_sort_key key,
		       struct od_err *err);

/*
 * Whether the store changed since the index was read, by another process
 * (a hold or an import in another terminal) or a sync: *changed is 1 when
 * the log's head differs from the one the index was read at.  Never
 * waits: while another command holds the store, *changed is 0 and the
 * next call looks again.  The desk's own statements do not count (the
 * index already follows them).  Costs opening the store (desk-watch.c):
 * call it about once a second, not per key.
 */
enum od_code desk_store_changed(struct desk *d, int *changed,
				struct od_err *err);

/*
 * Maps the store's search index to the rows (one walk of an index, 4 bytes
 * an order; the searchable text stays in the store) unless already done.
 * desk_filter does it at the first search; the screens call it when idle,
 * so that the first key of a search answers as fast as the later ones.
 * Dropped with the rows (lock, reload).  After a failure it does nothing
 * (OD_OK) until the next reload; a search then tries again and reports the
 * error.
 */
enum od_code desk_search_ready(struct desk *d, struct od_err *err);

/* Rows the current filter shows, and row i of them (NULL past the end). */
size_t desk_count(const struct desk *d);
const struct desk_row *desk_row(const struct desk *d, size_t i);

/* Orders with status (or -1: all) matching the current search. */
size_t desk_count_status(const struct desk *d, int status);

/* The first shown row whose number is number, or (size_t)-1. */
size_t desk_find(const struct desk *d, const char *number);

/* One statement about an order, as the history shows it. */
struct desk_event {
	long long seq;
	char time[STMT_TIME_LEN + 1];
	char actor[STMT_NAME_MAX + 1];
	char role[16];          /* the signer's role now, "" if unknown */
	const char *kind;       /* static kind name */
	int sig_ok;             /* the signature checks with the signer's key */
	int chain_ok;           /* its hash follows from the entry before it */
	char *detail;           /* reason, note text, carrier and tracking */
};

struct desk_shipment {
	long long seq;
	char *carrier, *tracking, *items;
};

struct desk_note {
	long long seq;
	char time[STMT_TIME_LEN + 1];
	char actor[STMT_NAME_MAX + 1];
	char *text;
};

/* Everything about one order; owned by the caller (desk_detail_free). */
struct desk_detail {
	struct order *order;
	struct desk_shipment *shipments;
	size_t nshipments;
	struct desk_note *notes;
	size_t nnotes;
	struct desk_event *events;
	size_t nevents;
	size_t nunchecked;      /* events whose signature or link fails */
	char source[16];        /* the storefront its order.placed names */
	char source_id[24];     /* and the storefront's own id, or "" */
	struct desk_money *money;  /* payments, parcels, returns (desk-money.h) */
};

/*
 * Reads one order with its items, shipments, notes and history, checking
 * each statement's signature against its signer's recorded key and its
 * chain link, and that the order's rows are what its own log entries fold
 * to (desk-order.c): a page from an older copy of the store decrypts, so
 * a row alone is not believed.  An unknown number gives OD_E_NOTFOUND;
 * rows that differ from the fold give OD_E_TAMPERED ("order N's stored
 * state does not match its signed history; run `orderdesk audit
 * verify`").  An entry that does not check is marked (sig_ok, chain_ok)
 * and counted in nunchecked, and the order is still given, so that the
 * screen and `orderdesk show` can show which one.
 */
enum od_code desk_detail(struct desk *d, const char *number,
			 struct desk_detail **out, struct od_err *err);
void desk_detail_free(struct desk_detail *dd);

/* An action prepared but not yet signed. */
struct desk_act;

/*
 * Prepares a statement of kind about number as the signed-in person:
 * order.confirm (no text), order.unconfirm (no text: it names the order's
 * latest confirmation), order.cancel and order.hold (text = reason),
 * order.release (text = optional reason), order.note (text), or
 * shipment.confirm (carrier and tracking; text = the parcel's items as
 * desk_ship_items_text reads them, NULL or "" for every item not yet
 * shipped).
 * Bad values give OD_E_INPUT naming the field.  The role is not checked
 * here: signing refuses what the role does not allow.  *out is the caller's
 * (desk_act_free).
 */
enum od_code desk_prepare(struct desk *d, enum stmt_kind kind,
			  const char *number, const char *text,
			  const char *carrier, const char *tracking,
			  struct desk_act **out, struct od_err *err);

/* The exact text that will be signed (borrowed from act). */
const char *desk_act_text(const struct desk_act *act);

/*
 * Signs exactly the text shown and appends it durably (the fold decides
 * whether it may happen: role, state).  On success *seq is its log entry,
 * the order's row in the index is refreshed, and for a shipment the
 * carrier is remembered (desk_last_carrier).
 */
enum od_code desk_act_sign(struct desk *d, struct desk_act *act,
			   long long *seq, struct od_err *err);
void desk_act_free(struct desk_act *act);

/* The carrier of the last shipment signed on this desk, or "". */
const char *desk_last_carrier(const struct desk *d);

/* ---- bulk actions (desk-bulk.c) ---- */

#define DESK_BULK_MAX 300       /* orders in one bulk action: all shown */

/* Several orders' statements of one kind, prepared but not yet signed. */
struct desk_bulk;

/*
 * Prepares one statement of kind (order.confirm, or shipment.confirm with
 * carrier and tracking[i] for numbers[i]) per order.  An order whose
 * statement cannot be made (nothing left to ship, a bad tracking number)
 * is kept with its reason (desk_bulk_sign gives it) and not signed.  More than
 * DESK_BULK_MAX orders give OD_E_INPUT.  *out is the caller's
 * (desk_bulk_free).
 */
enum od_code desk_bulk_prepare(struct desk *d, enum stmt_kind kind,
			       const char *const *numbers, size_t n,
			       const char *carrier,
			       const char *const *tracking,
			       struct desk_bulk **out, struct od_err *err);

/*
 * desk_bulk_prepare for shipment.confirm with each parcel's items as
 * desk_ship_items_text reads them (items[i] for numbers[i]; NULL or ""
 * for every unit left).  An order whose items do not fit is refused with
 * the reason, as one with nothing left to ship.
 */
enum od_code desk_bulk_prepare_parcels(struct desk *d,
				       const char *const *numbers, size_t n,
				       const char *carrier,
				       const char *const *tracking,
				       const char *const *items,
				       struct desk_bulk **out,
				       struct od_err *err);

/*
 * desk_bulk_prepare for order.hold or order.release: one reason (for a
 * release, "" or NULL for none) in every order's statement.
 */
enum od_code desk_bulk_prepare_reason(struct desk *d, enum stmt_kind kind,
				      const char *const *numbers, size_t n,
				      const char *reason,
				      struct desk_bulk **out,
				      struct od_err *err);

/*
 * What the dialog shows: every statement to be signed, each field as it
 * will be signed except prev, which links each to the entry signed just
 * before it and is known only then (borrowed from b).
 */
const char *desk_bulk_text(const struct desk_bulk *b);

/* Order i's number in b. */
const char *desk_bulk_number(const struct desk_bulk *b, size_t i);

/*
 * Signs order i's statement, in its own durable transaction, linked to the
 * log's tip of that moment; the text signed is the one shown apart from
 * prev.  The fold still decides (role, state).  A refused order gives its
 * error; *seq is its entry on success.
 */
enum od_code desk_bulk_sign(struct desk *d, struct desk_bulk *b, size_t i,
			    long long *seq, struct od_err *err);
void desk_bulk_free(struct desk_bulk *b);

/* ---- whether orders have reached the backend (desk-sync.c) ---- */

#define DESK_UNSYNCED_MAX 1000000   /* orders not yet synced, listed */

/* A snapshot of which orders have statements the backend has not seen. */
struct desk_sync;

/*
 * Reads whether the store is attached to a backend and, if it is, which
 * orders have a statement after the last head verified from it (one read
 * of the log entries after that head: cheap after a recent sync, whatever
 * the number of orders).  *out is the caller's (desk_sync_free).
 */
enum od_code desk_sync_read(struct desk *d, struct desk_sync **out,
			    struct od_err *err);

/* Whether the store was attached to a backend (0 for NULL). */
int desk_sync_attached(const struct desk_sync *s);

/* Whether every statement about number had reached the backend. */
int desk_sync_reached(const struct desk_sync *s, const char *number);
void desk_sync_free(struct desk_sync *s);

/* ---- sync in the background (desk.c, desk-bg.c; app/sync/sync-thread.h) */

/*
 * How often the background sync runs when nothing happens, in seconds (0:
 * SYNC_THREAD_EVERY_S); for the next unlock.  An unlock of a store attached
 * to a backend starts a sync thread on a handle of its own (it syncs at
 * once, then every so often and after every signed action); locking and
 * desk_free stop it, wiping its keys.  A store without a backend has none.
 */
void desk_sync_every(struct desk *d, int secs);

/* What the status line shows of the background sync (desk_bg_view). */
struct desk_bg {
	int attached;              /* a background sync runs for this desk */
	int online;                /* its last attempt reached the backend */
	int running;               /* a sync is under way now */
	long long waiting;         /* statements not yet accepted */
	long long last_ok;         /* unix time of the last full sync, or 0 */
	long long head;            /* the synced head's seq */
	long long new_conflicts;   /* conflicts nobody has been shown */
	long long news;            /* syncs that changed the store: when it
				      grows, the screens reload (desk_reload) */
	char last_error[OD_ERR_MSG_MAX];  /* "" after a success */
	char warning[320];         /* the stale-checkpoint warning, or "" */
};

/*
 * Copies the background sync's state: cheap (a mutex, no store and no
 * network), for every tick of the screen.  Zeroes when locked or not
 * attached.
 */
void desk_bg_view(struct desk *d, struct desk_bg *v);

/* One conflict (app/sync/sync-status.h), as a sentence; strings owned by it. */
struct desk_conflict {
	long long n;               /* order of recording: 1, 2, ... */
	char *order;               /* "" when none */
	char *at;                  /* when it was set aside (UTC) */
	char *line;                /* sync_conflict_line: order, what was
				      refused, who refused it and why, what
				      the shop's log says now */
	int acked;                 /* a person has been shown it */
};

#define DESK_CONFLICTS_MAX 1000    /* newest kept */

/* The conflicts, newest first; the caller's (desk_conflicts_free). */
struct desk_conflicts {
	struct desk_conflict *c;
	size_t n;
	long long total;           /* all recorded, kept or not */
};

/*
 * Reads the store's conflicts, the newest DESK_CONFLICTS_MAX of them, newest
 * first.  Works on any store (none recorded: n is 0).
 */
enum od_code desk_conflicts(struct desk *d, struct desk_conflicts **out,
			    struct od_err *err);
void desk_conflicts_free(struct desk_conflicts *c);

/* Marks every conflict as shown (sync_conflicts_ack). */
enum od_code desk_conflicts_ack(struct desk *d, struct od_err *err);

/* ---- the shop's people (owners; desk-people.c) ---- */

#define DESK_PEOPLE_MAX 1000

/* One person of the shop, as the fold of the log has made them. */
struct desk_person {
	char name[STMT_NAME_MAX + 1];
	char role[16];
	int active;             /* 0 once revoked */
	char fingerprint[72];   /* "sha256:" + hex */
};

/* Everyone who was ever added, by name; the caller's (desk_people_free). */
struct desk_people {
	struct desk_person *p;
	size_t n;
};

/*
 * Reads the shop's people (at most DESK_PEOPLE_MAX; more gives
 * OD_E_INPUT).  Anyone signed in may read it, as `user list`.
 */
enum od_code desk_people(struct desk *d, struct desk_people **out,
			 struct od_err *err);
void desk_people_free(struct desk_people *p);

/*
 * Prepares a statement about a person, to show and then sign with
 * desk_act_sign as an order's: user.add (role and the new person's own
 * passphrase, at least PASSPHRASE_MIN bytes, copied and wiped with the
 * act; a new signing key is made here and sealed under it when signed),
 * user.role (role) or user.revoke.  Signing a revoke also drops the
 * person's key slot and changes the store's key; if that part fails the
 * error says so and *seq still names the signed entry.  The role is not
 * checked here: signing refuses what the signer's role does not allow.
 */
enum od_code desk_prepare_user(struct desk *d, enum stmt_kind kind,
			       const char *name, const char *role,
			       const char *pass, size_t pass_len,
			       struct desk_act **out, struct od_err *err);

/*
 * Whether name may be a person's name, by the statement's own rule (a-z,
 * 0-9, '.', '_' or '-', a letter first, at most STMT_NAME_MAX), for a form
 * to say so as the field is left (desk-check.c).  OD_E_INPUT says why.
 */
enum od_code desk_check_person_name(struct desk *d, const char *name,
				    struct od_err *err);

/*
 * Whether the signed-in person's kind about order number would be taken
 * now, asked before the first field: the statement, with stand-ins for its
 * words, applied in a transaction that is rolled back, so the answer is
 * the fold's own (role, state: "order 1001 is new; only confirmed orders
 * can ship").  Nothing is signed or kept (desk-check.c).
 */
enum od_code desk_check_act(struct desk *d, enum stmt_kind kind,
			    const char *number, struct od_err *err);

/*
 * desk_check_act for user.role (to role) or user.revoke of name: "keep an
 * owner" and "already revoked" said before the form or the statement.
 */
enum od_code desk_check_user(struct desk *d, enum stmt_kind kind,
			     const char *name, const char *role,
			     struct od_err *err);

/* The roles that may sign kind, in words: "owner and shopkeeper". */
void desk_who_may(enum stmt_kind kind, char *out, size_t size);

/* ---- holds by reason (desk-hold.c) ---- */

#define DESK_HOLD_REASONS 5

/* Shopify's fixed reasons for a hold, "other" last; NULL-ended. */
extern const char *const desk_hold_reasons[DESK_HOLD_REASONS + 1];

/*
 * Which of desk_hold_reasons a hold's reason text falls under: the one it
 * is, or starts with before a ':' (any case), else "other".
 */
size_t desk_hold_kind(const char *reason);

/* The reason the desk signs: "REASON", or "REASON: DETAILS". */
void desk_hold_text(size_t kind, const char *details, char *out,
		    size_t size);

/* One held order and its reason. */
struct desk_held {
	char number[STMT_ORDER_MAX + 1];
	char *reason;           /* as signed */
	size_t kind;            /* desk_hold_kind(reason) */
};

/* The held orders, by number, and how many per reason. */
struct desk_holds {
	struct desk_held *h;
	size_t n, cap;
	size_t count[DESK_HOLD_REASONS];
};

/* Reads every held order's reason; *out is the caller's. */
enum od_code desk_holds(struct desk *d, struct desk_holds **out,
			struct od_err *err);

/* The held order number in h, or NULL. */
const struct desk_held *desk_holds_find(const struct desk_holds *h,
					const char *number);
void desk_holds_free(struct desk_holds *h);

/* ---- partly shipped orders (desk-ship.c) ---- */

/* A confirmed order with some of its units shipped. */
struct desk_partial {
	char number[STMT_ORDER_MAX + 1];
	long long shipped, total;   /* units */
};

/* Every partly shipped order, by number. */
struct desk_partials {
	struct desk_partial *p;
	size_t n, cap;
};

/* Reads them; *out is the caller's (desk_partials_free). */
enum od_code desk_partials(struct desk *d, struct desk_partials **out,
			   struct od_err *err);

/* Order number in p, or NULL. */
const struct desk_partial *desk_partials_find(const struct desk_partials *p,
					      const char *number);
void desk_partials_free(struct desk_partials *p);

/* ---- an order's units (desk-ship.c) ---- */

/* An order's items counted in units (a line of qty 3 is 3). */
struct desk_units {
	long long shipped;      /* in the parcels signed so far */
	long long total;        /* ordered */
	int status;             /* enum order_status */
	char customer[96];      /* the customer's name, for the ship dialog */
};

/* desk_ship_units on the desk (it takes the store for the read). */
enum od_code desk_order_units(struct desk *d, const char *number,
			      struct desk_units *u, struct od_err *err);

/*
 * Every unit of order number not yet shipped, as the ship dialog's Items
 * field holds them: "SKU QTY, SKU QTY" ("" when they do not fit in size:
 * then the parcel is all of them).
 */
enum od_code desk_ship_remaining(struct desk *d, const char *number,
				 char *out, size_t size, struct od_err *err);

/*
 * Another order (into number, "" for none) whose parcel was signed with
 * tracking code tracking: the scanner flow warns before using it twice.
 */
enum od_code desk_tracking_used(struct desk *d, const char *tracking,
				const char *number, char *other, size_t size,
				struct od_err *err);

/* The audit history has a header of its own; the screens reach it here. */
#include "app/desk/desk-audit.h"
/* Undo as a signed inverse (z). */
#include "app/desk/desk-undo.h"
#include "app/desk/desk-money.h"

#endif
