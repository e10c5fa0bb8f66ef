/*
 * desk-undo-list.h - inside the desk: the person's own signed actions
 * since unlock, newest last, which `z` undoes one by one (desk-undo.c).
 * It calls nothing of the desk, so desk.c (at a lock) and desk-act.c (at
 * each signature) may call it.
 */
#ifndef OD_DESK_UNDO_LIST_H
#define OD_DESK_UNDO_LIST_H

#include "app/log/statement.h"

#define DESK_UNDO_MAX 1000      /* actions remembered, the oldest dropped */

struct desk;
struct desk_act;

/* One signed action: which statement, about what. */
struct desk_undo_entry {
	char id[STMT_ID_LEN + 1];
	char subject[STMT_ORDER_MAX + 1];   /* the order, or the person */
	enum stmt_kind kind;
};

/*
 * act was signed (desk-act.c): it joins the list, unless the list is
 * quiet (desk_undo_quiet: an undo's own inverse is no action to undo).
 * Out of memory, it is just not offered for undo later.
 */
void desk_undo_note(struct desk *d, const struct desk_act *act);

/* The desk locked (desk.c): the list goes. */
void desk_undo_forget(struct desk *d);

/* The newest action, or NULL for none (borrowed until the list changes). */
const struct desk_undo_entry *desk_undo_top(const struct desk *d);

/* Drops the newest action (it was undone). */
void desk_undo_pop(struct desk *d);

/* While on, desk_undo_note notes nothing (a list must exist). */
void desk_undo_quiet(struct desk *d, int on);

#endif
