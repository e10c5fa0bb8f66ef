/*
 * desk-undo.h - undo as a signed inverse (the screens' `z`).
 *
 * Nothing is erased from the log: undoing signs a new statement that
 * takes the action back, and the history shows both.  What `z` undoes is
 * the signed-in person's own last action at this desk since they
 * unlocked it (as lazygit's z and vi's u: the last thing you did, not
 * whatever row is selected), and each further `z` the one before, a bulk
 * action's orders one at a time, until one that cannot be undone:
 *
 *   order.hold     an order.release ("undo of hold ID")
 *   order.confirm  an order.unconfirm naming it, within ten minutes and
 *                  before any parcel ships (app/log/fold-unconfirm.h)
 *   anything else  cannot be undone; the refusal names what would do
 *                  ("a cancellation cannot be undone; place the order
 *                  again")
 *
 * The list of actions lives in the desk's memory and goes with a lock.
 */
#ifndef OD_DESK_UNDO_H
#define OD_DESK_UNDO_H

#include <stddef.h>

#include "app/log/statement.h"
#include "lib/err.h"

struct desk;
struct desk_act;
struct shop;

/*
 * Prepares the inverse of the person's last action, to show (desk_act_text)
 * and sign with desk_undo_sign; what (size bytes) gets the action undone,
 * "the hold of order 1042" ("" when there is none).  The fold's answer
 * comes first, tried in a transaction that is rolled back, so a refusal
 * is said before any dialog, as a whole sentence: OD_E_NOTFOUND when
 * there is nothing to undo, OD_E_STATE for an action that cannot be
 * undone ("Your last action, the cancellation of order 1042, cannot be
 * undone: place the order again.") or no longer can (too late, shipped,
 * done again since by someone else), OD_E_DENIED for a role.  *out is
 * the caller's (desk_act_free).
 */
enum od_code desk_undo_prepare(struct desk *d, struct desk_act **out,
			       char *what, size_t size, struct od_err *err);

/*
 * Signs act (from desk_undo_prepare) as desk_act_sign does; on success
 * the action it undid leaves the list, so the next `z` undoes the one
 * before it, and the inverse itself is not an action to undo.
 */
enum od_code desk_undo_sign(struct desk *d, struct desk_act *act,
			    long long *seq, struct od_err *err);

/*
 * The order.unconfirm of order number's latest confirmation, as sh's user,
 * unsigned (desk-unconfirm.c: `orderdesk unconfirm`, `:unconfirm` through
 * desk_prepare, and `z` through desk_undo_prepare): an order never
 * confirmed gives OD_E_STATE, an unknown one OD_E_NOTFOUND.  The fold
 * still judges it when it is signed.  *out is the caller's.
 */
enum od_code desk_make_unconfirm(struct shop *sh, const char *number,
				 struct statement **out, struct od_err *err);

#endif
