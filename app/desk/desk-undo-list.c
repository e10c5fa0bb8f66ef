/* desk-undo-list.c - the person's signed actions since unlock, for `z`. */
#include "app/desk/desk-undo-list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-internal.h"

/* The actions, oldest first. */
struct desk_undo_state {
	struct desk_undo_entry *v;   /* DESK_UNDO_MAX of them */
	size_t n;
	int quiet;
};

/* The desk's list, made on first use; NULL out of memory. */
static struct desk_undo_state *list_of(struct desk *d)
{
	struct desk_undo_state *u = d->undo;

	if (u == NULL && (u = calloc(1, sizeof *u)) != NULL &&
	    (u->v = calloc(DESK_UNDO_MAX, sizeof *u->v)) == NULL) {
		free(u);
		u = NULL;
	}
	d->undo = u;
	return u;
}

void desk_undo_note(struct desk *d, const struct desk_act *act)
{
	struct desk_undo_state *u = list_of(d);
	struct desk_undo_entry *e;

	if (u == NULL || u->quiet)
		return;
	if (u->n == DESK_UNDO_MAX) {
		memmove(u->v, u->v + 1, (DESK_UNDO_MAX - 1) * sizeof *u->v);
		u->n--;
	}
	e = &u->v[u->n++];
	memcpy(e->id, act->st->id, sizeof e->id);
	snprintf(e->subject, sizeof e->subject, "%s",
		 act->number[0] ? act->number : act->user);
	e->kind = act->kind;
}

void desk_undo_forget(struct desk *d)
{
	if (d->undo == NULL)
		return;
	free(d->undo->v);
	free(d->undo);
	d->undo = NULL;
}

const struct desk_undo_entry *desk_undo_top(const struct desk *d)
{
	const struct desk_undo_state *u = d->undo;

	return u != NULL && u->n > 0 ? &u->v[u->n - 1] : NULL;
}

void desk_undo_pop(struct desk *d)
{
	if (d->undo != NULL && d->undo->n > 0)
		d->undo->n--;
}

void desk_undo_quiet(struct desk *d, int on)
{
	if (d->undo != NULL)
		d->undo->quiet = on;
}
