/*
 * fold-unconfirm.h - taking a confirmation back: order.unconfirm, the
 * signed inverse of an order.confirm (the desk's `z`, `orderdesk
 * unconfirm`).  Nothing is erased: the log keeps both statements.
 *
 * An order.unconfirm names the confirmation it takes back (undoes: its
 * statement id).  It is legal only when that is the order's latest
 * confirmation, the order is confirmed now (not held, cancelled or
 * shipped), no parcel of it has shipped, the signer may confirm orders,
 * and the statement is dated no more than FOLD_UNCONFIRM_WINDOW seconds
 * after the confirmation.  The window is judged by the two statements'
 * own signed times, so a replay (`audit verify`, the backend) gives the
 * same answer at any later date; where a statement enters the shop the
 * backend also bounds it by its own clock (fold_unconfirm_fresh), so a
 * desk whose clock runs behind cannot stretch it by more than the shop's
 * clock skew.
 */
#ifndef OD_FOLD_UNCONFIRM_H
#define OD_FOLD_UNCONFIRM_H

#include <time.h>

#include "app/log/statement.h"
#include "lib/err.h"
#include "storage/store.h"

/* How long after a confirmation it may be taken back: ten minutes. */
#define FOLD_UNCONFIRM_WINDOW 600

/* The latest entry of a kind about an order (fold_unconfirm_last). */
struct fold_last {
	long long seq;
	char id[STMT_ID_LEN + 1];
	char time[STMT_TIME_LEN + 1];
	char actor[STMT_NAME_MAX + 1];
};

/*
 * Finds the latest log entry of kind about order number with a seq below
 * before (0: the whole log), into *out.  None gives OD_E_NOTFOUND (err
 * untouched, so the caller says it in its own words).  Reads only the
 * order's own entries, and parses only those of kind.
 */
enum od_code fold_unconfirm_last(struct store *s, const char *number,
				 enum stmt_kind kind, long long before,
				 struct fold_last *out, struct od_err *err);

/*
 * order.unconfirm st as log entry seq, for fold_apply (the signer and
 * their role already checked) and fold_redo: the order goes back to new.
 * Refusals are OD_E_STATE in words a person can act on ("order 1042 was
 * confirmed 12 minutes before this; the limit is 10: cancel or hold it
 * instead (entry 57, 2026-12-07T10:31:07Z)").
 */
enum od_code fold_unconfirm_apply(struct store *s, const struct statement *st,
				  long long seq, struct od_err *err);

/*
 * order.unconfirm st again, for fold_redo: an entry already accepted, so
 * what was judged against the log then (the latest confirmation, the
 * window) is not judged again, which lets an order be folded from its own
 * entries alone, on a store without the log (desk-order.c checks a row
 * so); the order's state must still allow it.
 */
enum od_code fold_unconfirm_redo(struct store *s, const struct statement *st,
				 struct od_err *err);

/*
 * The backend's bound on an order.unconfirm it is asked to accept, by its
 * own clock now: it must arrive within FOLD_UNCONFIRM_WINDOW plus
 * CLOCK_SKEW_SECONDS of the confirmation it names, else OD_E_STATE (the
 * desk sets it aside as a conflict).  Any other kind, or a confirmation
 * this log does not have (the fold then says why), passes.  Only where a
 * statement enters the shop, as ledger_check_fresh.
 */
enum od_code fold_unconfirm_fresh(struct store *s, const struct statement *st,
				  time_t now, struct od_err *err);

#endif
