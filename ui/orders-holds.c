/*
 * orders-holds.c - the Held tab's reasons and its filter by reason
 * (orders-holds.h).  The filter keeps the positions of the desk's rows
 * that match, rebuilt on each count: the held orders are few, and each
 * lookup is a binary search by number.  They are read only for the Held
 * tab, and again only after the list changed.
 */
#include "ui/orders-holds.h"

#include <stdlib.h>
#include <string.h>

void holds_init(struct holds *H)
{
	memset(H, 0, sizeof *H);
	H->filter = -1;
	H->stale = 1;
}

void holds_refresh(struct holds *H)
{
	H->stale = 1;
}

void holds_load(struct holds *H, struct ui *u)
{
	struct desk_holds *h = NULL;
	struct od_err err;

	if (!H->stale || !desk_is_unlocked(u->desk))
		return;
	H->stale = 0;
	if (desk_holds(u->desk, &h, &err) != OD_OK) {
		if (desk_is_unlocked(u->desk))
			ui_message(u, 1, "%s", err.msg);
		return;
	}
	desk_holds_free(H->holds);
	H->holds = h;
}

void holds_drop(struct holds *H)
{
	desk_holds_free(H->holds);
	H->holds = NULL;
	H->stale = 1;
	free(H->shown);
	H->shown = NULL;
	H->nshown = H->cap = 0;
}

/* The held order number, or NULL. */
static const struct desk_held *held(const struct holds *H,
				       const char *number)
{
	return H->holds ? desk_holds_find(H->holds, number) : NULL;
}

const char *holds_reason(const struct holds *H, const char *number)
{
	const struct desk_held *h = held(H, number);

	return h ? h->reason : NULL;
}

void holds_counts(const struct holds *H, char *line, size_t size)
{
	size_t i, used = 0;

	line[0] = '\0';
	if (H->holds == NULL || H->holds->n == 0)
		return;
	for (i = 0; i < DESK_HOLD_REASONS && used < size; i++)
		if (H->holds->count[i] > 0)
			used += (size_t)snprintf(line + used, size - used,
						 "%s%s %zu", used ? " · " :
						 "held: ", desk_hold_reasons[i],
						 H->holds->count[i]);
	if (used < size)
		snprintf(line + used, size - used, " │ ");
}

int holds_filter(const struct holds *H)
{
	return H->filter;
}

int holds_filter_next(struct holds *H)
{
	H->filter = H->filter + 1 >= DESK_HOLD_REASONS ? -1 : H->filter + 1;
	return H->filter;
}

size_t holds_count(struct holds *H, struct desk *d)
{
	size_t n = desk_count(d), i;
	const struct desk_held *h;
	size_t *bigger;

	if (H->filter < 0)
		return n;
	H->nshown = 0;
	for (i = 0; i < n; i++) {
		h = held(H, desk_row(d, i)->number);
		if (h == NULL || (int)h->kind != H->filter)
			continue;
		if (H->nshown == H->cap) {
			bigger = realloc(H->shown, (H->cap ? H->cap * 2 : 64) *
					 sizeof *bigger);
			if (bigger == NULL)
				break;
			H->shown = bigger;
			H->cap = H->cap ? H->cap * 2 : 64;
		}
		H->shown[H->nshown++] = i;
	}
	return H->nshown;
}

const struct desk_row *holds_row(const struct holds *H, struct desk *d,
				 size_t i)
{
	if (H->filter < 0)
		return desk_row(d, i);
	return i < H->nshown ? desk_row(d, H->shown[i]) : NULL;
}

size_t holds_find(const struct holds *H, struct desk *d,
		  const char *number)
{
	size_t at = desk_find(d, number), i;

	if (H->filter < 0 || at == (size_t)-1)
		return at;
	for (i = 0; i < H->nshown; i++)
		if (H->shown[i] == at)
			return i;
	return (size_t)-1;
}
